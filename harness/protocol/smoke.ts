/**
 * `awc smoke`: checks an out-of-process adapter's protocol compliance step by step and says
 * exactly which step is wrong — what someone writing an adapter for their runtime runs first.
 *
 * The steps are a list of small named checks over the harness's ordinary path to an adapter (a
 * ProcessSession and its instances) and the case check helpers. Only what that path hides is
 * asked on the wire directly: the handshake, malformed requests, the answer to `cancel`, `close`.
 */
import type { Verdict } from '../case.ts';
import { expectCancelled, expectOk } from '../check.ts';
import { loadComponentFixture } from '../components.ts';
import { loadFixture } from '../fixtures.ts';
import { formatOutcome, type Outcome } from '../outcome.ts';
import { i32, i64, type Value } from '../values.ts';
import { waitFor } from '../wait.ts';
import type { CallOptions, ModuleHandle } from '../adapter.ts';
import { AdapterRequestError, ProtocolClient } from './client.ts';
import { PROTOCOL_VERSION, type HelloResult } from './messages.ts';
import { ProcessSession, type ProcessAdapterConfig, type ProcessInstance } from './process-adapter.ts';
import { checkEventNotifications } from './smoke-events.ts';

export interface SmokeStep {
  step: string;
  ok: boolean;
  detail: string;
}

const TIMEOUT_MS = 15_000;
/** Every smoke call has a deadline, so none can hang the smoke. */
const CALL_DEADLINE_MS = 5_000;
/** How long a call may take to park on its gate (inspect shows it pending). */
const PARK_MS = 2_000;
const CLOSE_EXIT_MS = 3_000;

type Prepare = ProcessAdapterConfig['prepareComponent'];
type Modules = { echo: ModuleHandle; errors: ModuleHandle; order: ModuleHandle };

/**
 * What the steps load and call: core fixtures, or the guest component on adapters that take
 * only components (same checks, the component's exports: SPEC.md §13).
 */
export interface SmokeGuest {
  what: string;
  /** Module handles for the three roles (one component serves all three). */
  load(session: ProcessSession): Promise<Modules>;
  echoI32: string;
  echoI64: string;
  /** fail(code) whose error reaches the caller as host-error "fail". */
  fail: { export: string; results: CallOptions['results'] };
  /** wait(gate) parks on gate(id) and returns the value + 1. */
  wait: string;
}

const CORE_GUEST: SmokeGuest = {
  what: 'core modules (base64) for echo, errors and order fixtures',
  async load(session) {
    const load = async (name: string) => session.load(await loadFixture(name), name);
    return { echo: await load('propagation/echo.wat'), errors: await load('propagation/errors.wat'), order: await load('suspension/order.wat') };
  },
  echoI32: 'echo_i32',
  echoI64: 'echo_i64',
  fail: { export: 'fail_now', results: [] },
  wait: 'wait',
};

function componentGuest(): SmokeGuest {
  const name = 'components/guest.wat';
  return {
    what: `the guest component (${name}), no core modules: the adapter declares components only`,
    async load(session) {
      const handle = await session.loadComponent({ bytes: await loadComponentFixture(name) }, name);
      return { echo: handle, errors: handle, order: handle };
    },
    echoI32: 'echo-s32',
    echoI64: 'echo-s64',
    fail: { export: 'fail-with', results: ['i32'] },
    wait: 'gated',
  };
}

/** One adapter process as the steps see it, and what earlier steps set up on it. */
interface Smoke {
  command: string[];
  prepareComponent: Prepare;
  client: ProtocolClient;
  session: ProcessSession;
  /** The wire id of the latest call (smoke-1, smoke-2, …): a step cancels a call by it. */
  lastCall: string;
  guest: SmokeGuest;
  modules?: Modules;
  /** The echo instance, shared by the steps that call it and the one that disposes it. */
  echo?: ProcessInstance;
}

interface StepDefinition {
  /** What the step checks, as reported; may name the guest's exports (known after the handshake). */
  name: string | ((s: Smoke) => string);
  /** Runs on a fresh adapter process: it does not depend on the earlier steps. */
  fresh?: boolean;
  /** When this step fails, the later steps on this process are not run, for this reason. */
  blocks?: string;
  /** Undefined when the step passes, else what is wrong. */
  run(s: Smoke): Promise<string | undefined>;
}

const problem = (v: Verdict): string | undefined => (v.pass ? undefined : v.message);

async function expectError(promise: Promise<unknown>, code: string): Promise<string | undefined> {
  try {
    await promise;
    return `expected an error response with code ${code}, got a result`;
  } catch (err) {
    if (err instanceof AdapterRequestError) return err.code === code ? undefined : `expected error code ${code}, got ${err.message}`;
    throw err;
  }
}

const instantiate = (s: Smoke, role: keyof Modules): Promise<ProcessInstance> => s.session.instantiate(s.modules![role], { grants: {}, limits: {} });

