/**
 * Guest programs: WAT sources under fixtures/, compiled to wasm with wabt and cached by the
 * hash of their text, so binaries are never committed and never stale.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import initWabt from 'wabt';
import { cacheDir } from './cache.ts';
import { writeAtomic } from './files.ts';
import { FIXTURES_DIR } from './paths.ts';

// Enabled proposals: everything the fixtures may use, all standardised.
const FEATURES = {
  exceptions: true,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  tail_call: true,
};

let wabtReady: ReturnType<typeof initWabt> | undefined;
const compiled = new Map<string, Promise<Uint8Array>>();

export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** Compiles WAT text to a validated wasm binary. */
export async function compileWat(text: string, filename = 'inline.wat'): Promise<Uint8Array> {
  wabtReady ??= initWabt();
  const wabt = await wabtReady;
  let module: ReturnType<typeof wabt.parseWat>;
  try {
    module = wabt.parseWat(filename, text, FEATURES);
  } catch (err) {
    throw new FixtureError(`${filename}: ${String((err as Error).message ?? err).trim()}`);
  }
  try {
    module.resolveNames();
    module.validate();
    return new Uint8Array(module.toBinary({ log: false }).buffer);
  } catch (err) {
    throw new FixtureError(`${filename}: ${String((err as Error).message ?? err).trim()}`);
  } finally {
    module.destroy();
  }
}

const hashOf = (text: string) => createHash('sha256').update('wabt-1.0.39\0').update(text).digest('hex');

/** The wasm for fixtures/<name> (a .wat path relative to fixtures/), from the cache when fresh. */
export function loadFixture(name: string): Promise<Uint8Array> {
  return memoised(compiled, name, buildFixture);
}

/** One build per key in this process; a failed build is forgotten so the next call retries. */
export function memoised(builds: Map<string, Promise<Uint8Array>>, key: string, build: (key: string) => Promise<Uint8Array>): Promise<Uint8Array> {
  let pending = builds.get(key);
  if (!pending) {
    pending = build(key);
    builds.set(key, pending);
    pending.catch(() => builds.delete(key));
  }
  return pending;
}

/** Writes a cache file then renames it into place, so a concurrent reader never sees half a file. */
export async function writeCacheFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeAtomic(path, bytes);
}

async function buildFixture(name: string): Promise<Uint8Array> {
  const text = await readFile(join(FIXTURES_DIR, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new FixtureError(`fixture ${name}: ${err.code === 'ENOENT' ? 'not found under fixtures/' : err.message}`);
  });
  const cached = join(cacheDir('fixtures'), `${hashOf(text)}.wasm`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit) return new Uint8Array(hit);
  const wasm = await compileWat(text, name);
  await writeCacheFile(cached, wasm);
  return wasm;
}
