/**
 * Propagation through async component imports: scalars, strings, lists, error results, traps.
 * Each would catch a binding that converts, truncates or re-encodes on the way through, or
 * that turns an error result into a value.
 */
import type { Case } from '../../harness/case.ts';
import { all, expectHostError, expectOk, expectTrap } from '../../harness/check.ts';
import { f32, f64, i32, i64, type Value, type ValueType } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';
import { GUEST, patternBytes, stringBytes, summary } from './shared.ts';

/** Echoes each value through the async import `fn` and expects it back bit-exact. */
function echoCase(id: string, requirement: 'PROP-VALUE-I32' | 'PROP-VALUE-I64' | 'PROP-VALUE-F32' | 'PROP-VALUE-F64', type: ValueType, values: Value[]): Case {
  return defineCase({
    id: `propagation.component.${id}`,
    title: `${type} values through the async component import ${id} (extremes, -0, infinities)`,
    requirement,
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const verdicts = [];
      for (const v of values) verdicts.push(expectOk(await call(instance, id, [v], [type]), [v]));
      return all(...verdicts);
    },
  });
}

// The component model canonicalises NaNs, so only non-NaN floats are checked bit-exact.
export const componentPropagationCases: Case[] = [
  echoCase('echo-s32', 'PROP-VALUE-I32', 'i32', [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)].map(i32)),
  echoCase('echo-s64', 'PROP-VALUE-I64', 'i64', [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n].map(i64)),
  echoCase('echo-f32', 'PROP-VALUE-F32', 'f32', [-0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1].map(f32)),
  echoCase('echo-f64', 'PROP-VALUE-F64', 'f64', [-0, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1].map(f64)),
  defineCase({
    id: 'propagation.component.string',
    title: 'strings of 0, 10 and 10 000 bytes of multi-byte UTF-8 through async echo-string',
    requirement: 'COMP-STRING',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const verdicts = [];
      for (const reps of [0, 1, 1000])
        verdicts.push(expectOk(await call(instance, 'string-round-trip', [i32(reps)], ['i64']), [i64(summary(stringBytes(reps)))], { reps }));
      return all(...verdicts);
    },
  }),
  defineCase({
    id: 'propagation.component.list',
    title: 'list<u8> of 0, 1 and 262 144 bytes through async echo-bytes (the host allocates in the guest)',
    requirement: 'COMP-LIST',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const verdicts = [];
      for (const len of [0, 1, 262_144])
        verdicts.push(expectOk(await call(instance, 'bytes-round-trip', [i32(len)], ['i64']), [i64(summary(patternBytes(len)))], { len }));
      return all(...verdicts);
    },
  }),
  defineCase({
    id: 'propagation.component.error-result',
    title: 'fail(5) returns err(host-error) to the guest, which returns it: host-error fail code 5; the instance then works',
    requirement: 'COMP-ERROR-RESULT',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const failed = expectHostError(await call(instance, 'fail-with', [i32(5)], ['i32']), 'fail', 5);
      return all(failed, expectOk(await call(instance, 'echo-s32', [i32(9)], ['i32']), [i32(9)]));
    },
  }),
  defineCase({
    id: 'propagation.component.trap-after-suspension',
    title: 'unreachable after an async import: trap unreachable',
    requirement: 'PROP-TRAP',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      return expectTrap(await call(instance, 'trap-after-echo', [], ['i32']), 'unreachable');
    },
  }),
];
