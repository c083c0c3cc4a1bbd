/**
 * The generated wire and report types are what scripts/gen-schema-types.ts makes of the schemas
 * today: a schema edited without `npm run gen:types` fails here (and a schema change the code does
 * not follow then fails `tsc --noEmit` through harness/schema-agreement.ts and the code's own use).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../harness/paths.ts';
import { generate, TARGETS } from '../scripts/gen-schema-types.ts';

describe('types generated from the schemas', () => {
  it('has one target per schema', () => {
    expect(TARGETS.map((t) => t.schema)).toEqual(['harness/protocol/protocol.schema.json', 'reports/report.schema.json']);
  });
  for (const target of TARGETS) {
    it(`${target.output} is up to date with ${target.schema} (else run npm run gen:types)`, async () => {
      const checkedIn = await readFile(join(ROOT, target.output), 'utf8');
      expect(checkedIn).toBe(await generate(target));
    });
  }
});
