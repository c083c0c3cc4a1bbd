import { describe, expect, it } from 'vitest';
import { f32, f64, floatBits, floatFromBits, fromJsonValue, i64, sameValue, toJsonValue, type Value } from '../harness/values.ts';

const fromBits64 = (hex: string) => new DataView(new BigUint64Array([BigInt('0x' + hex)]).buffer).getFloat64(0, true);

describe('values', () => {
  it('round-trips through JSON bit-exactly, NaN payloads and -0 included', () => {
    const values: Value[] = [i64(-9223372036854775808n), f64(-0), f32(-0), f64(fromBits64('7ff8000000000abc')), f64(Infinity)];
    for (const v of values) expect(sameValue(fromJsonValue(toJsonValue(v)), v)).toBe(true);
  });

  it('keeps the exact bits of a float read off the wire, an f32 signalling NaN included', () => {
    // Widening 0x7f800001 into a JS Number quiets it; the Value keeps the bits it arrived with.
    for (const [type, bits] of [
      ['f32', '7f800001'],
      ['f32', '7fc00abc'],
      ['f64', '7ff0000000000001'],
      ['f32', '80000000'],
      ['f32', '00000001'],
    ] as const) {
      const v = fromJsonValue({ type, value: 'x', bits });
      expect(toJsonValue(v)).toMatchObject({ type, bits });
      expect(sameValue(v, floatFromBits(type, bits))).toBe(true);
    }
    expect(sameValue(floatFromBits('f32', '7f800001'), floatFromBits('f32', '7fc00001'))).toBe(false);
  });

  it('tells -0 from +0 and NaN payloads apart', () => {
    expect(sameValue(f64(0), f64(-0))).toBe(false);
    expect(sameValue(f64(fromBits64('7ff8000000000001')), f64(fromBits64('7ff8000000000002')))).toBe(false);
    expect(floatBits('f64', -0)).toBe('8000000000000000');
  });
});
