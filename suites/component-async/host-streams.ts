/**
 * Streams across the embedder boundary (SPEC.md §14.18): a stream<u8> whose other end the HOST
 * holds — `source(n)` (the host writes), `sink(s)` (the host reads), the capability-checked
 * `http-get` (the response body as a stream). The guest (fixtures/component-async/host-stream.wat)
 * checks every byte and reports the first step that went wrong; the host's event log shows how
 * its end of the stream ended.
 */
import type { HostEvent, Instance } from '../../harness/adapter.ts';
import type { Case, CaseContext, Verdict } from '../../harness/case.ts';
import { all, expectDenied, expectHostError, expectNamesCapability, expectOk, fail, pass } from '../../harness/check.ts';
import { ErrorCode } from '../../harness/abi.ts';
import { patternBytes as httpBytes } from '../../harness/env/http-server.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32, i64 } from '../../harness/values.ts';
import { waitFor } from '../../harness/wait.ts';
import { summary } from '../components/shared.ts';
import { utf8, writeGuestBytes } from '../define.ts';
import { cmaCase, guestVerdict, start, u32 } from './shared.ts';

export const HOST_STREAM_GUEST = 'component-async/host-stream.wat';

const KIB = 1024;
const MIB = 1024 * KIB;
/** Generous (shared machines; jco copies bytes one by one): catches a stream that stalls, not a slow one. */
const BIG_MS = 90_000;
/** How long the host may take to log the end of its stream operation after the guest's call ended. */
const LOG_MS = 2_000;

/** Byte i of every pattern stream: ((i × 0x9E3779B1) >> 24) ^ (i >> 8), low 8 bits (the 32-bit product). */
export function streamPattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((Math.imul(i, 0x9e3779b1) >>> 24) ^ (i >>> 8)) & 0xff;
  return out;
}

/** What each step of the guest's reading checks (source-read, early-drop, http-staged). */
const READ_STEPS: Record<number, string> = {
  1: "the guest got an event other than its stream's STREAM_READ (the code seen)",
  2: 'a read ended other than COMPLETED or DROPPED',
  3: 'a read moved more bytes than it asked for',
  4: 'a byte arrived wrong (at the stream offset seen)',
  5: 'the stream carried more bytes than the host was asked for (the count seen)',
  6: '1000 reads in a row completed with no bytes: the stream makes no progress',
  7: 'a SUBTASK event named another subtask (the index seen)',
  8: 'the zero-length read did not end COMPLETED with 0 bytes (a zero-length read moves no data)',
};
/** The guest's steps writing into the host's sink (the error's high half is 0xffff0000 | step). */
const SINK_STEPS: Record<number, string> = {
  1: 'sink returned before the guest dropped its writable end (bytes written so far seen): the host did not wait for the end of the stream',
  2: 'a write ended other than COMPLETED (DROPPED: the host dropped its readable end early)',
  3: 'a write reported more progress than it offered',
  6: '1000 writes in a row completed with no progress',
  7: "the guest got an event other than its stream's STREAM_WRITE or its subtask's",
  8: "sink's subtask returned at once, before any byte was written",
};

const SIZES: { id: string; n: number; chunk: number; title: string }[] = [
  { id: '0', n: 0, chunk: 1, title: '0 bytes: the first read reports DROPPED' },
  { id: '1', n: 1, chunk: 1, title: '1 byte' },
  { id: '4k', n: 4 * KIB, chunk: 4 * KIB, title: '4 KiB in copies of at most 4 KiB' },
  { id: '64k-partial', n: 64 * KIB, chunk: 1000, title: '64 KiB in copies of at most 1000 bytes (partial copies)' },
  { id: '16m', n: 16 * MIB, chunk: MIB, title: '16 MiB in copies of at most 1 MiB' },
];

