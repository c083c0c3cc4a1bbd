/** `awc report`, `awc merge`, `awc history add`: turning reports into pages, merging shards, keeping a trend. */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ALL_CASES } from '../../suites/index.ts';
import { writeReport } from '../report/build.ts';
import { MergeError, mergeReports } from '../report/merge.ts';
import { renderHtml, type HistoryEntry } from '../report/render/html.ts';
import { renderJUnit } from '../report/render/junit.ts';
import { renderMarkdown } from '../report/render/markdown.ts';
import { summarise } from '../report/summary.ts';
import type { Report } from '../report/types.ts';
import { validateReport } from '../report/validate.ts';
import { UsageError } from '../selection.ts';
import { EXIT } from './run.ts';

export const FORMATS = ['html', 'md', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
const EXTENSION: Record<Format, string> = { html: '.html', md: '.md', junit: '.junit.xml' };
export const DEFAULT_HISTORY = 'reports/history.jsonl';

export function parseFormats(text: string | undefined): Format[] {
  if (!text) return [];
  const formats = text.split(',').map((f) => f.trim());
  for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}"; known: ${FORMATS.join(', ')}`);
  return formats as Format[];
}

export async function loadReport(file: string): Promise<Report> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read report ${file}: ${(err as Error).message}`);
  }
  const check = validateReport(data);
  if (!check.valid) throw new UsageError(`${file} is not a valid report:\n  ${check.errors.join('\n  ')}`);
  return check.report;
}

async function loadHistory(file: string | undefined): Promise<HistoryEntry[]> {
  if (!file) return [];
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as HistoryEntry;
      } catch {
        throw new UsageError(`${file}:${i + 1} is not a JSON line`);
      }
    });
}

export function render(report: Report, format: Format, history: HistoryEntry[] = []): string {
  return format === 'html' ? renderHtml(report, history) : format === 'md' ? renderMarkdown(report) : renderJUnit(report);
}

/** Writes each format beside `jsonPath` (same base name), returning the paths. */
export async function writeFormats(report: Report, jsonPath: string, formats: Format[], history: HistoryEntry[] = []): Promise<string[]> {
  const base = jsonPath.replace(/\.json$/, '');
  const paths: string[] = [];
  for (const f of formats) {
    const path = base + EXTENSION[f];
    await writeFile(path, render(report, f, history));
    paths.push(path);
  }
  return paths;
}

export async function reportCommand(file: string, flags: { format: string; out?: string; history?: string }): Promise<number> {
  const formats = parseFormats(flags.format);
  if (formats.length !== 1 && flags.out) throw new UsageError('--out takes one --format');
  const report = await loadReport(file);
  const history = await loadHistory(flags.history);
  if (flags.out) {
    await mkdir(dirname(resolve(flags.out)), { recursive: true });
    await writeFile(flags.out, render(report, formats[0]!, history));
    process.stderr.write(`wrote ${flags.out}\n`);
  } else {
    for (const path of await writeFormats(report, resolve(file), formats, history)) process.stderr.write(`wrote ${path}\n`);
  }
  return EXIT.OK;
}

export async function mergeCommand(files: string[], flags: { out: string }, argv: string[]): Promise<number> {
  const reports = await Promise.all(files.map(async (file) => ({ file, report: await loadReport(file) })));
  const order = new Map(ALL_CASES.map((c, i) => [c.id, i]));
  let merged: Report;
  try {
    merged = mergeReports(reports, argv, (id) => order.get(id) ?? Number.MAX_SAFE_INTEGER);
  } catch (err) {
    if (err instanceof MergeError) throw new UsageError(err.message);
    throw err;
  }
  await writeReport(merged, resolve(flags.out));
  process.stderr.write(`merged ${files.length} report(s), ${merged.results.length} result(s) → ${flags.out}\n`);
  return EXIT.OK;
}

export async function historyAddCommand(file: string, flags: { file: string }): Promise<number> {
  const report = await loadReport(file);
  const counts: HistoryEntry['counts'] = {};
  for (const a of report.adapters) counts[a.id] = Object.fromEntries(Object.entries(summarise(report.results.filter((r) => r.adapterId === a.id)).byStatus).filter(([, n]) => n > 0));
  const entry: HistoryEntry = { at: report.startedAt, commit: report.tool.commit, counts };
  await mkdir(dirname(resolve(flags.file)), { recursive: true });
  await appendFile(flags.file, JSON.stringify(entry) + '\n');
  process.stderr.write(`appended ${report.startedAt} to ${flags.file}\n`);
  return EXIT.OK;
}
