/**
 * Cancellation: of calls awaiting the host (every adapter that declares it), of pure compute
 * (preemptive adapters only), and what the instance looks like afterwards. Bounds are generous
 * (1 s) because machines are shared; they are there to catch a cancel that does nothing.
 */
import type { Instance, InstanceState } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { all, expectCancelled, expectOk, fail, pass, Tally } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32, type Value } from '../../harness/values.ts';
import { call, cancelDuring, defineCase, delay, pendingOps, startCall, timedCall, utf8, writeGuestBytes } from '../define.ts';
import { BOUND_MS, CLOCK_SLACK_MS, expectDeadlineFired } from './checks.ts';

const FIXTURE = 'cancellation/cancel.wat';

/** Cancels a call once its guest is parked on the host, returning the outcome and how long the cancel took. */
const cancelWhenParked = (instance: Instance, name: string, args: Value[], signal: AbortSignal) =>
  cancelDuring(instance, name, args, () => pendingOps(instance, 1, signal)) as Promise<{ outcome: Outcome; cancelMs: number; state: InstanceState }>;

function expectCancelledAndCleaned(outcome: Outcome, cancelMs: number, state: InstanceState, fn: string) {
  const evidence = {
    outcome: outcomeToJson(outcome),
    cancelMs: Math.round(cancelMs),
    counters: state.counters,
    aborts: state.events.filter((e) => e.kind === 'abort'),
  };
  const cancelled = expectCancelled(outcome, evidence, { timing: { cancelMs, withinMs: BOUND_MS } });
  if (!cancelled.pass) return cancelled;
  if (state.counters.pending !== 0) return fail(`${state.counters.pending} host operation(s) still pending after the cancel`, evidence);
  if (!state.events.some((e) => e.kind === 'abort' && e.fn === fn))
    return fail(`the host never saw ${fn} aborted (no abort event): its cleanup did not run`, evidence);
  return pass(evidence);
}

