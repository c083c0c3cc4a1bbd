/**
 * `awc smoke`: checks an out-of-process adapter's protocol compliance step by step and says
 * exactly which step is wrong — what someone writing an adapter for their runtime runs first.
 */
import type { ProcessAdapterConfig } from './process-adapter.ts';
import { componentLoadParams } from './process-adapter.ts';
import { loadComponentFixture } from '../components.ts';
import { loadFixture } from '../fixtures.ts';
import { AdapterRequestError, ProtocolClient } from './client.ts';
import { PROTOCOL_VERSION, type CallResult, type HelloResult } from './messages.ts';
import { checkEventNotifications } from './smoke-events.ts';

export interface SmokeStep {
  step: string;
  ok: boolean;
  detail: string;
}

const TIMEOUT_MS = 15_000;

/**
 * What the steps load and call: core fixtures, or the guest component on adapters that take
 * only components (same checks, the component's exports: SPEC.md §13).
 */
interface SmokeGuest {
  what: string;
  /** Module ids for the three roles (one component serves all three). */
  load(client: ProtocolClient): Promise<{ echo: string; errors: string; order: string }>;
  echoI32: string;
  echoI64: string;
  /** fail(code) whose error reaches the caller as host-error "fail". */
  fail: { export: string; results: string[] };
  /** wait(gate) parks on gate(id) and returns the value + 1. */
  wait: string;
}

const CORE_GUEST: SmokeGuest = {
  what: 'core modules (base64) for echo, errors and order fixtures',
  async load(client) {
    const id = async (name: string) => (await client.request<{ module: string }>('load', { name, kind: 'module', wasm: Buffer.from(await loadFixture(name)).toString('base64') }, TIMEOUT_MS)).module;
    return { echo: await id('propagation/echo.wat'), errors: await id('propagation/errors.wat'), order: await id('suspension/order.wat') };
  },
  echoI32: 'echo_i32',
  echoI64: 'echo_i64',
  fail: { export: 'fail_now', results: [] },
  wait: 'wait',
};

function componentGuest(prepare: ProcessAdapterConfig['prepareComponent']): SmokeGuest {
  const name = 'components/guest.wat';
  return {
    what: `the guest component (${name}), no core modules: the adapter declares components only`,
    async load(client) {
      const params = await componentLoadParams({ bytes: await loadComponentFixture(name) }, name, prepare);
      const id = (await client.request<{ module: string }>('load', params, TIMEOUT_MS)).module;
      return { echo: id, errors: id, order: id };
    },
    echoI32: 'echo-s32',
    echoI64: 'echo-s64',
    fail: { export: 'fail-with', results: ['i32'] },
    wait: 'gated',
  };
}

async function expectError(promise: Promise<unknown>, code: string): Promise<string | undefined> {
  try {
    await promise;
    return `expected an error response with code ${code}, got a result`;
  } catch (err) {
    if (err instanceof AdapterRequestError) return err.code === code ? undefined : `expected error code ${code}, got ${err.message}`;
    throw err;
  }
}

/**
 * Runs every step in order on `command` (the last one on a fresh process) and reports every
 * step, whatever the adapter does: a step that needs what an earlier one failed to set up (the
 * handshake, the modules, a live process) is reported failed as "not run", with the reason.
 * `prepareComponent`: the row's harness-side transpile, if its components need one.
 * `onStep`: each step as soon as it is decided (so a hang later still leaves the earlier lines).
 */
