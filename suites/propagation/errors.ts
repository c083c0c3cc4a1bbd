/** Host rejections across the async boundary (PROP-HOST-ERROR*, PROP-AFTER-ERROR, PROP-NESTED). */
import type { Case } from '../../harness/case.ts';
import { all, expectHostError, expectOk, fail } from '../../harness/check.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';

const FIXTURE = 'propagation/errors.wat';

const CODES: [string, number][] = [
  ['code-42', 42],
  // 0 is a valid error code: a runtime that reads 0 as success fails here.
  ['code-zero', 0],
  ['code-min', -2147483648],
];

export const errorCases: Case[] = [
  ...CODES.map(([name, code]) =>
    defineCase({
      id: `propagation.host-error.${name}`,
      title: `fail(${code}) rejects: host-error from fail with code ${code} and a message`,
      requirement: 'PROP-HOST-ERROR',
      async run(ctx) {
        const instance = await ctx.instantiate(FIXTURE);
        return expectHostError(await call(instance, 'fail_now', [i32(code)], []), 'fail', code);
      },
    }),
  ),
  defineCase({
    id: 'propagation.host-error.after-1000-suspensions',
    title: 'fail(9) after 1000 successful echo suspensions',
    requirement: 'PROP-HOST-ERROR-LATE',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const outcome = await call(instance, 'fail_after', [i32(1000), i32(9)], ['i32']);
      const state = await instance.inspect();
      const verdict = expectHostError(outcome, 'fail', 9, { counters: state.counters });
      if (!verdict.pass) return verdict;
      // The host saw exactly 1000 successes and then one failure, nothing left pending.
      const c = state.counters;
      if (c.succeeded !== 1000 || c.failed !== 1 || c.pending !== 0) {
        return fail(`host counters disagree: ${JSON.stringify(c)} (expected 1000 succeeded, 1 failed, 0 pending)`, verdict.evidence);
      }
      return verdict;
    },
  }),
  defineCase({
    id: 'propagation.host-error.nested-200-frames',
    title: 'fail(5) under 200 guest frames that each suspended once',
    requirement: 'PROP-HOST-ERROR-NESTED',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      return expectHostError(await call(instance, 'fail_nested', [i32(200), i32(5)], ['i32']), 'fail', 5);
    },
  }),
  defineCase({
    id: 'propagation.host-error.instance-usable-after',
    title: 'after a host error, the same instance answers echo(77) correctly',
    requirement: 'PROP-AFTER-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const first = expectHostError(await call(instance, 'fail_now', [i32(3)], []), 'fail', 3);
      const second = expectOk(await call(instance, 'echo', [i32(77)], ['i32']), [i32(77)]);
      return all(first, second);
    },
  }),
];
