/**
 * A compact Markdown summary for a CI step summary or a PR comment: the requirements the rows
 * disagree on (harness/report/differences.ts), the failing MUST cases with rerun commands, then
 * the adapters × suites matrix, the other failing results and the benchmarks.
 */
import { sideBySide } from '../../bench/side-by-side.ts';
import { differences, type DifferenceCell } from '../differences.ts';
import { FAILING_STATUSES } from '../types.ts';
import type { Report } from '../types.ts';
import { cellText, matrix } from './matrix.ts';
import { mdCode, mdText } from './safe.ts';

const esc = mdText;

export function renderMarkdown(report: Report): string {
  const { suites, cells } = matrix(report);
  const lines = [`## async-wasm-conformance ${report.tool.version}${report.tool.commit ? ` (${report.tool.commit.slice(0, 12)})` : ''}`, ''];
  const ids = report.adapters.map((a) => a.id);
  const diffs = differences(report.results, ids);
  if (ids.length > 1) {
    lines.push(diffs.length ? `### ${diffs.length} requirement(s) on which the rows disagree` : '### The rows agree on every requirement they ran', '');
    if (diffs.length) {
      lines.push(
        '✓ pass · ✗ fail · xfail expected-fail · error · `·` not run; each with its number of cases. A row takes part when it ran a case of the requirement; rows disagree when their worst classes differ or a case two of them ran has different classes.',
        '',
        `| requirement | level | ${ids.map(esc).join(' | ')} |`,
        `|---|---|${ids.map(() => '---').join('|')}|`,
      );
      for (const d of diffs) lines.push(`| ${esc(d.requirement)} | ${d.level} | ${d.cells.map(cellMark).join(' | ')} |`);
    }
    lines.push('');
  }
  const must = report.results.filter((r) => r.level === 'MUST' && FAILING_STATUSES.has(r.status));
  lines.push(must.length ? `### ${must.length} failing MUST result(s)` : '### No failing MUST results', '');
  for (const r of must) lines.push(resultLine(r));
  if (must.length) lines.push('');
  lines.push('### Adapters × suites', '');
  lines.push(`| adapter | engine | ${suites.map(esc).join(' | ')} |`, `|---|---|${suites.map(() => '---').join('|')}|`);
  for (const a of report.adapters) {
    const row = suites.map((s) => cellText(cells.find((c) => c.adapterId === a.id && c.suite === s)!.summary));
    lines.push(`| ${esc(a.id)} | ${a.available ? esc(`${a.engine.name} ${a.engine.version}`) : `unavailable: ${esc(a.reason ?? '')}`} | ${row.join(' | ')} |`);
  }
  const notable = report.results.filter((r) => r.level !== 'MUST' && FAILING_STATUSES.has(r.status));
  if (notable.length) lines.push('', `### ${notable.length} failing SHOULD/MAY result(s)`, '');
  for (const r of notable) lines.push(resultLine(r));
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

const SHORT: Record<DifferenceCell['outcome'], string> = { pass: '✓', fail: '✗', 'expected-fail': 'xfail', error: 'error', unsupported: '·' };
const cellMark = (c: DifferenceCell): string => `${SHORT[c.outcome]} ${c.counts[c.outcome] ?? 0}`;
const resultLine = (r: Report['results'][number]): string =>
  `- **${r.status}** \\[${r.level}\\] ${mdCode(r.adapterId)} ${mdCode(r.caseId)}: ${esc(r.message ?? '')}${r.reproduce ? ` — ${mdCode(r.reproduce)}` : ''}`;
