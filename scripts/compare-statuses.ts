/**
 * Compares the status of every (adapter, case) pair in two `awc run` reports: the check that a
 * refactoring changed no behaviour (issue #16). Prints each pair whose status differs, and pairs
 * present in one report only; exit 1 if there is any, 0 if the two agree pair for pair.
 *
 *   npx node scripts/compare-statuses.ts BEFORE.json AFTER.json [--ignore-new]   (the pinned Node 24)
 *
 * --ignore-new: cases only in AFTER (new cases added since) are listed but do not fail the check.
 */
import { readFileSync } from 'node:fs';

interface Report {
  results: { adapterId: string; caseId: string; status: string }[];
}

const [beforePath, afterPath, ...rest] = process.argv.slice(2);
if (!beforePath || !afterPath || rest.some((a) => a !== '--ignore-new')) {
  process.stderr.write('usage: npx node scripts/compare-statuses.ts BEFORE.json AFTER.json [--ignore-new]\n');
  process.exit(2);
}
const load = (path: string): Map<string, string> => {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  return new Map(report.results.map((r) => [`${r.adapterId} ${r.caseId}`, r.status]));
};
const before = load(beforePath);
const after = load(afterPath);
let differences = 0;
for (const [pair, status] of before) {
  const now = after.get(pair);
  if (now === undefined) process.stdout.write(`only before: ${pair} ${status}\n`);
  else if (now !== status) process.stdout.write(`changed: ${pair} ${status} -> ${now}\n`);
  if (now !== status) differences++;
}
for (const [pair, status] of after) {
  if (before.has(pair)) continue;
  process.stdout.write(`only after: ${pair} ${status}\n`);
  if (!rest.includes('--ignore-new')) differences++;
}
process.stdout.write(`${before.size} pair(s) before, ${after.size} after, ${differences} difference(s)\n`);
process.exit(differences === 0 ? 0 : 1);
