/** The host event log and counters: how the harness sees pending and aborted host operations. */
import type { HostCounters, HostEvent } from '../../../harness/adapter.ts';

const DEFAULT_CAPACITY = 10_000;

export class EventLog {
  private readonly ring: HostEvent[] = [];
  private seq = 0;
  private dropped = 0;
  readonly counters: HostCounters = { started: 0, succeeded: 0, failed: 0, aborted: 0, pending: 0 };

  private readonly capacity: number;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.capacity = capacity;
  }

  record(event: Omit<HostEvent, 'seq'>): void {
    const e: HostEvent = { seq: ++this.seq, ...event };
    switch (e.kind) {
      case 'start':
        this.counters.started++;
        this.counters.pending++;
        break;
      case 'ok':
        this.counters.succeeded++;
        this.counters.pending--;
        break;
      case 'error':
        this.counters.failed++;
        this.counters.pending--;
        break;
      case 'abort':
        this.counters.aborted++;
        this.counters.pending--;
        break;
      default:
        break;
    }
    this.ring.push(e);
    if (this.ring.length > this.capacity) {
      this.ring.shift();
      this.dropped++;
    }
  }

  snapshot(): { counters: HostCounters; events: HostEvent[]; droppedEvents: number } {
    return { counters: { ...this.counters }, events: this.ring.slice(), droppedEvents: this.dropped };
  }
}