/** The host operations of function `fn`, waited for (bounded) until every one of them ended. */
async function ended(
  instance: Instance,
  fn: string,
  signal: AbortSignal,
): Promise<{ events: HostEvent[]; pending: number } | { error: string; events: HostEvent[] }> {
  let last: HostEvent[] = [];
  try {
    return await waitFor(
      `the host's ${fn} operation to end`,
      async () => {
        const state = await instance.inspect();
        last = state.events.filter((e) => e.fn === fn);
        const starts = last.filter((e) => e.kind === 'start').length;
        const ends = last.filter((e) => e.kind === 'ok' || e.kind === 'error' || e.kind === 'abort').length;
        return starts > 0 && ends >= starts ? { events: last, pending: state.counters.pending } : undefined;
      },
      LOG_MS,
      signal,
    );
  } catch (err) {
    return { error: (err as Error).message, events: last };
  }
}

/** Requires the log of `fn` to be exactly one operation: start, then `end`; nothing pending. */
async function expectOneOp(instance: Instance, fn: string, end: 'ok' | 'abort', signal: AbortSignal): Promise<Verdict> {
  const log = await ended(instance, fn, signal);
  const kinds = log.events.map((e) => e.kind);
  const evidence = { [`${fn}Events`]: log.events };
  if ('error' in log)
    return fail(`the host's ${fn} operation never ended (log ${JSON.stringify(kinds)}): the host's end of the stream is still open`, evidence);
  if (kinds.length !== 2 || kinds[0] !== 'start' || kinds[1] !== end)
    return fail(`the host logged ${fn} as ${JSON.stringify(kinds)}, expected ["start", "${end}"]`, evidence);
  if (log.pending !== 0) return fail(`${log.pending} host operation(s) still pending after ${fn} ended`, evidence);
  return pass(evidence);
}

const callU64 = (instance: Instance, name: string, n: number, chunk: number): Promise<Outcome> =>
  start(instance, name, [u32(n), u32(chunk)], { results: ['i64'], deadlineMs: n > MIB ? BIG_MS : 10_000 }).promise;

/** Stages `url` in the guest and calls its async http-staged (ok: (length << 32) | FNV-1a of the body). */
async function getStaged(instance: Instance, url: string, max: number): Promise<Outcome> {
  const bytes = utf8(url);
  await writeGuestBytes(instance, 0, bytes, 'stage');
  return instance.call('http-staged', [i32(bytes.length), i32(max)], { results: ['i64'], deadlineMs: 10_000 });
}

const requestsTo = (ctx: CaseContext, path: string) => ctx.env.httpRequests.filter((r) => r === path).length;

