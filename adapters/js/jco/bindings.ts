/**
 * The component host interface (fixtures/wit/awc-host.wit) bound to the shared JS host, in the
 * shape jco's glue expects: an import object keyed by interface, camelCase function names,
 * JS strings and Uint8Arrays for string and list<u8>, and a thrown `{ payload }` for an error
 * result. Every async function runs as a host operation, so the event log and cancellation
 * work exactly as for core modules.
 */
import { ErrorCode } from '../../../harness/abi.ts';
import { DeniedError, HostError } from '../host/errors.ts';
import type { Host } from '../host/host.ts';
import type { CallTracker } from '../strategies/strategy.ts';

/** jco's key for the host interface in the import object (unversioned). */
export const HOST_IMPORT_KEY = 'awc:host/host';

/** What jco lifts into the guest's `err(host-error)`: the `payload` of what the import throws. */
export class ComponentHostError extends Error {
  override name = 'ComponentHostError';
  readonly payload: { function: string; code: number; message: string; capability?: string };
  constructor(error: HostError) {
    super(error.message);
    this.payload = { function: error.fn, code: error.code, message: error.message, ...(error instanceof DeniedError ? { capability: error.capability } : {}) };
  }
}

/** A host error becomes the guest's err(host-error); cancellation stays an exception. */
export const asErrResult = <T>(pending: Promise<T>): Promise<T> =>
  pending.catch((err: unknown) => {
    throw err instanceof HostError ? new ComponentHostError(err) : err;
  });

/** At most `max` bytes reach the guest; more is too-large, as for the core ABI's buffers. */
export function limited(fn: string, bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length > max >>> 0) throw new HostError(fn, ErrorCode.TOO_LARGE, `the result is larger than the limit of ${max >>> 0} bytes`);
  return bytes;
}

/**
 * The functions both component host interfaces (awc:host/host, §13, and awc:cma/host, §14) have,
 * with the same meaning; `op` runs one host operation charged to the call running guest code, and
 * `echo` returns its argument at once or, with `echoAfterTurn`, after a macrotask turn.
 */
export function sharedHostFunctions(host: Host, tracker: CallTracker, options: { echoAfterTurn: boolean }) {
  const op = <T>(fn: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> => host.operation(fn, tracker.current, work);
  const echo =
    <T>(fn: string) =>
    (v: T) =>
      op(fn, async (signal) => {
        if (options.echoAfterTurn) await host.nextTurn(signal);
        return v;
      });
  const functions = {
    sleep: (ms: number) => op('sleep', (signal) => host.sleep(ms, signal)),
    yieldTurn: () => op('yield-turn', (signal) => host.nextTurn(signal)),
    echoS32: echo<number>('echo-s32'),
    echoS64: echo<bigint>('echo-s64'),
    echoString: echo<string>('echo-string'),
    fail: (code: number) =>
      asErrResult(
        op('fail', async () => {
          throw new HostError('fail', code, `fail(${code}) requested by the guest`);
        }),
      ),
    gate: (id: number) => op('gate', (signal) => host.gate(id, signal)),
    readFile: (path: string, max: number) =>
      asErrResult(op('read-file', async (signal) => limited('read-file', await host.readGrantedFile('read-file', path, max >>> 0, signal), max))),
    mark: (tag: number) => host.sync.mark(tag),
  };
  return { op, echo, functions };
}

export function componentImports(host: Host, tracker: CallTracker): Record<string, Record<string, Function>> {
  const { op, echo, functions } = sharedHostFunctions(host, tracker, { echoAfterTurn: false });
  return {
    [HOST_IMPORT_KEY]: {
      ...functions,
      echoF32: echo<number>('echo-f32'),
      echoF64: echo<number>('echo-f64'),
      echoBytes: (b: Uint8Array) => op('echo-bytes', async () => new Uint8Array(b)),
      httpGet: (url: string, max: number) =>
        asErrResult(op('http-get', async (signal) => limited('http-get', await host.getGrantedUrl('http-get', url, max >>> 0, signal), max))),
      identityS32: (v: number) => host.sync.identity_i32(v),
      // Completes later although the binding is told it is synchronous (COMP-UNDECLARED-ASYNC).
      lateS32: (v: number) =>
        op('late-s32', async (signal) => {
          await host.nextTurn(signal);
          return v;
        }),
    },
  };
}
