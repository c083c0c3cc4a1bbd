/**
 * Deliberately broken component-async bindings (SPEC.md §14): the in-process jco adapter with one
 * defect injected in its host imports, its transpile, or its call outcomes. Each component-async
 * case that checks the defective behaviour must fail on them (test/broken-cma.test.ts).
 */
import { nodeIO } from '../../adapters/js/io/node.ts';
import { CMA_IMPORT_KEY, CMA_INTERFACE } from '../../adapters/js/jco/async-bindings.ts';
import { JCO_FEATURES } from '../../adapters/js/jco/features.ts';
import { createJcoSession, defaultImports, type JcoSessionOptions } from '../../adapters/js/jco/session.ts';
import { transpileComponent } from '../../adapters/js/jco/transpile.ts';
import type { Adapter, Instance, Session, TranspiledComponent } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { laxPaths } from './broken-adapters.ts';

type Imports = NonNullable<JcoSessionOptions['imports']>;
type HostFns = Record<string, Function>;

interface Defects {
  imports?: Imports;
  transpile?: (bytes: Uint8Array) => Promise<TranspiledComponent>;
  /** Wraps each instance (call outcomes, call order). */
  instance?: (inner: Instance) => Instance;
  /** The host's capability policy (default: the real one). */
  policy?: JcoSessionOptions['policy'];
  /** Instantiates the component's core modules: wraps the canonical built-ins the guest imports. */
  instantiateCore?: JcoSessionOptions['instantiateCore'];
}

/** jco in this process, like the jco rows; `defects` injects one bug. */
export function jcoInProcess(id: string, defects: Defects = {}): Adapter {
  return {
    id,
    async describe() {
      return {
        id,
        available: true,
        engine: { name: 'node', version: process.versions.node },
        strategy: 'jco-jspi',
        features: JCO_FEATURES,
        flags: [],
        process: 'in-process',
      };
    },
    async open() {
      const inner = createJcoSession({
        io: nodeIO,
        transpile: (bytes, bindings) => (defects.transpile ? defects.transpile(bytes) : transpileComponent(bytes, bindings === 'sync' ? 'sync' : 'jspi')),
        encodeBase64: (t) => Buffer.from(t).toString('base64'),
        ...(defects.imports ? { imports: defects.imports } : {}),
        ...(defects.instantiateCore ? { instantiateCore: defects.instantiateCore } : {}),
        ...(defects.policy ? { policy: defects.policy } : {}),
      });
      if (!defects.instance) return inner;
      const wrap = defects.instance;
      const session: Session = {
        load: (w, n) => inner.load(w, n),
        loadComponent: (c, n) => inner.loadComponent!(c, n),
        instantiate: async (m, o) => wrap(await inner.instantiate(m, o)),
        close: () => inner.close(),
      };
      return session;
    },
  };
}

/** The default imports with some awc:cma/host functions replaced (`base` is the correct set). */
function withCma(replace: (base: HostFns, host: Parameters<Imports>[0], tracker: Parameters<Imports>[1]) => HostFns): Imports {
  return (host, tracker) => {
    const imports = defaultImports(host, tracker);
    return { ...imports, [CMA_IMPORT_KEY]: { ...imports[CMA_IMPORT_KEY], ...replace(imports[CMA_IMPORT_KEY]!, host, tracker) } };
  };
}

/** Runs one call per instance at a time: what a runtime without async lift does (CMA-CONCURRENT-EXPORT, CMA-YIELD). */
export const serialisesCalls = jcoInProcess('broken-cma-serialises', {
  instance: (inner) => {
    let tail: Promise<unknown> = Promise.resolve();
    return {
      call: (name, args, options) => {
        const run = tail.then(() => inner.call(name, args, options));
        tail = run.catch(() => {});
        return run;
      },
      inspect: () => inner.inspect(),
      openGate: (g, v) => inner.openGate(g, v),
      dispose: () => inner.dispose(),
    };
  },
});

/** A gate's value goes to the oldest waiter, whichever gate was opened (CMA-CONCURRENT-EXPORT). */
export const fifoGates = jcoInProcess('broken-cma-fifo-gates', {
  imports: withCma((base) => {
    const waiters: { resolve(v: unknown): void; reject(e: unknown): void }[] = [];
    return {
      gate: (id: number) =>
        new Promise((resolve, reject) => {
          waiters.push({ resolve, reject });
          (base['gate']!(id) as Promise<unknown>).then(
            (v) => waiters.shift()!.resolve(v),
            (e) => waiters.shift()!.reject(e),
          );
        }),
    };
  }),
});

