/**
 * One self-contained HTML file (no network at view time): the adapters × suites matrix,
 * filters, drill-down to every result with its evidence, and benchmark and trend charts drawn
 * with Chart.js, inlined from node_modules. Rows are rendered in pages so thousands stay fast.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Report } from '../types.ts';
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

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.cell{cursor:pointer}.cell:hover{background:#eef}.pass{color:#1a7f37}.fail,.error,.timeout,.unexpected-pass{color:#cf222e;font-weight:600}
.expected-fail{color:#9a6700}.unsupported,.unavailable,.skipped{color:#57606a}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:30rem}
#filters select,#filters input{margin-right:.5rem}.muted{color:#57606a}tr.result{cursor:pointer}tr.result:hover{background:#f6f8fa}canvas{max-width:60rem}`;

const SCRIPT = `
const report = JSON.parse(document.getElementById('awc-data').textContent);
const history = JSON.parse(document.getElementById('awc-history').textContent);
const el = (tag, attrs = {}, ...kids) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) { if (k === 'onclick') e.onclick = v; else e.setAttribute(k, v); } for (const k of kids) e.append(k); return e; };
const suites = [...new Set(report.results.map(r => r.suite))];
const statuses = ['pass','fail','expected-fail','unexpected-pass','unsupported','unavailable','timeout','error','skipped'];
const filter = { adapter: '', suite: '', level: '', status: '', text: '' };
const PAGE = 300; let shown = PAGE;

function counts(rs) { const c = {}; for (const r of rs) c[r.status] = (c[r.status] || 0) + 1; return c; }
function renderMatrix() {
  const t = el('table', { id: 'matrix' }, el('tr', {}, el('th', {}, 'adapter'), el('th', {}, 'engine'), ...suites.map(s => el('th', {}, s))));
  for (const a of report.adapters) {
    const row = el('tr', {}, el('td', {}, a.id), el('td', { class: a.available ? '' : 'unavailable' }, a.available ? a.engine.name + ' ' + a.engine.version : 'unavailable: ' + a.reason));
    for (const s of suites) {
      const c = counts(report.results.filter(r => r.adapterId === a.id && r.suite === s));
      const td = el('td', { class: 'cell', 'data-adapter': a.id, 'data-suite': s, onclick: () => { filter.adapter = a.id; filter.suite = s; sync(); } });
      for (const st of statuses) if (c[st]) td.append(el('span', { class: st }, c[st] + ' ' + st), ' ');
      row.append(td);
    }
    t.append(row);
  }
  document.getElementById('matrix-slot').replaceChildren(t);
}
function matches(r) {
  return (!filter.adapter || r.adapterId === filter.adapter) && (!filter.suite || r.suite === filter.suite) && (!filter.level || r.level === filter.level)
    && (!filter.status || r.status === filter.status) && (!filter.text || (r.caseId + ' ' + (r.message || '')).toLowerCase().includes(filter.text.toLowerCase()));
}
function details(r) {
  const box = el('td', { colspan: 5 });
  box.append(el('div', {}, el('b', {}, 'requirement '), r.requirement + ' (' + r.level + ')'));
  if (r.message) box.append(el('div', {}, el('b', {}, 'message '), r.message));
  if (r.reproduce) box.append(el('div', {}, el('b', {}, 'rerun '), el('code', {}, r.reproduce)));
  if (r.evidence) box.append(el('pre', { class: 'evidence' }, JSON.stringify(r.evidence, null, 2)));
  return el('tr', { class: 'details' }, box);
}
function renderResults() {
  const rs = report.results.filter(matches);
  const t = el('table', { id: 'results' }, el('tr', {}, ...['status','adapter','case','level','ms'].map(h => el('th', {}, h))));
  for (const r of rs.slice(0, shown)) {
    const row = el('tr', { class: 'result', 'data-case': r.caseId });
    row.append(el('td', { class: r.status }, r.status), el('td', {}, r.adapterId), el('td', {}, r.caseId), el('td', {}, r.level), el('td', {}, String(r.durationMs)));
    row.onclick = () => { const next = row.nextSibling; if (next && next.classList && next.classList.contains('details')) next.remove(); else row.after(details(r)); };
    t.append(row);
  }
  const more = rs.length > shown ? el('button', { onclick: () => { shown += PAGE; renderResults(); } }, 'show ' + Math.min(PAGE, rs.length - shown) + ' more of ' + (rs.length - shown)) : '';
  document.getElementById('results-slot').replaceChildren(el('div', { class: 'muted' }, rs.length + ' result(s)'), t, more);
}
function select(id, values, key) {
  const s = document.getElementById(id);
  s.append(...['', ...values].map(v => el('option', { value: v }, v || key + ': all')));
  s.onchange = () => { filter[key] = s.value; shown = PAGE; renderResults(); };
}
function sync() { for (const [id, key] of [['f-adapter','adapter'],['f-suite','suite'],['f-level','level'],['f-status','status']]) document.getElementById(id).value = filter[key]; shown = PAGE; renderResults(); }
function errorBars(ci) { return { id: 'errorBars', afterDatasetsDraw(chart) { const ctx = chart.ctx; chart.data.datasets.forEach((ds, i) => chart.getDatasetMeta(i).data.forEach((bar, j) => { const c = ci[i] && ci[i][j]; if (!c) return; const y = chart.scales.y; ctx.save(); ctx.strokeStyle = '#000'; ctx.beginPath(); ctx.moveTo(bar.x, y.getPixelForValue(c[0])); ctx.lineTo(bar.x, y.getPixelForValue(c[1])); ctx.stroke(); ctx.restore(); })); } }; }
function renderBenchmarks() {
  const bs = (report.benchmarks || []).filter(b => b.summary);
  if (!bs.length) return;
  const ids = [...new Set(bs.map(b => b.benchmarkId))]; const adapters = [...new Set(bs.map(b => b.adapterId))];
  const datasets = adapters.map(a => ({ label: a, data: ids.map(id => { const b = bs.find(x => x.adapterId === a && x.benchmarkId === id); return b ? b.summary.median : null; }) }));
  const ci = adapters.map(a => ids.map(id => { const b = bs.find(x => x.adapterId === a && x.benchmarkId === id); return b ? b.summary.ci95 : null; }));
  const canvas = el('canvas', { id: 'bench-chart' });
  document.getElementById('bench-slot').replaceChildren(el('h2', {}, 'Benchmarks (median ns per operation, CI95 bars, log scale)'), canvas);
  new Chart(canvas, { type: 'bar', data: { labels: ids, datasets }, options: { animation: false, scales: { y: { type: 'logarithmic' } } }, plugins: [errorBars(ci)] });
}
function renderHistory() {
  if (!history.length) return;
  const adapters = [...new Set(history.flatMap(h => Object.keys(h.counts)))];
  const canvas = el('canvas', { id: 'trend-chart' });
  document.getElementById('trend-slot').replaceChildren(el('h2', {}, 'Trend: passing cases per adapter over runs'), canvas);
  new Chart(canvas, { type: 'line', data: { labels: history.map(h => h.at.slice(0, 16)), datasets: adapters.map(a => ({ label: a, data: history.map(h => (h.counts[a] || {}).pass ?? null) })) }, options: { animation: false } });
}
select('f-adapter', report.adapters.map(a => a.id), 'adapter'); select('f-suite', suites, 'suite'); select('f-level', ['MUST','SHOULD','MAY'], 'level'); select('f-status', statuses, 'status');
document.getElementById('f-text').oninput = e => { filter.text = e.target.value; shown = PAGE; renderResults(); };
renderMatrix(); renderResults(); renderBenchmarks(); renderHistory();
`;

export function renderHtml(report: Report, history: HistoryEntry[] = []): string {
  const title = `async-wasm-conformance report ${report.startedAt}`;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>async-wasm-conformance ${esc(report.tool.version)}</h1>
<div class="muted">${esc(`${report.startedAt} · commit ${report.tool.commit ?? 'unknown'} · ${report.machine.os} ${report.machine.arch} · ${report.machine.cores} cores · ${report.machine.cpu} · node ${report.machine.node}`)}</div>
<h2>Matrix</h2><div id="matrix-slot"></div>
<h2>Results</h2>
<div id="filters"><select id="f-adapter"></select><select id="f-suite"></select><select id="f-level"></select><select id="f-status"></select><input id="f-text" placeholder="search case or message"></div>
<div id="results-slot"></div>
<div id="bench-slot"></div><div id="trend-slot"></div>
<script type="application/json" id="awc-data">${embed({ ...report, results: report.results.map((r) => (r.evidence ? { ...r, evidence: limitDepth(r.evidence) } : r)) })}</script>
<script type="application/json" id="awc-history">${embed(history)}</script>
<script>${chartSource()}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
