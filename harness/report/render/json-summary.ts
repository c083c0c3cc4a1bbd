/**
 * `awc report --format json-summary`: per adapter its identity, declared features and counts by
 * level and status (reports/summary.schema.json), for sites that list runtimes. The full
 * evidence stays in the report.
 */
import { LEVELS } from '../../case.ts';
import { summarise } from '../summary.ts';
import type { CaseResult, Report } from '../types.ts';

/** Statuses that mean the case did not run on the adapter: left out of mustTotal. */
const DID_NOT_RUN = new Set(['unsupported', 'unavailable', 'skipped']);

export function jsonSummary(report: Report) {
  return {
    schemaVersion: '0.1.0' as const,
    tool: report.tool,
    startedAt: report.startedAt,
    adapters: report.adapters.map((a) => {
      const results = report.results.filter((r) => r.adapterId === a.id);
      const must = results.filter((r) => r.level === 'MUST');
      const byLevel = summarise(results).byLevel;
      return {
        id: a.id,
        available: a.available,
        ...(a.reason !== undefined ? { reason: a.reason } : {}),
        engine: a.engine,
        strategy: a.strategy,
        features: a.features,
        flags: a.flags,
        counts: Object.fromEntries(LEVELS.map((l) => [l, byLevel[l]])),
        mustPassing: must.filter((r) => r.status === 'pass').length,
        mustTotal: must.filter((r: CaseResult) => !DID_NOT_RUN.has(r.status)).length,
      };
    }),
  };
}

export const renderJsonSummary = (report: Report): string => `${JSON.stringify(jsonSummary(report), null, 2)}\n`;
