/** Wasm values as the harness passes them to and receives them from adapters. */
import type * as Wire from './protocol/schema.generated.ts';

export const VALUE_TYPES = ['i32', 'i64', 'f32', 'f64'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/**
 * A typed wasm value; i64 is a bigint so no precision is lost. A float may carry `bits` (hex,
 * 8 or 16 digits): then they are the value, exactly. A JS number cannot hold every f32 bit
 * pattern (widening an f32 signalling NaN to a Number quiets it), so values read off the wire
 * keep their bits and the harness never loses what the adapter sent.
 */
export type Value =
  | { type: 'i32'; value: number }
  | { type: 'i64'; value: bigint }
  | { type: 'f32'; value: number; bits?: string }
  | { type: 'f64'; value: number; bits?: string };

/**
 * JSON form of a value (protocol.schema.json $defs/value): i64 as a decimal string, floats with
 * their exact bit pattern and, for people, optionally their decimal `value` (toJsonValue always
 * writes it; fromJsonValue reads only the bits).
 */
export type JsonValue = Wire.Value;

export const i32 = (value: number): Value => ({ type: 'i32', value: value | 0 });
export const i64 = (value: bigint): Value => ({ type: 'i64', value: BigInt.asIntN(64, value) });
export const f32 = (value: number): Value => ({ type: 'f32', value: Math.fround(value) });
export const f64 = (value: number): Value => ({ type: 'f64', value });

/** Bit pattern of a float value as fixed-width hex (what the JS number holds, payload included). */
export function floatBits(type: 'f32' | 'f64', value: number): string {
  if (type === 'f32') {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value);
    return view.getUint32(0).toString(16).padStart(8, '0');
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** The exact bits of a float value: its `bits` when it carries them, else those of its number. */
export function valueBits(v: Extract<Value, { type: 'f32' | 'f64' }>): string {
  return v.bits ?? floatBits(v.type, v.value);
}

/** A float given by its bit pattern (hex); the number is the closest JS can hold, the bits are exact. */
export function floatFromBits(type: 'f32' | 'f64', hex: string): Value {
  const bits = hex.toLowerCase().padStart(type === 'f32' ? 8 : 16, '0');
  if (type === 'f32') {
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, Number.parseInt(bits, 16));
    return { type, value: view.getFloat32(0), bits };
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt('0x' + bits));
  return { type, value: view.getFloat64(0), bits };
}

export function toJsonValue(v: Value): JsonValue {
  switch (v.type) {
    case 'i32':
      return { type: 'i32', value: v.value };
    case 'i64':
      return { type: 'i64', value: v.value.toString() };
    default:
      return { type: v.type, value: Object.is(v.value, -0) ? '-0' : String(v.value), bits: valueBits(v) };
  }
}

export function fromJsonValue(j: JsonValue): Value {
  switch (j.type) {
    case 'i32':
      return i32(j.value);
    case 'i64':
      return i64(BigInt(j.value));
    default:
      return floatFromBits(j.type, j.bits);
  }
}

/** Exact equality: same type and same bits (so -0 differs from +0, NaN equals the same NaN). */
export function sameValue(a: Value, b: Value): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'f32' || a.type === 'f64') return valueBits(a) === valueBits(b as typeof a);
  return a.value === b.value;
}

/** Converts a JS value returned by a wasm export into a typed Value, or throws if it has the wrong JS type. */
export function fromJs(type: ValueType, raw: unknown): Value {
  if (type === 'i64') {
    if (typeof raw !== 'bigint') throw new TypeError(`expected a bigint for i64, got ${typeof raw}`);
    return i64(raw);
  }
  if (typeof raw !== 'number') throw new TypeError(`expected a number for ${type}, got ${typeof raw}`);
  return type === 'i32' ? i32(raw) : type === 'f32' ? { type, value: raw } : { type, value: raw };
}

export function formatValue(v: Value): string {
  if (v.type === 'f32' || v.type === 'f64') {
    const shown = Object.is(v.value, -0) ? '-0' : String(v.value);
    return `${v.type}:${shown} (0x${valueBits(v)})`;
  }
  return `${v.type}:${v.value}`;
}
