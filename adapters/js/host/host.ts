/**
 * The JS implementation of the host ABI (SPEC.md §2), shared by every JS engine and async
 * strategy. It knows nothing about how the guest suspends: strategies wrap `invokeAsync`.
 * Engine-neutral: web-standard APIs only; files and network go through HostIO.
 */
import type { Grants, InstanceState } from '../../../harness/adapter.ts';
import { ErrorCode, MAX_CALL_BYTES, MAX_PATH_BYTES, MAX_URL_BYTES, REENTRY_EXPORTS, type HostFunctionName } from '../../../harness/abi.ts';
import { DEFAULT_POLICY, isInside, type CapabilityPolicy } from './capabilities.ts';
import { CancelledError, DeniedError, HostError } from './errors.ts';
import { startDetail } from './details.ts';
import { EventLog } from './events.ts';
import { IoFailure, type HostIO } from './io.ts';
import { readGuest, readGuestString, writeGuest, type MemoryRef } from './memory.ts';

export type Raw = number | bigint;
type AsyncImpl = (args: Raw[], signal: AbortSignal, callId: number | null) => Promise<Raw | undefined>;

/** How the host calls back into its own instance (SPEC.md §5.5); bound once the instance exists. */
export interface Reentry {
  /** A nested call that may suspend, charged to call `callId`; resolves with its raw result. */
  async(exportName: string, args: Raw[], callId: number | null): Promise<unknown>;
  /** A nested call that must finish before returning; throws if it tries to suspend. */
  sync(exportName: string, args: Raw[]): unknown;
}

/** Completes on the next macrotask turn (setTimeout(0) is clamped to ~1 ms; a MessageChannel is not). */
function nextTurn(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const onAbort = () => {
      channel.port1.close();
      reject(signal.reason);
    };
    channel.port1.onmessage = () => {
      signal.removeEventListener('abort', onAbort);
      channel.port1.close();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    channel.port2.postMessage(null);
  });
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const GENERIC: Record<string, (input: Uint8Array) => Uint8Array> = {
  reverse: (input) => input.slice().reverse(),
  upper: (input) => input.map((b) => (b >= 0x61 && b <= 0x7a ? b - 32 : b)),
};

/** A host operation whose binding reports its end (Host.openOperation); each returns false once it had ended. */
export interface OpenOperation {
  readonly signal: AbortSignal;
  ok(): boolean;
  error(err: unknown): boolean;
  abort(message: string): boolean;
}

interface PendingOp {
  callId: number | null;
  controller: AbortController;
}

export class Host {
  readonly log = new EventLog();
  private nextOp = 0;
  private readonly ops = new Map<number, PendingOp>();
  private readonly gates = new Map<number, (value: number) => void>();
  /** Calls cancelled while running guest code: their next host call is refused at once. */
  private readonly cancelledCalls = new Map<number, CancelledError>();
  private memory: MemoryRef = () => undefined;
  private reentry: Reentry | undefined;

  private readonly io: HostIO;
  private readonly grants: Grants;
  private readonly policy: CapabilityPolicy;

  constructor(io: HostIO, grants: Grants, policy: CapabilityPolicy = DEFAULT_POLICY) {
    this.io = io;
    this.grants = grants;
    this.policy = policy;
  }

  bindMemory(memory: MemoryRef): void {
    this.memory = memory;
  }

  bindReentry(reentry: Reentry): void {
    this.reentry = reentry;
  }

  /** The export `reenter(which, …)` names, and the strategy's way into it. */
  private reentryTarget(fn: string, which: Raw): { name: string; reentry: Reentry } {
    const name = REENTRY_EXPORTS[Number(which)];
    if (!name) throw new HostError(fn, ErrorCode.INVALID_ARGUMENT, `no reentry export number ${String(which)}`);
    if (!this.reentry) throw new HostError(fn, ErrorCode.NOT_FOUND, 'this host cannot call back into its instance');
    return { name, reentry: this.reentry };
  }

