/** How a JS engine suspends a guest on a host promise: JSPI, Asyncify (and jco later). */
import type { AsyncStrategy, Features, TransformEvidence } from '../../../harness/adapter.ts';
import type { Host } from '../host/host.ts';

/**
 * Per-instance strategy state. `current` is the call running guest code right now, so a host
 * operation can be charged to the call that made it (cancelling one call aborts only its own).
 */
export interface CallTracker {
  current: number | null;
}

export interface Strategy {
  readonly name: AsyncStrategy;
  /** Load-time rewrite of the module (Asyncify instruments it); absent: the bytes are used as they are. */
  prepare?(wasm: Uint8Array): Promise<{ wasm: Uint8Array; transform?: TransformEvidence }>;
  /** The import object for a module importing the host ABI, bound to this instance's host. */
  imports(host: Host, tracker: CallTracker): WebAssembly.Imports;
  /** Called once the instance exists (Asyncify needs its exports and memory). */
  bind?(instance: WebAssembly.Instance, tracker: CallTracker): void;
  /** Runs an export as call `callId`; resolves with the raw JS result. */
  start(exported: Function, args: unknown[], tracker: CallTracker, callId: number): Promise<unknown>;
  /**
   * Runs an export to completion before returning, from inside a synchronous host function
   * (SPEC.md §5.5): if it tries to suspend, it must throw, never return a made-up value.
   */
  callSync(exported: Function, args: unknown[], tracker: CallTracker): unknown;
}

/**
 * What JSPI and Asyncify both offer: neither can abort a suspended stack, so only a call parked
 * on the host can be cancelled (its pending host promise is rejected); suspended calls into one
 * instance interleave, and a cancelled call leaves the instance usable.
 */
export const suspendingFeatures = (strategy: AsyncStrategy): Features => ({
  strategy,
  cancellation: 'at-host-call',
  fuel: false,
  memoryLimits: false,
  reentrancy: 'interleave',
  postCancel: 'reusable',
  coreModules: true,
  components: false,
});
