/** Benchmark statistics and the compare verdicts, on synthetic data with known answers. */
import { describe, expect, it } from 'vitest';
import { compareBenchmark } from '../harness/bench/compare.ts';
import { bootstrapMedianCI, mad, mannWhitneyP, median, outlierCount, prng, quantile, sortSamples } from '../harness/bench/statistics.ts';
import type { BenchmarkResult } from '../harness/report/types.ts';

const noisy = (center: number, spread: number, n: number, seed: number) => {
  const random = prng(seed);
  return Array.from({ length: n }, () => center + (random() - 0.5) * 2 * spread);
};
const result = (runMedians: number[], samples: number[] = runMedians): BenchmarkResult => ({
  benchmarkId: 'overhead.x',
  adapterId: 'a',
  title: 'x',
  status: 'measured',
  unit: 'ns/op',
  samples,
  runMedians,
});
const options = { threshold: 0.05, alpha: 0.01 };

describe('statistics', () => {
  it('median, quantiles, MAD and outliers', () => {
    const s = sortSamples([5, 1, 4, 2, 3, 100]);
    expect(median(s)).toBe(3.5);
    expect(quantile(s, 0)).toBe(1);
    expect(quantile(s, 1)).toBe(100);
    expect(mad(sortSamples([1, 2, 3, 4, 100]))).toBe(1);
    expect(outlierCount(s)).toBe(1);
  });

  it('the bootstrap interval of the median contains the median and is seeded', () => {
    const x = noisy(100, 10, 200, 7);
    const [lo, hi] = bootstrapMedianCI(x);
    expect(lo).toBeLessThanOrEqual(median(sortSamples(x)));
    expect(hi).toBeGreaterThanOrEqual(median(sortSamples(x)));
    expect(bootstrapMedianCI(x)).toEqual([lo, hi]);
  });

  it('Mann-Whitney: complete separation of 5 vs 5 gives p ≈ 0.009, identical sets p = 1', () => {
    expect(mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(0.009, 3);
    expect(mannWhitneyP([1, 2, 3], [1, 2, 3])).toBeCloseTo(1, 6);
  });
});

describe('compare verdicts', () => {
  it('flags a 30 % slowdown seen in every run as a regression, and the reverse as an improvement', () => {
    const base = result([100, 101, 99, 102, 100]);
    const head = result([130, 131, 129, 133, 130]);
    expect(compareBenchmark(base, head, options)).toMatchObject({ verdict: 'regression', unit: 'runs' });
    expect(compareBenchmark(head, base, options)).toMatchObject({ verdict: 'improvement' });
  });

  it('does not flag a difference below the threshold, however significant', () => {
    expect(compareBenchmark(result([100, 100.1, 100.2, 100.3, 100.4]), result([102, 102.1, 102.2, 102.3, 102.4]), options)?.verdict).toBe('no change');
  });

  it('does not flag a large difference that the runs do not consistently show', () => {
    expect(compareBenchmark(result([100, 150, 90, 140, 95]), result([130, 92, 145, 98, 150]), options)?.verdict).toBe('no change');
  });

  it('falls back to pooled samples, marked as such, when a report has too few runs', () => {
    const base = result([100], noisy(100, 5, 300, 1));
    const head = result([100], noisy(100, 5, 300, 2));
    expect(compareBenchmark(base, head, options)).toMatchObject({ unit: 'samples', verdict: 'no change' });
  });
});
