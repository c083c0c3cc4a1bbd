/** Suspension and resumption: event order, independent stacks, state across many suspensions. */
import { badMarkDetail } from '../event-detail.ts';
import type { HostEvent, Instance } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome } from '../../harness/outcome.ts';
import { i32, i64 } from '../../harness/values.ts';
import { waitFor } from '../../harness/wait.ts';
import { call, defineCase, startCall } from '../define.ts';
import { globalsModel, localsModel, memoryModel, mixedModel, simdModel, tableModel, triangle } from './models.ts';

const STATE = 'suspension/state.wat';
const ORDER = 'suspension/order.wat';
const GATE_WAIT_MS = 5_000;

/** A call in flight whose settlement can be observed without awaiting it. */
function start(instance: Instance, name: string, args: Parameters<Instance['call']>[1]) {
  // startCall owns the flight's rejection (a case that fails before awaiting it leaves none unhandled).
  return startCall(instance, name, args, { results: ['i32'], deadlineMs: 10_000 });
}

/** Waits until the guest of `instance` is parked on gate `id` (the host logged the gate's start). */
async function gateAwaited(instance: Instance, signal: AbortSignal): Promise<HostEvent[]> {
  return waitFor(
    'the guest to call gate()',
    async () => {
      const { events } = await instance.inspect();
      return events.some((e) => e.fn === 'gate' && e.kind === 'start') ? events : undefined;
    },
    GATE_WAIT_MS,
    signal,
  );
}

/** The events that show the order: marks, gate start/open/ok. */
const orderTrace = (events: HostEvent[]): string[] =>
  events.filter((e) => e.kind === 'mark' || e.fn === 'gate').map((e) => (e.kind === 'mark' ? `mark ${e.detail}` : `gate ${e.kind}`));

function stateCase(
  id: string,
  title: string,
  requirement: Parameters<typeof defineCase>[0]['requirement'],
  exported: string,
  n: number,
  expected: () => ReturnType<typeof i32>,
) {
  return defineCase({
    id,
    title,
    requirement,
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      const want = expected();
      return expectOk(await call(instance, exported, [i32(n)], [want.type]), [want]);
    },
  });
}

