/**
 * Runs benchmarks on adapters: samples come from inside each runtime (Instance.bench), except
 * the protocol round trip, which the harness times around the adapter contract. Statistics are
 * computed here, the same way for every adapter.
 */
import { benchBatches } from '../../adapters/js/bench.ts';
import type { Adapter, AdapterDescription, Instance, Session } from '../adapter.ts';
import { loadFixture } from '../fixtures.ts';
import type { BenchmarkResult } from '../report/types.ts';
import { FLOOR_ID, type BenchmarkDef } from './overhead.ts';
import { median, prng, sortSamples, summarise } from './statistics.ts';

export interface BenchRunOptions {
  adapters: Adapter[];
  benchmarks: readonly BenchmarkDef[];
  /** Measuring time per benchmark and adapter, split over the runs. */
  budgetMs: number;
  warmupMs: number;
  /** Independent runs (fresh sessions) per adapter. */
  repeat: number;
  seed?: number;
  httpOrigin: string;
  onResult?: (r: BenchmarkResult) => void;
  onAdapter?: (d: AdapterDescription) => void;
}

/** One measurement of one benchmark in one session: ns per operation, per raw sample. */
async function measureOnce(def: BenchmarkDef, session: Session, options: BenchRunOptions): Promise<number[] | { status: 'unsupported' | 'error'; message: string }> {
  const module = await session.load(await loadFixture(def.fixture), def.fixture);
  const budget = { budgetMs: Math.max(100, Math.round(options.budgetMs / options.repeat)), warmupMs: options.warmupMs };
  if (def.instantiate) {
    if (!session.benchInstantiate) return { status: 'unsupported', message: 'the adapter cannot benchmark instantiation' };
    return (await session.benchInstantiate(module, budget)).map((s) => s.totalNs / s.iterations / def.opsPerIteration);
  }
  const instance: Instance = await session.instantiate(module, {});
  try {
    let raw;
    if (def.harnessSide) {
      raw = await benchBatches(async () => {
        const o = await instance.call(def.export, def.args, { results: ['i32'] });
        if (o.kind !== 'ok') throw new Error(`${def.export} failed: ${JSON.stringify(o)}`);
      }, budget);
    } else {
      if (!instance.bench) return { status: 'unsupported', message: 'the adapter cannot benchmark inside its runtime' };
      raw = await instance.bench(def.export, def.args, { results: ['i32'], ...budget, ...(def.plain ? { plain: true } : {}) });
    }
    if (raw.length === 0) return { status: 'error', message: 'the adapter returned no samples' };
    return raw.map((s) => s.totalNs / s.iterations / def.opsPerIteration);
  } finally {
    await instance.dispose();
  }
}

/** Fisher-Yates with a seeded generator: the order benchmarks run in differs per run, reproducibly. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function runBenchmarks(options: BenchRunOptions): Promise<{ adapters: AdapterDescription[]; benchmarks: BenchmarkResult[] }> {
  const descriptions: AdapterDescription[] = [];
  const results: BenchmarkResult[] = [];
  const random = prng(options.seed ?? 1);
  for (const adapter of options.adapters) {
    const description = await adapter.describe();
    descriptions.push(description);
    options.onAdapter?.(description);
    const base = (def: BenchmarkDef) => ({ benchmarkId: def.id, adapterId: adapter.id, title: def.title, unit: 'ns/op' as const });
    const runs = new Map<string, number[][]>();
    const failures = new Map<string, { status: 'unsupported' | 'error' | 'unavailable'; message: string }>();
    if (!description.available) {
      for (const def of options.benchmarks) failures.set(def.id, { status: 'unavailable', message: description.reason ?? 'unavailable' });
    }
    for (const def of options.benchmarks) {
      if (def.harnessSide && description.process === 'in-process') failures.set(def.id, { status: 'unsupported', message: 'in-process adapter: there is no protocol round trip' });
    }
    // Each run is a fresh session (a fresh process for out-of-process adapters): run-to-run
    // variance (JIT tiers, memory layout, machine load) is the noise `awc compare` must see.
    for (let run = 0; run < options.repeat && description.available; run++) {
      const session = await adapter.open({ httpOrigin: options.httpOrigin });
      try {
        for (const def of shuffled(options.benchmarks, random)) {
          if (failures.has(def.id)) continue;
          try {
            const measured = await measureOnce(def, session, options);
            if (Array.isArray(measured)) runs.set(def.id, [...(runs.get(def.id) ?? []), measured]);
            else failures.set(def.id, measured);
          } catch (err) {
            const e = err as Error & { code?: string };
            failures.set(def.id, { status: e.code === 'unsupported' || e.code === 'unknown-method' ? 'unsupported' : 'error', message: e.message });
            if (session.isAlive && !session.isAlive()) break;
          }
        }
      } finally {
        await session.close().catch(() => {});
      }
    }
    const mine: BenchmarkResult[] = options.benchmarks.map((def) => {
      const failure = failures.get(def.id);
      if (failure) return { ...base(def), ...failure };
      const perRun = runs.get(def.id) ?? [];
      const pooled = perRun.flat();
      return {
        ...base(def),
        status: 'measured',
        opsPerIteration: def.opsPerIteration,
        summary: summarise(pooled),
        samples: pooled.map(round3),
        runMedians: perRun.map((r) => round3(median(sortSamples(r)))),
      };
    });
    const floor = mine.find((r) => r.benchmarkId === FLOOR_ID && r.summary)?.summary?.median;
    for (const r of mine) {
      if (floor && r.summary) r.ratioToFloor = Math.round((r.summary.median / floor) * 100) / 100;
      options.onResult?.(r);
    }
    results.push(...mine);
  }
  return { adapters: descriptions, benchmarks: results };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