export const cancellationCases: Case[] = [
  defineCase({
    id: 'cancellation.cancel.awaiting-gate',
    title: 'cancel a call parked on gate(): cancelled within 1 s, gate aborted, nothing pending',
    requirement: 'CANCEL-AWAITING',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const r = await cancelWhenParked(instance, 'wait_gate', [i32(1)], ctx.signal);
      return expectCancelledAndCleaned(r.outcome, r.cancelMs, r.state, 'gate');
    },
  }),
  defineCase({
    id: 'cancellation.cancel.awaiting-sleep',
    title: 'cancel a call in sleep(10000): cancelled within 1 s, the timer aborted',
    requirement: 'CANCEL-AWAITING',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const r = await cancelWhenParked(instance, 'sleep_then', [i32(10_000), i32(1)], ctx.signal);
      return expectCancelledAndCleaned(r.outcome, r.cancelMs, r.state, 'sleep');
    },
  }),
  defineCase({
    id: 'cancellation.cancel.awaiting-http',
    title: 'cancel a call awaiting http_get of a 10 s response: cancelled within 1 s, request aborted',
    requirement: 'CANCEL-NETWORK',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      const url = utf8(`${ctx.env.httpOrigin}/slow/10000`);
      await writeGuestBytes(instance, 0, url);
      const r = await cancelWhenParked(instance, 'http_get', [i32(0), i32(url.length)], ctx.signal);
      return expectCancelledAndCleaned(r.outcome, r.cancelMs, r.state, 'http_get');
    },
  }),
  defineCase({
    id: 'cancellation.deadline.awaiting-sleep',
    title: 'deadline 100 ms on sleep(10000): timeout no earlier than 100 ms and within 1 s of it, afterMs in between, the timer aborted',
    requirement: 'CANCEL-DEADLINE',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const { outcome, elapsedMs, state } = await timedCall(instance, 'sleep_then', [i32(10_000), i32(1)], { deadlineMs: 100 });
      const verdict = expectDeadlineFired(outcome, 100, elapsedMs, { counters: state.counters });
      if (!verdict.pass) return verdict;
      if (state.counters.aborted !== 1 || state.counters.pending !== 0)
        return fail(`host counters after the deadline: ${JSON.stringify(state.counters)}`, verdict.evidence);
      return verdict;
    },
  }),
  defineCase({
    id: 'cancellation.deadline.not-reached',
    title: 'deadline 5000 ms on sleep(20): ok, the deadline changes nothing',
    requirement: 'CANCEL-DEADLINE',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      return expectOk(await instance.call('sleep_then', [i32(20), i32(8)], { results: ['i32'], deadlineMs: 5_000 }), [i32(8)]);
    },
  }),
  defineCase({
    id: 'cancellation.deadline.not-reached-close',
    title: 'deadline 400 ms on sleep(250): ok, the deadline has not passed (one firing at half its time, 200 ms, breaks the call)',
    requirement: 'CANCEL-DEADLINE',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      // 150 ms of margin for a noisy machine; a deadline firing at half (or anything up to 62 %) of its time cuts the sleep.
      const { outcome, elapsedMs } = await timedCall(instance, 'sleep_then', [i32(250), i32(9)], { deadlineMs: 400 });
      return expectOk(outcome, [i32(9)], { elapsedMs: Math.round(elapsedMs) });
    },
  }),
  defineCase({
    id: 'cancellation.cancel.before-start',
    title:
      'a call whose cancel signal is already aborted (out of process: its cancel sent in the same write): cancelled, the guest never entered, no host operation started',
    requirement: 'CANCEL-BEFORE-START',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      // marked_sleep marks 41 on entry, then sleeps 10 ms: either would show the call ran.
      const outcome = await instance.call('marked_sleep', [i32(41)], { results: ['i32'], signal: AbortSignal.abort(), deadlineMs: 5_000 });
      const state = await instance.inspect();
      const entered = state.events.some((e) => e.kind === 'mark' && e.detail === 41);
      const evidence = { outcome: outcomeToJson(outcome), counters: state.counters, entered };
      if (outcome.kind !== 'cancelled') return fail(`expected cancelled, got ${formatOutcome(outcome)}`, evidence);
      if (entered) return fail('the call was cancelled before it started, but the guest was entered (its entry mark was logged)', evidence);
      return state.counters.started === 0
        ? pass(evidence)
        : fail(`${state.counters.started} host operation(s) started for a call cancelled before it began`, evidence);
    },
  }),
  defineCase({
    id: 'cancellation.preempt.deadline-spin',
    title: 'a guest spinning forever without host calls, deadline 200 ms: stopped no earlier than 200 ms and within 1 s of it',
    requirement: 'CANCEL-PREEMPT',
    requires: ['cancel-preemptive'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const t0 = performance.now();
      const outcome = await instance.call('spin', [], { results: ['i32'], deadlineMs: 200 });
      const elapsedMs = performance.now() - t0;
      const evidence = { outcome: outcomeToJson(outcome), elapsedMs: Math.round(elapsedMs) };
      if (outcome.kind === 'timeout') {
        const verdict = expectDeadlineFired(outcome, 200, elapsedMs);
        if (!verdict.pass) return verdict;
      } else if (!(outcome.kind === 'trap' && outcome.trap === 'interrupted')) {
        return fail(`expected timeout (or trap interrupted), got ${formatOutcome(outcome)}`, evidence);
      }
      if (elapsedMs < 200 - CLOCK_SLACK_MS) return fail(`stopped ${elapsedMs.toFixed(1)} ms after the call was sent, before its 200 ms deadline`, evidence);
      if (elapsedMs > 200 + BOUND_MS) return fail(`stopped after ${elapsedMs.toFixed(0)} ms (deadline 200 ms, bound ${BOUND_MS} ms)`, evidence);
      const after = await ctx.instantiate(FIXTURE);
      return all(pass(evidence), expectOk(await call(after, 'echo', [i32(3)], ['i32']), [i32(3)], { what: 'a fresh instance afterwards' }));
    },
  }),
  defineCase({
    id: 'cancellation.preempt.cancel-spin',
    title: 'a guest spinning forever, cancelled after 100 ms: cancelled within 1 s',
    requirement: 'CANCEL-PREEMPT',
    requires: ['cancel-preemptive'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const { outcome, cancelMs } = await cancelDuring(instance, 'spin', [], () => delay(100));
      return expectCancelled(
        outcome!,
        { outcome: outcomeToJson(outcome!), cancelMs: Math.round(cancelMs) },
        { timing: { cancelMs, withinMs: BOUND_MS }, orInterrupted: true },
      );
    },
  }),
  defineCase({
    id: 'cancellation.after.policy',
    title: 'after cancelling count_around_sleep mid-sleep, the instance follows its declared post-cancel policy',
    requirement: 'CANCEL-AFTER',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const cancelled = await cancelWhenParked(instance, 'count_around_sleep', [i32(10_000)], ctx.signal);
      if (cancelled.outcome.kind !== 'cancelled') return fail(`the cancel itself failed: ${formatOutcome(cancelled.outcome)}`);
      const next = await call(instance, 'counter', [], ['i32']);
      const policy = ctx.adapter.features.postCancel;
      const evidence = { policy, next: outcomeToJson(next) };
      if (policy === 'reusable') {
        // The first half of the cancelled call ran (+1), the second (+100) must not have.
        return expectOk(next, [i32(1)], evidence);
      }
      if (next.kind === 'ok') return fail('the adapter declares post-cancel policy "refused" but the instance answered a call', evidence);
      return next.message.trim() ? pass(evidence) : fail('refused without a message', evidence);
    },
  }),
  defineCase({
    id: 'cancellation.cycles.1000',
    title: '1000 cycles of start-then-cancel on one instance: no pending operation, no memory growth after the first 10',
    requirement: 'CANCEL-CYCLES',
    requires: ['cancel-at-host-call'],
    timeoutMs: 60_000,
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      // Memory is measured after 10 warm-up cycles: a strategy may allocate once (Asyncify's
      // unwind buffer); what must not happen is growth per cycle.
      let before = await instance.inspect();
      const kinds = new Tally();
      for (let i = 0; i < 1000; i++) {
        if (i === 10) before = await instance.inspect();
        if (ctx.signal.aborted) return fail(`stopped after ${i} cycles: case timeout`);
        const controller = new AbortController();
        const flight = startCall(instance, 'wait_gate', [i32(i)], { results: ['i32'], signal: controller.signal, deadlineMs: 10_000 });
        // Warm-up cycles cancel only once the call is parked on the gate, so whatever a strategy
        // allocates on a first suspension is allocated before the baseline (a cancel that arrives
        // with its call ends it before the guest is entered, and would allocate nothing).
        if (i < 10) await pendingOps(instance, 1, ctx.signal);
        controller.abort();
        kinds.add(await flight.promise);
      }
      const after = await instance.inspect();
      const c = after.counters;
      const evidence = { outcomes: kinds.toJSON(), counters: c, memoryBytes: { afterTenCycles: before.memoryBytes, afterAll: after.memoryBytes } };
      if (kinds.count('cancelled') !== 1000) return fail(`not every cycle ended cancelled: ${JSON.stringify(kinds)}`, evidence);
      if (c.pending !== 0) return fail(`${c.pending} host operation(s) left pending after 1000 cancels`, evidence);
      if (c.started !== c.aborted + c.succeeded + c.failed) return fail(`host counters do not add up: ${JSON.stringify(c)}`, evidence);
      if (after.memoryBytes !== before.memoryBytes) return fail(`guest memory grew from ${before.memoryBytes} to ${after.memoryBytes} bytes`, evidence);
      return expectOk(await call(instance, 'echo', [i32(12)], ['i32']), [i32(12)], evidence);
    },
  }),
  defineCase({
    id: 'cancellation.race.with-completion',
    title: '200 calls of sleep(1) cancelled after 0–2 ms: each ends ok or cancelled, cancels issued at once do land, counters consistent',
    requirement: 'CANCEL-RACE',
    requires: ['cancel-at-host-call'],
    timeoutMs: 60_000,
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const kinds = new Tally();
      const wrong: string[] = [];
      let immediateCancelsLanded = 0;
      for (let i = 0; i < 200; i++) {
        const controller = new AbortController();
        const flight = startCall(instance, 'sleep_then', [i32(1), i32(i)], { results: ['i32'], signal: controller.signal, deadlineMs: 10_000 });
        // A third of the cancels go out at once (no timer turn), the rest after 1 or 2 ms.
        if (i % 3 !== 0) await delay(i % 3);
        controller.abort();
        const o = kinds.add(await flight.promise);
        if (!(o.kind === 'cancelled' || (o.kind === 'ok' && o.values[0]?.value === i))) wrong.push(`#${i}: ${formatOutcome(o)}`);
        if (i % 3 === 0 && o.kind === 'cancelled') immediateCancelsLanded++;
      }
      const c = (await instance.inspect()).counters;
      const evidence = { outcomes: kinds.toJSON(), immediateCancelsLanded, counters: c, wrong: wrong.slice(0, 5) };
      if (wrong.length) return fail(`${wrong.length} call(s) ended neither ok(i) nor cancelled, e.g. ${wrong[0]}`, evidence);
      // A cancel sent right after the call started, while it sleeps 1 ms, must win at least sometimes.
      if (immediateCancelsLanded === 0) return fail('none of the 67 cancels issued immediately after the call started took effect', evidence);
      if (c.pending !== 0 || c.started !== c.succeeded + c.aborted + c.failed)
        return fail(`host counters inconsistent after the race: ${JSON.stringify(c)}`, evidence);
      return pass(evidence);
    },
  }),
  defineCase({
    id: 'cancellation.cancel.yield-loop',
    title: 'cancel a call looping over next-turn yields: cancelled within 1 s, nothing left pending',
    requirement: 'CANCEL-AWAITING',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate('suspension/state.wat');
      const { outcome, cancelMs, state } = await cancelDuring(instance, 'yields', [i32(100_000_000)], () => delay(50));
      const evidence = { outcome: outcomeToJson(outcome!), cancelMs: Math.round(cancelMs), counters: state.counters };
      const cancelled = expectCancelled(outcome!, evidence, { timing: { cancelMs, withinMs: BOUND_MS } });
      if (!cancelled.pass) return cancelled;
      return state.counters.pending === 0 ? pass(evidence) : fail(`${state.counters.pending} host operation(s) left pending`, evidence);
    },
  }),
  defineCase({
    id: 'cancellation.deadline.awaiting-gate',
    title: 'deadline 100 ms on a call parked on a gate that never opens: timeout no earlier than 100 ms and within 1 s of it, gate aborted',
    requirement: 'CANCEL-DEADLINE',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const { outcome, elapsedMs, state } = await timedCall(instance, 'wait_gate', [i32(5)], { deadlineMs: 100 });
      const verdict = expectDeadlineFired(outcome, 100, elapsedMs, { counters: state.counters });
      if (!verdict.pass) return verdict;
      return state.events.some((e) => e.kind === 'abort' && e.fn === 'gate') && state.counters.pending === 0
        ? verdict
        : fail('the gate was not aborted', verdict.evidence);
    },
  }),
  defineCase({
    id: 'cancellation.isolation.other-call-unaffected',
    title: 'two instances sleeping 300 ms; cancelling one leaves the other to finish with its value',
    requirement: 'CANCEL-ISOLATION',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const [a, b] = await Promise.all([ctx.instantiate(FIXTURE), ctx.instantiate(FIXTURE)]);
      const controller = new AbortController();
      const fa = startCall(a, 'sleep_then', [i32(300), i32(1)], { results: ['i32'], signal: controller.signal, deadlineMs: 10_000 });
      const fb = startCall(b, 'sleep_then', [i32(300), i32(2)], { results: ['i32'], deadlineMs: 10_000 });
      await Promise.all([pendingOps(a, 1, ctx.signal), pendingOps(b, 1, ctx.signal)]);
      controller.abort();
      const [oa, ob] = await Promise.all([fa.promise, fb.promise]);
      const cb = (await b.inspect()).counters;
      const evidence = { cancelled: outcomeToJson(oa), other: outcomeToJson(ob), otherCounters: cb };
      if (oa.kind !== 'cancelled') return fail(`the cancelled call ended ${formatOutcome(oa)}`, evidence);
      if (cb.aborted !== 0) return fail('the other instance saw an abort', evidence);
      return expectOk(ob, [i32(2)], evidence);
    },
  }),
  defineCase({
    id: 'cancellation.deadline.repeated-100',
    title: '100 calls of sleep(10000) with a 5 ms deadline each: all timeout, nothing pending, memory unchanged',
    requirement: 'CANCEL-CYCLES',
    requires: ['cancel-at-host-call'],
    timeoutMs: 60_000,
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      await instance.call('sleep_then', [i32(10_000), i32(0)], { results: ['i32'], deadlineMs: 5 });
      const before = await instance.inspect();
      const kinds = new Map<string, number>();
      let early = 0;
      let shortestMs = Infinity;
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        const o = await instance.call('sleep_then', [i32(10_000), i32(i)], { results: ['i32'], deadlineMs: 5 });
        const elapsedMs = performance.now() - t0;
        shortestMs = Math.min(shortestMs, elapsedMs);
        if (elapsedMs < 5 - CLOCK_SLACK_MS) early++;
        kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
      }
      const after = await instance.inspect();
      const evidence = {
        outcomes: Object.fromEntries(kinds),
        shortestMs: Number(shortestMs.toFixed(2)),
        counters: after.counters,
        memoryBytes: { before: before.memoryBytes, after: after.memoryBytes },
      };
      if (kinds.get('timeout') !== 100) return fail(`not every call timed out: ${JSON.stringify(Object.fromEntries(kinds))}`, evidence);
      if (early) return fail(`${early} call(s) ended before their 5 ms deadline (shortest ${shortestMs.toFixed(2)} ms)`, evidence);
      if (after.counters.pending !== 0) return fail(`${after.counters.pending} operation(s) pending`, evidence);
      return after.memoryBytes === before.memoryBytes ? pass(evidence) : fail('guest memory grew', evidence);
    },
  }),
];
