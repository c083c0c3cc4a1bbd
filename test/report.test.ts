/** Reports: a real one validates (with our validator and with a fresh ajv), corrupted ones are rejected by name. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { SCHEMA_PATH } from '../harness/paths.ts';
import { buildReport } from '../harness/report/build.ts';
import type { Report } from '../harness/report/types.ts';
import { validateReport } from '../harness/report/validate.ts';
import { ALL_CASES } from '../suites/index.ts';
import { missingRuntime } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';

let report: Report;
// biome-ignore lint/suspicious/noExplicitAny: the tests corrupt the report at arbitrary depths on purpose
const clone = (): Record<string, any> => JSON.parse(JSON.stringify(report));

beforeAll(async () => {
  const cases = ALL_CASES.filter((c) => /^propagation\.(echo\.f32|host-error)\./.test(c.id));
  const out = await runInTest([nodeJspi, missingRuntime], cases);
  report = buildReport({
    startedAt: new Date(),
    finishedAt: new Date(),
    invocation: { argv: ['run'], filters: { adapters: ['node-jspi', 'fake-missing'], suites: [], case: null } },
    ...out,
  });
});

describe('report schema', () => {
  it('accepts a real report, with a non-pass of every kind the run produced', () => {
    const statuses = new Set(report.results.map((r) => r.status));
    expect(statuses).toEqual(new Set(['pass', 'expected-fail', 'unavailable']));
    const result = validateReport(clone());
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('accepts it with an independently configured ajv as well', () => {
    const ajv = new Ajv2020({ allErrors: true, strictRequired: false });
    const addFormats = (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default;
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
    expect(validate(clone()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('summary counts match the results', () => {
    const byStatus = Object.entries(report.summary.byStatus).filter(([, n]) => n > 0);
    const counted = Object.fromEntries(byStatus);
    const actual: Record<string, number> = {};
    for (const r of report.results) actual[r.status] = (actual[r.status] ?? 0) + 1;
    expect(counted).toEqual(actual);
    expect(report.summary.total).toBe(report.results.length);
  });

  it('rejects a report missing a top-level field, naming it', () => {
    const bad = clone();
    delete bad['summary'];
    const result = validateReport(bad);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors).toContain('(top level): missing required field "summary"');
  });

  it('rejects a wrong status value, naming the field', () => {
    const bad = clone();
    bad['results'][0].status = 'passed';
    const result = validateReport(bad);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.some((e) => e.startsWith('/results/0/status:'))).toBe(true);
  });

  it('rejects a non-pass result without a reproduce command', () => {
    const bad = clone();
    const index = bad['results'].findIndex((r: { status: string }) => r.status !== 'pass');
    delete bad['results'][index].reproduce;
    const result = validateReport(bad);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors).toContain(`/results/${index}: missing required field "reproduce"`);
  });

  it('rejects an unavailable adapter without a reason', () => {
    const bad = clone();
    const index = bad['adapters'].findIndex((a: { available: boolean }) => !a.available);
    delete bad['adapters'][index].reason;
    expect(validateReport(bad).valid).toBe(false);
  });
});
