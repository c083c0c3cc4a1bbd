/* Generated from harness/protocol/protocol.schema.json by scripts/gen-schema-types.ts (npm run gen:types): do not edit. */

/**
 * Any line an adapter writes to stdout.
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "adapterMessage".
 */
export type AdapterMessage = Response | ErrorResponse | Notification;
/**
 * how a guest waits for an async host function: JSPI, Asyncify, jco glue over JSPI, a native async engine (futures/fibers), or blocking-thread: the host function blocks the calling thread (goroutine, virtual thread) while the runtime serves other work on other threads
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "strategy".
 */
export type Strategy = 'jspi' | 'asyncify' | 'jco-jspi' | 'native-async' | 'blocking-thread';
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "value".
 */
export type Value =
  | {
      type: 'i32';
      value: number;
    }
  | {
      type: 'i64';
      /**
       * canonical signed decimal in [-9223372036854775808, 9223372036854775807]: no sign on 0, no leading zeros, no u64 spelling
       */
      value: string;
    }
  | {
      type: 'f32';
      value?: string;
      bits: string;
    }
  | {
      type: 'f64';
      value?: string;
      bits: string;
    };
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "valueType".
 */
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64';
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "outcome".
 */
export type Outcome =
  | {
      kind: 'ok';
      values: Value[];
    }
  | {
      kind: 'trap';
      trap: TrapKind;
      /**
       * @minItems 2
       */
      candidates?: [TrapKind, TrapKind, ...TrapKind[]];
      message: string;
    }
  | {
      kind: 'host-error';
      function: string;
      code: number;
      message: string;
    }
  | {
      kind: 'denied';
      function: string;
      capability: string;
      message: string;
    }
  | {
      kind: 'cancelled';
      message: string;
    }
  | {
      kind: 'timeout';
      afterMs: number;
      message: string;
    }
  | {
      kind: 'unsupported';
      feature: string;
      message: string;
    }
  | {
      kind: 'engine-error';
      name: string;
      message: string;
    };
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "trapKind".
 */
export type TrapKind =
  | 'unreachable'
  | 'divide-by-zero'
  | 'integer-overflow'
  | 'invalid-conversion'
  | 'out-of-bounds-memory'
  | 'out-of-bounds-table'
  | 'indirect-call-null'
  | 'indirect-call-type'
  | 'stack-overflow'
  | 'out-of-fuel'
  | 'interrupted'
  | 'unknown';

/**
 * JSON lines over stdio between the harness and an out-of-process adapter. See harness/protocol/PROTOCOL.md. Every message is one of the $defs below; the harness validates each line it receives.
 */
export interface ProtocolSchema {
  [k: string]: unknown;
}
/**
 * Adapter → harness: success. The shape of result depends on the request's method ($defs/<method>Result).
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "response".
 */
export interface Response {
  id: number;
  result: {
    [k: string]: unknown;
  };
}
/**
 * Adapter → harness: the request could not be served (not a guest outcome: a trap or host error is a successful call with that outcome).
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "errorResponse".
 */
export interface ErrorResponse {
  id: number | null;
  error: {
    code:
      | 'bad-request'
      | 'unknown-method'
      | 'version-mismatch'
      | 'unknown-module'
      | 'unknown-instance'
      | 'instantiation-failed'
      | 'unsupported'
      | 'internal';
    message: string;
  };
}
/**
 * Adapter → harness, unsolicited: a host event (only after hello with events=true) or a log line.
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "notification".
 */
export interface Notification {
  method: 'host-event' | 'log';
  params: {
    [k: string]: unknown;
  };
}
/**
 * Harness → adapter.
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "request".
 */
