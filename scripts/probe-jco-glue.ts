/**
 * Where a jco host crossing's microseconds go: the guest component's sync-loop (1000 sync host
 * calls) through jco's glue as generated, and with its debug-log guard short-circuited. Every
 * `_debugLog(...)` in the glue reads `globalThis.process.env.JCO_DEBUG` before returning, and
 * the glue calls it many times per crossing. Usage: npm run probe:jco [-- --budget-ms 1500]
 */
import { nodeIO } from '../adapters/js/io/node.ts';
import { createJcoSession } from '../adapters/js/jco/session.ts';
import { transpileComponent, type JcoMode } from '../adapters/js/jco/transpile.ts';
import { median, sortSamples } from '../harness/bench/statistics.ts';
import { jcoVersion, loadComponentFixture } from '../harness/components.ts';
import { i32 } from '../harness/values.ts';

const GUARD = 'if (!globalThis?.process?.env?.JCO_DEBUG) { return; }';
const budgetIndex = process.argv.indexOf('--budget-ms');
const budgetMs = budgetIndex >= 0 ? Number(process.argv[budgetIndex + 1]) : 1500;

const bytes = await loadComponentFixture('components/guest.wat');
console.log(`jco ${await jcoVersion()}, node ${process.versions.node}: ns per sync host crossing (median of batches, ${budgetMs} ms each)`);
for (const mode of ['sync', 'jspi'] as JcoMode[]) {
  const transpiled = await transpileComponent(bytes, mode);
  if (!transpiled.glue.includes(GUARD)) throw new Error(`the glue of this jco has no "${GUARD}": the probe needs updating`);
  const sites = transpiled.glue.split('_debugLog(').length - 1;
  for (const guarded of [true, false]) {
    const glue = guarded ? transpiled.glue : transpiled.glue.replace(GUARD, 'return;');
    const session = createJcoSession({ io: nodeIO, encodeBase64: (t) => Buffer.from(t).toString('base64') });
    const instance = await session.instantiate(await session.loadComponent!({ bytes, transpiled: { ...transpiled, glue } }, 'guest'), {});
    const samples = await instance.bench!('sync-loop', [i32(1000)], { results: ['i32'], budgetMs, warmupMs: 200, plain: mode === 'sync' });
    const ns = median(sortSamples(samples.map((s) => s.totalNs / s.iterations / 1000)));
    console.log(
      `  --async-mode ${mode.padEnd(4)} ${guarded ? 'glue as generated      ' : '_debugLog returns early'} ${ns.toFixed(0).padStart(6)} ns  (${sites} _debugLog call sites)`,
    );
    await session.close();
  }
}
