/**
 * Cancellation around a call's life: while it waits its turn behind another call (CANCEL-QUEUED),
 * when its instance is disposed under it (CANCEL-DISPOSE), and what the instance is after a
 * preemptive stop (CANCEL-AFTER-PREEMPT). SPEC.md §6.
 */
import { postPreemptPolicy, type Instance } from '../../harness/adapter.ts';
import type { CaseContext, Verdict } from '../../harness/case.ts';
import { expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { waitFor } from '../../harness/wait.ts';
import { call, defineCase, delay, pendingOps, startCall, utf8, writeGuestBytes, type Flight } from '../define.ts';
import { BOUND_MS, expectDeadlineFired, notRefused, settleWithin } from './checks.ts';

const FIXTURE = 'cancellation/cancel.wat';
/** Long enough for a serialising adapter to have read and queued a call sent just before. */
const QUEUE_SETTLE_MS = 50;
/** How long after the call ahead finished a queued call that was stopped is watched for a late entry. */
const LATE_ENTRY_WATCH_MS = 100;

/**
 * Starts a call whose rejection is handled even if the case never awaits it (it may fail first):
 * awaiting `promise` later still sees the rejection.
 */
function ownedCall(...args: Parameters<typeof startCall>): Flight {
  const flight = startCall(...args);
  flight.promise.catch(() => {});
  return flight;
}

const entered = async (instance: Instance, mark: number): Promise<boolean> =>
  (await instance.inspect()).events.some((e) => e.kind === 'mark' && e.detail === mark);

/**
 * Parks call A (`marked_gate(1)`) on gate 1, so the instance is busy; the case then sends call B.
 * Afterwards `finish` opens gate 1 and checks A ended ok(11) and, unless the policy lets B run
 * (interleave), that B never entered the guest, not even once A was out of the way.
 */
async function busyInstance(ctx: CaseContext) {
  const instance = await ctx.instantiate(FIXTURE);
  const first = ownedCall(instance, 'marked_gate', [i32(1)], { results: ['i32'], deadlineMs: 20_000 });
  await pendingOps(instance, 1, ctx.signal);
  const policy = ctx.adapter.features.reentrancy;
  const finish = async (verdict: Verdict): Promise<Verdict> => {
    if (!verdict.pass) return verdict;
    await instance.openGate(1, 10);
    const a = await settleWithin(first.promise, BOUND_MS);
    const evidence = { ...verdict.evidence, first: a ? outcomeToJson(a) : 'unsettled' };
    if (!a) return fail('the call ahead did not finish within 1 s of its gate opening', evidence);
    const ahead = expectOk(a, [i32(11)], evidence);
    if (!ahead.pass) return fail(`the call ahead was disturbed: ${ahead.message}`, evidence);
    if (policy !== 'interleave') {
      await delay(LATE_ENTRY_WATCH_MS);
      if (await entered(instance, 2)) return fail('the stopped call entered the guest once the call ahead had finished (its entry mark was logged)', evidence);
    }
    return pass(evidence);
  };
  return { instance, policy, finish };
}

/** A call the reject policy refused: at once, non-ok, with a message, never entered. */
async function expectRefusedAtOnce(instance: Instance, second: Flight): Promise<Verdict> {
  const outcome = await settleWithin(second.promise, BOUND_MS);
  const evidence = { policy: 'reject', second: outcome ? outcomeToJson(outcome) : 'unsettled' };
  if (!outcome) return fail('reentrancy reject: the second call was neither refused nor answered within 1 s', evidence);
  if (outcome.kind === 'ok') return fail(`reentrancy reject: the second call was served: ${formatOutcome(outcome)}`, evidence);
  if (!('message' in outcome) || !outcome.message.trim()) return fail('reentrancy reject: the refusal carries no message', evidence);
  if (await entered(instance, 2)) return fail('reentrancy reject: the refused call entered the guest', evidence);
  return pass(evidence);
}

/** Stops `count_then_spin` (counter += 1, then spin) by cancel or deadline; the outcome and how long the stop took. */
async function preempted(instance: Instance, by: 'cancel' | 'deadline'): Promise<{ outcome: Outcome | undefined; stopMs: number }> {
  if (by === 'deadline') {
    const t0 = performance.now();
    const outcome = await settleWithin(instance.call('count_then_spin', [], { results: ['i32'], deadlineMs: 200 }), 200 + BOUND_MS);
    return { outcome, stopMs: performance.now() - t0 - 200 };
  }
  const controller = new AbortController();
  const flight = ownedCall(instance, 'count_then_spin', [], { results: ['i32'], signal: controller.signal, deadlineMs: 20_000 });
  await delay(100);
  const t0 = performance.now();
  controller.abort();
  const outcome = await settleWithin(flight.promise, BOUND_MS);
  return { outcome, stopMs: performance.now() - t0 };
}

/**
 * The same instance after a preemptive stop follows `postPreempt` (default `postCancel`):
 * reusable → the counter reads exactly 1 (the increment before the spin stays, nothing after
 * it ran, nothing rolled back) and a host call works; refused → each call answers at once with
 * a non-ok outcome and a message (a call left waiting is not a refusal).
 */
async function expectPostPreempt(ctx: CaseContext, by: 'cancel' | 'deadline'): Promise<Verdict> {
  const instance = await ctx.instantiate(FIXTURE);
  const stop = await preempted(instance, by);
  const policy = postPreemptPolicy(ctx.adapter.features);
  const stopped =
    stop.outcome &&
    (stop.outcome.kind === 'cancelled' || stop.outcome.kind === 'timeout' || (stop.outcome.kind === 'trap' && stop.outcome.trap === 'interrupted'));
  if (!stopped)
    return fail(`the preemptive stop itself failed: ${stop.outcome ? formatOutcome(stop.outcome) : 'the call did not end within 1 s'}`, {
      stop: stop.outcome ? outcomeToJson(stop.outcome) : 'unsettled',
    });
  const counter = await call(instance, 'counter', [], ['i32'], 5_000);
  const echo = await call(instance, 'echo', [i32(5)], ['i32'], 5_000);
  const evidence = {
    policy,
    by,
    stop: outcomeToJson(stop.outcome!),
    stopMs: Math.round(stop.stopMs),
    counter: outcomeToJson(counter),
    echo: outcomeToJson(echo),
  };
  if (policy === 'reusable') {
    const c = expectOk(counter, [i32(1)], evidence);
    if (!c.pass)
      return fail(
        `declared reusable after preemption, but the instance's state is wrong: ${c.message} from counter() (the increment before the spin must stay)`,
        evidence,
      );
    const e = expectOk(echo, [i32(5)], evidence);
    return e.pass ? pass(evidence) : fail(`declared reusable after preemption, but a host call on the instance fails: ${e.message}`, evidence);
  }
  for (const [name, o] of [
    ['counter', counter],
    ['echo', echo],
  ] as const) {
    if (o.kind === 'ok') return fail(`declared refused after preemption, but ${name}() was served: ${formatOutcome(o)}`, evidence);
    if (o.kind === 'timeout')
      return fail(`declared refused after preemption, but ${name}() was left waiting until its deadline instead of being refused`, evidence);
    if (!o.message.trim()) return fail(`the refusal of ${name}() carries no message`, evidence);
  }
  return pass(evidence);
}

/** A distinct /slow path per use, so the server's logs tell this request from any other. */
let slowSerial = 0;

export const lifecycleCases = [
  defineCase({
    id: 'cancellation.cancel.queued',
    title:
      'a call sent while the instance is busy on a gate, then cancelled: serialise — cancelled within 1 s, never enters the guest, even after the call ahead finished; interleave — only it is cancelled; reject — refused at once',
    requirement: 'CANCEL-QUEUED',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const { instance, policy, finish } = await busyInstance(ctx);
      const controller = new AbortController();
      const second = ownedCall(instance, 'marked_gate', [i32(2)], { results: ['i32'], signal: controller.signal, deadlineMs: 20_000 });
      if (policy === 'reject') return finish(await expectRefusedAtOnce(instance, second));
      // interleave: it enters and parks on gate 2; serialise: it waits its turn.
      if (policy === 'interleave') await pendingOps(instance, 2, ctx.signal);
      else await delay(QUEUE_SETTLE_MS);
      const t0 = performance.now();
      controller.abort();
      const outcome = await settleWithin(second.promise, BOUND_MS);
      const cancelMs = performance.now() - t0;
      const state = await instance.inspect();
      const evidence = { policy, second: outcome ? outcomeToJson(outcome) : 'unsettled', cancelMs: Math.round(cancelMs), counters: state.counters };
      if (!outcome) return fail(`the cancelled call did not end within ${BOUND_MS} ms of its cancel`, evidence);
      if (outcome.kind !== 'cancelled') return fail(`expected cancelled, got ${formatOutcome(outcome)}`, evidence);
      if (policy === 'interleave') {
        if (!state.events.some((e) => e.kind === 'abort' && e.fn === 'gate')) return fail("the cancelled call's gate was never aborted", evidence);
      } else if (state.events.some((e) => e.kind === 'mark' && e.detail === 2)) {
        return fail('the call was cancelled while waiting its turn, but it entered the guest (its entry mark was logged)', evidence);
      }
      if (state.counters.pending !== 1)
        return fail(`expected only the call ahead's gate pending, found ${state.counters.pending} pending operation(s)`, evidence);
      return finish(pass(evidence));
    },
  }),
  defineCase({
    id: 'cancellation.deadline.queued',
    title:
      'a call with a 300 ms deadline sent while the instance is busy on a gate: timeout 300 ms to 1.3 s after it was sent (the wait counts), never entered (serialise); reject — refused at once',
    requirement: 'CANCEL-QUEUED',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const { instance, policy, finish } = await busyInstance(ctx);
      const t0 = performance.now();
      const second = ownedCall(instance, 'marked_gate', [i32(2)], { results: ['i32'], deadlineMs: 300 });
      if (policy === 'reject') return finish(await expectRefusedAtOnce(instance, second));
      const outcome = await settleWithin(second.promise, 300 + BOUND_MS);
      const elapsedMs = performance.now() - t0;
      if (!outcome)
        return fail(
          `a call with a 300 ms deadline was still unanswered ${elapsedMs.toFixed(0)} ms after it was sent: its deadline did not count while it waited its turn`,
          { policy },
        );
      const verdict = expectDeadlineFired(outcome, 300, elapsedMs, { policy });
      if (!verdict.pass) return verdict;
      if (policy !== 'interleave' && (await entered(instance, 2)))
        return fail('the call timed out while waiting its turn, but it entered the guest', verdict.evidence);
      return finish(verdict);
    },
  }),
  defineCase({
    id: 'cancellation.dispose.in-flight',
    title:
      'dispose an instance while its call awaits http_get of a 20 s answer: the call ends cancelled within 1 s, the request is abandoned, later requests get unknown-instance, another instance is untouched',
    requirement: 'CANCEL-DISPOSE',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const grants = { http: { origins: [ctx.env.httpOrigin] } };
      const [doomed, other] = await Promise.all([ctx.instantiate(FIXTURE, { grants }), ctx.instantiate(FIXTURE)]);
      const path = `/slow/${20_000 + ++slowSerial}`;
      const url = utf8(`${ctx.env.httpOrigin}${path}`);
      await writeGuestBytes(doomed, 0, url);
      const flight = ownedCall(doomed, 'http_get', [i32(0), i32(url.length)], { results: ['i32'], deadlineMs: 25_000 });
      const sibling = ownedCall(other, 'sleep_then', [i32(300), i32(2)], { results: ['i32'], deadlineMs: 10_000 });
      await pendingOps(doomed, 1, ctx.signal);
      // The observable that outlives the instance: the loopback server sees the request, then its connection close.
      await waitFor(`${path} at the loopback server`, () => (ctx.env.httpRequests.includes(path) ? true : undefined), 5_000, ctx.signal);
      const t0 = performance.now();
      await doomed.dispose();
      const outcome = await settleWithin(flight.promise, BOUND_MS);
      const endMs = performance.now() - t0;
      const abandoned = await waitFor('the request abandoned', () => (ctx.env.httpAbandoned?.includes(path) ? true : undefined), BOUND_MS, ctx.signal).catch(
        () => false,
      );
      const laterCall = await notRefused(() => doomed.call('echo', [i32(1)], { results: ['i32'], deadlineMs: 5_000 }));
      const laterInspect = await notRefused(() => doomed.inspect());
      const evidence = {
        outcome: outcome ? outcomeToJson(outcome) : 'unsettled',
        endMs: Math.round(endMs),
        requestAbandoned: abandoned,
        laterCall: laterCall ?? 'unknown-instance',
        laterInspect: laterInspect ?? 'unknown-instance',
      };
      if (!outcome) return fail(`the call in flight did not end within ${BOUND_MS} ms of dispose`, evidence);
      if (outcome.kind !== 'cancelled')
        return fail(`the call in flight ended ${formatOutcome(outcome)}, not cancelled, when its instance was disposed`, evidence);
      if (!abandoned) return fail(`the http request was still open ${BOUND_MS} ms after dispose: its host operation was not aborted`, evidence);
      if (laterCall) return fail(`a call on the disposed instance was not refused as unknown-instance: ${laterCall}`, evidence);
      if (laterInspect) return fail(`inspect on the disposed instance was not refused as unknown-instance: ${laterInspect}`, evidence);
      const s = await settleWithin(sibling.promise, 10_000);
      return s ? expectOk(s, [i32(2)], { ...evidence, what: "the other instance's call" }) : fail("the other instance's call never ended", evidence);
    },
  }),
  defineCase({
    id: 'cancellation.preempt.after-cancel',
    title:
      'count_then_spin cancelled mid-spin: the same instance follows the declared post-preemption policy (reusable: counter 1, echo works; refused: clear refusals)',
    requirement: 'CANCEL-AFTER-PREEMPT',
    requires: ['cancel-preemptive'],
    run: (ctx) => expectPostPreempt(ctx, 'cancel'),
  }),
  defineCase({
    id: 'cancellation.preempt.after-deadline',
    title: 'count_then_spin stopped by a 200 ms deadline: the same instance follows the declared post-preemption policy',
    requirement: 'CANCEL-AFTER-PREEMPT',
    requires: ['cancel-preemptive'],
    run: (ctx) => expectPostPreempt(ctx, 'deadline'),
  }),
];
