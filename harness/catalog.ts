/**
 * What the composition root (bin/main.ts) hands the harness: the adapters, cases and
 * requirements this build knows, and the commands that suites contribute. The harness itself
 * imports no adapter and no suite; it only ever sees them through a Catalog.
 */
import type { Command } from 'commander';
import type { Adapter } from './adapter.ts';
import type { Case, Requirement } from './case.ts';

export interface Catalog {
  /** Built-in adapters, in matrix order (config files, --adapter-cmd and --plugin add more). */
  adapters: readonly Adapter[];
  /** The adapter a command uses when none is given. */
  defaultAdapterId: string;
  /** Every case, in report order. */
  cases: readonly Case[];
  requirements: readonly Requirement[];
  /** Commands a suite adds to `awc` (e.g. the property suite's `replay`). */
  commands: readonly ((program: Command, catalog: Catalog) => void)[];
}
