/* Generated from reports/report.schema.json by scripts/gen-schema-types.ts (npm run gen:types): do not edit. */

/**
 * the same as the protocol's $defs/strategy
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "strategy".
 */
export type Strategy = 'jspi' | 'asyncify' | 'jco-jspi' | 'native-async' | 'blocking-thread';
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "result".
 */
export type Result = {
  caseId: string;
  adapterId: string;
  suite: string;
  requirement: string;
  level: Level;
  status: Status;
  durationMs: number;
  message?: string;
  evidence?: {
    [k: string]: unknown;
  };
  reproduce?: string;
};
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "level".
 */
export type Level = 'MUST' | 'SHOULD' | 'MAY';
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "status".
 */
export type Status =
  'pass' | 'fail' | 'expected-fail' | 'unexpected-pass' | 'unsupported' | 'unavailable' | 'timeout' | 'error' | 'skipped';
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "benchmark".
 */
export type Benchmark = {
  benchmarkId: string;
  adapterId: string;
  title: string;
  status: 'measured' | 'unsupported' | 'unavailable' | 'error';
  message?: string;
  unit: 'ns/op';
  opsPerIteration?: number;
  summary?: {
    n: number;
    median: number;
    mad: number;
    /**
     * @minItems 2
     * @maxItems 2
     */
    ci95: [number, number];
    outliers: number;
    min: number;
    max: number;
  };
  /**
   * median / median of the same adapter's sync-import floor
   */
  ratioToFloor?: number;
  /**
   * bytes one operation moves (stream benchmarks)
   */
  bytesPerOp?: number;
  /**
   * bytesPerOp / median ns per operation * 1000: MB (10^6 bytes) per second at the median
   */
  mbPerSecond?: number;
  /**
   * id of the benchmark of the same work on another ABI (sync-ABI component, core module), to read beside this one
   */
  nextTo?: string;
  /**
   * raw samples, ns per operation, all runs pooled
   */
  samples?: number[];
  /**
   * median of each independent run (fresh session/process), ns per operation: the unit awc compare tests
   */
  runMedians?: number[];
};

/**
 * One run of the conformance suite: provenance, every adapter's identity and features, every case's result with evidence, and totals.
 */
export interface Report {
  schemaVersion: '0.1.0';
  tool: {
    name: 'async-wasm-conformance';
    version: string;
    /**
     * git commit of the suite, null when not run from a git checkout
     */
    commit: string | null;
  };
  startedAt: string;
  finishedAt: string;
  machine: {
    os: string;
    arch: string;
    cpu: string;
    cores: number;
    node: string;
  };
  invocation: {
    argv: string[];
    /**
     * this report holds shard index of count (awc run --shard i/n); absent for a whole run
     */
    shard?: {
      index: number;
      count: number;
    };
    filters: {
      adapters: string[];
      suites: string[];
      case: string | null;
    };
  };
  adapters: Adapter[];
  results: Result[];
  /**
   * Benchmark results (awc bench); absent from conformance-only runs.
   */
  benchmarks?: Benchmark[];
  summary: {
    total: number;
    byStatus: StatusCounts;
    byLevel: {
      MUST: StatusCounts;
      SHOULD: StatusCounts;
      MAY: StatusCounts;
    };
  };
}
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "adapter".
 */
export interface Adapter {
  id: string;
  available: boolean;
  reason?: string;
  engine: {
    name: string;
    version: string;
  };
  strategy: Strategy;
  features: Features;
  flags: string[];
  /**
   * load-time code transformations (Asyncify) per fixture: original and transformed size
   */
  transforms?: {
    module: string;
    name: string;
    originalBytes: number;
    transformedBytes: number;
  }[];
  process:
    | 'in-process'
    | {
        /**
         * @minItems 1
         */
        command: [string, ...string[]];
      };
}
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "features".
 */
export interface Features {
  strategy: Strategy;
  cancellation: 'none' | 'at-host-call' | 'preemptive';
  fuel: boolean;
  memoryLimits: boolean;
  reentrancy: 'reject' | 'serialise' | 'interleave';
  postCancel: 'reusable' | 'refused';
  /**
   * After a call was stopped by preemption (running guest code interrupted). Optional; absent means the same as postCancel. Only meaningful with cancellation preemptive.
   */
  postPreempt?: 'reusable' | 'refused';
  coreModules: boolean;
  components: boolean;
  componentAsync?: boolean;
  componentAsyncLacks?: string[];
}
/**
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "statusCounts".
 */
export interface StatusCounts {
  [k: string]: number;
}
