/**
 * CMA-REENTER (SPEC.md §14.15) fails on a binding that lets the reentry run (jco 1.35.0 itself)
 * or swallows its trap, and on a host that cannot call back at all; a control passes it.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../harness/adapter.ts';
import { ALL_CASES } from '../suites/index.ts';
import { jcoInProcess } from './support/broken-cma.ts';
import { reenterControl, reenterNoCallback, reenterSwallowsTrap } from './support/broken-cma-reenter.ts';
import { runInTest } from './support/run.ts';

const TRAPS = ['component-async.reenter.sync-export-traps', 'component-async.reenter.task-before-block-traps'];
const CONTROL = 'component-async.reenter.after-block-allowed';

async function statuses(adapter: Adapter, ids: string[]) {
  const out = await runInTest(
    [adapter],
    ALL_CASES.filter((c) => ids.includes(c.id)),
  );
  return Object.fromEntries(out.results.map((r) => [r.caseId, r.status]));
}
const all = (ids: string[], status: string) => Object.fromEntries(ids.map((id) => [id, status]));

describe('CMA-REENTER', () => {
  it('passes on a binding that traps the reentrant call and calls back after a turn (the control)', async () => {
    expect(await statuses(reenterControl, [...TRAPS, CONTROL])).toEqual(all([...TRAPS, CONTROL], 'pass'));
  }, 60_000);

  it('fails where the reentry runs (jco 1.35.0) or its trap is swallowed; the control case still passes there', async () => {
    expect(await statuses(jcoInProcess('test-jco-reenter'), [...TRAPS, CONTROL])).toEqual({ ...all(TRAPS, 'fail'), [CONTROL]: 'pass' });
    expect(await statuses(reenterSwallowsTrap, TRAPS)).toEqual(all(TRAPS, 'fail'));
  }, 60_000);

  it('fails its control case on a host that cannot call back into the instance', async () => {
    expect(await statuses(reenterNoCallback, [CONTROL])).toEqual(all([CONTROL], 'fail'));
  }, 60_000);
});
