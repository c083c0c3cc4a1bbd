/**
 * Comparing two reports: benchmark changes that are both statistically significant and larger
 * than a threshold, and conformance changes. Pure functions; `awc compare` prints them.
 *
 * A benchmark is a regression when (1) the Mann-Whitney U test on the per-run medians (each run a
 * fresh session) gives p < alpha, (2) the ratio of their medians head/base exceeds 1 + threshold,
 * and (3) the bootstrap 95 % interval of that ratio lies entirely above 1. An improvement is the
 * mirror image; anything else is "no change". With 5 runs a side, p < 0.01 needs every head run
 * slower than every base run. Reports with fewer than MIN_RUNS runs fall back to pooled samples,
 * flagged as such, which understate run-to-run noise.
 */
import type { BenchmarkResult, CaseResult, Report } from '../report/types.ts';
import { FAILING_STATUSES } from '../report/types.ts';
import { bootstrapRatioCI, mannWhitneyP, median, sortSamples } from './statistics.ts';

export interface CompareOptions {
  /** Minimum relative change that matters, e.g. 0.05. */
  threshold: number;
  alpha: number;
}

export type Verdict = 'regression' | 'improvement' | 'no change';

export interface BenchmarkChange {
  adapterId: string;
  benchmarkId: string;
  /** What was compared: per-run medians, or pooled samples when a report has too few runs. */
  unit: 'runs' | 'samples';
  baseMedian: number;
  headMedian: number;
  ratio: number;
  ratioCI95: [number, number];
  p: number;
  verdict: Verdict;
}

export interface ConformanceChange {
  adapterId: string;
  caseId: string;
  level: CaseResult['level'];
  base: CaseResult['status'];
  head: CaseResult['status'];
  change: 'newly failing' | 'newly passing';
}

/** Fewer independent runs than this on either side: fall back to pooled samples (which understate noise). */
export const MIN_RUNS = 3;

export function compareBenchmark(base: BenchmarkResult, head: BenchmarkResult, options: CompareOptions): BenchmarkChange | undefined {
  // The unit of comparison is the run: samples inside one process are correlated, and the
  // run-to-run spread (JIT tiers, layout, machine load) is what a regression must stand out from.
  const byRuns = (base.runMedians?.length ?? 0) >= MIN_RUNS && (head.runMedians?.length ?? 0) >= MIN_RUNS;
  const a = byRuns ? base.runMedians! : base.samples;
  const b = byRuns ? head.runMedians! : head.samples;
  if (!a?.length || !b?.length) return undefined;
  const baseMedian = median(sortSamples(a));
  const headMedian = median(sortSamples(b));
  const ratio = headMedian / baseMedian;
  const ratioCI95 = bootstrapRatioCI(a, b);
  const p = mannWhitneyP(a, b);
  let verdict: Verdict = 'no change';
  if (p < options.alpha && ratio > 1 + options.threshold && ratioCI95[0] > 1) verdict = 'regression';
  else if (p < options.alpha && ratio < 1 - options.threshold && ratioCI95[1] < 1) verdict = 'improvement';
  return { adapterId: head.adapterId, benchmarkId: head.benchmarkId, unit: byRuns ? 'runs' : 'samples', baseMedian, headMedian, ratio, ratioCI95, p, verdict };
}

const isFailing = (r: CaseResult) => FAILING_STATUSES.has(r.status);

export function compareReports(base: Report, head: Report, options: CompareOptions): { benchmarks: BenchmarkChange[]; conformance: ConformanceChange[] } {
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  const baseBench = new Map((base.benchmarks ?? []).map((b) => [key(b.adapterId, b.benchmarkId), b]));
  const benchmarks: BenchmarkChange[] = [];
  for (const h of head.benchmarks ?? []) {
    const b = baseBench.get(key(h.adapterId, h.benchmarkId));
    const change = b && compareBenchmark(b, h, options);
    if (change) benchmarks.push(change);
  }
  const baseResults = new Map(base.results.map((r) => [key(r.adapterId, r.caseId), r]));
  const conformance: ConformanceChange[] = [];
  for (const h of head.results) {
    const b = baseResults.get(key(h.adapterId, h.caseId));
    if (!b) continue;
    if (!isFailing(b) && isFailing(h))
      conformance.push({ adapterId: h.adapterId, caseId: h.caseId, level: h.level, base: b.status, head: h.status, change: 'newly failing' });
    else if (isFailing(b) && h.status === 'pass')
      conformance.push({ adapterId: h.adapterId, caseId: h.caseId, level: h.level, base: b.status, head: h.status, change: 'newly passing' });
  }
  return { benchmarks, conformance };
}
