/**
 * The life of a call into an instance behind the JS host, shared by core modules and jco
 * components: the calls in flight (disposing cancels them), the harness's abort signal and the
 * call's deadline turned into host cancellations of that call, and the call's end at the host.
 */
import { UnknownInstanceError, type CallOptions, type HostEvent, type InstanceState } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { CancelledError } from './host/errors.ts';
import type { Host } from './host/host.ts';

export abstract class HostedInstance {
  protected nextCall = 0;
  private readonly active = new Set<number>();
  protected readonly host: Host;
  private disposed = false;

  constructor(host: Host) {
    this.host = host;
  }

  /** Throws once the instance is disposed: every later request is refused (harness/adapter.ts, dispose). */
  protected ensureLive(): void {
    if (this.disposed) throw new UnknownInstanceError('the instance was disposed');
  }

  /**
   * Runs `body` as a new call. Already aborted: cancelled without entering the guest. Otherwise
   * an abort or the deadline cancels it at the host (and `onCancel` hears of it), and however it
   * settles, the call ends at the host and leaves the set that disposing cancels.
   */
  protected async track(options: CallOptions, body: (callId: number) => Promise<Outcome>, onCancel?: (reason: CancelledError) => void): Promise<Outcome> {
    if (options.signal?.aborted) return { kind: 'cancelled', message: 'cancelled before the call started' };
    const callId = ++this.nextCall;
    this.active.add(callId);
    const cancel = (reason: CancelledError) => {
      this.host.cancelCall(callId, reason);
      onCancel?.(reason);
    };
    const onAbort = () => cancel(new CancelledError('cancel', 'call cancelled by the harness'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.deadlineMs === undefined
        ? undefined
        : setTimeout(() => cancel(new CancelledError('timeout', `deadline of ${options.deadlineMs} ms passed`)), options.deadlineMs);
    try {
      return await body(callId);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.host.endCall(callId);
      this.active.delete(callId);
    }
  }

  async inspect(): Promise<InstanceState> {
    this.ensureLive();
    return this.host.state();
  }

  onEvent(listener: (event: HostEvent) => void): void {
    this.host.log.onEvent(listener);
  }

  async openGate(id: number, value: number): Promise<void> {
    this.ensureLive();
    this.host.openGate(id, value);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const callId of this.active) this.host.cancelCall(callId, new CancelledError('cancel', 'instance disposed'));
  }
}
