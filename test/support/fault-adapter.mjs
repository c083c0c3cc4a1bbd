#!/usr/bin/env node
// A real, working adapter (a proxy in front of the JS agent) that injects ONE fault on the call
// the test chooses. Used by test/faults.test.ts through `awc run --adapter-cmd`.
//
//   node fault-adapter.mjs --agent AGENT.mjs --fault NAME [--call N] [--state FILE] [--pids FILE]
//
// --call N   the N-th `call` request this process receives (default 1) gets the fault; 0: the
//            `hello` request (for ignore-eof: the process ignores EOF from the start);
// --state F  the fault is injected once per run, not once per process: F is created when it
//            fires, and a restarted process that finds F behaves well;
// --pids F   every process this adapter starts (itself, the agent, grandchildren) is appended
//            to F, one pid a line, so the test can check that none is left.
// Each fault writes "fault-adapter: injecting NAME on call ID" to stderr first.
// The features a JSPI agent declares (the same for both test adapters).
import FEATURES from './jspi-features.json' with { type: 'json' };
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    agent: { type: 'string' },
    fault: { type: 'string' },
    call: { type: 'string', default: '1' },
    state: { type: 'string' },
    pids: { type: 'string' },
  },
});
const fault = opts.fault ?? 'none';
const faultCall = Number(opts.call);
const notePid = (pid) => opts.pids && pid && appendFileSync(opts.pids, `${pid}\n`);
notePid(process.pid);

const agent = spawn(process.execPath, [opts.agent, '--strategy', 'jspi'], { stdio: ['pipe', 'pipe', 'inherit'] });
notePid(agent.pid);
agent.on('exit', (code, signal) => process.exit(signal ? 70 : (code ?? 70)));

const toHarness = (line) => process.stdout.write(line + '\n');
const send = (message) => toHarness(JSON.stringify(message));
const log = (text) => process.stderr.write(`fault-adapter: ${text}\n`);

let calls = 0;
let fired = false;
/** Ids whose agent answer is rewritten on the way back: id -> (line) => void. */
const onAnswer = new Map();
/** After `ignore-eof` fired: stdin EOF and `close` are ignored, the process stays. */
let ignoringEof = false;
/** `exit-two-in-flight`: the faulted call is in flight; the next call ends the process. */
let exitOnNextCall = false;
/**
 * After `inspect-internal` fired: every `inspect` is answered with error `internal`, and the
 * calls in flight at that moment are never answered (as if the failure wedged them).
 */
let inspectFails = false;
/** Calls forwarded to the agent and not answered yet. */
const callsInFlight = new Set();

function shouldFire() {
  if (fired || calls !== faultCall) return false;
  if (opts.state) {
    if (existsSync(opts.state)) return false;
    writeFileSync(opts.state, `${process.pid}\n`);
  }
  fired = true;
  return true;
}

/** A child that outlives this process unless the harness finds it. */
function grandchild(detached) {
  const child = spawn('sleep', ['600'], { stdio: 'ignore', detached });
  notePid(child.pid);
  child.unref();
  return child;
}

