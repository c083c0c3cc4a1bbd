/** SPEC.md and suites/requirements.ts say the same thing: every requirement once, same level, right section. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../harness/paths.ts';
import { ALL_CASES } from '../suites/index.ts';
import { REQUIREMENTS } from '../suites/requirements.ts';

const spec = readFileSync(join(ROOT, 'SPEC.md'), 'utf8').split('\n');

/** Requirement rows `| ID | LEVEL | text |` with the `### x.y` heading above them. */
function specRows(): { id: string; level: string; section: string | undefined }[] {
  let section: string | undefined;
  const rows = [];
  for (const line of spec) {
    const heading = line.match(/^### (\d+\.\d+)\b/);
    if (heading) section = heading[1];
    const row = line.match(/^\| ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) \| (MUST|SHOULD|MAY) \|/);
    if (row) rows.push({ id: row[1]!, level: row[2]!, section });
  }
  return rows;
}

describe('SPEC.md', () => {
  const rows = specRows();

  it('states every requirement exactly once, with the same level, in its section', () => {
    for (const r of REQUIREMENTS) {
      const found = rows.filter((row) => row.id === r.id);
      expect(found.length, r.id).toBe(1);
      expect(found[0]!.level, r.id).toBe(r.level);
      expect(found[0]!.section, r.id).toBe(r.section);
    }
  });

  it('has no requirement rows that the code does not know', () => {
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    expect(rows.filter((r) => !known.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('every requirement is checked by at least one case, and every case names a known requirement', () => {
    const used = new Set(ALL_CASES.map((c) => c.requirement));
    expect(REQUIREMENTS.filter((r) => !used.has(r.id)).map((r) => r.id)).toEqual([]);
    const ids = ALL_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
