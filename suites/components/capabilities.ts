/**
 * Capability-checked async imports of a component (read-file, http-get; SPEC.md §8, §13): the
 * grant decides before any side effect, and a denial reaches the caller as `denied` naming the
 * capability — the component form of the core capability cases, on the same data directory and
 * loopback server. The path or URL is staged in the guest 8 bytes at a time (`stage`).
 */
import type { Grants, Instance } from '../../harness/adapter.ts';
import { ErrorCode } from '../../harness/abi.ts';
import type { Case, CaseContext } from '../../harness/case.ts';
import { all, expectDenied, expectHostError, expectNamesCapability, expectOk, fail, pass } from '../../harness/check.ts';
import { DATA_FILES } from '../../harness/env/data-dir.ts';
import { HELLO_BODY } from '../../harness/env/http-server.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32, i64 } from '../../harness/values.ts';
import { defineCase, utf8, writeGuestBytes } from '../define.ts';
import { GUEST, summary } from './shared.ts';

const MAX = 65_536;

const files = (ctx: CaseContext, allow: string[]): Grants => ({ files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow }] });

/** Stages `text` in the guest and calls `exported` (read-staged or get-staged) on it. */
async function staged(instance: Instance, exported: 'read-staged' | 'get-staged', text: string, max = MAX): Promise<Outcome> {
  const bytes = utf8(text);
  await writeGuestBytes(instance, 0, bytes, 'stage');
  return instance.call(exported, [i32(bytes.length), i32(max)], { results: ['i64'], deadlineMs: 10_000 });
}

const readStaged = (instance: Instance, path: string, max?: number) => staged(instance, 'read-staged', path, max);
const getStaged = (instance: Instance, url: string, max?: number) => staged(instance, 'get-staged', url, max);

/** ok((length << 32) | FNV-1a) of `text`: what the guest returns for contents it received whole. */
const expectContents = (outcome: Outcome, text: string, evidence?: Record<string, unknown>) => expectOk(outcome, [i64(summary(utf8(text)))], evidence);

/** Denied (or refused with a host error), never ok: for inputs a runtime may reject either way. */
function expectRefused(outcome: Outcome, what: string) {
  const evidence = { what, outcome: outcomeToJson(outcome) };
  if (outcome.kind === 'denied' || outcome.kind === 'host-error') return pass(evidence);
  return fail(`${what} was not refused: ${formatOutcome(outcome)}`, evidence);
}

const TRAVERSALS = [
  '/data/../secret.txt',
  '/data/sub/../../secret.txt',
  '/data/%2e%2e/secret.txt',
  '/data\\..\\secret.txt',
  'data/hello.txt',
  '/data/escape.txt',
];

/** Stages `head` then `count` copies of `byte` (one stage-fill call) and calls `exported` on all of it. */
async function stagedRun(instance: Instance, exported: 'read-staged' | 'get-staged', head: string, byte: number, count: number): Promise<Outcome> {
  const bytes = utf8(head);
  // stage-fill writes into the staging area, at offsets like stage's.
  await writeGuestBytes(instance, 0, bytes, 'stage');
  const filled = await instance.call('stage-fill', [i32(bytes.length), i32(count), i32(byte)], { results: [], deadlineMs: 10_000 });
  if (filled.kind !== 'ok') throw new Error(`stage-fill failed: ${formatOutcome(filled)}`);
  return instance.call(exported, [i32(bytes.length + count), i32(MAX)], { results: ['i64'], deadlineMs: 10_000 });
}

