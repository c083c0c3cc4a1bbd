/** Counting results per status and per requirement level. */
import { LEVELS } from '../case.ts';
import { FAILING_STATUSES, STATUSES, type CaseResult, type Status, type Summary } from './types.ts';

const zeroCounts = () => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;

export function summarise(results: readonly CaseResult[]): Summary {
  const byStatus = zeroCounts();
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, zeroCounts()])) as Summary['byLevel'];
  for (const r of results) {
    byStatus[r.status]++;
    byLevel[r.level][r.status]++;
  }
  return { total: results.length, byStatus, byLevel };
}

/** MUST results that fail the run (exit 1). */
export function failingMust(results: readonly CaseResult[]): CaseResult[] {
  return results.filter((r) => r.level === 'MUST' && FAILING_STATUSES.has(r.status));
}
