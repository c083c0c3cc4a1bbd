/**
 * What `yield` and `ready_i32` promise, checked by what the host can observe (SPEC.md §2.2, §5.4):
 * a yield gives other ready work its turn before it completes (never completes synchronously
 * inside the call), and ready_i32 answers at once (no timer, no waiting for other work).
 */
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { nextTurn, waitFor } from '../../harness/wait.ts';
import { call, defineCase, pendingOps, startCall } from '../define.ts';

const TURNS = 'suspension/turns.wat';
const ORDER = 'suspension/order.wat';
/** Yields in the looping call: far more than the few turns the other work needs, so only a cancel ends it. */
export const YIELD_LOOP = 2_000_000;
/** Calls of ready_i32 and of echo_i32 timed against each other, and the bound between them. */
export const READY = { n: 1000, factor: 4, slackMs: 250 } as const;

export const turnCases: Case[] = [
  defineCase({
    id: 'suspension.yield.serves-ready-work',
    title: `while a call yields in a loop (${YIELD_LOOP} yields), a gate opened for another instance completes that instance's call first; the looping call is then cancelled`,
    requirement: 'SUSP-YIELD',
    requires: ['cancel-at-host-call'],
    timeoutMs: 90_000,
    async run(ctx) {
      const [looper, other] = await Promise.all([ctx.instantiate(TURNS), ctx.instantiate(ORDER)]);
      const parked = startCall(other, 'wait', [i32(5)], { results: ['i32'], deadlineMs: 30_000 });
      await pendingOps(other, 1, ctx.signal);
      const stop = new AbortController();
      const loop = startCall(looper, 'yields', [i32(YIELD_LOOP)], { results: ['i32'], signal: stop.signal, deadlineMs: 60_000 });
      let gateOpened = false;
      const finished: string[] = [];
      void loop.promise.then(
        () => finished.push('loop'),
        () => undefined,
      );
      void parked.promise.then(
        () => finished.push('other'),
        () => undefined,
      );
      try {
        // The loop has entered the host once; then one turn of the harness's own (ready) work.
        await waitFor(
          'the looping call to start yielding',
          async () => ((await looper.inspect()).counters.started > 0 || loop.settled ? true : undefined),
          10_000,
          ctx.signal,
        );
        await nextTurn();
        const loopDoneBeforeGate = loop.settled;
        await other.openGate(5, 41);
        gateOpened = true;
        const otherOutcome = await waitFor("the other instance's call to complete", () => (parked.settled ? parked.outcome : undefined), 20_000, ctx.signal);
        const loopDoneFirst = finished[0] === 'loop';
        const evidence = {
          yields: YIELD_LOOP,
          loopDoneBeforeGate,
          finished,
          other: otherOutcome ? formatOutcome(otherOutcome) : null,
          loop: loop.settled ? formatOutcome(loop.outcome!) : 'running',
        };
        if (loopDoneBeforeGate || loopDoneFirst)
          return fail(
            `the looping call finished its ${YIELD_LOOP} yields before other ready work ran (${loopDoneBeforeGate ? 'the harness got no turn to open the gate' : 'the opened gate never resumed the other call'}): yield completed without giving other work its turn`,
            evidence,
          );
        if (otherOutcome?.kind !== 'ok' || otherOutcome.values[0]?.value !== 42)
          return fail(`the other instance's call gave ${otherOutcome ? formatOutcome(otherOutcome) : 'nothing'}, expected ok(i32:42)`, evidence);
        return pass(evidence);
      } finally {
        stop.abort();
        if (!gateOpened) await other.openGate(5, 41).catch(() => undefined);
        await Promise.allSettled([loop.promise, parked.promise]);
      }
    },
  }),
  defineCase({
    id: 'suspension.ready-plain.at-once',
    title: `${READY.n} ready_i32 calls take at most ${READY.factor}× the time of ${READY.n} echo_i32 calls + ${READY.slackMs} ms: the host answers at once, not after a timer`,
    requirement: 'SUSP-READY-AT-ONCE',
    timeoutMs: 60_000,
    async run(ctx) {
      const instance = await ctx.instantiate(TURNS);
      const sum = (READY.n * (READY.n - 1)) / 2;
      const timed = async (name: string) => {
        const t0 = performance.now();
        const o = await call(instance, name, [i32(READY.n)], ['i32'], 30_000);
        return { o, ms: performance.now() - t0 };
      };
      // Warm both paths first (compilation, lazy binding).
      await call(instance, 'echoes', [i32(10)], ['i32']);
      await call(instance, 'readies', [i32(10)], ['i32']);
      const echo = await timed('echoes');
      const ready = await timed('readies');
      const boundMs = READY.factor * echo.ms + READY.slackMs;
      const evidence = {
        n: READY.n,
        echoMs: Math.round(echo.ms),
        readyMs: Math.round(ready.ms),
        boundMs: Math.round(boundMs),
        echo: outcomeToJson(echo.o),
        ready: outcomeToJson(ready.o),
      };
      for (const [name, r] of [
        ['echoes', echo],
        ['readies', ready],
      ] as const) {
        if (!(r.o.kind === 'ok' && r.o.values[0]?.value === (sum | 0)))
          return fail(`${name}(${READY.n}) gave ${formatOutcome(r.o)}, expected ok(i32:${sum | 0})`, evidence);
      }
      const { counters } = await instance.inspect();
      if (counters.started < 2 * READY.n + 20)
        return fail(`the host saw ${counters.started} operations, fewer than the ${2 * READY.n + 20} calls made`, evidence);
      if (ready.ms > boundMs)
        return fail(
          `${READY.n} ready_i32 calls took ${ready.ms.toFixed(0)} ms, over ${READY.factor}× the ${echo.ms.toFixed(0)} ms of as many echo_i32 calls + ${READY.slackMs} ms: ready_i32 waits (a timer?) instead of answering at once`,
          evidence,
        );
      return pass(evidence);
    },
  }),
];
