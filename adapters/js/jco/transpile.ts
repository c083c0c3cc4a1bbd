/**
 * jco transpile, run by the harness (Node): a component becomes a JS glue module plus core
 * modules that any engine with JSPI can run. Which host functions are async is named here,
 * exactly as a jco user must name them; see SPEC.md §13 for what happens when one is not.
 */
import { createHash } from 'node:crypto';
import type { TranspiledComponent } from '../../../harness/adapter.ts';
import { jcoVersion } from '../../../harness/components.ts';
import { CMA_INTERFACE } from './async-bindings.ts';

export type JcoMode = 'jspi' | 'sync';

/** The host interface's import name in jco's selector syntax (`interface#function`). */
export const HOST_INTERFACE = 'awc:host/host@0.1.0';

/**
 * Host functions that complete later: every one but `late-s32`, which is left out on purpose
 * (COMP-UNDECLARED-ASYNC checks that a runtime fails loudly when a binding gets this wrong).
 */
export const ASYNC_HOST_FUNCTIONS = [
  'sleep',
  'yield-turn',
  'echo-s32',
  'echo-s64',
  'echo-f32',
  'echo-f64',
  'echo-string',
  'echo-bytes',
  'fail',
  'gate',
  'read-file',
  'http-get',
] as const;

const cache = new Map<string, Promise<TranspiledComponent>>();

/** Transpiles once per component and mode in this process. */
export function transpileComponent(bytes: Uint8Array, mode: JcoMode): Promise<TranspiledComponent> {
  const key = `${mode}:${createHash('sha256').update(bytes).digest('hex')}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = transpileOnce(bytes, mode);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/**
 * A component that imports the component-async interface (SPEC.md §14) uses the native async ABI:
 * jco's glue runs its async lifts and lowers itself. Naming its exports in `asyncExports` would
 * turn each into a JSPI-promising function, and then sync-lifted async exports interleave and
 * return wrong values (SPEC.md §14.5), so such a component is transpiled without those options.
 */
export function usesNativeAsync(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(CMA_INTERFACE);
}

async function transpileOnce(bytes: Uint8Array, mode: JcoMode): Promise<TranspiledComponent> {
  const { transpile } = await import('@bytecodealliance/jco');
  const name = 'component';
  const native = usesNativeAsync(bytes);
  const { files } = await transpile(bytes, {
    name,
    instantiation: 'async',
    asyncMode: mode,
    // Any export may reach an async import, so every export is entered through JSPI.
    ...(mode === 'jspi' && !native ? { asyncImports: ASYNC_HOST_FUNCTIONS.map((f) => `${HOST_INTERFACE}#${f}`), asyncExports: ['*'] } : {}),
  });
  const glue = files[`${name}.js`];
  if (!glue) throw new Error(`jco transpile produced no ${name}.js (files: ${Object.keys(files).join(', ')})`);
  const coreModules: Record<string, Uint8Array> = {};
  for (const [file, content] of Object.entries(files)) if (file.endsWith('.wasm')) coreModules[file] = content;
  const transformedBytes = glue.length + Object.values(coreModules).reduce((n, m) => n + m.length, 0);
  return {
    glue: new TextDecoder().decode(glue),
    coreModules,
    transform: {
      name: `jco ${await jcoVersion()} transpile (--async-mode ${mode}${native ? ', native component async' : ''}): glue JS + core modules`,
      originalBytes: bytes.length,
      transformedBytes,
    },
  };
}
