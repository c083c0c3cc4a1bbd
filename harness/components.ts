/**
 * Component fixtures: a guest core module in WAT (fixtures/components/) embedded with a world
 * of the WIT package under fixtures/wit/ and wrapped into a component with jco's own API
 * (parse, componentEmbed, componentNew). Cached by the hash of both texts, like core fixtures.
 * A fixture that is itself component-level WAT (its first form is `(component`, as under
 * fixtures/component-async/, SPEC.md §14) is built with `parse` alone: no world, no WIT.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from './cache.ts';
import { FixtureError, memoised, writeCacheFile } from './fixtures.ts';
import { FIXTURES_DIR, packageDir } from './paths.ts';

const WIT_DIR = join(FIXTURES_DIR, 'wit');

/** The jco the project pins (package.json), for provenance and cache keys. */
export async function jcoVersion(): Promise<string> {
  const dir = packageDir('@bytecodealliance/jco');
  if (!dir) throw new Error('@bytecodealliance/jco is not installed');
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const built = new Map<string, Promise<Uint8Array>>();

/** The component for fixtures/<name> (e.g. components/guest.wat), from the cache when fresh. */
export function loadComponentFixture(name: string): Promise<Uint8Array> {
  return memoised(built, name, buildComponent);
}

/** All of fixtures/wit/*.wit as one source: one package, several worlds. */
async function witSource(): Promise<string> {
  const files = (await readdir(WIT_DIR)).filter((f) => f.endsWith('.wit')).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(WIT_DIR, f), 'utf8')));
  return texts.join('\n');
}

async function buildComponent(name: string): Promise<Uint8Array> {
  const wat = await readFile(join(FIXTURES_DIR, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new FixtureError(`component fixture ${name}: ${err.code === 'ENOENT' ? 'not found under fixtures/' : err.message}`);
  });
  if (isComponentWat(wat)) return buildComponentWat(name, wat);
  // The world to embed is named on the fixture's first line: `;; world: <name>`.
  const world = /^;;\s*world:\s*([\w-]+)/.exec(wat)?.[1];
  if (!world) throw new FixtureError(`component fixture ${name}: its first line must name the world (";; world: <name>")`);
  const wit = await witSource();
  const jco = await jcoVersion();
  const hash = createHash('sha256').update(`jco-${jco}\0${world}\0`).update(wit).update('\0').update(wat).digest('hex');
  const cached = join(cacheDir('components'), `${hash}.wasm`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit) return new Uint8Array(hit);
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  let component: Uint8Array;
  try {
    const core = await parse(wat);
    component = await componentNew(await componentEmbed({ binary: core, witSource: wit, world }));
  } catch (err) {
    throw new FixtureError(`component fixture ${name} (world ${world}): ${String((err as Error)?.message ?? err).trim()}`);
  }
  await writeCacheFile(cached, component);
  return component;
}

/** True when the text's first form, after `;;` line comments, is `(component`. */
export function isComponentWat(wat: string): boolean {
  return /^(?:\s|;;[^\n]*\n)*\(component\b/.test(wat);
}

/** Component-level WAT: jco's `parse` makes the component; cached by jco version and text. */
async function buildComponentWat(name: string, wat: string): Promise<Uint8Array> {
  const jco = await jcoVersion();
  const hash = createHash('sha256').update(`jco-${jco}\0component-wat\0`).update(wat).digest('hex');
  const cached = join(cacheDir('components'), `${hash}.wasm`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit) return new Uint8Array(hit);
  const { parse } = await import('@bytecodealliance/jco');
  let component: Uint8Array;
  try {
    component = await parse(wat);
  } catch (err) {
    throw new FixtureError(`component fixture ${name}: ${String((err as Error)?.message ?? err).trim()}`);
  }
  await writeCacheFile(cached, component);
  return component;
}
