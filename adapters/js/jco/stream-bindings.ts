/**
 * The component-async host functions whose values are streams (SPEC.md §14.18): `source`,
 * `sink` and the capability-checked `http-get` for jco's glue. jco 1.35 lowers a host value that
 * is an async iterable (of Uint8Array pieces) into a stream<u8> the guest reads, and lifts a
 * guest's readable end into an object whose `read({count})` resolves `{value, done}`. Each
 * function is one host operation that lasts as long as the host's end of the stream
 * (Host.openOperation): ok once every byte was handed over (or read), abort when the reader
 * drops the stream with bytes still unsent or the call is cancelled.
 */
import { ErrorCode } from '../../../harness/abi.ts';
import { HostError } from '../host/errors.ts';
import type { Host, OpenOperation } from '../host/host.ts';
import type { CallTracker } from '../strategies/strategy.ts';

/** The host produces and consumes in pieces of at most this many bytes (no read-ahead beyond one piece). */
export const PIECE = 64 * 1024;

/** Byte i of `source(n)`: ((i * 0x9E3779B1) >> 24 ^ (i >> 8)) & 0xff, the 32-bit product (stream.wat's pattern). */
export function sourceBytes(from: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) {
    const i = from + k;
    out[k] = ((Math.imul(i, 0x9e3779b1) >>> 24) ^ (i >>> 8)) & 0xff;
  }
  return out;
}

/** (length << 32) | FNV-1a-32 of bytes fed in pieces: `sink`'s answer. */
export class Summary {
  length = 0;
  hash = 0x811c9dc5;
  add(bytes: Uint8Array): void {
    let h = this.hash;
    for (let k = 0; k < bytes.length; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
    this.hash = h >>> 0;
    this.length += bytes.length;
  }
  get value(): bigint {
    return (BigInt(this.length) << 32n) | BigInt(this.hash >>> 0);
  }
}

/**
 * The host's writable end as jco takes it: an async iterable of `n` bytes in pieces. `ok` when
 * the reader asks past the last piece (the stream then ends); `abort` when jco calls `return`
 * first (the guest dropped its readable end) or the operation was cancelled.
 */
export function produce(op: OpenOperation, n: number, bytes: (from: number, length: number) => Uint8Array): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let sent = 0;
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          if (op.signal.aborted) return { done: true, value: undefined };
          if (sent >= n) {
            op.ok();
            return { done: true, value: undefined };
          }
          const length = Math.min(PIECE, n - sent);
          const value = bytes(sent, length);
          sent += length;
          return { done: false, value };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          op.abort(`the reader dropped the stream after ${sent} of ${n} bytes were produced`);
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** What jco hands the host for a guest's readable end (its `Stream` class). */
interface LiftedStream {
  read(opts: { count: number }): Promise<{ value?: Uint8Array; done: boolean }>;
  return?(): Promise<unknown>;
}

/** Settles (rejects) when `signal` aborts; owned, so never an unhandled rejection. */
function aborted(signal: AbortSignal): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  p.catch(() => {});
  return p;
}

export function cmaStreamImports(host: Host, tracker: CallTracker, asErr: <T>(p: Promise<T>) => Promise<T>): Record<string, Function> {
  return {
    source: async (n: number) => produce(host.openOperation('source', tracker.current), n >>> 0, sourceBytes),
    sink: async (s: LiftedStream) => {
      const op = host.openOperation('sink', tracker.current);
      const cancelled = aborted(op.signal);
      const summary = new Summary();
      try {
        for (;;) {
          const { value, done } = await Promise.race([s.read({ count: PIECE }), cancelled]);
          if (value) summary.add(value);
          if (done) break;
        }
      } catch (err) {
        if (!op.signal.aborted) op.error(err);
        throw err;
      }
      op.ok();
      return summary.value;
    },
    httpGet: (url: string, max: number) =>
      asErr(
        (async () => {
          const op = host.openOperation('http-get', tracker.current);
          let body: Uint8Array;
          try {
            body = await host.getGrantedUrl('http-get', url, max >>> 0, op.signal);
            if (body.length > max >>> 0) throw new HostError('http-get', ErrorCode.TOO_LARGE, `the body is larger than the limit of ${max >>> 0} bytes`);
          } catch (err) {
            if (op.signal.aborted) throw op.signal.reason;
            op.error(err);
            throw err;
          }
          return produce(op, body.length, (from, length) => body.subarray(from, from + length));
        })(),
      ),
  };
}
