/**
 * Builds the page (./page.ts with the JS host and strategies) into one browser ESM file with
 * esbuild, named by content hash under .cache/browser/ and rebuilt when the sources change.
 * binaryen stays outside: the page loads it through an import map from the bridge (Asyncify only).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cacheDir } from '../../harness/cache.ts';
import { writeAtomic } from '../../harness/files.ts';
import { ROOT } from '../../harness/paths.ts';

const ENTRY = join(ROOT, 'adapters', 'browser', 'page.ts');

let built: Promise<string> | undefined;

/** Path of the current page bundle (built at most once per process). */
export function pageBundle(): Promise<string> {
  built ??= buildPage();
  return built;
}

async function buildPage(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['binaryen'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const path = join(cacheDir('browser'), `page-${hash}.js`);
  if (!(await stat(path).catch(() => undefined))) await writeAtomic(path, code);
  return path;
}
