/** The adapter sources every command shares: the built-in ones (from the Catalog), config file, --adapter-cmd, --plugin. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Adapter } from '../adapter.ts';
import { loadPluginAdapters } from '../plugins.ts';
import { UsageError } from '../selection.ts';
import { CONFIG_FILE, adapterFromFlag, adaptersFromConfig } from '../user-adapters.ts';

export interface AdapterSourceFlags {
  adapterCmd: string[];
  plugin: string[];
  config?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function withAdapterSources(command: Command): Command {
  return command
    .option('--adapter-cmd <id=command>', "an out-of-process adapter: ID='command args' speaking the protocol (SPEC.md §11), repeatable", collect, [])
    .option('--config <file>', 'adapters from this config file (default: ./awc.config.json when present)')
    .option('--plugin <file>', 'adapters from a module exporting `adapters` (in-process), repeatable', collect, []);
}

/** Every adapter known to this invocation; ids must be unique. */
export async function allAdapters(flags: AdapterSourceFlags, builtIn: readonly Adapter[]): Promise<Adapter[]> {
  return (await adapterSources(flags, builtIn)).adapters;
}

/**
 * The adapters, and for each the flags that make it known again on a rerun (a reproduce line):
 * nothing for a built-in one, its --adapter-cmd, or the absolute path of its --config or --plugin
 * (so the line works from any directory).
 */
export async function adapterSources(
  flags: AdapterSourceFlags,
  builtIn: readonly Adapter[],
): Promise<{ adapters: Adapter[]; rerunFlags: (id: string) => string[] }> {
  const configPath = flags.config !== undefined ? resolve(flags.config) : existsSync(CONFIG_FILE) ? resolve(CONFIG_FILE) : undefined;
  const groups: { adapters: readonly Adapter[]; flags: (a: Adapter, i: number) => string[] }[] = [
    { adapters: builtIn, flags: () => [] },
    { adapters: await adaptersFromConfig(flags.config), flags: () => ['--config', configPath!] },
    { adapters: flags.adapterCmd.map(adapterFromFlag), flags: (_a, i) => ['--adapter-cmd', flags.adapterCmd[i]!] },
  ];
  for (const file of flags.plugin) groups.push({ adapters: await loadPluginAdapters([file]), flags: () => ['--plugin', resolve(file)] });
  const rerun = new Map<string, string[]>();
  const all: Adapter[] = [];
  for (const g of groups) {
    for (const [i, a] of g.adapters.entries()) {
      if (rerun.has(a.id)) throw new UsageError(`two adapters are called "${a.id}"; ids must be unique`);
      rerun.set(a.id, g.flags(a, i));
      all.push(a);
    }
  }
  return { adapters: all, rerunFlags: (id) => rerun.get(id) ?? [] };
}
