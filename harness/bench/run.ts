/**
 * Runs benchmarks on adapters: samples come from inside each runtime (Instance.bench), except
 * the protocol round trip, which the harness times around the adapter contract. Statistics are
 * computed here, the same way for every adapter.
 */
import { benchBatches } from './batches.ts';
import type { Adapter, AdapterDescription, BenchSample, Instance, ModuleHandle, Session } from '../adapter.ts';
import { loadComponentFixture } from '../components.ts';
import { loadFixture } from '../fixtures.ts';
import { formatOutcome } from '../outcome.ts';
import type { BenchmarkResult } from '../report/types.ts';
import { mbPerSecond } from './component-async.ts';
import { COMPONENT_GUEST, FLOOR_ID, type BenchmarkDef } from './overhead.ts';
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

/** What one benchmark runs on one adapter: a core module, or the guest component on component-only adapters. */
interface Workload {
  load(session: Session): Promise<ModuleHandle>;
  export: string;
  args: BenchmarkDef['args'];
  opsPerIteration: number;
  plain: boolean;
}

function workload(def: BenchmarkDef, description: AdapterDescription): Workload | { unsupported: string } {
  if (def.componentAsync) {
    // Native component async is its own feature: a row may take components, or core modules, without it.
    if (!description.features.componentAsync) return { unsupported: 'the adapter does not declare componentAsync (native component async, SPEC.md §14)' };
    return {
      async load(session) {
        if (!session.loadComponent) throw new Error(`${description.id} declares componentAsync but cannot load components`);
        return session.loadComponent({ bytes: await loadComponentFixture(def.fixture) }, def.fixture);
      },
      export: def.export,
      args: def.args,
      opsPerIteration: def.opsPerIteration,
      plain: false,
    };
  }
  if (!description.features.coreModules && description.features.components) {
    const c = def.component;
    if (!c) return { unsupported: 'no component variant of this benchmark' };
    const bindings = c.plain ? ('sync' as const) : ('async' as const);
    return {
      async load(session) {
        if (!session.loadComponent) throw new Error(`${description.id} cannot load components`);
        return session.loadComponent({ bytes: await loadComponentFixture(COMPONENT_GUEST), bindings }, `${COMPONENT_GUEST} (${bindings} bindings)`);
      },
      export: c.export,
      args: c.args,
      opsPerIteration: c.opsPerIteration,
      // jco: the glue of a synchronous transpile, called without an await; adapters without a
      // synchronous call path (wasmtime's async store) refuse it as unsupported.
      plain: c.plain ?? false,
    };
  }
  if (def.componentOnly) return { unsupported: 'measured on component adapters only' };
  return {
    load: async (session) => session.load(await loadFixture(def.fixture), def.fixture),
    export: def.export,
    args: def.args,
    opsPerIteration: def.opsPerIteration,
    plain: def.plain ?? false,
  };
}

/** Bound on the checking call (a 16 MiB stream copy takes about 1 s on jco): a hang is an error, not a wait. */
const CHECK_DEADLINE_MS = 30_000;

