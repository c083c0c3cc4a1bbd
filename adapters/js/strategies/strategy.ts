/** How a JS engine suspends a guest on a host promise: JSPI today, Asyncify and jco later. */
import type { AsyncStrategy } from '../../../harness/adapter.ts';
import type { Host } from '../host/host.ts';

/**
 * Which call is running guest code right now, so a host operation can be charged to the call
 * that made it (cancelling one call must abort only its own operations).
 */
export interface CallTracker {
  current: number | null;
}

export interface Strategy {
  readonly name: AsyncStrategy;
  /** The import object for a module importing the host ABI, bound to this instance's host. */
  imports(host: Host, tracker: CallTracker): WebAssembly.Imports;
  /** Runs an export as call `callId`; resolves with the raw JS result. */
  start(exported: Function, args: unknown[], tracker: CallTracker, callId: number): Promise<unknown>;
}
