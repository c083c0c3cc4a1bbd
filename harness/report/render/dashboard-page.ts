/**
 * The HTML report's style and browser script (html.ts assembles the page). Views, in page order:
 * differences (requirements the selected rows disagree on, harness/report/differences.ts),
 * the requirements × runtimes heat map, one panel per runtime, charts, every result.
 * Every string from the report reaches the page as a DOM text node or an attribute value set
 * with setAttribute, never as markup; colours come from numbers only.
 * Written without template literals so this file can hold it in one.
 */
import { differences } from '../differences.ts';

export const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}
nav a{margin-right:1rem}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}th.rot{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500;padding:.4rem .2rem}
.pass{color:#1a7f37}.fail,.error,.timeout,.unexpected-pass{color:#cf222e;font-weight:600}.expected-fail{color:#9a6700}.unsupported,.unavailable,.skipped{color:#57606a}
td.o{text-align:center;white-space:nowrap;font-size:12px}td.o-pass{background:#dafbe1;color:#116329}td.o-fail{background:#ffd8d3;color:#a40e26;font-weight:600}
td.o-error{background:#cf222e;color:#fff;font-weight:600}td.o-expected-fail{background:#fff1b8;color:#7d4e00}td.o-unsupported{background:#f6f8fa;color:#8c959f}
tr.diff{cursor:pointer}tr.diff:hover td.req{background:#eef}.legend span{display:inline-block;padding:0 .4rem;margin-right:.3rem;border:1px solid #d0d7de}
td.heat{min-width:1.6rem;text-align:center;font-size:11px;cursor:pointer;padding:.15rem .2rem}td.heat.na{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#f0f2f4 3px,#f0f2f4 6px)}
td.heat.err{outline:2px solid #000;outline-offset:-2px}tr.suite th{background:#eaeef2;text-align:left}.gap{border-left:4px solid #57606a}td.req{white-space:nowrap}td.drill{max-width:90rem}th.group{text-align:center}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem;white-space:pre-wrap}.muted{color:#57606a}.case{margin:.4rem 0 .8rem}
#filters select,#filters input{margin-right:.5rem}tr.result{cursor:pointer}tr.result:hover{background:#f6f8fa}canvas{max-width:64rem}
#rows label{margin-right:.8rem;white-space:nowrap}details.runtime{border:1px solid #d0d7de;padding:.4rem .6rem;margin:.3rem 0}details.runtime summary{cursor:pointer}`;

export const SCRIPT = `
const report = JSON.parse(document.getElementById('awc-data').textContent);
const history = JSON.parse(document.getElementById('awc-history').textContent);
const differences = ${differences.toString()};
const el = (tag, attrs, ...kids) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs || {})) { if (k === 'onclick') e.onclick = v; else e.setAttribute(k, v); } for (const k of kids) e.append(k); return e; };
const statuses = ['pass','fail','expected-fail','unexpected-pass','unsupported','unavailable','timeout','error','skipped'];
const NOT_RUN = new Set(['unsupported','unavailable','skipped']);
const suites = [...new Set(report.results.map(r => r.suite))];
const requirements = []; const reqInfo = new Map();
for (const r of report.results) if (!reqInfo.has(r.requirement)) { reqInfo.set(r.requirement, { level: r.level, suite: r.suite }); requirements.push(r.requirement); }
// One index of results by row and requirement: every view reads it instead of filtering all results.
const byCell = new Map();
for (const r of report.results) { const k = r.adapterId + '\\u0000' + r.requirement; let l = byCell.get(k); if (!l) byCell.set(k, l = []); l.push(r); }
const cellResults = (a, req) => byCell.get(a + '\\u0000' + req) || [];
const selected = new Set(report.adapters.map(a => a.id));
// Core-module rows and component rows are separate column groups (a row with both is a core row).
const coreRows = report.adapters.filter(a => a.features.coreModules).map(a => a.id);
const componentRows = report.adapters.filter(a => !a.features.coreModules).map(a => a.id);

function renderRows() {
  const box = document.getElementById('rows');
  for (const a of report.adapters) {
    const cb = el('input', { type: 'checkbox', 'data-adapter': a.id }); cb.checked = true;
    cb.onchange = () => { if (cb.checked) selected.add(a.id); else selected.delete(a.id); renderDifferences(); renderHeatmap(); };
    box.append(el('label', {}, cb, ' ' + a.id));
  }
}

// Short cell labels (the colour says the class too; the legend and the tooltip spell it out).
const SHORT = { pass: '✓', fail: '✗', 'expected-fail': 'xfail', error: 'error', unsupported: '·' };
function cellLabel(c) {
  const n = c.counts[c.outcome] || 0;
  return { text: SHORT[c.outcome] + ' ' + n, title: c.adapterId + ': ' + Object.entries(c.counts).map(([k, v]) => v + ' ' + k).join(', ') };
}
function caseDetails(req, ids) {
  const box = el('td', { colspan: String(3 + ids.length), class: 'drill' });
  const cases = new Map();
  for (const a of ids) for (const r of cellResults(a, req)) { let l = cases.get(r.caseId); if (!l) cases.set(r.caseId, l = []); l.push(r); }
  for (const [caseId, rs] of cases) {
    const div = el('div', { class: 'case', 'data-case': caseId }, el('b', {}, caseId));
    const passed = rs.filter(r => r.status === 'pass').map(r => r.adapterId);
    const notRun = rs.filter(r => NOT_RUN.has(r.status)).map(r => r.adapterId);
    if (passed.length) div.append(el('div', { class: 'pass' }, 'pass on ' + passed.join(', ')));
    if (notRun.length) div.append(el('div', { class: 'unsupported' }, 'not run (' + [...new Set(rs.filter(r => NOT_RUN.has(r.status)).map(r => r.message))].join('; ') + ') on ' + notRun.join(', ')));
    for (const r of rs.filter(r => r.status !== 'pass' && !NOT_RUN.has(r.status))) {
      const d = el('div', { class: 'outcome', 'data-adapter': r.adapterId }, el('span', { class: r.status }, r.status), ' on ', el('b', {}, r.adapterId), ': ', r.message || '');
      if (r.reproduce) d.append(el('div', {}, 'rerun ', el('code', { class: 'rerun' }, r.reproduce)));
      if (r.evidence) d.append(el('details', {}, el('summary', {}, 'evidence'), el('pre', { class: 'evidence' }, JSON.stringify(r.evidence, null, 2))));
      div.append(d);
    }
    box.append(div);
  }
  return el('tr', { class: 'diff-details' }, box);
}
function renderDifferences() {
  // Core-module rows first, then component rows, as in the heat map.
  const ids = [...coreRows, ...componentRows].filter(a => selected.has(a));
  const gap = new Set(coreRows.some(a => selected.has(a)) ? componentRows.filter(a => selected.has(a)).slice(0, 1) : []);
  const diffs = differences(report.results, ids);
  const t = el('table', { id: 'differences' }, el('tr', {}, el('th', {}, 'requirement'), el('th', {}, 'level'), el('th', {}, 'suite'), ...ids.map(a => el('th', { class: gap.has(a) ? 'rot gap' : 'rot' }, a))));
  for (const d of diffs) {
    const row = el('tr', { class: 'diff', 'data-requirement': d.requirement }, el('td', { class: 'req' }, d.requirement), el('td', { class: 'req' }, d.level), el('td', { class: 'req' }, d.suite));
    for (const c of d.cells) { const l = cellLabel(c); row.append(el('td', { class: 'o o-' + c.outcome + (gap.has(c.adapterId) ? ' gap' : ''), 'data-adapter': c.adapterId, title: l.title }, l.text)); }
    row.onclick = () => { const next = row.nextSibling; if (next && next.classList && next.classList.contains('diff-details')) next.remove(); else row.after(caseDetails(d.requirement, ids)); };
    t.append(row);
  }
  const head = el('div', { class: 'muted' }, diffs.length + ' requirement(s) on which the ' + ids.length + ' selected row(s) disagree. Click a requirement for its cases.');
  document.getElementById('differences-slot').replaceChildren(head, diffs.length ? t : el('p', {}, 'The selected rows agree on every requirement they ran.'));
}

// Pass ratio over the cases a row ran: 0 red, 1 green (hue 0 to 120).
const heatColour = ratio => 'hsl(' + Math.round(ratio * 120) + ', 62%, ' + Math.round(80 - 10 * ratio) + '%)';
function renderHeatmap() {
  const groups = [['core modules', coreRows.filter(a => selected.has(a))], ['components', componentRows.filter(a => selected.has(a))]].filter(g => g[1].length);
  const cols = groups.flatMap(g => g[1]);
  const firstOfGroup = new Set(groups.slice(1).map(g => g[1][0]));
  const t = el('table', { id: 'heatmap' });
  t.append(el('tr', {}, el('th', { colspan: '2' }, ''), ...groups.map(g => el('th', { class: 'group', colspan: String(g[1].length) }, g[0]))));
  t.append(el('tr', {}, el('th', {}, 'requirement'), el('th', {}, 'level'), ...cols.map(a => el('th', { class: firstOfGroup.has(a) ? 'rot gap' : 'rot' }, a))));
  for (const suite of suites) {
    const reqs = requirements.filter(q => reqInfo.get(q).suite === suite && cols.some(a => cellResults(a, q).some(r => !NOT_RUN.has(r.status))));
    if (!reqs.length) continue;
    t.append(el('tr', { class: 'suite' }, el('th', { colspan: String(2 + cols.length) }, suite)));
    for (const q of reqs) {
      const row = el('tr', {}, el('td', {}, q), el('td', {}, reqInfo.get(q).level));
      for (const a of cols) {
        const rs = cellResults(a, q); const ran = rs.filter(r => !NOT_RUN.has(r.status)); const pass = ran.filter(r => r.status === 'pass').length;
        const td = el('td', { class: firstOfGroup.has(a) ? 'heat gap' : 'heat', 'data-adapter': a, 'data-requirement': q, onclick: () => { filter.adapter = a; filter.requirement = q; sync(); document.getElementById('results').scrollIntoView(); } });
        if (!ran.length) { td.classList.add('na'); td.title = a + ' ' + q + ': not run (' + rs.length + ' case(s) ' + [...new Set(rs.map(r => r.status))].join('/') + ')'; }
        else {
          const ratio = pass / ran.length; td.style.background = heatColour(ratio); td.setAttribute('data-ratio', String(ratio)); td.textContent = pass + '/' + ran.length;
          if (ran.some(r => r.status === 'error' || r.status === 'timeout')) td.classList.add('err');
          const c = {}; for (const r of rs) c[r.status] = (c[r.status] || 0) + 1;
          td.title = a + ' ' + q + ': ' + Object.entries(c).map(([k, v]) => v + ' ' + k).join(', ');
        }
        row.append(td);
      }
      t.append(row);
    }
  }
  document.getElementById('heatmap-slot').replaceChildren(t);
}

function renderRuntimes() {
  const box = document.getElementById('runtimes-slot');
  for (const a of report.adapters) {
    const rs = report.results.filter(r => r.adapterId === a.id);
    const c = {}; for (const r of rs) c[r.status] = (c[r.status] || 0) + 1;
    const d = el('details', { class: 'runtime', 'data-adapter': a.id });
    d.append(el('summary', {}, el('b', {}, a.id), ' — ', a.available ? a.engine.name + ' ' + a.engine.version : 'unavailable: ' + (a.reason || ''), ' — ', a.strategy, ' — ', statuses.filter(s => c[s]).map(s => c[s] + ' ' + s).join(', ')));
    const ft = el('table', { class: 'features' });
    for (const [k, v] of Object.entries(a.features)) ft.append(el('tr', {}, el('th', {}, k), el('td', {}, Array.isArray(v) ? v.join(', ') || '—' : String(v))));
    d.append(el('h3', {}, 'features'), ft);
    d.append(el('div', {}, el('b', {}, 'engine flags '), a.flags.length ? el('code', {}, a.flags.join(' ')) : 'none'));
    d.append(el('div', {}, el('b', {}, 'process '), a.process === 'in-process' ? 'in process' : el('code', {}, a.process.command.join(' '))));
    if (a.transforms && a.transforms.length) d.append(el('div', {}, el('b', {}, 'load-time transforms '), a.transforms.length + ' module(s), ' + a.transforms.reduce((n, t) => n + t.originalBytes, 0) + ' → ' + a.transforms.reduce((n, t) => n + t.transformedBytes, 0) + ' bytes'));
    const listOf = (title, list) => { if (!list.length) return; const ul = el('ul'); for (const r of list) ul.append(el('li', {}, el('span', { class: r.status }, r.status), ' ', el('code', {}, r.caseId), ' [' + r.level + ' ' + r.requirement + '] ', r.message || '')); d.append(el('h3', {}, title + ' (' + list.length + ')'), ul); };
    listOf('expectations: known failures with their reasons', rs.filter(r => r.status === 'expected-fail'));
    listOf('findings: failing results', rs.filter(r => ['fail','error','timeout','unexpected-pass'].includes(r.status)));
    box.append(d);
  }
}

const filter = { adapter: '', suite: '', level: '', status: '', text: '', requirement: '' };
const PAGE = 300; let shown = PAGE;
function matches(r) {
  return (!filter.adapter || r.adapterId === filter.adapter) && (!filter.suite || r.suite === filter.suite) && (!filter.level || r.level === filter.level)
    && (!filter.status || r.status === filter.status) && (!filter.requirement || r.requirement === filter.requirement)
    && (!filter.text || (r.caseId + ' ' + (r.message || '')).toLowerCase().includes(filter.text.toLowerCase()));
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
  const req = filter.requirement ? el('button', { onclick: () => { filter.requirement = ''; renderResults(); } }, 'requirement ' + filter.requirement + ' ✕') : '';
  document.getElementById('results-slot').replaceChildren(el('div', { class: 'muted' }, rs.length + ' result(s) '), req, t, more);
}
function select(id, values, key) {
  const s = document.getElementById(id);
  s.append(...['', ...values].map(v => el('option', { value: v }, v || key + ': all')));
  s.onchange = () => { filter[key] = s.value; shown = PAGE; renderResults(); };
}
function sync() { for (const [id, key] of [['f-adapter','adapter'],['f-suite','suite'],['f-level','level'],['f-status','status']]) document.getElementById(id).value = filter[key]; shown = PAGE; renderResults(); }

function errorBars(ci) { return { id: 'errorBars', afterDatasetsDraw(chart) { const ctx = chart.ctx; chart.data.datasets.forEach((ds, i) => chart.getDatasetMeta(i).data.forEach((bar, j) => { const c = ci[i] && ci[i][j]; if (!c) return; const y = chart.scales.y; ctx.save(); ctx.strokeStyle = '#000'; ctx.beginPath(); ctx.moveTo(bar.x, y.getPixelForValue(c[0])); ctx.lineTo(bar.x, y.getPixelForValue(c[1])); ctx.moveTo(bar.x - 3, y.getPixelForValue(c[0])); ctx.lineTo(bar.x + 3, y.getPixelForValue(c[0])); ctx.moveTo(bar.x - 3, y.getPixelForValue(c[1])); ctx.lineTo(bar.x + 3, y.getPixelForValue(c[1])); ctx.stroke(); ctx.restore(); })); } }; }
function renderBenchmarks() {
  const bs = (report.benchmarks || []).filter(b => b.summary);
  if (!bs.length) return;
  const ids = [...new Set(bs.map(b => b.benchmarkId))]; const adapters = [...new Set(bs.map(b => b.adapterId))];
  const find = (a, id) => bs.find(x => x.adapterId === a && x.benchmarkId === id);
  const datasets = adapters.map(a => ({ label: a, data: ids.map(id => { const b = find(a, id); return b ? b.summary.median : null; }) }));
  const ci = adapters.map(a => ids.map(id => { const b = find(a, id); return b ? b.summary.ci95 : null; }));
  const canvas = el('canvas', { id: 'bench-chart' });
  document.getElementById('bench-slot').replaceChildren(el('h2', {}, 'Benchmarks (median ns per operation per runtime, CI95 bars, log scale)'), canvas);
  new Chart(canvas, { type: 'bar', data: { labels: ids, datasets }, options: { animation: false, scales: { y: { type: 'logarithmic', title: { display: true, text: 'ns/op' } } } }, plugins: [errorBars(ci)] });
}
function renderHistory() {
  if (!history.length) return;
  const adapters = [...new Set(history.flatMap(h => Object.keys(h.counts)))];
  const canvas = el('canvas', { id: 'trend-chart' });
  document.getElementById('trend-slot').replaceChildren(el('h2', {}, 'Trend: passing cases per runtime over runs (--history)'), canvas);
  new Chart(canvas, { type: 'line', data: { labels: history.map(h => h.at.slice(0, 16) + (h.commit ? ' ' + h.commit.slice(0, 7) : '')), datasets: adapters.map(a => ({ label: a, data: history.map(h => (h.counts[a] || {}).pass ?? null) })) }, options: { animation: false } });
}

const t0 = performance.now();
renderRows(); renderDifferences(); renderHeatmap(); renderRuntimes();
select('f-adapter', report.adapters.map(a => a.id), 'adapter'); select('f-suite', suites, 'suite'); select('f-level', ['MUST','SHOULD','MAY'], 'level'); select('f-status', statuses, 'status');
document.getElementById('f-text').oninput = e => { filter.text = e.target.value; shown = PAGE; renderResults(); };
renderResults(); renderBenchmarks(); renderHistory();
// Read by the browser test (render time at 15 rows × 5000 results).
document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - t0)));
`;
