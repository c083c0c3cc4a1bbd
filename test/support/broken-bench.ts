/**
 * Bindings for the component-async benchmarks (test/bench-cma.test.ts): the in-process jco
 * adapter with ready-s32 changed. One is legal (completes on a later turn: the guest must take
 * the subtask path and still be timed), one is wrong (a wrong value: must not be timed).
 */
import { CMA_IMPORT_KEY } from '../../adapters/js/jco/async-bindings.ts';
import { defaultImports } from '../../adapters/js/jco/session.ts';
import { jcoInProcess } from './broken-cma.ts';

type Imports = typeof defaultImports;

function withReady(ready: (base: Record<string, Function>) => Function): Imports {
  return (host, tracker) => {
    const imports = defaultImports(host, tracker);
    const base = imports[CMA_IMPORT_KEY]!;
    return { ...imports, [CMA_IMPORT_KEY]: { ...base, readyS32: ready(base) } };
  };
}

/**
 * ready-s32 completes after a 2 ms timer: a subtask instead of RETURNED — legal. (Not merely on
 * the next turn: jco 1.35 waits a setTimeout(0) before it answers an async-lowered call, and a
 * value that came by then is RETURNED at once.)
 */
export const readyLater = jcoInProcess('bench-ready-later', {
  imports: withReady((base) => (v: number) => (base['sleep']!(2) as Promise<void>).then(() => v)),
});

/** ready-s32 returns v + 1: a runtime getting the work wrong. */
export const readyWrong = jcoInProcess('broken-bench-ready-wrong', { imports: withReady((base) => (v: number) => (base['readyS32']!(v) as number) + 1) });
