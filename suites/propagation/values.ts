/** Every value type through async imports (PROP-VALUE-*, PROP-NAN*, PROP-MULTI-VALUE), and arguments that do not fit (PROP-ARGS). */
import type { Case } from '../../harness/case.ts';
import { all, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { f32, f64, i32, i64, type Value } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';
import type { RequirementId } from '../requirements.ts';
import { FLOAT_SAMPLES, isNaNHex, type FloatKind } from './float-samples.ts';

const FIXTURE = 'propagation/echo.wat';

/** Values a broken runtime would mangle: sign, width, precision (2^53 + 1), extremes. */
const I32_VALUES: [string, number][] = [
  ['zero', 0],
  ['one', 1],
  ['minus-one', -1],
  ['max', 2147483647],
  ['min', -2147483648],
];
const I64_VALUES: [string, bigint][] = [
  ['zero', 0n],
  ['minus-one', -1n],
  ['max', 9223372036854775807n],
  ['min', -9223372036854775808n],
  ['beyond-f64-precision', 9007199254740993n],
  ['above-u32', 4294967296n],
];

/** Float cases move bit patterns (hex) so the check is bit-exact; the requirement follows the pattern's kind. */
interface FloatCase {
  name: string;
  bits: string;
  requirement: RequirementId;
  /** PROP-NAN only asks that the result be some NaN. */
  anyNaN?: boolean;
}
const IMPORT_REQUIREMENT: Record<'f32' | 'f64', Record<FloatKind, RequirementId>> = {
  f32: { exact: 'PROP-VALUE-F32', nan: 'PROP-NAN', 'nan-payload': 'PROP-NAN-PAYLOAD', 'nan-signalling': 'PROP-NAN-SIGNALLING' },
  f64: { exact: 'PROP-VALUE-F64', nan: 'PROP-NAN', 'nan-payload': 'PROP-NAN-PAYLOAD', 'nan-signalling': 'PROP-NAN-SIGNALLING' },
};
const floatCases = (type: 'f32' | 'f64'): FloatCase[] =>
  FLOAT_SAMPLES[type].map((s) => ({
    name: s.name,
    bits: s.bits,
    requirement: IMPORT_REQUIREMENT[type][s.kind],
    ...(s.kind === 'nan' ? { anyNaN: true } : {}),
  }));
const F32_VALUES = floatCases('f32');
const F64_VALUES = floatCases('f64');

function floatCase(width: 32 | 64, fc: FloatCase): Case {
  const type = width === 32 ? 'f32' : 'f64';
  return defineCase({
    id: `propagation.echo.${type}.${fc.name}`,
    title: `${type} 0x${fc.bits} through echo_${type}, compared bit for bit`,
    requirement: fc.requirement,
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const unsigned = BigInt('0x' + fc.bits);
      // The *_bits exports take and return the pattern as an integer of the same width.
      const arg: Value = width === 32 ? i32(Number(unsigned) | 0) : i64(BigInt.asIntN(64, unsigned));
      const outcome = await call(instance, `echo_${type}_bits`, [arg], [width === 32 ? 'i32' : 'i64']);
      const evidence = { sentBits: fc.bits, actual: outcomeToJson(outcome) };
      if (outcome.kind !== 'ok') return fail(`expected ${type} 0x${fc.bits} back, got ${formatOutcome(outcome)}`, evidence);
      const v = outcome.values[0]!;
      const got = width === 32 ? BigInt((v.value as number) >>> 0) : BigInt.asUintN(64, v.value as bigint);
      const hex = got.toString(16).padStart(width / 4, '0');
      if (fc.anyNaN) return isNaNHex(hex) ? pass({ ...evidence, gotBits: hex }) : fail(`NaN came back as 0x${hex}, not a NaN`, { ...evidence, gotBits: hex });
      return hex === fc.bits ? pass({ ...evidence, gotBits: hex }) : fail(`sent ${type} 0x${fc.bits}, got 0x${hex} back`, { ...evidence, gotBits: hex });
    },
  });
}

export const valueCases: Case[] = [
  ...I32_VALUES.map(([name, v]) =>
    defineCase({
      id: `propagation.echo.i32.${name}`,
      title: `i32 ${v} through echo_i32`,
      requirement: 'PROP-VALUE-I32',
      async run(ctx) {
        const instance = await ctx.instantiate(FIXTURE);
        return expectOk(await call(instance, 'echo_i32', [i32(v)], ['i32']), [i32(v)]);
      },
    }),
  ),
  ...I64_VALUES.map(([name, v]) =>
    defineCase({
      id: `propagation.echo.i64.${name}`,
      title: `i64 ${v} through echo_i64`,
      requirement: 'PROP-VALUE-I64',
      async run(ctx) {
        const instance = await ctx.instantiate(FIXTURE);
        return expectOk(await call(instance, 'echo_i64', [i64(v)], ['i64']), [i64(v)]);
      },
    }),
  ),
  defineCase({
    id: 'propagation.echo.i64.twice',
    title: 'two i64 suspensions in one expression: (echo(x+1) - echo(1)) = x at i64 max',
    requirement: 'PROP-VALUE-I64',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      // x + 1 wraps to min, and back: a runtime that rounds through f64 or swaps results fails.
      const x = i64(9223372036854775807n);
      return expectOk(await call(instance, 'echo_i64_twice', [x], ['i64']), [x]);
    },
  }),
  ...F32_VALUES.map((fc) => floatCase(32, fc)),
  ...F64_VALUES.map((fc) => floatCase(64, fc)),
  defineCase({
    id: 'propagation.echo.f64.export-minus-zero',
    title: 'f64 -0 as an export argument and result around echo_f64',
    requirement: 'PROP-VALUE-F64',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      return expectOk(await call(instance, 'echo_f64', [f64(-0)], ['f64']), [f64(-0)]);
    },
  }),
  defineCase({
    id: 'propagation.echo.multi-value',
    title: 'i32, i64, f32, f64 through four suspensions, returned as one multi-value result',
    requirement: 'PROP-MULTI-VALUE',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const values = [i32(-7), i64(-9223372036854775807n), f32(1.5), f64(-2.25e-308)];
      return expectOk(await call(instance, 'echo_all', values, ['i32', 'i64', 'f32', 'f64']), values);
    },
  }),
  defineCase({
    id: 'propagation.args.mismatch',
    title: 'echo_i32 called with no argument, two, an f64 and an i64: each refused with a message, never run on coerced values; the instance then works',
    requirement: 'PROP-ARGS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const wrong: [string, Value[]][] = [
        ['no argument', []],
        ['two arguments', [i32(1), i32(2)]],
        ['an f64 for the i32', [f64(1.5)]],
        ['an i64 for the i32', [i64(5n)]],
      ];
      const verdicts = [];
      for (const [what, args] of wrong) {
        const outcome = await call(instance, 'echo_i32', args, ['i32']);
        const evidence = { what, outcome: outcomeToJson(outcome) };
        if (outcome.kind === 'ok')
          verdicts.push(fail(`${what}: the guest ran and returned ${formatOutcome(outcome)} for arguments the export does not take`, evidence));
        else if (!('message' in outcome) || !outcome.message.trim()) verdicts.push(fail(`${what}: refused without a message`, evidence));
        else verdicts.push(pass(evidence));
      }
      return all(...verdicts, expectOk(await call(instance, 'echo_i32', [i32(3)], ['i32']), [i32(3)], { what: 'a correct call afterwards' }));
    },
  }),
];
