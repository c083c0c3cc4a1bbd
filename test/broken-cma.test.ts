/**
 * component-async (SPEC.md §14): the in-process jco adapter passes every case but jco 1.35.0's
 * known defects, and each requirement group fails on a deliberately broken binding.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../harness/adapter.ts';
import { ALL_CASES } from '../suites/index.ts';
import {
  ignoresMax,
  laxFileGrants,
  trapsLoseKind,
  backpressureControl,
  dropTraps,
  dropsAllowed,
  dropsAlwaysTrap,
  errAsOk,
  pollAlwaysNone,
  pollMadeUpEvent,
  sharedContext,
  fifoGates,
  interleavesSyncLift,
  jcoInProcess,
  returnsEarly,
  serialisesCalls,
  taskReturnTraps,
  taskReturnValue,
  truncatesEcho,
} from './support/broken-cma.ts';
import { runInTest } from './support/run.ts';

const cases = ALL_CASES.filter((c) => c.suite === 'component-async');
const only = (...ids: string[]) => cases.filter((c) => ids.includes(c.id));

/** jco 1.35.0's defects: adapters/expectations/*-jco-jspi.json. */
const JCO_DEFECTS = [
  'component-async.task-return.twice',
  'component-async.task-return.missing',
  'component-async.empty-wait.woken-by-other-task',
  'component-async.cancel.parked-gate',
  'component-async.cancel.racing-sleep',
  'component-async.backpressure.holds-calls',
  'component-async.backpressure.counter',
  'component-async.subtask-drop.unresolved-traps',
  'component-async.waitable-set-drop.non-empty-traps',
  'component-async.task-return.wrong-type',
  'component-async.stream.drop-members-then-set',
  'component-async.stackful.one',
  'component-async.stackful.reverse-order',
  'component-async.stackful.four',
  'component-async.reenter.sync-export-traps',
  'component-async.reenter.task-before-block-traps',
  'component-async.task-cancel.confirmed',
  'component-async.task-cancel.ignored',
];

async function statuses(adapter: Adapter, ids: string[]) {
  const out = await runInTest([adapter], only(...ids));
  return Object.fromEntries(out.results.map((r) => [r.caseId, r.status]));
}
const all = (ids: string[], status: string) => Object.fromEntries(ids.map((id) => [id, status]));

describe('component-async', () => {
  it('has at least 30 cases over at least 10 CMA-* requirements (issue #15)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.requirement).filter((r) => r.startsWith('CMA-'))).size).toBeGreaterThanOrEqual(10);
  });

  it('in-process jco passes every case but its known defects', async () => {
    const out = await runInTest([jcoInProcess('test-jco-cma')], cases);
    const failing = out.results
      .filter((r) => r.status !== 'pass')
      .map((r) => r.caseId)
      .sort();
    expect(failing).toEqual([...JCO_DEFECTS].sort());
    expect(out.results.find((r) => r.caseId === 'component-async.cancel.parked-gate')!.message).toContain('never aborted');
  }, 60_000);

  it('catches a runtime that serialises async-lifted calls (CMA-CONCURRENT-EXPORT, CMA-YIELD)', async () => {
    const ids = ['component-async.concurrent.reverse-order', 'component-async.concurrent.eight', 'component-async.yield.lets-others-run'];
    expect(await statuses(serialisesCalls, ids)).toEqual(all(ids, 'fail'));
  }, 90_000);

  it('catches gate values handed to the wrong call (CMA-CONCURRENT-EXPORT)', async () => {
    const ids = ['component-async.concurrent.reverse-order', 'component-async.concurrent.eight'];
    expect(await statuses(fifoGates, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('catches sync-lifted calls that interleave (CMA-SYNC-LIFT-SERIALISES: jco with asyncExports)', async () => {
    const ids = ['component-async.concurrent.sync-lift-serialises'];
    expect(await statuses(interleavesSyncLift, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('catches a subtask RETURNED before the host finished, and a truncated value (CMA-SUBTASK)', async () => {
    expect(await statuses(returnsEarly, ['component-async.subtask.progress'])).toEqual(all(['component-async.subtask.progress'], 'fail'));
    expect(await statuses(truncatesEcho, ['component-async.subtask.values'])).toEqual(all(['component-async.subtask.values'], 'fail'));
  }, 60_000);

  it('catches a host error turned into success (CMA-ERRORS)', async () => {
    const ids = ['component-async.errors.fail-codes', 'component-async.errors.fail-events'];
    expect(await statuses(errAsOk, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('catches denials and error codes lost through the async read-file (CMA-ERRORS)', async () => {
    expect(await statuses(laxFileGrants, ['component-async.errors.read-file-grant'])).toEqual(all(['component-async.errors.read-file-grant'], 'fail'));
    expect(await statuses(ignoresMax, ['component-async.errors.read-file-codes'])).toEqual(all(['component-async.errors.read-file-codes'], 'fail'));
    expect(await statuses(trapsLoseKind, ['component-async.errors.trap-after-await'])).toEqual(all(['component-async.errors.trap-after-await'], 'fail'));
  }, 60_000);

  it('CMA-TASK-RETURN fails on a value and passes on a trap', async () => {
    const ids = ['component-async.task-return.twice', 'component-async.task-return.missing', 'component-async.task-return.wrong-type'];
    expect(await statuses(taskReturnValue, ids)).toEqual(all(ids, 'fail'));
    expect(await statuses(taskReturnTraps, ids)).toEqual(all(ids, 'pass'));
  }, 60_000);

  it('CMA-BACKPRESSURE passes on a binding that holds calls back (a control), and fails on jco, which refuses them', async () => {
    const ids = ['component-async.backpressure.holds-calls', 'component-async.backpressure.counter'];
    expect(await statuses(backpressureControl, ids)).toEqual(all(ids, 'pass'));
    expect(await statuses(jcoInProcess('test-jco-cma-bp'), ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('catches context storage shared by the tasks of an instance (CMA-CONTEXT)', async () => {
    const ids = ['component-async.context.per-task'];
    expect(await statuses(sharedContext, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);

  it('CMA-SUBTASK-DROP and CMA-WAITABLE-SET-DROP fail on a drop let through and on a trap for an empty set, and pass on traps', async () => {
    const ids = ['component-async.subtask-drop.unresolved-traps', 'component-async.waitable-set-drop.non-empty-traps'];
    expect(await statuses(dropsAllowed, ids)).toEqual(all(ids, 'fail'));
    expect(await statuses(dropsAlwaysTrap, ['component-async.waitable-set-drop.non-empty-traps'])).toEqual(
      all(['component-async.waitable-set-drop.non-empty-traps'], 'fail'),
    );
    expect(await statuses(dropTraps, ids)).toEqual(all(ids, 'pass'));
  }, 60_000);

  it('catches a poll that never sees the event, and one that makes an event up (CMA-POLL)', async () => {
    const ids = ['component-async.poll.none-then-event'];
    expect(await statuses(pollAlwaysNone, ids)).toEqual(all(ids, 'fail'));
    expect(await statuses(pollMadeUpEvent, ids)).toEqual(all(ids, 'fail'));
  }, 60_000);
});
