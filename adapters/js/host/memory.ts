/** Bounds-checked access to guest linear memory for host functions. */
import { ErrorCode } from '../../../harness/abi.ts';
import { HostError } from './errors.ts';

export type MemoryRef = () => WebAssembly.Memory | undefined;

function region(fn: string, memory: MemoryRef, ptr: number, len: number): Uint8Array {
  const mem = memory();
  if (!mem) throw new HostError(fn, ErrorCode.BAD_POINTER, 'guest exports no memory named "memory"');
  // Guest pointers and lengths are i32: read them unsigned.
  const start = ptr >>> 0;
  const size = len >>> 0;
  if (start + size > mem.buffer.byteLength) {
    throw new HostError(fn, ErrorCode.BAD_POINTER, `range [${start}, ${start + size}) is outside guest memory (${mem.buffer.byteLength} bytes)`);
  }
  return new Uint8Array(mem.buffer, start, size);
}

/** A copy of guest bytes (the guest may change or grow memory while the host awaits). */
export function readGuest(fn: string, memory: MemoryRef, ptr: number, len: number): Uint8Array {
  return region(fn, memory, ptr, len).slice();
}

/** Writes `bytes` into a guest buffer of `capacity` bytes; TOO_LARGE if they do not fit. */
export function writeGuest(fn: string, memory: MemoryRef, ptr: number, capacity: number, bytes: Uint8Array): number {
  if (bytes.length > capacity >>> 0) {
    throw new HostError(fn, ErrorCode.TOO_LARGE, `result of ${bytes.length} bytes does not fit the guest buffer of ${capacity >>> 0} bytes`);
  }
  region(fn, memory, ptr, bytes.length).set(bytes);
  return bytes.length;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readGuestString(fn: string, memory: MemoryRef, ptr: number, len: number, max: number): string {
  if (len >>> 0 > max) throw new HostError(fn, ErrorCode.TOO_LARGE, `string of ${len >>> 0} bytes exceeds the limit of ${max}`);
  const bytes = readGuest(fn, memory, ptr, len);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HostError(fn, ErrorCode.INVALID_ARGUMENT, 'string is not valid UTF-8');
  }
}
