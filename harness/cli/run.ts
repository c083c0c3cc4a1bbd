/** `awc run`: select, set up the host environment, run, write a validated report, summarise. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_ADAPTER_ID } from '../../adapters/registry.ts';
import { ALL_CASES } from '../../suites/index.ts';
import { createDataDir } from '../env/data-dir.ts';
import { startLoopbackServer } from '../env/http-server.ts';
import { DEFAULT_OUT_DIR } from '../paths.ts';
import { buildReport, writeReport } from '../report/build.ts';
import { failingMust } from '../report/summary.ts';
import { InvalidReportError, validator } from '../report/validate.ts';
import { insideCase, runCases } from '../runner.ts';
import { UsageError, selectAdapters, selectCases } from '../selection.ts';
import { allAdapters, type AdapterSourceFlags } from './adapter-options.ts';
import { adapterLine, progressLine, summaryText } from './format.ts';
import { parseFormats, writeFormats } from './report.ts';
import { handleInterrupts } from './signals.ts';

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
  shard?: string;
}

function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = text.match(/^(\d+)\/(\d+)$/);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard expects i/n with 1 <= i <= n, got ${JSON.stringify(text)}`);
  return { index, count };
}

export const EXIT = { OK: 0, FAILURES: 1, USAGE: 2, INTERNAL: 3, INTERRUPTED: 130 } as const;

const quote = (s: string) => (/^[\w.@/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
export const reproduceCommand = (adapterId: string, caseId: string) => `npx awc run --adapter ${quote(adapterId)} --case ${quote(caseId)}`;

function defaultOutPath(startedAt: Date): string {
  return join(DEFAULT_OUT_DIR, `run-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
}

export async function runCommand(flags: RunFlags, argv: string[]): Promise<number> {
  const adapters = selectAdapters(await allAdapters(flags), flags.adapter, DEFAULT_ADAPTER_ID);
  const cases = selectCases(ALL_CASES, flags.suite, flags.case);
  const formats = parseFormats(flags.format);
  const shard = parseShard(flags.shard);
  if (flags.seed !== undefined && !Number.isSafeInteger(flags.seed)) throw new UsageError('--seed must be an integer');
  validator();
  const startedAt = new Date();
  const outPath = resolve(flags.out ?? defaultOutPath(startedAt));
  const log = (line: string) => process.stderr.write(line + '\n');

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
  log(`awc run: ${cases.length} case(s) × ${adapters.length} adapter(s)${cases.some((c) => c.suite === 'properties') ? `, property seed ${seed} × ${flags.runs} runs` : ''}`);
  let output;
  try {
    output = await runCases({
      adapters,
      cases,
      env: { httpOrigin: server.origin, httpRequests: server.requests, dataDir: data.dataMount },
      caseTimeoutMs: flags.timeout,
      jobs: flags.jobs,
      properties: { runs: flags.runs, seed },
      ...(shard ? { shard } : {}),
      reproduce: reproduceCommand,
      signal: interrupts.stop,
      cut: interrupts.cut,
      onAdapter: (d) => log(adapterLine(d)),
      onResult: (r, i, n) => {
        if (!flags.quiet || r.status !== 'pass') log(progressLine(r, i, n));
      },
    });
  } finally {
    await Promise.all([server.close(), data.remove()]);
  }

  const report = buildReport({
    startedAt,
    finishedAt: new Date(),
    invocation: { argv: flags.seed === undefined ? [...argv, '--seed', String(seed)] : argv, ...(shard ? { shard } : {}), filters: { adapters: adapters.map((a) => a.id), suites: flags.suite, case: flags.case ?? null } },
    ...output,
  });
  try {
    await writeReport(report, outPath);
  } catch (err) {
    // Keep what was measured, under a name no tool mistakes for a valid report.
    const kept = `${outPath}.invalid.json`;
    await mkdir(dirname(kept), { recursive: true });
    await writeFile(kept, JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    log(`internal error: ${err instanceof InvalidReportError ? err.message : (err as Error)?.stack ?? String(err)}\nthe unvalidated report was kept at ${kept}`);
    return EXIT.INTERNAL;
  }
  log(summaryText(report, outPath));
  for (const path of await writeFormats(report, outPath, formats)) log(`${path}`);

  const interrupted = interrupts.exitCode();
  if (interrupted !== undefined) return interrupted;
  const failing = failingMust(report.results);
  const unavailable = report.adapters.filter((a) => !a.available);
  if (failing.length > 0) {
    log(`\n${failing.length} MUST case(s) failed.`);
    return EXIT.FAILURES;
  }
  if (unavailable.length > 0 && !flags.allowUnavailable) {
    log(`\nexit 1: adapter(s) ${unavailable.map((a) => a.id).join(', ')} unavailable, so nothing was verified for them (--allow-unavailable to accept).`);
    return EXIT.FAILURES;
  }
  return EXIT.OK;
}
