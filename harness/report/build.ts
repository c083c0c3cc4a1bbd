/** Assembles a report with its provenance, and writes it only after schema validation. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeAtomic } from '../files.ts';
import { arch, cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import type { AdapterDescription } from '../adapter.ts';
import type { Evidence } from '../case.ts';
import { limitDepth } from './render/safe.ts';
import { ROOT } from '../paths.ts';
import { summarise } from './summary.ts';
import { SCHEMA_VERSION, type CaseResult, type Report } from './types.ts';
import { InvalidReportError, validateReport } from './validate.ts';

export const TOOL_NAME = 'async-wasm-conformance';
export const TOOL_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** The suite's git commit (with -dirty when the tree has changes), or null outside a checkout. */
export function gitCommit(): string | null {
  try {
    const opts = { cwd: ROOT, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const head = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}

export function machineInfo(): Report['machine'] {
  const cpuList = cpus();
  return { os: `${platform()} ${release()}`, arch: arch(), cpu: cpuList[0]?.model ?? 'unknown', cores: Math.max(1, cpuList.length), node: process.version };
}

export interface ReportInput {
  startedAt: Date;
  finishedAt: Date;
  invocation: Report['invocation'];
  adapters: AdapterDescription[];
  results: CaseResult[];
}

export function buildReport(input: ReportInput): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION, commit: gitCommit() },
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    machine: machineInfo(),
    invocation: input.invocation,
    adapters: input.adapters,
    results: input.results,
    summary: summarise(input.results),
  };
}

/**
 * The report as JSON text. Evidence nested too deep for JSON.stringify (a runtime under test can
 * produce any value) is cut at MAX_EVIDENCE_DEPTH with a marker rather than losing the report.
 * A bigint (never valid in a report) throws unless `bigintsAsStrings` (for keeping a rejected report).
 */
export function serialiseReport(report: Report, opts: { bigintsAsStrings?: boolean } = {}): string {
  const replacer = opts.bigintsAsStrings ? (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v) : undefined;
  const stringify = (r: Report) => JSON.stringify(r, replacer, 2) + '\n';
  try {
    return stringify(report);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return stringify({ ...report, results: report.results.map((r) => (r.evidence ? { ...r, evidence: limitDepth(r.evidence) as Evidence } : r)) });
  }
}

/** Validates, then writes atomically. A report the schema rejects is a harness bug: it throws. */
export async function writeReport(report: Report, path: string): Promise<void> {
  const text = serialiseReport(report);
  const check = validateReport(JSON.parse(text));
  if (!check.valid) throw new InvalidReportError(check.errors);
  await writeAtomic(path, text);
}
