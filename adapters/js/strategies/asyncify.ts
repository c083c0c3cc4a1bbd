/**
 * Asyncify (binaryen): the module is instrumented at load time so that a call can unwind its
 * stack into a buffer in linear memory when an async import starts, return to JS, and rewind
 * into the same place when the import's promise settles.
 *
 * Buffers: each call in flight gets its own 256 KiB buffer. Where the engine supports
 * multi-memory, they live in a secondary memory the pass adds (`asyncify-in-secondary-memory`),
 * invisible to the guest: 8 buffers, so at most 8 suspended calls per instance. Where it does
 * not (Node 20), they live in pages grown onto the guest's own memory: the guest then sees those
 * pages in memory.size, and a pointer aimed past its own pages lands in them instead of trapping —
 * the cost of the strategy on such engines, which the suites report. A stack deeper than a
 * buffer holds traps (unreachable).
 *
 * Concurrency: one buffer per call, so calls into one instance interleave like JSPI: an unwind or
 * rewind runs synchronously from start to finish, so only one stack is ever in flight inside
 * the instance, and each parked call waits in its own buffer.
 *
 * Rejections: Asyncify cannot throw into the guest. When an awaited host promise rejects, the
 * guest's saved stack is abandoned (never rewound) and the call ends with the rejection —
 * host-error, denied, cancelled or timeout, as for JSPI. The guest does not get control back;
 * the instance stays usable (Asyncify's state is back to normal after every unwind).
 */
import type { Features, TransformEvidence } from '../../../harness/adapter.ts';
import { HOST_FUNCTIONS, HOST_MODULE, type HostFunctionName } from '../../../harness/abi.ts';
import type { Host, Raw } from '../host/host.ts';
import { suspendingFeatures, type CallTracker, type Strategy } from './strategy.ts';

/** One buffer per call, so suspended calls into one instance interleave, as with JSPI. */
export const ASYNCIFY_FEATURES: Features = suspendingFeatures('asyncify');

const PAGE = 65536;
const MAX_ADDED_MEMORY_PAGES = 16384;
const SECONDARY_PAGES = 32;
const SECONDARY_MEMORY = 'asyncify_memory';
/** The guest's memory exported for the driver alone, when the guest does not export it itself. */
const DRIVER_MEMORY = 'asyncify_guest_memory';

/** Two memories in one module: does this engine accept multi-memory? */
const multiMemory = (): boolean => WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 5, 2, 0, 1, 0, 1]));
const BUFFER_PAGES = 4;
const ASYNC_IMPORTS = Object.entries(HOST_FUNCTIONS)
  .filter(([, sig]) => sig.async)
  .map(([name]) => name);

/** State of one call while it is in flight. */
interface CallState {
  id: number;
  /** A nested call from a synchronous host function: it must not unwind (there is no driver to resume it). */
  synchronous?: boolean;
  /** Allocated at the first unwind: calls that never suspend grow nothing. */
  buffer?: number;
  pending?: Promise<Raw | undefined>;
  /** Set while rewinding: the settled value the import returns to the guest. */
  resumeWith?: { value: Raw | undefined };
}

