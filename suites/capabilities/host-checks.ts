/**
 * The host's own checks (SPEC.md §2.3–2.8, §8.5): mount boundaries, dot-files, one error code per
 * malformed argument, exact origins, one waiter per gate, the guest-visible pending() count, and
 * how denials and argument failures appear in the event log.
 */
import type { Grants, HostEvent, Instance } from '../../harness/adapter.ts';
import { ErrorCode } from '../../harness/abi.ts';
import type { Case, CaseContext } from '../../harness/case.ts';
import { all, expectHostError, expectOk, fail, pass } from '../../harness/check.ts';
import { DATA_FILES } from '../../harness/env/data-dir.ts';
import { formatOutcome, outcomeToJson, type Outcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase, pendingOps, startCall, utf8, writeGuestBytes, writeGuestRun } from '../define.ts';

const IO = 'propagation/io.wat';
const STATE = 'capabilities/host-state.wat';
const CAP = 3 * 65536;
const MEMORY_BYTES = 4 * 65536;
const NAME_AT = 2048;

const files = (ctx: CaseContext, allow: string[]): Grants => ({ files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow }] });

async function readAt(instance: Instance, path: Uint8Array): Promise<Outcome> {
  await writeGuestBytes(instance, 0, path);
  return call(instance, 'read_file', [i32(0), i32(path.length), i32(CAP)], ['i32']);
}

async function getAt(instance: Instance, url: Uint8Array): Promise<Outcome> {
  await writeGuestBytes(instance, 0, url);
  return call(instance, 'http_get', [i32(0), i32(url.length), i32(CAP)], ['i32']);
}

async function invoke(instance: Instance, name: Uint8Array, input = 1024, inputLen = 0): Promise<Outcome> {
  await writeGuestBytes(instance, NAME_AT, name);
  return call(instance, 'call', [i32(NAME_AT), i32(name.length), i32(input), i32(inputLen), i32(CAP)], ['i32']);
}

/** Denied by `fn`, naming exactly `capability` (SPEC.md §2.4–2.6 give its form). */
function expectDeniedExactly(outcome: Outcome, fn: string, capability: string, what: string) {
  const evidence = { what, expected: { kind: 'denied', function: fn, capability }, actual: outcomeToJson(outcome) };
  if (outcome.kind !== 'denied' || outcome.function !== fn) return fail(`${what}: expected denied from ${fn}, got ${formatOutcome(outcome)}`, evidence);
  if (outcome.capability !== capability)
    return fail(`${what}: the denial names ${JSON.stringify(outcome.capability)}, not ${JSON.stringify(capability)}`, evidence);
  return pass(evidence);
}

const withWhat = (what: string, v: ReturnType<typeof expectHostError>) => (v.pass ? v : fail(`${what}: ${v.message}`, v.evidence));

/** Bytes of `text` with one byte replaced: for strings that are not UTF-8. */
function withByte(text: string, at: number, byte: number): Uint8Array {
  const bytes = utf8(text);
  bytes[at] = byte;
  return bytes;
}

const LOOK_ALIKES = ['/datasub/nested.txt', '/dataX/hello.txt', '/database/hello.txt', '/data'];

