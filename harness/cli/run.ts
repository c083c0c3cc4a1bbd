/** `awc run`: select, set up the host environment, run, write a validated report, summarise. */
import { join, resolve } from 'node:path';
import type { Catalog } from '../catalog.ts';
import { createDataDir } from '../env/data-dir.ts';
import { startLoopbackServer } from '../env/http-server.ts';
import { DEFAULT_OUT_DIR } from '../paths.ts';
import { buildReport, serialiseReport, writeReport } from '../report/build.ts';
import { failingMust } from '../report/summary.ts';
import type { CaseResult } from '../report/types.ts';
import { InvalidReportError, validator } from '../report/validate.ts';
import { DEFAULT_CASE_TIMEOUT_MS, insideCase, runCases } from '../runner.ts';
import { selectAdapters, selectCases, UsageError } from '../selection.ts';
import { type Expectations, ExpectationsError, expectationsFrom } from '../expectations.ts';
import { cacheRoot } from '../cache.ts';
import { adapterSources, type AdapterSourceFlags } from './adapter-options.ts';
import { adapterLine, progressLine, summaryText } from './format.ts';
import { checkOutput, defaultOutput, describeWriteError, keepSafe } from './output.ts';
import { formatPaths, parseFormats, render } from './report.ts';
import { writeAtomic } from '../files.ts';
import { shellLine } from '../shell.ts';
import { handleInterrupts } from './signals.ts';
import { ProgressBar } from './progress-bar.ts';

export interface RunFlags extends AdapterSourceFlags {
  adapter: string[];
  suite: string[];
  case?: string;
  out?: string;
  timeout: number;
  quiet: boolean;
  allowUnavailable: boolean;
  jobs: number;
  runs: number;
  seed?: number;
  format?: string;
  /** A directory of <adapter-id>.json expectations that replace the built-in ones. */
  expectations?: string;
  /** Parsed by numbers.ts. */
  shard?: { index: number; count: number };
}

export const EXIT = { OK: 0, FAILURES: 1, USAGE: 2, INTERNAL: 3, INTERRUPTED: 130 } as const;

/**
 * The command line that reruns one case as printed: the adapter's own source (--adapter-cmd,
 * --config, --plugin), the run's --timeout when not the default, and for property cases its seed
 * and number of runs. Without `extra`, the plain form (tests, library callers).
 */
export const reproduceCommand = (adapterId: string, caseId: string, extra: string[] = []) =>
  shellLine(['npx', 'awc', 'run', ...extra, '--adapter', adapterId, '--case', caseId]);

/** Writes `text` at `path`, or when that fails in a safe temporary place; returns where it went. */
async function writeOrKeep(path: string, text: string): Promise<string> {
  try {
    await writeAtomic(path, text);
    return path;
  } catch {
    return keepSafe(path.split('/').at(-1)!, text);
  }
}

