/**
 * Deliberately broken hosts and value boundaries: the real node-jspi adapter with one defect a
 * runtime author makes in host checks, host bookkeeping, float conversion or speed. Each one
 * must fail the case written against it (test/broken-host.test.ts).
 */
import picomatch from 'picomatch/posix.js';
import type { Adapter, Instance, InstanceState } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { f32, f64, floatFromBits, type Value } from '../../harness/values.ts';
import { DEFAULT_POLICY, type CapabilityPolicy } from '../../adapters/js/host/capabilities.ts';
import { DeniedError } from '../../adapters/js/host/errors.ts';
import type { Host, Raw } from '../../adapters/js/host/host.ts';
import { readGuest, writeGuest, type MemoryRef } from '../../adapters/js/host/memory.ts';
import { nodeIO } from '../../adapters/js/io/node.ts';
import { createJsSession } from '../../adapters/js/session.ts';
import { jspi } from '../../adapters/js/strategies/jspi.ts';
import type { Strategy } from '../../adapters/js/strategies/strategy.ts';
import { nodeJspi } from '../../adapters/node-jspi/adapter.ts';
import type { Grants } from '../../harness/adapter.ts';

// ---------------------------------------------------------------------------------------------
// Wrapping the real adapter's instances (values crossing the export boundary, inspect, speed).

function wrappedInstances(id: string, wrap: (inner: Instance) => Partial<Instance>): Adapter {
  return {
    id,
    describe: async () => ({ ...(await nodeJspi.describe()), id }),
    async open(env) {
      const inner = await nodeJspi.open(env);
      return {
        load: (w, n) => inner.load(w, n),
        instantiate: async (module, options) => {
          const i = await inner.instantiate(module, options);
          const base: Instance = { call: i.call.bind(i), inspect: i.inspect.bind(i), openGate: i.openGate.bind(i), dispose: i.dispose.bind(i) };
          return { ...base, ...wrap(i) };
        },
        close: () => inner.close(),
      };
    },
  };
}

/** Rewrites float values both ways: call arguments on the way in, results on the way out. */
function floatDefect(id: string, change: (v: Extract<Value, { type: 'f32' | 'f64' }>) => Value): Adapter {
  const map = (v: Value): Value => (v.type === 'f32' || v.type === 'f64' ? change(v) : v);
  return wrappedInstances(id, (inner) => ({
    call: async (name, args, options) => {
      const o: Outcome = await inner.call(name, args.map(map), options);
      return o.kind === 'ok' ? { kind: 'ok', values: o.values.map(map) } : o;
    },
  }));
}

const MIN_NORMAL = { f32: 2 ** -126, f64: 2 ** -1022 };

/** Flushes subnormal floats to (signed) zero, as a runtime running with FTZ/DAZ set does. */
export const flushesSubnormals = floatDefect('broken-flushes-subnormals', (v) => {
  const x = v.value;
  if (x === 0 || !Number.isFinite(x) || Math.abs(x) >= MIN_NORMAL[v.type]) return v;
  return v.type === 'f32' ? f32(x < 0 ? -0 : 0) : f64(x < 0 ? -0 : 0);
});

/** Loses the sign of an f32 -0 (a binding that goes through an integer or `|| 0`). */
export const losesF32MinusZero = floatDefect('broken-loses-f32-minus-zero', (v) => (v.type === 'f32' && Object.is(v.value, -0) ? f32(0) : v));

/** Replaces every NaN by the canonical quiet NaN (JavaScriptCore-style NaN purification). */
export const canonicalisesNaN = floatDefect('broken-canonicalises-nan', (v) =>
  Number.isNaN(v.value) ? floatFromBits(v.type, v.type === 'f32' ? '7fc00000' : '7ff8000000000000') : v,
);

/** Reports the memoryBytes of the instance's first inspect for ever after. */
export const freezesMemoryBytes = wrappedInstances('broken-freezes-memory-bytes', (inner) => {
  let first: number | null | undefined;
  return {
    inspect: async (): Promise<InstanceState> => {
      const state = await inner.inspect();
      if (first === undefined) first = state.memoryBytes;
      return { ...state, memoryBytes: first };
    },
  };
});

/** Correct but slow: every export call takes 50 ms longer (a runtime with a costly call path). */
export const SLOW_CALL_MS = 50;
export const slowCalls = wrappedInstances('broken-slow-calls', (inner) => ({
  call: async (name, args, options) => {
    await new Promise((r) => setTimeout(r, SLOW_CALL_MS));
    return inner.call(name, args, options);
  },
}));

/** Denials and argument failures leave no trace in the event log (checked before the operation starts). */
export const hidesRefusals = wrappedInstances('broken-hides-refusals', (inner) => ({
  inspect: async (): Promise<InstanceState> => {
    const state = await inner.inspect();
    const refused = new Set(state.events.filter((e) => e.kind === 'error' && [1, 3, 4, 5].includes(Number(e.detail))).map((e) => e.op));
    const n = refused.size;
    return {
      ...state,
      events: state.events.filter((e) => e.op === undefined || !refused.has(e.op)),
      counters: { ...state.counters, started: state.counters.started - n, failed: state.counters.failed - n },
    };
  },
}));

// ---------------------------------------------------------------------------------------------
// Lax capability policies (the CapabilityPolicy hook of the JS host, like laxPaths/anyOrigin).

const policyAdapter = (id: string, policy: CapabilityPolicy): Adapter => ({
  id,
  describe: async () => ({ ...(await nodeJspi.describe()), id }),
  open: async () => createJsSession(jspi, nodeIO, policy),
});

