/**
 * Capabilities: grants decide, before any side effect, what read_file, http_get and call may
 * touch. Traversal, look-alike origins and hostile pointers must never get past them.
 */
import { expectDeniedAs, httpCapability } from './exact.ts';
import type { Grants, Instance } from '../../harness/adapter.ts';
import { ErrorCode } from '../../harness/abi.ts';
import type { Case, CaseContext } from '../../harness/case.ts';
import { all, expectDenied, expectHostError, expectNamesCapability, expectOk, fail, pass } from '../../harness/check.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase, fnv1a, utf8, writeGuestBytes, writeGuestRun } from '../define.ts';

const FIXTURE = 'propagation/io.wat';
const CAP = 3 * 65536;
const MEMORY_BYTES = 4 * 65536;

const files = (ctx: CaseContext, allow: string[]): Grants => ({ files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow }] });

async function readAt(instance: Instance, path: Uint8Array): Promise<Outcome> {
  await writeGuestBytes(instance, 0, path);
  return call(instance, 'read_file', [i32(0), i32(path.length), i32(CAP)], ['i32']);
}

async function getAt(instance: Instance, url: string): Promise<Outcome> {
  const bytes = utf8(url);
  await writeGuestBytes(instance, 0, bytes);
  return call(instance, 'http_get', [i32(0), i32(bytes.length), i32(CAP)], ['i32']);
}

/** Refused: denied, or a host error other than success; never ok, never a crash. */
function expectRefused(outcome: Outcome, what: string) {
  const evidence = { outcome: outcomeToJson(outcome) };
  if (outcome.kind === 'denied' || outcome.kind === 'host-error' || outcome.kind === 'trap') return pass(evidence);
  return fail(`${what} was not refused: ${formatOutcome(outcome)}`, evidence);
}

/** After a hostile request the instance must still work: a granted read returns the file. */
async function stillWorks(instance: Instance) {
  const o = await readAt(instance, utf8('/data/hello.txt'));
  return expectOk(o, [i32(12)], { what: 'a granted read_file afterwards' });
}

const TRAVERSALS: [string, string][] = [
  ['dotdot', '/data/../secret.txt'],
  ['dotdot-deep', '/data/sub/../../secret.txt'],
  ['double-slash', '/data//hello.txt'],
  ['dot-segment', '/data/./hello.txt'],
  ['relative', 'data/hello.txt'],
  ['trailing-slash', '/data/hello.txt/'],
  ['backslash', '/data\\..\\secret.txt'],
  ['percent-encoded', '/data/%2e%2e/secret.txt'],
  ['symlink-escape', '/data/escape.txt'],
];

