/**
 * The component-async host interface (fixtures/wit-async/awc-cma.wit, SPEC.md §14) bound to the
 * shared JS host for jco's native async glue: async JS functions (jco turns a pending Promise into
 * a STARTED subtask for an async-lowered call, or blocks the task for a sync-lowered one), every
 * one a host operation in the event log like the core host's; `ready-s32` returns its value
 * synchronously, so the guest may see RETURNED at once.
 */
import { ErrorCode } from '../../../harness/abi.ts';
import { HostError } from '../host/errors.ts';
import type { Host } from '../host/host.ts';
import type { CallTracker } from '../strategies/strategy.ts';
import { ComponentHostError } from './bindings.ts';
import { cmaStreamImports } from './stream-bindings.ts';

/** jco's key for the interface in the import object (unversioned). */
export const CMA_IMPORT_KEY = 'awc:cma/host';
/** The interface's import name as it appears in a component binary. */
export const CMA_INTERFACE = 'awc:cma/host@0.1.0';

const asErr = <T>(pending: Promise<T>): Promise<T> =>
  pending.catch((err: unknown) => {
    throw err instanceof HostError ? new ComponentHostError(err) : err;
  });

export function cmaImports(host: Host, tracker: CallTracker): Record<string, Record<string, Function>> {
  const op = <T>(fn: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> => host.operation(fn, tracker.current, work);
  const later = <T>(fn: string) => (v: T) => op(fn, async (signal) => (await host.nextTurn(signal), v));
  return {
    [CMA_IMPORT_KEY]: {
      sleep: (ms: number) => op('sleep', (signal) => host.sleep(ms, signal)),
      yieldTurn: () => op('yield-turn', (signal) => host.nextTurn(signal)),
      echoS32: later<number>('echo-s32'),
      echoS64: later<bigint>('echo-s64'),
      echoString: later<string>('echo-string'),
      readyS32: (v: number) => host.operationNow('ready-s32', tracker.current, v),
      fail: (code: number) =>
        asErr(
          op('fail', async () => {
            throw new HostError('fail', code, `fail(${code}) requested by the guest`);
          }),
        ),
      gate: (id: number) => op('gate', (signal) => host.gate(id, signal)),
      readFile: (path: string, max: number) =>
        asErr(
          op('read-file', async (signal) => {
            const bytes = await host.readGrantedFile('read-file', path, max >>> 0, signal);
            if (bytes.length > max >>> 0) throw new HostError('read-file', ErrorCode.TOO_LARGE, `the result is larger than the limit of ${max >>> 0} bytes`);
            return bytes;
          }),
        ),
      mark: (tag: number) => host.sync.mark(tag),
      ...cmaStreamImports(host, tracker, asErr),
    },
  };
}
