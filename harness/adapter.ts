/**
 * The adapter contract: every runtime under test is reached through these interfaces,
 * whether it runs inside the harness's process or behind the wire protocol.
 */
import type { Outcome } from './outcome.ts';
import type { Value, ValueType } from './values.ts';

/**
 * How the runtime turns a host promise/future into a suspended guest; `blocking-thread`: the host
 * function blocks the calling thread (a goroutine, a virtual thread) while other threads serve.
 */
export type AsyncStrategy = 'jspi' | 'asyncify' | 'jco-jspi' | 'native-async' | 'blocking-thread';
/** What cancelling a call can interrupt: nothing, only a pending host call, or running guest code too. */
export type CancellationKind = 'none' | 'at-host-call' | 'preemptive';
/** What happens to concurrent calls into one instance. */
export type ReentrancyPolicy = 'reject' | 'serialise' | 'interleave';
/** What an instance does after one of its calls was cancelled. */
export type PostCancelPolicy = 'reusable' | 'refused';

export interface Features {
  strategy: AsyncStrategy;
  cancellation: CancellationKind;
  /** Fuel metering that traps with out-of-fuel. */
  fuel: boolean;
  /** The host can cap linear memory below the module's own maximum. */
  memoryLimits: boolean;
  reentrancy: ReentrancyPolicy;
  /** After a call was stopped while it awaited a host operation (cancel or deadline). */
  postCancel: PostCancelPolicy;
  /**
   * After a call was stopped by preemption: running guest code interrupted (cancel or deadline,
   * no host operation pending). Only meaningful with `cancellation: 'preemptive'`; absent means
   * the same as `postCancel` (`postPreemptPolicy`).
   */
  postPreempt?: PostCancelPolicy;
  /** Core modules / components accepted by `load`. */
  coreModules: boolean;
  components: boolean;
  /** Components using the component model's native async ABI (SPEC.md §14); absent means false. */
  componentAsync?: boolean;
  /**
   * Canonical built-ins and lift styles of the native async ABI that the runtime does not take
   * (names as in the component model's Explainer: `stream.read`, `future.new`,
   * `waitable-set.poll`, …; `async-stackful` for an async lift without a callback). A case whose
   * fixture uses one is `unsupported`, naming it (SPEC.md §3.3). Absent: lacks none.
   */
  componentAsyncLacks?: string[];
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

export interface AdapterDescription {
  id: string;
  available: boolean;
  /** Why it is unavailable (runtime missing, build failed, ...). */
  reason?: string;
  engine: { name: string; version: string };
  strategy: AsyncStrategy;
  features: Features;
  /** Exact flags the engine runs with (provenance). */
  flags: string[];
  /** In-process, or the command line of an out-of-process agent. */
  process: 'in-process' | { command: string[] };
  /** Filled in by the runner: code-size cost of load-time transformations, per fixture. */
  transforms?: (TransformEvidence & { module: string })[];
}

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
export interface Grants {
  /** read_file: a guest path prefix mounted on a host directory, with allowed glob patterns relative to the mount. */
  files?: { mount: string; hostDir: string; allow: string[] }[];
  /** http_get: exact origins (scheme://host:port) the guest may fetch from. */
  http?: { origins: string[] };
  /** call: names of generic bytes-in/bytes-out host functions the guest may invoke. */
  calls?: string[];
}

export interface Limits {
  /** Maximum linear memory in 64 KiB pages. */
  memoryPages?: number;
  /** Fuel units before out-of-fuel. */
  fuel?: number;
}

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
export interface TransformEvidence {
  name: string;
  originalBytes: number;
  transformedBytes: number;
}

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

/** One host event, in the order the host observed it. */
export interface HostEvent {
  seq: number;
  /** Host operation id (absent for marks and gate openings). */
  op?: number;
  fn: string;
  kind: 'start' | 'ok' | 'error' | 'abort' | 'mark' | 'gate-open';
  detail?: string | number;
}

export interface HostCounters {
  started: number;
  succeeded: number;
  failed: number;
  /** Operations whose abort/cleanup ran (cancellation, deadline). */
  aborted: number;
  pending: number;
}

export interface InstanceState {
  counters: HostCounters;
  /** The most recent events (bounded); `droppedEvents` says how many older ones were discarded. */
  events: HostEvent[];
  droppedEvents: number;
  /** Byte length of the instance's exported `memory` now (65536 × its pages), null when it exports none. */
  memoryBytes: number | null;
}

export interface BenchOptions {
  results: ValueType[];
  /** Time for measured samples, after a separate warm-up. */
  budgetMs: number;
  warmupMs: number;
  /** Call the export directly instead of through the async strategy (for exports that never suspend). */
  plain?: boolean;
}

/** One raw benchmark sample: `iterations` calls of the export that took `totalNs` together. */
export interface BenchSample {
  iterations: number;
  totalNs: number;
}

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
