/** The report's shape; reports/report.schema.json is the normative form of the same thing. */
import type { AdapterDescription } from '../adapter.ts';
import type { Evidence, Level } from '../case.ts';

export const SCHEMA_VERSION = '0.1.0';

export const STATUSES = ['pass', 'fail', 'expected-fail', 'unexpected-pass', 'unsupported', 'unavailable', 'timeout', 'error', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses that count as a failure of the case's requirement. */
export const FAILING_STATUSES: ReadonlySet<Status> = new Set(['fail', 'unexpected-pass', 'timeout', 'error']);

export interface CaseResult {
  caseId: string;
  adapterId: string;
  suite: string;
  requirement: string;
  level: Level;
  status: Status;
  durationMs: number;
  message?: string;
  evidence?: Evidence;
  /** Command line that reruns just this case on just this adapter. */
  reproduce?: string;
}

export interface Summary {
  total: number;
  byStatus: Record<Status, number>;
  byLevel: Record<Level, Record<Status, number>>;
}

export interface BenchmarkResult {
  benchmarkId: string;
  adapterId: string;
  title: string;
  status: 'measured' | 'unsupported' | 'unavailable' | 'error';
  message?: string;
  unit: 'ns/op';
  opsPerIteration?: number;
  summary?: { n: number; median: number; mad: number; ci95: [number, number]; outliers: number; min: number; max: number };
  ratioToFloor?: number;
  /** Bytes one operation moves (stream benchmarks). */
  bytesPerOp?: number;
  /** bytesPerOp ÷ median ns/op × 1000: MB (10^6 bytes) per second at the median. */
  mbPerSecond?: number;
  /** The benchmark of the same work on another ABI (cma.* → overhead.*), to read side by side. */
  nextTo?: string;
  samples?: number[];
  /** Median of each independent run (fresh session), the unit `awc compare` tests. */
  runMedians?: number[];
}

export interface Report {
  schemaVersion: string;
  tool: { name: string; version: string; commit: string | null };
  startedAt: string;
  finishedAt: string;
  machine: { os: string; arch: string; cpu: string; cores: number; node: string };
  invocation: { argv: string[]; shard?: { index: number; count: number }; filters: { adapters: string[]; suites: string[]; case: string | null } };
  adapters: AdapterDescription[];
  results: CaseResult[];
  benchmarks?: BenchmarkResult[];
  summary: Summary;
}
