/** Turning CLI filters into adapters and cases, with errors that list what exists. */
import picomatch from 'picomatch';
import type { Adapter } from './adapter.ts';
import type { Case } from './case.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function selectAdapters(all: readonly Adapter[], ids: readonly string[], fallback: string): Adapter[] {
  if (ids.length === 0) ids = [fallback];
  if (ids.includes('all')) return [...all];
  return [...new Set(ids)].map((id) => {
    const found = all.find((a) => a.id === id);
    if (!found) throw new UsageError(`unknown adapter "${id}"; known: ${all.map((a) => a.id).join(', ')}, all`);
    return found;
  });
}

export function selectCases(all: readonly Case[], suites: readonly string[], caseGlob: string | undefined): Case[] {
  const known = [...new Set(all.map((c) => c.suite))];
  for (const s of suites) if (!known.includes(s)) throw new UsageError(`unknown suite "${s}"; known: ${known.join(', ')}`);
  const match = caseGlob ? picomatch(caseGlob) : () => true;
  const chosen = all.filter((c) => (suites.length === 0 || suites.includes(c.suite)) && match(c.id));
  if (chosen.length === 0)
    throw new UsageError(
      `no case matches${suites.length ? ` suite(s) ${suites.join(', ')}` : ''}${caseGlob ? ` and --case ${caseGlob}` : ''}; see \`awc list\``,
    );
  return chosen;
}
