/**
 * Builds the JS agent into one self-contained ESM file with esbuild, so the very same file runs
 * on Node 20 (no type stripping), Node 24+, Deno and Bun without any module resolution of ours.
 * The output is named by content hash under .cache/agent/ and rebuilt when the sources change.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { cacheDir } from '../cache.ts';
import { writeAtomic } from '../files.ts';
import { packageDir, ROOT } from '../paths.ts';

const ENTRY = join(ROOT, 'adapters', 'js', 'agent', 'main.ts');

const binaryenByUrl: Plugin = {
  name: 'binaryen-by-url',
  setup(b) {
    b.onResolve({ filter: /^binaryen$/ }, () => {
      const dir = packageDir('binaryen');
      if (!dir) return { errors: [{ text: 'binaryen is not installed (run `npm ci`)' }] };
      const main = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main?: string }).main ?? 'index.js';
      return { path: pathToFileURL(join(dir, main)).href, external: true };
    });
  },
};

let built: Promise<string> | undefined;

/** Path of the current agent bundle (built at most once per process). */
export function agentBundle(): Promise<string> {
  built ??= buildAgent();
  return built;
}

async function buildAgent(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    // binaryen is large and loaded lazily by the Asyncify strategy: left out of the bundle and
    // imported by absolute file URL, so the bundle runs from any cache directory.
    plugins: [binaryenByUrl],
    // Bundled CommonJS (ajv, picomatch) calls require() for Node built-ins; give ESM a require.
    banner: { js: "import { createRequire as __awcCreateRequire } from 'node:module'; const require = __awcCreateRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const OUT_DIR = cacheDir('agent');
  const path = join(OUT_DIR, `agent-${hash}.mjs`);
  if (!(await stat(path).catch(() => undefined))) await writeAtomic(path, code);
  return path;
}
