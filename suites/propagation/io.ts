/** Capability-checked host functions: results into guest memory, errors and denials (PROP-IO-*, PROP-DENIED). */
import { expectDeniedAs, httpCapability } from '../capabilities/exact.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Grants, Instance } from '../../harness/adapter.ts';
import { ErrorCode } from '../../harness/abi.ts';
import type { Case, CaseContext } from '../../harness/case.ts';
import { all, expectHostError, expectOk, fail } from '../../harness/check.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { i32 } from '../../harness/values.ts';
import { call, defineCase, fnv1a, utf8, writeGuestBytes } from '../define.ts';

const FIXTURE = 'propagation/io.wat';
/** Offsets in io.wat's memory: request strings at 0 / 1024 / 2048, results at BUF. */
const AT_PATH = 0;
const AT_INPUT = 1024;
const AT_NAME = 2048;
const BUF = 65536;
const CAP = 3 * 65536;

const fileGrant = (ctx: CaseContext): Grants => ({ files: [{ mount: '/data', hostDir: ctx.env.dataDir, allow: ['**'] }] });
const httpGrant = (ctx: CaseContext): Grants => ({ http: { origins: [ctx.env.httpOrigin] } });

async function readFileAt(instance: Instance, path: string, cap = CAP): Promise<Outcome> {
  const bytes = utf8(path);
  await writeGuestBytes(instance, AT_PATH, bytes);
  return call(instance, 'read_file', [i32(AT_PATH), i32(bytes.length), i32(cap)], ['i32']);
}

async function httpGetAt(instance: Instance, url: string, cap = CAP): Promise<Outcome> {
  const bytes = utf8(url);
  await writeGuestBytes(instance, AT_PATH, bytes);
  return call(instance, 'http_get', [i32(AT_PATH), i32(bytes.length), i32(cap)], ['i32']);
}

async function callAt(instance: Instance, name: string, input: Uint8Array): Promise<Outcome> {
  await writeGuestBytes(instance, AT_NAME, utf8(name));
  await writeGuestBytes(instance, AT_INPUT, input);
  return call(instance, 'call', [i32(AT_NAME), i32(utf8(name).length), i32(AT_INPUT), i32(input.length), i32(CAP)], ['i32']);
}

/** The outcome must be ok(expected.length) and the guest buffer must hold exactly `expected`. */
async function expectBytesInGuest(instance: Instance, outcome: Outcome, expected: Uint8Array) {
  const count = expectOk(outcome, [i32(expected.length)]);
  if (!count.pass) return count;
  const checksum = await call(instance, 'fnv', [i32(BUF), i32(expected.length)], ['i32']);
  return all(count, expectOk(checksum, [i32(fnv1a(expected))], { what: 'FNV-1a of the bytes in guest memory' }));
}

