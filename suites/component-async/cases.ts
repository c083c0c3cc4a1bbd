/**
 * The native async ABI of the component model (SPEC.md §14), first slice: async-lifted exports
 * called concurrently into one instance, async-lowered imports and their subtasks, task.return,
 * yield, waiting on an empty set, host errors. Ordering is proven by gates and the host event
 * log, never by timing; every wait is bounded.
 */
import type { Instance } from '../../harness/adapter.ts';
import type { Case, Evidence } from '../../harness/case.ts';
import { expectTrap, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { delay } from '../define.ts';
import { cmaCase, gatesStarted, GUEST, indexOf, MARK, marks, okU32, start, u32 } from './shared.ts';

/** Opens gates in `order` on calls park(id) and checks each call gets its own value; ids are 1..n. */
export async function parkAndRelease(instance: Instance, order: number[], signal: AbortSignal) {
  const flights = order.map((_, i) => start(instance, 'park', [u32(i + 1)]));
  // Every call must be parked at once: that is the concurrency an async lift gives.
  const parked = await gatesStarted(instance, order.length, signal, true).then(
    (s) => ({ ok: true as const, state: s }),
    (err: Error) => ({ ok: false as const, message: err.message }),
  );
  if (!parked.ok) return { error: `not all ${order.length} calls were parked on their gate at once (${parked.message})` };
  // A gate cannot complete before the harness opens it: each async-lowered gate call blocked, so
  // the guest got a subtask (STARTED or STARTING), never RETURNED.
  const early = marks(parked.state.events);
  if (early.length < order.length || early.some((m) => m !== MARK.STARTED && m !== MARK.STARTING))
    return {
      error: `before any gate was opened the guest saw subtask states ${JSON.stringify(early.map((m) => m - MARK.STARTING))}, expected STARTED (1) or STARTING (0) for each call`,
    };
  const settledBefore: number[] = [];
  for (const id of order) {
    await instance.openGate(id, id * 100 + 7);
    const outcome = await flights[id - 1]!.promise;
    if (okU32(outcome) !== id * 100 + 7) return { error: `park(${id}) returned ${formatOutcome(outcome)}, expected ${id * 100 + 7}` };
    // Calls whose gate is still closed must still be pending.
    const early = order.filter((other) => other !== id && !settledBefore.includes(other) && flights[other - 1]!.settled);
    if (early.length > 0) return { error: `park(${early.join(', ')}) settled before its gate was opened` };
    settledBefore.push(id);
  }
  return { error: undefined };
}

export const componentAsyncCases: Case[] = [
  cmaCase(GUEST, {
    id: 'component-async.concurrent.reverse-order',
    title: 'two calls of one async-lifted export into one instance both park on their gates and complete in reverse order',
    requirement: 'CMA-CONCURRENT-EXPORT',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const { error } = await parkAndRelease(instance, [2, 1], ctx.signal);
      const state = await instance.inspect();
      if (error) return fail(error, { events: state.events });
      return pass({ order: [2, 1], counters: state.counters });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.concurrent.eight',
    title: 'eight calls of one async-lifted export into one instance all park at once; released in a shuffled order, each gets its own value',
    requirement: 'CMA-CONCURRENT-EXPORT',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const order = [5, 2, 8, 1, 7, 3, 6, 4];
      const { error } = await parkAndRelease(instance, order, ctx.signal);
      const state = await instance.inspect();
      if (error) return fail(error, { order, events: state.events });
      if (state.counters.pending !== 0) return fail(`${state.counters.pending} host operation(s) still pending`, { counters: state.counters });
      return pass({ order, counters: state.counters });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.concurrent.sync-lift-serialises',
    title: 'an async-typed export lifted sync holds the instance lock: a second call enters only after the first returned, both with their own value',
    requirement: 'CMA-SYNC-LIFT-SERIALISES',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const first = start(instance, 'park-sync', [u32(1)]);
      const second = start(instance, 'park-sync', [u32(2)]);
      await gatesStarted(instance, 1, ctx.signal);
      // Negative check, bounded generously: 200 ms is ample for a runtime that wrongly lets the
      // second call in to start its gate; a correct one never does, however long we wait.
      await delay(200);
      const during = await instance.inspect();
      const gateStarts = during.events.filter((e) => e.fn === 'gate' && e.kind === 'start').map((e) => e.detail);
      if (gateStarts.length !== 1)
        return fail(`while the first sync-lifted call was blocked, ${gateStarts.length} gate operations started (the second call entered the instance)`, {
          events: during.events,
        });
      await instance.openGate(1, 111);
      const a = await first.promise;
      if (okU32(a) !== 111) return fail(`park-sync(1) returned ${formatOutcome(a)}, expected 111`, { first: outcomeToJson(a) });
      await gatesStarted(instance, 2, ctx.signal);
      await instance.openGate(2, 222);
      const b = await second.promise;
      if (okU32(b) !== 222) return fail(`park-sync(2) returned ${formatOutcome(b)}, expected 222`, { second: outcomeToJson(b) });
      return pass({ first: outcomeToJson(a), second: outcomeToJson(b) });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.subtask.values',
    title: 'an async-lowered echo-s32 that completes on a later turn hands the guest its value intact (0, 1, -1, i32 max, i32 min)',
    requirement: 'CMA-SUBTASK',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const values = [0, 1, -1, 0x7fffffff, -0x80000000];
      for (const v of values) {
        const outcome = await start(instance, 'echo-later', [u32(v)]).promise;
        if (okU32(outcome) !== v >>> 0) return fail(`echo-later(${v}) returned ${formatOutcome(outcome)}`, { outcome: outcomeToJson(outcome) });
      }
      return pass({ values });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.subtask.progress',
    title:
      'an async-lowered call of a host function that completes later: STARTED then SUBTASK events rising to RETURNED (or RETURNED at once), never before the host operation ended',
    requirement: 'CMA-SUBTASK',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const outcome = await start(instance, 'echo-later', [u32(42)]).promise;
      const { events } = await instance.inspect();
      const seen = marks(events);
      const evidence = { outcome: outcomeToJson(outcome), marks: seen, events };
      if (okU32(outcome) !== 42) return fail(`echo-later(42) returned ${formatOutcome(outcome)}`, evidence);
      // What counts as blocking is the host's choice (Concurrency.md, Blocking): RETURNED at once
      // is allowed, but only once the host operation really completed.
      const ok = indexOf(events, (e) => e.fn === 'echo-s32' && e.kind === 'ok');
      const returned = indexOf(events, (e) => e.kind === 'mark' && (e.detail === MARK.EVENT_RETURNED || e.detail === MARK.RETURNED_AT_ONCE));
      if (ok < 0 || returned < ok) return fail('the guest saw RETURNED before the host operation echo-s32 completed', evidence);
      if (seen[0] === MARK.RETURNED_AT_ONCE) {
        if (seen.length !== 1) return fail(`after RETURNED at once the guest still got events: ${JSON.stringify(seen)}`, evidence);
        return pass({ marks: seen, atOnce: true });
      }
      if (seen[0] !== MARK.STARTED && seen[0] !== MARK.STARTING)
        return fail(`the async-lowered call returned state ${seen[0]! - MARK.STARTING}, not a subtask state`, evidence);
      const progress = seen.slice(1).map((m) => m - MARK.EVENT_BASE);
      if (progress.at(-1) !== 2 || progress.some((s, i) => i > 0 && s <= progress[i - 1]!))
        return fail(`subtask events went ${JSON.stringify(progress)}: expected states rising to RETURNED (2), each once`, evidence);
      return pass({ marks: seen, atOnce: false });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.subtask.ready-at-once',
    title: 'an async-lowered import that completes at once: the guest gets RETURNED at once or STARTED then RETURNED, and the value either way',
    requirement: 'CMA-SUBTASK',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const outcome = await start(instance, 'ready', [u32(-5)]).promise;
      const { events } = await instance.inspect();
      const seen = marks(events);
      const evidence = { outcome: outcomeToJson(outcome), marks: seen, events };
      if (okU32(outcome) !== -5 >>> 0) return fail(`ready(-5) returned ${formatOutcome(outcome)}`, evidence);
      const shapes = [
        [MARK.RETURNED_AT_ONCE],
        [MARK.STARTED, MARK.EVENT_RETURNED],
        [MARK.STARTING, MARK.EVENT_RETURNED],
        [MARK.STARTING, MARK.EVENT_BASE + 1, MARK.EVENT_RETURNED],
      ];
      if (!shapes.some((s) => JSON.stringify(s) === JSON.stringify(seen)))
        return fail(`the guest saw ${JSON.stringify(seen)}: not a valid subtask progression`, evidence);
      if (!events.some((e) => e.fn === 'ready-s32' && e.kind === 'ok'))
        return fail('the host operation ready-s32 is not in the event log as completed', evidence);
      return pass({ marks: seen, atOnce: seen[0] === MARK.RETURNED_AT_ONCE });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.task-return.twice',
    title: 'an async-lifted export calling task.return twice traps; the caller does not get a value',
    requirement: 'CMA-TASK-RETURN',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      return expectTrapOutcome(await start(instance, 'return-twice', [u32(9)]).promise);
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.task-return.missing',
    title: 'an async-lifted export that exits (callback code EXIT) without calling task.return traps',
    requirement: 'CMA-TASK-RETURN',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      return expectTrapOutcome(await start(instance, 'no-return', [u32(9)]).promise);
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.yield.lets-others-run',
    title: 'a task that returns YIELD lets another call of the instance run: set-flag completes while yield-until-flag is still yielding',
    requirement: 'CMA-YIELD',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const yielding = start(instance, 'yield-until-flag', []);
      const setter = await start(instance, 'set-flag', []).promise;
      const outcome = await yielding.promise;
      const evidence = { setFlag: outcomeToJson(setter), yieldUntilFlag: outcomeToJson(outcome) };
      if (okU32(setter) !== 1) return fail(`set-flag returned ${formatOutcome(setter)}`, evidence);
      const yields = okU32(outcome);
      if (yields === 0xffffffff) return fail('yield-until-flag yielded 1 000 000 times and never saw the flag: YIELD did not let set-flag run', evidence);
      if (yields === undefined || yields >= 1_000_000) return fail(`yield-until-flag returned ${formatOutcome(outcome)}`, evidence);
      return pass({ ...evidence, yields });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.empty-wait.woken-by-other-task',
    title: 'waiting on an empty waitable set is not an error: the task parks until another task joins a subtask to that set, then gets its event',
    requirement: 'CMA-EMPTY-WAIT',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const waiting = start(instance, 'wait-empty', []);
      // Bounded look for a wrong early end (a trap for an empty set): 100 ms is ample for that.
      await delay(100);
      if (waiting.settled)
        return fail(`wait-empty ended while its set was empty and another task could still join it: ${formatOutcome(waiting.outcome!)}`, {
          outcome: outcomeToJson(waiting.outcome!),
        });
      const woke = await start(instance, 'wake', [u32(5)]).promise;
      const outcome = await waiting.promise;
      const evidence = { wake: outcomeToJson(woke), waitEmpty: outcomeToJson(outcome) };
      if (okU32(woke) !== 5) return fail(`wake(5) returned ${formatOutcome(woke)}`, evidence);
      if (okU32(outcome) !== 1002)
        return fail(`wait-empty returned ${formatOutcome(outcome)}, expected 1002 (woken by the other task's subtask, RETURNED)`, evidence);
      return pass(evidence);
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.errors.fail-codes',
    title: 'err(host-error) of an async-lowered fail(code) reaches the guest as a value and the caller as host-error: function fail, each code, a message',
    requirement: 'CMA-ERRORS',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const seen: unknown[] = [];
      for (const code of [2, 3, 5, 0xfffffff0]) {
        const outcome = await start(instance, 'fail', [u32(code)], { results: [] }).promise;
        seen.push(outcomeToJson(outcome));
        if (outcome.kind !== 'host-error') return fail(`fail(${code}) ended ${formatOutcome(outcome)}, expected host-error`, { outcomes: seen });
        if (outcome.function !== 'fail' || outcome.code >>> 0 !== code || outcome.message.trim() === '')
          return fail(`fail(${code}) came back as host-error ${outcome.function}/${outcome.code}/${JSON.stringify(outcome.message)}`, { outcomes: seen });
      }
      return pass({ outcomes: seen });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.errors.trap-after-await',
    title:
      'a guest trap after an async-lowered import completed (in the callback, a later turn) reaches the caller as a trap of its own kind: unreachable, divide-by-zero, integer-overflow, invalid-conversion, out-of-bounds-memory; the import itself completed',
    requirement: 'CMA-ERRORS',
    async run(ctx) {
      const kinds = ['unreachable', 'divide-by-zero', 'integer-overflow', 'invalid-conversion', 'out-of-bounds-memory'] as const;
      const seen: Evidence[] = [];
      for (const [i, kind] of kinds.entries()) {
        // A trapped instance cannot be entered again: one instance per kind.
        const instance = await ctx.instantiateComponent(GUEST);
        const outcome = await start(instance, 'trap-later', [u32(i)]).promise;
        const echo = (await instance.inspect()).events.filter((e) => e.fn === 'echo-s32').map((e) => e.kind);
        seen.push({ kind, outcome: outcomeToJson(outcome), echo });
        const verdict = expectTrap(outcome, kind, { seen });
        if (!verdict.pass) return verdict;
        if (JSON.stringify(echo) !== '["start","ok"]')
          return fail(`the async import before the ${kind} trap logged ${JSON.stringify(echo)}, expected start then ok`, { seen });
      }
      return pass({ seen });
    },
  }),
  cmaCase(GUEST, {
    id: 'component-async.errors.fail-events',
    title: 'an async host error is one host operation: start, then error with the code as detail, counted failed, nothing left pending',
    requirement: 'CMA-ERRORS',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const outcome = await start(instance, 'fail', [u32(4)], { results: [] }).promise;
      const state = await instance.inspect();
      const ops = state.events.filter((e) => e.fn === 'fail').map((e) => `${e.kind}${e.detail === undefined ? '' : `:${e.detail}`}`);
      const evidence = { outcome: outcomeToJson(outcome), ops, counters: state.counters };
      if (outcome.kind !== 'host-error') return fail(`fail(4) ended ${formatOutcome(outcome)}`, evidence);
      if (JSON.stringify(ops) !== JSON.stringify(['start', 'error:4']))
        return fail(`the host log for fail is ${JSON.stringify(ops)}, expected ["start","error:4"]`, evidence);
      if (state.counters.failed !== 1 || state.counters.pending !== 0) return fail('counters: expected failed 1, pending 0', evidence);
      return pass(evidence);
    },
  }),
];

/** A task.return misuse must trap (any trap kind): not a value, not some other failure. */
function expectTrapOutcome(outcome: Outcome) {
  const evidence = { outcome: outcomeToJson(outcome) };
  if (outcome.kind === 'trap') return pass(evidence);
  return fail(`expected a trap, got ${formatOutcome(outcome)}`, evidence);
}
