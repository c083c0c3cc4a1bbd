/** Merging shard reports into one: same tool and schema, no case twice, summary recomputed. */
import type { AdapterDescription } from '../adapter.ts';
import { summarise } from './summary.ts';
import type { Report } from './types.ts';

export class MergeError extends Error {
  override name = 'MergeError';
}

export function mergeReports(reports: { file: string; report: Report }[], argv: string[], caseOrder: (caseId: string) => number): Report {
  if (reports.length === 0) throw new MergeError('nothing to merge');
  const first = reports[0]!;
  for (const { file, report } of reports.slice(1)) {
    if (report.schemaVersion !== first.report.schemaVersion)
      throw new MergeError(`${file} has schema ${report.schemaVersion}, ${first.file} has ${first.report.schemaVersion}: refusing to merge`);
    if (report.tool.name !== first.report.tool.name || report.tool.version !== first.report.tool.version) {
      throw new MergeError(
        `${file} comes from ${report.tool.name} ${report.tool.version}, ${first.file} from ${first.report.tool.name} ${first.report.tool.version}: refusing to merge`,
      );
    }
  }
  const adapters: AdapterDescription[] = [];
  for (const { report } of reports) for (const a of report.adapters) if (!adapters.some((x) => x.id === a.id)) adapters.push(a);
  const seen = new Map<string, string>();
  const results = reports.flatMap(({ file, report }) =>
    report.results.map((r) => {
      const key = `${r.adapterId} ${r.caseId}`;
      if (seen.has(key)) throw new MergeError(`${r.caseId} on ${r.adapterId} is in both ${seen.get(key)} and ${file}`);
      seen.set(key, file);
      return r;
    }),
  );
  const adapterIndex = (id: string) => adapters.findIndex((a) => a.id === id);
  results.sort((a, b) => adapterIndex(a.adapterId) - adapterIndex(b.adapterId) || caseOrder(a.caseId) - caseOrder(b.caseId));
  const benchmarks = reports.flatMap(({ report }) => report.benchmarks ?? []);
  const times = reports.map(({ report }) => report);
  return {
    schemaVersion: first.report.schemaVersion,
    tool: first.report.tool,
    startedAt: times.map((r) => r.startedAt).sort()[0]!,
    finishedAt: times
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    machine: first.report.machine,
    invocation: {
      argv,
      filters: {
        adapters: adapters.map((a) => a.id),
        suites: [...new Set(reports.flatMap(({ report }) => report.invocation.filters.suites))],
        case: first.report.invocation.filters.case,
      },
    },
    adapters,
    results,
    ...(benchmarks.length ? { benchmarks } : {}),
    summary: summarise(results),
  };
}