/**
 * jco's own misconfiguration: the native-async component transpiled with asyncImports/asyncExports
 * as for the sync-ABI guest; sync-lifted async exports then interleave (CMA-SYNC-LIFT-SERIALISES).
 */
export const interleavesSyncLift = jcoInProcess('broken-cma-interleaves-sync-lift', {
  transpile: async (bytes) => {
    const { transpile } = await import('@bytecodealliance/jco');
    const { files } = await transpile(bytes, {
      name: 'component',
      instantiation: 'async',
      asyncMode: 'jspi',
      asyncImports: [`${CMA_INTERFACE}#gate`],
      asyncExports: ['*'],
    });
    const coreModules: Record<string, Uint8Array> = {};
    for (const [file, content] of Object.entries(files)) if (file.endsWith('.wasm')) coreModules[file] = content;
    return {
      glue: new TextDecoder().decode(files['component.js']!),
      coreModules,
      transform: { name: 'jco transpile with asyncExports *', originalBytes: bytes.length, transformedBytes: 0 },
    };
  },
});

/** fail() succeeds: the host error is lost on the way (CMA-ERRORS). */
export const errAsOk = jcoInProcess('broken-cma-err-as-ok', {
  imports: withCma((base) => ({ fail: (code: number) => (base['echoS32']!(code) as Promise<number>).then(() => undefined) })),
});

/** read-file grants any /data path once some file grant exists (CMA-ERRORS: denials through async imports). */
export const laxFileGrants = jcoInProcess('broken-cma-lax-file-grants', { policy: laxPaths });

/** read-file ignores its max: a file larger than max arrives instead of TOO_LARGE (CMA-ERRORS: codes). */
export const ignoresMax = jcoInProcess('broken-cma-ignores-max', {
  imports: withCma((base) => ({ readFile: (path: string) => base['readFile']!(path, 0x7fffffff) })),
});

/** echo-s32 hands the guest its value at once while the host operation is still running (CMA-SUBTASK). */
export const returnsEarly = jcoInProcess('broken-cma-returns-early', {
  imports: withCma((_base, host, tracker) => ({
    echoS32: (v: number) => {
      // The operation really ends 50 ms later; the guest already has the value.
      host.operation('echo-s32', tracker.current, (signal) => host.sleep(50, signal)).catch(() => {});
      return v;
    },
  })),
});

/** echo-s32 keeps only the low 16 bits (CMA-SUBTASK: values intact). */
export const truncatesEcho = jcoInProcess('broken-cma-truncates', {
  imports: withCma((base) => ({ echoS32: (v: number) => (base['echoS32']!(v) as Promise<number>).then((x) => x & 0xffff) })),
});

/** A trap after an await comes back as a trap of unknown kind (CMA-ERRORS: the kind is kept). */
export const trapsLoseKind = jcoInProcess('broken-cma-traps-lose-kind', {
  instance: (inner) => outcomes(inner, (name, o) => (name === 'trap-later' && o.kind === 'trap' ? { ...o, trap: 'unknown' } : o)),
});

const TASK_RETURN_EXPORTS = ['return-twice', 'no-return', 'return-wrong-type'];

/** A task.return misuse answered with a value (CMA-TASK-RETURN). */
export const taskReturnValue = jcoInProcess('broken-cma-task-return-value', {
  instance: (inner) => ({
    ...outcomes(inner, (name, o) => (TASK_RETURN_EXPORTS.includes(name) && o.kind !== 'ok' ? { kind: 'ok', values: [{ type: 'i32', value: 9 }] } : o)),
  }),
});

/** The control: jco with its task.return glue errors reported as the traps they stand for; must pass CMA-TASK-RETURN. */
export const taskReturnTraps = jcoInProcess('control-cma-task-return-traps', {
  instance: (inner) =>
    outcomes(inner, (name, o) => (TASK_RETURN_EXPORTS.includes(name) && o.kind === 'engine-error' ? { kind: 'trap', trap: 'unknown', message: o.message } : o)),
});

function outcomes(inner: Instance, defect: (name: string, o: Outcome) => Outcome): Instance {
  return {
    call: async (n, a, o) => defect(n, await inner.call(n, a, o)),
    inspect: () => inner.inspect(),
    openGate: (g, v) => inner.openGate(g, v),
    dispose: () => inner.dispose(),
  };
}