export const ioCases: Case[] = [
  defineCase({
    id: 'propagation.io.read-file',
    title: 'read_file("/data/hello.txt") with a grant writes the file into guest memory',
    requirement: 'PROP-IO-RESULT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: fileGrant(ctx) });
      const expected = new Uint8Array(await readFile(join(ctx.env.dataDir, 'hello.txt')));
      return expectBytesInGuest(instance, await readFileAt(instance, '/data/hello.txt'), expected);
    },
  }),
  defineCase({
    id: 'propagation.io.read-file-100k',
    title: 'read_file of a 100 000-byte file arrives whole and unshifted',
    requirement: 'PROP-IO-RESULT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: fileGrant(ctx) });
      const expected = new Uint8Array(await readFile(join(ctx.env.dataDir, 'big.bin')));
      return expectBytesInGuest(instance, await readFileAt(instance, '/data/big.bin'), expected);
    },
  }),
  defineCase({
    id: 'propagation.io.read-file-not-found',
    title: 'read_file of a granted but missing path is host-error NOT_FOUND',
    requirement: 'PROP-IO-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: fileGrant(ctx) });
      return expectHostError(await readFileAt(instance, '/data/missing.txt'), 'read_file', ErrorCode.NOT_FOUND);
    },
  }),
  defineCase({
    id: 'propagation.io.read-file-buffer-too-small',
    title: 'read_file into a 4-byte buffer is host-error TOO_LARGE',
    requirement: 'PROP-IO-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: fileGrant(ctx) });
      return expectHostError(await readFileAt(instance, '/data/hello.txt', 4), 'read_file', ErrorCode.TOO_LARGE);
    },
  }),
  defineCase({
    id: 'propagation.io.bad-pointer',
    title: 'read_file with a path pointer outside guest memory is host-error BAD_POINTER',
    requirement: 'PROP-IO-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: fileGrant(ctx) });
      const outcome = await call(instance, 'read_file', [i32(4 * 65536 - 2), i32(16), i32(CAP)], ['i32']);
      return expectHostError(outcome, 'read_file', ErrorCode.BAD_POINTER);
    },
  }),
  defineCase({
    id: 'propagation.denied.read-file',
    title: 'read_file without a file grant is denied',
    requirement: 'PROP-DENIED',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: httpGrant(ctx) });
      return expectDeniedAs(await readFileAt(instance, '/data/hello.txt'), 'read_file', 'file:/data/hello.txt');
    },
  }),
  defineCase({
    id: 'propagation.io.http-get',
    title: 'http_get of the loopback /hello writes the body into guest memory',
    requirement: 'PROP-IO-RESULT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: httpGrant(ctx) });
      const expected = new Uint8Array(await (await fetch(`${ctx.env.httpOrigin}/hello`)).arrayBuffer());
      return expectBytesInGuest(instance, await httpGetAt(instance, `${ctx.env.httpOrigin}/hello`), expected);
    },
  }),
  defineCase({
    id: 'propagation.io.http-status',
    title: 'http_get answered with status 500 is host-error HTTP_STATUS',
    requirement: 'PROP-IO-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: httpGrant(ctx) });
      return expectHostError(await httpGetAt(instance, `${ctx.env.httpOrigin}/status/500`), 'http_get', ErrorCode.HTTP_STATUS);
    },
  }),
  defineCase({
    id: 'propagation.denied.http-get',
    title: 'http_get without an origin grant is denied and the request never reaches the server',
    requirement: 'PROP-DENIED',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: fileGrant(ctx) });
      const marker = `/status/204?denied-probe=${Math.random().toString(36).slice(2)}`;
      const verdict = expectDeniedAs(await httpGetAt(instance, `${ctx.env.httpOrigin}${marker}`), 'http_get', httpCapability(ctx.env.httpOrigin));
      if (verdict.pass && ctx.env.httpRequests.includes(marker)) return fail('the request was denied but reached the server anyway', verdict.evidence);
      return verdict;
    },
  }),
  defineCase({
    id: 'propagation.io.call-reverse',
    title: 'call("reverse", bytes) with a grant writes the reversed bytes',
    requirement: 'PROP-IO-RESULT',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { calls: ['reverse'] } });
      const input = utf8('async wasm conformance');
      return expectBytesInGuest(instance, await callAt(instance, 'reverse', input), input.slice().reverse());
    },
  }),
  defineCase({
    id: 'propagation.io.call-unknown',
    title: 'call of a granted name that no host function has is host-error NOT_FOUND',
    requirement: 'PROP-IO-ERROR',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { calls: ['no-such-function'] } });
      return expectHostError(await callAt(instance, 'no-such-function', utf8('x')), 'call', ErrorCode.NOT_FOUND);
    },
  }),
  defineCase({
    id: 'propagation.denied.call',
    title: 'call("upper") with only "reverse" granted is denied',
    requirement: 'PROP-DENIED',
    async run(ctx) {
      const instance = await ctx.instantiate(FIXTURE, { grants: { calls: ['reverse'] } });
      return expectDeniedAs(await callAt(instance, 'upper', utf8('abc')), 'call', 'call:upper');
    },
  }),
];