export async function smoke(command: string[], options: { prepareComponent?: ProcessAdapterConfig['prepareComponent']; onStep?: (s: SmokeStep) => void } = {}): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  let client = new ProtocolClient(command);
  /** Why the remaining steps on this process cannot run, once one of their prerequisites failed. */
  let blocked: string | undefined;
  const record = (s: SmokeStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const step = async (name: string, body: () => Promise<string | undefined>): Promise<boolean> => {
    if (!blocked && !client.alive) blocked = `the adapter process is gone (${(await client.failed())?.message.split('\n')[0] ?? 'it exited'})`;
    if (blocked) {
      record({ step: name, ok: false, detail: `not run: ${blocked}` });
      return false;
    }
    try {
      const problem = await body();
      record({ step: name, ok: problem === undefined, detail: problem ?? 'ok' });
      return problem === undefined;
    } catch (err) {
      record({ step: name, ok: false, detail: (err as Error)?.message ?? String(err) });
      return false;
    }
  };
  /** A call whose answer the step awaits later: owned now, so a step that fails first leaves no unhandled rejection. */
  const owned = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => {});
    return p;
  };
  /** Polls inspect (bounded: 2 s) until a host operation is pending; returns the pending count. */
  const parked = async (instance: string): Promise<number> => {
    let pending = 0;
    for (let i = 0; i < 200 && pending === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      pending = (await client.request<{ counters: { pending: number } }>('inspect', { instance }, TIMEOUT_MS)).counters.pending;
    }
    return pending;
  };
  const call = (instance: string, callId: string, exported: string, args: object[], results: string[], deadlineMs = 5_000) =>
    client.request<CallResult>('call', { instance, call: callId, export: exported, args, results, deadlineMs }, deadlineMs + TIMEOUT_MS);

  try {
    let hello: HelloResult | undefined;
    const handshake = await step('hello: handshake with protocol version 1, schema-valid result', async () => {
      hello = await client.request<HelloResult>('hello', { protocolVersion: PROTOCOL_VERSION, harness: 'awc smoke' }, TIMEOUT_MS);
      return hello.protocolVersion === PROTOCOL_VERSION ? undefined : `answered protocolVersion ${hello.protocolVersion}`;
    });
    if (!handshake) blocked = 'the handshake failed';

    await step('errors: a request with missing params gets error bad-request', () => expectError(client.request('load', { name: 'x' }, TIMEOUT_MS), 'bad-request'));
    await step('errors: an unknown instance gets error unknown-instance', () => expectError(client.request('inspect', { instance: 'no-such-instance' }, TIMEOUT_MS), 'unknown-instance'));

    const features = hello?.features;
    const guest = features && !features.coreModules && features.components ? componentGuest(options.prepareComponent) : CORE_GUEST;
    let modules = { echo: '', errors: '', order: '' };
    const loaded = await step(`load: ${guest.what}`, async () => {
      modules = await guest.load(client);
      return undefined;
    });
    if (!loaded) blocked ??= 'the fixtures could not be loaded';
    const instantiate = async (role: keyof typeof modules) => (await client.request<{ instance: string }>('instantiate', { module: modules[role], grants: {}, limits: {} }, TIMEOUT_MS)).instance;

    let echo = '';
    await step(`instantiate + call: ${guest.echoI32}(42) through an async import is ok(42)`, async () => {
      echo = await instantiate('echo');
      const r = await call(echo, 'smoke-1', guest.echoI32, [{ type: 'i32', value: 42 }], ['i32']);
      return JSON.stringify(r.outcome) === JSON.stringify({ kind: 'ok', values: [{ type: 'i32', value: 42 }] }) ? undefined : `got ${JSON.stringify(r.outcome)}`;
    });
    await step(`call: i64 max through ${guest.echoI64} is exact`, async () => {
      const r = await call(echo, 'smoke-2', guest.echoI64, [{ type: 'i64', value: '9223372036854775807' }], ['i64']);
      const v = (r.outcome as { values?: { value: string }[] }).values?.[0]?.value;
      return v === '9223372036854775807' ? undefined : `got ${JSON.stringify(r.outcome)}`;
    });
    await step(`call: ${guest.fail.export}(7) is outcome host-error {function: "fail", code: 7}`, async () => {
      const errors = await instantiate('errors');
      const r = await call(errors, 'smoke-3', guest.fail.export, [{ type: 'i32', value: 7 }], guest.fail.results);
      const o = r.outcome as { kind: string; function?: string; code?: number };
      return o.kind === 'host-error' && o.function === 'fail' && o.code === 7 ? undefined : `got ${JSON.stringify(o)}`;
    });
    await step('call: an unknown export is answered with an outcome (the adapter survives it)', async () => {
      const r = await call(echo, 'smoke-4', 'no_such_export', [], []);
      return (r.outcome as { kind: string }).kind === 'ok' ? 'an export that does not exist returned ok' : undefined;
    });
    await step('gate + inspect: the guest parks on gate(3), inspect shows it pending, open-gate releases it', async () => {
      const order = await instantiate('order');
      const inFlight = owned(call(order, 'smoke-5', guest.wait, [{ type: 'i32', value: 3 }], ['i32']));
      const pending = await parked(order);
      if (pending !== 1) return `inspect never showed the pending gate (pending=${pending})`;
      await client.request('open-gate', { instance: order, gate: 3, value: 9 }, TIMEOUT_MS);
      const r = await inFlight;
      return JSON.stringify(r.outcome) === JSON.stringify({ kind: 'ok', values: [{ type: 'i32', value: 10 }] }) ? undefined : `got ${JSON.stringify(r.outcome)}`;
    });
    await step('cancel: a call parked on a gate, cancelled, ends as outcome cancelled and the host saw the abort', async () => {
      const order = await instantiate('order');
      const inFlight = owned(call(order, 'smoke-6', guest.wait, [{ type: 'i32', value: 4 }], ['i32']));
      const pending = await parked(order);
      if (pending !== 1) return `inspect never showed the pending gate (pending=${pending})`;
      const c = await client.request<{ found: boolean }>('cancel', { call: 'smoke-6' }, TIMEOUT_MS);
      if (!c.found) return 'cancel answered found=false for a call in flight';
      const r = await inFlight;
      if ((r.outcome as { kind: string }).kind !== 'cancelled') return `got ${JSON.stringify(r.outcome)}`;
      const state = await client.request<{ counters: { aborted: number; pending: number } }>('inspect', { instance: order }, TIMEOUT_MS);
      return state.counters.aborted === 1 && state.counters.pending === 0 ? undefined : `host counters after cancel: ${JSON.stringify(state.counters)}`;
    });
    await step('deadline: a call with deadlineMs 100 parked on a gate ends as outcome timeout', async () => {
      const order = await instantiate('order');
      const r = await call(order, 'smoke-7', guest.wait, [{ type: 'i32', value: 5 }], ['i32'], 100);
      return (r.outcome as { kind: string }).kind === 'timeout' ? undefined : `got ${JSON.stringify(r.outcome)}`;
    });
    await step('dispose with a call in flight: the call ends cancelled', async () => {
      const order = await instantiate('order');
      const inFlight = owned(call(order, 'smoke-8', guest.wait, [{ type: 'i32', value: 6 }], ['i32']));
      const pending = await parked(order);
      if (pending !== 1) return `inspect never showed the pending gate (pending=${pending})`;
      await client.request('dispose', { instance: order }, TIMEOUT_MS);
      const r = await inFlight;
      return (r.outcome as { kind: string }).kind === 'cancelled' ? undefined : `the call of the disposed instance ended ${JSON.stringify(r.outcome)}, not cancelled (PROTOCOL.md: dispose)`;
    });
    await step('dispose: afterwards the instance is unknown', async () => {
      await client.request('dispose', { instance: echo }, TIMEOUT_MS);
      return expectError(client.request('inspect', { instance: echo }, TIMEOUT_MS), 'unknown-instance');
    });
    await step('close: answered, then the process exits', async () => {
      await client.request('close', {}, TIMEOUT_MS);
      const t0 = performance.now();
      while (client.alive && performance.now() - t0 < 3_000) await new Promise((r) => setTimeout(r, 20));
      return client.alive ? 'still running 3 s after close' : undefined;
    });
    await client.close();

    // Fresh processes: these steps do not depend on the earlier ones (the events step starts its own).
    client = new ProtocolClient(command);
    blocked = undefined;
    await step('events: after hello {events: true}, host-event notifications equal inspect\'s events (detail included)', () =>
      checkEventNotifications(command, { load: async (c) => (await guest.load(c)).order, wait: guest.wait }),
    );
    await step('hello: an unsupported protocol version gets error version-mismatch', () => expectError(client.request('hello', { protocolVersion: 999 }, TIMEOUT_MS), 'version-mismatch'));
  } finally {
    await client.close();
  }
  return steps;
}

