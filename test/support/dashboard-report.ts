/**
 * A large multi-row report made up for the dashboard tests: every case of the catalogue on each
 * of `rows` rows (some component-only), statuses drawn from a seeded generator, benchmarks with
 * CI95 and a history. Only its shape is real; it measures nothing.
 */
import type { AdapterDescription } from '../../harness/adapter.ts';
import type { HistoryEntry } from '../../harness/report/render/html.ts';
import { buildReport } from '../../harness/report/build.ts';
import type { BenchmarkResult, CaseResult, Report, Status } from '../../harness/report/types.ts';
import { prng } from '../../harness/bench/statistics.ts';
import { ALL_CASES } from '../../suites/index.ts';

// mulberry32 (harness/bench/statistics.ts), seeded: the report is the same on every run.
const seeded = prng;

const isComponentCase = (id: string) => id.includes('component');

export function syntheticReport(
  base: AdapterDescription,
  opts: { rows: number; componentRows: number; seed: number },
): { report: Report; history: HistoryEntry[] } {
  const random = seeded(opts.seed);
  const adapters: AdapterDescription[] = Array.from({ length: opts.rows }, (_, i) => {
    const component = i >= opts.rows - opts.componentRows;
    return {
      ...base,
      id: `row-${String(i + 1).padStart(2, '0')}${component ? '-component' : ''}`,
      features: { ...base.features, coreModules: !component, components: component },
    };
  });
  const results: CaseResult[] = [];
  for (const a of adapters) {
    // Row 1 passes every case it runs: the reference the others are compared with.
    const flaky = a.id === 'row-01' ? 0 : 0.03;
    for (const c of ALL_CASES) {
      const runs = a.features.components === isComponentCase(c.id);
      const x = random();
      const status: Status = !runs ? 'unsupported' : x < flaky * 0.4 ? 'fail' : x < flaky * 0.8 ? 'expected-fail' : x < flaky ? 'error' : 'pass';
      const result: CaseResult = {
        caseId: c.id,
        adapterId: a.id,
        suite: c.suite,
        requirement: c.requirement,
        level: c.level,
        status,
        durationMs: Math.round(random() * 1000) / 10,
      };
      if (status !== 'pass') {
        result.message = status === 'unsupported' ? 'adapter lacks feature(s): components' : `made-up ${status} of ${c.id}`;
        result.reproduce = `npx awc run --adapter ${a.id} --case ${c.id}`;
        if (status !== 'unsupported') result.evidence = { expected: 1, actual: { kind: 'ok', values: [2] } };
      }
      results.push(result);
    }
  }
  const benchmarks: BenchmarkResult[] = adapters.slice(0, 4).flatMap((a, i) =>
    ['overhead.sync-import', 'overhead.async-import'].map((benchmarkId, j) => {
      const median = 40 * (i + 1) * 10 ** j;
      return {
        benchmarkId,
        adapterId: a.id,
        title: benchmarkId,
        status: 'measured' as const,
        unit: 'ns/op' as const,
        summary: { n: 3, median, mad: median / 20, ci95: [median * 0.9, median * 1.15], outliers: 0, min: median * 0.8, max: median * 1.3 },
        samples: [median * 0.9, median, median * 1.1],
      };
    }),
  );
  const now = new Date('2026-01-02T03:04:05Z');
  const report = buildReport({
    startedAt: now,
    finishedAt: now,
    invocation: { argv: ['run', '--adapter', 'all'], filters: { adapters: adapters.map((a) => a.id), suites: [], case: null } },
    adapters,
    results,
  });
  report.benchmarks = benchmarks;
  const history: HistoryEntry[] = [0, 1, 2].map((k) => ({
    at: new Date(now.getTime() - (3 - k) * 86_400_000).toISOString(),
    commit: `abcdef${k}`,
    counts: Object.fromEntries(adapters.map((a, i) => [a.id, { pass: 200 + 10 * k - i }])),
  }));
  return { report, history };
}
