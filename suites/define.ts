/** Helpers shared by the suites: defining a case against a requirement, calling exports, guest bytes. */
import type { CallOptions, FeatureTag, Instance } from '../harness/adapter.ts';
import type { Case, CaseContext, Verdict } from '../harness/case.ts';
import type { Outcome } from '../harness/outcome.ts';
import { i32, i64, type Value, type ValueType } from '../harness/values.ts';
import { requirement, type RequirementId } from './requirements.ts';
import { waitFor } from '../harness/wait.ts';

export interface CaseSpec {
  id: string;
  title: string;
  requirement: RequirementId;
  /** What the case loads: a core module (default), a component, or a native-async component. */
  guest?: 'module' | 'component' | 'async-component';
  /** Feature tags needed besides the guest's own (core-modules, components, component-async). */
  requires?: FeatureTag[];
  /** Native-async built-ins the fixture uses (Case.builtins). */
  builtins?: string[];
  /** Draws from the property seed and runs (Case.seeded). */
  seeded?: boolean;
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<Verdict>;
}

const GUEST_TAG = { module: 'core-modules', component: 'components', 'async-component': 'component-async' } as const satisfies Record<
  NonNullable<CaseSpec['guest']>,
  FeatureTag
>;

/** The suite is the id's first segment; the level comes from the requirement; the guest's tag comes first. */
export function defineCase(spec: CaseSpec): Case {
  const req = requirement(spec.requirement);
  return {
    id: spec.id,
    suite: spec.id.split('.')[0]!,
    title: spec.title,
    requirement: req.id,
    level: req.level,
    requires: [GUEST_TAG[spec.guest ?? 'module'], ...(spec.requires ?? [])],
    ...(spec.builtins ? { builtins: spec.builtins } : {}),
    ...(spec.seeded ? { seeded: true } : {}),
    ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
    run: spec.run,
  };
}

/** Calls an export with a generous deadline so a lost wake-up becomes a timeout outcome, not a hang. */
export function call(instance: Instance, name: string, args: Value[], results: ValueType[], deadlineMs = 10_000): Promise<Outcome> {
  return instance.call(name, args, { results, deadlineMs });
}

/** FNV-1a 32-bit, as the fixtures' `fnv` export computes it, as a signed i32. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h | 0;
}

/**
 * Writes bytes into guest memory at `offset` through the fixture's `store_i64` export (the guest
 * component's `stage`; 8 bytes per call, zero-padded), so any adapter can do it without a
 * memory-write method.
 */
export async function writeGuestBytes(instance: Instance, offset: number, bytes: Uint8Array, exportName = 'store_i64'): Promise<void> {
  for (let at = 0; at < bytes.length; at += 8) {
    const chunk = new Uint8Array(8);
    chunk.set(bytes.subarray(at, at + 8));
    const word = new DataView(chunk.buffer).getBigInt64(0, true);
    const outcome = await call(instance, exportName, [i32(offset + at), i64(word)], []);
    if (outcome.kind !== 'ok') throw new Error(`${exportName} at ${offset + at} failed: ${JSON.stringify(outcome)}`);
  }
}

/**
 * Writes `head` at `offset` (through `writeGuestBytes`) followed by `count` copies of `byte` in
 * ONE call of the fixture's `fill` export (memory.fill): long inputs cost a constant number of
 * calls, so a correct but slow runtime is never failed by a correctness case for its speed.
 */
export async function writeGuestRun(instance: Instance, offset: number, head: Uint8Array, byte: number, count: number, exportName = 'fill'): Promise<void> {
  await writeGuestBytes(instance, offset, head);
  const outcome = await call(instance, exportName, [i32(offset + head.length), i32(count), i32(byte)], []);
  if (outcome.kind !== 'ok') throw new Error(`${exportName} at ${offset + head.length} failed: ${JSON.stringify(outcome)}`);
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A call in flight whose settlement can be observed without awaiting it. */
export interface Flight {
  settled: boolean;
  outcome: Outcome | undefined;
  promise: Promise<Outcome>;
}

export function startCall(instance: Instance, name: string, args: Value[], options: CallOptions): Flight {
  const flight: Flight = { settled: false, outcome: undefined, promise: undefined as unknown as Promise<Outcome> };
  flight.promise = instance.call(name, args, options).then((o) => {
    flight.settled = true;
    flight.outcome = o;
    return o;
  });
  // Owned from the start: a case that returns or throws before awaiting the flight (a failed
  // check, a dead adapter) must not leave its rejection unhandled. Awaiting it still rejects.
  flight.promise.catch(() => {});
  return flight;
}

/**
 * Starts a call, waits for `ready` (the moment to cancel: the call parked, a delay), cancels it
 * and times the cancel: the outcome, how long the call took to end after the cancel, and the
 * instance's state then. `settleMs` bounds that wait (outcome undefined if it did not settle).
 */
export async function cancelDuring(
  instance: Instance,
  name: string,
  args: Value[],
  ready: () => Promise<unknown>,
  options: Partial<CallOptions> & { settleMs?: number } = {},
) {
  const { settleMs, ...callOptions } = options;
  const controller = new AbortController();
  const flight = startCall(instance, name, args, { results: ['i32'], deadlineMs: 20_000, ...callOptions, signal: controller.signal });
  await ready();
  const t0 = performance.now();
  controller.abort();
  const outcome = settleMs === undefined ? await flight.promise : await settleWithin(flight.promise, settleMs);
  const cancelMs = performance.now() - t0;
  return { outcome, cancelMs, state: await instance.inspect() };
}

/** The outcome if the call settles within `ms`, else undefined (the call keeps running; a later rejection stays handled). */
export async function settleWithin(promise: Promise<Outcome>, ms: number): Promise<Outcome | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls an export and times it: the outcome, ms from sending to settling, and the instance's state then. */
export async function timedCall(instance: Instance, name: string, args: Value[], options: Partial<CallOptions> = {}) {
  const t0 = performance.now();
  const outcome = await instance.call(name, args, { results: ['i32'], ...options });
  const elapsedMs = performance.now() - t0;
  return { outcome, elapsedMs, state: await instance.inspect() };
}

/** Waits (bounded) until the instance's host has `count` operations pending. */
export async function pendingOps(instance: Instance, count: number, signal: AbortSignal, timeoutMs = 5_000) {
  return waitFor(
    `${count} pending host operation(s)`,
    async () => {
      const state = await instance.inspect();
      return state.counters.pending >= count ? state : undefined;
    },
    timeoutMs,
    signal,
  );
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
