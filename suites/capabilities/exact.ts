/**
 * A denial must name exactly the capability it refused (SPEC.md §8.1): `file:<path as given>`,
 * `http:<origin of the URL>`, `call:<name>`. A part of it is not enough: a capability without
 * the port, or a name without its `call:` kind, is another capability.
 */
import type { Evidence, Verdict } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';

export function expectDeniedAs(actual: Outcome, fn: string, capability: string, extra: Evidence = {}): Verdict {
  const evidence = { expected: { kind: 'denied', function: fn, capability }, actual: outcomeToJson(actual), ...extra };
  if (actual.kind !== 'denied' || actual.function !== fn)
    return fail(`expected denied from ${fn} naming ${capability}, got ${formatOutcome(actual)}`, evidence);
  if (actual.capability !== capability)
    return fail(`denied, but naming the capability ${JSON.stringify(actual.capability)} instead of exactly ${JSON.stringify(capability)}`, evidence);
  if (!actual.message.trim()) return fail('the denial carries no message', evidence);
  return pass(evidence);
}

/** The capability string of an http_get denial: `http:` and the URL's origin (scheme://host[:port], WHATWG serialisation). */
export const httpCapability = (url: string): string => `http:${new URL(url).origin}`;
