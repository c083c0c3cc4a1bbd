/** The compare view as one self-contained HTML page: ratio of medians per benchmark with its CI95, and conformance changes. */
import type { BenchmarkChange, ConformanceChange } from '../../bench/compare.ts';
import { chartSource, embed } from './html.ts';

export function renderCompareHtml(base: string, head: string, benchmarks: BenchmarkChange[], conformance: ConformanceChange[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = benchmarks
    .map(
      (c) =>
        `<tr class="${c.verdict.replace(' ', '-')}"><td>${esc(c.adapterId)}</td><td>${esc(c.benchmarkId)}</td><td>${c.baseMedian.toFixed(1)}</td><td>${c.headMedian.toFixed(1)}</td><td>${c.ratio.toFixed(3)} [${c.ratioCI95.map((x) => x.toFixed(3)).join(', ')}]</td><td>${c.p.toPrecision(2)}</td><td>${c.verdict}</td></tr>`,
    )
    .join('\n');
  const changes =
    conformance.map((c) => `<li>${c.change}: [${c.level}] ${esc(c.adapterId)} ${esc(c.caseId)} (${c.base} → ${c.head})</li>`).join('\n') || '<li>none</li>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>awc compare</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem}td,th{border:1px solid #d0d7de;padding:.3rem .5rem}table{border-collapse:collapse}.regression{color:#cf222e;font-weight:600}.improvement{color:#1a7f37}canvas{max-width:60rem}</style></head><body>
<h1>awc compare</h1><div>base ${esc(base)} · head ${esc(head)}</div>
<h2>Benchmarks: head / base median (ns/op), bootstrap CI95</h2>
<table id="compare"><tr><th>adapter</th><th>benchmark</th><th>base</th><th>head</th><th>ratio [CI95]</th><th>p</th><th>verdict</th></tr>${rows}</table>
<canvas id="ratios"></canvas>
<h2>Conformance changes</h2><ul>${changes}</ul>
<script type="application/json" id="awc-compare">${embed(benchmarks)}</script>
<script>${chartSource()}</script>
<script>
const rows = JSON.parse(document.getElementById('awc-compare').textContent);
if (rows.length) new Chart(document.getElementById('ratios'), { type: 'bar', data: { labels: rows.map(r => r.adapterId + ' ' + r.benchmarkId), datasets: [{ label: 'head / base', data: rows.map(r => r.ratio), backgroundColor: rows.map(r => r.verdict === 'regression' ? '#cf222e' : r.verdict === 'improvement' ? '#1a7f37' : '#8c959f') }] },
  options: { animation: false, indexAxis: 'y' }, plugins: [{ id: 'ci', afterDatasetsDraw(chart) { const ctx = chart.ctx, x = chart.scales.x; chart.getDatasetMeta(0).data.forEach((bar, i) => { ctx.save(); ctx.beginPath(); ctx.moveTo(x.getPixelForValue(rows[i].ratioCI95[0]), bar.y); ctx.lineTo(x.getPixelForValue(rows[i].ratioCI95[1]), bar.y); ctx.stroke(); ctx.restore(); }); } }] });
</script></body></html>
`;
}