/** A daemon that double-forks in a new session: its parent is gone before anyone looks. */
function daemon() {
  const sh = spawn('sh', ['-c', `sleep 600 </dev/null >/dev/null 2>&1 & echo $!`], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  return new Promise((resolve) => {
    let out = '';
    sh.stdout.on('data', (d) => (out += d));
    sh.on('exit', () => {
      notePid(Number(out.trim()));
      resolve();
    });
  });
}

/** Returns true when the request must not reach the agent. */
async function inject(req) {
  const id = req.id;
  log(`injecting ${fault} on call ${id}`);
  switch (fault) {
    case 'exit-mid-call':
      return process.exit(3);
    case 'kill-9':
      return process.kill(process.pid, 'SIGKILL');
    case 'hang':
      return true;
    case 'garbage':
      toHarness('Segmentation fault (core dumped)');
      return true;
    case 'invalid-result':
      send({ id, result: { outcome: { kind: 'ok', values: [{ type: 'i32', value: 'seven' }] }, elapsedMs: 1 } });
      return true;
    case 'invalid-message':
      send({ id, answer: 'neither result nor error' });
      return true;
    case 'unknown-id':
      send({ id: id + 1000, result: { outcome: { kind: 'ok', values: [] }, elapsedMs: 1 } });
      return true;
    case 'duplicate-id':
      // The agent's answer, twice in one write (the second copy is the violation).
      onAnswer.set(id, (line) => process.stdout.write(`${line}\n${line}\n`));
      return false;
    case 'huge-line':
      process.stdout.write('x'.repeat(50 * 1024 * 1024) + '\n');
      return true;
    case 'slow-drip': {
      // A line that never ends: one byte every 20 ms.
      const text = `{"id":${id},"result":{"outcome":{"kind":"ok","values":[`;
      let i = 0;
      setInterval(() => process.stdout.write(text[i++ % text.length]), 20);
      return true;
    }
    case 'slow-answer': {
      // Control: the real answer, one byte every 2 ms (framing across many chunks).
      onAnswer.set(id, (line) => {
        let i = 0;
        const t = setInterval(() => {
          process.stdout.write(i < line.length ? line[i] : '\n');
          if (i++ >= line.length) clearInterval(t);
        }, 2);
      });
      return false;
    }
    case 'stderr-flood': {
      // 16 MiB of stderr (written as fast as the pipe drains), then exit mid-call.
      const chunk = 'flood '.repeat(10_922) + '\n';
      for (let i = 0; i < 256; i++) if (!process.stderr.write(chunk)) await new Promise((r) => process.stderr.once('drain', r));
      // Exit only once the last words are written (the pipe may still be full).
      process.stderr.write(`fault-adapter: injecting stderr-flood on call ${id}: flood done, exiting\n`, () => process.exit(3));
      return true;
    }
    case 'ignore-eof':
      ignoringEof = true;
      return false;
    case 'hang-ignoring-eof':
      ignoringEof = true;
      return true;
    case 'grandchild':
      grandchild(false);
      return process.exit(3);
    case 'setsid-grandchild':
      grandchild(true);
      return process.exit(3);
    case 'daemon':
      await daemon();
      return process.exit(3);
    case 'closed-stdout':
      // The process stays, but can never answer again.
      closeSync(1);
      setInterval(() => {}, 1000);
      return true;
    case 'exit-two-in-flight':
      exitOnNextCall = true;
      return false;
    case 'inspect-internal':
      inspectFails = true;
      return false;
    default:
      return false;
  }
}

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (chunk) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    const req = JSON.parse(line);
    if (req.method === 'hello' && fault === 'version-2') {
      log('injecting version-2 on hello');
      send({ id: req.id, result: { protocolVersion: 2, engine: { name: 'fault', version: '2' }, strategy: 'jspi', features: FEATURES, flags: [] } });
      continue;
    }
    if (req.method === 'hello' && faultCall === 0 && shouldFire() && (await inject(req))) continue;
    if (req.method === 'inspect' && inspectFails) {
      send({ id: req.id, error: { code: 'internal', message: 'fault-adapter: inspect is broken' } });
      for (const id of callsInFlight) onAnswer.set(id, () => {});
      continue;
    }
    if (req.method === 'close' && ignoringEof) {
      log('ignoring close');
      continue;
    }
    if (req.method === 'call') {
      calls++;
      if (exitOnNextCall) {
        log(`call ${req.id} arrived with call(s) in flight: exiting`);
        process.exit(3);
      }
      if (shouldFire() && (await inject(req))) continue;
    }
    if (req.method === 'call') callsInFlight.add(req.id);
    agent.stdin.write(line + '\n');
  }
});
process.stdin.on('end', () => {
  if (ignoringEof) return log('ignoring EOF on stdin');
  agent.stdin.end();
});

let answers = '';
agent.stdout.setEncoding('utf8');
agent.stdout.on('data', (chunk) => {
  answers += chunk;
  for (let nl = answers.indexOf('\n'); nl !== -1; nl = answers.indexOf('\n')) {
    const line = answers.slice(0, nl);
    answers = answers.slice(nl + 1);
    const id = JSON.parse(line).id;
    callsInFlight.delete(id);
    const rewrite = onAnswer.get(id);
    onAnswer.delete(id);
    if (rewrite) rewrite(line);
    else toHarness(line);
  }
});