export const capabilityCases: Case[] = [
  defineCase({
    id: 'capabilities.deny.no-grants',
    title: 'read_file, http_get and call with no grant at all: each denied naming its capability; the server saw no request',
    requirement: 'CAP-DENY',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const probe = `/hello?no-grant-${Math.random().toString(36).slice(2)}`;
      const file = await readAt(instance, utf8('/data/hello.txt'));
      const http = await getAt(instance, `${ctx.env.httpOrigin}${probe}`);
      await writeGuestBytes(instance, 2048, utf8('reverse'));
      const generic = await call(instance, 'call', [i32(2048), i32(7), i32(1024), i32(0), i32(CAP)], ['i32']);
      const verdict = all(
        expectDeniedAs(file, 'read_file', 'file:/data/hello.txt'),
        expectNamesCapability(file, '/data/hello.txt'),
        expectDeniedAs(http, 'http_get', httpCapability(ctx.env.httpOrigin)),
        expectDeniedAs(generic, 'call', 'call:reverse'),
      );
      if (verdict.pass && ctx.env.httpRequests.some((r) => r === probe))
        return fail('http_get was denied but the request reached the server', verdict.evidence);
      return verdict;
    },
  }),
  defineCase({
    id: 'capabilities.grant.exact-file',
    title: 'allow ["hello.txt"]: /data/hello.txt is read, /data/sub/nested.txt and /data/empty.txt are denied',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['hello.txt']) });
      return all(
        expectOk(await readAt(instance, utf8('/data/hello.txt')), [i32(12)]),
        expectDeniedAs(await readAt(instance, utf8('/data/sub/nested.txt')), 'read_file', 'file:/data/sub/nested.txt'),
        expectDeniedAs(await readAt(instance, utf8('/data/empty.txt')), 'read_file', 'file:/data/empty.txt'),
      );
    },
  }),
  defineCase({
    id: 'capabilities.grant.glob',
    title: 'allow ["sub/**"]: /data/sub/nested.txt is read, /data/hello.txt is denied',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['sub/**']) });
      return all(
        expectOk(await readAt(instance, utf8('/data/sub/nested.txt')), [i32(7)]),
        expectDeniedAs(await readAt(instance, utf8('/data/hello.txt')), 'read_file', 'file:/data/hello.txt'),
      );
    },
  }),
  defineCase({
    id: 'capabilities.grant.call-exact-name',
    title: 'calls ["reverse"]: "reverse" runs; "REVERSE", "reverse " and "upper" are denied',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { calls: ['reverse'] } });
      const invoke = async (name: string) => {
        await writeGuestBytes(instance, 2048, utf8(name));
        return call(instance, 'call', [i32(2048), i32(utf8(name).length), i32(1024), i32(0), i32(CAP)], ['i32']);
      };
      return all(
        expectOk(await invoke('reverse'), [i32(0)]),
        expectDeniedAs(await invoke('REVERSE'), 'call', 'call:REVERSE'),
        expectDeniedAs(await invoke('reverse '), 'call', 'call:reverse '),
        expectDeniedAs(await invoke('upper'), 'call', 'call:upper'),
      );
    },
  }),
  ...TRAVERSALS.map(([name, path]) =>
    defineCase({
      id: `capabilities.traversal.${name}`,
      title: `read_file(${JSON.stringify(path)}) with /data/** granted never reads outside the mount`,
      requirement: 'CAP-TRAVERSAL',
      async run(ctx) {
        const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
        const outcome = await readAt(instance, utf8(path));
        // The secret (outside the mount) is 20 bytes: reading it would be ok(20).
        return all(expectRefused(outcome, `read_file(${JSON.stringify(path)})`), await stillWorks(instance));
      },
    }),
  ),
  defineCase({
    id: 'capabilities.bounds.nul-byte',
    title: 'read_file("/data/hello.txt\\0.png") is refused (no truncation at the NUL)',
    requirement: 'CAP-BOUNDS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      return all(expectRefused(await readAt(instance, utf8('/data/hello.txt\0.png')), 'a path with a NUL byte'), await stillWorks(instance));
    },
  }),
  defineCase({
    id: 'capabilities.bounds.long-path',
    title: 'read_file of a 5000-byte path is refused with TOO_LARGE (staged in one fill call)',
    requirement: 'CAP-BOUNDS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      // Staged with fill: a correct but slow runtime must not fail this case for its speed.
      await writeGuestRun(instance, 0, utf8('/data/'), 0x61, 4994);
      const o = await call(instance, 'read_file', [i32(0), i32(5000), i32(CAP)], ['i32']);
      return all(expectHostError(o, 'read_file', ErrorCode.TOO_LARGE), await stillWorks(instance));
    },
  }),
  defineCase({
    id: 'capabilities.bounds.path-outside-memory',
    title: 'read_file with a path pointer past the end of memory, and with length 0xffffffff: refused, the instance keeps working',
    requirement: 'CAP-BOUNDS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      const past = await call(instance, 'read_file', [i32(MEMORY_BYTES - 4), i32(16), i32(CAP)], ['i32']);
      const huge = await call(instance, 'read_file', [i32(0), i32(-1), i32(CAP)], ['i32']);
      return all(expectRefused(past, 'a path reaching past memory'), expectRefused(huge, 'a path of length 0xffffffff'), await stillWorks(instance));
    },
  }),
  defineCase({
    id: 'capabilities.bounds.buffer-outside-memory',
    title: 'read_file into a buffer that runs past the end of memory: host-error BAD_POINTER or TOO_LARGE, nothing written',
    requirement: 'CAP-BOUNDS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      const path = utf8('/data/hello.txt');
      await writeGuestBytes(instance, 0, path);
      const o = await call(instance, 'read_file_to', [i32(0), i32(path.length), i32(MEMORY_BYTES - 4), i32(4096)], ['i32']);
      const evidence = { outcome: outcomeToJson(o) };
      const refused =
        o.kind === 'host-error' && (o.code === ErrorCode.BAD_POINTER || o.code === ErrorCode.TOO_LARGE)
          ? pass(evidence)
          : fail(`expected BAD_POINTER or TOO_LARGE, got ${formatOutcome(o)}`, evidence);
      return all(refused, await stillWorks(instance));
    },
  }),
  defineCase({
    id: 'capabilities.origin.other-port',
    title: 'granted 127.0.0.1:PORT; http_get to 127.0.0.1:PORT+1 is denied before any connection',
    requirement: 'CAP-ORIGIN',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      const port = Number(new URL(ctx.env.httpOrigin).port);
      return expectDeniedAs(await getAt(instance, `http://127.0.0.1:${port + 1}/hello`), 'http_get', `http:http://127.0.0.1:${port + 1}`);
    },
  }),
  defineCase({
    id: 'capabilities.origin.look-alikes',
    title: 'granted http://localhost:PORT; https, localhost.evil, credentials@ and a different host are each denied',
    requirement: 'CAP-ORIGIN',
    async run(ctx) {
      const port = new URL(ctx.env.httpOrigin).port;
      const instance = await ctx.instantiate(FIXTURE, { grants: { http: { origins: [`http://localhost:${port}`] } } });
      const urls = [
        `https://localhost:${port}/hello`,
        `http://localhost.evil:${port}/hello`,
        `http://localhost:${port}@127.0.0.2:${port}/hello`,
        `http://127.0.0.1:${port}/hello`,
      ];
      const verdicts = [];
      for (const url of urls) verdicts.push(expectDeniedAs(await getAt(instance, url), 'http_get', httpCapability(url), { url }));
      return all(...verdicts);
    },
  }),
  defineCase({
    id: 'capabilities.bounds.long-url',
    title: 'http_get of a 10 000-byte URL on a granted origin is refused with TOO_LARGE before any request (staged in one fill call)',
    requirement: 'CAP-BOUNDS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { http: { origins: [ctx.env.httpOrigin] }, ...files(ctx, ['**']) } });
      const head = utf8(`${ctx.env.httpOrigin}/`);
      const before = ctx.env.httpRequests.length;
      await writeGuestRun(instance, 0, head, 0x61, 10_000 - head.length);
      const o = await call(instance, 'http_get', [i32(0), i32(10_000), i32(CAP)], ['i32']);
      const reached = ctx.env.httpRequests.slice(before).some((r) => r.length > 8000);
      return all(
        expectHostError(o, 'http_get', ErrorCode.TOO_LARGE),
        reached ? fail('the over-long URL reached the server') : pass(),
        await stillWorks(instance),
      );
    },
  }),
  defineCase({
    id: 'capabilities.deny.http-status-not-leaked',
    title: 'a denied http_get is denied, not an HTTP error: the denial happens before the request',
    requirement: 'CAP-DENY',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { http: { origins: ['http://127.0.0.1:1'] } } });
      const o = await getAt(instance, `${ctx.env.httpOrigin}/status/500`);
      return expectDeniedAs(o, 'http_get', httpCapability(ctx.env.httpOrigin));
    },
  }),
  defineCase({
    id: 'capabilities.grant.not-found-inside-grant',
    title: 'a granted but missing file is NOT_FOUND, not denied: the grant check and the lookup are distinct',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      return expectHostError(await readAt(instance, utf8('/data/nope.txt')), 'read_file', ErrorCode.NOT_FOUND);
    },
  }),
  defineCase({
    id: 'capabilities.grant.star-stays-in-directory',
    title: 'allow ["*.txt"]: /data/hello.txt is read, /data/sub/nested.txt is denied (* does not cross /)',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['*.txt']) });
      return all(
        expectOk(await readAt(instance, utf8('/data/hello.txt')), [i32(12)]),
        expectDenied(await readAt(instance, utf8('/data/sub/nested.txt')), 'read_file'),
      );
    },
  }),
  defineCase({
    id: 'capabilities.grant.empty-file',
    title: 'a granted empty file reads as ok(0)',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      return expectOk(await readAt(instance, utf8('/data/empty.txt')), [i32(0)]);
    },
  }),
  defineCase({
    id: 'capabilities.bounds.directory',
    title: 'read_file of a granted directory (/data/sub) is a host error, not a crash; the instance keeps working',
    requirement: 'CAP-BOUNDS',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: files(ctx, ['**']) });
      const o = await readAt(instance, utf8('/data/sub'));
      const refused =
        o.kind === 'host-error' ? pass({ outcome: outcomeToJson(o) }) : fail(`expected a host error, got ${formatOutcome(o)}`, { outcome: outcomeToJson(o) });
      return all(refused, await stillWorks(instance));
    },
  }),
  defineCase({
    id: 'capabilities.grant.call-upper',
    title: 'calls ["upper"]: call("upper", "async wasm") writes "ASYNC WASM"',
    requirement: 'CAP-GRANT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { calls: ['upper'] } });
      const input = utf8('async wasm');
      await writeGuestBytes(instance, 2048, utf8('upper'));
      await writeGuestBytes(instance, 1024, input);
      const o = await call(instance, 'call', [i32(2048), i32(5), i32(1024), i32(input.length), i32(CAP)], ['i32']);
      const sum = await call(instance, 'fnv', [i32(65536), i32(input.length)], ['i32']);
      return all(expectOk(o, [i32(input.length)]), expectOk(sum, [i32(fnv1a(utf8('ASYNC WASM')))]));
    },
  }),
  defineCase({
    id: 'capabilities.origin.any-path',
    title: 'a granted origin allows any path: /bytes/1000 arrives whole (byte i = i mod 251)',
    requirement: 'CAP-ORIGIN',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { http: { origins: [ctx.env.httpOrigin] } } });
      const o = await getAt(instance, `${ctx.env.httpOrigin}/bytes/1000`);
      const sum = await call(instance, 'fnv', [i32(65536), i32(1000)], ['i32']);
      const expected = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
      return all(expectOk(o, [i32(1000)]), expectOk(sum, [i32(fnv1a(expected))]));
    },
  }),
  defineCase({
    id: 'capabilities.deny.guest-buffer-untouched',
    title: 'a denied read_file writes nothing into the guest buffer',
    requirement: 'CAP-DENY',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE);
      const marker = utf8('untouched marker bytes!!');
      await writeGuestBytes(instance, 65536, marker);
      const before = await call(instance, 'fnv', [i32(65536), i32(64)], ['i32']);
      const o = await readAt(instance, utf8('/data/hello.txt'));
      const after = await call(instance, 'fnv', [i32(65536), i32(64)], ['i32']);
      const same = before.kind === 'ok' && after.kind === 'ok' && before.values[0]!.value === after.values[0]!.value;
      return all(expectDenied(o, 'read_file'), same ? pass() : fail('the guest buffer changed although the read was denied'));
    },
  }),
];
