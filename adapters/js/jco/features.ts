/** What the jco strategy declares (SPEC.md §13): components only, JSPI underneath. */
import type { Features } from '../../../harness/adapter.ts';

export const JCO_FEATURES: Features = {
  strategy: 'jco-jspi',
  // Only a pending host operation can be aborted (JSPI cannot unwind a running guest).
  cancellation: 'at-host-call',
  fuel: false,
  memoryLimits: false,
  // jco's JSPI glue takes a per-instance lock: a second call waits for the first to finish.
  reentrancy: 'serialise',
  // A component instance that trapped refuses every later call ("cannot enter component instance").
  postCancel: 'refused',
  coreModules: false,
  components: true,
  // The native async ABI of the component model through jco's own glue (SPEC.md §14).
  componentAsync: true,
};
