/**
 * A row served by one of the Rust adapters of the Cargo workspace in adapters/ (one Cargo.lock,
 * one target dir, adapters/target), built by `npm run build:rust`. A row whose binary is missing
 * is `unavailable` with the reason.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../harness/paths.ts';
import { processAdapter } from '../../harness/protocol/process-adapter.ts';

/** Where the workspace's release binaries are. */
export const RUST_TARGET = join(ROOT, 'adapters', 'target', 'release');

function cargoMissing(): boolean {
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return false;
  } catch {
    return true;
  }
}

/** The row `id`: the workspace binary `binary` run with `args`; `crate` names its folder for the message. */
export function rustRow(id: string, binary: string, crate: string, args: string[] = []) {
  const path = join(RUST_TARGET, binary);
  return processAdapter({
    id,
    async resolve() {
      try {
        accessSync(path, constants.X_OK);
        return { command: [path, ...args] };
      } catch {
        return {
          unavailable: cargoMissing()
            ? `not built, and cargo is not installed (the adapter is a Rust crate: adapters/${crate})`
            : 'not built: run `npm run build:rust`',
        };
      }
    },
  });
}
