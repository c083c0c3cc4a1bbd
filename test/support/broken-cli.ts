/**
 * Faults in the CLI's surroundings, injected by plugin adapters (`awc run --plugin` this file):
 * the real node-jspi adapter, plus a side effect on the file system while the run is under way.
 */
import { rm, writeFile } from 'node:fs/promises';
import type { Adapter } from '../../harness/adapter.ts';
import { nodeJspi } from '../../adapters/node-jspi/adapter.ts';

/**
 * Turns the directory named by AWC_TEST_SABOTAGE into a plain file when its session opens: the
 * output directory passed the check before the first case, but the report can no longer be
 * written there at the end. The results must not be lost.
 */
export const sabotagesOutput: Adapter = {
  id: 'sabotages-output-dir',
  async describe() {
    return { ...(await nodeJspi.describe()), id: 'sabotages-output-dir' };
  },
  async open(options) {
    const target = process.env['AWC_TEST_SABOTAGE'];
    if (target) {
      await rm(target, { recursive: true, force: true });
      await writeFile(target, 'no longer a directory\n');
    }
    return nodeJspi.open(options);
  },
};

/** Terminal escape sequences (clear screen, set title, bell) in everything it says about itself. */
const ESCAPES = '\u001b[2J\u001b]0;pwned\u0007\u009b31m';
export const hostileTerminal: Adapter = {
  id: 'hostile-terminal',
  async describe() {
    const d = await nodeJspi.describe();
    return { ...d, id: 'hostile-terminal', engine: { name: `engine${ESCAPES}`, version: `1${ESCAPES}` }, available: false, reason: `missing${ESCAPES}` };
  },
  async open() {
    throw new Error('never opened: unavailable');
  },
};

export const adapters: Adapter[] = [sabotagesOutput, hostileTerminal];
