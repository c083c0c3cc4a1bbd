/** Adapters from outside the registry: a module exporting `adapters: Adapter[]` (`awc run --plugin FILE`). */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Adapter } from './adapter.ts';
import { UsageError } from './selection.ts';

const isAdapter = (a: unknown): a is Adapter =>
  typeof a === 'object' &&
  a !== null &&
  typeof (a as Adapter).id === 'string' &&
  typeof (a as Adapter).describe === 'function' &&
  typeof (a as Adapter).open === 'function';

export async function loadPluginAdapters(files: readonly string[]): Promise<Adapter[]> {
  const found: Adapter[] = [];
  for (const file of files) {
    let module: { adapters?: unknown };
    try {
      module = await import(pathToFileURL(resolve(file)).href);
    } catch (err) {
      throw new UsageError(`cannot load plugin ${file}: ${(err as Error).message}`);
    }
    if (!Array.isArray(module.adapters) || !module.adapters.every(isAdapter)) {
      throw new UsageError(`plugin ${file} must export "adapters", an array of objects with id, describe() and open()`);
    }
    found.push(...module.adapters);
  }
  return found;
}
