/** The `wasmtime` row: the Rust adapter in this folder (wasmtime + Tokio), built by `npm run build:wasmtime`. */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../harness/paths.ts';
import { processAdapter } from '../../harness/protocol/process-adapter.ts';

const BINARY = join(ROOT, 'adapters', 'wasmtime', 'target', 'release', 'awc-wasmtime-adapter');

function cargoMissing(): boolean {
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return false;
  } catch {
    return true;
  }
}

export const wasmtimeRow = processAdapter({
  id: 'wasmtime',
  async resolve() {
    try {
      accessSync(BINARY, constants.X_OK);
      return { command: [BINARY] };
    } catch {
      return { unavailable: cargoMissing() ? 'not built, and cargo is not installed (the adapter is a Rust crate: adapters/wasmtime)' : 'not built: run `npm run build:wasmtime`' };
    }
  },
});
