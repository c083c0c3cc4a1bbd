/** `awc list`, `awc adapters`, `awc validate`: read-only commands. */
import { readFile } from 'node:fs/promises';
import type { Catalog } from '../catalog.ts';
import { validateReport } from '../report/validate.ts';
import { selectCases } from '../selection.ts';
import { allAdapters, type AdapterSourceFlags } from './adapter-options.ts';
import { postPreemptPolicy } from '../adapter.ts';
import { adapterLine } from './format.ts';
import { EXIT } from './run.ts';
import { exitOnInterrupt } from './signals.ts';

export function listCommand(flags: { json: boolean; suite: string[]; case?: string }, catalog: Catalog): number {
  const cases = selectCases(catalog.cases, flags.suite, flags.case);
  if (flags.json) {
    const rows = cases.map((c) => ({
      id: c.id,
      suite: c.suite,
      requirement: c.requirement,
      level: c.level,
      requires: c.requires,
      ...(c.builtins ? { builtins: c.builtins } : {}),
      title: c.title,
    }));
    process.stdout.write(JSON.stringify({ cases: rows, requirements: catalog.requirements }, null, 2) + '\n');
    return EXIT.OK;
  }
  for (const c of cases) {
    process.stdout.write(
      `${c.id}\n    ${c.level} ${c.requirement}  ${c.title}${c.requires.length ? `  [requires: ${c.requires.join(', ')}]` : ''}${c.builtins?.length ? `  [built-ins: ${c.builtins.join(', ')}]` : ''}\n`,
    );
  }
  process.stdout.write(`${cases.length} case(s)\n`);
  return EXIT.OK;
}

export async function adaptersCommand(flags: AdapterSourceFlags & { json: boolean }, catalog: Catalog): Promise<number> {
  // describe() starts out-of-process adapters for their hello: a signal must not orphan them.
  exitOnInterrupt((line) => process.stderr.write(line + '\n'));
  const all = await allAdapters(flags, catalog.adapters);
  const descriptions = await Promise.all(all.map((a) => a.describe()));
  if (flags.json) {
    process.stdout.write(JSON.stringify(descriptions, null, 2) + '\n');
    return EXIT.OK;
  }
  for (const d of descriptions) {
    process.stdout.write(adapterLine(d) + '\n');
    const f = d.features;
    process.stdout.write(
      `    cancellation ${f.cancellation}, reentrancy ${f.reentrancy}, after cancel ${f.postCancel}${f.cancellation === 'preemptive' ? `, after preemption ${postPreemptPolicy(f)}${f.postPreempt ? '' : ' (as after cancel)'}` : ''}, fuel ${f.fuel}, memory limits ${f.memoryLimits}, core modules ${f.coreModules}, components ${f.components}\n`,
    );
  }
  return EXIT.OK;
}

export async function validateCommand(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`awc validate: cannot read ${file}: ${(err as Error).message}\n`);
    return EXIT.USAGE;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    process.stderr.write(`awc validate: ${file} is not JSON: ${(err as Error).message}\n`);
    return EXIT.USAGE;
  }
  const result = validateReport(data);
  if (!result.valid) {
    process.stderr.write(`awc validate: ${file} does not match reports/report.schema.json:\n${result.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return EXIT.USAGE;
  }
  const r = result.report;
  process.stdout.write(`${file}: valid report (schema ${r.schemaVersion}), ${r.results.length} result(s) on ${r.adapters.length} adapter(s)\n`);
  return EXIT.OK;
}
