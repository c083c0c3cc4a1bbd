/**
 * The embedder cancelling a guest task (SPEC.md §14.16; Concurrency.md "Cancellation",
 * CanonicalABI `Store.invoke` → OnCancel = `Task.request_cancellation`, EventCode.TASK_CANCELLED,
 * `canon task.cancel`): a harness cancel of a call into an async-lifted export is delivered to the
 * task as TASK_CANCELLED at its cancellable wait; the task either confirms (task.cancel: outcome
 * `cancelled`) or returns a value anyway (outcome ok). The task's subtasks are its own to cancel.
 */
import type { HostEvent, Instance } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { waitFor } from '../../harness/wait.ts';
import type { Flight } from '../define.ts';
import { SETTLE_MS, cmaCase, marks, okU32, start, u32 } from './shared.ts';

export const TASK_CANCEL_GUEST = 'component-async/task-cancel.wat';

/** The guest's marks: confirm() got TASK_CANCELLED; 70 + the state its subtask.cancel returned; ignore() got TASK_CANCELLED. */
const MARK_CONFIRM = 60;
const MARK_STATE = 70;
const MARK_IGNORE = 61;

/** The state confirm()'s subtask.cancel returned (its mark 70 + state), or null. */
const stateOf = (seen: number[]) => {
  const m = seen.find((v) => v >= MARK_STATE && v < MARK_STATE + 8);
  return m === undefined ? null : m - MARK_STATE;
};

/** How long the host's abort may take to show in the log after the call ended. */
const ABORT_MS = 2_000;

/** The kinds logged for gate operation(s) started with gate id `id` (the op of the `start` whose detail is `id`, or all gate ops when details are absent). */
function gateKinds(events: HostEvent[], id: number): string[] {
  const starts = events.filter((e) => e.fn === 'gate' && e.kind === 'start');
  const mine = starts.filter((e) => e.detail === id);
  const ops = new Set((mine.length ? mine : starts).map((e) => e.op));
  return events.filter((e) => e.fn === 'gate' && e.op !== undefined && ops.has(e.op)).map((e) => e.kind);
}

/** Waits (bounded) until `count` gate operations started, or `flight` ended; a string says why not. */
async function gateStarted(instance: Instance, id: number, count: number, signal: AbortSignal, flight?: Flight): Promise<true | string> {
  const started = async () => (await instance.inspect()).events.filter((e) => e.fn === 'gate' && e.kind === 'start').length >= count;
  return waitFor(`gate ${id} started`, async () => ((await started()) ? true : flight?.settled ? false : undefined), SETTLE_MS, signal).then(
    (ok) => (ok ? (true as const) : `the call ended ${formatOutcome(flight!.outcome!)}`),
    (e: Error) => e.message,
  );
}

/** The gate log once it has a terminal event (bounded), or as it is. */
async function settledGate(instance: Instance, id: number, signal: AbortSignal): Promise<string[]> {
  const read = async () => gateKinds((await instance.inspect()).events, id);
  return (
    (await waitFor(`gate ${id} to end in the host log`, async () => ((await read()).some((k) => k !== 'start') ? read() : undefined), ABORT_MS, signal).catch(
      () => undefined,
    )) ?? read()
  );
}

/** A later call on the same instance still works: `exportName(id)` parks on its gate and returns the value given. */
async function laterCall(instance: Instance, exportName: string, id: number, gatesBefore: number, signal: AbortSignal): Promise<string | undefined> {
  const later = start(instance, exportName, [u32(id)]);
  const started = await gateStarted(instance, id, gatesBefore + 1, signal, later);
  if (started !== true) return `a later ${exportName}(${id}) never reached its gate (${started})`;
  await instance.openGate(id, 5);
  const outcome = await later.promise;
  return okU32(outcome) === 5
    ? undefined
    : `a later ${exportName}(${id}) with its gate opened with 5 ended ${formatOutcome(outcome)} (marks ${JSON.stringify(marks((await instance.inspect()).events))}): the instance must still serve calls after a cancelled task`;
}

