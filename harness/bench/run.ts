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
import { summarise } from './statistics.ts';

export interface BenchRunOptions {
  adapters: Adapter[];
  benchmarks: readonly BenchmarkDef[];
  budgetMs: number;
  warmupMs: number;
  httpOrigin: string;
  onResult?: (r: BenchmarkResult) => void;
  onAdapter?: (d: AdapterDescription) => void;
}

async function measure(def: BenchmarkDef, session: Session, options: BenchRunOptions): Promise<Omit<BenchmarkResult, 'benchmarkId' | 'adapterId' | 'title' | 'unit'>> {
  const module = await session.load(await loadFixture(def.fixture), def.fixture);
  const instance: Instance = await session.instantiate(module, {});
  try {
    let raw;
    if (def.harnessSide) {
      raw = await benchBatches(async () => {
        const o = await instance.call(def.export, def.args, { results: ['i32'] });
        if (o.kind !== 'ok') throw new Error(`${def.export} failed: ${JSON.stringify(o)}`);
      }, options);
    } else {
      if (!instance.bench) return { status: 'unsupported', message: 'the adapter cannot benchmark inside its runtime' };
      raw = await instance.bench(def.export, def.args, { results: ['i32'], budgetMs: options.budgetMs, warmupMs: options.warmupMs, ...(def.plain ? { plain: true } : {}) });
    }
    if (raw.length === 0) return { status: 'error', message: 'the adapter returned no samples' };
    const samples = raw.map((s) => s.totalNs / s.iterations / def.opsPerIteration);
    return { status: 'measured', opsPerIteration: def.opsPerIteration, summary: summarise(samples), samples: samples.map((x) => Math.round(x * 1000) / 1000) };
  } finally {
    await instance.dispose();
  }
}

export async function runBenchmarks(options: BenchRunOptions): Promise<{ adapters: AdapterDescription[]; benchmarks: BenchmarkResult[] }> {
  const descriptions: AdapterDescription[] = [];
  const results: BenchmarkResult[] = [];
  for (const adapter of options.adapters) {
    const description = await adapter.describe();
    descriptions.push(description);
    options.onAdapter?.(description);
    const base = (def: BenchmarkDef) => ({ benchmarkId: def.id, adapterId: adapter.id, title: def.title, unit: 'ns/op' as const });
    const mine: BenchmarkResult[] = [];
    const emit = (r: BenchmarkResult) => {
      mine.push(r);
      options.onResult?.(r);
    };
    if (!description.available) {
      for (const def of options.benchmarks) emit({ ...base(def), status: 'unavailable', message: description.reason ?? 'unavailable' });
    } else {
      let session = await adapter.open({ httpOrigin: options.httpOrigin });
      try {
        for (const def of options.benchmarks) {
          if (def.harnessSide && description.process === 'in-process') {
            emit({ ...base(def), status: 'unsupported', message: 'in-process adapter: there is no protocol round trip' });
            continue;
          }
          try {
            emit({ ...base(def), ...(await measure(def, session, options)) });
          } catch (err) {
            const e = err as Error & { code?: string };
            emit({ ...base(def), status: e.code === 'unsupported' ? 'unsupported' : 'error', message: e.message });
            if (session.isAlive && !session.isAlive()) session = await adapter.open({ httpOrigin: options.httpOrigin });
          }
        }
      } finally {
        await session.close().catch(() => {});
      }
    }
    const floor = mine.find((r) => r.benchmarkId === FLOOR_ID && r.summary)?.summary?.median;
    for (const r of mine) if (floor && r.summary) r.ratioToFloor = Math.round((r.summary.median / floor) * 100) / 100;
    results.push(...mine);
  }
  return { adapters: descriptions, benchmarks: results };
}
