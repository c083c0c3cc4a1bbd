/**
 * Deliberately broken stream and future built-ins (SPEC.md §14.13, §14.14): jco in this process
 * with one defect injected where the guest's core module imports a canonical built-in (its core
 * import object, by the fixture's import names) or into jco's glue. Each stream / future case
 * must fail on the defect it checks (test/broken-cma-streams.test.ts).
 */
import { transpileComponent } from '../../adapters/js/jco/transpile.ts';
import { jcoInProcess } from './broken-cma.ts';

type CoreFn = (...args: number[]) => unknown;
type Wrap = (original: CoreFn, memory: () => Uint8Array) => CoreFn;

const BLOCKED = -1;
const COMPLETED = 0;
const DROPPED = 1;

/** jco with the fixtures' core imports named in `wraps` replaced (only plain functions: JSPI Suspending imports cannot be wrapped). */
function wrappedBuiltins(id: string, wraps: Record<string, Wrap>) {
  return jcoInProcess(id, {
    instantiateCore: async (module, imports) => {
      const inner = imports?.[''] as Record<string, unknown> | undefined;
      if (inner) {
        const memory = () => new Uint8Array((inner['memory'] as WebAssembly.Memory).buffer);
        for (const [name, wrap] of Object.entries(wraps)) {
          const original = inner[name];
          // Keep jco's markers on the function (e.g. _jcoMaySuspend).
          if (typeof original === 'function') inner[name] = Object.assign(wrap(original as CoreFn, memory), original);
        }
      }
      return WebAssembly.instantiate(module, imports);
    },
  });
}

/** A stream read that completes with bytes flips the last byte it copied (CMA-STREAM-BYTES, -TASKS, and the data checks of the others). */
export const corruptsReads = wrappedBuiltins('broken-cma-stream-corrupts-reads', {
  's-read': (read, memory) => (end, ptr, len) => {
    const r = read(end, ptr, len) as number;
    const k = r >>> 4;
    if (r !== BLOCKED && (r & 15) === COMPLETED && k > 0) memory()[ptr + k - 1]! ^= 1;
    return r;
  },
});

/** A read of a dropped stream answers BLOCKED instead of DROPPED: the reader never learns (CMA-STREAM-DROP, CMA-STREAM-BYTES). */
export const hidesDrop = wrappedBuiltins('broken-cma-stream-hides-drop', {
  's-read': (read) => (end, ptr, len) => {
    const r = read(end, ptr, len) as number;
    return r !== BLOCKED && (r & 15) === DROPPED ? BLOCKED : r;
  },
});

/** A zero-length read is run as a 4-byte read: it takes data instead of waiting for readiness (CMA-STREAM-ZERO-LENGTH). */
export const zeroLengthTakesData = wrappedBuiltins('broken-cma-stream-zero-length-reads', {
  's-read': (read) => (end, ptr, len) => read(end, ptr, len === 0 ? 4 : len),
});

/** The forbidden copies and drops return instead of trapping (CMA-STREAM-DROP, CMA-FUTURE, CMA-FUTURE-DROP). */
export const swallowsTraps = wrappedBuiltins(
  'broken-cma-swallows-copy-traps',
  Object.fromEntries(
    ['s-read', 's-drop-r', 'f-read', 'f-write', 'f-drop-w'].map((name): [string, Wrap] => [
      name,
      (original) =>
        (...args) => {
          try {
            return original(...args);
          } catch {
            return name.includes('drop') ? undefined : COMPLETED;
          }
        },
    ]),
  ),
);

/** future.write hands over its value with the low bit flipped, whichever end copied first (CMA-FUTURE). */
export const corruptsFutures = wrappedBuiltins('broken-cma-future-corrupts-value', {
  'f-write': (write, memory) => (end, ptr) => {
    memory()[ptr]! ^= 1;
    return write(end, ptr);
  },
});

/** Dropping an unread future's readable end traps (CMA-FUTURE-DROP: that drop is allowed). */
export const readerDropTraps = wrappedBuiltins('broken-cma-future-reader-drop-traps', {
  'f-drop-r': () => () => {
    throw new WebAssembly.RuntimeError('broken binding: future.drop-readable traps');
  },
});

/** jco's glue with the stream and future cancels patched to answer COMPLETED for CANCELLED (CMA-STREAM-CANCEL, CMA-FUTURE-CANCEL). */
export const cancelCompletes = jcoInProcess('broken-cma-stream-cancel-completes', {
  transpile: async (bytes) => {
    const out = await transpileComponent(bytes, 'jspi');
    const wrap = (fn: string) => `((f) => async (...a) => { const r = await f(...a); return r === 2 ? 0 : r; })(${fn}).bind(`;
    let glue = out.glue;
    // A fixture uses the stream cancels or the future cancels (or neither: then nothing to break).
    const sites = ['streamCancelRead', 'streamCancelWrite', 'futureCancelRead', 'futureCancelWrite'].filter((fn) => glue.includes(`${fn}.bind(`));
    for (const fn of sites) glue = glue.replaceAll(`${fn}.bind(`, wrap(fn));
    // Fail loudly if jco's glue changed shape: an unpatched glue would be a correct binding.
    if (sites.length % 2 !== 0) throw new Error(`jco glue has an unexpected set of cancel built-ins: ${sites.join(', ')}`);
    return { ...out, glue };
  },
});

/**
 * The control for CMA-WAITABLE-SET-DROP on streams: jco, with the error its waitable-set.drop
 * throws for a set still holding dropped ends ignored, as a runtime that removes dropped ends
 * from their set behaves. Must pass component-async.stream.drop-members-then-set.
 */
export const dropsLeaveSet = wrappedBuiltins('control-cma-dropped-ends-leave-set', {
  'ws-drop': (drop) => (set) => {
    try {
      return drop(set);
    } catch (err) {
      if (String((err as Error)?.message).includes('still contains waitables')) return undefined;
      throw err;
    }
  },
});
