/**
 * The component-async benchmarks beside the same work on the sync-ABI component and the core
 * module of the same engine: each `cma.*` result that names `nextTo` is paired with that
 * benchmark's results on every adapter of the same engine (name and version, without the
 * ` + <toolchain>` a jco row adds: its glue runs on that engine), split by what the adapter loads. Ratios are the cma median ÷ the other median (below 1: the native async path is
 * cheaper). Only measured results take part; nothing here is a figure of its own.
 */
import type { AdapterDescription } from '../adapter.ts';
import type { BenchmarkResult } from '../report/types.ts';

export interface SideBySideRow {
  engine: string;
  benchmarkId: string;
  adapterId: string;
  median: number;
  /** The same work elsewhere on this engine: sync-ABI components and core modules. */
  beside: { benchmarkId: string; adapterId: string; kind: 'sync-ABI component' | 'core module'; median: number; ratio: number }[];
}

const engineOf = (d: AdapterDescription) => `${d.engine.name} ${d.engine.version.split(' + ')[0]}`;

export function sideBySide(adapters: readonly AdapterDescription[], results: readonly BenchmarkResult[]): SideBySideRow[] {
  const byId = new Map(adapters.map((a) => [a.id, a]));
  const rows: SideBySideRow[] = [];
  for (const r of results) {
    const a = byId.get(r.adapterId);
    if (!r.nextTo || !r.summary || !a?.available) continue;
    const beside = results
      .filter((o) => o.benchmarkId === r.nextTo && o.summary && byId.get(o.adapterId)?.available && engineOf(byId.get(o.adapterId)!) === engineOf(a))
      .map((o) => {
        const d = byId.get(o.adapterId)!;
        return {
          benchmarkId: o.benchmarkId,
          adapterId: o.adapterId,
          kind: d.features.coreModules ? ('core module' as const) : ('sync-ABI component' as const),
          median: o.summary!.median,
          ratio: Math.round((r.summary!.median / o.summary!.median) * 100) / 100,
        };
      });
    rows.push({ engine: engineOf(a), benchmarkId: r.benchmarkId, adapterId: r.adapterId, median: r.summary.median, beside });
  }
  return rows;
}
