/** `awc bench`: the overhead and component-async benchmarks on adapters, written into the report schema. */
import { basename, join } from 'node:path';
import { cacheRoot } from '../cache.ts';
import { InvalidReportError } from '../report/validate.ts';
import { checkOutput, defaultOutput, describeWriteError, keepSafe } from './output.ts';
import type { Catalog } from '../catalog.ts';
import { BENCHMARKS, benchmarkSuite } from '../bench/benchmarks.ts';
import { runBenchmarks } from '../bench/run.ts';
import { sideBySide } from '../bench/side-by-side.ts';
import { DEFAULT_OUT_DIR } from '../paths.ts';
import { buildReport, writeReport } from '../report/build.ts';
import type { AdapterDescription } from '../adapter.ts';
import type { BenchmarkResult } from '../report/types.ts';
import { UsageError, selectAdapters } from '../selection.ts';
import { allAdapters, type AdapterSourceFlags } from './adapter-options.ts';
import { adapterLine } from './format.ts';
import { EXIT } from './run.ts';
import { exitOnInterrupt } from './signals.ts';

export interface BenchFlags extends AdapterSourceFlags {
  adapter: string[];
  benchmark?: string;
  timeBudget: number;
  repeat: number;
  out?: string;
}

const WARMUP_MS = 200;
const fmt = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(3)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);

export function benchLine(r: BenchmarkResult): string {
  if (!r.summary) return `${r.adapterId.padEnd(16)} ${r.benchmarkId.padEnd(30)} ${r.status}: ${r.message}`;
  const s = r.summary;
  const runs = r.runMedians?.length ? `  runs ${r.runMedians.map(fmt).join(' / ')}` : '';
  const mbs = r.mbPerSecond !== undefined ? `  ${r.mbPerSecond.toFixed(1)} MB/s` : '';
  return `${r.adapterId.padEnd(16)} ${r.benchmarkId.padEnd(30)} median ${fmt(s.median).padStart(11)}${mbs}  CI95 [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]  MAD ${fmt(s.mad)}  n=${s.n}${r.ratioToFloor !== undefined ? `  ×${r.ratioToFloor} floor` : ''}${runs}${r.message ? `  — ${r.message}` : ''}`;
}

/** The cma.* medians beside the same work on the sync ABI and core modules, grouped by engine. */
export function sideBySideLines(adapters: AdapterDescription[], results: BenchmarkResult[]): string[] {
  const rows = sideBySide(adapters, results);
  if (rows.length === 0) return [];
  const lines = ['', 'native component async beside the sync-ABI component and the core module of the same engine (medians; × = cma ÷ the other):'];
  for (const engine of new Set(rows.map((r) => r.engine))) {
    lines.push(`  ${engine}`);
    for (const row of rows.filter((r) => r.engine === engine)) {
      const beside = row.beside.map((b) => `${b.kind} ${b.adapterId} ${b.benchmarkId} ${fmt(b.median)} (×${b.ratio})`).join('; ');
      lines.push(
        `    ${row.benchmarkId.padEnd(21)} ${row.adapterId} ${fmt(row.median)}: ${beside || 'nothing measured beside it (add --adapter rows of this engine and the overhead benchmarks)'}`,
      );
    }
  }
  return lines;
}

export async function benchCommand(flags: BenchFlags, argv: string[], catalog: Catalog): Promise<number> {
  const adapters = selectAdapters(await allAdapters(flags, catalog.adapters), flags.adapter, catalog.defaultAdapterId);
  const benchmarks = flags.benchmark ? BENCHMARKS.filter((b) => b.id.includes(flags.benchmark!)) : BENCHMARKS;
  if (benchmarks.length === 0) throw new UsageError(`no benchmark matches "${flags.benchmark}"; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`);
  const startedAt = new Date();
  const log = (line: string) => process.stderr.write(line + '\n');
  const defaultOut = join(DEFAULT_OUT_DIR, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const out = flags.out !== undefined ? await checkOutput(flags.out, '--out') : await defaultOutput(defaultOut, log);
  const cacheNote = cacheRoot().note;
  if (cacheNote) log(cacheNote);
  const budgetMs = Math.round(flags.timeBudget * 1000);
  // A signal kills the adapter processes on its way out (no report: a half-measured bench is not kept).
  exitOnInterrupt((line) => process.stderr.write(line + '\n'));
  process.stderr.write(
    `awc bench: ${benchmarks.length} benchmark(s) × ${adapters.length} adapter(s), ${flags.repeat} independent runs each, ${budgetMs} ms of measuring per benchmark in all (plus ${WARMUP_MS} ms warm-up per run)\n`,
  );
  const { adapters: described, benchmarks: results } = await runBenchmarks({
    adapters,
    benchmarks,
    budgetMs,
    warmupMs: WARMUP_MS,
    repeat: flags.repeat,
    httpOrigin: 'http://127.0.0.1:9',
    onAdapter: (d) => process.stderr.write(adapterLine(d) + '\n'),
    onResult: (r) => process.stderr.write(benchLine(r) + '\n'),
  });
  const report = {
    ...buildReport({
      startedAt,
      finishedAt: new Date(),
      invocation: {
        argv,
        filters: { adapters: adapters.map((a) => a.id), suites: [...new Set(benchmarks.map(benchmarkSuite))], case: flags.benchmark ?? null },
      },
      adapters: described,
      results: [],
    }),
    benchmarks: results,
  };
  for (const line of sideBySideLines(described, results)) process.stderr.write(line + '\n');
  try {
    await writeReport(report, out);
  } catch (err) {
    if (err instanceof InvalidReportError) throw err;
    // Minutes of measuring are not thrown away for a path that broke during the run.
    const kept = await keepSafe(basename(out), JSON.stringify(report, null, 2) + '\n');
    log(`awc bench: cannot write the report to ${out} (${describeWriteError(err)}); report saved to ${kept}`);
    return EXIT.USAGE;
  }
  process.stderr.write(`\nreport: ${out}\n`);
  return results.some((r) => r.status === 'error') ? EXIT.FAILURES : EXIT.OK;
}
