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

const FIXTURE = 'propagation/floats.wat';

interface ExportFloat {
  name: string;
  bits: string;
  requirement: RequirementId;
  /** PROP-EXPORT-NAN only asks that a NaN stays a NaN. */
  anyNaN?: boolean;
}

const F32: ExportFloat[] = [
  { name: 'plus-zero', bits: '00000000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'minus-zero', bits: '80000000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'infinity', bits: '7f800000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'minus-infinity', bits: 'ff800000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'min-subnormal', bits: '00000001', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'max-subnormal', bits: '007fffff', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'minus-subnormal', bits: '80000001', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'max', bits: '7f7fffff', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'nan', bits: '7fc00000', requirement: 'PROP-EXPORT-NAN', anyNaN: true },
  { name: 'nan-payload', bits: '7fc00abc', requirement: 'PROP-EXPORT-NAN-PAYLOAD' },
  { name: 'nan-signalling', bits: '7f800001', requirement: 'PROP-EXPORT-NAN-SIGNALLING' },
];
const F64: ExportFloat[] = [
  { name: 'plus-zero', bits: '0000000000000000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'minus-zero', bits: '8000000000000000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'infinity', bits: '7ff0000000000000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'minus-infinity', bits: 'fff0000000000000', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'min-subnormal', bits: '0000000000000001', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'max-subnormal', bits: '000fffffffffffff', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'minus-subnormal', bits: '8000000000000001', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'max', bits: '7fefffffffffffff', requirement: 'PROP-EXPORT-FLOAT' },
  { name: 'nan', bits: '7ff8000000000000', requirement: 'PROP-EXPORT-NAN', anyNaN: true },
  { name: 'nan-payload', bits: '7ff8000000000abc', requirement: 'PROP-EXPORT-NAN-PAYLOAD' },
  { name: 'nan-signalling', bits: '7ff0000000000001', requirement: 'PROP-EXPORT-NAN-SIGNALLING' },
];

/** True when `hex` (8 or 16 digits) is a NaN of that width: exponent all ones, mantissa not zero. */
export function isNaNHex(hex: string): boolean {
  const v = BigInt('0x' + hex);
  const [expBits, mantBits] = hex.length === 8 ? [8n, 23n] : [11n, 52n];
  return ((v >> mantBits) & ((1n << expBits) - 1n)) === (1n << expBits) - 1n && (v & ((1n << mantBits) - 1n)) !== 0n;
}

const intOfBits = (type: 'f32' | 'f64', hex: string): Value => (type === 'f32' ? i32(Number.parseInt(hex, 16) | 0) : i64(BigInt.asIntN(64, BigInt('0x' + hex))));
const hexOfInt = (type: 'f32' | 'f64', v: Value): string =>
  type === 'f32' ? ((v.value as number) >>> 0).toString(16).padStart(8, '0') : BigInt.asUintN(64, v.value as bigint).toString(16).padStart(16, '0');

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
