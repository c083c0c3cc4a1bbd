/** JSPI: async imports wrapped in WebAssembly.Suspending, exports entered through WebAssembly.promising. */
import type { Features } from '../../../harness/adapter.ts';
import { HOST_FUNCTIONS, HOST_MODULE, type HostFunctionName } from '../../../harness/abi.ts';
import type { Host, Raw } from '../host/host.ts';
import { suspendingFeatures, type CallTracker, type Strategy } from './strategy.ts';

export const JSPI_FEATURES: Features = suspendingFeatures('jspi');

export const jspiAvailable = (): boolean => typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

/** One promising wrapper per export, made once: wrapping on every call would be measured as call cost. */
const wrappers = new WeakMap<Function, (...args: unknown[]) => Promise<unknown>>();

export const jspi: Strategy = {
  name: 'jspi',
  imports(host: Host, tracker: CallTracker): WebAssembly.Imports {
    const module: Record<string, unknown> = { ...host.sync };
    for (const [name, sig] of Object.entries(HOST_FUNCTIONS)) {
      if (!sig.async) continue;
      if ('plain' in sig) {
        // No promise: what JSPI does with a plain value is what SUSP-READY-PLAIN reports.
        module[name] = new WebAssembly.Suspending((...args: Raw[]) => host.invokePlain(name as HostFunctionName, args));
        continue;
      }
      module[name] = new WebAssembly.Suspending((...args: Raw[]) => {
        const callId = tracker.current;
        // Restore the owner before the guest resumes. With several calls interleaving in one
        // instance another resumption can run first; a single call per instance is exact.
        return host.invokeAsync(name as HostFunctionName, args, callId).finally(() => {
          tracker.current = callId;
        });
      });
    }
    return { [HOST_MODULE]: module as WebAssembly.ModuleImports };
  },
  // Unwrapped: V8 throws a SuspendError when the nested call tries to suspend through this frame.
  callSync(exported, args) {
    return exported(...args);
  },
  start(exported, args, tracker, callId) {
    let promising = wrappers.get(exported);
    if (!promising) {
      promising = WebAssembly.promising(exported);
      wrappers.set(exported, promising);
    }
    const previous = tracker.current;
    tracker.current = callId;
    try {
      // Runs synchronously until the first suspension.
      return promising(...args);
    } finally {
      tracker.current = previous;
    }
  },
};
