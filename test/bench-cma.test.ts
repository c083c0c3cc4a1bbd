/**
 * The component-async benchmarks (harness/bench/component-async.ts): listed, measured on a row
 * that declares componentAsync (in-process jco, tiny budget, no timing asserted), unsupported with
 * the reason elsewhere, not timed when the runtime gets the work wrong, and shown beside the
 * sync-ABI component and core benchmarks of the same engine.
 */
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { AdapterDescription, Features } from '../harness/adapter.ts';
import { BENCHMARKS, benchmarkSuite } from '../harness/bench/benchmarks.ts';
import { CMA_BENCHMARKS, CMA_BENCH_GUEST, mbPerSecond } from '../harness/bench/component-async.ts';
import { runBenchmarks } from '../harness/bench/run.ts';
import { sideBySide } from '../harness/bench/side-by-side.ts';
import { sideBySideLines } from '../harness/cli/bench.ts';
import { buildReport } from '../harness/report/build.ts';
import { renderMarkdown } from '../harness/report/render/markdown.ts';
import type { BenchmarkResult } from '../harness/report/types.ts';
import { validateReport } from '../harness/report/validate.ts';
import { jcoInProcess } from './support/broken-cma.ts';
import { readyLater, readyWrong } from './support/broken-bench.ts';

const IDS = ['cma.call-entry', 'cma.import-ready', 'cma.import-next-turn', 'cma.stream-64k', 'cma.stream-16m'];
const tiny = { budgetMs: 100, warmupMs: 0, repeat: 1, httpOrigin: 'http://127.0.0.1:9' };
const byId = (results: BenchmarkResult[], adapterId: string) =>
  Object.fromEntries(results.filter((r) => r.adapterId === adapterId).map((r) => [r.benchmarkId, r]));

