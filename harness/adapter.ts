/**
 * The adapter contract: every runtime under test is reached through these interfaces,
 * whether it runs inside the harness's process or behind the wire protocol.
 */
import type { Outcome } from './outcome.ts';
import type { Value, ValueType } from './values.ts';
import type * as Wire from './protocol/schema.generated.ts';
import type * as ReportSchema from './report/schema.generated.ts';

// The shapes the adapter contract shares with the wire protocol and the report are generated
// from protocol.schema.json and report.schema.json (schema.generated.ts), and their field
// documentation lives there; harness/schema-agreement.ts checks that the two schemas agree.

/**
 * How the runtime turns a host promise/future into a suspended guest; `blocking-thread`: the host
 * function blocks the calling thread (a goroutine, a virtual thread) while other threads serve.
 */
export type AsyncStrategy = Wire.Strategy;
/** What cancelling a call can interrupt: nothing, only a pending host call, or running guest code too. */
export type CancellationKind = Wire.Features['cancellation'];
/** What happens to concurrent calls into one instance. */
export type ReentrancyPolicy = Wire.Features['reentrancy'];
/** What an instance does after one of its calls was cancelled. */
export type PostCancelPolicy = Wire.Features['postCancel'];

/**
 * What an adapter declares (SPEC.md §3.3; `hello`'s `features`). `postPreempt` absent means the
 * same as `postCancel` (`postPreemptPolicy`); `componentAsync` absent means false;
 * `componentAsyncLacks` absent means it lacks none.
 */
export type Features = Wire.Features;

/**
 * The features of an adapter that is unavailable (its runtime missing, its handshake failed, its
 * describe() threw): it declares nothing. `strategy` is required by both schemas but says nothing
 * here (SPEC.md §3.3).
 */
export const UNAVAILABLE_FEATURES: Readonly<Features> = Object.freeze({
  strategy: 'native-async',
  cancellation: 'none',
  fuel: false,
  memoryLimits: false,
  reentrancy: 'reject',
  postCancel: 'refused',
  coreModules: false,
  components: false,
});

/** The description of an unavailable adapter: engine unknown, UNAVAILABLE_FEATURES. */
export function unavailableDescription(id: string, reason: string, process: AdapterDescription['process']): AdapterDescription {
  return {
    id,
    available: false,
    reason,
    engine: { name: 'unknown', version: 'unknown' },
    strategy: UNAVAILABLE_FEATURES.strategy,
    features: { ...UNAVAILABLE_FEATURES },
    flags: [],
    process,
  };
}

/**
 * Feature tags a case can require. Derived from `Features` so a case names one flat string
 * and `awc list` can print it.
 */
export const FEATURE_TAGS = [
  'core-modules',
  'components',
  'cancel-at-host-call',
  'cancel-preemptive',
  'fuel',
  'memory-limits',
  // Calls into one instance may be suspended at once (gate conflicts can only happen there).
  'reentrancy-interleave',
  // The adapter cannot enforce fuel / memory limits: the cases that check it refuses them (LIMIT-UNENFORCEABLE).
  'no-fuel',
  'no-memory-limits',
  // Components with the native async ABI: async lift/lower, task.return, subtasks (SPEC.md §14).
  'component-async',
] as const;
export type FeatureTag = (typeof FEATURE_TAGS)[number];

export function featureTags(f: Features): Set<FeatureTag> {
  const tags = new Set<FeatureTag>();
  if (f.coreModules) tags.add('core-modules');
  if (f.components) tags.add('components');
  if (f.cancellation !== 'none') tags.add('cancel-at-host-call');
  if (f.cancellation === 'preemptive') tags.add('cancel-preemptive');
  if (f.fuel) tags.add('fuel');
  if (f.memoryLimits) tags.add('memory-limits');
  if (f.reentrancy === 'interleave') tags.add('reentrancy-interleave');
  if (!f.fuel) tags.add('no-fuel');
  if (!f.memoryLimits) tags.add('no-memory-limits');
  if (f.componentAsync) tags.add('component-async');
  return tags;
}

/** The policy after a preemptive stop: `postPreempt`, defaulting to `postCancel`. */
export function postPreemptPolicy(f: Features): PostCancelPolicy {
  return f.postPreempt ?? f.postCancel;
}

/**
 * An adapter's identity and declared features as the report holds it (report.schema.json
 * $defs/adapter): `reason` says why it is unavailable, `flags` are the exact engine flags
 * (provenance), `process` is in-process or the agent's command line, and `transforms` (filled in
 * by the runner) the code-size cost of load-time transformations per fixture.
 */
export type AdapterDescription = ReportSchema.Adapter;

export interface Adapter {
  readonly id: string;
  /** Must not throw: an adapter whose runtime is missing says so with available=false. */
  describe(): Promise<AdapterDescription>;
  open(env: HostEnvironment): Promise<Session>;
}

/** Resources the harness provides to every host implementation. */
export interface HostEnvironment {
  /** Origin of the harness's loopback HTTP server, e.g. http://127.0.0.1:41234 */
  httpOrigin: string;
}

/** Capability grants; everything not granted is denied. */
export type Grants = Wire.Grants;

/** Limits an instance runs under: linear memory in 64 KiB pages, fuel units before out-of-fuel. */
export type Limits = Wire.InstantiateParams['limits'];

