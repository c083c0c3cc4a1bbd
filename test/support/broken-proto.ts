/**
 * Deliberately broken adapters for the protocol-exactness cases (issue 13, items 8–10): each
 * one has a single defect a runtime author makes, and the case named beside it must fail on it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import initWabt from 'wabt';
import type { Adapter, AdapterDescription, Instance, InstanceState, InstantiateOptions, ModuleHandle, Session } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { FIXTURES_DIR } from '../../harness/paths.ts';
import { fromJs, type Value } from '../../harness/values.ts';
import { nodeIO } from '../../adapters/js/io/node.ts';
import { createJsSession } from '../../adapters/js/session.ts';
import { jspi } from '../../adapters/js/strategies/jspi.ts';
import type { Strategy } from '../../adapters/js/strategies/strategy.ts';
import { nodeJspi } from '../../adapters/node-jspi/adapter.ts';

/** A node-jspi row with another strategy (a defect in how host functions are bound). */
function withStrategy(id: string, strategy: Strategy): Adapter {
  return {
    id,
    describe: async () => ({ ...(await nodeJspi.describe()), id }),
    open: async () => createJsSession(strategy, nodeIO),
  };
}

/** Wraps node-jspi's sessions: `instance` overrides parts of every instance, `session` parts of the session. */
function wrapped(
  id: string,
  opts: {
    describe?: (d: AdapterDescription) => AdapterDescription;
    instantiate?: (inner: Session, m: ModuleHandle, o: InstantiateOptions) => Promise<Instance>;
    instance?: (inner: Instance) => Partial<Instance>;
  },
): Adapter {
  return {
    id,
    async describe() {
      const d = { ...(await nodeJspi.describe()), id };
      return opts.describe ? opts.describe(d) : d;
    },
    async open(env) {
      const inner = await nodeJspi.open(env);
      return {
        load: (w, n) => inner.load(w, n),
        async instantiate(module, options) {
          const i = opts.instantiate ? await opts.instantiate(inner, module, options) : await inner.instantiate(module, options);
          const bound: Instance = { call: i.call.bind(i), inspect: i.inspect.bind(i), openGate: i.openGate.bind(i), dispose: i.dispose.bind(i) };
          return { ...bound, ...(opts.instance?.(i) ?? {}) };
        },
        close: () => inner.close(),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Item 8, CONC-NO-PARALLEL: calls into one instance really run in parallel.

/**
 * The lock fixture with its memory imported as shared and its lock accesses atomic (so every
 * thread sees the others' writes at once): what an engine that runs each call of one instance
 * on its own thread over the instance's memory amounts to.
 */
async function sharedLockModule(): Promise<WebAssembly.Module> {
  const source = await readFile(join(FIXTURES_DIR, 'concurrency/lock.wat'), 'utf8');
  if (!source.includes('(memory (export "memory") 1)')) throw new Error('concurrency/lock.wat no longer declares the memory this adapter rewrites');
  const text = source
    .replace('(memory (export "memory") 1)', '(import "env" "memory" (memory 1 1 shared))')
    .replaceAll('i32.load (i32.const 0)', 'i32.atomic.load (i32.const 0)')
    .replaceAll('i32.store (i32.const 0)', 'i32.atomic.store (i32.const 0)');
  const wabt = await initWabt();
  const parsed = wabt.parseWat('lock-shared.wat', text, { threads: true });
  try {
    parsed.resolveNames();
    // wabt.js takes the feature set here too (its typings omit the parameter).
    (parsed as unknown as { validate(features: object): void }).validate({ threads: true });
    return new WebAssembly.Module(new Uint8Array(parsed.toBinary({ log: false }).buffer));
  } finally {
    parsed.destroy();
  }
}

/** One call on its own thread: instantiates the module over the shared memory; `sleep` blocks the thread. */
const CALL_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const nap = new Int32Array(new SharedArrayBuffer(4));
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory }, awc: { sleep: (ms) => void Atomics.wait(nap, 0, 0, Math.max(0, ms)) } });
try {
  parentPort.postMessage({ ok: true, value: instance.exports[workerData.exportName](...workerData.args) });
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message || e) });
}
`;

class ParallelInstance implements Instance {
  private readonly memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  private readonly module: WebAssembly.Module;
  constructor(module: WebAssembly.Module) {
    this.module = module;
  }
  call(exportName: string, args: Value[]): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const worker = new Worker(CALL_THREAD, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, exportName, args: args.map((a) => a.value) },
      });
      worker.once('message', (m: { ok: boolean; value?: number; message?: string }) => {
        resolve(m.ok ? { kind: 'ok', values: [fromJs('i32', m.value)] } : { kind: 'trap', trap: 'unknown', message: m.message ?? 'trap' });
        void worker.terminate();
      });
      worker.once('error', (err) => resolve({ kind: 'engine-error', name: 'WorkerError', message: err.message }));
    });
  }
  async inspect(): Promise<InstanceState> {
    return {
      counters: { started: 0, succeeded: 0, failed: 0, aborted: 0, pending: 0 },
      events: [],
      droppedEvents: 0,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }
  async openGate(): Promise<void> {
    throw new Error('no gates on this instance');
  }
  async dispose(): Promise<void> {}
}

/** Declares `interleave` (node-jspi's policy) but runs every call of the lock fixture on its own thread, in parallel. */
export const runsCallsInParallel: Adapter = {
  id: 'broken-runs-calls-in-parallel',
  describe: async () => ({ ...(await nodeJspi.describe()), id: 'broken-runs-calls-in-parallel' }),
  async open(env) {
    const inner = await nodeJspi.open(env);
    const ours = new Set<string>();
    let n = 0;
    return {
      async load(wasm, name) {
        if (!name.endsWith('concurrency/lock.wat')) return inner.load(wasm, name);
        const id = `parallel-lock#${++n}`;
        ours.add(id);
        return { id };
      },
      async instantiate(module, options) {
        return ours.has(module.id) ? new ParallelInstance(await sharedLockModule()) : inner.instantiate(module, options);
      },
      close: () => inner.close(),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Item 9, GEN-MODEL with arguments: the host log's `detail` is lost or wrong.

