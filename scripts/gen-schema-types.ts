/**
 * Generates the TypeScript types of the wire protocol and the report from their JSON Schemas, so
 * the schemas stay the one source of truth (issue #16): the code uses only the generated types
 * for wire and report shapes, and test/schema-types.test.ts fails when a checked-in file is not
 * what this script makes of its schema today.
 *
 *   npm run gen:types          (rewrites the generated files)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each schema and the file generated from it; `root` names the type of the whole document. */
export const TARGETS = [
  { schema: 'harness/protocol/protocol.schema.json', output: 'harness/protocol/schema.generated.ts', root: 'ProtocolSchema' },
  { schema: 'reports/report.schema.json', output: 'harness/report/schema.generated.ts', root: 'Report' },
] as const;

export type Target = (typeof TARGETS)[number];

/** The generated source for one target, from the schema as it is on disk now. */
export async function generate(target: Target): Promise<string> {
  const schema = JSON.parse(await readFile(join(ROOT, target.schema), 'utf8')) as JSONSchema;
  // The root's title or $id would name the root type; the code wants a short name for it.
  delete schema.title;
  delete schema.$id;
  return compile(schema, target.root, {
    bannerComment: `/* Generated from ${target.schema} by scripts/gen-schema-types.ts (npm run gen:types): do not edit. */`,
    // Every $defs entry gets a named type, not only those the root refers to.
    unreachableDefinitions: true,
    // The schema file is read as it is: no $ref to another file to follow.
    cwd: join(ROOT, target.schema, '..'),
    style: { printWidth: 140, singleQuote: true },
  });
}

async function main(): Promise<void> {
  for (const target of TARGETS) {
    await writeFile(join(ROOT, target.output), await generate(target));
    process.stdout.write(`wrote ${target.output}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
