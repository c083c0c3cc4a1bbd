/**
 * `npm pack` (prepack): bundles the CLI into dist/main.mjs. Node does not strip types from files
 * below node_modules, so an installed package cannot run bin/main.ts as a checkout does; the
 * bundle is plain JS with every npm dependency left external. The JS agent is still built from
 * the shipped TypeScript sources at run time (harness/protocol/agent-bundle.ts), by esbuild.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

await build({
  entryPoints: [join(ROOT, 'bin', 'main.ts')],
  outfile: join(ROOT, 'dist', 'main.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  logLevel: 'warning',
});
process.stdout.write('wrote dist/main.mjs\n');
