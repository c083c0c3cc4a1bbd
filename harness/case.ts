/** What a conformance case is, and what it gets to work with. */
import type { AdapterDescription, FeatureTag, Instance, InstantiateOptions, Session } from './adapter.ts';

export const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
export type Level = (typeof LEVELS)[number];

/** JSON-serialisable facts that back a verdict (expected vs actual, host events, sizes). */
export type Evidence = Record<string, unknown>;

export type Verdict = { pass: true; evidence?: Evidence } | { pass: false; message: string; evidence?: Evidence };

/** Resources the harness sets up once per run for host functions to reach. */
export interface HarnessEnvironment {
  /** Loopback HTTP server, e.g. http://127.0.0.1:41234 (routes: SPEC.md §2.5). */
  httpOrigin: string;
  /** Paths the loopback server has been asked for so far, in order. */
  httpRequests: readonly string[];
  /** Paths of /slow/MS requests the client abandoned before the answer (the loopback server's `abandoned`). */
  httpAbandoned?: readonly string[];
  /** Host directory with the data files of SPEC.md §2.4, mounted at /data by the usual grant. */
  dataDir: string;
}

export interface PropertySettings {
  /** Generated programs per property. */
  runs: number;
  /** fast-check seed; the same seed gives the same programs. */
  seed: number;
  /** fast-check path, to replay one counterexample. */
  path?: string;
  /** The flags that make an adapter known to a rerun (its --adapter-cmd, --config or --plugin), for the printed replay line. */
  rerunFlags?: (adapterId: string) => string[];
}

export interface CaseContext {
  adapter: AdapterDescription;
  session: Session;
  env: HarnessEnvironment;
  /** Loads a fixture (path under fixtures/) and instantiates it; disposed when the case ends. */
  instantiate(fixture: string, options?: InstantiateOptions): Promise<Instance>;
  /** Loads a component fixture (fixtures/components/*.wat with its WIT world) and instantiates it. */
  instantiateComponent(fixture: string, options?: InstantiateOptions): Promise<Instance>;
  /**
   * Same for wasm built by the case itself. `oneOff`: a program generated for this run only; its
   * transform is not recorded in the report (there would be one per generated program).
   */
  instantiateWasm(wasm: Uint8Array, name: string, options?: InstantiateOptions & { oneOff?: boolean }): Promise<Instance>;
  /** Settings for property cases (awc run --runs/--seed). */
  properties: PropertySettings;
  /** Aborted when the case's own timeout passes: long loops in a case should stop. */
  signal: AbortSignal;
}

/** A requirement of SPEC.md: what cases check, at a level, in a section. */
export interface Requirement {
  id: string;
  level: Level;
  section: string;
  text: string;
}

export interface Case {
  /** Dotted, stable, unique: suite.group.name */
  id: string;
  suite: string;
  title: string;
  /** Requirement id in SPEC.md, e.g. PROP-ECHO-I64 */
  requirement: string;
  level: Level;
  requires: FeatureTag[];
  /**
   * Native-async built-ins and lift styles the case's fixture uses (SPEC.md §3.3): the case is
   * `unsupported` on an adapter whose `componentAsyncLacks` names one of them.
   */
  builtins?: string[];
  /**
   * The case draws from the run's property seed and number of runs (generated programs): its
   * reproduce line carries --seed and --runs, and `awc run` prints the seed.
   */
  seeded?: boolean;
  /** Overrides the runner's per-case timeout. */
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<Verdict>;
}
