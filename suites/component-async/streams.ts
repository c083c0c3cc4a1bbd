/**
 * stream<u8> (SPEC.md §14.13, CanonicalABI.md `canon stream.*`, SharedStreamImpl): bytes intact
 * for every size, partial copies, zero-length reads and writes as readiness, cancellation,
 * drops seen by the other end, and the traps on a finished or busy end. Both ends are held by
 * the guest (same-instance copies of a number type are allowed), so the runtime's own stream
 * machinery is judged, not an embedder API. The guest checks each step and reports the first
 * that went wrong (fixtures/component-async/stream.wat).
 */
import type { Case } from '../../harness/case.ts';
import { cmaCase, expectGuestSteps, expectGuestTrap, expectTaskResults, SETTLE_MS, start, u32 } from './shared.ts';

export const STREAM_GUEST = 'component-async/stream.wat';

/** What each step of stream.wat's `copy` checks (the guest returns (step << 32) | what it saw). */
const COPY_STEPS: Record<number, string> = {
  1: 'stream.write with no reader pending did not return BLOCKED',
  2: 'stream.read with a writer pending did not return COMPLETED',
  3: 'stream.read moved 0 bytes, or more than it asked for',
  4: 'the writer got no STREAM_WRITE event (or another event) after the reader took its bytes',
  5: 'the STREAM_WRITE event named another waitable than the writable end',
  6: 'the STREAM_WRITE event reported another progress than the bytes the reader took',
  8: 'a byte arrived wrong (at the index seen)',
  9: 'more rounds than bytes: the copy makes no progress',
  10: 'after drop-writable, stream.read did not return DROPPED (1)',
};
const ZERO_STEPS: Record<number, string> = {
  1: 'a zero-length read with no writer did not return BLOCKED',
  2: 'a write of 4 bytes to a reader waiting with a zero-length read did not return BLOCKED (a zero-length read takes no data)',
  3: 'the zero-length read got no STREAM_READ event (or another event) when the writer came',
  4: 'the STREAM_READ event named another waitable',
  5: "the zero-length read's event was not COMPLETED with 0 bytes",
  6: "the read after the readiness event did not take the writer's 4 bytes",
  7: 'those 4 bytes arrived wrong',
  8: 'the writer got no STREAM_WRITE event reporting 4 bytes',
  11: 'a zero-length write with no reader did not return BLOCKED',
  12: 'a read of 4 bytes from a zero-length writer did not return BLOCKED (a zero-length write gives no data)',
  13: 'the zero-length write got no STREAM_WRITE event (or another event) when the reader came',
  14: 'the STREAM_WRITE event named another waitable',
  15: "the zero-length write's event was not COMPLETED with 0 bytes",
  16: 'a write of 4 bytes to the pending reader did not complete at once with 4 bytes',
  17: 'the reader got no STREAM_READ event reporting 4 bytes',
  18: 'those 4 bytes arrived wrong',
};
const CANCEL_STEPS: Record<number, string> = {
  1: 'a read with no writer did not return BLOCKED',
  2: 'stream.cancel-read of the blocked read did not return CANCELLED (2) with 0 bytes',
  3: 'a write after the cancelled read did not return BLOCKED (the cancelled read still took data)',
  4: 'a new read did not take the 4 bytes',
  5: 'those 4 bytes arrived wrong',
  6: 'the writer got no STREAM_WRITE event reporting 4 bytes',
  11: 'a write with no reader did not return BLOCKED',
  12: 'stream.cancel-write of the blocked write did not return CANCELLED (2) with 0 bytes',
  13: 'a read after the cancelled write did not return BLOCKED (the cancelled write still gave data)',
  14: 'a new write did not complete at once with 4 bytes',
  16: 'the reader got no STREAM_READ event reporting 4 bytes',
  17: 'those 4 bytes arrived wrong',
};
const DROP_STEPS: Record<number, string> = {
  1: 'after the writable end was dropped, stream.read did not return DROPPED (1) with 0 bytes',
  2: 'after the readable end was dropped, stream.write did not return DROPPED (1) with 0 bytes',
};

/** What a pipe task's `0xffffff00 | step` error means (stream.wat, pipe-write / pipe-read). */
const PIPE_ERRORS: Record<number, string> = {
  1: 'the reader never saw the stream opened',
  2: 'a byte arrived wrong',
  3: "a task got an event other than its stream's",
  4: 'a read ended other than COMPLETED or DROPPED',
  5: 'a write ended other than COMPLETED',
};

const KIB = 1024;
const MIB = 1024 * KIB;

/** The sizes the requirement names, with chunks that force partial copies. */
const SIZES: { id: string; n: number; chunk: number; title: string }[] = [
  { id: '0', n: 0, chunk: 1, title: '0 bytes: no copy at all, then the drop is seen' },
  { id: '1', n: 1, chunk: 1, title: '1 byte' },
  { id: '4k', n: 4 * KIB, chunk: 4 * KIB, title: '4 KiB in one read' },
  { id: '64k-partial', n: 64 * KIB, chunk: 1000, title: '64 KiB in reads of at most 1000 bytes (66 partial copies, the last of 536)' },
  { id: '16m', n: 16 * MIB, chunk: MIB, title: '16 MiB in reads of at most 1 MiB' },
];

