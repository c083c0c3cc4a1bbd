#!/usr/bin/env node
// A broken out-of-process adapter for test/broken-cancel.test.ts: runs the adapter command given
// as arguments and passes every line through, except a `cancel` that arrives within 20 ms of its
// call — it answers that one itself with `found: true` and never forwards it, so the call runs
// although it was cancelled before it started.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const EARLY_MS = 20;
const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const sentAt = new Map();
// Whole lines only: the proxy's own answers must not land inside a line of the adapter's.
createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(line + '\n'));
createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return child.stdin.write(line + '\n');
  }
  if (request.method === 'call') sentAt.set(request.params?.call, performance.now());
  if (request.method === 'cancel') {
    const at = sentAt.get(request.params?.call);
    if (at !== undefined && performance.now() - at < EARLY_MS) return process.stdout.write(JSON.stringify({ id: request.id, result: { found: true } }) + '\n');
  }
  child.stdin.write(line + '\n');
});
process.stdin.on('end', () => child.stdin.end());
child.on('exit', (code) => process.exit(code ?? 1));