/** One measurement of one benchmark in one session: ns per operation, per raw sample. */
async function measureOnce(
  def: BenchmarkDef,
  work: Workload,
  session: Session,
  options: BenchRunOptions,
  onNote: (note: string) => void,
): Promise<number[] | { status: 'unsupported' | 'error'; message: string }> {
  const module = await work.load(session);
  const budget = { budgetMs: Math.max(100, Math.round(options.budgetMs / options.repeat)), warmupMs: options.warmupMs };
  if (def.instantiate) {
    if (!session.benchInstantiate) return { status: 'unsupported', message: 'the adapter cannot benchmark instantiation' };
    return (await session.benchInstantiate(module, budget)).map((s) => s.totalNs / s.iterations / work.opsPerIteration);
  }
  const instance: Instance = await session.instantiate(module, {});
  try {
    if (def.expect !== undefined) {
      // A runtime that gets the work wrong is not timed: one checked call first, the same on every adapter.
      const o = await instance.call(work.export, work.args, { results: ['i32'], deadlineMs: CHECK_DEADLINE_MS });
      const got = o.kind === 'ok' && typeof o.values[0]?.value === 'number' ? o.values[0].value >>> 0 : undefined;
      if (got !== def.expect)
        return {
          status: 'error',
          message: `${work.export}(${work.args.map((a) => String(a.value)).join(', ')}) gave ${got ?? formatOutcome(o)}, expected ${def.expect}`,
        };
    }
    if (def.note) {
      const o = await instance.call(def.note.export, [], { results: ['i32'], deadlineMs: CHECK_DEADLINE_MS });
      onNote(o.kind === 'ok' && typeof o.values[0]?.value === 'number' ? def.note.text(o.values[0].value >>> 0) : `${def.note.export}: ${formatOutcome(o)}`);
    }
    let raw: BenchSample[];
    if (def.harnessSide) {
      raw = await benchBatches(async () => {
        const o = await instance.call(work.export, work.args, { results: ['i32'] });
        if (o.kind !== 'ok') throw new Error(`${work.export} failed: ${JSON.stringify(o)}`);
      }, budget);
    } else {
      if (!instance.bench) return { status: 'unsupported', message: 'the adapter cannot benchmark inside its runtime' };
      raw = await instance.bench(work.export, work.args, { results: ['i32'], ...budget, ...(work.plain ? { plain: true } : {}) });
    }
    if (raw.length === 0) return { status: 'error', message: 'the adapter returned no samples' };
    return raw.map((s) => s.totalNs / s.iterations / work.opsPerIteration);
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
    /** Evidence from `note` exports, distinct texts over the runs. */
    const notes = new Map<string, Set<string>>();
    const failures = new Map<string, { status: 'unsupported' | 'error' | 'unavailable'; message: string }>();
    if (!description.available) {
      for (const def of options.benchmarks) failures.set(def.id, { status: 'unavailable', message: description.reason ?? 'unavailable' });
    }
    for (const def of options.benchmarks) {
      if (def.harnessSide && description.process === 'in-process')
        failures.set(def.id, { status: 'unsupported', message: 'in-process adapter: there is no protocol round trip' });
    }
    // Each run is a fresh session (a fresh process for out-of-process adapters): run-to-run
    // variance (JIT tiers, memory layout, machine load) is the noise `awc compare` must see.
    for (let run = 0; run < options.repeat && description.available; run++) {
      const session = await adapter.open({ httpOrigin: options.httpOrigin });
      try {
        for (const def of shuffled(options.benchmarks, random)) {
          if (failures.has(def.id)) continue;
          const work = workload(def, description);
          if ('unsupported' in work) {
            failures.set(def.id, { status: 'unsupported', message: work.unsupported });
            continue;
          }
          try {
            const measured = await measureOnce(def, work, session, options, (note) => notes.set(def.id, new Set([...(notes.get(def.id) ?? []), note])));
            if (Array.isArray(measured)) runs.set(def.id, [...(runs.get(def.id) ?? []), measured]);
            else failures.set(def.id, measured);
          } catch (err) {
            const e = err as Error & { code?: string; detail?: string };
            const unsupported = e.code === 'unsupported' || e.code === 'unknown-method';
            // An unsupported status already says so; an error keeps the adapter's code.
            failures.set(def.id, { status: unsupported ? 'unsupported' : 'error', message: unsupported && e.detail ? e.detail : e.message });
            if (session.isAlive && !session.isAlive()) break;
          }
        }
      } finally {
        await session.close().catch(() => {});
      }
    }
    const mine: BenchmarkResult[] = options.benchmarks.map((def) => {
      const work = workload(def, description);
      const failure = failures.get(def.id);
      if (failure) return { ...base(def), ...(def.nextTo ? { nextTo: def.nextTo } : {}), ...failure };
      const perRun = runs.get(def.id) ?? [];
      const pooled = perRun.flat();
      // A run that ended early (its session died on another benchmark) leaves later ones unmeasured.
      if (pooled.length === 0)
        return {
          ...base(def),
          status: 'error',
          message: 'not measured: the session ended before this benchmark ran (see the other benchmarks of this adapter)',
        };
      return {
        ...base(def),
        status: 'measured',
        opsPerIteration: 'unsupported' in work ? def.opsPerIteration : work.opsPerIteration,
        summary: summarise(pooled),
        samples: pooled.map(round3),
        runMedians: perRun.map((r) => round3(median(sortSamples(r)))),
        ...throughput(def, pooled),
        ...(notes.has(def.id) ? { message: [...notes.get(def.id)!].join('; ') } : {}),
      };
    });
    const floor = mine.find((r) => r.benchmarkId === FLOOR_ID && r.summary)?.summary?.median;
    for (const r of mine) {
      // A throughput (bytes per operation) against a crossing's cost says nothing: no ratio there.
      if (floor && r.summary && r.bytesPerOp === undefined) r.ratioToFloor = Math.round((r.summary.median / floor) * 100) / 100;
      options.onResult?.(r);
    }
    results.push(...mine);
  }
  return { adapters: descriptions, benchmarks: results };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Stream benchmarks: bytes per operation and MB/s at the pooled median (the same median the summary gives). */
function throughput(def: BenchmarkDef, pooled: number[]): Pick<BenchmarkResult, 'bytesPerOp' | 'mbPerSecond' | 'nextTo'> {
  const out: Pick<BenchmarkResult, 'bytesPerOp' | 'mbPerSecond' | 'nextTo'> = def.nextTo ? { nextTo: def.nextTo } : {};
  if (def.bytesPerOp === undefined) return out;
  const m = median(sortSamples(pooled));
  return { ...out, bytesPerOp: def.bytesPerOp, ...(m > 0 ? { mbPerSecond: round3(mbPerSecond(def.bytesPerOp, m)) } : {}) };
}
