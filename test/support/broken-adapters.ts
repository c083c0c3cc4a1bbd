/**
 * Deliberately broken adapters: the real node-jspi adapter with one defect injected into its
 * outcomes. Each conformance case that checks the defective behaviour must fail on them.
 * Also loadable by `awc run --plugin`, so the CLI's exit codes can be tested end to end.
 */
import type { Adapter, AdapterDescription, Instance, InstantiateOptions, ModuleHandle, Session } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { dirname, join } from 'node:path';
import { DEFAULT_POLICY, type CapabilityPolicy } from '../../adapters/js/host/capabilities.ts';
import { nodeIO } from '../../adapters/js/io/node.ts';
import { createJsSession } from '../../adapters/js/session.ts';
import { jspi } from '../../adapters/js/strategies/jspi.ts';
import type { Strategy } from '../../adapters/js/strategies/strategy.ts';
import { nodeJspi } from '../../adapters/node-jspi/adapter.ts';

export type Defect = (exportName: string, outcome: Outcome) => Outcome;

/** Off by one in every i64 result: the kind of bug a runtime that rounds through f64 has. */
export const offByOneI64: Defect = (_name, o) =>
  o.kind === 'ok' ? { kind: 'ok', values: o.values.map((v) => (v.type === 'i64' ? { type: 'i64', value: BigInt.asIntN(64, v.value + 1n) } : v)) } : o;

/** Host errors swallowed: the call looks successful with no values. */
export const dropsHostErrors: Defect = (_name, o) => (o.kind === 'host-error' ? { kind: 'ok', values: [] } : o);

/** Every trap reported as `unreachable`. */
export const mislabelsTraps: Defect = (_name, o) => (o.kind === 'trap' ? { kind: 'trap', trap: 'unreachable', message: o.message } : o);

/** Wraps a real adapter so every call outcome passes through `defect`. */
export function brokenAdapter(id: string, defect: Defect, base: Adapter = nodeJspi): Adapter {
  const wrapInstance = (inner: Instance): Instance => ({
    call: async (name, args, options) => defect(name, await inner.call(name, args, options)),
    inspect: () => inner.inspect(),
    openGate: (gate, value) => inner.openGate(gate, value),
    dispose: () => inner.dispose(),
  });
  return {
    id,
    async describe(): Promise<AdapterDescription> {
      return { ...(await base.describe()), id };
    },
    async open(env): Promise<Session> {
      const inner = await base.open(env);
      return {
        load: (wasm, name) => inner.load(wasm, name),
        instantiate: async (module, options) => wrapInstance(await inner.instantiate(module, options)),
        close: () => inner.close(),
      };
    },
  };
}

/** Wraps a real adapter's sessions and instances with overrides. */
interface Overrides {
  describe?: (d: AdapterDescription) => AdapterDescription;
  instantiate?: (inner: Session, module: ModuleHandle, options: InstantiateOptions) => Promise<Instance>;
  instance?: (inner: Instance) => Partial<Instance>;
}

function wrapped(id: string, overrides: Overrides, base: Adapter = nodeJspi): Adapter {
  return {
    id,
    async describe() {
      const d = { ...(await base.describe()), id };
      return overrides.describe ? overrides.describe(d) : d;
    },
    async open(env) {
      const inner = await base.open(env);
      const instantiate = async (module: ModuleHandle, options: InstantiateOptions) => {
        const i = overrides.instantiate ? await overrides.instantiate(inner, module, options) : await inner.instantiate(module, options);
        return { ...bind(i), ...(overrides.instance?.(i) ?? {}) };
      };
      return { load: (w, n) => inner.load(w, n), instantiate, close: () => inner.close() };
    },
  };
}

const bind = (i: Instance): Instance => ({ call: i.call.bind(i), inspect: i.inspect.bind(i), openGate: i.openGate.bind(i), dispose: i.dispose.bind(i) });

/** Lets arguments be coerced as plain JS does (missing → 0, extras dropped, f64 truncated), here for echo_i32. */
export const coercesArguments = wrapped('broken-coerces-arguments', {
  instance: (inner) => ({
    call: (name, args, options) => inner.call(name, name === 'echo_i32' ? [i32(Number(args[0]?.value ?? 0) | 0)] : args, options),
  }),
});

/**
 * Binds `ready_i32` without Suspending: the engine converts the returned Promise to an i32 (0),
 * the defect class of jco's undeclared async imports (SPEC.md §13.3).
 */
export const promiseAsNumber: Adapter = {
  id: 'broken-promise-as-number',
  describe: async () => ({ ...(await nodeJspi.describe()), id: 'broken-promise-as-number' }),
  open: async () =>
    createJsSession(
      {
        ...jspi,
        imports(host, tracker) {
          const imports = jspi.imports(host, tracker);
          (imports['awc'] as Record<string, unknown>)['ready_i32'] = (v: number) => Promise.resolve(v);
          return imports;
        },
      },
      nodeIO,
    ),
};

/** Cancels and deadlines are silently dropped: the call runs on. */
export const ignoresCancel = wrapped('broken-ignores-cancel', {
  instance: (inner) => ({ call: (name, args, options) => inner.call(name, args, { results: options.results }) }),
});

