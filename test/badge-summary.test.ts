/** `awc badge` and `awc report --format json-summary` (issue 19): what they say is what the report says. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { Expectations } from '../harness/expectations.ts';
import { buildReport } from '../harness/report/build.ts';
import { BADGE_COLOURS, renderBadge } from '../harness/report/render/badge.ts';
import { jsonSummary } from '../harness/report/render/json-summary.ts';
import type { Report } from '../harness/report/types.ts';
import { summaryErrors } from '../harness/report/validate.ts';
import { ALL_CASES } from '../suites/index.ts';
import { awc, expectUsageError } from './support/awc.ts';
import { brokenAdapter, missingRuntime, offByOneI64 } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';
import { fileTempDir } from './support/temp-dir.ts';

const dir = await fileTempDir('awc-badge-');
const cases = ALL_CASES.filter((c) => /^propagation\.echo\.i64\./.test(c.id));
const broken = brokenAdapter('broken-i64', offByOneI64);
const known = brokenAdapter('known-i64', offByOneI64);
let report: Report;

beforeAll(async () => {
  // known-i64 has the same defect, listed as known failures: expected-fail, so yellow.
  const expectations: Expectations = { adapter: 'known-i64', knownFailures: [{ case: 'propagation.echo.i64.*', reason: 'test: listed on purpose' }] };
  const listed = await runInTest([known], cases, { expectations });
  const rest = await runInTest([nodeJspi, broken, missingRuntime], cases);
  const out = { adapters: [...rest.adapters, ...listed.adapters], results: [...rest.results, ...listed.results] };
  report = buildReport({ startedAt: new Date(), finishedAt: new Date(), invocation: { argv: [], filters: { adapters: [], suites: [], case: null } }, ...out });
}, 60_000);

describe('awc report --format json-summary', () => {
  it('is valid against reports/summary.schema.json, and a corrupted one is not', () => {
    const summary = jsonSummary(report);
    expect(summaryErrors(summary)).toEqual([]);
    const bad = structuredClone(summary) as unknown as { adapters: { counts: { MUST: Record<string, unknown> } }[] };
    bad.adapters[0]!.counts.MUST['passed'] = 1;
    expect(summaryErrors(bad).length).toBeGreaterThan(0);
  });

  it('counts, per adapter and level, exactly the results of the report', () => {
    const summary = jsonSummary(report);
    expect(summary.adapters.map((a) => a.id)).toEqual(report.adapters.map((a) => a.id));
    for (const a of summary.adapters) {
      const mine = report.results.filter((r) => r.adapterId === a.id);
      for (const level of ['MUST', 'SHOULD', 'MAY'] as const)
        for (const [status, n] of Object.entries(a.counts[level]!))
          expect(n, `${a.id} ${level} ${status}`).toBe(mine.filter((r) => r.level === level && r.status === status).length);
      expect(a.mustPassing).toBe(mine.filter((r) => r.level === 'MUST' && r.status === 'pass').length);
    }
  });
});

describe('awc badge', () => {
  const colourOf = (id: string) => /<rect x="\d+" width="\d+" height="20" fill="(#[0-9a-f]{6})"/.exec(renderBadge(report, id))?.[1];

  it('is green with P/T MUST for a row that passes, red for a broken one, yellow when only known failures, grey when unavailable', () => {
    const total = report.results.filter((r) => r.adapterId === nodeJspi.id && r.level === 'MUST').length;
    expect(total).toBeGreaterThan(3);
    expect(renderBadge(report, nodeJspi.id)).toContain(`${total}/${total} MUST`);
    expect(colourOf(nodeJspi.id)).toBe(BADGE_COLOURS.green);
    expect(colourOf('broken-i64')).toBe(BADGE_COLOURS.red);
    expect(colourOf('known-i64')).toBe(BADGE_COLOURS.yellow);
    expect(colourOf(missingRuntime.id)).toBe(BADGE_COLOURS.grey);
    expect(renderBadge(report, missingRuntime.id)).toContain('unavailable');
  });

  it('writes an SVG from the CLI; an adapter not in the report is a usage error', async () => {
    const file = join(dir, 'r.json');
    await writeFile(file, JSON.stringify(report));
    const out = join(dir, 'b.svg');
    const r = await awc(['badge', file, '--adapter', nodeJspi.id, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expectUsageError(await awc(['badge', file, '--adapter', 'nope', '--out', out]), 'nope');
  });
});
