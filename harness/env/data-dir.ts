/** The temporary directory that `read_file` grants point into (layout: SPEC.md §2.4). */
import { rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patternBytes } from './http-server.ts';

export const DATA_FILES = {
  'data/hello.txt': 'hello, file\n',
  'data/empty.txt': '',
  'data/sub/nested.txt': 'nested\n',
  // A dot-file: no wildcard pattern may grant it (SPEC.md §2.4), only one that spells the dot.
  'data/.hidden': 'hidden\n',
  'secret.txt': 'outside every mount\n',
} as const;
export const BIG_FILE = { path: 'data/big.bin', size: 100_000 } as const;

export interface DataDir {
  root: string;
  /** Host directory mounted at /data in the usual grant. */
  dataMount: string;
  remove(): Promise<void>;
}

/** Directories not removed yet: a process that exits early (process.exit, a third Ctrl-C) still removes them. */
const live = new Set<string>();
process.once('exit', () => {
  for (const root of live) rmSync(root, { recursive: true, force: true });
});

export async function createDataDir(): Promise<DataDir> {
  const root = await mkdtemp(join(tmpdir(), 'awc-data-'));
  live.add(root);
  await mkdir(join(root, 'data', 'sub'), { recursive: true });
  for (const [path, text] of Object.entries(DATA_FILES)) await writeFile(join(root, path), text);
  await writeFile(join(root, BIG_FILE.path), patternBytes(BIG_FILE.size));
  // A symlink inside the mount pointing outside it: reading it must be denied.
  await symlink(join(root, 'secret.txt'), join(root, 'data', 'escape.txt'));
  return {
    root,
    dataMount: join(root, 'data'),
    async remove() {
      await rm(root, { recursive: true, force: true });
      live.delete(root);
    },
  };
}
