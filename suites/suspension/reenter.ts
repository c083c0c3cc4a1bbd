/**
 * Calling back into the guest from the host (SPEC.md §5.5): wasm → host → wasm, where the nested
 * call suspends or not, from an async and from a synchronous host function. The strategies differ
 * most here; what must hold everywhere is that nobody gets a value that was not computed.
 */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';

const FIXTURE = 'suspension/reenter.wat';
const INNER = 0;
const INNER_PLAIN = 1;

export const reentryCases: Case[] = [
  defineCase({
    id: 'suspension.reenter.async',
    title: 'outer(5): an async host function calls back into inner(5), which suspends on echo_i32: ok(1006), nothing left pending',
    requirement: 'SUSP-REENTER',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const outcome = await call(instance, 'outer', [i32(5)], ['i32']);
      const state = await instance.inspect();
      const verdict = expectOk(outcome, [i32(1006)], { counters: state.counters });
      if (verdict.pass && state.counters.pending !== 0)
        return fail(`${state.counters.pending} host operation(s) still pending after the call`, { counters: state.counters });
      return verdict;
    },
  }),
  defineCase({
    id: 'suspension.reenter.sync-plain',
    title: 'outer_sync(1, 5): a synchronous host function calls back into inner_plain(5), which does not suspend: ok(1006)',
    requirement: 'SUSP-REENTER',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      return expectOk(await call(instance, 'outer_sync', [i32(INNER_PLAIN), i32(5)], ['i32']), [i32(1006)]);
    },
  }),
  defineCase({
    id: 'suspension.reenter.sync-suspends',
    title: 'outer_sync(0, 5): the nested inner(5) tries to suspend inside a synchronous host function: a loud failure, never a value; the instance then works',
    requirement: 'SUSP-REENTER-SYNC',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const outcome = await call(instance, 'outer_sync', [i32(INNER), i32(5)], ['i32']);
      const invocations = (await instance.inspect()).events.filter((e) => e.fn === 'reenter_sync').length;
      const evidence = { outcome: outcomeToJson(outcome), hostFunctionInvocations: invocations };
      const loud =
        invocations !== 1
          ? fail(`the synchronous host function ran ${invocations} times for one guest call (replayed while the guest was resumed?)`, evidence)
          : outcome.kind === 'ok'
            ? fail(`the guest was handed a value although the nested call could not finish inside the host function: ${formatOutcome(outcome)}`, evidence)
            : 'message' in outcome && outcome.message.trim()
              ? pass(evidence)
              : fail(`failed without a message: ${formatOutcome(outcome)}`, evidence);
      // Afterwards a suspending call into the instance must still be right (no half-unwound state).
      return all(loud, expectOk(await call(instance, 'outer', [i32(9)], ['i32']), [i32(1010)], { what: 'an async reentry afterwards' }));
    },
  }),
];