export const componentCapabilityCases: Case[] = [
  defineCase({
    id: 'capabilities.component.no-grants',
    title: 'read-file and http-get with no grant: each denied naming its capability (err(host-error) with capability set); the server saw no request',
    requirement: 'CAP-DENY',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST);
      const probe = `/hello?component-no-grant-${Math.random().toString(36).slice(2)}`;
      const file = await readStaged(instance, '/data/hello.txt');
      const http = await getStaged(instance, `${ctx.env.httpOrigin}${probe}`);
      const verdict = all(
        expectDenied(file, 'read-file'),
        expectNamesCapability(file, '/data/hello.txt'),
        expectDenied(http, 'http-get'),
        expectNamesCapability(http, '127.0.0.1'),
      );
      if (verdict.pass && ctx.env.httpRequests.some((r) => r === probe))
        return fail('http-get was denied but the request reached the server', verdict.evidence);
      return verdict;
    },
  }),
  defineCase({
    id: 'capabilities.component.grant-file',
    title: 'allow ["hello.txt"]: /data/hello.txt arrives whole as list<u8>, /data/sub/nested.txt is denied',
    requirement: 'CAP-GRANT',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: files(ctx, ['hello.txt']) });
      return all(
        expectContents(await readStaged(instance, '/data/hello.txt'), DATA_FILES['data/hello.txt']),
        expectDenied(await readStaged(instance, '/data/sub/nested.txt'), 'read-file'),
      );
    },
  }),
  defineCase({
    id: 'capabilities.component.traversal',
    title: 'allow ["**"]: .., encoded .., backslashes, a relative path and a symlink out of the mount are all refused; the instance still reads a granted file',
    requirement: 'CAP-TRAVERSAL',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: files(ctx, ['**']) });
      const verdicts = [];
      for (const path of TRAVERSALS) verdicts.push(expectRefused(await readStaged(instance, path), path));
      verdicts.push(
        expectContents(await readStaged(instance, '/data/sub/nested.txt'), DATA_FILES['data/sub/nested.txt'], { what: 'a granted read afterwards' }),
      );
      return all(...verdicts);
    },
  }),
  defineCase({
    id: 'capabilities.component.origin',
    title: 'granted the loopback origin: /hello arrives whole; the same host on another port and a look-alike host are denied',
    requirement: 'CAP-ORIGIN',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      const port = Number(new URL(ctx.env.httpOrigin).port);
      return all(
        expectContents(await getStaged(instance, `${ctx.env.httpOrigin}/hello`), HELLO_BODY),
        expectDenied(await getStaged(instance, `http://127.0.0.1:${port + 1}/hello`), 'http-get'),
        expectDenied(await getStaged(instance, `http://localhost.evil:${port}/hello`), 'http-get'),
      );
    },
  }),
  defineCase({
    id: 'capabilities.component.long-inputs',
    title:
      'read-file of a 5000-byte path and http-get of a 10 000-byte URL on granted grants: err too-large (code 3) each, staged in one stage-fill call; the URL never reaches the server',
    requirement: 'CAP-ARG-CODES',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: { ...files(ctx, ['**']), http: { origins: [ctx.env.httpOrigin] } } });
      const before = ctx.env.httpRequests.length;
      const path = await stagedRun(instance, 'read-staged', '/data/', 0x61, 4994);
      const url = await stagedRun(instance, 'get-staged', `${ctx.env.httpOrigin}/`, 0x61, 10_000 - ctx.env.httpOrigin.length - 1);
      const reached = ctx.env.httpRequests.slice(before).some((r) => r.length > 8000);
      return all(
        expectHostError(path, 'read-file', ErrorCode.TOO_LARGE, { what: 'a 5000-byte path' }),
        expectHostError(url, 'http-get', ErrorCode.TOO_LARGE, { what: 'a 10 000-byte URL' }),
        reached ? fail('the over-long URL reached the server') : pass(),
        expectContents(await readStaged(instance, '/data/hello.txt'), DATA_FILES['data/hello.txt'], { what: 'a granted read afterwards' }),
      );
    },
  }),
  defineCase({
    id: 'capabilities.component.too-large',
    title: 'read-file of the 12-byte hello.txt with max 4: err too-large (code 3); with max 12 it arrives whole',
    requirement: 'CAP-BOUNDS',
    guest: 'component',
    async run(ctx) {
      const instance = await ctx.instantiateComponent(GUEST, { grants: files(ctx, ['**']) });
      const text = DATA_FILES['data/hello.txt'];
      return all(
        expectHostError(await readStaged(instance, '/data/hello.txt', 4), 'read-file', ErrorCode.TOO_LARGE),
        expectContents(await readStaged(instance, '/data/hello.txt', text.length), text),
      );
    },
  }),
];
