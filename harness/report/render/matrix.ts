/** Adapter × suite counts per status: the matrix every renderer shows. */
import { summarise } from '../summary.ts';
import type { Report, Summary } from '../types.ts';

export interface MatrixCell {
  adapterId: string;
  suite: string;
  summary: Summary;
}

export function matrix(report: Report): { suites: string[]; cells: MatrixCell[] } {
  const suites = [...new Set(report.results.map((r) => r.suite))];
  const cells: MatrixCell[] = [];
  for (const a of report.adapters) {
    for (const suite of suites) {
      cells.push({ adapterId: a.id, suite, summary: summarise(report.results.filter((r) => r.adapterId === a.id && r.suite === suite)) });
    }
  }
  return { suites, cells };
}

/** "128 pass · 2 expected-fail" — the non-zero statuses of a cell, passes first. */
export function cellText(s: Summary): string {
  const parts = Object.entries(s.byStatus)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  return parts.join(' · ') || '—';
}
