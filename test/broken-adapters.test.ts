/** The cases catch broken runtimes: each injected defect makes the cases that check it fail. */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import type { CaseResult } from '../harness/report/types.ts';
import type { RunOutput } from '../harness/runner.ts';
import { ALL_CASES } from '../suites/index.ts';
import { brokenAdapter, coercesArguments, dropsHostErrors, mislabelsTraps, offByOneI64, promiseAsNumber } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';

const noExpectations = (id: string) => ({ adapter: id, knownFailures: [] });
const statusOf = (results: CaseResult[], adapterId: string, caseId: string) => results.find((r) => r.adapterId === adapterId && r.caseId === caseId)?.status;

describe('conformance cases against deliberately broken adapters', () => {
  let output: RunOutput;
  const cases = ALL_CASES.filter((c) => c.suite === 'propagation' && c.requires.includes('core-modules'));

  beforeAll(async () => {
    output = await runInTest(
      [
        nodeJspi,
        brokenAdapter('broken-i64', offByOneI64),
        brokenAdapter('broken-errors', dropsHostErrors),
        brokenAdapter('broken-traps', mislabelsTraps),
        coercesArguments,
      ],
      cases,
      { expectations: noExpectations('any') },
    );
  });

  it('the real adapter passes the cases the defects are checked against', () => {
    const real = output.results.filter((r) => r.adapterId === 'node-jspi' && r.status !== 'pass');
    // Only the MAY signalling-NaN cases fail on V8 (documented in adapters/expectations/node-jspi.json).
    expect(real.map((r) => r.caseId)).toEqual([
      'propagation.echo.f32.nan-signalling',
      'propagation.export.f32.arg.nan-signalling',
      'propagation.export.f32.result.nan-signalling',
      'propagation.export.f64.arg.nan-signalling',
    ]);
  });

  it('an adapter returning i64 values off by one fails every i64 value case', () => {
    const i64Cases = cases.filter((c) => c.id.startsWith('propagation.echo.i64.'));
    expect(i64Cases.length).toBeGreaterThanOrEqual(6);
    for (const c of i64Cases) expect(statusOf(output.results, 'broken-i64', c.id), c.id).toBe('fail');
    expect(statusOf(output.results, 'broken-i64', 'propagation.echo.multi-value')).toBe('fail');
    expect(statusOf(output.results, 'broken-i64', 'propagation.echo.i32.max')).toBe('pass');
  });

  it('an adapter that drops host errors fails every host-error case, with a message saying what was expected', () => {
    const hostErrorCases = cases.filter((c) => c.requirement.startsWith('PROP-HOST-ERROR') || c.requirement === 'PROP-IO-ERROR');
    expect(hostErrorCases.length).toBeGreaterThanOrEqual(8);
    for (const c of hostErrorCases) {
      const r = output.results.find((x) => x.adapterId === 'broken-errors' && x.caseId === c.id)!;
      expect(r.status, c.id).toBe('fail');
      expect(r.message).toMatch(/expected host-error/);
      expect(r.reproduce).toContain(`--case ${c.id}`);
    }
  });

  it('an adapter that mislabels traps fails every trap case except unreachable', () => {
    const trapCases = cases.filter((c) => c.id.startsWith('propagation.trap.') && c.id !== 'propagation.trap.instance-usable-after');
    // Not vacuous: the loop below must see the trap cases (unreachable and the others).
    expect(trapCases.filter((c) => c.id.startsWith('propagation.trap.unreachable.')).length).toBeGreaterThan(0);
    expect(trapCases.filter((c) => !c.id.startsWith('propagation.trap.unreachable.')).length).toBeGreaterThanOrEqual(5);
    for (const c of trapCases) {
      const expected = c.id.startsWith('propagation.trap.unreachable.') ? 'pass' : 'fail';
      expect(statusOf(output.results, 'broken-traps', c.id), c.id).toBe(expected);
    }
  });

  it('an adapter that lets its engine coerce arguments fails the argument case, and only that', () => {
    const failing = (id: string) => output.results.filter((r) => r.adapterId === id && r.status !== 'pass').map((r) => r.caseId);
    // Beyond what the real node-jspi fails (V8's signalling-NaN quieting).
    expect(failing('broken-coerces-arguments').filter((c) => !failing('node-jspi').includes(c))).toEqual(['propagation.args.mismatch']);
    expect(output.results.find((r) => r.adapterId === 'broken-coerces-arguments' && r.caseId === 'propagation.args.mismatch')!.message).toMatch(
      /no argument: the guest ran/,
    );
  });

  it('a binding that hands the guest a Promise as a number fails the plain-value case', async () => {
    const out = await runInTest(
      [promiseAsNumber],
      ALL_CASES.filter((c) => c.id === 'suspension.ready.plain-value'),
    );
    expect(out.results[0]!.status).toBe('fail');
    expect(out.results[0]!.message).toMatch(/expected ok\(i32:-1\)/);
  });
});