const call = (instance: ProcessInstance, exported: string, args: Value[], results: CallOptions['results'], deadlineMs = CALL_DEADLINE_MS): Promise<Outcome> =>
  instance.call(exported, args, { results, deadlineMs });

/** A call whose outcome the step awaits later: owned now, so a step that fails first leaves no unhandled rejection. */
const owned = <T>(p: Promise<T>): Promise<T> => {
  p.catch(() => {});
  return p;
};

function echoInstance(s: Smoke): ProcessInstance {
  if (!s.echo) throw new Error('no echo instance: instantiating it failed');
  return s.echo;
}

/** Waits (bounded) until inspect shows a host operation pending; says why not when it never does. */
async function parked(instance: ProcessInstance): Promise<string | undefined> {
  let pending = 0;
  let failure: unknown;
  const check = async (): Promise<true | undefined> => {
    try {
      pending = (await instance.inspect()).counters.pending;
    } catch (err) {
      failure = err;
      return true;
    }
    return pending > 0 ? true : undefined;
  };
  await waitFor('a call parked on its gate', check, PARK_MS).catch(() => {}); // timed out: said below
  if (failure !== undefined) throw failure;
  return pending === 1 ? undefined : `inspect never showed the pending gate (pending=${pending})`;
}

/** A call of `wait(gate)` on a fresh order instance, parked on its gate once this resolves. */
async function parkedCall(s: Smoke, gate: number): Promise<{ instance: ProcessInstance; callId: string; outcome: Promise<Outcome>; problem?: string }> {
  const instance = await instantiate(s, 'order');
  const outcome = owned(call(instance, s.guest.wait, [i32(gate)], ['i32']));
  const callId = s.lastCall;
  const notParked = await parked(instance);
  return { instance, callId, outcome, ...(notParked ? { problem: notParked } : {}) };
}

/** The steps, in order. */
const STEPS: StepDefinition[] = [
  {
    name: 'hello: handshake with protocol version 1, schema-valid result',
    blocks: 'the handshake failed',
    async run(s) {
      const hello = await s.client.request<HelloResult>('hello', { protocolVersion: PROTOCOL_VERSION, harness: 'awc smoke' }, TIMEOUT_MS);
      const features = hello.features;
      if (features && !features.coreModules && features.components) s.guest = componentGuest();
      return hello.protocolVersion === PROTOCOL_VERSION ? undefined : `answered protocolVersion ${hello.protocolVersion}`;
    },
  },
  {
    name: 'errors: a request with missing params gets error bad-request',
    run: (s) => expectError(s.client.request('load', { name: 'x' }, TIMEOUT_MS), 'bad-request'),
  },
  {
    name: 'errors: an unknown instance gets error unknown-instance',
    run: (s) => expectError(s.client.request('inspect', { instance: 'no-such-instance' }, TIMEOUT_MS), 'unknown-instance'),
  },
  {
    name: (s) => `load: ${s.guest.what}`,
    blocks: 'the fixtures could not be loaded',
    async run(s) {
      s.modules = await s.guest.load(s.session);
      return undefined;
    },
  },
  {
    name: (s) => `instantiate + call: ${s.guest.echoI32}(42) through an async import is ok(42)`,
    async run(s) {
      s.echo = await instantiate(s, 'echo');
      return problem(expectOk(await call(s.echo, s.guest.echoI32, [i32(42)], ['i32']), [i32(42)]));
    },
  },
  {
    name: (s) => `call: i64 max through ${s.guest.echoI64} is exact`,
    run: async (s) => problem(expectOk(await call(echoInstance(s), s.guest.echoI64, [i64(2n ** 63n - 1n)], ['i64']), [i64(2n ** 63n - 1n)])),
  },
  {
    name: (s) => `call: ${s.guest.fail.export}(7) is outcome host-error {function: "fail", code: 7}`,
    async run(s) {
      const o = await call(await instantiate(s, 'errors'), s.guest.fail.export, [i32(7)], s.guest.fail.results);
      return o.kind === 'host-error' && o.function === 'fail' && o.code === 7 ? undefined : `expected host-error fail code=7, got ${formatOutcome(o)}`;
    },
  },
  {
    name: 'call: an unknown export is answered with an outcome (the adapter survives it)',
    run: async (s) => ((await call(echoInstance(s), 'no_such_export', [], [])).kind === 'ok' ? 'an export that does not exist returned ok' : undefined),
  },
  {
    name: 'gate + inspect: the guest parks on gate(3), inspect shows it pending, open-gate releases it',
    async run(s) {
      const parkedOn = await parkedCall(s, 3);
      if (parkedOn.problem) return parkedOn.problem;
      await parkedOn.instance.openGate(3, 9);
      return problem(expectOk(await parkedOn.outcome, [i32(10)]));
    },
  },
  {
    name: 'cancel: a call parked on a gate, cancelled, ends as outcome cancelled and the host saw the abort',
    async run(s) {
      const parkedOn = await parkedCall(s, 4);
      if (parkedOn.problem) return parkedOn.problem;
      // On the wire, not through an abort signal: the step checks the answer too.
      const c = await s.client.request<{ found: boolean }>('cancel', { call: parkedOn.callId }, TIMEOUT_MS);
      if (!c.found) return 'cancel answered found=false for a call in flight';
      const cancelled = problem(expectCancelled(await parkedOn.outcome, {}));
      if (cancelled) return cancelled;
      const { counters } = await parkedOn.instance.inspect();
      return counters.aborted === 1 && counters.pending === 0 ? undefined : `host counters after cancel: ${JSON.stringify(counters)}`;
    },
  },
  {
    name: 'deadline: a call with deadlineMs 100 parked on a gate ends as outcome timeout',
    async run(s) {
      const o = await call(await instantiate(s, 'order'), s.guest.wait, [i32(5)], ['i32'], 100);
      return o.kind === 'timeout' ? undefined : `expected timeout, got ${formatOutcome(o)}`;
    },
  },
  {
    name: 'dispose with a call in flight: the call ends cancelled',
    async run(s) {
      const parkedOn = await parkedCall(s, 6);
      if (parkedOn.problem) return parkedOn.problem;
      await parkedOn.instance.dispose();
      const o = await parkedOn.outcome;
      return expectCancelled(o, {}).pass ? undefined : `the call of the disposed instance ended ${formatOutcome(o)}, not cancelled (PROTOCOL.md: dispose)`;
    },
  },
  {
    name: 'dispose: afterwards the instance is unknown',
    async run(s) {
      const echo = echoInstance(s);
      await echo.dispose();
      return expectError(echo.inspect(), 'unknown-instance');
    },
  },
  {
    name: 'close: answered, then the process exits',
    async run(s) {
      await s.client.request('close', {}, TIMEOUT_MS);
      return waitFor('the adapter process to exit', () => (s.client.alive ? undefined : true), CLOSE_EXIT_MS).then(
        () => undefined,
        () => 'still running 3 s after close',
      );
    },
  },
  {
    name: "events: after hello {events: true}, host-event notifications equal inspect's events (detail included)",
    fresh: true,
    // On a process of its own: it says hello with events: true.
    run: (s) =>
      checkEventNotifications(s.command, {
        load: async (client) => (await s.guest.load(new ProcessSession(client, s.prepareComponent))).order.id,
        wait: s.guest.wait,
      }),
  },
  {
    name: 'hello: an unsupported protocol version gets error version-mismatch',
    run: (s) => expectError(s.client.request('hello', { protocolVersion: 999 }, TIMEOUT_MS), 'version-mismatch'),
  },
];

