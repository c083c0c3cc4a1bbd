/**
 * The component host interface (fixtures/wit/awc-host.wit) bound to the shared JS host, in the
 * shape jco's glue expects: an import object keyed by interface, camelCase function names,
 * JS strings and Uint8Arrays for string and list<u8>, and a thrown `{ payload }` for an error
 * result. Every async function runs as a host operation, so the event log and cancellation
 * work exactly as for core modules.
 */
import { HostError } from '../host/errors.ts';
import type { Host } from '../host/host.ts';
import type { CallTracker } from '../strategies/strategy.ts';

/** jco's key for the host interface in the import object (unversioned). */
export const HOST_IMPORT_KEY = 'awc:host/host';

/** What jco lifts into the guest's `err(host-error)`: the `payload` of what the import throws. */
export class ComponentHostError extends Error {
  override name = 'ComponentHostError';
  readonly payload: { function: string; code: number; message: string };
  constructor(error: HostError) {
    super(error.message);
    this.payload = { function: error.fn, code: error.code, message: error.message };
  }
}

export function componentImports(host: Host, tracker: CallTracker): Record<string, Record<string, Function>> {
  const op = <T>(fn: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> => host.operation(fn, tracker.current, work);
  const echo = <T>(fn: string) => (v: T) => op(fn, async () => v);
  return {
    [HOST_IMPORT_KEY]: {
      sleep: (ms: number) => op('sleep', (signal) => host.sleep(ms, signal)),
      yieldTurn: () => op('yield-turn', (signal) => host.nextTurn(signal)),
      echoS32: echo<number>('echo-s32'),
      echoS64: echo<bigint>('echo-s64'),
      echoF32: echo<number>('echo-f32'),
      echoF64: echo<number>('echo-f64'),
      echoString: echo<string>('echo-string'),
      echoBytes: (b: Uint8Array) => op('echo-bytes', async () => new Uint8Array(b)),
      fail: (code: number) =>
        op('fail', async () => {
          throw new HostError('fail', code, `fail(${code}) requested by the guest`);
        }).catch((err: unknown) => {
          // A host error becomes the guest's err(host-error); cancellation stays an exception.
          throw err instanceof HostError ? new ComponentHostError(err) : err;
        }),
      gate: (id: number) => op('gate', (signal) => host.gate(id, signal)),
      mark: (tag: number) => host.sync.mark(tag),
      identityS32: (v: number) => host.sync.identity_i32(v),
      // Completes later although the binding is told it is synchronous (COMP-UNDECLARED-ASYNC).
      lateS32: (v: number) => op('late-s32', async (signal) => (await host.nextTurn(signal), v)),
    },
  };
}
