/** What the component-async cases share (SPEC.md §14): the guest, bounds, result helpers. */
import type { CallOptions, HostEvent, Instance } from '../../harness/adapter.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32, type Value } from '../../harness/values.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case, Evidence, Verdict } from '../../harness/case.ts';
import { FIXTURES_DIR } from '../../harness/paths.ts';
import { waitFor } from '../../harness/wait.ts';
import { defineCase, startCall, type CaseSpec, type Flight } from '../define.ts';

export const GUEST = 'component-async/guest.wat';

/** Generous (shared, noisy machines): catches a call that never settles, not a slow one. */
export const SETTLE_MS = 10_000;

/** Subtask states as the guest marks them: 16 + the state an async-lowered call returned, 32 + each event's state. */
export const MARK = { STARTING: 16, STARTED: 17, RETURNED_AT_ONCE: 18, EVENT_BASE: 32, EVENT_RETURNED: 34 } as const;

export const u32 = (v: number): Value => i32(v | 0);

/** The u32 result of an ok outcome (unsigned), or undefined. */
export function okU32(o: Outcome): number | undefined {
  if (o.kind !== 'ok' || o.values.length !== 1) return undefined;
  const v = o.values[0]!;
  return typeof v.value === 'number' ? v.value >>> 0 : undefined;
}

export function start(instance: Instance, name: string, args: Value[], options: Partial<CallOptions> = {}): Flight {
  return startCall(instance, name, args, { results: ['i32'], deadlineMs: SETTLE_MS, ...options });
}

/** The guest's progress marks (mark events' details), in log order. */
export const marks = (events: HostEvent[]): number[] => events.filter((e) => e.kind === 'mark').map((e) => Number(e.detail));

/** Index in the log of the first event matching, or -1. */
export const indexOf = (events: HostEvent[], match: (e: HostEvent) => boolean): number => events.findIndex(match);

/**
 * Decodes a u64 result of the stream and future guests: ok with the low half, or the failed
 * step's description. What the guest saw is shown as a stream copy result unless the step is in
 * `rawSteps` (an index, a value).
 */
export function guestVerdict(outcome: Outcome, steps: Record<number, string>, rawSteps: readonly number[] | 'all' = []): { ok: number } | { error: string } {
  const raw = outcome.kind === 'ok' && outcome.values.length === 1 ? outcome.values[0]!.value : undefined;
  if (typeof raw !== 'bigint') return { error: `ended ${formatOutcome(outcome)}` };
  const step = Number(BigInt.asUintN(64, raw) >> 32n);
  const seen = Number(raw & 0xffffffffn);
  if (step === 0) return { ok: seen };
  const code = seen === 0xffffffff ? 'BLOCKED' : `0x${seen.toString(16)}`;
  // A stream copy's result packs the bytes moved above the 4-bit copy result (CanonicalABI.md).
  const plain = rawSteps === 'all' || rawSteps.includes(step);
  const unpacked = !plain && seen !== 0xffffffff && seen < 0x10000000 ? `: result ${seen & 15}, ${seen >>> 4} bytes` : '';
  return { error: `step ${step}: ${steps[step] ?? 'unknown step'} (saw ${code}${unpacked})` };
}

/** Calls an export of the stream/future guests returning u64 (a step-coded verdict). */
export const callU64 = (instance: Instance, name: string, args: Value[] = []) => start(instance, name, args, { results: ['i64'] }).promise;

/**
 * The native-async built-ins a component fixture uses, read from its WAT: every `canon <name>`
 * but lift and lower, plus `async-stackful` for an async lift without a callback (SPEC.md §3.3).
 */
export function builtinsOf(fixture: string): string[] {
  const names = builtinsByFixture.get(fixture) ?? readBuiltins(fixture);
  builtinsByFixture.set(fixture, names);
  return [...names];
}

/** Read once per fixture: every case on it is defined at start-up. */
const builtinsByFixture = new Map<string, readonly string[]>();

