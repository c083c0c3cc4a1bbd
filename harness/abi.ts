/**
 * The host ABI every adapter implements natively (SPEC.md §2). Pure data: the JS host, the
 * harness and its cases import it; engines other than Node must be able to load it unchanged.
 */
import type { ValueType } from './values.ts';

export const HOST_MODULE = 'awc';
export const ABI_VERSION = 0;

/** Error codes carried by host errors (SPEC.md §2.3). `fail(code)` rejects with the guest's own code. */
export const ErrorCode = {
  DENIED: 1,
  NOT_FOUND: 2,
  TOO_LARGE: 3,
  BAD_POINTER: 4,
  INVALID_ARGUMENT: 5,
  IO: 6,
  HTTP_STATUS: 7,
  CANCELLED: 8,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

export interface HostFunctionSignature {
  params: ValueType[];
  results: ValueType[];
  /** Async functions complete later; sync ones return before the guest continues. */
  async: boolean;
  /** Async, but the host answers at once with a plain value (no promise to wait for): SUSP-READY-PLAIN. */
  plain?: true;
}

export const HOST_FUNCTIONS = {
  sleep: { params: ['i32'], results: [], async: true },
  yield: { params: [], results: [], async: true },
  echo_i32: { params: ['i32'], results: ['i32'], async: true },
  ready_i32: { params: ['i32'], results: ['i32'], async: true, plain: true },
  echo_i64: { params: ['i64'], results: ['i64'], async: true },
  echo_f32: { params: ['f32'], results: ['f32'], async: true },
  echo_f64: { params: ['f64'], results: ['f64'], async: true },
  fail: { params: ['i32'], results: [], async: true },
  gate: { params: ['i32'], results: ['i32'], async: true },
  read_file: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'], async: true },
  http_get: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'], async: true },
  call: { params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: ['i32'], async: true },
  reenter: { params: ['i32', 'i32'], results: ['i32'], async: true },
  reenter_sync: { params: ['i32', 'i32'], results: ['i32'], async: false },
  mark: { params: ['i32'], results: [], async: false },
  identity_i32: { params: ['i32'], results: ['i32'], async: false },
  pending: { params: [], results: ['i32'], async: false },
} as const satisfies Record<string, HostFunctionSignature>;
export type HostFunctionName = keyof typeof HOST_FUNCTIONS;

/** Bounds on guest-supplied lengths; longer requests fail with TOO_LARGE before any side effect. */
export const MAX_PATH_BYTES = 4096;
export const MAX_URL_BYTES = 8192;
export const MAX_CALL_BYTES = 16 * 1024 * 1024;

/** The guest exports `reenter(which, v)` calls back into: `which` 0 → the first (it suspends), 1 → the second (it does not). */
export const REENTRY_EXPORTS = ['inner', 'inner_plain'] as const;

/** Generic bytes-in/bytes-out host functions reachable through `call` (when granted). */
export const GENERIC_CALLS = ['reverse', 'upper'] as const;