/** Every event's detail dropped from inspect (SUSP-ORDER and CONC-FIFO must say so at once, GEN-MODEL must fail). */
export const dropsEventDetail = wrapped('broken-drops-event-detail', {
  instance: (inner) => ({
    inspect: async () => {
      const state = await inner.inspect();
      return { ...state, events: state.events.map(({ detail: _dropped, ...rest }) => rest) };
    },
  }),
});

/** echo_i64 reaches the host as its low 32 bits (sign-extended) but the guest gets its own value back: only the log shows it. */
export const hostSeesTruncatedI64 = withStrategy('broken-host-sees-truncated-i64', {
  ...jspi,
  imports(host, tracker) {
    const imports = jspi.imports(host, tracker);
    (imports['awc'] as Record<string, unknown>)['echo_i64'] = new WebAssembly.Suspending(async (v: bigint) => {
      await host.invokeAsync('echo_i64', [BigInt.asIntN(32, v)], tracker.current);
      return v;
    });
    return imports;
  },
});

// ---------------------------------------------------------------------------------------------
// Item 10.

/** (a) Declares neither fuel nor memory limits, and silently drops the limits it is given. */
export const ignoresUnenforceableLimits = wrapped('broken-ignores-unenforceable-limits', {
  instantiate: (inner, module, options) => inner.instantiate(module, options.grants ? { grants: options.grants } : {}),
});

/** (b) Denials that name the capability loosely: the origin without its port, the call name without `call:`. */
export const namesCapabilitiesLoosely = wrapped('broken-names-capabilities-loosely', {
  instance: (inner) => ({
    call: async (name, args, options) => {
      const o = await inner.call(name, args, options);
      if (o.kind !== 'denied') return o;
      const capability = o.capability.startsWith('http:')
        ? o.capability.replace(/:\d+$/, '')
        : o.capability.startsWith('call:')
          ? o.capability.slice('call:'.length)
          : o.capability;
      return { ...o, capability };
    },
  }),
});

/** (d) `yield` as an operation that is already complete: the guest continues without giving other work a turn. */
export const yieldNoOpStrategy: Strategy = {
  ...jspi,
  imports(host, tracker) {
    const imports = jspi.imports(host, tracker);
    (imports['awc'] as Record<string, unknown>)['yield'] = new WebAssembly.Suspending(() => host.operation('yield', tracker.current, async () => undefined));
    return imports;
  },
};
export const yieldIsNoOp = withStrategy('broken-yield-is-no-op', yieldNoOpStrategy);

/** (e) `ready_i32` answered by a timer instead of at once (its result, log and queued mark unchanged). */
export const readyTimerStrategy: Strategy = {
  ...jspi,
  imports(host, tracker) {
    const imports = jspi.imports(host, tracker);
    (imports['awc'] as Record<string, unknown>)['ready_i32'] = new WebAssembly.Suspending((v: number) =>
      host.operation(
        'ready_i32',
        tracker.current,
        async (signal) => {
          await host.sleep(1, signal);
          queueMicrotask(() => host.log.record({ fn: 'ready_i32', kind: 'mark', detail: 99 }));
          return v;
        },
        v,
      ),
    );
    return imports;
  },
};
export const readyIsTimer = withStrategy('broken-ready-is-timer', readyTimerStrategy);

/** For `awc run --plugin test/support/broken-proto.ts`. */
export const adapters: Adapter[] = [
  runsCallsInParallel,
  dropsEventDetail,
  hostSeesTruncatedI64,
  ignoresUnenforceableLimits,
  namesCapabilitiesLoosely,
  yieldIsNoOp,
  readyIsTimer,
];