export const hostCheckCases: Case[] = [
  defineCase({
    id: 'capabilities.grant.mount-look-alike',
    title: 'mount /data with ["**"]: /datasub/nested.txt, /dataX/hello.txt, /database/hello.txt and /data itself are denied (a mount matches only up to a "/")',
    requirement: 'CAP-MOUNT-PREFIX',
    async run(ctx) {
      const instance = await ctx.instantiate(IO, { grants: files(ctx, ['**']) });
      const verdicts = [];
      for (const path of LOOK_ALIKES) verdicts.push(expectDeniedExactly(await readAt(instance, utf8(path)), 'read_file', `file:${path}`, path));
      verdicts.push(expectOk(await readAt(instance, utf8('/data/sub/nested.txt')), [i32(7)], { what: 'the real /data/sub/nested.txt' }));
      return all(...verdicts);
    },
  }),
  defineCase({
    id: 'capabilities.grant.dot-file',
    title: 'data/.hidden: denied under ["*"] and ["**"] (wildcards do not match a leading dot), read under [".hidden"]',
    requirement: 'CAP-DOTFILE',
    async run(ctx) {
      const hidden = DATA_FILES['data/.hidden'];
      const star = await ctx.instantiate(IO, { grants: files(ctx, ['*']) });
      const globstar = await ctx.instantiate(IO, { grants: files(ctx, ['**']) });
      const literal = await ctx.instantiate(IO, { grants: files(ctx, ['.hidden']) });
      return all(
        expectDeniedExactly(await readAt(star, utf8('/data/.hidden')), 'read_file', 'file:/data/.hidden', 'allow ["*"]'),
        expectOk(await readAt(star, utf8('/data/hello.txt')), [i32(12)], { what: 'allow ["*"]: /data/hello.txt' }),
        expectDeniedExactly(await readAt(globstar, utf8('/data/.hidden')), 'read_file', 'file:/data/.hidden', 'allow ["**"]'),
        expectOk(await readAt(globstar, utf8('/data/sub/nested.txt')), [i32(7)], { what: 'allow ["**"]: /data/sub/nested.txt' }),
        expectOk(await readAt(literal, utf8('/data/.hidden')), [i32(hidden.length)], { what: 'allow [".hidden"]' }),
      );
    },
  }),
  defineCase({
    id: 'capabilities.bounds.invalid-utf8',
    title: 'a path, a URL and a generic call name that are not UTF-8 (a 0xff byte): each host-error INVALID_ARGUMENT (5), never decoded lossily',
    requirement: 'CAP-ARG-CODES',
    async run(ctx) {
      const instance = await ctx.instantiate(IO, { grants: { ...files(ctx, ['**']), http: { origins: [ctx.env.httpOrigin] }, calls: ['reverse', 'upper'] } });
      const path = withByte('/data/hello.txt', 11, 0xff);
      const url = withByte(`${ctx.env.httpOrigin}/hello`, ctx.env.httpOrigin.length + 3, 0xff);
      const name = withByte('upper', 2, 0xff);
      return all(
        withWhat('path', expectHostError(await readAt(instance, path), 'read_file', ErrorCode.INVALID_ARGUMENT)),
        withWhat('URL', expectHostError(await getAt(instance, url), 'http_get', ErrorCode.INVALID_ARGUMENT)),
        withWhat('call name', expectHostError(await invoke(instance, name), 'call', ErrorCode.INVALID_ARGUMENT)),
        expectOk(await readAt(instance, utf8('/data/hello.txt')), [i32(12)], { what: 'a granted read afterwards' }),
      );
    },
  }),
  defineCase({
    id: 'capabilities.bounds.error-codes',
    title:
      'one code per malformed argument, in the order of §2.6/§2.8: over-long path/URL/name/input TOO_LARGE, range outside memory BAD_POINTER, a granted name without a function NOT_FOUND, NUL, backslash and relative paths DENIED',
    requirement: 'CAP-ARG-CODES',
    async run(ctx) {
      const instance = await ctx.instantiate(IO, { grants: { ...files(ctx, ['**']), http: { origins: [ctx.env.httpOrigin] }, calls: ['reverse', 'nosuch'] } });
      const verdicts = [];
      // call, in the order of §2.6: function exists, then input length, then input range.
      verdicts.push(
        withWhat(
          'a granted name without a function, with 16 MiB + 1 of input',
          expectHostError(await invoke(instance, utf8('nosuch'), 1024, 16 * 1024 * 1024 + 1), 'call', ErrorCode.NOT_FOUND),
        ),
      );
      verdicts.push(
        withWhat(
          'reverse with 16 MiB + 1 of input',
          expectHostError(await invoke(instance, utf8('reverse'), 1024, 16 * 1024 * 1024 + 1), 'call', ErrorCode.TOO_LARGE),
        ),
      );
      verdicts.push(
        withWhat(
          'reverse with an input running past memory',
          expectHostError(await invoke(instance, utf8('reverse'), MEMORY_BYTES - 4, 16), 'call', ErrorCode.BAD_POINTER),
        ),
      );
      // 4097 bytes: one over the limit (SPEC.md §2.8).
      await writeGuestRun(instance, 0, utf8('/data/'), 0x61, 4097 - 6);
      verdicts.push(
        withWhat(
          'a 4097-byte path',
          expectHostError(await call(instance, 'read_file', [i32(0), i32(4097), i32(CAP)], ['i32']), 'read_file', ErrorCode.TOO_LARGE),
        ),
      );
      const head = utf8(`${ctx.env.httpOrigin}/`);
      await writeGuestRun(instance, 0, head, 0x61, 8193 - head.length);
      verdicts.push(
        withWhat(
          'an 8193-byte URL',
          expectHostError(await call(instance, 'http_get', [i32(0), i32(8193), i32(CAP)], ['i32']), 'http_get', ErrorCode.TOO_LARGE),
        ),
      );
      await writeGuestRun(instance, NAME_AT, new Uint8Array(0), 0x61, 257);
      verdicts.push(
        withWhat(
          'a 257-byte call name',
          expectHostError(await call(instance, 'call', [i32(NAME_AT), i32(257), i32(1024), i32(0), i32(CAP)], ['i32']), 'call', ErrorCode.TOO_LARGE),
        ),
      );
      // The length limit is checked before the range: 0xffffffff is over it.
      verdicts.push(
        withWhat(
          'a path of length 0xffffffff',
          expectHostError(await call(instance, 'read_file', [i32(0), i32(-1), i32(CAP)], ['i32']), 'read_file', ErrorCode.TOO_LARGE),
        ),
      );
      verdicts.push(
        withWhat(
          'a path running past memory',
          expectHostError(await call(instance, 'read_file', [i32(MEMORY_BYTES - 4), i32(16), i32(CAP)], ['i32']), 'read_file', ErrorCode.BAD_POINTER),
        ),
      );
      verdicts.push(
        withWhat(
          'a URL running past memory',
          expectHostError(await call(instance, 'http_get', [i32(MEMORY_BYTES - 4), i32(16), i32(CAP)], ['i32']), 'http_get', ErrorCode.BAD_POINTER),
        ),
      );
      for (const path of ['/data/hello.txt\0.png', '/data\\hello.txt', 'data/hello.txt']) {
        verdicts.push(expectDeniedExactly(await readAt(instance, utf8(path)), 'read_file', `file:${path}`, JSON.stringify(path)));
      }
      verdicts.push(expectOk(await readAt(instance, utf8('/data/hello.txt')), [i32(12)], { what: 'a granted read afterwards' }));
      return all(...verdicts);
    },
  }),
  defineCase({
    id: 'capabilities.origin.port-extension',
    title:
      'granted an origin whose port is a prefix of the asked one (…:4123 granted, …:41234 asked; :6553 granted, :65535 asked): denied, and no request arrives',
    requirement: 'CAP-ORIGIN',
    async run(ctx) {
      const real = new URL(ctx.env.httpOrigin);
      const shortened = `http://${real.hostname}:${real.port.slice(0, -1)}`;
      const instance = await ctx.instantiate(IO, { grants: { http: { origins: [shortened, `http://${real.hostname}:6553`] } } });
      const probe = `/hello?port-extension-${Math.random().toString(36).slice(2)}`;
      const verdict = all(
        expectDeniedExactly(
          await getAt(instance, utf8(`${ctx.env.httpOrigin}${probe}`)),
          'http_get',
          `http:${ctx.env.httpOrigin}`,
          `${ctx.env.httpOrigin} with ${shortened} granted`,
        ),
        expectDeniedExactly(
          await getAt(instance, utf8(`http://${real.hostname}:65535/hello`)),
          'http_get',
          `http:http://${real.hostname}:65535`,
          ':65535 with :6553 granted',
        ),
      );
      if (verdict.pass && ctx.env.httpRequests.includes(probe)) return fail('http_get was denied but the request reached the server', verdict.evidence);
      return verdict;
    },
  }),
  defineCase({
    id: 'capabilities.host.gate-twice',
    title:
      'two calls into one instance await gate 1: the second ends at once with host-error INVALID_ARGUMENT from gate; the first still waits (pending() = 1) and gets the value',
    requirement: 'CAP-GATE-TWICE',
    requires: ['reentrancy-interleave'],
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      // Deadlines short enough that a host that loses the first waiter fails within the case's time.
      const first = startCall(instance, 'wait_gate', [i32(1)], { results: ['i32'], deadlineMs: 8_000 });
      await pendingOps(instance, 1, ctx.signal);
      const second = await call(instance, 'wait_gate', [i32(1)], ['i32'], 3_000);
      const seen = await call(instance, 'pending', [], ['i32']);
      const stillWaiting = !first.settled;
      await instance.openGate(1, 42).catch(() => undefined);
      const firstOutcome = await first.promise;
      const after = await call(instance, 'pending', [], ['i32']);
      return all(
        withWhat('the second waiter', expectHostError(second, 'gate', ErrorCode.INVALID_ARGUMENT)),
        stillWaiting ? pass() : fail(`the first waiter ended when the second one came: ${formatOutcome(first.outcome!)}`),
        expectOk(seen, [i32(1)], { what: 'pending() seen by another call while the first waits on the gate' }),
        expectOk(firstOutcome, [i32(42)], { what: 'the first waiter after open-gate(1, 42)' }),
        expectOk(after, [i32(0)], { what: 'pending() afterwards' }),
      );
    },
  }),
  defineCase({
    id: 'capabilities.host.pending-after-error-and-cancel',
    title: 'the guest-visible pending() is 0 on a fresh instance, after a call ended in a host error, and after a call cancelled in sleep()',
    requirement: 'CAP-PENDING',
    requires: ['cancel-at-host-call'],
    async run(ctx) {
      const instance = await ctx.instantiate(STATE);
      const fresh = await call(instance, 'pending', [], ['i32']);
      const failed = await call(instance, 'fail', [i32(42)], []);
      const afterError = await call(instance, 'pending', [], ['i32']);
      const controller = new AbortController();
      const sleeping = startCall(instance, 'sleep', [i32(10_000)], { results: [], signal: controller.signal, deadlineMs: 20_000 });
      await pendingOps(instance, 1, ctx.signal);
      controller.abort();
      const cancelled = await sleeping.promise;
      const afterCancel = await call(instance, 'pending', [], ['i32']);
      const state = await instance.inspect();
      return all(
        expectOk(fresh, [i32(0)], { what: 'pending() on a fresh instance' }),
        withWhat('fail(42)', expectHostError(failed, 'fail', 42)),
        expectOk(afterError, [i32(0)], { what: 'pending() after the host error' }),
        cancelled.kind === 'cancelled' ? pass() : fail(`the sleeping call was not cancelled: ${formatOutcome(cancelled)}`),
        expectOk(afterCancel, [i32(0)], { what: 'pending() after the cancel' }),
        state.counters.pending === 0
          ? pass({ counters: state.counters })
          : fail(`inspect says ${state.counters.pending} pending`, { counters: state.counters }),
      );
    },
  }),
  defineCase({
    id: 'capabilities.host.denial-events',
    title:
      'denials and argument failures are host operations: each logs start then error (detail = the code), counters.failed counts them, nothing stays pending; capabilities are file:<path>, http:<origin>, call:<name>',
    requirement: 'CAP-EVENTS',
    async run(ctx) {
      const port = Number(new URL(ctx.env.httpOrigin).port);
      const other = `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`;
      const instance = await ctx.instantiate(IO, { grants: { ...files(ctx, ['hello.txt']), http: { origins: [ctx.env.httpOrigin] }, calls: ['reverse'] } });
      const before = await instance.inspect();
      const outcomes: [string, Outcome, string, number][] = [
        ['read_file', await readAt(instance, utf8('/data/empty.txt')), 'file:/data/empty.txt', ErrorCode.DENIED],
        ['http_get', await getAt(instance, utf8(`${other}/hello`)), `http:${other}`, ErrorCode.DENIED],
        ['call', await invoke(instance, utf8('upper')), 'call:upper', ErrorCode.DENIED],
        ['read_file', await readAt(instance, withByte('/data/hello.txt', 8, 0xfe)), '', ErrorCode.INVALID_ARGUMENT],
      ];
      const state = await instance.inspect();
      const events = state.events.filter((e) => e.seq > (before.events.at(-1)?.seq ?? 0) && e.op !== undefined);
      const verdicts = outcomes.map(([fn, o, cap, code]) =>
        code === ErrorCode.DENIED ? expectDeniedExactly(o, fn, cap, `${fn} denied`) : withWhat(`${fn} with a bad argument`, expectHostError(o, fn, code)),
      );
      // The host operations, in order: each one a start and an error with the code as detail.
      const ops = new Map<number, HostEvent[]>();
      for (const e of events) ops.set(e.op!, [...(ops.get(e.op!) ?? []), e]);
      const seen = [...ops.values()].map((list) => list.map((e) => `${e.fn}:${e.kind}${e.kind === 'error' ? `:${String(e.detail)}` : ''}`).join(' '));
      const expected = outcomes.map(([fn, , , code]) => `${fn}:start ${fn}:error:${code}`);
      const evidence = { expected, seen, counters: state.counters };
      const counted = state.counters.failed - before.counters.failed;
      verdicts.push(
        JSON.stringify(seen) === JSON.stringify(expected)
          ? pass(evidence)
          : fail(`host operations of the refused calls: expected ${expected.join(', ')}; the log shows ${seen.join(', ') || 'none'}`, evidence),
      );
      verdicts.push(counted === outcomes.length ? pass(evidence) : fail(`counters.failed rose by ${counted}, not ${outcomes.length}`, evidence));
      verdicts.push(state.counters.pending === 0 ? pass(evidence) : fail(`${state.counters.pending} operation(s) still pending`, evidence));
      return all(...verdicts);
    },
  }),
];
