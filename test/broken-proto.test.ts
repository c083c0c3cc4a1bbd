/**
 * The protocol-exactness cases (issue 13, items 8–10) catch the broken adapters of
 * test/support/broken-proto.ts, in-process and over the protocol, while the real rows pass.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { wasmtimeRow } from '../adapters/wasmtime/row.ts';
import type { Adapter } from '../harness/adapter.ts';
import { loadFixture } from '../harness/fixtures.ts';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { violation } from '../harness/protocol/messages.ts';
import { checkEventNotifications } from '../harness/protocol/smoke-events.ts';
import type { CaseResult } from '../harness/report/types.ts';
import { adapterFromFlag } from '../harness/user-adapters.ts';
import { ALL_CASES } from '../suites/index.ts';
import {
  dropsEventDetail,
  hostSeesTruncatedI64,
  ignoresUnenforceableLimits,
  namesCapabilitiesLoosely,
  readyIsTimer,
  runsCallsInParallel,
  yieldIsNoOp,
} from './support/broken-proto.ts';
import { runInTest } from './support/run.ts';

const byId = (ids: string[]) => ALL_CASES.filter((c) => ids.includes(c.id));
const result = (results: CaseResult[], adapterId: string, caseId: string) => results.find((r) => r.adapterId === adapterId && r.caseId === caseId);
const statusOf = (results: CaseResult[], adapterId: string, caseId: string) => result(results, adapterId, caseId)?.status;
const PROXY = fileURLToPath(new URL('./support/proto-proxy.mjs', import.meta.url));

/** The JS agent (node-jspi's engine) behind the defect-injecting proxy: a broken out-of-process adapter. */
async function proxied(id: string, defect: string): Promise<Adapter> {
  return adapterFromFlag(`${id}=${process.execPath} ${PROXY} ${defect} ${process.execPath} ${await agentBundle()} --strategy jspi`);
}

const wasmtime = await wasmtimeRow.describe();
if (!wasmtime.available) console.warn(`wasmtime protocol tests skipped: ${wasmtime.reason ?? 'unavailable'}`);

describe('CONC-NO-PARALLEL: calls into one instance never run at the same time', () => {
  it('an adapter that runs the calls of one instance on parallel threads fails; node-jspi passes', async () => {
    const out = await runInTest([nodeJspi, runsCallsInParallel], byId(['concurrency.reentrancy.no-parallel']));
    expect(statusOf(out.results, 'node-jspi', 'concurrency.reentrancy.no-parallel')).toBe('pass');
    const broken = result(out.results, 'broken-runs-calls-in-parallel', 'concurrency.reentrancy.no-parallel');
    expect(broken?.status).toBe('fail');
    expect(broken?.message).toMatch(/ran in parallel inside one instance/);
  }, 120_000);
});

describe('GEN-MODEL compares host calls with their arguments (event detail)', () => {
  const ids = ['properties.model.single', 'properties.model.concurrent', 'suspension.order.gate', 'concurrency.reentrancy.fifo'];
  let results: CaseResult[];
  beforeAll(async () => {
    results = (await runInTest([nodeJspi, dropsEventDetail, hostSeesTruncatedI64], byId(ids))).results;
  }, 180_000);

  it('node-jspi passes', () => {
    for (const id of ids) expect(statusOf(results, 'node-jspi', id), id).toBe('pass');
  });

  it('a host handed a wrong echo_i64 argument (the guest still gets its value) fails GEN-MODEL and GEN-CONCURRENT', () => {
    expect(statusOf(results, 'broken-host-sees-truncated-i64', 'properties.model.single')).toBe('fail');
    expect(result(results, 'broken-host-sees-truncated-i64', 'properties.model.single')?.message).toMatch(
      /host calls differ at #\d+ \(expected echo_i64\("-?\d+"\), got echo_i64\("-?\d+"\)\)/,
    );
    expect(statusOf(results, 'broken-host-sees-truncated-i64', 'properties.model.concurrent')).toBe('fail');
  });

  it('an adapter whose events lose their detail fails GEN-MODEL, and SUSP-ORDER and CONC-FIFO fail at once naming the event', () => {
    expect(statusOf(results, 'broken-drops-event-detail', 'properties.model.single')).toBe('fail');
    for (const id of ['suspension.order.gate', 'concurrency.reentrancy.fifo']) {
      const r = result(results, 'broken-drops-event-detail', id);
      expect(r?.status, id).toBe('fail');
      expect(r?.message, id).toMatch(/has no integer detail; SPEC.md §2.7/);
      expect(r?.durationMs ?? Infinity, id).toBeLessThan(5_000);
    }
  });

  it('over the protocol: an adapter whose inspect drops every detail fails GEN-MODEL', async () => {
    const out = await runInTest([await proxied('proxy-no-detail', 'no-detail')], byId(['properties.model.single']));
    expect(statusOf(out.results, 'proxy-no-detail', 'properties.model.single')).toBe('fail');
  }, 120_000);
});

