/** A compact Markdown summary for a CI step summary or a PR comment. */
import { sideBySide } from '../../bench/side-by-side.ts';
import type { Report } from '../types.ts';
import { cellText, matrix } from './matrix.ts';
import { mdCode, mdText } from './safe.ts';

const esc = mdText;

export function renderMarkdown(report: Report): string {
  const { suites, cells } = matrix(report);
  const lines = [`## async-wasm-conformance ${report.tool.version}${report.tool.commit ? ` (${report.tool.commit.slice(0, 12)})` : ''}`, ''];
  lines.push(`| adapter | engine | ${suites.map(esc).join(' | ')} |`, `|---|---|${suites.map(() => '---').join('|')}|`);
  for (const a of report.adapters) {
    const row = suites.map((s) => cellText(cells.find((c) => c.adapterId === a.id && c.suite === s)!.summary));
    lines.push(`| ${esc(a.id)} | ${a.available ? esc(`${a.engine.name} ${a.engine.version}`) : `unavailable: ${esc(a.reason ?? '')}`} | ${row.join(' | ')} |`);
  }
  const notable = report.results.filter((r) => ['fail', 'unexpected-pass', 'timeout', 'error'].includes(r.status));
  lines.push('', notable.length ? `### ${notable.length} failing result(s)` : '### No failing results', '');
  for (const r of notable)
    lines.push(
      `- **${r.status}** \\[${r.level}\\] ${mdCode(r.adapterId)} ${mdCode(r.caseId)}: ${esc(r.message ?? '')}${r.reproduce ? ` — ${mdCode(r.reproduce)}` : ''}`,
    );
  const expected = report.results.filter((r) => r.status === 'expected-fail').length;
  if (expected) lines.push('', `${expected} known failure(s) listed in adapters/expectations (shown as expected-fail in the JSON report).`);
  const measured = (report.benchmarks ?? []).filter((b) => b.summary);
  if (measured.length)
    lines.push('', '### Benchmarks (median ns/op)', '', '| adapter | benchmark | median | CI95 | × floor | MB/s |', '|---|---|---|---|---|---|');
  for (const b of measured)
    lines.push(
      `| ${esc(b.adapterId)} | ${esc(b.benchmarkId)} | ${b.summary!.median.toFixed(1)} | ${b.summary!.ci95.map((x) => x.toFixed(1)).join('–')} | ${b.ratioToFloor ?? ''} | ${b.mbPerSecond?.toFixed(1) ?? ''} |`,
    );
  const pairs = sideBySide(report.adapters, report.benchmarks ?? []);
  if (pairs.length)
    lines.push(
      '',
      '### Native component async beside the sync ABI and core modules (median ns/op, same engine; × = cma ÷ other)',
      '',
      '| engine | adapter | benchmark | median | beside it |',
      '|---|---|---|---|---|',
    );
  for (const p of pairs)
    lines.push(
      `| ${esc(p.engine)} | ${esc(p.adapterId)} | ${esc(p.benchmarkId)} | ${p.median.toFixed(1)} | ${p.beside.map((b) => esc(`${b.kind} ${b.adapterId} ${b.benchmarkId} ${b.median.toFixed(1)} (×${b.ratio})`)).join('; ')} |`,
    );
  return lines.join('\n') + '\n';
}
