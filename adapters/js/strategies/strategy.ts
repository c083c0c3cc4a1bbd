/** How a JS engine suspends a guest on a host promise: JSPI, Asyncify (and jco later). */
import type { AsyncStrategy, TransformEvidence } from '../../../harness/adapter.ts';
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
