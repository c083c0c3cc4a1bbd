/**
 * The float bit patterns every float-crossing case sends, at the import boundary (echo_f32/f64)
 * and at the export boundary (call arguments and results): the values a runtime can get wrong
 * (sign of zero, infinities, subnormals flushed to zero, extremes) and the three NaN classes,
 * whose level differs (SPEC.md §4.1: a NaN must stay a NaN; a payload should, a signalling bit may).
 */
export type FloatKind = 'exact' | 'nan' | 'nan-payload' | 'nan-signalling';
export interface FloatSample {
  name: string;
  /** The pattern as lowercase hex, 8 (f32) or 16 (f64) digits. */
  bits: string;
  kind: FloatKind;
}

export const FLOAT_SAMPLES: Record<'f32' | 'f64', readonly FloatSample[]> = {
  f32: [
    { name: 'plus-zero', bits: '00000000', kind: 'exact' },
    { name: 'minus-zero', bits: '80000000', kind: 'exact' },
    { name: 'infinity', bits: '7f800000', kind: 'exact' },
    { name: 'minus-infinity', bits: 'ff800000', kind: 'exact' },
    { name: 'min-subnormal', bits: '00000001', kind: 'exact' },
    { name: 'max-subnormal', bits: '007fffff', kind: 'exact' },
    { name: 'minus-subnormal', bits: '80000001', kind: 'exact' },
    { name: 'max', bits: '7f7fffff', kind: 'exact' },
    { name: 'nan', bits: '7fc00000', kind: 'nan' },
    { name: 'nan-payload', bits: '7fc00abc', kind: 'nan-payload' },
    { name: 'nan-signalling', bits: '7f800001', kind: 'nan-signalling' },
  ],
  f64: [
    { name: 'plus-zero', bits: '0000000000000000', kind: 'exact' },
    { name: 'minus-zero', bits: '8000000000000000', kind: 'exact' },
    { name: 'infinity', bits: '7ff0000000000000', kind: 'exact' },
    { name: 'minus-infinity', bits: 'fff0000000000000', kind: 'exact' },
    { name: 'min-subnormal', bits: '0000000000000001', kind: 'exact' },
    { name: 'max-subnormal', bits: '000fffffffffffff', kind: 'exact' },
    { name: 'minus-subnormal', bits: '8000000000000001', kind: 'exact' },
    { name: 'max', bits: '7fefffffffffffff', kind: 'exact' },
    { name: 'nan', bits: '7ff8000000000000', kind: 'nan' },
    { name: 'nan-payload', bits: '7ff8000000000abc', kind: 'nan-payload' },
    { name: 'nan-signalling', bits: '7ff0000000000001', kind: 'nan-signalling' },
  ],
};

/** True when `hex` (8 or 16 digits) is a NaN of that width: exponent all ones, mantissa not zero. */
export function isNaNHex(hex: string): boolean {
  const v = BigInt('0x' + hex);
  const [expBits, mantBits] = hex.length === 8 ? [8n, 23n] : [11n, 52n];
  return ((v >> mantBits) & ((1n << expBits) - 1n)) === (1n << expBits) - 1n && (v & ((1n << mantBits) - 1n)) !== 0n;
}