/** Reports `cancelled` at once but leaves the host operation running: the seed's "cancellation" that wraps a plain sleep. */
export const leaksOnCancel = wrapped('broken-leaks-on-cancel', {
  instance: (inner) => ({
    call: (name, args, options) =>
      new Promise((resolve) => {
        const { signal: _dropped, ...rest } = options;
        options.signal?.addEventListener('abort', () => resolve({ kind: 'cancelled', message: 'cancelled (but nothing was aborted)' }), { once: true });
        inner.call(name, args, rest).then(resolve, () => {});
      }),
  }),
});

/**
 * Starts calls into one instance out of the order they were sent (every other call a turn late):
 * an adapter whose request tasks race for the instance, as the wasmtime adapter's once did.
 */
export const reordersCalls = wrapped('broken-reorders-calls', {
  instance: (inner) => {
    let sent = 0;
    return {
      call: async (name, args, options) => {
        if (sent++ % 2 === 0) await new Promise((r) => setImmediate(r));
        return inner.call(name, args, options);
      },
    };
  },
});

/** Normalises paths instead of refusing them, so `..` walks out of the mount. */
export const laxPaths: CapabilityPolicy = {
  ...DEFAULT_POLICY,
  file: (guestPath, grants) => {
    const grant = grants.files?.[0];
    if (!grant || !guestPath.startsWith('/data')) return DEFAULT_POLICY.file(guestPath, grants);
    return { granted: true, value: { hostPath: join(grant.hostDir, guestPath.slice('/data'.length)), hostRoot: dirname(grant.hostDir) } };
  },
};
/** Fetches any http URL: the origin grant is never consulted. */
export const anyOrigin: CapabilityPolicy = { ...DEFAULT_POLICY, http: (url) => ({ granted: true, value: new URL(url) }) };

export const letsDotDotThrough: Adapter = {
  id: 'broken-lets-dotdot-through',
  describe: async () => ({ ...(await nodeJspi.describe()), id: 'broken-lets-dotdot-through' }),
  open: async () => createJsSession(jspi, nodeIO, laxPaths),
};

/** Hands out the same instance for every instantiation of a module: instances share memory and globals. */
export function sharesInstances(): Adapter {
  const cache = new Map<string, Promise<Instance>>();
  return wrapped('broken-shares-instances', {
    instantiate: (inner, module, options) => {
      // Module ids of the JS session are "<fixture>#<n>": share across loads of the same fixture.
      const key = module.id.split('#')[0]!;
      let i = cache.get(key);
      if (!i) {
        i = inner.instantiate(module, options);
        cache.set(key, i);
      }
      return i;
    },
  });
}

/** Declares memory limits and fuel but drops them (the base adapter cannot enforce either). */
export const ignoresLimits = wrapped('broken-ignores-limits', {
  describe: (d) => ({ ...d, features: { ...d.features, memoryLimits: true } }),
  instantiate: (inner, module, options) => inner.instantiate(module, { ...(options.grants ? { grants: options.grants } : {}) }),
});

/** A JSPI strategy whose echo_i64 import returns its argument plus one (the host call itself is real and logged). */
const i64OffByOne: Strategy = {
  ...jspi,
  imports(host, tracker) {
    const imports = jspi.imports(host, tracker);
    const module = imports['awc'] as Record<string, unknown>;
    module['echo_i64'] = new WebAssembly.Suspending(async (v: bigint) =>
      BigInt.asIntN(64, ((await host.invokeAsync('echo_i64', [v], tracker.current)) as bigint) + 1n),
    );
    return imports;
  },
};
export const hostI64OffByOne: Adapter = {
  id: 'broken-host-i64-off-by-one',
  describe: async () => ({ ...(await nodeJspi.describe()), id: 'broken-host-i64-off-by-one' }),
  open: async () => createJsSession(i64OffByOne, nodeIO),
};

/** The host event log loses the most recent host call (a runtime that skips or misreports its last import). */
export const dropsLastHostCall = wrapped('broken-drops-last-host-call', {
  instance: (inner) => ({
    inspect: async () => {
      const state = await inner.inspect();
      const lastStart = state.events.map((e) => e.kind).lastIndexOf('start');
      return lastStart < 0 ? state : { ...state, events: state.events.filter((_, i) => i !== lastStart) };
    },
  }),
});

/** An adapter whose runtime is missing. */
export const missingRuntime: Adapter = {
  id: 'fake-missing',
  async describe() {
    return { ...(await nodeJspi.describe()), id: 'fake-missing', available: false, reason: 'runtime binary not installed (test fake)' };
  },
  async open() {
    throw new Error('must never be opened');
  },
};

/** For `awc run --plugin test/support/broken-adapters.ts`. */
export const adapters: Adapter[] = [
  brokenAdapter('fake-off-by-one-i64', offByOneI64),
  brokenAdapter('fake-drops-host-errors', dropsHostErrors),
  brokenAdapter('fake-mislabels-traps', mislabelsTraps),
  hostI64OffByOne,
  dropsLastHostCall,
  ignoresCancel,
  leaksOnCancel,
  letsDotDotThrough,
  ignoresLimits,
  missingRuntime,
];
