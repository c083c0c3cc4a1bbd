/** Where the project's folders are, wherever the CLI is started from. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the checkout, or node_modules/async-wasm-conformance when installed. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES_DIR = join(ROOT, 'fixtures');
export const SCHEMA_PATH = join(ROOT, 'reports', 'report.schema.json');
export const SUMMARY_SCHEMA_PATH = join(ROOT, 'reports', 'summary.schema.json');
export const EXPECTATIONS_DIR = join(ROOT, 'adapters', 'expectations');

/**
 * An installed package (somewhere below a node_modules directory) writes nothing into
 * node_modules: reports go below the working directory, the cache to the user's cache
 * directory. A checkout keeps both inside itself.
 */
export const IS_INSTALLED = ROOT.split(sep).includes('node_modules');
export const DEFAULT_OUT_DIR = IS_INSTALLED ? join(process.cwd(), 'reports', 'out') : join(ROOT, 'reports', 'out');
/** $XDG_CACHE_HOME/awc, else ~/.cache/awc: the installed package's cache (AWC_CACHE_DIR overrides). */
export const USER_CACHE_DIR = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'awc');

/**
 * The directory of an installed npm package, wherever npm put it (this checkout's node_modules,
 * or hoisted beside this package when installed); undefined when it is not installed. Read
 * through the resolver's search path, not require.resolve: binary-only packages have no entry
 * point and some do not export their package.json.
 */
export function packageDir(name: string): string | undefined {
  const paths = createRequire(import.meta.url).resolve.paths(name) ?? [];
  for (const dir of paths) if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  return undefined;
}