describe('component-async benchmarks', () => {
  it('are listed in awc bench, on the bench guest, each pairing with an existing benchmark or moving bytes', () => {
    expect(BENCHMARKS.map((b) => b.id)).toEqual(expect.arrayContaining(IDS));
    const known = new Set(BENCHMARKS.map((b) => b.id));
    for (const def of CMA_BENCHMARKS) {
      expect(def.fixture).toBe(CMA_BENCH_GUEST);
      expect(benchmarkSuite(def)).toBe('component-async');
      expect(def.expect).toBeTypeOf('number');
      if (def.nextTo) expect(known.has(def.nextTo)).toBe(true);
      else expect(def.bytesPerOp).toBeGreaterThan(0);
    }
    expect(CMA_BENCHMARKS.filter((d) => d.nextTo).map((d) => d.nextTo)).toEqual([
      'overhead.call-entry-async',
      'overhead.async-ready',
      'overhead.async-next-turn',
    ]);
    expect(mbPerSecond(1_000_000, 1e9)).toBe(1);
  });

  it('run on in-process jco with a tiny budget (ok samples, MB/s for streams, a valid report) and are unsupported on a core-module row', async () => {
    const { adapters, benchmarks } = await runBenchmarks({ ...tiny, adapters: [jcoInProcess('test-jco-bench'), nodeJspi], benchmarks: CMA_BENCHMARKS });
    const jco = byId(benchmarks, 'test-jco-bench');
    for (const id of IDS) {
      expect(jco[id]!.status, `${id}: ${jco[id]!.message}`).toBe('measured');
      expect(jco[id]!.samples!.length).toBeGreaterThan(0);
      expect(jco[id]!.samples!.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    }
    for (const id of ['cma.stream-64k', 'cma.stream-16m']) {
      expect(jco[id]!.mbPerSecond).toBeCloseTo(mbPerSecond(jco[id]!.bytesPerOp!, jco[id]!.summary!.median), 2);
    }
    expect(jco['cma.stream-16m']!.bytesPerOp).toBe(16 * 1024 * 1024);
    expect(jco['cma.call-entry']!.nextTo).toBe('overhead.call-entry-async');
    // The evidence of the path taken: jco hands ready-s32's value back without a subtask.
    expect(jco['cma.import-ready']!.message).toMatch(/^in the checking call 0 of 100 /);
    const core = byId(benchmarks, 'node-jspi');
    for (const id of IDS) {
      expect(core[id]!.status).toBe('unsupported');
      expect(core[id]!.message).toContain('componentAsync');
    }
    const report = {
      ...buildReport({
        startedAt: new Date(),
        finishedAt: new Date(),
        invocation: { argv: [], filters: { adapters: [], suites: ['component-async'], case: null } },
        adapters,
        results: [],
      }),
      benchmarks,
    };
    const valid = validateReport(JSON.parse(JSON.stringify(report)));
    expect(valid.valid ? [] : valid.errors).toEqual([]);
  }, 60_000);

  it('take the subtask path when ready-s32 does not complete at once, and are not timed when it returns a wrong value', async () => {
    const ready = CMA_BENCHMARKS.filter((d) => d.id === 'cma.import-ready');
    const { benchmarks } = await runBenchmarks({ ...tiny, adapters: [readyLater, readyWrong], benchmarks: ready });
    const later = byId(benchmarks, 'bench-ready-later')['cma.import-ready']!;
    expect(later.status, later.message).toBe('measured');
    expect(later.message).toMatch(/^in the checking call 100 of 100 /);
    const wrong = byId(benchmarks, 'broken-bench-ready-wrong')['cma.import-ready']!;
    expect(wrong.status).toBe('error');
    expect(wrong.message).toContain('gave 5150, expected 5050');
    expect(wrong.samples).toBeUndefined();
  }, 30_000);

  it('are shown beside the same work on the sync-ABI component and the core module of the same engine', () => {
    const features = (core: boolean): Features => ({
      strategy: 'native-async',
      cancellation: 'at-host-call',
      fuel: false,
      memoryLimits: false,
      reentrancy: 'serialise',
      postCancel: 'refused',
      coreModules: core,
      components: !core,
      componentAsync: !core,
    });
    const adapter = (id: string, name: string, version: string, core: boolean): AdapterDescription => ({
      id,
      available: true,
      engine: { name, version },
      strategy: 'native-async',
      features: features(core),
      flags: [],
      process: { command: ['x'] },
    });
    const adapters = [
      adapter('js-core', 'node', '24.1.0', true),
      adapter('js-jco', 'node', '24.1.0 + jco 1.35.0', false),
      adapter('other', 'wasmtime', '48.0.8', true),
    ];
    const measured = (adapterId: string, benchmarkId: string, median: number, extra: Partial<BenchmarkResult> = {}): BenchmarkResult => ({
      benchmarkId,
      adapterId,
      title: benchmarkId,
      unit: 'ns/op',
      status: 'measured',
      summary: { n: 1, median, mad: 0, ci95: [median, median], outliers: 0, min: median, max: median },
      samples: [median],
      ...extra,
    });
    const results = [
      measured('js-jco', 'cma.call-entry', 600, { nextTo: 'overhead.call-entry-async' }),
      measured('js-jco', 'overhead.call-entry-async', 300),
      measured('js-core', 'overhead.call-entry-async', 200),
      measured('other', 'overhead.call-entry-async', 100),
      measured('js-jco', 'cma.stream-64k', 1000, { bytesPerOp: 65536, mbPerSecond: 65.536 }),
    ];
    const rows = sideBySide(adapters, results);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.engine).toBe('node 24.1.0');
    expect(rows[0]!.beside.map((b) => [b.kind, b.adapterId, b.ratio])).toEqual([
      ['sync-ABI component', 'js-jco', 2],
      ['core module', 'js-core', 3],
    ]);
    expect(sideBySideLines(adapters, results).join('\n')).toMatch(
      /cma\.call-entry +js-jco 600\.0 ns: sync-ABI component js-jco overhead\.call-entry-async 300\.0 ns \(×2\); core module js-core/,
    );
    const md = renderMarkdown({
      ...buildReport({
        startedAt: new Date(),
        finishedAt: new Date(),
        invocation: { argv: [], filters: { adapters: [], suites: [], case: null } },
        adapters,
        results: [],
      }),
      benchmarks: results,
    });
    expect(md).toContain('| 65.5 |');
    expect(md).toMatch(
      /Native component async beside[^\n]*\n\n\| engine \|[^\n]*\n\|---[^\n]*\n\| node 24\.1\.0 \| js-jco \| cma\.call-entry \| 600\.0 \| sync-ABI component js-jco/,
    );
  });
});
