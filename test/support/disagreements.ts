/**
 * The disagreement rule of harness/report/differences.ts written a second way, pair by pair, as
 * the oracle the tests hold the differences view and the summary to: requirement R is listed iff
 * two rows that both ran a case of R have different worst classes on R, or a case of R that both
 * ran has different classes on the two.
 */
import type { CaseResult } from '../../harness/report/types.ts';

const classOf = (s: CaseResult['status']): string | null =>
  s === 'pass'
    ? 'pass'
    : s === 'expected-fail'
      ? 'expected-fail'
      : s === 'error'
        ? 'error'
        : s === 'fail' || s === 'unexpected-pass' || s === 'timeout'
          ? 'fail'
          : null;
const WORST = ['error', 'fail', 'expected-fail', 'pass'];

export function disagreedRequirements(results: readonly CaseResult[], adapterIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const req of new Set(results.map((r) => r.requirement))) {
    const ran = adapterIds
      .map((a) => new Map(results.filter((r) => r.requirement === req && r.adapterId === a && classOf(r.status)).map((r) => [r.caseId, classOf(r.status)!])))
      .filter((m) => m.size > 0);
    const worst = (m: Map<string, string>) => WORST.find((c) => [...m.values()].includes(c));
    const disagree = ran.some((a, i) =>
      ran.slice(i + 1).some((b) => worst(a) !== worst(b) || [...a].some(([caseId, c]) => b.has(caseId) && b.get(caseId) !== c)),
    );
    if (disagree) out.push(req);
  }
  return out.sort();
}
