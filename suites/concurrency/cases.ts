/**
 * Concurrency: many instances suspended at once, isolation between them, completion order,
 * responsiveness, and concurrent calls into one instance under the declared reentrancy policy.
 * Time bounds are generous (shared 2-core machines) and only catch serial execution.
 */
import { badMarkDetail } from '../event-detail.ts';
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32, i64 } from '../../harness/values.ts';
import { globalsModel, localsModel, memoryModel } from '../suspension/models.ts';
import { call, defineCase, delay, pendingOps, startCall, utf8, writeGuestBytes } from '../define.ts';

const STATE = 'suspension/state.wat';
const ORDER = 'suspension/order.wat';
/** Calls sent at once into one instance by the FIFO case (CONC-FIFO). */
const FIFO_CALLS = 8;

function sleepersCase(k: number, sleepMs: number, boundMs: number): Case {
  return defineCase({
    id: `concurrency.instances.sleep-${k}`,
    title: `${k} instances each in sleep(${sleepMs}) at once finish in under ${boundMs} ms (sum would be ${k * sleepMs} ms), each with its own result`,
    requirement: 'CONC-INSTANCES',
    timeoutMs: 60_000,
    async run(ctx) {
      const instances = await Promise.all(Array.from({ length: k }, () => ctx.instantiate(STATE)));
      const t0 = performance.now();
      const outcomes = await Promise.all(instances.map((inst, i) => call(inst, 'sleep_then', [i32(sleepMs), i32(i)], ['i32'], 30_000)));
      const elapsedMs = performance.now() - t0;
      const evidence = { k, sleepMs, elapsedMs: Math.round(elapsedMs), sumMs: k * sleepMs };
      const wrong = outcomes.findIndex((o, i) => !(o.kind === 'ok' && o.values[0]?.value === i));
      if (wrong >= 0) return fail(`instance ${wrong} returned ${formatOutcome(outcomes[wrong]!)}, expected ok(${wrong})`, evidence);
      if (elapsedMs < sleepMs - 1) return fail(`finished in ${elapsedMs.toFixed(0)} ms, before the ${sleepMs} ms sleep could have passed`, evidence);
      return elapsedMs <= boundMs ? pass(evidence) : fail(`took ${elapsedMs.toFixed(0)} ms: the sleeps ran (partly) one after another`, evidence);
    },
  });
}

