/** Verdict helpers for cases: compare an outcome with what the spec requires, keeping the evidence. */
import type { Evidence, Verdict } from './case.ts';
import { formatOutcome, isOkWith, isTrapOf, outcomeToJson, type Outcome, type TrapKind } from './outcome.ts';
import { formatValue, toJsonValue, type Value } from './values.ts';

export const pass = (evidence?: Evidence): Verdict => (evidence ? { pass: true, evidence } : { pass: true });
export const fail = (message: string, evidence?: Evidence): Verdict => (evidence ? { pass: false, message, evidence } : { pass: false, message });

export function expectOk(actual: Outcome, values: Value[], extra: Evidence = {}): Verdict {
  const evidence = { expected: { kind: 'ok', values: values.map(toJsonValue) }, actual: outcomeToJson(actual), ...extra };
  if (isOkWith(actual, values)) return pass(evidence);
  return fail(`expected ok(${values.map(formatValue).join(', ')}), got ${formatOutcome(actual)}`, evidence);
}

export function expectTrap(actual: Outcome, kind: TrapKind, extra: Evidence = {}): Verdict {
  const evidence = { expected: { kind: 'trap', trap: kind }, actual: outcomeToJson(actual), ...extra };
  if (isTrapOf(actual, kind)) return pass(evidence);
  return fail(`expected trap ${kind}, got ${formatOutcome(actual)}`, evidence);
}

export function expectHostError(actual: Outcome, fn: string, code: number, extra: Evidence = {}): Verdict {
  const evidence = { expected: { kind: 'host-error', function: fn, code }, actual: outcomeToJson(actual), ...extra };
  if (actual.kind !== 'host-error') return fail(`expected host-error ${fn} code=${code}, got ${formatOutcome(actual)}`, evidence);
  if (actual.function !== fn || actual.code !== code) {
    return fail(`host error lost its identity: expected ${fn} code=${code}, got ${actual.function} code=${actual.code}`, evidence);
  }
  if (actual.message.trim() === '') return fail('host error carries no message', evidence);
  return pass(evidence);
}

export function expectDenied(actual: Outcome, fn: string, extra: Evidence = {}): Verdict {
  const evidence = { expected: { kind: 'denied', function: fn }, actual: outcomeToJson(actual), ...extra };
  if (actual.kind === 'denied' && actual.function === fn) return pass(evidence);
  return fail(`expected denied from ${fn}, got ${formatOutcome(actual)}`, evidence);
}

/** A denial that names the capability it refused (`cap` is a part of it, e.g. the path). */
export function expectNamesCapability(actual: Outcome, cap: string): Verdict {
  if (actual.kind === 'denied' && actual.capability.includes(cap)) return pass();
  return fail(`the denial does not name the capability ${cap}: ${formatOutcome(actual)}`);
}

/** Runs several checks; the first failing one decides, all evidence is kept. */
export function all(...verdicts: Verdict[]): Verdict {
  const evidence = Object.assign({}, ...verdicts.map((v, i) => (v.evidence ? { [`check${i + 1}`]: v.evidence } : {})));
  const failed = verdicts.find((v) => !v.pass);
  return failed && !failed.pass ? fail(failed.message, evidence) : pass(evidence);
}

/**
 * `cancelled` (or, with `orInterrupted`, a trap `interrupted`: what a preemptive stop may look
 * like), and when `timing` is given, within `withinMs` of the cancel.
 */
export function expectCancelled(
  actual: Outcome,
  evidence: Evidence,
  options: { timing?: { cancelMs: number; withinMs: number }; orInterrupted?: boolean } = {},
): Verdict {
  const interrupted = options.orInterrupted && actual.kind === 'trap' && actual.trap === 'interrupted';
  if (actual.kind !== 'cancelled' && !interrupted) return fail(`expected cancelled, got ${formatOutcome(actual)}`, evidence);
  const t = options.timing;
  if (t && t.cancelMs > t.withinMs) return fail(`cancel took ${t.cancelMs.toFixed(0)} ms (bound ${t.withinMs} ms)`, evidence);
  return pass(evidence);
}

/** Counts outcomes by kind (loops of calls); its JSON form is `{kind: count}`. */
export class Tally {
  readonly #counts = new Map<string, number>();
  add(outcome: Outcome): Outcome {
    this.#counts.set(outcome.kind, this.count(outcome.kind) + 1);
    return outcome;
  }
  count(kind: Outcome['kind']): number {
    return this.#counts.get(kind) ?? 0;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
