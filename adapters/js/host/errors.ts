/** Errors a host function rejects with; they cross the guest boundary and are normalised on the way out. */
import { ErrorCode } from '../../../harness/abi.ts';

export class HostError extends Error {
  override name = 'HostError';
  readonly fn: string;
  readonly code: number;
  constructor(fn: string, code: number, message: string) {
    super(message);
    this.fn = fn;
    this.code = code;
  }
}

/** A capability check refused the operation; nothing happened on the host. */
export class DeniedError extends HostError {
  override name = 'DeniedError';
  readonly capability: string;
  constructor(fn: string, capability: string, message: string) {
    super(fn, ErrorCode.DENIED, message);
    this.capability = capability;
  }
}

/** The call was cancelled or hit its deadline while this operation was pending. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  readonly reason: 'cancel' | 'timeout';
  constructor(reason: 'cancel' | 'timeout', message: string) {
    super(message);
    this.reason = reason;
  }
}
