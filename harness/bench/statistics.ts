/**
 * Statistics over benchmark samples: pure functions, one implementation for every adapter.
 * Samples are nanoseconds per operation. Functions that need sorted input say so in their types.
 */
import type { BenchSummary } from '../report/types.ts';

export type Samples = readonly number[];
declare const sorted: unique symbol;
/** Samples in ascending order (see `sortSamples`). */
export type SortedSamples = Samples & { readonly [sorted]: true };

export function sortSamples(samples: Samples): SortedSamples {
  return [...samples].sort((a, b) => a - b) as unknown as SortedSamples;
}

/** Median of sorted samples. */
export function median(s: SortedSamples): number {
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Quantile q in [0, 1] by linear interpolation between closest ranks. */
export function quantile(s: SortedSamples, q: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Median absolute deviation (unscaled). */
export function mad(s: SortedSamples): number {
  const m = median(s);
  return median(sortSamples(s.map((x) => Math.abs(x - m))));
}

/** Samples outside the Tukey fences (1.5 IQR beyond the quartiles). */
export function outlierCount(s: SortedSamples): number {
  const q1 = quantile(s, 0.25);
  const q3 = quantile(s, 0.75);
  const iqr = q3 - q1;
  return s.filter((x) => x < q1 - 1.5 * iqr || x > q3 + 1.5 * iqr).length;
}

/** A small deterministic PRNG (mulberry32) so bootstrap intervals are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resampleMedian(s: Samples, random: () => number): number {
  const draw = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) draw[i] = s[Math.floor(random() * s.length)]!;
  return median(sortSamples(draw));
}

/** Percentile bootstrap 95 % interval of the median (seeded, `rounds` resamples). */
export function bootstrapMedianCI(s: Samples, rounds = 1000, seed = 1): [number, number] {
  const random = prng(seed);
  const medians = sortSamples(Array.from({ length: rounds }, () => resampleMedian(s, random)));
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

/** Percentile bootstrap 95 % interval of median(head) / median(base). */
export function bootstrapRatioCI(base: Samples, head: Samples, rounds = 1000, seed = 1): [number, number] {
  const random = prng(seed);
  const ratios = sortSamples(Array.from({ length: rounds }, () => resampleMedian(head, random) / resampleMedian(base, random)));
  return [quantile(ratios, 0.025), quantile(ratios, 0.975)];
}

/** The report's benchmark summary (report.schema.json), which this module computes. */
export type Summary = BenchSummary;

export function summarise(samples: Samples): Summary {
  const s = sortSamples(samples);
  return {
    n: s.length,
    median: median(s),
    mad: mad(s),
    ci95: bootstrapMedianCI(s),
    outliers: outlierCount(s),
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf), accurate to ~1e-7. */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Two-sided Mann-Whitney U test (normal approximation with tie correction): the probability of
 * rank sums at least this far apart if both sample sets came from one distribution.
 */
export function mannWhitneyP(a: Samples, b: Samples): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const ties = j - i + 1;
    tieTerm += ties ** 3 - ties;
    for (let k = i; k <= j; k++) if (all[k]!.g === 0) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return 1;
  const z = (u - (n1 * n2) / 2) / sigma;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}
