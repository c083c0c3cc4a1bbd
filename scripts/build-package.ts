/**
 * `npm pack` (prepack): bundles the CLI into dist/main.mjs and the browser bridge into dist/bridge.mjs. Node does not strip types from files
 * below node_modules, so an installed package cannot run bin/main.ts as a checkout does; the
 * bundle is plain JS with every npm dependency left external. The JS agent is still built from
 * the shipped TypeScript sources at run time (harness/protocol/agent-bundle.ts), by esbuild.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The CLI, and the browser rows' bridge (a separate process run on the pinned Node).
const ENTRIES = [
  { entry: ['bin', 'main.ts'], out: 'main.mjs' },
  { entry: ['adapters', 'browser', 'bridge.ts'], out: 'bridge.mjs' },
];
for (const { entry, out } of ENTRIES) {
  await build({
    entryPoints: [join(ROOT, ...entry)],
    outfile: join(ROOT, 'dist', out),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
  });
  process.stdout.write(`wrote dist/${out}\n`);
}
