// Probe driver (not part of the suite): node adapters/wasmtime/probe/drive.mjs <component.wasm> < <scenario.txt>
// A scenario is protocol request lines ("$W": the component, base64) and `sleep <ms>` lines; prints every line the adapter writes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const bin = new URL('../target/release/awc-wasmtime-adapter', import.meta.url).pathname;
const wasm = readFileSync(process.argv[2]).toString('base64');
const steps = readFileSync(0, 'utf8').split('\n').filter(Boolean);
const p = spawn(bin, ['--component-model'], { stdio: ['pipe', 'pipe', 'inherit'] });
let buf = '';
const t0 = Date.now();
p.stdout.on('data', (d) => {
  buf += d;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const l = buf.slice(0, i);
    buf = buf.slice(i + 1);
    console.log(`[${Date.now() - t0}ms] <`, l.length > 600 ? l.slice(0, 600) + '…' : l);
  }
});
for (const s of steps) {
  if (s.startsWith('sleep ')) {
    await new Promise((r) => setTimeout(r, +s.slice(6)));
    continue;
  }
  const line = s.replace('"$W"', JSON.stringify(wasm));
  p.stdin.write(line + '\n');
}
await new Promise((r) => setTimeout(r, 300));
p.stdin.end();
setTimeout(() => p.kill(), 2000).unref();
