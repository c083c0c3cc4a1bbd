/**
 * Known failures per adapter (adapters/expectations/<adapter-id>.json). A listed case that
 * fails is `expected-fail` (still shown, with the reason); one that passes is `unexpected-pass`,
 * which counts as a failure so stale entries get noticed.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { EXPECTATIONS_DIR } from './paths.ts';

export interface KnownFailure {
  /** A case id or a glob over case ids. */
  case: string;
  reason: string;
  /** Where the defect is tracked, when known. */
  link?: string;
  /**
   * The defect shows only on some runs (a runtime race): a failure is `expected-fail`, a pass
   * stays `pass` (with the note) instead of `unexpected-pass`.
   */
  intermittent?: boolean;
  /**
   * The defect surfaces as `error`, not `fail`: the runtime cannot compile or instantiate what
   * the case needs (a fixture feature it lacks, a resource cap). Only then is an error covered.
   */
  error?: boolean;
}

export interface Expectations {
  adapter: string;
  knownFailures: KnownFailure[];
}

export class ExpectationsError extends Error {
  override name = 'ExpectationsError';
}

export function parseExpectations(text: string, source: string): Expectations {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ExpectationsError(`${source}: not JSON: ${(err as Error).message}`);
  }
  const e = data as Partial<Expectations>;
  if (typeof e?.adapter !== 'string' || !Array.isArray(e.knownFailures))
    throw new ExpectationsError(`${source}: needs "adapter" (string) and "knownFailures" (array)`);
  e.knownFailures.forEach((k, i) => {
    if (typeof k?.case !== 'string' || typeof k.reason !== 'string' || k.reason.trim() === '') {
      throw new ExpectationsError(`${source}: knownFailures[${i}] needs "case" and a non-empty "reason"`);
    }
    if (k.intermittent !== undefined && typeof k.intermittent !== 'boolean')
      throw new ExpectationsError(`${source}: knownFailures[${i}].intermittent must be true or false`);
    if (k.error !== undefined && typeof k.error !== 'boolean') throw new ExpectationsError(`${source}: knownFailures[${i}].error must be true or false`);
  });
  return e as Expectations;
}

/** The adapter's expectations, or none when it has no file. */
export async function loadExpectations(adapterId: string, dir = EXPECTATIONS_DIR): Promise<Expectations> {
  const path = join(dir, `${adapterId}.json`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { adapter: adapterId, knownFailures: [] };
    throw err;
  }
  const parsed = parseExpectations(text, path);
  if (parsed.adapter !== adapterId) throw new ExpectationsError(`${path}: says adapter ${parsed.adapter}, expected ${adapterId}`);
  return parsed;
}

export function findKnownFailure(expectations: Expectations, caseId: string): KnownFailure | undefined {
  return expectations.knownFailures.find((k) => picomatch.isMatch(caseId, k.case));
}

/**
 * Expectations kept outside this package (`awc run --expectations DIR`): DIR/<adapter-id>.json,
 * when present, replaces the built-in file for that adapter; other adapters keep theirs. The
 * files of the selected adapters are read and checked before any case runs.
 */
export async function expectationsFrom(dir: string, adapterIds: readonly string[]): Promise<(adapterId: string) => Promise<Expectations>> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new ExpectationsError(`--expectations ${dir}: not a directory`);
  const own = new Map<string, Expectations>();
  for (const id of adapterIds) {
    const found = await stat(join(dir, `${id}.json`)).catch(() => undefined);
    if (found) own.set(id, await loadExpectations(id, resolve(dir)));
  }
  return async (id) => own.get(id) ?? loadExpectations(id);
}
