/** Every adapters/expectations/*.json parses, names a registered adapter, and each entry matches a case (no stale globs). */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../adapters/registry.ts';
import { parseExpectations } from '../harness/expectations.ts';
import { EXPECTATIONS_DIR } from '../harness/paths.ts';
import { ALL_CASES } from '../suites/index.ts';

describe('the expectations files', async () => {
  const files = (await readdir(EXPECTATIONS_DIR)).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    it(file, async () => {
      const e = parseExpectations(await readFile(join(EXPECTATIONS_DIR, file), 'utf8'), file);
      expect(`${e.adapter}.json`).toBe(file);
      expect(ADAPTERS.map((a) => a.id)).toContain(e.adapter);
      for (const k of e.knownFailures)
        expect(
          ALL_CASES.some((c) => picomatch.isMatch(c.id, k.case)),
          `${file}: ${k.case} matches no case`,
        ).toBe(true);
    });
  }
});
