/**
 * Reentrance (SPEC.md §14.15; Concurrency.md "Asynchronous Recursion", Component Invariant #2,
 * CanonicalABI `ComponentInstance.may_enter_from`): the host calling an instance's export while
 * that instance is on the stack (from inside its sync import) traps, and the export's code never
 * runs; once the instance's task has blocked, the host may call it again. The control case proves
 * a trap in the others is about reentrance, not a host that cannot call back at all.
 */
import type { HostEvent, Instance } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { cmaCase, marks, okU32, start } from './shared.ts';

export const REENTER_GUEST = 'component-async/reenter.wat';

/** What the guest's `leaf` marks when it runs, and returns. */
const LEAF_MARK = 7;
const LEAF_VALUE = 42;

/** The kinds logged for host function `fn`, in order. */
const opKinds = (events: HostEvent[], fn: string) => events.filter((e) => e.fn === fn && e.op !== undefined).map((e) => e.kind);

/**
 * `exportName` calls the sync import reenter("leaf") while the instance is on the stack: the call
 * must end in a trap, `leaf` must not have run (no mark 7), and the instance, trapped, must not
 * serve a later call (Component Invariant #1: after a trap the instance cannot be entered).
 */
async function expectReentryTrap(instance: Instance, exportName: string) {
  const outcome = await start(instance, exportName, []).promise;
  const { events } = await instance.inspect();
  const evidence: Record<string, unknown> = { outcome: outcomeToJson(outcome), reenterLog: opKinds(events, 'reenter'), marks: marks(events) };
  if (!opKinds(events, 'reenter').includes('start')) return fail(`${exportName}() never called the host's reenter (ended ${formatOutcome(outcome)})`, evidence);
  if (marks(events).includes(LEAF_MARK))
    return fail(`leaf ran inside the reentrant call (its mark ${LEAF_MARK} is in the log): the instance was entered while it was on the stack`, evidence);
  if (outcome.kind !== 'trap')
    return fail(`reentering the instance from inside its sync import must trap; ${exportName}() ended ${formatOutcome(outcome)}`, evidence);
  const later = await start(instance, 'leaf', []).promise;
  evidence['later'] = outcomeToJson(later);
  if (later.kind === 'ok')
    return fail(`after the trap the instance still served leaf() (${formatOutcome(later)}): a trapped instance must not be entered again`, evidence);
  return pass(evidence);
}

export const componentAsyncReenterCases: Case[] = [
  cmaCase(REENTER_GUEST, {
    id: 'component-async.reenter.sync-export-traps',
    title: 'a sync-lifted export whose sync import calls back into the same instance (leaf) traps; leaf never runs',
    requirement: 'CMA-REENTER',
    async run(ctx) {
      return expectReentryTrap(await ctx.instantiateComponent(REENTER_GUEST), 'reenter-sync');
    },
  }),
  cmaCase(REENTER_GUEST, {
    id: 'component-async.reenter.task-before-block-traps',
    title: 'an async-lifted task that has not blocked yet calls a sync import that calls back into the same instance (leaf): traps; leaf never runs',
    requirement: 'CMA-REENTER',
    async run(ctx) {
      return expectReentryTrap(await ctx.instantiateComponent(REENTER_GUEST), 'reenter-in-task');
    },
  }),
  cmaCase(REENTER_GUEST, {
    id: 'component-async.reenter.after-block-allowed',
    title:
      'the control: an async-lifted task async-lowers reenter-after-turn; once the task blocked the host calls leaf, which runs once and returns 42; the instance serves later calls',
    requirement: 'CMA-REENTER',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(REENTER_GUEST);
      const outcome = await start(instance, 'reenter-later', []).promise;
      const { events, counters } = await instance.inspect();
      const evidence: Record<string, unknown> = {
        outcome: outcomeToJson(outcome),
        hostLog: opKinds(events, 'reenter-after-turn'),
        marks: marks(events),
        counters,
      };
      if (okU32(outcome) !== LEAF_VALUE)
        return fail(
          `reenter-later() ended ${formatOutcome(outcome)}, expected leaf's ${LEAF_VALUE}: the host calling the instance after its task blocked is allowed`,
          evidence,
        );
      if (marks(events).filter((m) => m === LEAF_MARK).length !== 1)
        return fail(`leaf's mark ${LEAF_MARK} is in the log ${marks(events).filter((m) => m === LEAF_MARK).length} time(s), expected once`, evidence);
      if (JSON.stringify(opKinds(events, 'reenter-after-turn')) !== '["start","ok"]')
        return fail(`the host log of reenter-after-turn is ${JSON.stringify(opKinds(events, 'reenter-after-turn'))}, expected ["start","ok"]`, evidence);
      if (counters.pending !== 0) return fail(`${counters.pending} host operation(s) still pending`, evidence);
      // Nothing trapped: the instance serves direct and reentering calls again.
      const direct = await start(instance, 'leaf', []).promise;
      const again = await start(instance, 'reenter-later', []).promise;
      Object.assign(evidence, { direct: outcomeToJson(direct), again: outcomeToJson(again) });
      if (okU32(direct) !== LEAF_VALUE || okU32(again) !== LEAF_VALUE)
        return fail(`afterwards leaf() ended ${formatOutcome(direct)} and reenter-later() ${formatOutcome(again)}, expected ${LEAF_VALUE} each`, evidence);
      return pass(evidence);
    },
  }),
];
