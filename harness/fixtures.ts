/**
 * Guest programs: WAT sources under fixtures/, compiled to wasm with wabt and cached by the
 * hash of their text, so binaries are never committed and never stale.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import initWabt from 'wabt';
import { FIXTURE_CACHE_DIR, FIXTURES_DIR } from './paths.ts';

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
  const wabt = await (wabtReady ??= initWabt());
  let module;
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
  let pending = compiled.get(name);
  if (!pending) {
    pending = buildFixture(name);
    compiled.set(name, pending);
    pending.catch(() => compiled.delete(name));
  }
  return pending;
}

async function buildFixture(name: string): Promise<Uint8Array> {
  const text = await readFile(join(FIXTURES_DIR, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new FixtureError(`fixture ${name}: ${err.code === 'ENOENT' ? 'not found under fixtures/' : err.message}`);
  });
  const cached = join(FIXTURE_CACHE_DIR, `${hashOf(text)}.wasm`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit) return new Uint8Array(hit);
  const wasm = await compileWat(text, name);
  await mkdir(FIXTURE_CACHE_DIR, { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const tmp = `${cached}.${process.pid}.tmp`;
  await writeFile(tmp, wasm);
  await rename(tmp, cached);
  return wasm;
}
