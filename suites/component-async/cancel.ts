/**
 * A guest cancelling its own subtask (SPEC.md §14.8, Concurrency.md "Cancellation"): exactly one
 * terminal state, consistent with what the host did, and the host operation sees the abort.
 */
import type { HostEvent, Instance } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { waitFor } from '../../harness/wait.ts';
import { cmaCase, okU32, start, u32 } from './shared.ts';

export const CANCEL_GUEST = 'component-async/cancel.wat';

/** How long the host's abort may take to show in the log after the guest got its state. */
const ABORT_MS = 2_000;

const STATES: Record<number, string> = { 2: 'RETURNED', 3: 'CANCELLED_BEFORE_STARTED', 4: 'CANCELLED_BEFORE_RETURNED' };

/** The kinds logged for host function `fn`, waiting (bounded) until it has a terminal one. */
async function settledOps(instance: Instance, fn: string, signal: AbortSignal): Promise<{ kinds: string[]; events: HostEvent[] }> {
  const read = async () => {
    const { events } = await instance.inspect();
    return { kinds: events.filter((e) => e.fn === fn && e.op !== undefined).map((e) => e.kind), events };
  };
  const ended = await waitFor(
    `${fn} to end in the host log`,
    async () => {
      const r = await read();
      return r.kinds.length === 0 || r.kinds.some((k) => k !== 'start') ? r : undefined;
    },
    ABORT_MS,
    signal,
  ).catch(() => undefined);
  return ended ?? read();
}

/** State and host log must agree: RETURNED ⇔ ok; CANCELLED_BEFORE_RETURNED ⇔ start then abort; BEFORE_STARTED ⇔ nothing, or start then abort. */
function consistent(state: number, kinds: string[]): string | undefined {
  const log = JSON.stringify(kinds);
  if (state === 2) return log === '["start","ok"]' ? undefined : `the guest got RETURNED but the host log is ${log}`;
  if (state === 4)
    return log === '["start","abort"]'
      ? undefined
      : `the guest got CANCELLED_BEFORE_RETURNED but the host log is ${log}: the host operation was ${kinds.includes('ok') ? 'completed anyway' : 'never aborted'}`;
  if (state === 3) return log === '[]' || log === '["start","abort"]' ? undefined : `the guest got CANCELLED_BEFORE_STARTED but the host log is ${log}`;
  return `subtask.cancel returned ${state}, not a terminal state (2, 3 or 4)`;
}

export const componentAsyncCancelCases: Case[] = [
  cmaCase(CANCEL_GUEST, {
    id: 'component-async.cancel.parked-gate',
    title: 'the guest cancels its subtask parked on gate(): CANCELLED_BEFORE_RETURNED, and the host aborts the gate operation (nothing left pending)',
    requirement: 'CMA-SUBTASK-CANCEL',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(CANCEL_GUEST);
      const outcome = await start(instance, 'cancel-gate', [u32(1)]).promise;
      const state = okU32(outcome);
      if (state === undefined) return fail(`cancel-gate ended ${formatOutcome(outcome)}`, { outcome: outcomeToJson(outcome) });
      const { kinds, events } = await settledOps(instance, 'gate', ctx.signal);
      const { counters } = await instance.inspect();
      const evidence = { state: STATES[state] ?? state, gateLog: kinds, counters, events };
      // The gate is never opened, so it cannot have RETURNED.
      if (state === 2 || state === 102) return fail('the guest got RETURNED for a gate that was never opened', evidence);
      const wrong = consistent(state, kinds);
      if (wrong) return fail(wrong, evidence);
      if (counters.pending !== 0) return fail(`${counters.pending} host operation(s) still pending after the cancel`, evidence);
      return pass(evidence);
    },
  }),
  cmaCase(CANCEL_GUEST, {
    id: 'component-async.cancel.racing-sleep',
    title: 'the guest cancels a sleep(20) subtask that would complete by itself: exactly one terminal state, and the host log agrees with it',
    requirement: 'CMA-SUBTASK-CANCEL',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(CANCEL_GUEST);
      const outcome = await start(instance, 'cancel-sleep', [u32(20)]).promise;
      const state = okU32(outcome);
      if (state === undefined) return fail(`cancel-sleep ended ${formatOutcome(outcome)}`, { outcome: outcomeToJson(outcome) });
      const { kinds, events } = await settledOps(instance, 'sleep', ctx.signal);
      const evidence = { state: STATES[state] ?? state, sleepLog: kinds, events };
      // 102: the call returned at once (the host may count it as not blocking), nothing to cancel.
      if (state === 102) return kinds.join() === 'start,ok' ? pass(evidence) : fail(`RETURNED at once but the host log is ${JSON.stringify(kinds)}`, evidence);
      const wrong = consistent(state, kinds);
      return wrong ? fail(wrong, evidence) : pass(evidence);
    },
  }),
];
