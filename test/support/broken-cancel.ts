/**
 * Broken cancellation, each a bug a runtime author makes: deadlines that fire early, cancels
 * ignored before a call starts or while it waits its turn, a dispose that does too little, an
 * instance that is dead (or replaced) after preemption while declared reusable. Wrapped around
 * real rows (node-jspi in-process, the JS agent, wasmtime). The matching cases must fail on them.
 */
import { join } from 'node:path';
import type { Adapter, AdapterDescription, CallOptions, Features, Instance, InstantiateOptions, ModuleHandle, Session } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import type { Value } from '../../harness/values.ts';
import { ROOT } from '../../harness/paths.ts';
import { agentBundle } from '../../harness/protocol/agent-bundle.ts';
import { processAdapter, type CommandResolution } from '../../harness/protocol/process-adapter.ts';
import { ENGINES } from '../../adapters/js/rows.ts';
import { nodeJspi } from '../../adapters/node-jspi/adapter.ts';

type Call = Instance['call'];

/**
 * `base` with its description and instances changed. `instance` gets the inner instance and a way
 * to replace it (a runtime that re-instantiates behind the caller's back).
 */
function wrap(
  base: Adapter,
  id: string,
  over: { features?: Partial<Features>; instance?: (inner: Instance, fresh: () => Promise<Instance>) => Partial<Instance> },
): Adapter {
  return {
    id,
    async describe(): Promise<AdapterDescription> {
      const d = await base.describe();
      return { ...d, id, features: { ...d.features, ...over.features } };
    },
    async open(env): Promise<Session> {
      const inner = await base.open(env);
      const instantiate = async (module: ModuleHandle, options: InstantiateOptions): Promise<Instance> => {
        const i = await inner.instantiate(module, options);
        const plain: Instance = { call: i.call.bind(i), inspect: i.inspect.bind(i), openGate: i.openGate.bind(i), dispose: i.dispose.bind(i) };
        return { ...plain, ...(over.instance?.(i, () => inner.instantiate(module, options)) ?? {}) };
      };
      return { ...(inner.isAlive ? { isAlive: () => inner.isAlive!() } : {}), load: (w, n) => inner.load(w, n), instantiate, close: () => inner.close() };
    },
  };
}

/** Arms every deadline with half its time and reports afterMs = the full deadline, so the outcome looks right. */
export const earlyDeadline = wrap(nodeJspi, 'broken-early-deadline', {
  instance: (inner) => ({
    call: async (name, args, options) => {
      if (options.deadlineMs === undefined) return inner.call(name, args, options);
      const o = await inner.call(name, args, { ...options, deadlineMs: Math.floor(options.deadlineMs / 2) });
      return o.kind === 'timeout' ? { ...o, afterMs: options.deadlineMs } : o;
    },
  }),
});

/** A call whose cancel came before it started runs anyway (the signal is checked only once the call is under way). */
export const runsCancelledCall = wrap(nodeJspi, 'broken-runs-cancelled-call', {
  instance: (inner) => ({
    call: (name, args, options) => {
      if (!options.signal?.aborted) return inner.call(name, args, options);
      const { signal: _ignored, ...rest } = options;
      return inner.call(name, args, rest);
    },
  }),
});