export const suspensionCases: Case[] = [
  defineCase({
    id: 'suspension.order.gate',
    title: 'guest parks on gate(7); the harness runs, opens the gate, and only then does the guest continue',
    requirement: 'SUSP-ORDER',
    async run(ctx) {
      const instance = await ctx.instantiate(ORDER);
      const flight = start(instance, 'wait', [i32(7)]);
      const parked = await gateAwaited(instance, ctx.signal);
      const settledWhileParked = flight.settled;
      await instance.openGate(7, 41);
      const outcome = await flight.promise;
      const after = (await instance.inspect()).events;
      const trace = orderTrace(after);
      const evidence = { trace, settledWhileParked, outcome: formatOutcome(outcome) };
      const badDetail = badMarkDetail(after);
      if (badDetail) return fail(badDetail, evidence);
      if (settledWhileParked) return fail(`the call settled before the gate was opened: ${formatOutcome(flight.outcome!)}`, evidence);
      if (orderTrace(parked).includes('mark 1007')) return fail('the guest ran past gate() before it was opened', evidence);
      const expectedTrace = ['mark 7', 'gate start', 'gate gate-open', 'gate ok', 'mark 1007'];
      if (JSON.stringify(trace) !== JSON.stringify(expectedTrace))
        return fail(`host events out of order: ${trace.join(' → ')}`, { ...evidence, expectedTrace });
      return expectOk(outcome, [i32(42)], evidence);
    },
  }),
  defineCase({
    id: 'suspension.stacks.release-in-reverse',
    title: 'two instances parked on gates; opening the second first resumes it first while the first stays parked',
    requirement: 'SUSP-STACKS',
    async run(ctx) {
      const first = await ctx.instantiate(ORDER);
      const second = await ctx.instantiate(ORDER);
      const a = start(first, 'wait', [i32(1)]);
      const b = start(second, 'wait', [i32(2)]);
      await gateAwaited(first, ctx.signal);
      await gateAwaited(second, ctx.signal);
      await second.openGate(2, 20);
      const bOutcome = await b.promise;
      const firstStillParked = !a.settled;
      await first.openGate(1, 10);
      const aOutcome = await a.promise;
      const evidence = { firstStillParked, first: formatOutcome(aOutcome), second: formatOutcome(bOutcome) };
      if (!firstStillParked) return fail('resuming the second call also completed the first one', evidence);
      return all(expectOk(bOutcome, [i32(21)], evidence), expectOk(aOutcome, [i32(11)]));
    },
  }),
  stateCase('suspension.state.locals-1000', 'i32, i64 and f64 locals across 1000 echoes and 100 next-turn yields', 'SUSP-LOCALS', 'locals', 1000, () =>
    i64(localsModel(1000)),
  ),
  defineCase({
    id: 'suspension.state.globals-1000',
    title: 'mutable globals read before and written after 3000 suspensions, and still there on the next call',
    requirement: 'SUSP-GLOBALS',
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      const want = i64(globalsModel(1000));
      const during = expectOk(await call(instance, 'globals', [i32(1000)], ['i64']), [want]);
      const after = expectOk(await call(instance, 'read_globals', [], ['i64']), [want]);
      return all(during, after);
    },
  }),
  stateCase('suspension.state.memory-1000', '64 KiB of memory written around 1000 suspensions, checked by FNV-1a', 'SUSP-MEMORY', 'memory_bytes', 1000, () =>
    i32(memoryModel(1000)),
  ),
  stateCase('suspension.state.table-1000', 'call_indirect through a table mutated (table.set) across 1000 suspensions', 'SUSP-TABLE', 'table', 1000, () =>
    i32(tableModel(1000)),
  ),
  stateCase('suspension.state.simd-1000', 'a v128 local across 1000 suspensions', 'SUSP-SIMD', 'simd', 1000, () => i32(simdModel(1000))),
  defineCase({
    id: 'suspension.indirect.call-indirect-import',
    title: 'an async import reached only through call_indirect suspends 1000 times and returns the right values',
    requirement: 'SUSP-INDIRECT',
    async run(ctx) {
      const instance = await ctx.instantiate(ORDER);
      const outcome = await call(instance, 'indirect', [i32(1000)], ['i32']);
      const { counters } = await instance.inspect();
      const verdict = expectOk(outcome, [i32(triangle(999))], { counters });
      if (verdict.pass && counters.succeeded !== 1000) return fail(`the host saw ${counters.succeeded} echo calls, expected 1000`, verdict.evidence);
      return verdict;
    },
  }),
  stateCase('suspension.deep.bottom-1000', 'one suspension under 1000 guest frames', 'SUSP-DEEP', 'deep', 1000, () => i32(triangle(1000))),
  stateCase('suspension.deep.each-200', 'each of 200 nested guest frames suspends in turn', 'SUSP-DEEP', 'deep_each', 200, () => i32(triangle(200))),
  defineCase({
    id: 'suspension.many.yields-1000',
    title: '1000 next-turn yields in one call, each a real host crossing',
    requirement: 'SUSP-MANY',
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      const verdict = expectOk(await call(instance, 'yields', [i32(1000)], ['i32']), [i32(1000)]);
      const { counters } = await instance.inspect();
      if (verdict.pass && counters.succeeded !== 1000) return fail(`the host completed ${counters.succeeded} yields, expected 1000`, { counters });
      return verdict.pass ? pass({ ...verdict.evidence, counters }) : verdict;
    },
  }),
  defineCase({
    id: 'suspension.many.ready-10000',
    title: '10 000 echoes plus 1000 yields in one call with locals intact',
    requirement: 'SUSP-MANY',
    timeoutMs: 30_000,
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      const verdict = expectOk(await call(instance, 'locals', [i32(10_000)], ['i64'], 25_000), [i64(localsModel(10_000))]);
      const { counters } = await instance.inspect();
      if (verdict.pass && counters.succeeded !== 11_000) return fail(`the host completed ${counters.succeeded} operations, expected 11000`, { counters });
      return verdict.pass ? pass({ ...verdict.evidence, counters }) : verdict;
    },
  }),
  defineCase({
    id: 'suspension.sleep.at-least',
    title: 'sleep(20) keeps the guest suspended for at least 20 ms (1 ms allowed for clock granularity)',
    requirement: 'SUSP-SLEEP',
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      const t0 = performance.now();
      const outcome = await call(instance, 'sleep_then', [i32(20), i32(5)], ['i32']);
      const elapsedMs = performance.now() - t0;
      const verdict = expectOk(outcome, [i32(5)], { elapsedMs });
      // Only a lower bound: shared machines make upper bounds meaningless here.
      if (verdict.pass && elapsedMs < 19) return fail(`sleep(20) returned after ${elapsedMs.toFixed(2)} ms`, verdict.evidence);
      return verdict;
    },
  }),
  stateCase('suspension.mixed.400', 'echo_i64, yield, sleep(0) and echo_f64 interleaved 400 times', 'SUSP-MIXED', 'mixed', 400, () => i64(mixedModel(400))),
  defineCase({
    id: 'propagation.nested.each-frame-suspends',
    title: '100 nested guest calls, each suspending once, compose to the right sum',
    requirement: 'PROP-NESTED',
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      return expectOk(await call(instance, 'deep_each', [i32(100)], ['i32']), [i32(triangle(100))]);
    },
  }),
  defineCase({
    id: 'suspension.ready.plain-value',
    title: 'ready_i32 answers at once (no promise, or a ready future): the guest gets the value; whether host work ran before it continued is reported',
    requirement: 'SUSP-READY-PLAIN',
    async run(ctx) {
      const instance = await ctx.instantiate(ORDER);
      const outcomes = [];
      for (const v of [0, -1, 123_456]) outcomes.push(expectOk(await call(instance, 'ready_then_mark', [i32(v)], ['i32']), [i32(v)], { v }));
      const verdict = all(...outcomes);
      // The queued host work (mark 99) may land after the call returned: wait for it, bounded.
      const events = await waitFor(
        'the host work ready_i32 queued',
        async () => {
          const e = (await instance.inspect()).events;
          return e.filter((x) => x.fn === 'ready_i32' && x.kind === 'mark').length >= 3 ? e : undefined;
        },
        2_000,
        ctx.signal,
      ).catch(() => undefined);
      if (!verdict.pass) return verdict;
      if (!events) return pass({ ...verdict.evidence, hostWorkBeforeGuestContinued: 'not observed (no queued host work was logged)' });
      // The first call: is mark 99 logged before the guest's mark 2?
      const firstWork = events.findIndex((e) => e.fn === 'ready_i32' && e.kind === 'mark');
      const firstMark2 = events.findIndex((e) => e.fn === 'mark' && e.detail === 2);
      return pass({ ...verdict.evidence, hostWorkBeforeGuestContinued: firstWork >= 0 && firstWork < firstMark2 });
    },
  }),
];
