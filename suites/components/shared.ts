/** What the component cases share: the guest fixture and the expected round-trip summaries. */
import { fnv1a } from '../define.ts';

export const GUEST = 'components/guest.wat';

/** The 10-byte UTF-8 pattern the guest repeats for string-round-trip. */
export const PATTERN = 'aé€😀';

/** (length << 32) | FNV-1a(bytes) as the guest's string/bytes-round-trip exports return it. */
export function summary(bytes: Uint8Array): bigint {
  return (BigInt(bytes.length) << 32n) | BigInt(fnv1a(bytes) >>> 0);
}

export const stringBytes = (reps: number): Uint8Array => new TextEncoder().encode(PATTERN.repeat(reps));

export function patternBytes(len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (i * 31 + 7) & 255;
  return out;
}
