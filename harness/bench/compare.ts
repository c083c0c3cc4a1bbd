/**
 * Comparing two reports: benchmark changes that are both statistically significant and larger
 * than a threshold, and conformance changes. Pure functions; `awc compare` prints them.
 *
 * A benchmark is a regression when (1) the Mann-Whitney U test on the raw samples gives
 * p < alpha (default 0.01), (2) the ratio of medians head/base exceeds 1 + threshold (default
 * 5 %), and (3) the bootstrap 95 % interval of that ratio lies entirely above 1. An improvement is
 * the mirror image. Anything else is "no change".
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

export function compareBenchmark(base: BenchmarkResult, head: BenchmarkResult, options: CompareOptions): BenchmarkChange | undefined {
  if (!base.samples?.length || !head.samples?.length) return undefined;
  const baseMedian = median(sortSamples(base.samples));
  const headMedian = median(sortSamples(head.samples));
  const ratio = headMedian / baseMedian;
  const ratioCI95 = bootstrapRatioCI(base.samples, head.samples);
  const p = mannWhitneyP(base.samples, head.samples);
  let verdict: Verdict = 'no change';
  if (p < options.alpha && ratio > 1 + options.threshold && ratioCI95[0] > 1) verdict = 'regression';
  else if (p < options.alpha && ratio < 1 - options.threshold && ratioCI95[1] < 1) verdict = 'improvement';
  return { adapterId: head.adapterId, benchmarkId: head.benchmarkId, baseMedian, headMedian, ratio, ratioCI95, p, verdict };
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
    if (!isFailing(b) && isFailing(h)) conformance.push({ adapterId: h.adapterId, caseId: h.caseId, level: h.level, base: b.status, head: h.status, change: 'newly failing' });
    else if (isFailing(b) && h.status === 'pass') conformance.push({ adapterId: h.adapterId, caseId: h.caseId, level: h.level, base: b.status, head: h.status, change: 'newly passing' });
  }
  return { benchmarks, conformance };
}
