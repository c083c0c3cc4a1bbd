/**
 * Every case a suite file defines reaches the run: each exported list of cases under suites/ is
 * part of ALL_CASES (a list that is defined but never registered would be skipped silently).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Case } from '../harness/case.ts';
import { ROOT } from '../harness/paths.ts';
import { ALL_CASES } from '../suites/index.ts';

const SUITES = join(ROOT, 'suites');
const files = (readdirSync(SUITES, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(SUITES, f));
const isCase = (x: unknown): x is Case =>
  typeof x === 'object' && x !== null && typeof (x as Case).id === 'string' && typeof (x as Case).run === 'function' && Array.isArray((x as Case).requires);

describe('suite registration', () => {
  it('every exported list of cases in suites/ is in ALL_CASES, and each file exports at most one', async () => {
    const registered = new Set(ALL_CASES);
    const lists: string[] = [];
    for (const file of files) {
      const exported = Object.entries(await import(file)).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every(isCase));
      expect(exported.length, `${relative(ROOT, file)} exports ${exported.map(([n]) => n).join(', ')}: one list per suite file`).toBeLessThanOrEqual(1);
      for (const [name, list] of exported) {
        lists.push(name);
        const missing = (list as Case[]).filter((c) => !registered.has(c)).map((c) => c.id);
        expect(missing, `${relative(ROOT, file)}: ${name} is not (fully) registered in suites/index.ts`).toEqual([]);
      }
    }
    // Not vacuous: the suites' lists were found.
    expect(lists.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ALL_CASES.map((c) => c.id)).size).toBe(ALL_CASES.length);
  });
});
