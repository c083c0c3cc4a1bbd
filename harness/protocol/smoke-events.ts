/**
 * The `awc smoke` step for host-event notifications (PROTOCOL.md, Transport): after a hello with
 * `events: true`, the notifications of an instance must be exactly the events inspect returns,
 * in order, detail included.
 */
import { i32 } from '../values.ts';
import { waitFor } from '../wait.ts';
import { ProtocolClient } from './client.ts';
import { PROTOCOL_VERSION, violation } from './messages.ts';
import { ProcessSession } from './process-adapter.ts';

const TIMEOUT_MS = 15_000;
/** How long to wait for the gate's start to be notified before opening the gate anyway. */
const NOTIFIED_MS = 2_000;

/** JSON with object keys sorted: the same event compares equal whatever order its keys were written in. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

export interface EventsProbe {
  /** Loads the module whose export `wait` parks on gate(id) and returns the value + 1; its id. */
  load(client: ProtocolClient): Promise<string>;
  wait: string;
}

type Notified = { instance: string; event: { fn: string; kind: string } };

/** Why the adapter's notifications do not match inspect, or undefined when they do. Runs on a fresh process. */
export async function checkEventNotifications(command: string[], probe: EventsProbe): Promise<string | undefined> {
  const client = new ProtocolClient(command);
  const notified: Notified[] = [];
  const malformed: string[] = [];
  client.onNotification((n) => {
    if (n.method !== 'host-event') return;
    const bad = violation('hostEventParams', n.params);
    if (bad) malformed.push(`${bad}: ${JSON.stringify(n.params)}`);
    else notified.push(n.params as Notified);
  });
  try {
    await client.request('hello', { protocolVersion: PROTOCOL_VERSION, harness: 'awc smoke', events: true }, TIMEOUT_MS);
    const session = new ProcessSession(client, undefined, () => 'smoke-events');
    const instance = await session.instantiate({ id: await probe.load(client) }, { grants: {}, limits: {} });
    const inFlight = instance.call(probe.wait, [i32(6)], { results: ['i32'], deadlineMs: 5_000 });
    inFlight.catch(() => {}); // owned: awaited below, after the gate opens
    // Open the gate once its start was notified, or anyway after the bound: the comparison says what is missing.
    await waitFor(
      'the gate start notification',
      () => (notified.some((p) => p.event.fn === 'gate' && p.event.kind === 'start') ? true : undefined),
      NOTIFIED_MS,
    ).catch(() => {});
    await instance.openGate(6, 1);
    const outcome = await inFlight;
    if (outcome.kind !== 'ok') return `the probe call wait(6) gave ${JSON.stringify(outcome)}`;
    const state = await instance.inspect();
    if (malformed.length > 0) return `a host-event notification is not schema-valid (${malformed[0]})`;
    const mine = notified.filter((p) => p.instance === instance.id).map((p) => p.event);
    if (mine.length === 0) return 'hello asked for events: true, but no host-event notification arrived';
    if (canonical(mine) !== canonical(state.events))
      return `the host-event notifications ${JSON.stringify(mine)} differ from inspect's events ${JSON.stringify(state.events)}`;
    return undefined;
  } finally {
    await client.close();
  }
}
