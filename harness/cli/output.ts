/**
 * Output files of every command: checked before any work (one-line usage error), written
 * atomically with no temporary file left behind, and — for results that took a run to produce —
 * kept somewhere safe when the chosen path fails at the end anyway.
 */
import { constants } from 'node:fs';
import { access, mkdtemp, open, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../selection.ts';
import { makeDirs } from '../files.ts';
export { writeAtomic } from '../files.ts';

const reason = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}${e.syscall ? ` on ${e.syscall}` : ''}` : String((err as Error)?.message ?? err);
};

/**
 * Checks that `path` (given by `flag`) can be written the way the command will write it: not
 * empty, not a directory or device, its directory creatable, a file creatable in that
 * directory (the atomic rename needs one), and for `append` an existing file writable.
 * Returns the absolute path. May create the missing directories.
 */
export async function checkOutput(path: string, flag: string, opts: { append?: boolean } = {}): Promise<string> {
  if (path === '') throw new UsageError(`${flag} is empty; give a file path`);
  const abs = resolve(path);
  const existing = await stat(abs).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
  if (existing instanceof Error) {
    if ((existing as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`${flag} ${abs}: a parent of it is a file, not a directory`);
    throw new UsageError(`${flag} ${abs}: cannot be written (${reason(existing)})`);
  }
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${abs} is a directory; give a file path`);
  if (existing && !existing.isFile()) throw new UsageError(`${flag} ${abs} is not a regular file`);
  const dir = dirname(abs);
  try {
    await makeDirs(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(
      `${flag} ${abs}: cannot create its directory ${dir} (${e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : reason(err)})`,
    );
  }
  const probe = join(dir, `.${basename(abs)}.${process.pid}.probe`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (err) {
    throw new UsageError(`${flag} ${abs}: cannot write in ${dir} (${reason(err)})`);
  } finally {
    await rm(probe, { force: true });
  }
  if (existing && opts.append)
    await access(abs, constants.W_OK).catch((err) => Promise.reject(new UsageError(`${flag} ${abs}: cannot be written (${reason(err)})`)));
  return abs;
}

/** Refuses an output that is one of the inputs (a render would destroy the report it reads). */
export async function refuseOverwrite(output: string, inputs: string[], flag: string): Promise<void> {
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  const out = await real(output);
  for (const input of inputs) if ((await real(input)) === out) throw new UsageError(`${flag} ${output} is the input ${input}; refusing to overwrite it`);
}

/** Last resort for finished results: a fresh private directory under the OS temp dir. Returns the file written. */
export async function keepSafe(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'awc-kept-'));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

export const describeWriteError = reason;

/**
 * The default report path under the checkout, or — when the checkout is read-only — the same
 * name in a private temp directory, with a note saying so (an explicit path is never replaced).
 */
export async function defaultOutput(path: string, log: (line: string) => void): Promise<string> {
  try {
    return await checkOutput(path, 'the default report path');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const dir = await mkdtemp(join(tmpdir(), 'awc-reports-'));
    log(`note: ${err.message}; writing the report under ${dir} instead (--out to choose)`);
    return join(dir, basename(path));
  }
}
