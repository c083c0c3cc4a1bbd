/**
 * future<u32> (SPEC.md §14.14, CanonicalABI.md `canon future.*`, SharedFutureImpl): a future is
 * written exactly once and read exactly once, whichever end comes first; a finished end traps on
 * a second copy; dropping a writer that never wrote traps, dropping an unread reader does not.
 * Both ends are held by the guest (fixtures/component-async/future.wat), which checks each step.
 */
import type { Case, Evidence } from '../../harness/case.ts';
import { pass } from '../../harness/check.ts';
import { cmaCase, expectGuestSteps, expectGuestTrap, expectTaskResults, SETTLE_MS, start, u32 } from './shared.ts';

export const FUTURE_GUEST = 'component-async/future.wat';

/** Values that show a truncated or sign-mangled u32: 0, all ones, the top bit alone, a mixed pattern. */
const VALUES = [0, 0xffffffff, 0x80000000, 0x12345678];

const WRITER_FIRST: Record<number, string> = {
  1: 'future.write with no reader pending did not return BLOCKED',
  2: 'future.read with the writer pending did not return COMPLETED (0) at once',
  3: 'the value read is not the value written',
  4: 'the writer got no FUTURE_WRITE event (or another event)',
  5: 'the FUTURE_WRITE event named another waitable',
  6: 'the FUTURE_WRITE event was not COMPLETED',
};
const READER_FIRST: Record<number, string> = {
  1: 'future.read with no writer pending did not return BLOCKED',
  2: 'future.write with the reader pending did not return COMPLETED (0) at once',
  3: 'the reader got no FUTURE_READ event (or another event)',
  4: 'the FUTURE_READ event named another waitable',
  5: 'the FUTURE_READ event was not COMPLETED',
  6: 'the value read is not the value written',
};
const CANCEL_STEPS: Record<number, string> = {
  1: 'future.read with no writer did not return BLOCKED',
  2: 'future.cancel-read of the blocked read did not return CANCELLED (2)',
  3: 'a write after the cancelled read did not return BLOCKED (the cancelled read still took the value)',
  4: 'a new read did not complete at once',
  5: 'the value read is not the value written',
  6: 'the writer got no FUTURE_WRITE event with COMPLETED',
  11: 'future.write with no reader did not return BLOCKED',
  12: 'future.cancel-write of the blocked write did not return CANCELLED (2)',
  13: 'a read after the cancelled write did not return BLOCKED (the cancelled write still gave its value)',
  14: 'a new write to the pending reader did not complete at once',
  15: 'the reader got no FUTURE_READ event with COMPLETED',
  16: 'the value read is not the value written',
};
const FIRST_COPY: Record<number, string> = { 1: 'the first future.write did not return BLOCKED', 2: 'the first future.read did not return COMPLETED' };

export const componentAsyncFutureCases: Case[] = [
  ...[
    { id: 'writer-first', steps: WRITER_FIRST, title: 'the writer first' },
    { id: 'reader-first', steps: READER_FIRST, title: 'the reader first' },
  ].map((t) =>
    cmaCase(FUTURE_GUEST, {
      id: `component-async.future.${t.id}`,
      title: `future<u32> within one instance, ${t.title}: the value arrives intact (0, 0xffffffff, 0x80000000, 0x12345678), the waiting end gets its COMPLETED event, and both ends then drop without a trap`,
      requirement: 'CMA-FUTURE',
      async run(ctx) {
        const instance = await ctx.instantiateComponent(FUTURE_GUEST);
        const seen: Evidence[] = [];
        for (const v of VALUES) {
          const verdict = await expectGuestSteps(instance, t.id, [u32(v)], t.steps, { rawSteps: [3, 6], value: v, evidence: { v } });
          if (!verdict.pass) return verdict;
          seen.push(verdict.evidence ?? { v });
        }
        return pass({ seen });
      },
    }),
  ),
  ...[
    { id: 'write-twice', title: 'writing a future a second time, after its value was taken, traps (written exactly once)' },
    { id: 'read-twice', title: 'reading a future a second time, after its value arrived, traps' },
    { id: 'drop-unwritten', title: 'dropping the writable end of a future that was never written traps' },
  ].map((t) =>
    cmaCase(FUTURE_GUEST, {
      id: `component-async.future.${t.id}`,
      title: t.title,
      requirement: t.id === 'drop-unwritten' ? 'CMA-FUTURE-DROP' : 'CMA-FUTURE',
      async run(ctx) {
        return expectGuestTrap(await ctx.instantiateComponent(FUTURE_GUEST), t.id, FIRST_COPY);
      },
    }),
  ),
  cmaCase(FUTURE_GUEST, {
    id: 'component-async.future.cancel-copy',
    title:
      'future.cancel-read and future.cancel-write of a blocked copy return CANCELLED, move no value, and leave the end usable: the next copies deliver the value',
    requirement: 'CMA-FUTURE-CANCEL',
    async run(ctx) {
      return expectGuestSteps(await ctx.instantiateComponent(FUTURE_GUEST), 'cancel', [u32(0x5eed)], CANCEL_STEPS, { rawSteps: [5, 16], value: 0x5eed });
    },
  }),
  cmaCase(FUTURE_GUEST, {
    id: 'component-async.future.reader-dropped',
    title:
      'dropping the readable end of a future before reading is allowed: the write then returns DROPPED, and dropping the writable end after that does not trap',
    requirement: 'CMA-FUTURE-DROP',
    async run(ctx) {
      const steps = { 1: 'future.write after the reader dropped its end did not return DROPPED (1)' };
      return expectGuestSteps(await ctx.instantiateComponent(FUTURE_GUEST), 'reader-dropped', [u32(9)], steps, { rawSteps: 'all', value: 9 });
    },
  }),
  cmaCase(FUTURE_GUEST, {
    id: 'component-async.future.across-tasks',
    title: "a task waiting (callback WAIT) on a future's FUTURE_READ event is woken by another task of the instance writing it, and returns the value written",
    requirement: 'CMA-FUTURE',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(FUTURE_GUEST);
      const waiter = start(instance, 'await-value', [], { deadlineMs: SETTLE_MS });
      const writer = start(instance, 'resolve', [u32(0xc0ffee)], { deadlineMs: SETTLE_MS });
      const [wo, ro] = await Promise.all([waiter.promise, writer.promise]);
      const errors: Record<number, string> = {
        1: 'resolve never saw the future',
        2: 'the write to a pending reader did not complete at once',
        3: 'await-value got an event other than FUTURE_READ',
        4: 'the FUTURE_READ event was not COMPLETED',
        5: 'the first read did not return BLOCKED',
      };
      return expectTaskResults(
        [
          { who: 'await-value', outcome: wo, expected: 0xc0ffee },
          { who: 'resolve', outcome: ro, expected: 0 },
        ],
        errors,
      );
    },
  }),
];
