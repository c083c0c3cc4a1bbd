/**
 * The `awc smoke` step for host-event notifications (PROTOCOL.md, Transport): after a hello with
 * `events: true`, the notifications of an instance must be exactly the events inspect returns,
 * in order, detail included.
 */
import { ProtocolClient } from './client.ts';
import { PROTOCOL_VERSION, violation, type CallResult } from './messages.ts';

const TIMEOUT_MS = 15_000;

/** JSON with object keys sorted: the same event compares equal whatever order its keys were written in. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

export interface EventsProbe {
  /** Loads the module whose export `wait` parks on gate(id) and returns the value + 1. */
  load(client: ProtocolClient): Promise<string>;
  wait: string;
}

/** Why the adapter's notifications do not match inspect, or undefined when they do. Runs on a fresh process. */
export async function checkEventNotifications(command: string[], probe: EventsProbe): Promise<string | undefined> {
  const client = new ProtocolClient(command);
  const notified: unknown[] = [];
  const malformed: string[] = [];
  client.onNotification((n) => {
    if (n.method !== 'host-event') return;
    const bad = violation('hostEventParams', n.params);
    if (bad) malformed.push(`${bad}: ${JSON.stringify(n.params)}`);
    else notified.push(n.params);
  });
  try {
    await client.request('hello', { protocolVersion: PROTOCOL_VERSION, harness: 'awc smoke', events: true }, TIMEOUT_MS);
    const module = await probe.load(client);
    const { instance } = await client.request<{ instance: string }>('instantiate', { module, grants: {}, limits: {} }, TIMEOUT_MS);
    const inFlight = client.request<CallResult>('call', { instance, call: 'smoke-events', export: probe.wait, args: [{ type: 'i32', value: 6 }], results: ['i32'], deadlineMs: 5_000 }, 5_000 + TIMEOUT_MS);
    // Bounded (2 s): wait for the gate's start event to be notified, then open the gate.
    for (let i = 0; i < 200 && !notified.some((p) => (p as { event: { fn: string; kind: string } }).event.fn === 'gate' && (p as { event: { kind: string } }).event.kind === 'start'); i++) await new Promise((r) => setTimeout(r, 10));
    await client.request('open-gate', { instance, gate: 6, value: 1 }, TIMEOUT_MS);
    const r = await inFlight;
    if (r.outcome.kind !== 'ok') return `the probe call wait(6) gave ${JSON.stringify(r.outcome)}`;
    const state = await client.request<{ events: unknown[] }>('inspect', { instance }, TIMEOUT_MS);
    if (malformed.length > 0) return `a host-event notification is not schema-valid (${malformed[0]})`;
    const mine = notified.filter((p) => (p as { instance: string }).instance === instance).map((p) => (p as { event: unknown }).event);
    if (mine.length === 0) return 'hello asked for events: true, but no host-event notification arrived';
    const want = canonical(state.events);
    if (canonical(mine) !== want) return `the host-event notifications ${JSON.stringify(mine)} differ from inspect's events ${JSON.stringify(state.events)}`;
    return undefined;
  } finally {
    await client.close();
  }
}
