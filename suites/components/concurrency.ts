/** Concurrency of component instances and of calls into one component instance. */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';
import { GUEST } from './shared.ts';

const SLEEP_MS = 300;
const FIFO_CALLS = 32;

export const componentConcurrencyCases: Case[] = [
  defineCase({
    id: 'concurrency.component.instances',
    title: `16 component instances each in sleep(${SLEEP_MS}): all done in about one sleep, each with its own value`,
    requirement: 'CONC-INSTANCES',
    guest: 'component',
    async run(ctx) {
      const instances = await Promise.all(Array.from({ length: 16 }, () => ctx.instantiateComponent(GUEST)));
      const t0 = performance.now();
      const outcomes = await Promise.all(instances.map((inst, k) => call(inst, 'sleep-then', [i32(SLEEP_MS), i32(k)], ['i32'])));
      const elapsed = performance.now() - t0;
      // Generous: sequential would take 16 × 300 ms = 4.8 s.
      const bound = SLEEP_MS * 5;
      const values = all(...outcomes.map((o, k) => expectOk(o, [i32(k)])));
      if (!values.pass) return values;
      if (elapsed > bound)
        return fail(`16 concurrent sleeps took ${elapsed.toFixed(0)} ms (bound ${bound} ms): they ran one after another`, { elapsedMs: Math.round(elapsed) });
      return pass({ elapsedMs: Math.round(elapsed), boundMs: bound });
    },
  }),
  defineCase({
    id: 'concurrency.component.isolation',
    title: 'two instances bumping their counters concurrently see only their own state',
    requirement: 'CONC-ISOLATION',
    guest: 'component',
    async run(ctx) {
      const [a, b] = await Promise.all([ctx.instantiateComponent(GUEST), ctx.instantiateComponent(GUEST)]);
      const results = await Promise.all([
        call(a!, 'bump', [], ['i32']),
        call(b!, 'bump', [], ['i32']),
        call(a!, 'sleep-then', [i32(20), i32(0)], ['i32']),
        call(a!, 'bump', [], ['i32']),
      ]);
      return all(
        expectOk(results[0]!, [i32(1)]),
        expectOk(results[1]!, [i32(1)]),
        expectOk(results[3]!, [i32(2)]),
        expectOk(await call(b!, 'bump', [], ['i32']), [i32(2)]),
      );
    },
  }),
  defineCase({
    id: 'concurrency.component.reentrancy',
    title: `two calls into one component instance, each in sleep(${SLEEP_MS}), follow the declared reentrancy policy`,
    requirement: 'CONC-REENTRANCY',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const t0 = performance.now();
      const [first, second] = await Promise.all([
        call(instance, 'sleep-then', [i32(SLEEP_MS), i32(1)], ['i32']),
        call(instance, 'sleep-then', [i32(SLEEP_MS), i32(2)], ['i32']),
      ]);
      const elapsed = performance.now() - t0;
      const policy = ctx.adapter.features.reentrancy;
      const evidence = { policy, elapsedMs: Math.round(elapsed), first: outcomeToJson(first!), second: outcomeToJson(second!) };
      if (policy === 'reject') {
        if (first!.kind !== 'ok' || second!.kind === 'ok')
          return fail(`declared reject: expected the first call ok and the second refused, got ${formatOutcome(first!)} / ${formatOutcome(second!)}`, evidence);
        return pass(evidence);
      }
      const values = all(expectOk(first!, [i32(1)]), expectOk(second!, [i32(2)]));
      if (!values.pass) return { ...values, evidence };
      // 0.9 × the sum: a serialising runtime cannot beat it; an interleaving one stays far below.
      const serialised = elapsed >= 2 * SLEEP_MS * 0.9;
      if (policy === 'serialise' && !serialised) return fail(`declared serialise, but both sleeps overlapped (${elapsed.toFixed(0)} ms)`, evidence);
      if (policy === 'interleave' && serialised) return fail(`declared interleave, but the calls ran one after the other (${elapsed.toFixed(0)} ms)`, evidence);
      return pass(evidence);
    },
  }),
  defineCase({
    id: 'concurrency.component.fifo',
    title: `${FIFO_CALLS} calls of bump() sent at once into one component instance enter it in the order sent: results 1..${FIFO_CALLS}`,
    requirement: 'CONC-FIFO',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      // bump never suspends, so each call's result is its place in the order the guest was entered.
      const outcomes = await Promise.all(Array.from({ length: FIFO_CALLS }, () => call(instance, 'bump', [], ['i32'])));
      const policy = ctx.adapter.features.reentrancy;
      const entered = outcomes.map((o) => (o.kind === 'ok' ? Number(o.values[0]?.value) : null));
      const evidence = { policy, entered: entered.map((v) => v ?? 'refused') };
      const served = entered.filter((v): v is number => v !== null);
      if (served.some((v, i) => i > 0 && v <= served[i - 1]!))
        return fail(`calls entered the instance out of the order they were sent: results ${entered.join(', ')}`, evidence);
      // reject may refuse calls that overlap; every other policy serves them all.
      if (policy !== 'reject' && served.length !== FIFO_CALLS)
        return fail(
          `declared ${policy}, but ${FIFO_CALLS - served.length} call(s) were not served: ${outcomes.map((o) => formatOutcome(o)).join('; ')}`,
          evidence,
        );
      return pass(evidence);
    },
  }),
];