describe('LIMIT-UNENFORCEABLE: limits a row cannot enforce are refused', () => {
  const ids = ['limits.unenforceable.fuel', 'limits.unenforceable.memory'];

  it('node-jspi refuses them; an adapter that drops them fails, in-process and over the protocol', async () => {
    const out = await runInTest([nodeJspi, ignoresUnenforceableLimits, await proxied('proxy-drop-limits', 'drop-limits')], byId(ids));
    for (const id of ids) {
      expect(statusOf(out.results, 'node-jspi', id), id).toBe('pass');
      expect(statusOf(out.results, 'broken-ignores-unenforceable-limits', id), id).toBe('fail');
      expect(statusOf(out.results, 'proxy-drop-limits', id), id).toBe('fail');
    }
  }, 120_000);

  it.skipIf(!wasmtime.available)(
    'wasmtime declares both limits, so the cases do not apply there',
    async () => {
      const out = await runInTest([wasmtimeRow], byId(ids));
      for (const id of ids) expect(statusOf(out.results, 'wasmtime', id), id).toBe('unsupported');
    },
    60_000,
  );
});

describe('CAP-DENY / PROP-DENIED / CAP-ORIGIN / CAP-GRANT: denials name the exact capability string', () => {
  it('an adapter naming an origin without its port, or a call name without call:, fails; node-jspi passes', async () => {
    const ids = [
      'capabilities.deny.no-grants',
      'capabilities.grant.call-exact-name',
      'capabilities.origin.other-port',
      'capabilities.origin.look-alikes',
      'capabilities.deny.http-status-not-leaked',
      'propagation.denied.http-get',
      'propagation.denied.call',
    ];
    const out = await runInTest([nodeJspi, namesCapabilitiesLoosely], byId(ids));
    for (const id of ids) {
      expect(statusOf(out.results, 'node-jspi', id), id).toBe('pass');
      expect(statusOf(out.results, 'broken-names-capabilities-loosely', id), id).toBe('fail');
    }
    expect(result(out.results, 'broken-names-capabilities-loosely', 'propagation.denied.call')?.message).toMatch(/instead of exactly "call:upper"/);
  }, 120_000);
});

describe('SUSP-YIELD and SUSP-READY-AT-ONCE', () => {
  it('a yield that completes without giving other work a turn fails SUSP-YIELD; ready_i32 on a timer fails SUSP-READY-AT-ONCE; node-jspi passes both', async () => {
    const ids = ['suspension.yield.serves-ready-work', 'suspension.ready-plain.at-once'];
    const out = await runInTest([nodeJspi, yieldIsNoOp, readyIsTimer], byId(ids));
    for (const id of ids) expect(statusOf(out.results, 'node-jspi', id), id).toBe('pass');
    expect(statusOf(out.results, 'broken-yield-is-no-op', 'suspension.yield.serves-ready-work')).toBe('fail');
    expect(statusOf(out.results, 'broken-ready-is-timer', 'suspension.ready-plain.at-once')).toBe('fail');
    // Each defect is caught by its own case only.
    expect(statusOf(out.results, 'broken-yield-is-no-op', 'suspension.ready-plain.at-once')).toBe('pass');
    expect(statusOf(out.results, 'broken-ready-is-timer', 'suspension.yield.serves-ready-work')).toBe('pass');
  }, 120_000);
});

