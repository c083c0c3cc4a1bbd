/**
 * CMA-TASK-CANCEL (SPEC.md §14.16) fails on a binding that answers `cancelled` without delivering
 * TASK_CANCELLED to the task, and passes on a control that delivers it through jco's own task.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../harness/adapter.ts';
import { ALL_CASES } from '../suites/index.ts';
import { taskCancelAbortsSubtasks, taskCancelControl, taskCancelOverItsHead } from './support/broken-cma-task-cancel.ts';
import { runInTest } from './support/run.ts';

const IDS = ['component-async.task-cancel.confirmed', 'component-async.task-cancel.ignored'];

async function results(adapter: Adapter) {
  const out = await runInTest(
    [adapter],
    ALL_CASES.filter((c) => IDS.includes(c.id)),
  );
  return Object.fromEntries(out.results.map((r) => [r.caseId, `${r.status}${r.status === 'pass' ? '' : `: ${r.message}`}`]));
}

describe('CMA-TASK-CANCEL', () => {
  it('passes on a binding that delivers the cancel to the task (the control)', async () => {
    expect(await results(taskCancelControl)).toEqual(Object.fromEntries(IDS.map((id) => [id, 'pass'])));
  }, 60_000);

  it('fails on a binding that answers cancelled without telling the task', async () => {
    const got = await results(taskCancelOverItsHead);
    for (const id of IDS) expect(got[id]).toMatch(/^fail: the guest task never got TASK_CANCELLED/);
  }, 60_000);

  it("fails its ignored case on a binding that delivers the cancel but aborts the task's host operations under it", async () => {
    // jco then fails the task itself when its gate rejects, so the message varies; the case must fail.
    expect((await results(taskCancelAbortsSubtasks))['component-async.task-cancel.ignored']).toMatch(/^fail: /);
  }, 60_000);
});
