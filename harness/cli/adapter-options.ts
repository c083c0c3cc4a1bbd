/** The adapter sources every command shares: built-in registry, config file, --adapter-cmd, --plugin. */
import type { Command } from 'commander';
import { ADAPTERS } from '../../adapters/registry.ts';
import type { Adapter } from '../adapter.ts';
import { loadPluginAdapters } from '../plugins.ts';
import { UsageError } from '../selection.ts';
import { adapterFromFlag, adaptersFromConfig } from '../user-adapters.ts';

export interface AdapterSourceFlags {
  adapterCmd: string[];
  plugin: string[];
  config?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function withAdapterSources(command: Command): Command {
  return command
    .option('--adapter-cmd <id=command>', "an out-of-process adapter: ID='command args' speaking the protocol (SPEC.md §7), repeatable", collect, [])
    .option('--config <file>', 'adapters from this config file (default: ./awc.config.json when present)')
    .option('--plugin <file>', 'adapters from a module exporting `adapters` (in-process), repeatable', collect, []);
}

/** Every adapter known to this invocation; ids must be unique. */
export async function allAdapters(flags: AdapterSourceFlags): Promise<Adapter[]> {
  const all = [...ADAPTERS, ...(await adaptersFromConfig(flags.config)), ...flags.adapterCmd.map(adapterFromFlag), ...(await loadPluginAdapters(flags.plugin))];
  const seen = new Set<string>();
  for (const a of all) {
    if (seen.has(a.id)) throw new UsageError(`two adapters are called "${a.id}"; ids must be unique`);
    seen.add(a.id);
  }
  return all;
}