/** Stops a queued call when its cancel or deadline comes, else undefined once its turn has come. */
function waitTurn(turn: Promise<void>, options: CallOptions, sentAt: number): Promise<Outcome | undefined> {
  return new Promise((resolve) => {
    const remaining = options.deadlineMs === undefined ? undefined : options.deadlineMs - (performance.now() - sentAt);
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(
            () =>
              done({ kind: 'timeout', afterMs: Math.round(performance.now() - sentAt), message: `deadline of ${options.deadlineMs} ms passed while queued` }),
            Math.max(0, remaining),
          );
    const onAbort = () => done({ kind: 'cancelled', message: 'cancelled while queued' });
    function done(o: Outcome | undefined) {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    }
    if (options.signal?.aborted) return done({ kind: 'cancelled', message: 'cancelled before it started' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    void turn.then(() => done(undefined));
  });
}

/**
 * node-jspi behind a per-instance queue (reentrancy `serialise`). Honest: a queued call stops on
 * its cancel or deadline (counted from when it was sent) and never enters. Broken
 * (`honourQueue: false`): the queue ignores both; once its turn comes the call runs, signal dropped.
 */
export function serialising(id: string, honourQueue: boolean): Adapter {
  return wrap(nodeJspi, id, {
    features: { reentrancy: 'serialise' },
    instance: (inner) => {
      let tail: Promise<void> = Promise.resolve();
      const call: Call = async (name: string, args: Value[], options: CallOptions) => {
        const sentAt = performance.now();
        const turn = tail;
        let release!: () => void;
        tail = new Promise((resolve) => (release = resolve));
        try {
          if (!honourQueue) {
            await turn;
            const { signal: _ignored, ...rest } = options;
            return await inner.call(name, args, rest);
          }
          const stopped = await waitTurn(turn, options, sentAt);
          if (stopped) return stopped;
          const deadline = options.deadlineMs === undefined ? {} : { deadlineMs: Math.max(0, Math.round(options.deadlineMs - (performance.now() - sentAt))) };
          return await inner.call(name, args, { ...options, ...deadline });
        } finally {
          release();
        }
      };
      return { call };
    },
  });
}
export const serialisedHonest = serialising('serialised-node-jspi', true);

/** node-jspi refusing a call while another is in flight on the instance (reentrancy `reject`), honestly: the refused call never enters. */
export const rejecting = wrap(nodeJspi, 'rejecting-node-jspi', {
  features: { reentrancy: 'reject' },
  instance: (inner) => {
    let busy = 0;
    const call: Call = async (name, args, options) => {
      if (busy > 0) return { kind: 'engine-error', name: 'Busy', message: 'the instance is running another call (reentrancy: reject)' };
      busy++;
      try {
        return await inner.call(name, args, options);
      } finally {
        busy--;
      }
    };
    return { call };
  },
});
export const ignoresQueuedCancel = serialising('broken-ignores-queued-cancel', false);

/** Calls in flight of a wrapped instance, so a broken dispose can end them its own (wrong) way. */
function tracked(inner: Instance) {
  const controllers = new Set<AbortController>();
  const call: Call = async (name, args, options) => {
    const controller = new AbortController();
    controllers.add(controller);
    const onAbort = () => controller.abort();
    if (options.signal?.aborted) controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await inner.call(name, args, { ...options, signal: controller.signal });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      controllers.delete(controller);
    }
  };
  return { call, controllers };
}

/** dispose does nothing: the call in flight runs on, the instance stays. */
export const noopDispose = wrap(nodeJspi, 'broken-noop-dispose', { instance: () => ({ dispose: async () => {} }) });

/** dispose cancels the calls in flight, but the instance keeps answering (the JS adapters' dispose before CANCEL-DISPOSE). */
export const disposeKeepsServing = wrap(nodeJspi, 'broken-dispose-keeps-serving', {
  instance: (inner) => {
    const t = tracked(inner);
    return {
      call: t.call,
      dispose: async () => {
        for (const c of t.controllers) c.abort();
      },
    };
  },
});

/** dispose answers the calls in flight `cancelled` and forgets the instance, but never aborts their host operations. */
export const disposeLeaks = wrap(nodeJspi, 'broken-dispose-leaks', {
  instance: (inner) => {
    let disposed = false;
    const endNow = new Set<(o: Outcome) => void>();
    const gone = () => Promise.reject(Object.assign(new Error('disposed'), { code: 'unknown-instance' }));
    return {
      call: (name, args, options) => {
        if (disposed) return gone();
        return new Promise<Outcome>((resolve) => {
          endNow.add(resolve);
          inner.call(name, args, options).then(resolve, () => resolve({ kind: 'engine-error', name: 'Error', message: 'call failed' }));
        });
      },
      inspect: () => (disposed ? gone() : inner.inspect()),
      dispose: async () => {
        disposed = true;
        for (const end of endNow) end({ kind: 'cancelled', message: 'instance disposed' });
      },
    };
  },
});

/**
 * The JS agent behind a proxy that swallows a cancel sent right after its call (within 20 ms),
 * answering `found: true` as if it had cancelled: an out-of-process adapter that runs a call
 * whose cancel arrived before it started.
 */
export function agentIgnoringEarlyCancel(): Adapter {
  return processAdapter({
    id: 'broken-agent-ignores-early-cancel',
    async resolve(): Promise<CommandResolution> {
      const node: { binary: string } | { unavailable: string } = ENGINES.node24.locate();
      if ('unavailable' in node) return node;
      return { command: [node.binary, join(ROOT, 'test', 'support', 'early-cancel-proxy.mjs'), node.binary, await agentBundle(), '--strategy', 'jspi'] };
    },
  });
}

/** Whether a stopped call was stopped by preemption: no host operation was aborted for it. */
async function preempted(inner: Instance, abortedBefore: number | undefined, o: Outcome): Promise<boolean> {
  const stopped = o.kind === 'cancelled' || o.kind === 'timeout' || (o.kind === 'trap' && o.trap === 'interrupted');
  // A disposed instance cannot be asked; it was not preempted then (dispose ends calls as cancelled).
  return stopped && abortedBefore !== undefined && (await abortedCount(inner)) === abortedBefore;
}
const abortedCount = (i: Instance): Promise<number | undefined> =>
  i.inspect().then(
    (s) => s.counters.aborted,
    () => undefined,
  );

/**
 * A preemptive row declaring `postPreempt: reusable` whose instance is dead after an
 * interruption: every later call traps (a runtime that must close a store it interrupted).
 */
export function deadAfterPreemption(base: Adapter): Adapter {
  return wrap(base, 'broken-dead-after-preemption', {
    features: { postPreempt: 'reusable' },
    instance: (inner) => {
      let dead = false;
      return {
        call: async (name, args, options) => {
          if (dead) return { kind: 'trap', trap: 'unknown', message: 'instance unusable after interruption' };
          const before = await abortedCount(inner);
          const o = await inner.call(name, args, options);
          if (await preempted(inner, before, o)) dead = true;
          return o;
        },
      };
    },
  });
}

/**
 * Reusable after preemption by re-instantiating behind the caller's back: calls work, but the
 * instance's state (globals, memory) is lost.
 */
export function freshAfterPreemption(base: Adapter): Adapter {
  return wrap(base, 'broken-fresh-after-preemption', {
    features: { postPreempt: 'reusable' },
    instance: (first, fresh) => {
      let current = first;
      return {
        call: async (name, args, options) => {
          const before = await abortedCount(current);
          const o = await current.call(name, args, options);
          if (await preempted(current, before, o)) current = await fresh();
          return o;
        },
        inspect: () => current.inspect(),
      };
    },
  });
}

/** The real row, but declaring `refused` after preemption although its instances are reusable. */
export function misdeclaresRefused(base: Adapter): Adapter {
  return wrap(base, 'broken-misdeclares-refused', { features: { postPreempt: 'refused' } });
}
