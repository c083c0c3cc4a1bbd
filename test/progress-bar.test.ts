/** The terminal progress bar of awc run (issue 19): only on a terminal, counts right, logs above it. */
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../harness/cli/progress-bar.ts';
import type { CaseResult } from '../harness/report/types.ts';

const result = (status: CaseResult['status'], adapterId = 'node-jspi'): CaseResult =>
  ({ caseId: 'x.y', adapterId, suite: 'x', requirement: 'PROP-VALUE-I32', level: 'MUST', status, durationMs: 1 }) as CaseResult;

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 100, writes, write: (t: string) => writes.push(t) };
}

describe('ProgressBar', () => {
  it('exists only on a terminal outside CI', () => {
    expect(ProgressBar.forTerminal(terminal(false), {})).toBeUndefined();
    expect(ProgressBar.forTerminal(terminal(true), { CI: 'true' })).toBeUndefined();
    expect(ProgressBar.forTerminal(terminal(true), {})).toBeInstanceOf(ProgressBar);
  });

  it('shows done/total, the adapter and the failures so far, redrawn in place, with logged lines above it', () => {
    const t = terminal(true);
    const bar = new ProgressBar(t);
    bar.update(result('pass'), 1, 4);
    bar.update(result('fail'), 2, 4);
    bar.log('  fail [MUST] node-jspi x.y');
    bar.update(result('expected-fail', 'wasmtime'), 3, 4);
    expect(bar.text()).toMatch(/^\[#{18}\.{6}\] 3\/4 wasmtime · 1 failing · ~\d+s left$/);
    // Every redraw starts by clearing the line; the logged line ends in a newline and the bar follows it.
    expect(t.writes.every((w) => w.startsWith('\r\u001b[2K'))).toBe(true);
    const logged = t.writes.findIndex((w) => w.includes('fail [MUST]'));
    expect(t.writes[logged]!.endsWith('\n')).toBe(true);
    expect(t.writes[logged + 1]).toContain('2/4');
    bar.finish();
    expect(t.writes.at(-1)).toBe('\r\u001b[2K');
  });
});