export interface InstantiateOptions {
  grants?: Grants;
  limits?: Limits;
}

export interface CallOptions {
  /** Result types of the export, so values can be typed exactly. */
  results: ValueType[];
  /** Outcome `timeout` if the call has not finished after this many milliseconds. */
  deadlineMs?: number;
  /**
   * Aborting it cancels the call: outcome `cancelled`. Already aborted when `call` is invoked:
   * the call ends `cancelled` without entering the guest. A call waiting its turn (reentrancy
   * `serialise`) is cancelled the same way and never enters the guest; its deadline counts from
   * when `call` was invoked, the wait included.
   */
  signal?: AbortSignal;
}

/** A code transformation an adapter applied at load time (Asyncify), with the size cost. */
export type TransformEvidence = NonNullable<Wire.LoadResult['transform']>;

/**
 * A component as jco turned it into JS: the glue ES module and the core modules it asks for by
 * name. The harness transpiles (jco runs on Node); agents on other engines only run the result.
 */
export interface TranspiledComponent {
  glue: string;
  coreModules: Record<string, Uint8Array>;
  transform: TransformEvidence;
}

export interface ComponentPackage {
  /** The component binary. */
  bytes: Uint8Array;
  /** Present when the adapter's row transpiles in the harness (jco rows). */
  transpiled?: TranspiledComponent;
  /**
   * How host imports are bound: `async` (default; async imports suspend the guest) or `sync`
   * (a baseline for benchmarks: only synchronous host functions work).
   */
  bindings?: 'async' | 'sync';
}

export interface ModuleHandle {
  readonly id: string;
  readonly transform?: TransformEvidence;
}

export interface Session {
  /**
   * False once the session can no longer serve (its process died or was killed); the runner
   * then opens a fresh session for the next case. In-process sessions may omit it.
   */
  isAlive?(): boolean;
  /**
   * Why the session's process failed (crash, hang, protocol violation), once it has; the runner
   * makes the case during which it happened an `error`, even if the case saw nothing wrong.
   */
  failure?(): Promise<Error | undefined>;
  load(wasm: Uint8Array, name: string): Promise<ModuleHandle>;
  /** Loads a component; absent when the adapter takes core modules only. */
  loadComponent?(component: ComponentPackage, name: string): Promise<ModuleHandle>;
  /** Resolves to an instance, or rejects with an InstantiationFailure (a limit, a link error). */
  instantiate(module: ModuleHandle, options: InstantiateOptions): Promise<Instance>;
  /** Instantiates the module repeatedly (no grants) inside the runtime; raw samples. Absent when unsupported. */
  benchInstantiate?(module: ModuleHandle, options: Pick<BenchOptions, 'budgetMs' | 'warmupMs'>): Promise<BenchSample[]>;
  close(): Promise<void>;
}

export class InstantiationFailure extends Error {
  override name = 'InstantiationFailure';
}

/** One host event, in the order the host observed it (`op` absent for marks and gate openings). */
export type HostEvent = Wire.HostEvent;

/** Host operations of one instance: started, succeeded, failed, aborted (cancel, deadline), pending. */
export type HostCounters = Wire.InspectResult['counters'];

/**
 * An instance's host-side state: counters, the most recent events (bounded; `droppedEvents` says
 * how many older ones were discarded), and the byte length of its exported `memory` now (null
 * when it exports none).
 */
export type InstanceState = Wire.InspectResult;

export interface BenchOptions {
  results: ValueType[];
  /** Time for measured samples, after a separate warm-up. */
  budgetMs: number;
  warmupMs: number;
  /** Call the export directly instead of through the async strategy (for exports that never suspend). */
  plain?: boolean;
}

/** One raw benchmark sample: `iterations` calls of the export that took `totalNs` together. */
export type BenchSample = Wire.BenchResult['samples'][number];

export interface Instance {
  call(exportName: string, args: Value[], options: CallOptions): Promise<Outcome>;
  /**
   * Calls the export repeatedly inside the runtime's own process and returns raw samples
   * (the timing never crosses the protocol). Absent when the adapter cannot benchmark.
   */
  bench?(exportName: string, args: Value[], options: BenchOptions): Promise<BenchSample[]>;
  inspect(): Promise<InstanceState>;
  /** Subscribes to every host event as it is recorded (the protocol's host-event notifications). Optional. */
  onEvent?(listener: (event: HostEvent) => void): void;
  /** Completes the guest's pending `gate(id)` host call with `value` (see SPEC.md, host ABI). */
  openGate(id: number, value: number): Promise<void>;
  /**
   * Cancels every call of this instance still in flight (running, parked on the host or waiting
   * its turn): each ends `cancelled`, its host operations aborted as for a cancel. Then the
   * instance is gone: `call`, `inspect` and `openGate` reject with an error whose `code` is
   * `'unknown-instance'` (UnknownInstanceError in-process; the protocol's error response of that
   * code out of process). Disposing again does nothing.
   */
  dispose(): Promise<void>;
}

/** A request on an instance that was disposed (or never existed): see `Instance.dispose`. */
export class UnknownInstanceError extends Error {
  override name = 'UnknownInstanceError';
  readonly code = 'unknown-instance';
}
