/** Terminal output: progress lines and the end-of-run summary. */
import type { AdapterDescription } from '../adapter.ts';
import { summarise } from '../report/summary.ts';
import { visibleControls } from '../report/render/safe.ts';
import { STATUSES, type CaseResult, type Report } from '../report/types.ts';

const color = process.stderr.isTTY && !process.env['NO_COLOR'];
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const STATUS_COLOR: Record<string, number> = {
  pass: 32,
  fail: 31,
  'unexpected-pass': 31,
  error: 31,
  timeout: 31,
  'expected-fail': 33,
  unsupported: 36,
  unavailable: 35,
  skipped: 90,
};

export const statusLabel = (status: string): string => paint(STATUS_COLOR[status] ?? 0, status.padEnd(15));

export function progressLine(r: CaseResult, index: number, total: number): string {
  const width = String(total).length;
  return `[${String(index).padStart(width)}/${total}] ${statusLabel(r.status)} ${r.adapterId} ${r.caseId} ${paint(90, `${r.durationMs.toFixed(1)} ms`)}`;
}

export function adapterLine(d: AdapterDescription): string {
  const where = d.process === 'in-process' ? 'in-process' : d.process.command.join(' ');
  const state = d.available ? paint(32, 'available') : paint(35, `unavailable: ${visibleControls(String(d.reason))}`);
  // The engine's name and version come from the adapter (its hello): shown, never interpreted by the terminal.
  return `${d.id}: ${visibleControls(`${d.engine.name} ${d.engine.version}`)}, ${d.strategy}, ${visibleControls(where)} — ${state}`;
}

/** Counts per adapter, then every result that is not a pass, with its message and rerun command. */
export function summaryText(report: Report, path: string): string {
  const lines: string[] = [''];
  for (const a of report.adapters) {
    const s = summarise(report.results.filter((r) => r.adapterId === a.id));
    const counts = STATUSES.filter((st) => s.byStatus[st] > 0).map((st) => `${st} ${s.byStatus[st]}`);
    lines.push(`${a.id}: ${counts.join(', ') || 'no results'}`);
  }
  const notable = report.results.filter((r) => r.status !== 'pass' && r.status !== 'unsupported' && r.status !== 'unavailable');
  if (notable.length > 0) {
    lines.push('', 'Not passing:');
    for (const r of notable) {
      lines.push(`  ${statusLabel(r.status)} [${r.level}] ${r.adapterId} ${r.caseId}`);
      // Messages come from runtimes under test: no terminal escape sequence of theirs reaches the terminal.
      if (r.message) lines.push(`      ${visibleControls(r.message.split('\n')[0]!)}`);
      if (r.reproduce) lines.push(`      rerun: ${r.reproduce}`);
    }
  }
  const unavailable = report.adapters.filter((a) => !a.available);
  for (const a of unavailable) lines.push('', paint(35, `${a.id} was unavailable: ${visibleControls(String(a.reason))} — none of its cases ran.`));
  lines.push('', `report: ${path}`);
  return lines.join('\n');
}