export const componentAsyncHostStreamCases: Case[] = [
  ...SIZES.map((s) =>
    cmaCase(HOST_STREAM_GUEST, {
      id: `component-async.host-stream.source-${s.id}`,
      title: `a stream<u8> the host writes (source(${s.n})), read by the guest: ${s.title}; every byte intact and in order, each read at most what it asked for, DROPPED after the last byte, and the host's operation logged start then ok`,
      requirement: 'CMA-HOST-STREAM-SOURCE',
      ...(s.n > MIB ? { timeoutMs: BIG_MS + 10_000 } : {}),
      async run(ctx) {
        const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST);
        const outcome = await callU64(instance, 'source-read', s.n, s.chunk);
        const verdict = guestVerdict(outcome, READ_STEPS, [1, 4, 5, 6, 7]);
        const evidence = { n: s.n, chunk: s.chunk, outcome: outcomeToJson(outcome) };
        if ('error' in verdict) return fail(`source-read(${s.n}, ${s.chunk}): ${verdict.error}`, evidence);
        if (verdict.ok !== s.n) return fail(`source-read(${s.n}, ${s.chunk}): the stream ended (DROPPED) after ${verdict.ok} of ${s.n} bytes`, evidence);
        return all(pass(evidence), await expectOneOp(instance, 'source', 'ok', ctx.signal));
      },
    }),
  ),
  ...SIZES.map((s) =>
    cmaCase(HOST_STREAM_GUEST, {
      id: `component-async.host-stream.sink-${s.id}`,
      title: `a stream<u8> the guest writes and the host reads (sink): ${s.title}; sink returns only after the guest dropped its writable end, with (length << 32) | FNV-1a of exactly the bytes written, and the host's operation logged start then ok`,
      requirement: 'CMA-HOST-STREAM-SINK',
      ...(s.n > MIB ? { timeoutMs: BIG_MS + 10_000 } : {}),
      async run(ctx) {
        const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST);
        const outcome = await callU64(instance, 'sink-write', s.n, s.chunk);
        const evidence = { n: s.n, chunk: s.chunk, outcome: outcomeToJson(outcome) };
        const raw = outcome.kind === 'ok' && outcome.values.length === 1 ? outcome.values[0]!.value : undefined;
        if (typeof raw !== 'bigint') return fail(`sink-write(${s.n}, ${s.chunk}) ended ${formatOutcome(outcome)}`, evidence);
        const got = BigInt.asUintN(64, raw);
        if (got >> 48n === 0xffffn) {
          const step = Number((got >> 32n) & 0xffffn);
          return fail(
            `sink-write(${s.n}, ${s.chunk}): step ${step}: ${SINK_STEPS[step] ?? 'unknown step'} (saw 0x${(got & 0xffffffffn).toString(16)})`,
            evidence,
          );
        }
        const want = summary(streamPattern(s.n));
        if (got !== want)
          return fail(
            `sink returned length ${got >> 32n}, hash 0x${(got & 0xffffffffn).toString(16)}; the guest wrote ${s.n} bytes, hash 0x${(want & 0xffffffffn).toString(16)}: the host did not receive exactly the bytes written`,
            evidence,
          );
        return all(pass(evidence), await expectOneOp(instance, 'sink', 'ok', ctx.signal));
      },
    }),
  ),
  cmaCase(HOST_STREAM_GUEST, {
    id: 'component-async.host-stream.zero-length-read',
    title:
      'a zero-length read of a host-written stream (source(4096)) moves no data: it ends COMPLETED with 0 bytes, at once or by its event, and the reads after it get all 4096 bytes from the first',
    requirement: 'CMA-HOST-STREAM-ZERO-LENGTH',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST);
      const outcome = await callU64(instance, 'zero-then-read', 4 * KIB, 1000);
      const verdict = guestVerdict(outcome, READ_STEPS, [1, 4, 5, 6, 7]);
      const evidence = { outcome: outcomeToJson(outcome) };
      if ('error' in verdict) return fail(`zero-then-read(4096, 1000): ${verdict.error}`, evidence);
      if (verdict.ok !== 4 * KIB) return fail(`zero-then-read(4096, 1000): the stream ended after ${verdict.ok} of 4096 bytes`, evidence);
      return all(pass(evidence), await expectOneOp(instance, 'source', 'ok', ctx.signal));
    },
  }),
  cmaCase(HOST_STREAM_GUEST, {
    id: 'component-async.host-stream.early-drop',
    title:
      'the guest reads 4 KiB of a 1 MiB host source and drops the readable end: the host sees it, stops producing, and logs the operation as abort (not ok) within 2 s, with nothing pending',
    requirement: 'CMA-HOST-STREAM-DROP',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST);
      const outcome = await callU64(instance, 'early-drop', MIB, 4 * KIB);
      const verdict = guestVerdict(outcome, READ_STEPS, [1, 4, 5, 6, 7]);
      const evidence = { outcome: outcomeToJson(outcome) };
      if ('error' in verdict) return fail(`early-drop: ${verdict.error}`, evidence);
      if (verdict.ok < 1 || verdict.ok > 4 * KIB) return fail(`early-drop: the guest's one read took ${verdict.ok} bytes, expected 1..4096`, evidence);
      return all(pass(evidence), await expectOneOp(instance, 'source', 'abort', ctx.signal));
    },
  }),
  cmaCase(HOST_STREAM_GUEST, {
    id: 'component-async.host-stream.cancel-mid-stream',
    title:
      'the embedder cancels a call whose task holds a host source stream it has read 4 KiB of (parked on a gate): outcome cancelled, and the host aborts the stream operation (source logged start then abort within 2 s), nothing pending',
    requirement: 'CMA-HOST-STREAM-CANCEL',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST);
      const controller = new AbortController();
      const flight = start(instance, 'read-then-park', [u32(MIB), u32(4 * KIB)], { results: ['i64'], signal: controller.signal });
      const parked = await waitFor(
        'the guest parked on its gate with the stream open',
        async () => (flight.settled || (await instance.inspect()).events.some((e) => e.fn === 'gate' && e.kind === 'start') ? true : undefined),
        10_000,
        ctx.signal,
      ).then(
        () => undefined,
        (err: Error) => err.message,
      );
      if (parked) return fail(`read-then-park: ${parked}`);
      if (flight.settled) return fail(`read-then-park ended before the cancel: ${formatOutcome(flight.outcome!)}`, { outcome: outcomeToJson(flight.outcome!) });
      controller.abort();
      const outcome = await flight.promise;
      if (outcome.kind !== 'cancelled')
        return fail(`the cancelled call ended ${formatOutcome(outcome)}, expected cancelled`, { outcome: outcomeToJson(outcome) });
      return expectOneOp(instance, 'source', 'abort', ctx.signal);
    },
  }),
  cmaCase(HOST_STREAM_GUEST, {
    id: 'component-async.host-stream.http-granted',
    title:
      'http-get of a granted origin: the request reaches the loopback server once and the 70 001-byte body arrives intact through the stream (read in 4 KiB copies); the host logs start then ok',
    requirement: 'CMA-HOST-STREAM-HTTP',
    async run(ctx) {
      const path = '/bytes/70001';
      const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      const before = requestsTo(ctx, path);
      const outcome = await getStaged(instance, `${ctx.env.httpOrigin}${path}`, 1 << 20);
      const seen = requestsTo(ctx, path) - before;
      return all(
        expectOk(outcome, [i64(summary(httpBytes(70_001)))]),
        seen === 1 ? pass() : fail(`the loopback server saw ${seen} request(s) for ${path}, expected 1`),
        await expectOneOp(instance, 'http-get', 'ok', ctx.signal),
      );
    },
  }),
  cmaCase(HOST_STREAM_GUEST, {
    id: 'component-async.host-stream.http-denied',
    title:
      'http-get of an origin not granted (another origin is): err(host-error) denied naming the http capability, no stream, and the request never reaches the loopback server; the host logs start then error 1',
    requirement: 'CMA-HOST-STREAM-HTTP',
    async run(ctx) {
      const path = '/bytes/70003';
      const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST, { grants: { http: { origins: ['http://127.0.0.1:1'] } } });
      const before = requestsTo(ctx, path);
      const outcome = await getStaged(instance, `${ctx.env.httpOrigin}${path}`, 1 << 20);
      const seen = requestsTo(ctx, path) - before;
      const log = (await instance.inspect()).events.filter((e) => e.fn === 'http-get').map((e) => [e.kind, e.detail]);
      return all(
        expectDenied(outcome, 'http-get'),
        expectNamesCapability(outcome, `http:${ctx.env.httpOrigin}`),
        seen === 0 ? pass() : fail(`http-get was denied but the request reached the server (${seen} request(s) for ${path})`),
        JSON.stringify(log) ===
          JSON.stringify([
            ['start', undefined],
            ['error', ErrorCode.DENIED],
          ])
          ? pass()
          : fail(`the host logged http-get as ${JSON.stringify(log)}, expected start then error 1`, { log }),
      );
    },
  }),
  cmaCase(HOST_STREAM_GUEST, {
    id: 'component-async.host-stream.http-too-large',
    title:
      'http-get of a granted 70 001-byte body with max 70 000: err(host-error) http-get TOO_LARGE (3) before any stream; with max 70 001 the body arrives whole',
    requirement: 'CMA-HOST-STREAM-HTTP',
    async run(ctx) {
      const url = `${ctx.env.httpOrigin}/bytes/70001`;
      const instance = await ctx.instantiateComponent(HOST_STREAM_GUEST, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      const small = await getStaged(instance, url, 70_000);
      const exact = await ctx.instantiateComponent(HOST_STREAM_GUEST, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      return all(expectHostError(small, 'http-get', ErrorCode.TOO_LARGE), expectOk(await getStaged(exact, url, 70_001), [i64(summary(httpBytes(70_001)))]));
    },
  }),
];
