/**
 * Every numeric command-line value is parsed here, strictly (the whole text must be the number:
 * parseInt's "12abc" → 12 and "1e23" → 1 are refused) and range-checked, so a bad value is a
 * one-line usage error (exit 2) before any work instead of a silently different run.
 */
import { InvalidArgumentError } from 'commander';

/** Node's timers take at most 2^31-1 ms; longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const DECIMAL_INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A commander argParser for an integer in [min, max]. */
export function integer(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = DECIMAL_INT.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** A commander argParser for a finite decimal number with min <(=) value <(=) max. */
export function decimal(min: number, max: number, opts: { minExclusive?: boolean; maxExclusive?: boolean } = {}): (text: string) => number {
  const range = `${opts.minExclusive ? 'above' : 'at least'} ${min} and ${opts.maxExclusive ? 'below' : 'at most'} ${max}`;
  return (text) => {
    const n = DECIMAL.test(text.trim()) ? Number(text) : NaN;
    const ok = Number.isFinite(n) && (opts.minExclusive ? n > min : n >= min) && (opts.maxExclusive ? n < max : n <= max);
    if (!ok) throw new InvalidArgumentError(`must be a number ${range}`);
    return n;
  };
}

export const positive = integer(1, Number.MAX_SAFE_INTEGER);
/** Per-case timeout in ms. */
export const timeoutMs = integer(1, MAX_TIMER_MS);
/** Adapters in parallel: more than this is a typo, not a machine. */
export const jobs = integer(1, 256);
/** Generated programs per property, independent runs of a benchmark. */
export const runs = integer(1, 1_000_000);
export const repeat = integer(1, 1000);
/** fast-check seeds are 32-bit integers (it truncates larger ones, so two seeds would give the same programs). */
export const seed = integer(-(2 ** 31), 2 ** 31 - 1);
/** Seconds of measuring per benchmark: at most a day. */
export const timeBudgetSeconds = decimal(0, 86_400, { minExclusive: true });
/** A percentage change of the median. */
export const thresholdPercent = decimal(0, 1e6);
/** A significance level. */
export const alpha = decimal(0, 1, { minExclusive: true, maxExclusive: true });

/** A fast-check counterexample path: non-negative integers separated by ':' (e.g. "12:0:1"). */
export function propertyPath(text: string): string {
  if (!/^\d{1,9}(:\d{1,9})*$/.test(text))
    throw new InvalidArgumentError('must be a counterexample path from a report: integers separated by ":", e.g. "12:0:1"');
  return text;
}

/** `i/n` with 1 <= i <= n. */
export function shard(text: string): { index: number; count: number } {
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new InvalidArgumentError('must be i/n with 1 <= i <= n, e.g. 2/4');
  return { index, count };
}

/** A non-empty text (an empty --case would otherwise select everything). */
export function nonEmpty(text: string): string {
  if (text === '') throw new InvalidArgumentError('must not be empty');
  return text;
}

/**
 * A case glob: non-empty and given once. A second `--case` used to replace the first silently;
 * one glob selects several cases with braces (`{a.*,b.*}`).
 */
export function caseGlob(text: string, previous: string | undefined): string {
  if (previous !== undefined) throw new InvalidArgumentError(`given twice ("${previous}", "${text}"): give one glob, e.g. "{${previous},${text}}"`);
  return nonEmpty(text);
}