describe('SUSP-YIELD and SUSP-READY-AT-ONCE over the protocol', () => {
  it('an out-of-process agent with a no-op yield, or a ready_i32 on a timer, fails its case', async () => {
    const agent = fileURLToPath(new URL('./support/broken-agent.ts', import.meta.url));
    const [noOp, timer] = ['yield-no-op', 'ready-timer'].map((d) => adapterFromFlag(`oop-${d}=${process.execPath} ${agent} ${d}`));
    const out = await runInTest([noOp!, timer!], byId(['suspension.yield.serves-ready-work', 'suspension.ready-plain.at-once']));
    expect(statusOf(out.results, 'oop-yield-no-op', 'suspension.yield.serves-ready-work')).toBe('fail');
    expect(statusOf(out.results, 'oop-ready-timer', 'suspension.ready-plain.at-once')).toBe('fail');
    expect(statusOf(out.results, 'oop-yield-no-op', 'suspension.ready-plain.at-once')).toBe('pass');
    expect(statusOf(out.results, 'oop-ready-timer', 'suspension.yield.serves-ready-work')).toBe('pass');
  }, 120_000);
});

describe('host-event notifications (hello events: true)', () => {
  const probe = {
    load: async (c: Parameters<Parameters<typeof checkEventNotifications>[1]['load']>[0]) =>
      (
        await c.request<{ module: string }>(
          'load',
          { name: 'suspension/order.wat', kind: 'module', wasm: Buffer.from(await loadFixture('suspension/order.wat')).toString('base64') },
          15_000,
        )
      ).module,
    wait: 'wait',
  };

  it('the JS agent notifies exactly the events inspect returns; one that ignores events: true is caught', async () => {
    expect(await checkEventNotifications([process.execPath, await agentBundle(), '--strategy', 'jspi'], probe)).toBeUndefined();
    expect(await checkEventNotifications([process.execPath, PROXY, 'no-events', process.execPath, await agentBundle(), '--strategy', 'jspi'], probe)).toMatch(
      /no host-event notification arrived/,
    );
  }, 60_000);

  it.skipIf(!wasmtime.available)(
    'the wasmtime adapter notifies exactly the events inspect returns',
    async () => {
      expect(await checkEventNotifications((wasmtime.process as { command: string[] }).command, probe)).toBeUndefined();
    },
    60_000,
  );
});

describe('protocol schema: i64 values', () => {
  const i64 = (value: string) => violation('value', { type: 'i64', value });

  it('accepts exactly the canonical decimals of [-2^63, 2^63 - 1]', () => {
    for (const v of ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '999999999999999999', '9223372036854775799', '-9223372036854775800'])
      expect(i64(v), v).toBeUndefined();
    for (const v of ['9223372036854775808', '-9223372036854775809', '18446744073709551615', '99999999999999999999', '00', '-0', '01', '+1', '', '1e3'])
      expect(i64(v), v).toBeDefined();
  });

  it('agrees with a BigInt range check on values around every digit of the bounds', () => {
    const max = 2n ** 63n - 1n;
    const samples: bigint[] = [];
    for (let k = 0n; k < 19n; k++) {
      const step = 10n ** k;
      for (const d of [-3n, -1n, 0n, 1n, 3n]) samples.push(max + d * step, -max - 1n + d * step);
    }
    for (let i = 0; i < 2000; i++) samples.push(BigInt.asIntN(66, BigInt(Math.floor(Math.random() * 2 ** 53)) * BigInt(Math.floor(Math.random() * 2 ** 13))));
    for (const n of samples) expect(i64(n.toString()) === undefined, n.toString()).toBe(n >= -max - 1n && n <= max);
  });
});
