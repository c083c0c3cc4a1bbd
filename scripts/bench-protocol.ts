#!/usr/bin/env node
/**
 * Protocol round trip: a trivial call (`const`, no host crossing) through the adapter contract,
 * timed in the harness with tinybench, in-process node-jspi against the same engine behind the
 * wire protocol and the other engines' agents. Medians in µs, ratios to in-process, one run.
 * Usage: npm run bench:protocol [-- --time MS] [-- ADAPTER...]
 */
import { Bench } from 'tinybench';
import { ADAPTERS } from '../adapters/registry.ts';
import { loadFixture } from '../harness/fixtures.ts';

const args = process.argv.slice(2);
const timeIndex = args.indexOf('--time');
const timeMs = timeIndex >= 0 ? Number(args.splice(timeIndex, 2)[1]) : 2000;
const ids = args.length ? args : ['node-jspi', 'node24-jspi', 'node26-jspi', 'deno-jspi', 'bun-jspi'];
const wasm = await loadFixture('overhead/trivial.wat');

const bench = new Bench({ time: timeMs, warmupTime: 300 });
const sessions = [];
for (const id of ids) {
  const adapter = ADAPTERS.find((a) => a.id === id);
  if (!adapter) throw new Error(`unknown adapter ${id}`);
  const d = await adapter.describe();
  if (!d.available) {
    console.log(`${id}: unavailable (${d.reason})`);
    continue;
  }
  const session = await adapter.open({ httpOrigin: 'http://127.0.0.1:1' });
  sessions.push(session);
  const instance = await session.instantiate(await session.load(wasm, 'overhead/trivial.wat'), {});
  bench.add(`${id} (${d.engine.name} ${d.engine.version})`, async () => {
    const o = await instance.call('const', [], { results: ['i32'] });
    if (o.kind !== 'ok') throw new Error(`call failed: ${JSON.stringify(o)}`);
  });
}
await bench.run();
const rows = bench.tasks.map((t) => {
  const r = t.result as { state: string; latency?: { p50: number; mad?: number; samplesCount?: number }; error?: Error };
  if (!r.latency) return { task: t.name, state: r.state, error: String(r.error) };
  return {
    task: t.name,
    medianUs: +(r.latency.p50 * 1000).toFixed(2),
    madUs: r.latency.mad !== undefined ? +(r.latency.mad * 1000).toFixed(2) : undefined,
    samples: r.latency.samplesCount,
  };
});
const base = rows[0] && 'medianUs' in rows[0] ? rows[0].medianUs! : undefined;
console.table(rows.map((r) => ('medianUs' in r && base ? { ...r, ratioToFirst: +(r.medianUs! / base).toFixed(1) } : r)));
for (const s of sessions) await s.close();
