/** Validates reports against reports/report.schema.json with ajv (JSON Schema 2020-12). */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SCHEMA_PATH } from '../paths.ts';
import type { Report } from './types.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

let compiled: ValidateFunction | undefined;

/** Compiles the schema once; called early by `awc run` so a broken schema fails before any case runs. */
export function validator(): ValidateFunction {
  if (!compiled) {
    // strictRequired would reject the schema's if/then "required" of properties declared elsewhere.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return compiled;
}

/** One line per schema violation, naming the field by its JSON pointer. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath || '(top level)';
    if (e.keyword === 'required') return `${at}: missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
    if (e.keyword === 'additionalProperties') return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'enum') return `${at}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
    return `${at}: ${e.message}`;
  });
}

export type ValidationResult = { valid: true; report: Report } | { valid: false; errors: string[] };

export function validateReport(data: unknown): ValidationResult {
  const validate = validator();
  if (validate(data)) return { valid: true, report: data as Report };
  return { valid: false, errors: describeErrors(validate.errors) };
}

/** Thrown when the harness itself produced a report its schema rejects: always a bug. */
export class InvalidReportError extends Error {
  override name = 'InvalidReportError';
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`the report does not match reports/report.schema.json:\n  ${errors.join('\n  ')}`);
    this.errors = errors;
  }
}
