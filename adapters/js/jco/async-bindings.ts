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
import { asErrResult, sharedHostFunctions } from './bindings.ts';
import { cmaStreamImports } from './stream-bindings.ts';
import { jsExportName } from './instance.ts';

/**
 * The instance's own exports, set once jco's instantiate returned: the reentry functions
 * (SPEC.md §14.15) call them. Unset (or an export missing): those functions fail NOT_FOUND.
 */
export interface OwnExports {
  exports?: Record<string, unknown>;
}

/** The export `name` of the instance itself, as jco names it. */
function ownExport(own: OwnExports, fn: string, name: string): Function {
  const exported = own.exports?.[jsExportName(name)];
  if (typeof exported !== 'function') throw new HostError(fn, ErrorCode.NOT_FOUND, `this host cannot call the instance's export ${JSON.stringify(name)}`);
  return exported;
}

/** jco's key for the interface in the import object (unversioned). */
export const CMA_IMPORT_KEY = 'awc:cma/host';
/** The interface's import name as it appears in a component binary. */
export const CMA_INTERFACE = 'awc:cma/host@0.1.0';

export function cmaImports(host: Host, tracker: CallTracker, own: OwnExports = {}): Record<string, Record<string, Function>> {
  // The echoes answer after a turn, so an async-lowered call sees a STARTED subtask.
  const { op, functions } = sharedHostFunctions(host, tracker, { echoAfterTurn: true });
  return {
    [CMA_IMPORT_KEY]: {
      ...functions,
      readyS32: (v: number) => host.operationNow('ready-s32', tracker.current, v),
      // Called while the instance is on the stack: jco's glue must trap the reentrant call; its
      // error is rethrown unchanged, so the guest's caller sees that trap.
      reenter: (name: string) => host.operationSync('reenter', tracker.current, () => Number(ownExport(own, 'reenter', name)()) >>> 0),
      // A turn first: the guest's task has blocked by then, so entering the instance is allowed.
      reenterAfterTurn: (name: string) =>
        op('reenter-after-turn', async (signal) => {
          await host.nextTurn(signal);
          return Number(await ownExport(own, 'reenter-after-turn', name)()) >>> 0;
        }),
      ...cmaStreamImports(host, tracker, asErrResult),
    },
  };
}
