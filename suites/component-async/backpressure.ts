/**
 * Backpressure (SPEC.md §14.9, Concurrency.md "Backpressure"): while the instance's counter is
 * above zero, new async export calls wait without entering the guest; non-async exports do not.
 */
import type { Instance } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { waitFor } from '../../harness/wait.ts';
import { delay, type Flight } from '../define.ts';
import { cmaCase, okU32, SETTLE_MS, start, u32 } from './shared.ts';

export const BACKPRESSURE_GUEST = 'component-async/backpressure.wat';

/** A generous bound for the negative check: a call wrongly let in starts its gate well within it. */
const HELD_MS = 200;

const gateStarts = async (instance: Instance) => (await instance.inspect()).events.filter((e) => e.fn === 'gate' && e.kind === 'start').length;

/** park(1) must stay outside the guest: no gate started, the call still pending. */
async function stillHeld(instance: Instance, flight: Flight, when: string): Promise<string | undefined> {
  await delay(HELD_MS);
  if (flight.settled) return `park(1) ended ${formatOutcome(flight.outcome!)} ${when}: a call under backpressure must wait, not fail or run`;
  const started = await gateStarts(instance);
  if (started !== 0) return `park(1) entered the guest ${when} (its gate started)`;
  return undefined;
}

/** After the last release: park(1) enters (bounded), and completes with the gate's value. */
async function entersAndCompletes(instance: Instance, flight: Flight, signal: AbortSignal): Promise<string | undefined> {
  const entered = await waitFor(
    'park(1) to start its gate after the release',
    async () => ((await gateStarts(instance)) > 0 ? true : undefined),
    SETTLE_MS,
    signal,
  ).catch((e: Error) => e);
  if (entered instanceof Error) return `${entered.message}${flight.settled ? `; park(1) ended ${formatOutcome(flight.outcome!)}` : ''}`;
  await instance.openGate(1, 77);
  const outcome = await flight.promise;
  return okU32(outcome) === 77 ? undefined : `park(1) returned ${formatOutcome(outcome)}, expected 77`;
}

async function call(instance: Instance, name: string): Promise<number | string> {
  const outcome = await start(instance, name, []).promise;
  return okU32(outcome) ?? `${name}() ended ${formatOutcome(outcome)}`;
}

export const componentAsyncBackpressureCases: Case[] = [
  cmaCase(BACKPRESSURE_GUEST, {
    id: 'component-async.backpressure.holds-calls',
    title: 'with backpressure raised, a new async call waits outside the guest; the non-async release() still runs, and then the call enters and completes',
    requirement: 'CMA-BACKPRESSURE',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(BACKPRESSURE_GUEST);
      const held = await call(instance, 'hold');
      if (held !== 1) return fail(`hold(): ${held}`);
      const flight = start(instance, 'park', [u32(1)]);
      const early = await stillHeld(instance, flight, 'while backpressure was raised');
      if (early) return fail(early, { events: (await instance.inspect()).events });
      // release() is not async-typed: backpressure must not hold it back; it returns how many park calls had entered (0).
      const entered = await call(instance, 'release');
      if (entered !== 0) return fail(typeof entered === 'string' ? entered : `release() saw ${entered} park call(s) already entered`);
      const late = await entersAndCompletes(instance, flight, ctx.signal);
      if (late) return fail(late, { events: (await instance.inspect()).events });
      return pass({ outcome: outcomeToJson(await flight.promise) });
    },
  }),
  cmaCase(BACKPRESSURE_GUEST, {
    id: 'component-async.backpressure.counter',
    title: 'backpressure is a counter: raised twice and lowered once, calls still wait; lowered again, they enter',
    requirement: 'CMA-BACKPRESSURE',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(BACKPRESSURE_GUEST);
      for (const _ of [1, 2]) {
        const held = await call(instance, 'hold');
        if (held !== 1) return fail(`hold(): ${held}`);
      }
      const flight = start(instance, 'park', [u32(1)]);
      const first = await call(instance, 'release');
      if (first !== 0) return fail(typeof first === 'string' ? first : `after one release of two, ${first} park call(s) had entered`);
      const early = await stillHeld(instance, flight, 'after one release of two');
      if (early) return fail(early, { events: (await instance.inspect()).events });
      const second = await call(instance, 'release');
      if (typeof second === 'string') return fail(second);
      const late = await entersAndCompletes(instance, flight, ctx.signal);
      if (late) return fail(late, { events: (await instance.inspect()).events });
      return pass({ outcome: outcomeToJson(await flight.promise) });
    },
  }),
];