/** Falls back to a lax file rule where the real one found no grant. */
function laxFile(match: (guestPath: string, grant: NonNullable<Grants['files']>[number]) => string | undefined): CapabilityPolicy {
  return {
    ...DEFAULT_POLICY,
    file: (guestPath, grants) => {
      const strict = DEFAULT_POLICY.file(guestPath, grants);
      if (strict.granted || strict.reason !== 'no file grant covers this path') return strict;
      for (const grant of grants.files ?? []) {
        const relative = match(guestPath, grant);
        if (relative !== undefined) return { granted: true, value: { hostPath: `${grant.hostDir.replace(/\/+$/, '')}/${relative}`, hostRoot: grant.hostDir } };
      }
      return strict;
    },
  };
}

/** The mount compared with startsWith and no "/" boundary: /datasub/x is "under" /data. */
export const mountWithoutBoundary = policyAdapter(
  'broken-mount-without-boundary',
  laxFile((path, grant) => {
    const mount = grant.mount.replace(/\/+$/, '');
    if (!path.startsWith(mount)) return undefined;
    const relative = path.slice(mount.length).replace(/^\/+/, '');
    return relative && picomatch(grant.allow)(relative) ? relative : undefined;
  }),
);

/** Wildcards match dot-files (picomatch with dot: true). */
export const wildcardsMatchDotFiles = policyAdapter(
  'broken-wildcards-match-dot-files',
  laxFile((path, grant) => {
    const mount = grant.mount.replace(/\/+$/, '');
    if (!path.startsWith(mount + '/')) return undefined;
    const relative = path.slice(mount.length + 1);
    return picomatch(grant.allow, { dot: true })(relative) ? relative : undefined;
  }),
);

/** Origins compared as string prefixes of the URL: http://h:6553 "grants" http://h:65535. */
export const originByPrefix = policyAdapter('broken-origin-by-prefix', {
  ...DEFAULT_POLICY,
  http: (url, grants) => {
    const strict = DEFAULT_POLICY.http(url, grants);
    if (strict.granted || !(grants.http?.origins ?? []).some((o) => url.startsWith(o))) return strict;
    return { granted: true, value: new URL(url) };
  },
});

// ---------------------------------------------------------------------------------------------
// Host functions patched on the real host (its bookkeeping stays real).

/** What the patches reach inside the JS host (test-only; private in TypeScript, plain fields at run time). */
interface HostInternals {
  impls: Record<string, (args: Raw[], signal: AbortSignal, callId: number | null) => Promise<Raw | undefined>>;
  memory: MemoryRef;
  gates: Map<number, (value: number) => void>;
  grants: Grants;
  policy: CapabilityPolicy;
}

function patchedHost(id: string, patch: (host: Host, internals: HostInternals) => void): Adapter {
  const strategy: Strategy = {
    ...jspi,
    imports(host, tracker) {
      patch(host, host as unknown as HostInternals);
      return jspi.imports(host, tracker);
    },
  };
  return { id, describe: async () => ({ ...(await nodeJspi.describe()), id }), open: async () => createJsSession(strategy, nodeIO) };
}

const lossy = new TextDecoder('utf-8');

/** Guest strings decoded lossily (bad bytes become U+FFFD) instead of refused with INVALID_ARGUMENT. */
export const decodesLossily = patchedHost('broken-decodes-lossily', (host, h) => {
  const memory: MemoryRef = () => h.memory();
  const text = (fn: string, ptr: Raw, len: Raw) => lossy.decode(readGuest(fn, memory, Number(ptr), Number(len)));
  const generic = h.impls['call']!;
  h.impls['read_file'] = async ([p, l, b, c], signal) =>
    writeGuest('read_file', memory, Number(b), Number(c), await host.readGrantedFile('read_file', text('read_file', p!, l!), Number(c) >>> 0, signal));
  h.impls['http_get'] = async ([p, l, b, c], signal) =>
    writeGuest('http_get', memory, Number(b), Number(c), await host.getGrantedUrl('http_get', text('http_get', p!, l!), Number(c) >>> 0, signal));
  h.impls['call'] = async (args, signal, callId) => {
    const decision = h.policy.call(text('call', args[0]!, args[1]!), h.grants);
    if (!decision.granted) throw new DeniedError('call', decision.capability, decision.reason);
    return generic(args, signal, callId);
  };
});

/** A second waiter on a gate silently replaces the first, which then waits for ever. */
export const gateReplacesWaiter = patchedHost('broken-gate-replaces-waiter', (_host, h) => {
  h.impls['gate'] = ([id], signal) =>
    new Promise<Raw>((resolve, reject) => {
      const key = Number(id);
      const onAbort = () => {
        h.gates.delete(key);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      h.gates.set(key, (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      });
    });
});

/** The guest's pending() keeps its own tally, decremented only when an operation succeeds. */
export const pendingIgnoresFailures = patchedHost('broken-pending-ignores-failures', (host) => {
  host.sync.pending = () => host.log.counters.started - host.log.counters.succeeded;
});

/** Every argument failure reported as a denial (the old SPEC §2.4 reading): codes 3, 4 and 5 are lost. */
export const argumentFailuresAsDenied = wrappedInstances('broken-argument-failures-as-denied', (inner) => ({
  call: async (name, args, options) => {
    const o = await inner.call(name, args, options);
    if (o.kind !== 'host-error' || ![3, 4, 5].includes(o.code) || o.function === 'gate') return o;
    return { kind: 'denied', function: o.function, capability: `${o.function}:?`, message: o.message };
  },
}));
