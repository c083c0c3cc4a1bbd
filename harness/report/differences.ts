/**
 * Where the rows of a report disagree, requirement by requirement: the rule the HTML report's
 * differences view and the Markdown summary both apply (README "Reports" states it too).
 *
 * Each result has an outcome class: pass; fail (fail, unexpected-pass, timeout); expected-fail;
 * error; or not run (unsupported, unavailable, skipped). For one requirement, a row takes part
 * when it ran at least one of the requirement's cases (a class other than not run); its class on
 * the requirement is the worst class of the cases it ran (error > fail > expected-fail > pass).
 * The rows taking part DISAGREE on the requirement when
 *   (a) their classes on the requirement differ, or
 *   (b) some case of the requirement that two of them ran has different classes on those two.
 * Rows that ran none of the requirement's cases (every case unsupported/unavailable/skipped)
 * never make a disagreement: lacking a feature is shown in the heat map and the runtime view,
 * not as a behaviour difference. Fewer than two rows taking part: no disagreement.
 *
 * `differences` uses nothing outside its own body: the HTML page runs the same function
 * (its source text is inlined), so the page and the summary cannot drift apart.
 */
import type { CaseResult } from './types.ts';

export type OutcomeClass = 'pass' | 'fail' | 'expected-fail' | 'error' | 'unsupported';

export interface DifferenceCell {
  adapterId: string;
  /** the row's class on the requirement; 'unsupported' when it ran none of the cases */
  outcome: OutcomeClass;
  /** results of the requirement's cases on this row, per class */
  counts: Partial<Record<OutcomeClass, number>>;
}

export interface Difference {
  requirement: string;
  level: CaseResult['level'];
  suite: string;
  /** rows whose class is error, fail or expected-fail */
  failingRows: number;
  cells: DifferenceCell[];
}

/** The requirements the given rows disagree on, MUST first, then by failing rows (most first), then by id. */
export function differences(
  results: readonly Pick<CaseResult, 'adapterId' | 'caseId' | 'requirement' | 'level' | 'suite' | 'status'>[],
  adapterIds: readonly string[],
): Difference[] {
  const CLASS: Record<string, OutcomeClass> = {
    pass: 'pass',
    fail: 'fail',
    'unexpected-pass': 'fail',
    timeout: 'fail',
    'expected-fail': 'expected-fail',
    error: 'error',
    unsupported: 'unsupported',
    unavailable: 'unsupported',
    skipped: 'unsupported',
  };
  const RANK: Record<OutcomeClass, number> = { unsupported: 0, pass: 1, 'expected-fail': 2, fail: 3, error: 4 };
  const LEVEL_ORDER: Record<string, number> = { MUST: 0, SHOULD: 1, MAY: 2 };
  const selected = new Set(adapterIds);
  const byRequirement = new Map<string, { level: CaseResult['level']; suite: string; rows: Map<string, Map<string, OutcomeClass>> }>();
  for (const r of results) {
    if (!selected.has(r.adapterId)) continue;
    let req = byRequirement.get(r.requirement);
    if (!req) {
      req = { level: r.level, suite: r.suite, rows: new Map() };
      byRequirement.set(r.requirement, req);
    }
    let cases = req.rows.get(r.adapterId);
    if (!cases) {
      cases = new Map();
      req.rows.set(r.adapterId, cases);
    }
    cases.set(r.caseId, CLASS[r.status] ?? 'error');
  }
  const out: Difference[] = [];
  for (const [requirement, req] of byRequirement) {
    const cells: DifferenceCell[] = adapterIds.map((adapterId) => {
      const counts: Partial<Record<OutcomeClass, number>> = {};
      let outcome: OutcomeClass = 'unsupported';
      for (const c of req.rows.get(adapterId)?.values() ?? []) {
        counts[c] = (counts[c] ?? 0) + 1;
        if (RANK[c] > RANK[outcome]) outcome = c;
      }
      return { adapterId, outcome, counts };
    });
    const taking = cells.filter((c) => c.outcome !== 'unsupported');
    let disagree = new Set(taking.map((c) => c.outcome)).size > 1;
    if (!disagree) {
      const perCase = new Map<string, OutcomeClass>();
      for (const c of taking)
        for (const [caseId, cls] of req.rows.get(c.adapterId) ?? []) {
          if (cls === 'unsupported') continue;
          const seen = perCase.get(caseId);
          if (seen === undefined) perCase.set(caseId, cls);
          else if (seen !== cls) disagree = true;
        }
    }
    if (!disagree) continue;
    const failingRows = taking.filter((c) => c.outcome !== 'pass').length;
    out.push({ requirement, level: req.level, suite: req.suite, failingRows, cells });
  }
  return out.sort(
    (a, b) =>
      (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3) ||
      b.failingRows - a.failingRows ||
      (a.requirement < b.requirement ? -1 : a.requirement > b.requirement ? 1 : 0),
  );
}