export const concurrencyCases: Case[] = [
  sleepersCase(16, 200, 1_500),
  sleepersCase(64, 200, 5_000),
  defineCase({
    id: 'concurrency.isolation.state',
    title: '8 instances run locals/memory/globals loops of different lengths at once; each result equals its sequential one',
    requirement: 'CONC-ISOLATION',
    timeoutMs: 60_000,
    async run(ctx) {
      const ns = [100, 200, 300, 400, 500, 600, 700, 800];
      const instances = await Promise.all(ns.map(() => ctx.instantiate(STATE)));
      const runs = await Promise.all(
        instances.map(async (inst, k) => {
          const n = ns[k]!;
          const [locals, memory, globals] = await Promise.all([
            call(inst, 'locals', [i32(n)], ['i64']),
            call(inst, 'memory_bytes', [i32(n)], ['i32']),
            call(inst, 'globals', [i32(n)], ['i64']),
          ]);
          return all(
            expectOk(locals, [i64(localsModel(n))], { n }),
            expectOk(memory, [i32(memoryModel(n))], { n }),
            expectOk(globals, [i64(globalsModel(n))], { n }),
          );
        }),
      );
      const bad = runs.findIndex((r) => !r.pass);
      return bad >= 0
        ? fail(`instance ${bad} (n=${ns[bad]}): ${(runs[bad] as { message: string }).message}`, runs[bad]!.evidence)
        : pass({ instances: ns.length });
    },
  }),
  defineCase({
    id: 'concurrency.order.by-duration',
    title: 'three instances sleeping 450, 50 and 250 ms complete in the order 50, 250, 450',
    requirement: 'CONC-ORDER',
    async run(ctx) {
      const sleeps = [450, 50, 250];
      const instances = await Promise.all(sleeps.map(() => ctx.instantiate(STATE)));
      const order: number[] = [];
      await Promise.all(
        instances.map((inst, i) =>
          call(inst, 'sleep_then', [i32(sleeps[i]!), i32(sleeps[i]!)], ['i32']).then((o) => order.push(o.kind === 'ok' ? (o.values[0]!.value as number) : -1)),
        ),
      );
      const evidence = { completionOrder: order };
      return JSON.stringify(order) === JSON.stringify([50, 250, 450]) ? pass(evidence) : fail(`completed in the order ${order.join(', ')}`, evidence);
    },
  }),
  defineCase({
    id: 'concurrency.responsive.while-suspended',
    title: 'while 8 guests sleep 1000 ms, a call on another instance is answered within 300 ms',
    requirement: 'CONC-RESPONSIVE',
    async run(ctx) {
      const sleepers = await Promise.all(Array.from({ length: 8 }, () => ctx.instantiate(STATE)));
      const pinged = await ctx.instantiate(ORDER);
      const flights = sleepers.map((inst) => startCall(inst, 'sleep_then', [i32(1_000), i32(1)], { results: ['i32'], deadlineMs: 10_000 }));
      await Promise.all(sleepers.map((inst) => pendingOps(inst, 1, ctx.signal)));
      const t0 = performance.now();
      const ping = await call(pinged, 'indirect', [i32(3)], ['i32']);
      const pingMs = performance.now() - t0;
      const stillAsleep = flights.filter((f) => !f.settled).length;
      await Promise.all(flights.map((f) => f.promise));
      const evidence = { pingMs: Math.round(pingMs), stillAsleep };
      const ok = expectOk(ping, [i32(3)], evidence);
      if (!ok.pass) return ok;
      if (stillAsleep !== 8) return fail(`only ${stillAsleep} of 8 sleepers were still suspended when the ping was answered`, evidence);
      return pingMs <= 300 ? ok : fail(`the ping took ${pingMs.toFixed(0)} ms while guests slept`, evidence);
    },
  }),
  defineCase({
    id: 'concurrency.reentrancy.declared-policy',
    title: 'two concurrent calls into one instance, both waiting on gates, behave as the declared reentrancy policy says',
    requirement: 'CONC-REENTRANCY',
    async run(ctx) {
      const instance = await ctx.instantiate(ORDER);
      const policy = ctx.adapter.features.reentrancy;
      const first = startCall(instance, 'wait', [i32(1)], { results: ['i32'], deadlineMs: 10_000 });
      await pendingOps(instance, 1, ctx.signal);
      const second = startCall(instance, 'wait', [i32(2)], { results: ['i32'], deadlineMs: 10_000 });
      // Give the second call time to reach its gate if the runtime lets it in.
      await delay(100);
      const state = await instance.inspect();
      const parkedBoth = state.counters.pending === 2;
      const evidence = { policy, pendingWhileFirstParked: state.counters.pending, secondSettledEarly: second.settled ? outcomeToJson(second.outcome!) : null };
      const open = (gate: number) => instance.openGate(gate, gate * 10);
      if (policy === 'reject') {
        if (!second.settled) return fail('declared reject, but the second call was neither rejected nor finished', evidence);
        await open(1);
        const a = await first.promise;
        const b = second.outcome!;
        if (b.kind === 'ok') return fail('declared reject, but the second call succeeded', evidence);
        if (!b.message.trim()) return fail('the second call was rejected without a message', evidence);
        return expectOk(a, [i32(11)], evidence);
      }
      if (second.settled) return fail(`the second call ended early: ${formatOutcome(second.outcome!)}`, evidence);
      if (policy === 'interleave') {
        if (!parkedBoth) return fail('declared interleave, but the second call never parked while the first was parked', evidence);
        // Release the second first: it must finish while the first stays parked.
        await open(2);
        const b = await second.promise;
        const firstStillParked = !first.settled;
        await open(1);
        const a = await first.promise;
        if (!firstStillParked) return fail('releasing the second call also finished the first', evidence);
        return all(expectOk(b, [i32(21)], evidence), expectOk(a, [i32(11)]));
      }
      // serialise: the second call enters the guest only after the first finished.
      if (parkedBoth) return fail('declared serialise, but both calls were inside the guest at once', evidence);
      await open(1);
      const a = await first.promise;
      await pendingOps(instance, 1, ctx.signal);
      await open(2);
      return all(expectOk(a, [i32(11)], evidence), expectOk(await second.promise, [i32(21)]));
    },
  }),
  defineCase({
    id: 'concurrency.reentrancy.fifo',
    title: `${FIFO_CALLS} calls of wait(k) sent at once into one instance enter the guest in the order sent (entry marks 1..${FIFO_CALLS})`,
    requirement: 'CONC-FIFO',
    timeoutMs: 30_000,
    async run(ctx) {
      const instance = await ctx.instantiate(ORDER);
      const ids = Array.from({ length: FIFO_CALLS }, (_, i) => i + 1);
      const flights = ids.map((k) => startCall(instance, 'wait', [i32(k)], { results: ['i32'], deadlineMs: 20_000 }));
      // Open each call's gate once it waits there (serialise: one at a time; interleave: all).
      // Bounded: 15 s for 8 calls that each need one poll round.
      const opened = new Set<number>();
      const until = performance.now() + 15_000;
      let entered: number[] = [];
      while (flights.some((f) => !f.settled) && performance.now() < until && !ctx.signal.aborted) {
        const events = (await instance.inspect()).events;
        const badDetail = badMarkDetail(events);
        if (badDetail) return fail(badDetail, { policy: ctx.adapter.features.reentrancy });
        entered = events.filter((e) => e.kind === 'mark' && Number(e.detail) < 1000).map((e) => Number(e.detail));
        for (const k of entered.filter((k) => !opened.has(k))) {
          try {
            await instance.openGate(k, k);
            opened.add(k);
          } catch {
            // Marked but not yet waiting on its gate: open it on the next round.
          }
        }
        await delay(5);
      }
      const outcomes = await Promise.all(
        flights.map((f) => (f.settled ? f.outcome! : { kind: 'timeout' as const, afterMs: 15_000, message: 'still running when the case gave up' })),
      );
      entered = (await instance.inspect()).events.filter((e) => e.kind === 'mark' && Number(e.detail) < 1000).map((e) => Number(e.detail));
      const policy = ctx.adapter.features.reentrancy;
      const evidence = { policy, entered, outcomes: outcomes.map(outcomeToJson) };
      if (entered.some((k, i) => i > 0 && k <= entered[i - 1]!))
        return fail(`calls entered the guest out of the order they were sent: ${entered.join(', ')}`, evidence);
      const served = outcomes.flatMap((o, i) => (o.kind === 'ok' ? [ids[i]!] : []));
      if (policy !== 'reject' && served.length !== FIFO_CALLS)
        return fail(`declared ${policy}, but not every call was served: ${outcomes.map((o) => formatOutcome(o)).join('; ')}`, evidence);
      // wait(k) returns the gate's value + 1, and gate k was opened with k.
      const wrong = outcomes.findIndex((o, i) => o.kind === 'ok' && o.values[0]?.value !== ids[i]! + 1);
      if (wrong >= 0) return fail(`wait(${ids[wrong]}) returned ${formatOutcome(outcomes[wrong]!)}, expected ok(i32:${ids[wrong]! + 1})`, evidence);
      return pass(evidence);
    },
  }),
  defineCase({
    id: 'concurrency.gates.shuffled-release',
    title: '8 instances parked on gates, released in a shuffled order: each returns its own value, completions follow the releases',
    requirement: 'CONC-ORDER',
    async run(ctx) {
      const instances = await Promise.all(Array.from({ length: 8 }, () => ctx.instantiate(ORDER)));
      const order: number[] = [];
      const flights = instances.map((inst, i) => startCall(inst, 'wait', [i32(i)], { results: ['i32'], deadlineMs: 10_000 }));
      flights.forEach(
        (f, i) =>
          void f.promise.then(
            () => order.push(i),
            () => {},
          ),
      );
      await Promise.all(instances.map((inst) => pendingOps(inst, 1, ctx.signal)));
      const release = [5, 2, 7, 0, 3, 6, 1, 4];
      for (const i of release) {
        await instances[i]!.openGate(i, 100 + i);
        await flights[i]!.promise;
      }
      const outcomes = await Promise.all(flights.map((f) => f.promise));
      const wrong = outcomes.findIndex((o, i) => !(o.kind === 'ok' && o.values[0]?.value === 101 + i));
      const evidence = { release, completionOrder: order };
      if (wrong >= 0) return fail(`instance ${wrong} returned ${formatOutcome(outcomes[wrong]!)}`, evidence);
      return JSON.stringify(order) === JSON.stringify(release) ? pass(evidence) : fail(`completed in the order ${order.join(', ')}`, evidence);
    },
  }),
  defineCase({
    id: 'concurrency.isolation.errors-stay-put',
    title: "8 instances at once, half failing with their own code, half echoing: every outcome is the instance's own",
    requirement: 'CONC-ISOLATION',
    async run(ctx) {
      const instances = await Promise.all(Array.from({ length: 8 }, () => ctx.instantiate('propagation/errors.wat')));
      const outcomes = await Promise.all(
        instances.map((inst, i) => (i % 2 ? call(inst, 'fail_after', [i32(20), i32(1000 + i)], ['i32']) : call(inst, 'echo', [i32(i)], ['i32']))),
      );
      for (const [i, o] of outcomes.entries()) {
        const ok = i % 2 ? o.kind === 'host-error' && o.code === 1000 + i : o.kind === 'ok' && o.values[0]?.value === i;
        if (!ok) return fail(`instance ${i} got ${formatOutcome(o)}`, { outcomes: outcomes.map(outcomeToJson) });
      }
      return pass({ instances: 8 });
    },
  }),
  defineCase({
    id: 'concurrency.instances.mixed-io',
    title: 'file reads, slow HTTP requests and sleeps in 6 instances at once each deliver their own bytes',
    requirement: 'CONC-ISOLATION',
    async run(ctx) {
      const grants = { files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow: ['**'] }], http: { origins: [ctx.env.httpOrigin] } };
      const instances = await Promise.all(Array.from({ length: 6 }, () => ctx.instantiate('propagation/io.wat', { grants })));
      const jobs = instances.map(async (inst, i) => {
        const request = utf8(i % 2 ? `${ctx.env.httpOrigin}/slow/${50 + i * 10}` : i === 0 ? '/data/hello.txt' : '/data/sub/nested.txt');
        await writeGuestBytes(inst, 0, request);
        const o = await call(inst, i % 2 ? 'http_get' : 'read_file', [i32(0), i32(request.length), i32(65536)], ['i32']);
        const expected = i % 2 ? 5 : i === 0 ? 12 : 7;
        return o.kind === 'ok' && o.values[0]?.value === expected ? undefined : `instance ${i}: expected ok(${expected}), got ${formatOutcome(o)}`;
      });
      const problems = (await Promise.all(jobs)).filter(Boolean);
      return problems.length ? fail(problems[0]!, { problems }) : pass({ instances: 6 });
    },
  }),
];
