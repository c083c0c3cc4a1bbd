/**
 * One self-contained HTML file (no network at view time) that opens on the differences between
 * the rows, then the requirements × runtimes heat map, a panel per runtime, benchmark and trend
 * charts drawn with Chart.js (pinned in package.json, inlined from node_modules) and every result
 * with filters and its evidence. The views themselves are in dashboard-page.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Report } from '../types.ts';
import { SCRIPT, STYLE } from './dashboard-page.ts';
import { limitDepth } from './safe.ts';

export interface HistoryEntry {
  at: string;
  commit: string | null;
  counts: Record<string, Record<string, number>>;
}

const require = createRequire(import.meta.url);
let chartJs: string | undefined;
// The UMD build is not in chart.js's exports map: find it next to the package's CommonJS entry.
export const chartSource = (): string =>
  (chartJs ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script'));

/** JSON safe inside <script>: no "</script>" or "<!--" can close or confuse the element. */
export const embed = (data: unknown): string => JSON.stringify(data).replace(/</g, '\\u003c');

export function renderHtml(report: Report, history: HistoryEntry[] = []): string {
  const title = `async-wasm-conformance report ${report.startedAt}`;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>async-wasm-conformance ${esc(report.tool.version)}</h1>
<div class="muted">${esc(`${report.startedAt} · commit ${report.tool.commit ?? 'unknown'} · ${report.machine.os} ${report.machine.arch} · ${report.machine.cores} cores · ${report.machine.cpu} · node ${report.machine.node}`)}</div>
<nav><a href="#differences-view">differences</a><a href="#heatmap-view">requirements × runtimes</a><a href="#runtimes-view">runtimes</a><a href="#charts-view">charts</a><a href="#results-view">all results</a></nav>
<div id="rows"><b>rows </b></div>
<section id="differences-view"><h2>Differences: requirements on which the selected rows disagree</h2>
<div class="legend muted">A row takes part in a requirement when it ran one of its cases; its class is the worst of them (error &gt; fail &gt; expected-fail &gt; pass). Rows disagree when their classes differ or a case two of them ran has different classes. <span class="o-pass">✓ pass</span><span class="o-expected-fail">xfail: expected-fail</span><span class="o-fail">✗ fail</span><span class="o-error">error</span><span class="o-unsupported">· unsupported (not run)</span>, each with its number of cases.</div>
<div id="differences-slot"></div></section>
<section id="heatmap-view"><h2>Requirements × runtimes</h2>
<div class="muted">Passing / run cases; colour by pass ratio (red 0 → green 1); hatched: not run (unsupported); black frame: an error or timeout. Click a cell for its results.</div>
<div id="heatmap-slot"></div></section>
<section id="runtimes-view"><h2>Runtimes</h2><div id="runtimes-slot"></div></section>
<section id="charts-view"><div id="bench-slot"></div><div id="trend-slot"></div></section>
<section id="results-view"><h2>All results</h2>
<div id="filters"><select id="f-adapter"></select><select id="f-suite"></select><select id="f-level"></select><select id="f-status"></select><input id="f-text" placeholder="search case or message"></div>
<div id="results-slot"></div></section>
<script type="application/json" id="awc-data">${embed({ ...report, results: report.results.map((r) => (r.evidence ? { ...r, evidence: limitDepth(r.evidence) } : r)) })}</script>
<script type="application/json" id="awc-history">${embed(history)}</script>
<script>${chartSource()}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
