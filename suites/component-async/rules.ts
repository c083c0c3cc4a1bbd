/**
 * Per-task context storage and the drops the Canonical ABI forbids (SPEC.md §14.10, §14.11):
 * `context.get`/`context.set` belong to the task, across its suspensions; `subtask.drop` of an
 * unresolved subtask and `waitable-set.drop` of a non-empty set trap. Ordered by gates, bounded.
 */
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { cmaCase, gatesStarted, okU32, start, u32 } from './shared.ts';

export const RULES_GUEST = 'component-async/rules.wat';

/** ctx-park(id) returns (context << 16) | (gate value & 0xffff); the context must be the id. */
const expected = (id: number, value: number) => ((id << 16) | value) >>> 0;
const describeCtx = (o: Outcome) => {
  const v = okU32(o);
  return v === undefined ? formatOutcome(o) : `context ${v >>> 16}, gate value ${v & 0xffff}`;
};

/** The drop must trap (any trap kind); `control` (same instance kind, nothing forbidden) must not. */
function expectTrap(what: string, outcome: Outcome, evidence: Record<string, unknown>) {
  if (outcome.kind === 'trap') return pass({ ...evidence, outcome: outcomeToJson(outcome) });
  return fail(`${what}: expected a trap, got ${formatOutcome(outcome)}`, { ...evidence, outcome: outcomeToJson(outcome) });
}

export const componentAsyncRulesCases: Case[] = [
  cmaCase(RULES_GUEST, {
    id: 'component-async.context.per-task',
    title: 'context.set/context.get are per task: four concurrent calls each set their own value, suspend on a gate, and read it back after the others ran',
    requirement: 'CMA-CONTEXT',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(RULES_GUEST);
      const ids = [1, 2, 3, 4];
      const flights = ids.map((id) => start(instance, 'ctx-park', [u32(id)]));
      await gatesStarted(instance, ids.length, ctx.signal);
      // Open in an order unlike the one the contexts were set in, so a single shared slot (last
      // writer wins) or a stack of them (last in, first out) both show.
      const order = [2, 4, 1, 3];
      const seen: Record<number, string> = {};
      for (const id of order) {
        const value = 10 + id;
        await instance.openGate(id, value);
        const outcome = await flights[id - 1]!.promise;
        seen[id] = describeCtx(outcome);
        if (okU32(outcome) !== expected(id, value))
          return fail(`ctx-park(${id}) saw ${seen[id]} after its suspension, expected context ${id}, gate value ${value}`, {
            order,
            seen,
            outcome: outcomeToJson(outcome),
          });
      }
      return pass({ order, seen });
    },
  }),
  cmaCase(RULES_GUEST, {
    id: 'component-async.subtask-drop.unresolved-traps',
    title: 'dropping a subtask that has not resolved (parked on a gate never opened) traps; the caller gets no value',
    requirement: 'CMA-SUBTASK-DROP',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(RULES_GUEST);
      const outcome = await start(instance, 'drop-unresolved', [u32(1)]).promise;
      if (okU32(outcome) === 0xffff) return fail('gate(1) returned at once although the gate was never opened', { outcome: outcomeToJson(outcome) });
      return expectTrap('subtask.drop of an unresolved subtask', outcome, {});
    },
  }),
  cmaCase(RULES_GUEST, {
    id: 'component-async.waitable-set-drop.non-empty-traps',
    title: 'dropping a waitable set that an unresolved subtask is joined to traps, while dropping an empty set does not',
    requirement: 'CMA-WAITABLE-SET-DROP',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(RULES_GUEST);
      // The control first: waitable-set.drop itself works, so the trap below is about the member.
      const control = await start(instance, 'drop-empty-set', []).promise;
      if (okU32(control) !== 1)
        return fail(`drop-empty-set() ended ${formatOutcome(control)}, expected 1: dropping an empty set with no waiter is allowed`, {
          control: outcomeToJson(control),
        });
      const joined = await ctx.instantiateComponent(RULES_GUEST);
      const outcome = await start(joined, 'drop-joined-set', [u32(1)]).promise;
      if (okU32(outcome) === 0xffff) return fail('gate(1) returned at once although the gate was never opened', { outcome: outcomeToJson(outcome) });
      return expectTrap('waitable-set.drop of a set with a member', outcome, { control: outcomeToJson(control) });
    },
  }),
  cmaCase('component-async/return-type.wat', {
    id: 'component-async.task-return.wrong-type',
    title: 'an async-lifted export (result u32) calling a task.return built for result u64 traps; the caller gets no value',
    requirement: 'CMA-TASK-RETURN',
    async run(ctx) {
      const instance = await ctx.instantiateComponent('component-async/return-type.wat');
      return expectTrap('task.return with the wrong result type', await start(instance, 'return-wrong-type', [u32(7)]).promise, {});
    },
  }),
];
