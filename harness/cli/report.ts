/** `awc report`, `awc merge`, `awc history add`: turning reports into pages, merging shards, keeping a trend. */
import { appendFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Catalog } from '../catalog.ts';
import { writeReport } from '../report/build.ts';
import { MergeError, mergeReports } from '../report/merge.ts';
import { renderHtml, type HistoryEntry } from '../report/render/html.ts';
import { renderBadge } from '../report/render/badge.ts';
import { renderJsonSummary } from '../report/render/json-summary.ts';
import { renderJUnit } from '../report/render/junit.ts';
import { renderMarkdown } from '../report/render/markdown.ts';
import { summarise } from '../report/summary.ts';
import type { Report } from '../report/types.ts';
import { validateReport } from '../report/validate.ts';
import { UsageError } from '../selection.ts';
import { checkOutput, refuseOverwrite, writeAtomic } from './output.ts';
import { EXIT } from './run.ts';

export const FORMATS = ['html', 'md', 'junit', 'json-summary'] as const;
export type Format = (typeof FORMATS)[number];
const EXTENSION: Record<Format, string> = { html: '.html', md: '.md', junit: '.junit.xml', 'json-summary': '.summary.json' };
export const DEFAULT_HISTORY = 'reports/history.jsonl';

/** A comma-separated format list; given but empty (or with an empty item) is an error, not "no format". */
export function parseFormats(text: string | undefined): Format[] {
  if (text === undefined) return [];
  const formats = text.split(',').map((f) => f.trim());
  for (const f of formats)
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UsageError(`unknown format "${f}" in --format ${JSON.stringify(text)}; known: ${FORMATS.join(', ')}`);
  return [...new Set(formats)] as Format[];
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

const isHistoryEntry = (e: unknown): e is HistoryEntry =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as HistoryEntry).at === 'string' &&
  ((e as HistoryEntry).commit === null || typeof (e as HistoryEntry).commit === 'string') &&
  typeof (e as HistoryEntry).counts === 'object' &&
  (e as HistoryEntry).counts !== null &&
  Object.values((e as HistoryEntry).counts).every((c) => typeof c === 'object' && c !== null && Object.values(c).every((n) => Number.isInteger(n) && n >= 0));

/** The lines of a history file; a named file that is missing or holds a bad line is a usage error, never an empty trend. */
async function loadHistory(file: string | undefined): Promise<HistoryEntry[]> {
  if (file === undefined) return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --history ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text.split('\n').flatMap((l, i) => {
    if (!l.trim()) return [];
    let entry: unknown;
    try {
      entry = JSON.parse(l);
    } catch {
      throw new UsageError(`${file}:${i + 1} is not a JSON line`);
    }
    if (!isHistoryEntry(entry))
      throw new UsageError(`${file}:${i + 1} is not a history entry ({"at": "...", "commit": "..." or null, "counts": {ADAPTER: {STATUS: N}}})`);
    return [entry];
  });
}

export function render(report: Report, format: Format, history: HistoryEntry[] = []): string {
  switch (format) {
    case 'html':
      return renderHtml(report, history);
    case 'md':
      return renderMarkdown(report);
    case 'junit':
      return renderJUnit(report);
    case 'json-summary':
      return renderJsonSummary(report);
  }
}

/** Where each format goes beside `jsonPath` (same base name). */
export function formatPaths(jsonPath: string, formats: Format[]): { format: Format; path: string }[] {
  const base = jsonPath.replace(/\.json$/, '');
  return formats.map((format) => ({ format, path: base + EXTENSION[format] }));
}

/** Writes each format beside `jsonPath` (same base name), returning the paths. */
export async function writeFormats(report: Report, jsonPath: string, formats: Format[], history: HistoryEntry[] = []): Promise<string[]> {
  const paths: string[] = [];
  for (const { format, path } of formatPaths(jsonPath, formats)) {
    await writeAtomic(path, render(report, format, history));
    paths.push(path);
  }
  return paths;
}

export async function reportCommand(file: string, flags: { format: string; out?: string; history?: string }): Promise<number> {
  const formats = parseFormats(flags.format);
  if (formats.length !== 1 && flags.out !== undefined) throw new UsageError('--out takes one --format');
  const targets = flags.out !== undefined ? [{ format: formats[0]!, path: await checkOutput(flags.out, '--out') }] : formatPaths(resolve(file), formats);
  for (const t of targets) {
    if (flags.out === undefined) await checkOutput(t.path, `the ${t.format} file`);
    await refuseOverwrite(t.path, [file, ...(flags.history !== undefined ? [flags.history] : [])], flags.out !== undefined ? '--out' : `the ${t.format} file`);
  }
  const report = await loadReport(file);
  const history = await loadHistory(flags.history);
  for (const t of targets) {
    await writeAtomic(t.path, render(report, t.format, history));
    process.stderr.write(`wrote ${t.path}\n`);
  }
  return EXIT.OK;
}

export async function mergeCommand(files: string[], flags: { out: string }, argv: string[], catalog: Catalog): Promise<number> {
  const out = await checkOutput(flags.out, '--out');
  const reports = await Promise.all(files.map(async (file) => ({ file, report: await loadReport(file) })));
  const order = new Map(catalog.cases.map((c, i) => [c.id, i]));
  let merged: Report;
  try {
    merged = mergeReports(reports, argv, (id) => order.get(id) ?? Number.MAX_SAFE_INTEGER);
  } catch (err) {
    if (err instanceof MergeError) throw new UsageError(err.message);
    throw err;
  }
  await writeReport(merged, out);
  process.stderr.write(`merged ${files.length} report(s), ${merged.results.length} result(s) → ${flags.out}\n`);
  return EXIT.OK;
}

export async function historyAddCommand(file: string, flags: { file: string }): Promise<number> {
  const target = await checkOutput(flags.file, '--file', { append: true });
  await refuseOverwrite(target, [file], '--file');
  const report = await loadReport(file);
  const counts: HistoryEntry['counts'] = {};
  for (const a of report.adapters)
    counts[a.id] = Object.fromEntries(Object.entries(summarise(report.results.filter((r) => r.adapterId === a.id)).byStatus).filter(([, n]) => n > 0));
  const entry: HistoryEntry = { at: report.startedAt, commit: report.tool.commit, counts };
  await appendFile(target, JSON.stringify(entry) + '\n');
  process.stderr.write(`appended ${report.startedAt} to ${flags.file}\n`);
  return EXIT.OK;
}

/** `awc badge REPORT --adapter ID --out FILE.svg`: one adapter's MUST results as an SVG badge. */
export async function badgeCommand(file: string, flags: { adapter: string; out: string }): Promise<number> {
  const out = await checkOutput(flags.out, '--out');
  await refuseOverwrite(out, [file], '--out');
  const report = await loadReport(file);
  if (!report.adapters.some((a) => a.id === flags.adapter))
    throw new UsageError(`adapter ${flags.adapter} is not in ${file} (it has: ${report.adapters.map((a) => a.id).join(', ')})`);
  await writeAtomic(out, renderBadge(report, flags.adapter));
  process.stderr.write(`wrote ${out}\n`);
  return EXIT.OK;
}
