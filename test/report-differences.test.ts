/**
 * The differences view's rule (harness/report/differences.ts) against an oracle written pair by
 * pair (test/support/disagreements.ts), on hand-made cases for each clause of the rule and on a
 * made-up 15-row report; and the Markdown summary, which must list exactly the same requirements.
 */
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { differences } from '../harness/report/differences.ts';
import { renderMarkdown } from '../harness/report/render/markdown.ts';
import type { CaseResult, Status } from '../harness/report/types.ts';
import { validateReport } from '../harness/report/validate.ts';
import { syntheticReport } from './support/dashboard-report.ts';
import { disagreedRequirements } from './support/disagreements.ts';

const result = (adapterId: string, caseId: string, requirement: string, status: Status, level: CaseResult['level'] = 'MUST'): CaseResult => ({
  caseId,
  adapterId,
  suite: 'propagation',
  requirement,
  level,
  status,
  durationMs: 1,
  ...(status === 'pass' ? {} : { message: status, reproduce: `npx awc run --adapter ${adapterId} --case ${caseId}` }),
});

describe('which requirements rows disagree on', () => {
  const rows = ['a', 'b', 'c'];
  const cases: [string, CaseResult[], string[]][] = [
    ['all pass: none', [result('a', 'p.x', 'R-A', 'pass'), result('b', 'p.x', 'R-A', 'pass')], []],
    ['worst classes differ', [result('a', 'p.x', 'R-A', 'pass'), result('b', 'p.x', 'R-A', 'fail')], ['R-A']],
    ['timeout and unexpected-pass are the class fail', [result('a', 'p.x', 'R-A', 'timeout'), result('b', 'p.x', 'R-A', 'unexpected-pass')], []],
    ['error is its own class', [result('a', 'p.x', 'R-A', 'error'), result('b', 'p.x', 'R-A', 'fail')], ['R-A']],
    [
      'same worst class, but one case differs',
      [
        result('a', 'p.x', 'R-A', 'pass'),
        result('a', 'p.y', 'R-A', 'expected-fail'),
        result('b', 'p.x', 'R-A', 'expected-fail'),
        result('b', 'p.y', 'R-A', 'pass'),
      ],
      ['R-A'],
    ],
    [
      'different cases of one requirement, same class (core and component rows): none',
      [
        result('a', 'p.core', 'R-A', 'pass'),
        result('a', 'p.comp', 'R-A', 'unsupported'),
        result('b', 'p.core', 'R-A', 'unsupported'),
        result('b', 'p.comp', 'R-A', 'pass'),
      ],
      [],
    ],
    [
      'a row that ran nothing takes no part',
      [result('a', 'p.x', 'R-A', 'pass'), result('b', 'p.x', 'R-A', 'unsupported'), result('c', 'p.x', 'R-A', 'unavailable')],
      [],
    ],
    ['one row taking part: none, even failing', [result('a', 'p.x', 'R-A', 'fail'), result('b', 'p.x', 'R-A', 'skipped')], []],
    ['a row not selected takes no part', [result('a', 'p.x', 'R-A', 'pass'), result('z', 'p.x', 'R-A', 'fail')], []],
  ];
  for (const [name, results, expected] of cases)
    it(name, () => {
      expect(differences(results, rows).map((d) => d.requirement)).toEqual(expected);
      expect(disagreedRequirements(results, rows)).toEqual(expected);
    });

  it('sorts MUST first, then by rows failing, then by id; counts cases per class', () => {
    const results = [
      ...['a', 'b'].map((a, i) => result(a, 'p.may', 'R-MAY', i ? 'fail' : 'pass', 'MAY')),
      ...['a', 'b', 'c'].map((a, i) => result(a, 'p.one', 'R-ONE', i === 2 ? 'fail' : 'pass')),
      ...['a', 'b', 'c'].map((a, i) => result(a, 'p.two', 'R-TWO', i ? 'error' : 'pass')),
      result('c', 'p.two2', 'R-TWO', 'pass'),
    ];
    const d = differences(results, rows);
    expect(d.map((x) => [x.requirement, x.failingRows])).toEqual([
      ['R-TWO', 2],
      ['R-ONE', 1],
      ['R-MAY', 1],
    ]);
    expect(d[0]!.cells.find((c) => c.adapterId === 'c')).toEqual({ adapterId: 'c', outcome: 'error', counts: { error: 1, pass: 1 } });
  });

  it('on a made-up 15-row report, every requirement the oracle finds is listed and nothing else, in the page order', async () => {
    const { report } = syntheticReport(await nodeJspi.describe(), { rows: 15, componentRows: 4, seed: 7 });
    const ids = report.adapters.map((a) => a.id);
    expect(validateReport(JSON.parse(JSON.stringify(report))).valid).toBe(true);
    const listed = differences(report.results, ids);
    expect(listed.map((d) => d.requirement).sort()).toEqual(disagreedRequirements(report.results, ids));
    expect(listed.length).toBeGreaterThan(5);
    const rank = { MUST: 0, SHOULD: 1, MAY: 2 };
    for (let i = 1; i < listed.length; i++) {
      const [p, q] = [listed[i - 1]!, listed[i]!];
      expect(rank[p.level] < rank[q.level] || (p.level === q.level && p.failingRows >= q.failingRows)).toBe(true);
    }
    const two = [ids[0]!, ids[3]!];
    expect(
      differences(report.results, two)
        .map((d) => d.requirement)
        .sort(),
    ).toEqual(disagreedRequirements(report.results, two));
  });

  it('the Markdown summary opens with the same requirements, then the failing MUST results with rerun commands', async () => {
    const { report } = syntheticReport(await nodeJspi.describe(), { rows: 6, componentRows: 2, seed: 3 });
    const md = renderMarkdown(report);
    const section = md.split('### ')[1]!;
    expect(section).toMatch(/^\d+ requirement\(s\) on which the rows disagree/);
    const rows = section
      .split('\n')
      .filter((l) => /^\| [A-Z]/.test(l))
      .map((l) => l.split(' | ')[0]!.slice(2).replace(/\\/g, ''));
    expect(rows.sort()).toEqual(
      disagreedRequirements(
        report.results,
        report.adapters.map((a) => a.id),
      ),
    );
    const must = md.slice(md.indexOf('failing MUST result(s)'), md.indexOf('### Adapters × suites'));
    const failing = report.results.filter((r) => r.level === 'MUST' && ['fail', 'error', 'timeout', 'unexpected-pass'].includes(r.status));
    expect(failing.length).toBeGreaterThan(0);
    for (const r of failing) expect(must).toContain(`\`${r.reproduce}\``);
    expect(md.indexOf('disagree')).toBeLessThan(md.indexOf('failing MUST'));
  });
});
