#!/usr/bin/env node
/** Compiles every fixture under fixtures/ into the content-hash cache; fails on the first invalid one. */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isComponentWat, loadComponentFixture } from '../harness/components.ts';
import { loadFixture } from '../harness/fixtures.ts';
import { FIXTURES_DIR } from '../harness/paths.ts';

const entries = await readdir(FIXTURES_DIR, { recursive: true, withFileTypes: true });
const names = entries
  .filter((e) => e.isFile() && e.name.endsWith('.wat'))
  .map((e) => relative(FIXTURES_DIR, `${e.parentPath}/${e.name}`))
  .sort();
let failed = 0;
for (const name of names) {
  try {
    // Component-level WAT (fixtures/component-async/) is built by jco's parse, not as a core module.
    const wasm = isComponentWat(await readFile(join(FIXTURES_DIR, name), 'utf8')) ? await loadComponentFixture(name) : await loadFixture(name);
    console.log(`ok    ${name} (${wasm.length} bytes)`);
  } catch (err) {
    failed++;
    console.error(`FAIL  ${name}: ${(err as Error).message}`);
  }
}
console.log(`${names.length - failed}/${names.length} fixtures built`);
process.exitCode = failed ? 1 : 0;