function defaultOutPath(startedAt: Date): string {
  return join(DEFAULT_OUT_DIR, `run-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
}

export async function runCommand(flags: RunFlags, argv: string[], catalog: Catalog): Promise<number> {
  const sources = await adapterSources(flags, catalog.adapters);
  const adapters = selectAdapters(sources.adapters, flags.adapter, catalog.defaultAdapterId);
  const cases = selectCases(catalog.cases, flags.suite, flags.case);
  const seeded = new Set(cases.filter((c) => c.seeded).map((c) => c.id));
  const formats = parseFormats(flags.format);
  const shard = flags.shard;
  validator();
  const startedAt = new Date();
  // Every output is checked before the first case: a run's results must never be lost to a bad path.
  // On a terminal a live progress bar stands in for the per-case pass lines (progress-bar.ts).
  const bar = ProgressBar.forTerminal();
  const log = (line: string) => (bar ? bar.log(line) : process.stderr.write(line + '\n'));
  const outPath = flags.out !== undefined ? await checkOutput(flags.out, '--out') : await defaultOutput(defaultOutPath(startedAt), log);
  const sideFiles = formatPaths(outPath, formats);
  for (const f of sideFiles) await checkOutput(f.path, `the ${f.format} file of --format`);
  let expectationsFor: ((id: string) => Promise<Expectations>) | undefined;
  try {
    if (flags.expectations !== undefined)
      expectationsFor = await expectationsFrom(
        flags.expectations,
        adapters.map((a) => a.id),
      );
  } catch (err) {
    if (err instanceof ExpectationsError) throw new UsageError(err.message);
    throw err;
  }
  const cacheNote = cacheRoot().note;
  if (cacheNote) log(cacheNote);

  // SIGINT, SIGTERM, SIGHUP: the report is written, adapters killed, temporary directories removed (signals.ts).
  const interrupts = handleInterrupts(log);

  // Safety net for the whole command: an unhandled rejection never ends the run. One from a
  // case's code is charged to that case by the runner; anything else is a warning.
  process.on('unhandledRejection', (reason: unknown) => {
    if (!insideCase()) log(`warning: an unhandled promise rejection escaped an adapter: ${(reason as Error)?.message ?? String(reason)}`);
  });
  const [server, data] = await Promise.all([startLoopbackServer(), createDataDir()]);
  // One seed for every adapter, so they all get the same generated programs.
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  log(`awc run: ${cases.length} case(s) × ${adapters.length} adapter(s)${cases.some((c) => c.seeded) ? `, property seed ${seed} × ${flags.runs} runs` : ''}`);
  let output: Awaited<ReturnType<typeof runCases>>;
  try {
    output = await runCases({
      adapters,
      cases,
      env: { httpOrigin: server.origin, httpRequests: server.requests, httpAbandoned: server.abandoned, dataDir: data.dataMount },
      caseTimeoutMs: flags.timeout,
      jobs: flags.jobs,
      properties: { runs: flags.runs, seed, rerunFlags: sources.rerunFlags },
      ...(shard ? { shard } : {}),
      ...(expectationsFor ? { expectationsFor } : {}),
      reproduce: (adapterId, caseId) => {
        const extra = [
          ...sources.rerunFlags(adapterId),
          ...(flags.expectations !== undefined ? ['--expectations', resolve(flags.expectations)] : []),
          ...(flags.timeout !== DEFAULT_CASE_TIMEOUT_MS ? ['--timeout', String(flags.timeout)] : []),
          ...(seeded.has(caseId) ? ['--seed', String(seed), '--runs', String(flags.runs)] : []),
        ];
        return reproduceCommand(adapterId, caseId, extra);
      },
      signal: interrupts.stop,
      cut: interrupts.cut,
      onAdapter: (d) => log(adapterLine(d)),
      onResult: (r, i, n) => {
        if ((!flags.quiet && !bar) || r.status !== 'pass') log(progressLine(r, i, n));
        bar?.update(r, i, n);
      },
    });
  } finally {
    bar?.finish();
    await Promise.all([server.close(), data.remove()]);
  }

  const report = buildReport({
    startedAt,
    finishedAt: new Date(),
    invocation: {
      argv: flags.seed === undefined ? [...argv, '--seed', String(seed)] : argv,
      ...(shard ? { shard } : {}),
      filters: { adapters: adapters.map((a) => a.id), suites: flags.suite, case: flags.case ?? null },
    },
    ...output,
  });
  const json = () => serialiseReport(report, { bigintsAsStrings: true });
  try {
    await writeReport(report, outPath);
  } catch (err) {
    if (err instanceof InvalidReportError) {
      // Keep what was measured, under a name no tool mistakes for a valid report.
      const kept = await writeOrKeep(`${outPath}.invalid.json`, json());
      log(`internal error: ${err.message}\nthe unvalidated report was kept at ${kept}`);
      return EXIT.INTERNAL;
    }
    // The path passed the check before the run but failed now (a full disk, a directory removed): keep the results anyway.
    const kept = await keepSafe(`run-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, json());
    log(summaryText(report, kept));
    log(`awc run: cannot write the report to ${outPath} (${describeWriteError(err)}); report saved to ${kept}`);
    return EXIT.USAGE;
  }
  log(summaryText(report, outPath));
  for (const f of sideFiles) {
    try {
      await writeAtomic(f.path, render(report, f.format));
      log(f.path);
    } catch (err) {
      log(`awc run: cannot write ${f.path} (${describeWriteError(err)}); the JSON report at ${outPath} has everything (awc report renders it again)`);
      return EXIT.USAGE;
    }
  }

  const interrupted = interrupts.exitCode();
  if (interrupted !== undefined) return interrupted;
  const failing = failingMust(report.results);
  const unavailable = report.adapters.filter((a) => !a.available);
  if (failing.length > 0) {
    // Listed last so a log that keeps only its tail (CI) still names them.
    log(`\n${failing.length} MUST case(s) failed:`);
    for (const r of failing) log(failingLine(r));
    return EXIT.FAILURES;
  }
  if (unavailable.length > 0 && !flags.allowUnavailable) {
    log(`\nexit 1: adapter(s) ${unavailable.map((a) => a.id).join(', ')} unavailable, so nothing was verified for them (--allow-unavailable to accept).`);
    return EXIT.FAILURES;
  }
  return EXIT.OK;
}

/** One line per failing MUST result: where, what, and how to rerun it. */
function failingLine(r: CaseResult): string {
  const message = (r.message ?? '').replace(/\s+/g, ' ');
  const short = message.length > 240 ? `${message.slice(0, 240)}…` : message;
  return `  ${r.status} ${r.adapterId} ${r.caseId}: ${short}${r.reproduce ? `\n    rerun: ${r.reproduce}` : ''}`;
}
