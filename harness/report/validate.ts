/** Validates reports against reports/report.schema.json with ajv (JSON Schema 2020-12). */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SCHEMA_PATH, SUMMARY_SCHEMA_PATH } from '../paths.ts';

const REPORT_SCHEMA_ID = 'urn:async-wasm-conformance:report:0.1.0';
import { summarise } from './summary.ts';
import type { Report } from './types.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

let compiled: ValidateFunction | undefined;
let ajvInstance: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (!ajvInstance) {
    // strictRequired would reject the schema's if/then "required" of properties declared elsewhere.
    ajvInstance = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajvInstance);
    ajvInstance.addSchema(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return ajvInstance;
}

/** Compiles the schema once; called early by `awc run` so a broken schema fails before any case runs. */
export function validator(): ValidateFunction {
  compiled ??= ajv().getSchema(REPORT_SCHEMA_ID)!;
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
  if (!validate(data)) return { valid: false, errors: describeErrors(validate.errors) };
  // The schema cannot say that the totals are the counts of the results; a hand-edited or
  // truncated report whose summary disagrees would mislead every reader of the summary.
  const report = data as Report;
  const disagreements = summaryDisagreements(report);
  if (disagreements.length) return { valid: false, errors: disagreements };
  return { valid: true, report };
}

/** What the schema cannot say: every count of `summary` that differs from its results', and results of undescribed adapters, by JSON pointer. */
export function summaryDisagreements(report: Report): string[] {
  const expected = summarise(report.results);
  const out: string[] = [];
  const compare = (at: string, stated: unknown, counted: unknown) => {
    if (typeof counted === 'object' && counted !== null) {
      for (const key of Object.keys(counted))
        compare(`${at}/${key}`, (stated as Record<string, unknown> | undefined)?.[key], (counted as Record<string, unknown>)[key]);
    } else if (stated !== counted) out.push(`${at}: says ${JSON.stringify(stated)}, but the results give ${JSON.stringify(counted)}`);
  };
  compare('/summary', report.summary, expected);
  // Every result belongs to an adapter the report describes (a renderer looks it up by id).
  const ids = new Set(report.adapters.map((a) => a.id));
  for (const [i, r] of report.results.entries())
    if (!ids.has(r.adapterId)) out.push(`/results/${i}/adapterId: ${JSON.stringify(r.adapterId)} is not one of the report's adapters`);
  return out;
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

/** Schema errors of an `awc report --format json-summary` document (reports/summary.schema.json); [] when valid. */
let summaryValidator: ValidateFunction | undefined;
export function summaryErrors(data: unknown): string[] {
  summaryValidator ??= ajv().compile(JSON.parse(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')));
  const validate = summaryValidator;
  return validate(data) ? [] : describeErrors(validate.errors);
}
