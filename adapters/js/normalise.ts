/** Turns whatever a JS engine threw out of a guest call into the harness's outcome taxonomy. */
import type { Outcome, TrapCandidates, TrapKind } from '../../harness/outcome.ts';
import { CancelledError, DeniedError, HostError } from './host/errors.ts';

/**
 * RuntimeError messages of V8, JavaScriptCore and SpiderMonkey. The JS API exposes nothing but the message,
 * so this table is the only way to classify traps in JS engines; some V8 messages cover two kinds.
 */
const TRAP_MESSAGES: [RegExp, [TrapKind] | TrapCandidates][] = [
  // jco's glue rewrites V8's messages into wasmtime's wording ("wasm `unreachable` instruction executed").
  [/^unreachable$|unreachable code|`unreachable` instruction/i, ['unreachable']],
  [/divide by zero|remainder by zero|division by zero/i, ['divide-by-zero']],
  [/divide result unrepresentable|integer overflow/i, ['integer-overflow']],
  [/float unrepresentable in integer range|out of bounds trunc/i, ['invalid-conversion', 'integer-overflow']],
  [/memory access out of bounds|out of bounds memory access/i, ['out-of-bounds-memory']],
  [/invalid conversion to integer/i, ['invalid-conversion']],
  [/indirect call type mismatch/i, ['indirect-call-type']],
  [/table index is out of bounds|out of bounds call_indirect|table out of bounds|out of bounds table access/i, ['out-of-bounds-table']],
  [/null function or function signature mismatch/i, ['indirect-call-type', 'indirect-call-null']],
  // V8 >= 15 says just "null function".
  [/call_indirect to a null table entry|null table entry|^null function$/i, ['indirect-call-null']],
  [/signature mismatch|call_indirect to a signature that does not match/i, ['indirect-call-type']],
  // SpiderMonkey (js.msg): one message for every out-of-bounds index, memory and table alike.
  [/^unreachable executed$/i, ['unreachable']],
  [/^index out of bounds$/i, ['out-of-bounds-memory', 'out-of-bounds-table']],
  [/^indirect call to null$/i, ['indirect-call-null']],
];

export function classifyTrap(message: string): { trap: TrapKind; candidates?: TrapCandidates } {
  for (const [pattern, kinds] of TRAP_MESSAGES) {
    if (pattern.test(message)) return kinds.length > 1 ? { trap: kinds[0], candidates: kinds as TrapCandidates } : { trap: kinds[0] };
  }
  return { trap: 'unknown' };
}

export function normaliseError(err: unknown, elapsedMs: number): Outcome {
  if (err instanceof CancelledError) {
    return err.reason === 'timeout' ? { kind: 'timeout', afterMs: Math.round(elapsedMs), message: err.message } : { kind: 'cancelled', message: err.message };
  }
  if (err instanceof DeniedError) return { kind: 'denied', function: err.fn, capability: err.capability, message: err.message };
  if (err instanceof HostError) return { kind: 'host-error', function: err.fn, code: err.code, message: err.message };
  if (err instanceof WebAssembly.RuntimeError) return { kind: 'trap', ...classifyTrap(err.message), message: err.message };
  if (err instanceof RangeError && /call stack/i.test(err.message)) return { kind: 'trap', trap: 'stack-overflow', message: err.message };
  // SpiderMonkey's stack overflow is an InternalError (a non-standard error type of its own).
  if ((err as Error)?.name === 'InternalError' && /too much recursion/i.test((err as Error).message))
    return { kind: 'trap', trap: 'stack-overflow', message: (err as Error).message };
  const e = err as Error | undefined;
  return { kind: 'engine-error', name: e?.name ?? typeof err, message: String(e?.message ?? err) };
}
