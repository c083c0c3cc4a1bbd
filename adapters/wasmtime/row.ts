/**
 * The `wasmtime` rows: the Rust adapter in this folder (wasmtime + Tokio), built by
 * `npm run build:wasmtime`. `wasmtime` runs core modules; `wasmtime-component` runs the same
 * binary with `--component-model` (components, the WIT host interface, SPEC.md §13; components of the native
 * async ABI, SPEC.md §14, on an engine with concurrency support: src/component_async.rs).
 */
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

function wasmtimeAdapter(id: string, args: string[]) {
  return processAdapter({
    id,
    async resolve() {
      try {
        accessSync(BINARY, constants.X_OK);
        return { command: [BINARY, ...args] };
      } catch {
        return {
          unavailable: cargoMissing()
            ? 'not built, and cargo is not installed (the adapter is a Rust crate: adapters/wasmtime)'
            : 'not built: run `npm run build:wasmtime`',
        };
      }
    },
  });
}

export const wasmtimeRow = wasmtimeAdapter('wasmtime', []);
export const wasmtimeComponentRow = wasmtimeAdapter('wasmtime-component', ['--component-model']);
