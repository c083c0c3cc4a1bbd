/**
 * Floats across the export boundary (PROP-EXPORT-*): call arguments and results, as the harness
 * sends and receives them. The guest turns the float into an integer of the same width (or back)
 * itself, so only the runtime's (and its adapter's) export boundary can change the bits.
 */
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson } from '../../harness/outcome.ts';
import { floatFromBits, i32, i64, valueBits, type Value } from '../../harness/values.ts';
import { call, defineCase } from '../define.ts';
import type { RequirementId } from '../requirements.ts';
import { FLOAT_SAMPLES, isNaNHex, type FloatKind } from './float-samples.ts';

const FIXTURE = 'propagation/floats.wat';

interface ExportFloat {
  name: string;
  bits: string;
  requirement: RequirementId;
  /** PROP-EXPORT-NAN only asks that a NaN stays a NaN. */
  anyNaN?: boolean;
}

const EXPORT_REQUIREMENT: Record<FloatKind, RequirementId> = {
  exact: 'PROP-EXPORT-FLOAT',
  nan: 'PROP-EXPORT-NAN',
  'nan-payload': 'PROP-EXPORT-NAN-PAYLOAD',
  'nan-signalling': 'PROP-EXPORT-NAN-SIGNALLING',
};
const exportFloats = (type: 'f32' | 'f64'): ExportFloat[] =>
  FLOAT_SAMPLES[type].map((s) => ({ name: s.name, bits: s.bits, requirement: EXPORT_REQUIREMENT[s.kind], ...(s.kind === 'nan' ? { anyNaN: true } : {}) }));
const F32 = exportFloats('f32');
const F64 = exportFloats('f64');

const intOfBits = (type: 'f32' | 'f64', hex: string): Value =>
  type === 'f32' ? i32(Number.parseInt(hex, 16) | 0) : i64(BigInt.asIntN(64, BigInt('0x' + hex)));
const hexOfInt = (type: 'f32' | 'f64', v: Value): string =>
  type === 'f32'
    ? ((v.value as number) >>> 0).toString(16).padStart(8, '0')
    : BigInt.asUintN(64, v.value as bigint)
        .toString(16)
        .padStart(16, '0');

function verdict(type: 'f32' | 'f64', fc: ExportFloat, got: string, evidence: Record<string, unknown>) {
  const e = { ...evidence, sentBits: fc.bits, gotBits: got };
  if (fc.anyNaN) return isNaNHex(got) ? pass(e) : fail(`the NaN 0x${fc.bits} arrived as 0x${got}, not a NaN`, e);
  return got === fc.bits ? pass(e) : fail(`${type} 0x${fc.bits} arrived as 0x${got}`, e);
}

function exportCase(type: 'f32' | 'f64', direction: 'arg' | 'result', fc: ExportFloat): Case {
  return defineCase({
    id: `propagation.export.${type}.${direction}.${fc.name}`,
    title:
      direction === 'arg'
        ? `${type} 0x${fc.bits} as a call argument reaches the guest bit for bit (${type}_arg_bits)`
        : `${type} 0x${fc.bits} made by the guest reaches the caller as a result bit for bit (${type}_from_bits)`,
    requirement: fc.requirement,
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      if (direction === 'arg') {
        const o = await call(instance, `${type}_arg_bits`, [floatFromBits(type, fc.bits)], [type === 'f32' ? 'i32' : 'i64']);
        if (o.kind !== 'ok') return fail(`expected the bits back, got ${formatOutcome(o)}`, { outcome: outcomeToJson(o) });
        return verdict(type, fc, hexOfInt(type, o.values[0]!), { outcome: outcomeToJson(o) });
      }
      const o = await call(instance, `${type}_from_bits`, [intOfBits(type, fc.bits)], [type]);
      if (o.kind !== 'ok') return fail(`expected ${type} 0x${fc.bits}, got ${formatOutcome(o)}`, { outcome: outcomeToJson(o) });
      const v = o.values[0]!;
      if (v.type !== type) return fail(`expected an ${type} result, got ${v.type}`, { outcome: outcomeToJson(o) });
      return verdict(type, fc, valueBits(v), { outcome: outcomeToJson(o) });
    },
  });
}

export const exportFloatCases: Case[] = (['f32', 'f64'] as const).flatMap((type) =>
  (['arg', 'result'] as const).flatMap((direction) => (type === 'f32' ? F32 : F64).map((fc) => exportCase(type, direction, fc))),
);