interface AsyncifyExports {
  memory?: WebAssembly.Memory;
  asyncify_guest_memory?: WebAssembly.Memory;
  asyncify_memory?: WebAssembly.Memory;
  asyncify_start_unwind(ptr: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(ptr: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

/** The guest's first memory, whether the guest exported it or the pass did for the driver. */
const guestMemory = (exports: AsyncifyExports): WebAssembly.Memory => (exports.memory ?? exports.asyncify_guest_memory)!;

/** Per-instance state, reached through the instance's CallTracker. */
interface InstanceState {
  exports?: AsyncifyExports;
  /** Where unwind buffers live: the secondary memory, or the guest's own. */
  bufferMemory?: WebAssembly.Memory;
  running?: CallState;
  freeBuffers: number[];
}
const states = new WeakMap<CallTracker, InstanceState>();

/** Like JSPI's SuspendError: a suspension where none can happen. */
class AsyncifySuspendError extends Error {
  override name = 'SuspendError';
}
const UNWINDING = 1;

/** The value an import returns while unwinding: ignored by the guest, but it must have the right JS type. */
function placeholder(name: HostFunctionName): Raw | undefined {
  const result = HOST_FUNCTIONS[name].results[0];
  return result === 'i64' ? 0n : result === undefined ? undefined : 0;
}

function allocateBuffer(state: InstanceState): number {
  const reused = state.freeBuffers.pop();
  if (reused !== undefined) return reused;
  if (state.exports!.asyncify_memory)
    throw new Error(`Asyncify: more than ${SECONDARY_PAGES / BUFFER_PAGES} calls suspended at once in one instance (one unwind buffer each)`);
  const memory = guestMemory(state.exports!);
  try {
    return memory.grow(BUFFER_PAGES) * PAGE;
  } catch (err) {
    throw new Error(`Asyncify cannot allocate an unwind buffer: growing the guest's memory by ${BUFFER_PAGES} pages failed (${(err as Error).message})`);
  }
}

/** Resets a buffer's header {current, end} for a fresh unwind. */
function resetBuffer(memory: WebAssembly.Memory, buffer: number): void {
  const view = new DataView(memory.buffer);
  view.setInt32(buffer, buffer + 8, true);
  view.setInt32(buffer + 4, buffer + BUFFER_PAGES * PAGE, true);
}

export const asyncify: Strategy = {
  name: 'asyncify',

  async prepare(wasm) {
    const binaryen = (await import('binaryen')).default;
    const module = binaryen.readBinary(wasm);
    // Standardised features only: with Features.All binaryen writes encodings engines reject.
    const F = binaryen.Features;
    module.setFeatures(
      F.MutableGlobals |
        F.NontrappingFPToInt |
        F.SIMD128 |
        F.BulkMemory |
        F.SignExt |
        F.ReferenceTypes |
        F.Multivalue |
        F.TailCall |
        F.BulkMemoryOpt |
        F.CallIndirectOverlong,
    );
    try {
      // A guest without memory gets one, growable, before the pass (which would add a fixed one).
      if (!module.hasMemory()) module.setMemory(1, MAX_ADDED_MEMORY_PAGES, null);
      const secondary = multiMemory();
      if (secondary) module.setFeatures(module.getFeatures() | F.MultiMemory);
      binaryen.setPassArgument('asyncify-imports', ASYNC_IMPORTS.map((n) => `${HOST_MODULE}.${n}`).join(','));
      binaryen.setPassArgument('asyncify-in-secondary-memory', secondary ? '1' : null);
      binaryen.setPassArgument('asyncify-secondary-memory-size', secondary ? String(SECONDARY_PAGES) : null);
      module.runPasses(['asyncify']);
      if (secondary) module.addMemoryExport(SECONDARY_MEMORY, SECONDARY_MEMORY);
      // The driver needs the memory the buffers live in: export it if the guest did not, under
      // a name of the driver's own, so the host still sees a guest without an exported `memory`
      // (BAD_POINTER for its host calls, memoryBytes null: SPEC.md §2.7, §2.8).
      let exported = false;
      for (let i = 0; i < module.getNumExports(); i++) {
        const info = binaryen.getExportInfo(module.getExportByIndex(i));
        if (info.kind === binaryen.ExternalMemory && info.name === 'memory') exported = true;
      }
      if (!exported) module.addMemoryExport('0', DRIVER_MEMORY);
      const out = module.emitBinary();
      const transform: TransformEvidence = {
        name: secondary ? 'asyncify (buffers in a secondary memory)' : 'asyncify (buffers in the guest memory)',
        originalBytes: wasm.length,
        transformedBytes: out.length,
      };
      return { wasm: out, transform };
    } finally {
      module.dispose();
    }
  },

  imports(host: Host, tracker: CallTracker): WebAssembly.Imports {
    const state: InstanceState = { freeBuffers: [] };
    states.set(tracker, state);
    const module: Record<string, unknown> = { ...host.sync };
    for (const name of ASYNC_IMPORTS as HostFunctionName[]) {
      module[name] = (...args: Raw[]) => {
        // A plain answer needs no unwind: the guest continues with it at once.
        if ('plain' in HOST_FUNCTIONS[name]) return host.invokePlain(name, args);
        const call = state.running!;
        if (call.synchronous) {
          // Unwinding here would save the nested frames where the outer call's driver resumes them.
          throw new AsyncifySuspendError(`Asyncify: ${name} cannot suspend a call made from a synchronous host function`);
        }
        if (call.resumeWith) {
          // Rewinding: we are back at the import that unwound; hand the guest its value.
          state.exports!.asyncify_stop_rewind();
          const { value } = call.resumeWith;
          call.resumeWith = undefined;
          return value;
        }
        // Buffer first: if it cannot be had, no host operation is left running unobserved.
        call.buffer ??= allocateBuffer(state);
        call.pending = host.invokeAsync(name, args, call.id);
        resetBuffer(state.bufferMemory!, call.buffer);
        state.exports!.asyncify_start_unwind(call.buffer);
        return placeholder(name);
      };
    }
    return { [HOST_MODULE]: module as WebAssembly.ModuleImports };
  },

  bind(instance, tracker) {
    const exports = instance.exports as unknown as AsyncifyExports;
    if (typeof exports.asyncify_start_unwind !== 'function') throw new Error('the module was not instrumented by Asyncify');
    const state = states.get(tracker)!;
    state.exports = exports;
    if (exports.asyncify_memory) {
      state.bufferMemory = exports.asyncify_memory;
      for (let slot = SECONDARY_PAGES / BUFFER_PAGES - 1; slot >= 0; slot--) state.freeBuffers.push(slot * BUFFER_PAGES * PAGE);
    } else {
      state.bufferMemory = guestMemory(exports);
    }
  },

  callSync(exported, args, tracker) {
    const state = states.get(tracker)!;
    const outer = state.running;
    state.running = { id: tracker.current ?? -1, synchronous: true };
    try {
      return exported(...args);
    } finally {
      state.running = outer;
    }
  },

  async start(exported, args, tracker, callId) {
    const state = states.get(tracker)!;
    const exports = state.exports!;
    const call: CallState = { id: callId };
    /** Runs guest code synchronously as this call; the tracker says who is running for cancellation. */
    const step = () => {
      state.running = call;
      tracker.current = callId;
      try {
        return exported(...args);
      } finally {
        state.running = undefined;
        tracker.current = null;
      }
    };
    try {
      let result = step();
      while (exports.asyncify_get_state() === UNWINDING) {
        exports.asyncify_stop_unwind();
        const pending = call.pending!;
        call.pending = undefined;
        // A rejection propagates from here: the saved stack is abandoned, never rewound.
        const value = await pending;
        call.resumeWith = { value };
        exports.asyncify_start_rewind(call.buffer!);
        result = step();
      }
      return result;
    } finally {
      if (call.buffer !== undefined) state.freeBuffers.push(call.buffer);
    }
  },
};