export interface Request {
  id: number;
  method:
    'hello' | 'load' | 'instantiate' | 'call' | 'cancel' | 'inspect' | 'open-gate' | 'dispose' | 'bench' | 'bench-instantiate' | 'close';
  params: {
    [k: string]: unknown;
  };
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "helloParams".
 */
export interface HelloParams {
  protocolVersion: number;
  harness?: string;
  events?: boolean;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "helloResult".
 */
export interface HelloResult {
  protocolVersion: number;
  engine: {
    name: string;
    version: string;
  };
  strategy: Strategy;
  features: Features;
  /**
   * exact engine configuration: command-line flags of an engine process, or for an embedded engine the configuration settings the adapter applied (e.g. consume_fuel, max_wasm_stack=512KiB), one per item; empty when the engine runs with its defaults
   */
  flags: string[];
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "features".
 */
export interface Features {
  strategy: Strategy;
  /**
   * what cancelling a call can interrupt: nothing, only a pending host call, or running guest code too
   */
  cancellation: 'none' | 'at-host-call' | 'preemptive';
  /**
   * fuel metering that traps with out-of-fuel
   */
  fuel: boolean;
  /**
   * the host can cap linear memory below the module's own maximum
   */
  memoryLimits: boolean;
  /**
   * what happens to concurrent calls into one instance
   */
  reentrancy: 'reject' | 'serialise' | 'interleave';
  /**
   * what an instance does after a call was stopped while it awaited a host operation (cancel or deadline)
   */
  postCancel: 'reusable' | 'refused';
  /**
   * After a call was stopped by preemption (running guest code interrupted). Optional; absent means the same as postCancel. Only meaningful with cancellation preemptive.
   */
  postPreempt?: 'reusable' | 'refused';
  /**
   * load takes core modules
   */
  coreModules: boolean;
  /**
   * load takes components
   */
  components: boolean;
  /**
   * Takes components that use the native async ABI of the component model (SPEC.md §14: async lift and lower, task.return, waitable sets, subtasks). Optional; absent means false.
   */
  componentAsync?: boolean;
  /**
   * Canonical built-ins and lift styles of the native async ABI the runtime does not take, named as in the component model's Explainer (stream.read, future.new, waitable-set.poll, ...; async-stackful for an async lift without a callback). A case using one is unsupported, naming it (SPEC.md §3.3). Optional; absent means none.
   */
  componentAsyncLacks?: string[];
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "loadParams".
 */
export interface LoadParams {
  name: string;
  kind: 'module' | 'component';
  wasm: string;
  /**
   * A component as the harness transpiled it with jco: the glue ES module's source and its core modules (base64) by file name.
   */
  transpiled?: {
    glue: string;
    coreModules: {
      [k: string]: string;
    };
    transform: {
      name: string;
      originalBytes: number;
      transformedBytes: number;
    };
  };
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "loadResult".
 */
export interface LoadResult {
  module: string;
  transform?: {
    name: string;
    originalBytes: number;
    transformedBytes: number;
  };
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "instantiateParams".
 */
export interface InstantiateParams {
  module: string;
  grants: Grants;
  limits: {
    /**
     * maximum linear memory in 64 KiB pages
     */
    memoryPages?: number;
    /**
     * fuel units before out-of-fuel
     */
    fuel?: number;
  };
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "grants".
 */
export interface Grants {
  /**
   * read_file: a guest path prefix (mount) on a host directory, with the allowed glob patterns relative to the mount
   */
  files?: {
    mount: string;
    hostDir: string;
    allow: string[];
  }[];
  /**
   * http_get: the exact origins (scheme://host:port) the guest may fetch from
   */
  http?: {
    origins: string[];
  };
  /**
   * names of the generic bytes-in/bytes-out host functions (call) the guest may invoke
   */
  calls?: string[];
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "instantiateResult".
 */
export interface InstantiateResult {
  instance: string;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "callParams".
 */
export interface CallParams {
  instance: string;
  /**
   * Harness-chosen id, unique in the session; cancel refers to it.
   */
  call: string;
  export: string;
  args: Value[];
  results: ValueType[];
  deadlineMs?: number;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "callResult".
 */
export interface CallResult {
  outcome: Outcome;
  elapsedMs: number;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "cancelParams".
 */
export interface CancelParams {
  call: string;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "cancelResult".
 */
export interface CancelResult {
  /**
   * true when the call was in flight (read and not yet answered: waiting its turn, not yet started, or running); its call response follows, cancelled unless its outcome was already fixed. false for a call id never seen or already finished (its response is sent or on its way): not an error
   */
  found: boolean;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "inspectParams".
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "disposeParams".
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "instanceOnly".
 */
export interface InstanceOnly {
  instance: string;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "inspectResult".
 */
export interface InspectResult {
  counters: {
    started: number;
    succeeded: number;
    failed: number;
    aborted: number;
    pending: number;
  };
  events: HostEvent[];
  droppedEvents: number;
  /**
   * byte length of the instance's exported memory named "memory" now (after any growth); null when it exports none
   */
  memoryBytes: number | null;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "hostEvent".
 */
export interface HostEvent {
  seq: number;
  /**
   * host operation id; absent for marks and gate openings
   */
  op?: number;
  fn: string;
  kind: 'start' | 'ok' | 'error' | 'abort' | 'mark' | 'gate-open';
  detail?: string | number;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "open-gateParams".
 */
export interface OpenGateParams {
  instance: string;
  gate: number;
  value: number;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "open-gateResult".
 */
export interface OpenGateResult {}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "disposeResult".
 */
export interface DisposeResult {}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "benchParams".
 */
export interface BenchParams {
  instance: string;
  export: string;
  args: Value[];
  results: ValueType[];
  budgetMs: number;
  warmupMs?: number;
  /**
   * call the export directly, not through the async path (exports that never suspend)
   */
  plain?: boolean;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "benchResult".
 *
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "bench-instantiateResult".
 */
export interface BenchResult {
  /**
   * Raw samples: each one batch of `iterations` calls that took `totalNs` in all.
   */
  samples: {
    iterations: number;
    totalNs: number;
  }[];
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "bench-instantiateParams".
 */
export interface BenchInstantiateParams {
  module: string;
  budgetMs: number;
  warmupMs?: number;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "closeParams".
 */
export interface CloseParams {}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "closeResult".
 */
export interface CloseResult {}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "hostEventParams".
 */
export interface HostEventParams {
  instance: string;
  event: HostEvent;
}
/**
 * This interface was referenced by `ProtocolSchema`'s JSON-Schema
 * via the `definition` "logParams".
 */
export interface LogParams {
  message: string;
}