  /** Sync imports: they return before the guest continues. */
  readonly sync = {
    mark: (value: number): void => {
      this.log.record({ fn: 'mark', kind: 'mark', detail: value });
    },
    identity_i32: (value: number): number => {
      return value;
    },
    pending: (): number => {
      return this.log.counters.pending;
    },
    reenter_sync: (which: number, v: number): number => {
      // Logged per invocation: a strategy that replays host calls while resuming shows up twice.
      this.log.record({ fn: 'reenter_sync', kind: 'mark', detail: which });
      const { name, reentry } = this.reentryTarget('reenter_sync', which);
      return Number(reentry.sync(name, [v]));
    },
  };

  private readonly impls: Record<string, AsyncImpl> = {
    sleep: async ([ms], signal) => {
      await delay(Math.max(0, Number(ms)), signal);
      return undefined;
    },
    yield: async (_args, signal) => {
      await nextTurn(signal);
      return undefined;
    },
    echo_i32: async ([v]) => v,
    echo_i64: async ([v]) => v,
    echo_f32: async ([v]) => v,
    echo_f64: async ([v]) => v,
    fail: async ([code]) => {
      throw new HostError('fail', Number(code), `fail(${Number(code)}) requested by the guest`);
    },
    gate: ([id], signal) =>
      new Promise<Raw>((resolve, reject) => {
        const key = Number(id);
        if (this.gates.has(key)) throw new HostError('gate', ErrorCode.INVALID_ARGUMENT, `gate ${key} is already awaited`);
        const onAbort = () => {
          this.gates.delete(key);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.gates.set(key, (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        });
      }),
    read_file: async ([pathPtr, pathLen, bufPtr, bufCap], signal) => {
      const path = readGuestString('read_file', this.memory, Number(pathPtr), Number(pathLen), MAX_PATH_BYTES);
      const bytes = await this.readGrantedFile('read_file', path, Number(bufCap) >>> 0, signal);
      return writeGuest('read_file', this.memory, Number(bufPtr), Number(bufCap), bytes);
    },
    http_get: async ([urlPtr, urlLen, bufPtr, bufCap], signal) => {
      const url = readGuestString('http_get', this.memory, Number(urlPtr), Number(urlLen), MAX_URL_BYTES);
      const body = await this.getGrantedUrl('http_get', url, Number(bufCap) >>> 0, signal);
      return writeGuest('http_get', this.memory, Number(bufPtr), Number(bufCap), body);
    },
    reenter: async ([which, v], _signal, callId) => {
      const { name, reentry } = this.reentryTarget('reenter', which!);
      // Let the calling guest finish suspending first (Asyncify unwinds after this returns).
      await null;
      return Number(await reentry.async(name, [v!], callId));
    },
    call: async ([namePtr, nameLen, inPtr, inLen, outPtr, outCap]) => {
      const name = readGuestString('call', this.memory, Number(namePtr), Number(nameLen), 256);
      const decision = this.policy.call(name, this.grants);
      if (!decision.granted) throw new DeniedError('call', decision.capability, decision.reason);
      const fn = GENERIC[name];
      if (!fn) throw new HostError('call', ErrorCode.NOT_FOUND, `no generic host function named ${JSON.stringify(name)}`);
      if (Number(inLen) >>> 0 > MAX_CALL_BYTES)
        throw new HostError('call', ErrorCode.TOO_LARGE, `input of ${Number(inLen) >>> 0} bytes exceeds ${MAX_CALL_BYTES}`);
      const output = fn(readGuest('call', this.memory, Number(inPtr), Number(inLen)));
      return writeGuest('call', this.memory, Number(outPtr), Number(outCap), output);
    },
  };

  /**
   * read_file's work once the path is a string (core ABI and component bindings alike): the
   * grant decides before any I/O; the real path must stay inside its mount. Reads at most
   * `cap` + 1 bytes, enough for the caller to tell the file is too large.
   */
  async readGrantedFile(fn: string, path: string, cap: number, signal: AbortSignal): Promise<Uint8Array> {
    if (new TextEncoder().encode(path).length > MAX_PATH_BYTES) throw new HostError(fn, ErrorCode.TOO_LARGE, `path exceeds ${MAX_PATH_BYTES} bytes`);
    const decision = this.policy.file(path, this.grants);
    if (!decision.granted) throw new DeniedError(fn, decision.capability, decision.reason);
    const { hostPath, hostRoot } = decision.value;
    const [real, root] = await Promise.all([this.io.realpath(hostPath), this.io.realpath(hostRoot)]).catch(ioError(fn));
    if (!isInside(real, root)) throw new DeniedError(fn, `file:${path}`, 'path resolves outside its mount (symlink escape)');
    return this.io.readFile(real, cap, signal).catch(ioError(fn));
  }

  /** http_get's work once the URL is a string: the grant decides before any request. */
  async getGrantedUrl(fn: string, url: string, cap: number, signal: AbortSignal): Promise<Uint8Array> {
    if (new TextEncoder().encode(url).length > MAX_URL_BYTES) throw new HostError(fn, ErrorCode.TOO_LARGE, `URL exceeds ${MAX_URL_BYTES} bytes`);
    const decision = this.policy.http(url, this.grants);
    if (!decision.granted) throw new DeniedError(fn, decision.capability, decision.reason);
    const { status, body } = await this.io.httpGet(decision.value.href, cap, signal).catch(ioError(fn));
    if (status < 200 || status > 299) throw new HostError(fn, ErrorCode.HTTP_STATUS, `HTTP status ${status}`);
    return body;
  }

  /**
   * An async host function that answers at once with a plain value (SPEC.md §2, `ready_i32`):
   * logged as an operation, plus one microtask of host work that shows whether the strategy
   * let the host run before the guest continued.
   */
  invokePlain(fn: HostFunctionName, args: Raw[]): Raw {
    if (fn !== 'ready_i32') throw new HostError(fn, ErrorCode.NOT_FOUND, `${fn} does not answer with a plain value`);
    const op = ++this.nextOp;
    this.log.record({ op, fn, kind: 'start', detail: Number(args[0]) | 0 });
    this.log.record({ op, fn, kind: 'ok' });
    queueMicrotask(() => this.log.record({ fn, kind: 'mark', detail: 99 }));
    return args[0]!;
  }

  /** Runs one async host function of the core ABI (SPEC.md §2) on behalf of call `callId`. */
  invokeAsync(fn: HostFunctionName, args: Raw[], callId: number | null): Promise<Raw | undefined> {
    const impl = this.impls[fn];
    if (!impl) return Promise.reject(new HostError(fn, ErrorCode.NOT_FOUND, `${fn} is not an async host function`));
    return this.operation(fn, callId, (signal) => impl(args, signal, callId), startDetail(fn, args, this.memory));
  }

  /** Timers for bindings other than the core ABI (components), with the same abort behaviour. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return delay(Math.max(0, ms), signal);
  }

  nextTurn(signal: AbortSignal): Promise<void> {
    return nextTurn(signal);
  }

  /** The gate behind `gate(id)`, for bindings other than the core ABI (components). */
  gate(id: number, signal: AbortSignal): Promise<number> {
    return this.impls['gate']!([id], signal, null) as Promise<number>;
  }

  /**
   * Runs one async host operation on behalf of call `callId`, recording start and end in the
   * event log. A cancelled call aborts the operation; its cleanup runs before `abort` is logged.
   * Every binding of the host (core ABI, component interface) goes through here.
   */
  async operation<T>(fn: string, callId: number | null, work: (signal: AbortSignal) => Promise<T>, detail?: string | number): Promise<T> {
    const refused = callId === null ? undefined : this.cancelledCalls.get(callId);
    if (refused) throw refused;
    const op = ++this.nextOp;
    const controller = new AbortController();
    this.ops.set(op, { callId, controller });
    this.log.record(detail === undefined ? { op, fn, kind: 'start' } : { op, fn, kind: 'start', detail });
    try {
      const value = await work(controller.signal);
      this.log.record({ op, fn, kind: 'ok' });
      return value;
    } catch (err) {
      if (controller.signal.aborted) {
        this.log.record({ op, fn, kind: 'abort', detail: String((controller.signal.reason as Error)?.message ?? controller.signal.reason) });
        throw controller.signal.reason;
      }
      const error = err instanceof HostError ? err : new HostError(fn, ErrorCode.IO, `unexpected host failure: ${String(err)}`);
      this.log.record({ op, fn, kind: 'error', detail: error.code });
      throw error;
    } finally {
      this.ops.delete(op);
    }
  }

  /**
   * A host operation whose end its binding reports (the component-async streams, SPEC.md §14.18:
   * it lasts as long as the host's end of a stream, past the function's return). Logs `start`
   * now, then exactly one of ok / error / abort (later calls are ignored). Cancelling call
   * `callId` aborts it: `signal` fires and `abort` is logged.
   */
  openOperation(fn: string, callId: number | null): OpenOperation {
    const refused = callId === null ? undefined : this.cancelledCalls.get(callId);
    if (refused) throw refused;
    const op = ++this.nextOp;
    const controller = new AbortController();
    this.ops.set(op, { callId, controller });
    this.log.record({ op, fn, kind: 'start' });
    let ended = false;
    const end = (event: { kind: 'ok' } | { kind: 'error'; detail: number } | { kind: 'abort'; detail: string }): boolean => {
      if (ended) return false;
      ended = true;
      this.ops.delete(op);
      this.log.record({ op, fn, ...event });
      return true;
    };
    controller.signal.addEventListener(
      'abort',
      () => end({ kind: 'abort', detail: String((controller.signal.reason as Error)?.message ?? controller.signal.reason) }),
      { once: true },
    );
    return {
      signal: controller.signal,
      ok: () => end({ kind: 'ok' }),
      error: (err) => end({ kind: 'error', detail: err instanceof HostError ? err.code : ErrorCode.IO }),
      abort: (message) => end({ kind: 'abort', detail: message }),
    };
  }

  /** A host operation that completes at once (the component-async `ready-s32`): start and ok logged before it returns. */
  operationNow<T>(fn: string, callId: number | null, value: T): T {
    const refused = callId === null ? undefined : this.cancelledCalls.get(callId);
    if (refused) throw refused;
    const op = ++this.nextOp;
    this.log.record({ op, fn, kind: 'start' });
    this.log.record({ op, fn, kind: 'ok' });
    return value;
  }

  /**
   * A synchronous host operation (the component-async `reenter`): start, then ok; or error with
   * detail 6 (IO) when `work` throws, and the original error rethrown, so a trap stays a trap.
   */
  operationSync<T>(fn: string, callId: number | null, work: () => T): T {
    const refused = callId === null ? undefined : this.cancelledCalls.get(callId);
    if (refused) throw refused;
    const op = ++this.nextOp;
    this.log.record({ op, fn, kind: 'start' });
    try {
      const value = work();
      this.log.record({ op, fn, kind: 'ok' });
      return value;
    } catch (err) {
      this.log.record({ op, fn, kind: 'error', detail: err instanceof HostError ? err.code : ErrorCode.IO });
      throw err;
    }
  }

  /** Cancels call `callId`: aborts its pending operations and refuses its later ones. */
  cancelCall(callId: number, reason: CancelledError): void {
    this.cancelledCalls.set(callId, reason);
    for (const { callId: owner, controller } of this.ops.values()) {
      if (owner === callId) controller.abort(reason);
    }
  }

  /** The call finished; forget its cancellation mark. */
  endCall(callId: number): void {
    this.cancelledCalls.delete(callId);
  }

  openGate(id: number, value: number): void {
    const release = this.gates.get(id);
    if (!release) throw new Error(`no guest is waiting on gate ${id}`);
    this.gates.delete(id);
    this.log.record({ fn: 'gate', kind: 'gate-open', detail: id });
    release(value);
  }

  state(): InstanceState {
    const mem = this.memory();
    return { ...this.log.snapshot(), memoryBytes: mem ? mem.buffer.byteLength : null };
  }
}

function ioError(fn: string) {
  return (err: unknown): never => {
    if (err instanceof CancelledError || err instanceof HostError) throw err;
    if (err instanceof IoFailure) throw new HostError(fn, err.kind === 'not-found' ? ErrorCode.NOT_FOUND : ErrorCode.IO, err.message);
    throw err;
  };
}
