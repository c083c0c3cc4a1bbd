/**
 * Bindings for the component-async reentrance and task-cancel cases (SPEC.md §14.15, §14.16):
 * the in-process jco adapter with one host function or call path replaced. jco 1.35.0 itself
 * lets a sync reentry run (a known defect), so the trap cases are proven on a control that traps
 * the reentrant call as a correct runtime does, and on bindings that get it wrong.
 */
import { CMA_IMPORT_KEY, type OwnExports } from '../../adapters/js/jco/async-bindings.ts';
import { defaultImports, type JcoSessionOptions } from '../../adapters/js/jco/session.ts';
import { HostError } from '../../adapters/js/host/errors.ts';
import { ErrorCode } from '../../harness/abi.ts';
import { jcoInProcess } from './broken-cma.ts';

type Imports = NonNullable<JcoSessionOptions['imports']>;
type Host = Parameters<Imports>[0];
type Tracker = Parameters<Imports>[1];

/** The default imports with some awc:cma/host functions replaced. */
function withCma(replace: (host: Host, tracker: Tracker, own: OwnExports) => Record<string, Function>): Imports {
  return (host, tracker, own) => {
    const imports = defaultImports(host, tracker, own);
    return { ...imports, [CMA_IMPORT_KEY]: { ...imports[CMA_IMPORT_KEY], ...replace(host, tracker, own) } };
  };
}

/** What a runtime that checks may-enter does: the sync reenter import is always called while its instance is on the stack, so the call into the instance traps. */
const reentryTrap = () => new WebAssembly.RuntimeError('wasm trap: cannot enter component instance');

/** The control: jco with the may-enter check done for it (the reentrant call traps; after a turn the host calls back). Must pass every CMA-REENTER case. */
export const reenterControl = jcoInProcess('control-cma-reenter', {
  imports: withCma((host, tracker) => ({
    reenter: () =>
      host.operationSync('reenter', tracker.current, () => {
        throw reentryTrap();
      }),
  })),
});

/** The reentry refused, but the trap swallowed: the guest gets 0 and carries on (CMA-REENTER's trap cases). */
export const reenterSwallowsTrap = jcoInProcess('broken-cma-reenter-swallows-trap', {
  imports: withCma((host, tracker) => ({
    reenter: () =>
      host.operationSync('reenter', tracker.current, () => {
        try {
          throw reentryTrap();
        } catch {
          return 0;
        }
      }),
  })),
});

/** A host that cannot call back into its instance at all: both reentry functions fail NOT_FOUND (CMA-REENTER's control case). */
export const reenterNoCallback = jcoInProcess('broken-cma-reenter-no-callback', {
  imports: withCma((host, tracker) => {
    const refuse = (fn: string) => new HostError(fn, ErrorCode.NOT_FOUND, 'this host cannot call back into its instance');
    return {
      reenter: () =>
        host.operationSync('reenter', tracker.current, () => {
          throw refuse('reenter');
        }),
      reenterAfterTurn: () =>
        host.operation('reenter-after-turn', tracker.current, async () => {
          throw refuse('reenter-after-turn');
        }),
    };
  }),
});
