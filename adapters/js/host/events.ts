/** The host event log and counters: how the harness sees pending and aborted host operations. */
import type { HostCounters, HostEvent } from '../../../harness/adapter.ts';

const DEFAULT_CAPACITY = 10_000;

export class EventLog {
  // A circular buffer: Array.shift() on a full 10 000-entry log would cost a memmove per event.
  private readonly ring: HostEvent[] = [];
  private head = 0;
  private seq = 0;
  private dropped = 0;
  readonly counters: HostCounters = { started: 0, succeeded: 0, failed: 0, aborted: 0, pending: 0 };

  private readonly capacity: number;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.capacity = capacity;
  }

  /** Called with every event as it is recorded (the agent's host-event notifications). */
  private readonly listeners: ((e: HostEvent) => void)[] = [];

  onEvent(listener: (e: HostEvent) => void): void {
    this.listeners.push(listener);
  }

  record(event: Omit<HostEvent, 'seq'>): void {
    const e: HostEvent = { seq: ++this.seq, ...event };
    for (const l of this.listeners) l({ ...e });
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
    if (this.ring.length < this.capacity) {
      this.ring.push(e);
    } else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
  }

  snapshot(): { counters: HostCounters; events: HostEvent[]; droppedEvents: number } {
    const events = this.ring.length < this.capacity ? this.ring.slice() : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return { counters: { ...this.counters }, events, droppedEvents: this.dropped };
  }
}
