/**
 * The report's shape, generated from reports/report.schema.json (schema.generated.ts), with the
 * run-time lists the code needs; harness/schema-agreement.ts checks that the two agree.
 */
import type { Level } from '../case.ts';
import type * as ReportSchema from './schema.generated.ts';

export const SCHEMA_VERSION: ReportSchema.Report['schemaVersion'] = '0.1.0';

export const STATUSES = ['pass', 'fail', 'expected-fail', 'unexpected-pass', 'unsupported', 'unavailable', 'timeout', 'error', 'skipped'] as const;
export type Status = ReportSchema.Status;

/** Statuses that count as a failure of the case's requirement. */
export const FAILING_STATUSES: ReadonlySet<Status> = new Set(['fail', 'unexpected-pass', 'timeout', 'error']);

/**
 * One case on one adapter (report.schema.json $defs/result). `reproduce` is the command line that
 * reruns just this case on just this adapter; the schema requires it and `message` unless `pass`.
 */
export type CaseResult = ReportSchema.Result;

/** Totals by status and by level; every status is counted, zero included. */
export interface Summary {
  total: number;
  byStatus: Record<Status, number>;
  byLevel: Record<Level, Record<Status, number>>;
}

/** One benchmark on one adapter (report.schema.json $defs/benchmark). */
export type BenchmarkResult = ReportSchema.Benchmark;

/** A benchmark's statistics: n, median, MAD, bootstrap 95 % interval of the median, outliers, range. */
export type BenchSummary = NonNullable<BenchmarkResult['summary']>;

/** The whole report; `summary` as above (the schema's status counts cannot say that every status is there). */
export type Report = Omit<ReportSchema.Report, 'summary'> & { summary: Summary };
