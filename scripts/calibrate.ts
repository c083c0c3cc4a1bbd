#!/usr/bin/env node
/**
 * Calibrates `awc compare` on this machine. A/A: the same build benchmarked twice must not be
 * flagged (false alarms). A/B: the JS agent's test hook --test-slowdown-ns adds a known busy-wait
 * to every host call; benchmarks where that cost exceeds twice the threshold must be flagged.
 * Usage: npm run calibrate [-- --rounds 3 --slowdown-ns 100 --budget-ms 1500 --repeat 5]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENGINES } from '../adapters/js/rows.ts';
import type { Adapter } from '../harness/adapter.ts';
import { compareBenchmark } from '../harness/bench/compare.ts';
import { OVERHEAD_BENCHMARKS } from '../harness/bench/overhead.ts';
import { runBenchmarks } from '../harness/bench/run.ts';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { processAdapter } from '../harness/protocol/process-adapter.ts';
import { DEFAULT_OUT_DIR } from '../harness/paths.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', 3);
const slowdownNs = arg('--slowdown-ns', 100);
const budgetMs = arg('--budget-ms', 1500);
const repeat = arg('--repeat', 5);
const THRESHOLD = 0.05;
const ALPHA = 0.01;
const BENCHMARKS = OVERHEAD_BENCHMARKS.filter((b) =>
  ['overhead.sync-import', 'overhead.async-ready', 'overhead.async-next-turn', 'overhead.call-entry-async'].includes(b.id),
);

const located = ENGINES.node24.locate();
if ('unavailable' in located) throw new Error(located.unavailable);
const agent = (id: string, extra: string[]): Adapter =>
  processAdapter({ id, resolve: async () => ({ command: [located.binary, await agentBundle(), '--strategy', 'jspi', ...extra] }) });

async function measure(adapter: Adapter) {
  const { benchmarks } = await runBenchmarks({
    adapters: [adapter],
    benchmarks: BENCHMARKS,
    budgetMs,
    warmupMs: 200,
    repeat,
    httpOrigin: 'http://127.0.0.1:9',
  });
  return new Map(benchmarks.map((b) => [b.benchmarkId, b]));
}

const aa: { round: number; benchmarkId: string; ratio: number; p: number; verdict: string }[] = [];
const ab: { round: number; benchmarkId: string; ratio: number; p: number; verdict: string; expected: boolean }[] = [];
const plain = agent('calibration-a', []);
const slowed = agent('calibration-b', ['--test-slowdown-ns', String(slowdownNs)]);
for (let round = 1; round <= rounds; round++) {
  const a1 = await measure(plain);
  const a2 = await measure(plain);
  const b = await measure(slowed);
  for (const def of BENCHMARKS) {
    const same = compareBenchmark(a1.get(def.id)!, a2.get(def.id)!, { threshold: THRESHOLD, alpha: ALPHA });
    if (same) aa.push({ round, benchmarkId: def.id, ratio: same.ratio, p: same.p, verdict: same.verdict });
    const slow = compareBenchmark(a1.get(def.id)!, b.get(def.id)!, { threshold: THRESHOLD, alpha: ALPHA });
    // Each op of these benchmarks makes exactly one host call, so the injected cost per op is slowdownNs.
    const injectedRatio = def.id === 'overhead.call-entry-async' ? 0 : slowdownNs / (same?.baseMedian ?? Infinity);
    if (slow) ab.push({ round, benchmarkId: def.id, ratio: slow.ratio, p: slow.p, verdict: slow.verdict, expected: injectedRatio > 2 * THRESHOLD });
  }
  console.log(`round ${round}/${rounds} done`);
}

const falseAlarms = aa.filter((r) => r.verdict !== 'no change').length;
const expected = ab.filter((r) => r.expected);
const detected = expected.filter((r) => r.verdict === 'regression').length;
const spurious = ab.filter((r) => !r.expected && r.verdict !== 'no change').length;
const summary = {
  machine: `${process.platform} ${process.arch}`,
  threshold: THRESHOLD,
  alpha: ALPHA,
  rounds,
  budgetMs,
  repeat,
  slowdownNs,
  aa: { comparisons: aa.length, falseAlarms, falseAlarmRate: aa.length ? falseAlarms / aa.length : null, rows: aa },
  ab: {
    expectedDetections: expected.length,
    detected,
    detectionRate: expected.length ? detected / expected.length : null,
    flaggedWithoutExpectedEffect: spurious,
    rows: ab,
  },
};
await mkdir(DEFAULT_OUT_DIR, { recursive: true });
const out = join(DEFAULT_OUT_DIR, 'calibration.json');
await writeFile(out, JSON.stringify(summary, null, 2));
console.table(
  [...aa.map((r) => ({ kind: 'A/A', ...r })), ...ab.map((r) => ({ kind: `A/B +${slowdownNs} ns`, ...r }))].map((r) => ({
    ...r,
    ratio: +r.ratio.toFixed(3),
    p: +r.p.toPrecision(2),
  })),
);
console.log(
  `A/A: ${falseAlarms} false alarm(s) in ${aa.length} comparisons; A/B: detected ${detected} of ${expected.length} expected regressions (${spurious} flagged where no effect was expected). Written to ${out}`,
);
