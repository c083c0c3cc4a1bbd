/**
 * The `detail` of a host operation's `start` event (SPEC.md §2.7): the arguments a case can
 * compare, one value per host function. Reading a string argument never fails here: a path
 * the operation will refuse (bad pointer, not UTF-8, too long) simply has no detail.
 */
import { MAX_PATH_BYTES, MAX_URL_BYTES } from '../../../harness/abi.ts';
import { floatBits } from '../../../harness/values.ts';
import { readGuestString, type MemoryRef } from './memory.ts';
import type { Raw } from './host.ts';

const MAX_NAME_BYTES = 256;

function guestString(memory: MemoryRef, ptr: Raw | undefined, len: Raw | undefined, max: number): string | undefined {
  try {
    return readGuestString('detail', memory, Number(ptr), Number(len), max);
  } catch {
    return undefined;
  }
}

export function startDetail(fn: string, args: Raw[], memory: MemoryRef): string | number | undefined {
  const [a, b] = args;
  switch (fn) {
    case 'sleep':
    case 'echo_i32':
    case 'ready_i32':
    case 'fail':
    case 'gate':
    case 'reenter':
      return Number(a) | 0;
    case 'echo_i64':
      return BigInt.asIntN(64, BigInt(a!)).toString();
    case 'echo_f32':
      return floatBits('f32', Number(a));
    case 'echo_f64':
      return floatBits('f64', Number(a));
    case 'read_file':
      return guestString(memory, a, b, MAX_PATH_BYTES);
    case 'http_get':
      return guestString(memory, a, b, MAX_URL_BYTES);
    case 'call':
      return guestString(memory, a, b, MAX_NAME_BYTES);
    default:
      return undefined;
  }
}
