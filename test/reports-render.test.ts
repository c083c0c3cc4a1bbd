/** Report outputs: Markdown, JUnit (parsed by an XML reader), self-contained HTML, shard + merge = unsharded. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { buildReport } from '../harness/report/build.ts';
import { MergeError, mergeReports } from '../harness/report/merge.ts';
import { renderHtml } from '../harness/report/render/html.ts';
import { renderJUnit } from '../harness/report/render/junit.ts';
import { renderMarkdown } from '../harness/report/render/markdown.ts';
import type { Report } from '../harness/report/types.ts';
import { validateReport } from '../harness/report/validate.ts';
import { ALL_CASES } from '../suites/index.ts';
import { brokenAdapter, missingRuntime, offByOneI64 } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';

const cases = ALL_CASES.filter((c) => c.id.startsWith('propagation.echo.'));
const adapters = [nodeJspi, brokenAdapter('broken-i64', offByOneI64), missingRuntime];
const order = new Map(ALL_CASES.map((c, i) => [c.id, i]));
const reportOf = (out: Awaited<ReturnType<typeof runInTest>>, shard?: { index: number; count: number }): Report =>
  buildReport({
    startedAt: new Date(),
    finishedAt: new Date(),
    invocation: { argv: [], ...(shard ? { shard } : {}), filters: { adapters: adapters.map((a) => a.id), suites: [], case: null } },
    ...out,
  });
const triples = (r: Report) => r.results.map((x) => `${x.adapterId} ${x.caseId} ${x.status}`);

let full: Report;
beforeAll(async () => {
  full = reportOf(await runInTest(adapters, cases));
});

describe('renderers', () => {
  it('Markdown has the matrix and every failing result with its rerun command', () => {
    const md = renderMarkdown(full);
    expect(md).toContain('| adapter | engine | propagation |');
    expect(md).toContain('unavailable: runtime binary not installed');
    const failing = full.results.filter((r) => r.status === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    for (const r of failing) expect(md).toContain(`\`${r.caseId}\``);
  });

  it('JUnit is well-formed XML that a reader parses into one testsuite per adapter × suite', () => {
    const xml = renderJUnit(full);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suites = [doc.testsuites.testsuite].flat();
    expect(suites.map((s: { name: string }) => s.name).sort()).toEqual(['broken-i64.propagation', 'fake-missing.propagation', 'node-jspi.propagation']);
    const broken = suites.find((s: { name: string }) => s.name === 'broken-i64.propagation');
    expect(Number(broken.failures)).toBe(full.results.filter((r) => r.adapterId === 'broken-i64' && r.status === 'fail').length);
    const missing = suites.find((s: { name: string }) => s.name === 'fake-missing.propagation');
    expect(Number(missing.skipped)).toBe(cases.length);
  });

  it('HTML is one self-contained file carrying every result', () => {
    const html = renderHtml(full);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    const data = html.match(/<script type="application\/json" id="awc-data">(.*?)<\/script>/s)![1]!;
    expect(JSON.parse(data).results.length).toBe(full.results.length);
    expect(html).toContain('Chart');
  });
});

describe('shards and merge', () => {
  it('shard 1/2 + shard 2/2 merged give exactly the unsharded result set, in order', async () => {
    const shards = await Promise.all(
      [1, 2].map(async (index) => reportOf(await runInTest(adapters, cases, { shard: { index, count: 2 } }), { index, count: 2 })),
    );
    expect(shards.every((s) => s.results.length > 0 && s.results.length < full.results.length)).toBe(true);
    const merged = mergeReports(
      shards.map((report, i) => ({ file: `s${i}`, report })),
      ['merge'],
      (id) => order.get(id)!,
    );
    expect(triples(merged)).toEqual(triples(full));
    expect(validateReport(JSON.parse(JSON.stringify(merged))).valid).toBe(true);
  });

  it('refuses reports of another tool version and a case present twice', () => {
    const other = { ...full, tool: { ...full.tool, version: '9.9.9' } };
    expect(() =>
      mergeReports(
        [
          { file: 'a', report: full },
          { file: 'b', report: other },
        ],
        [],
        (id) => order.get(id)!,
      ),
    ).toThrow(MergeError);
    expect(() =>
      mergeReports(
        [
          { file: 'a', report: full },
          { file: 'b', report: full },
        ],
        [],
        (id) => order.get(id)!,
      ),
    ).toThrow(/in both a and b/);
  });
});