/**
 * Runs every step in order on `command` (from the events step on, on a fresh process) and
 * reports every step, whatever the adapter does: a step that needs what an earlier one failed
 * to set up (the handshake, the modules, a live process) is reported failed as "not run", with
 * the reason. `prepareComponent`: the row's harness-side transpile, if its components need one.
 * `onStep`: each step as soon as it is decided (so a hang later still leaves the earlier lines).
 */
export async function smoke(command: string[], options: { prepareComponent?: Prepare; onStep?: (s: SmokeStep) => void } = {}): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  let calls = 0;
  const connect = (): Pick<Smoke, 'client' | 'session'> => {
    const client = new ProtocolClient(command);
    return { client, session: new ProcessSession(client, options.prepareComponent, () => (s.lastCall = `smoke-${++calls}`)) };
  };
  const s: Smoke = { command, prepareComponent: options.prepareComponent, lastCall: '', guest: CORE_GUEST, ...connect() };
  /** Why the remaining steps on this process cannot run, once one of their prerequisites failed. */
  let blocked: string | undefined;
  try {
    for (const definition of STEPS) {
      if (definition.fresh) {
        await s.client.close();
        Object.assign(s, connect());
        blocked = undefined;
      }
      const name = typeof definition.name === 'string' ? definition.name : definition.name(s);
      if (!blocked && !s.client.alive) blocked = `the adapter process is gone (${(await s.client.failed())?.message.split('\n')[0] ?? 'it exited'})`;
      let step: SmokeStep;
      if (blocked) {
        step = { step: name, ok: false, detail: `not run: ${blocked}` };
      } else {
        try {
          const wrong = await definition.run(s);
          step = { step: name, ok: wrong === undefined, detail: wrong ?? 'ok' };
        } catch (err) {
          step = { step: name, ok: false, detail: (err as Error)?.message ?? String(err) };
        }
        if (!step.ok && definition.blocks) blocked = definition.blocks;
      }
      steps.push(step);
      options.onStep?.(step);
    }
  } finally {
    await s.client.close();
  }
  return steps;
}