export const componentAsyncTaskCancelCases: Case[] = [
  cmaCase(TASK_CANCEL_GUEST, {
    id: 'component-async.task-cancel.confirmed',
    title:
      'the harness cancels a call parked on gate(): the task gets TASK_CANCELLED, cancels its gate subtask (aborted in the host) and confirms with task.cancel; outcome cancelled, nothing pending, the instance serves a later call',
    requirement: 'CMA-TASK-CANCEL',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(TASK_CANCEL_GUEST);
      const controller = new AbortController();
      const flight = start(instance, 'confirm', [u32(1)], { signal: controller.signal });
      const started = await gateStarted(instance, 1, 1, ctx.signal, flight);
      if (started !== true) return fail(`confirm(1) never reached its gate: ${started}`, {});
      if (flight.settled) return fail(`confirm(1) ended ${formatOutcome(flight.outcome!)} before it was cancelled (its gate is closed)`, {});
      controller.abort();
      const outcome = await flight.promise;
      const gateLog = await settledGate(instance, 1, ctx.signal);
      const { events, counters } = await instance.inspect();
      const seen = marks(events);
      const evidence = { outcome: outcomeToJson(outcome), marks: seen, subtaskCancelState: stateOf(seen), gateLog, counters, events };
      if (!seen.includes(MARK_CONFIRM))
        return fail(
          `the guest task never got TASK_CANCELLED (no mark ${MARK_CONFIRM}); the call ended ${formatOutcome(outcome)}: a cancel must be delivered to the task, not answered over its head`,
          { ...evidence, afterwards: (await laterCall(instance, 'confirm', 2, 1, ctx.signal)) ?? 'a later call works' },
        );
      if (outcome.kind !== 'cancelled')
        return fail(`the task confirmed the cancel with task.cancel, but the call ended ${formatOutcome(outcome)}, expected cancelled`, evidence);
      if (JSON.stringify(gateLog) !== '["start","abort"]')
        return fail(`the gate operation the task cancelled has the host log ${JSON.stringify(gateLog)}, expected ["start","abort"]`, evidence);
      if (counters.pending !== 0) return fail(`${counters.pending} host operation(s) still pending after the task was cancelled`, evidence);
      const later = await laterCall(instance, 'confirm', 2, 1, ctx.signal);
      return later ? fail(later, evidence) : pass(evidence);
    },
  }),
  cmaCase(TASK_CANCEL_GUEST, {
    id: 'component-async.task-cancel.ignored',
    title:
      'the harness cancels a call whose task ignores TASK_CANCELLED and waits on: its gate keeps running, and once opened the call returns its value (cancellation is cooperative)',
    requirement: 'CMA-TASK-CANCEL',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(TASK_CANCEL_GUEST);
      const controller = new AbortController();
      const flight = start(instance, 'ignore', [u32(3)], { signal: controller.signal });
      const started = await gateStarted(instance, 3, 1, ctx.signal, flight);
      if (started !== true) return fail(`ignore(3) never reached its gate: ${started}`, {});
      if (flight.settled) return fail(`ignore(3) ended ${formatOutcome(flight.outcome!)} before it was cancelled (its gate is closed)`, {});
      controller.abort();
      // Bounded: the task's mark, or the call ending without it.
      const delivered = await waitFor(
        `the guest's mark ${MARK_IGNORE}`,
        async () => (marks((await instance.inspect()).events).includes(MARK_IGNORE) || flight.settled ? true : undefined),
        SETTLE_MS,
        ctx.signal,
      ).catch(() => false);
      const before = await instance.inspect();
      const evidence: Record<string, unknown> = {
        marks: marks(before.events),
        gateLogAfterCancel: gateKinds(before.events, 3),
        ...(flight.settled ? { outcome: outcomeToJson(flight.outcome!) } : {}),
      };
      if (!marks(before.events).includes(MARK_IGNORE))
        return fail(
          `the guest task never got TASK_CANCELLED (no mark ${MARK_IGNORE})${flight.settled ? `; the call ended ${formatOutcome(flight.outcome!)}` : delivered ? '' : ` within ${SETTLE_MS} ms`}`,
          { ...evidence, afterwards: (await laterCall(instance, 'ignore', 4, 1, ctx.signal)) ?? 'a later call works' },
        );
      if (flight.settled)
        return fail(
          `the call ended ${formatOutcome(flight.outcome!)} while its task, which did not confirm the cancel, was still waiting on its gate`,
          evidence,
        );
      if (JSON.stringify(gateKinds(before.events, 3)) !== '["start"]')
        return fail(
          `the task's gate operation has the host log ${JSON.stringify(gateKinds(before.events, 3))} before the gate was opened, expected ["start"]: the task's subtasks are its own to cancel`,
          evidence,
        );
      await instance.openGate(3, 9);
      const outcome = await flight.promise;
      const after = await instance.inspect();
      Object.assign(evidence, { outcome: outcomeToJson(outcome), gateLog: gateKinds(after.events, 3), counters: after.counters });
      if (okU32(outcome) !== 9)
        return fail(`the task returned after ignoring the cancel, but the call ended ${formatOutcome(outcome)}, expected the gate's value 9`, evidence);
      if (JSON.stringify(gateKinds(after.events, 3)) !== '["start","ok"]' || after.counters.pending !== 0)
        return fail(
          `the gate's host log is ${JSON.stringify(gateKinds(after.events, 3))} with ${after.counters.pending} pending, expected ["start","ok"] and none`,
          evidence,
        );
      const later = await laterCall(instance, 'ignore', 4, 1, ctx.signal);
      return later ? fail(later, evidence) : pass(evidence);
    },
  }),
];