export const componentAsyncStreamCases: Case[] = [
  ...SIZES.map((s) =>
    cmaCase(STREAM_GUEST, {
      id: `component-async.stream.bytes-${s.id}`,
      title: `stream<u8> within one instance: ${s.title}; every byte intact, each read's progress reported to the writer, the writer re-writing the rest`,
      requirement: 'CMA-STREAM-BYTES',
      async run(ctx) {
        const instance = await ctx.instantiateComponent(STREAM_GUEST);
        return expectGuestSteps(instance, 'copy', [u32(s.n), u32(s.chunk)], COPY_STEPS, { rawSteps: [8, 9], value: s.n, evidence: { n: s.n, chunk: s.chunk } });
      },
    }),
  ),
  cmaCase(STREAM_GUEST, {
    id: 'component-async.stream.zero-length',
    title:
      'a zero-length stream.read or stream.write waits for the other end without moving data: its event is COMPLETED with 0 bytes, and the data then moves intact',
    requirement: 'CMA-STREAM-ZERO-LENGTH',
    async run(ctx) {
      return expectGuestSteps(await ctx.instantiateComponent(STREAM_GUEST), 'zero-length', [], ZERO_STEPS);
    },
  }),
  ...[
    {
      id: 'cancel-copy',
      fn: 'cancel',
      title:
        'stream.cancel-read and stream.cancel-write of a blocked copy return CANCELLED with 0 bytes and leave the end usable; the cancelled copy moves no data (an async-typed export)',
    },
    {
      id: 'cancel-in-sync-func',
      fn: 'cancel-in-sync-func',
      title:
        'the same sync cancels in a non-async export, which may not block: each completes at once (same-instance ends), so nothing blocks and nothing traps',
    },
  ].map((t) =>
    cmaCase(STREAM_GUEST, {
      id: `component-async.stream.${t.id}`,
      title: t.title,
      requirement: 'CMA-STREAM-CANCEL',
      async run(ctx) {
        return expectGuestSteps(await ctx.instantiateComponent(STREAM_GUEST), t.fn, [], CANCEL_STEPS);
      },
    }),
  ),
  cmaCase(STREAM_GUEST, {
    id: 'component-async.stream.drop-seen',
    title:
      'dropping the writable end is seen by the reader (read returns DROPPED), dropping the readable end by the writer (write returns DROPPED); neither traps',
    requirement: 'CMA-STREAM-DROP',
    async run(ctx) {
      return expectGuestSteps(await ctx.instantiateComponent(STREAM_GUEST), 'drop-seen', [], DROP_STEPS);
    },
  }),
  cmaCase(STREAM_GUEST, {
    id: 'component-async.stream.drop-members-then-set',
    title: 'dropping both ends of a stream removes them from their waitable set, so dropping that set afterwards does not trap',
    requirement: 'CMA-WAITABLE-SET-DROP',
    async run(ctx) {
      return expectGuestSteps(
        await ctx.instantiateComponent(STREAM_GUEST),
        'drop-members-then-set',
        [],
        {},
        { hint: 'a dropped end must leave its set: Waitable.drop' },
      );
    },
  }),
  ...[
    { id: 'read-after-dropped', title: 'reading again from a readable end whose read returned DROPPED traps (the end is done)' },
    { id: 'drop-while-reading', title: 'dropping a readable end while its read is in progress (BLOCKED) traps' },
  ].map((t) =>
    cmaCase(STREAM_GUEST, {
      id: `component-async.stream.${t.id}`,
      title: t.title,
      requirement: 'CMA-STREAM-DROP',
      async run(ctx) {
        const earlier = { 1: t.id === 'drop-while-reading' ? 'a read with no writer did not return BLOCKED' : DROP_STEPS[1]! };
        return expectGuestTrap(await ctx.instantiateComponent(STREAM_GUEST), t.id, earlier);
      },
    }),
  ),
  ...[
    { id: 'writer-first', writerFirst: true, n: 256 * KIB + 3, wchunk: 10_000, rchunk: 4096 },
    { id: 'reader-first', writerFirst: false, n: 64 * KIB + 1, wchunk: 65 * KIB, rchunk: 777 },
  ].map((p) =>
    cmaCase(STREAM_GUEST, {
      id: `component-async.stream.pipe-${p.id}`,
      title: `two tasks of one instance, a writer (writes of at most ${p.wchunk} bytes) and a reader (reads of at most ${p.rchunk}), ${p.n} bytes through one stream<u8>, each waiting for its stream events; the reader gets every byte in order and sees the writer's drop (${p.writerFirst ? 'writer' : 'reader'} called first)`,
      requirement: 'CMA-STREAM-TASKS',
      async run(ctx) {
        const instance = await ctx.instantiateComponent(STREAM_GUEST);
        const write = () => start(instance, 'pipe-write', [u32(p.n), u32(p.wchunk)], { deadlineMs: SETTLE_MS });
        const read = () => start(instance, 'pipe-read', [u32(p.rchunk)], { deadlineMs: SETTLE_MS });
        const [w, r] = p.writerFirst
          ? [write(), read()]
          : (() => {
              const rr = read();
              return [write(), rr];
            })();
        const [wo, ro] = await Promise.all([w.promise, r.promise]);
        return expectTaskResults(
          [
            { who: 'pipe-write', outcome: wo, expected: p.n },
            { who: 'pipe-read', outcome: ro, expected: p.n },
          ],
          PIPE_ERRORS,
        );
      },
    }),
  ),
];
