/** `awc compare BASE HEAD`: benchmark regressions and conformance changes, for a terminal or as Markdown. */
import { compareReports, type BenchmarkChange } from '../bench/compare.ts';
import { renderCompareHtml } from '../report/render/compare-html.ts';
import { mdText, visibleControls } from '../report/render/safe.ts';
import { UsageError } from '../selection.ts';
import { checkOutput, refuseOverwrite, writeAtomic } from './output.ts';
import { loadReport } from './report.ts';
import { EXIT } from './run.ts';

const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
const ns = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(3)} ms` : x >= 1e3 ? `${(x / 1e3).toFixed(2)} µs` : `${x.toFixed(1)} ns`);

function row(c: BenchmarkChange, md: boolean): string {
  const cells = [
    c.adapterId,
    c.unit === 'runs' ? c.benchmarkId : `${c.benchmarkId} (samples!)`,
    ns(c.baseMedian),
    ns(c.headMedian),
    `${pct(c.ratio)} [${pct(c.ratioCI95[0])}, ${pct(c.ratioCI95[1])}]`,
    c.p < 1e-4 ? '<1e-4' : c.p.toFixed(4),
    c.verdict,
  ];
  return md ? `| ${cells.map((x, i) => (i < 2 ? mdText(x) : x)).join(' | ')} |` : cells.map((x, i) => x.padEnd([16, 30, 11, 11, 34, 8, 0][i]!)).join(' ');
}

export async function compareCommand(
  baseFile: string,
  headFile: string,
  flags: { threshold: number; alpha: number; format: string; out?: string },
): Promise<number> {
  if (!['text', 'md', 'html'].includes(flags.format)) throw new UsageError(`--format must be text, md or html, not ${flags.format}`);
  if (flags.format === 'html' && flags.out === undefined) throw new UsageError('--format html needs --out FILE');
  if (flags.format !== 'html' && flags.out !== undefined) throw new UsageError('--out is for --format html; text and md go to standard output');
  const outPath = flags.out !== undefined ? await checkOutput(flags.out, '--out') : undefined;
  if (outPath) await refuseOverwrite(outPath, [baseFile, headFile], '--out');
  const [base, head] = await Promise.all([loadReport(baseFile), loadReport(headFile)]);
  const { benchmarks, conformance } = compareReports(base, head, { threshold: flags.threshold / 100, alpha: flags.alpha });
  if (flags.format === 'html') {
    await writeAtomic(outPath!, renderCompareHtml(baseFile, headFile, benchmarks, conformance));
    process.stderr.write(`wrote ${flags.out}\n`);
  }
  const md = flags.format === 'md';
  const out: string[] = [];
  out.push(
    md
      ? `### Benchmarks (threshold ${flags.threshold} %, α = ${flags.alpha})`
      : `Benchmarks (regression = Mann-Whitney p < ${flags.alpha}, change > ${flags.threshold} %, ratio CI95 clear of 1)`,
  );
  if (benchmarks.length === 0) out.push('no benchmark present in both reports');
  else {
    if (md) out.push('| adapter | benchmark | base | head | change [CI95] | p | verdict |', '|---|---|---|---|---|---|---|');
    for (const c of benchmarks) out.push(row(c, md));
  }
  out.push('', md ? '### Conformance changes' : 'Conformance changes');
  if (conformance.length === 0) out.push('none');
  for (const c of conformance)
    out.push(
      md
        ? `- ${c.change}: \\[${c.level}\\] ${mdText(c.adapterId)} ${mdText(c.caseId)} (${c.base} → ${c.head})`
        : `  ${c.change}: [${c.level}] ${c.adapterId} ${c.caseId} (${c.base} → ${c.head})`,
    );
  // Ids come from the report files: no control character of theirs reaches the terminal.
  process.stdout.write(visibleControls(out.join('\n')) + '\n');
  const regressions = benchmarks.filter((c) => c.verdict === 'regression').length;
  const newlyFailingMust = conformance.filter((c) => c.change === 'newly failing' && c.level === 'MUST').length;
  if (regressions || newlyFailingMust) {
    process.stderr.write(`\n${regressions} regression(s), ${newlyFailingMust} newly failing MUST case(s)\n`);
    return EXIT.FAILURES;
  }
  return EXIT.OK;
}
