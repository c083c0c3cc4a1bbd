/**
 * Cancellation of component calls parked on an async import. Bounds are generous (1 s): they
 * catch a cancel that does nothing or a call that never settles, not a slow machine.
 */
import type { Instance } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { expectCancelled, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, cancelDuring, defineCase, pendingOps, timedCall } from '../define.ts';
import { GUEST } from './shared.ts';

const BOUND_MS = 1_000;

/** Starts gated(id), waits until it is parked on the host, cancels it; returns what happened. */
async function cancelParked(instance: Instance, signal: AbortSignal) {
  const r = await cancelDuring(instance, 'gated', [i32(1)], () => pendingOps(instance, 1, signal));
  return { ...r, outcome: r.outcome! };
}

export const componentCancellationCases: Case[] = [
  defineCase({
    id: 'cancellation.component.awaiting-gate',
    title: 'cancel a component call parked on gate(): cancelled within 1 s, the gate aborted, nothing pending',
    requirement: 'CANCEL-AWAITING',
    guest: 'component',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const { outcome, cancelMs, state } = await cancelParked(instance, ctx.signal);
      const evidence = { outcome: outcomeToJson(outcome), cancelMs: Math.round(cancelMs), counters: state.counters };
      const cancelled = expectCancelled(outcome, evidence, { timing: { cancelMs, withinMs: BOUND_MS } });
      if (!cancelled.pass) return cancelled;
      if (state.counters.pending !== 0 || !state.events.some((e) => e.kind === 'abort' && e.fn === 'gate'))
        return fail('the gate operation was not aborted and cleaned up', { ...evidence, events: state.events });
      return pass(evidence);
    },
  }),
  defineCase({
    id: 'cancellation.component.deadline-settles',
    title: 'a 300 ms deadline on a call parked on gate(): the call settles (timeout, cancelled or trap) within 1 s of it',
    requirement: 'COMP-REJECTION-SETTLES',
    guest: 'component',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const { outcome, elapsedMs: elapsed } = await timedCall(instance, 'gated', [i32(1)], { deadlineMs: 300 });
      const evidence = { outcome: outcomeToJson(outcome), elapsedMs: Math.round(elapsed) };
      if (!['timeout', 'cancelled', 'trap'].includes(outcome.kind))
        return fail(`expected the call to end as timeout, cancelled or trap, got ${formatOutcome(outcome)}`, evidence);
      if (elapsed > 300 + BOUND_MS) return fail(`the call took ${elapsed.toFixed(0)} ms to settle after a 300 ms deadline`, evidence);
      return pass(evidence);
    },
  }),
  defineCase({
    id: 'cancellation.component.after-cancel',
    title: 'after a cancelled call the instance follows its declared post-cancel policy within 1 s: correct results, or a clear refusal',
    requirement: 'CANCEL-AFTER',
    guest: 'component',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      await cancelParked(instance, ctx.signal);
      const t0 = performance.now();
      const next = await call(instance, 'echo-s32', [i32(5)], ['i32'], BOUND_MS);
      const elapsed = performance.now() - t0;
      const policy = ctx.adapter.features.postCancel;
      const evidence = { policy, next: outcomeToJson(next), elapsedMs: Math.round(elapsed) };
      if (policy === 'reusable') return expectOk(next, [i32(5)], evidence);
      // Refused: an immediate error that says so, not a call left waiting until its deadline.
      if (next.kind === 'ok') return fail(`declared refused, but the next call succeeded: ${formatOutcome(next)}`, evidence);
      if (next.kind === 'timeout' || (next.kind === 'engine-error' && next.name === 'NeverSettled'))
        return fail(`the next call was neither served nor refused: ${formatOutcome(next)}`, evidence);
      if (!('message' in next) || next.message.trim() === '') return fail('the refusal carries no message', evidence);
      return pass(evidence);
    },
  }),
];