/**
 * The control for CMA-BACKPRESSURE: jco, with the harness side keeping the guest's counter (from
 * hold/release) and holding park calls back while it is above zero, as a correct runtime does.
 */
export const backpressureControl = jcoInProcess('control-cma-backpressure', {
  instance: (inner) => {
    let counter = 0;
    let released: (() => void) | undefined;
    let zero = Promise.resolve();
    return {
      call: async (name, args, options) => {
        if (name === 'park') await zero;
        const outcome = await inner.call(name, args, options);
        if (name === 'hold' && outcome.kind === 'ok' && counter++ === 0) zero = new Promise((r) => (released = r));
        if (name === 'release' && outcome.kind === 'ok' && --counter === 0) released?.();
        return outcome;
      },
      inspect: () => inner.inspect(),
      openGate: (g, v) => inner.openGate(g, v),
      dispose: () => inner.dispose(),
    };
  },
});

/**
 * context.set/get on one slot shared by the instance's tasks instead of the current task's storage
 * (CMA-CONTEXT): jco's generated glue patched, so the last writer wins.
 */
export const sharedContext = jcoInProcess('broken-cma-shared-context', {
  transpile: async (bytes) => {
    const out = await transpileComponent(bytes, 'jspi');
    const set = 'task.storage[slot] = value;';
    const get = 'return task.storage[slot];';
    // Fail loudly if jco's glue changed shape: an unpatched glue would be a correct binding.
    if (!out.glue.includes(set) || !out.glue.includes(get)) throw new Error('jco glue has no task.storage accessors to patch');
    const glue = out.glue.replace(set, '(contextSet.shared ??= [])[slot] = value;').replace(get, 'return (contextSet.shared ??= [])[slot];');
    return { ...out, glue };
  },
});

const DROP_EXPORTS = ['drop-unresolved', 'drop-joined-set'];

/** A forbidden subtask.drop / waitable-set.drop let through: the call returns a value (CMA-SUBTASK-DROP, CMA-WAITABLE-SET-DROP). */
export const dropsAllowed = jcoInProcess('broken-cma-drops-allowed', {
  instance: (inner) => outcomes(inner, (name, o) => (DROP_EXPORTS.includes(name) && o.kind !== 'ok' ? { kind: 'ok', values: [{ type: 'i32', value: 1 }] } : o)),
});

/** Every waitable-set.drop traps, an empty set's too (CMA-WAITABLE-SET-DROP: the control call). */
export const dropsAlwaysTrap = jcoInProcess('broken-cma-drops-always-trap', {
  instance: (inner) =>
    outcomes(inner, (name, o) =>
      name === 'drop-empty-set' || (DROP_EXPORTS.includes(name) && o.kind === 'engine-error')
        ? { kind: 'trap', trap: 'unknown', message: 'waitable-set.drop' }
        : o,
    ),
});

/** The control: jco with its drop-check glue errors reported as the traps they stand for; must pass both drop cases. */
export const dropTraps = jcoInProcess('control-cma-drop-traps', {
  instance: (inner) =>
    outcomes(inner, (name, o) => (DROP_EXPORTS.includes(name) && o.kind === 'engine-error' ? { kind: 'trap', trap: 'unknown', message: o.message } : o)),
});

/** jco's glue with its waitableSetPoll patched: `patch` rewrites the NONE branch (CMA-POLL). */
function patchedPoll(id: string, none: string) {
  return jcoInProcess(id, {
    transpile: async (bytes) => {
      const out = await transpileComponent(bytes, 'jspi');
      const check = 'else if (!wset.hasPendingEvent()) {';
      const at = out.glue.indexOf('function waitableSetPoll(');
      const hit = out.glue.indexOf(check, at);
      // Fail loudly if jco's glue changed shape: an unpatched glue would be a correct binding.
      if (at < 0 || hit < 0) throw new Error('jco glue has no waitableSetPoll to patch');
      return { ...out, glue: out.glue.slice(0, hit) + none + out.glue.slice(hit + check.length) };
    },
  });
}

/** poll never sees a pending event: always NONE (CMA-POLL). */
export const pollAlwaysNone = patchedPoll('broken-cma-poll-always-none', 'else if (true) {');
/** poll with nothing pending makes up a RETURNED event instead of NONE (CMA-POLL). */
export const pollMadeUpEvent = patchedPoll(
  'broken-cma-poll-made-up-event',
  'else if (!wset.hasPendingEvent()) { event = { code: ASYNC_EVENT_CODE.SUBTASK, payload0: 0, payload1: 2 }; } else if (false) {',
);