function readBuiltins(fixture: string): string[] {
  const wat = readFileSync(join(FIXTURES_DIR, fixture), 'utf8').replace(/;;.*$/gm, '');
  const names = new Set([...wat.matchAll(/\(canon ([a-z][a-z0-9.-]*)/g)].map((m) => m[1]!).filter((n) => n !== 'lift' && n !== 'lower'));
  for (const lift of wat.matchAll(/\(canon lift\b[^\n]*/g)) if (/\basync\b/.test(lift[0]) && !lift[0].includes('(callback')) names.add('async-stackful');
  return [...names].sort();
}

/** A component-async case on `fixture`: requires the feature, lists the fixture's built-ins. */
export function cmaCase(fixture: string, spec: CaseSpec): Case {
  return defineCase({ guest: 'async-component', builtins: builtinsOf(fixture), ...spec });
}

/**
 * Calls `fn` (a step-coded u64 export) and passes if every step held — and, with `value`, the
 * low half is that value; `hint` is added to a failure's message.
 */
export async function expectGuestSteps(
  instance: Instance,
  fn: string,
  args: Value[],
  steps: Record<number, string>,
  options: { rawSteps?: readonly number[] | 'all'; value?: number; hint?: string; evidence?: Evidence } = {},
): Promise<Verdict> {
  const outcome = await callU64(instance, fn, args);
  const evidence = { ...options.evidence, outcome: outcomeToJson(outcome) };
  const verdict = guestVerdict(outcome, steps, options.rawSteps);
  const call = `${fn}(${args.map((a) => Number(a.value) >>> 0).join(', ')})`;
  if ('error' in verdict) return fail(`${call}: ${verdict.error}${options.hint ? ` (${options.hint})` : ''}`, evidence);
  if (options.value !== undefined && verdict.ok !== options.value) return fail(`${call} returned ${verdict.ok}, expected ${options.value}`, evidence);
  return pass(evidence);
}

/**
 * Calls `fn`, whose last operation is one the Canonical ABI forbids: passes on a trap (any kind)
 * only. A step-coded error means an earlier, legal step went wrong (`steps` says which).
 */
export async function expectGuestTrap(instance: Instance, fn: string, steps: Record<number, string>): Promise<Verdict> {
  const outcome = await callU64(instance, fn);
  const evidence = { outcome: outcomeToJson(outcome) };
  if (outcome.kind === 'trap') return pass(evidence);
  const verdict = guestVerdict(outcome, steps, 'all');
  if ('error' in verdict) return fail(`${fn}: ${verdict.error}`, evidence);
  return fail(`${fn}: the forbidden operation did not trap; the call ended ${formatOutcome(outcome)}`, evidence);
}

/**
 * Two cooperating tasks' u32 results (a pipe's writer and reader, a future's waiter and
 * resolver): each must be its expected value; `0xffffff00 | step` is the task's own error.
 */
export function expectTaskResults(results: readonly { who: string; outcome: Outcome; expected: number }[], errors: Record<number, string>): Verdict {
  const evidence = Object.fromEntries(results.map((r) => [r.who, outcomeToJson(r.outcome)]));
  for (const { who, outcome, expected } of results) {
    const v = okU32(outcome);
    if (v !== undefined && v >>> 8 === 0xffffff && v !== expected) return fail(`${who}: ${errors[v & 0xff] ?? `error ${v & 0xff}`}`, evidence);
    if (v !== expected) return fail(`${who} ended ${formatOutcome(outcome)}, expected ${expected}`, evidence);
  }
  return pass(evidence);
}

/** Waits (bounded) until `count` gate operations have started on the instance's host. */
export async function gatesStarted(instance: Instance, count: number, signal: AbortSignal, withMarks = false) {
  return waitFor(
    `${count} gate operation(s) started${withMarks ? ' and as many guest marks' : ''}`,
    async () => {
      const state = await instance.inspect();
      if (withMarks && marks(state.events).length < count) return undefined;
      return state.events.filter((e) => e.fn === 'gate' && e.kind === 'start').length >= count ? state : undefined;
    },
    SETTLE_MS,
    signal,
  );
}
