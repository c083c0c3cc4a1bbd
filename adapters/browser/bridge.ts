/**
 * The browser bridge: speaks PROTOCOL.md on stdin/stdout for the harness and forwards every line
 * to a page in a headless browser, which runs the JS agent (./page.ts). It serves the page from
 * 127.0.0.1 with COOP/COEP headers (cross-origin isolated: full timer resolution), starts the
 * browser with a fresh temporary profile, does the host I/O the page cannot (./page-io.ts), and
 * takes the browser's whole process tree down with it. A browser that dies or drops the page
 * ends the bridge (exit 1): the harness reports the case in flight as error and starts afresh.
 *
 * Usage: node bridge.ts --browser chromium|firefox --strategy jspi|asyncify|jco-jspi --page <page.js>
 *        [--browser-version "Chromium 156.0.8078.114"] [--toolchain "jco 1.35.0"]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AsyncStrategy } from '../../harness/adapter.ts';
import { MAX_LINE_BYTES } from '../../harness/protocol/messages.ts';
import { killTree, newTreeMark } from '../../harness/protocol/process-tree.ts';
import { IoFailure } from '../js/host/io.ts';
import { nodeIO } from '../js/io/node.ts';
import { BROWSERS, type BrowserName, browserVersion, locateBrowser } from './browsers.ts';
import type { FromPage, IoAnswer, IoRequest, ToPage } from './link.ts';
import { webSocketServer, type WebSocketLike } from './ws.ts';

/** The page must connect within this: just under the row's 90 s bound on hello (./rows.ts). */
const CONNECT_TIMEOUT_MS = 85_000;

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const log = (message: string) => process.stderr.write(`browser bridge: ${message}\n`);

const browserName = arg('--browser') as BrowserName | undefined;
const strategy = arg('--strategy') as AsyncStrategy | undefined;
const pagePath = arg('--page');
const toolchain = arg('--toolchain');
const browser = browserName ? BROWSERS[browserName] : undefined;
if (!browser || !strategy || !pagePath) {
  log('usage: bridge --browser chromium|firefox --strategy jspi|asyncify|jco-jspi --page <page.js> [--toolchain NAME]');
  process.exit(2);
}

let child: ChildProcess | undefined;
const treeMark = newTreeMark();
/** Profiles of bridges that were SIGKILLed (no cleanup ran): named by the bridge's pid, removed once it is gone. */
function removeOrphanProfiles(): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = new RegExp(`^awc-${browser!.name}-(\\d+)-`).exec(name)?.[1];
    if (owner === undefined || Number(owner) === process.pid) continue;
    try {
      process.kill(Number(owner), 0);
    } catch {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}
removeOrphanProfiles();
const profile = mkdtempSync(join(tmpdir(), `awc-${browser.name}-${process.pid}-`));
let leaving = false;

/** Kills the browser's whole tree and removes its profile; synchronous, so it runs in 'exit' too. */
function cleanUp(): void {
  if (child?.pid) killTree(child.pid, treeMark);
  rmSync(profile, { recursive: true, force: true });
}
process.on('exit', cleanUp);

/** Leaves once stdout has drained (the last responses must reach the harness). */
function leave(code: number, why?: string): void {
  if (leaving) return;
  leaving = true;
  if (why) log(why);
  cleanUp();
  process.stdout.write('', () => process.exit(code));
}

const located = locateBrowser(browser);
if ('unavailable' in located) {
  // Answer hello with `unsupported` so the row is unavailable with the reason (PROTOCOL.md).
  log(located.unavailable);
}

const token = randomBytes(16).toString('hex');
const binaryenPath = fileURLToPath(import.meta.resolve('binaryen'));
const ISOLATED = {
  // Cross-origin isolated: performance.now() at full resolution, SharedArrayBuffer available.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
const PAGE_HTML = `<!doctype html><meta charset="utf-8"><title>awc ${browser.name} ${strategy}</title>
<script type="importmap">{"imports":{"binaryen":"/binaryen.js"}}</script>
<script type="module" src="/page.js"></script>\n`;

function serveHttp(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const send = (status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'Content-Type': type, ...ISOLATED });
    res.end(body);
  };
  if (req.method !== 'GET') send(405, 'text/plain', 'GET only');
  else if (url.pathname === '/' && url.searchParams.get('token') === token) send(200, 'text/html; charset=utf-8', PAGE_HTML);
  else if (url.pathname === '/page.js') send(200, 'text/javascript; charset=utf-8', readFileSync(pagePath!));
  else if (url.pathname === '/binaryen.js') send(200, 'text/javascript; charset=utf-8', readFileSync(binaryenPath));
  else send(404, 'text/plain', 'not found');
}

const http = createServer(serveHttp);
const wss = webSocketServer(4 * MAX_LINE_BYTES);
let page: WebSocketLike | undefined;
/** Lines read before the page connected, sent to it as they came (one message per stdin chunk). */
const early: string[][] = [];
const toPage = (message: ToPage) => page!.send(JSON.stringify(message));

const ioInFlight = new Map<number, AbortController>();
async function serveIo(request: IoRequest): Promise<void> {
  const controller = new AbortController();
  ioInFlight.set(request.id, controller);
  let answer: IoAnswer;
  try {
    if (request.op === 'realpath') answer = { t: 'io', id: request.id, ok: true, path: await nodeIO.realpath(request.path) };
    else if (request.op === 'read') {
      const bytes = await nodeIO.readFile(request.path, request.maxBytes, controller.signal);
      answer = { t: 'io', id: request.id, ok: true, base64: Buffer.from(bytes).toString('base64') };
    } else {
      const { status, body } = await nodeIO.httpGet(request.url, request.maxBytes, controller.signal);
      answer = { t: 'io', id: request.id, ok: true, status, base64: Buffer.from(body).toString('base64') };
    }
  } catch (err) {
    const kind = controller.signal.aborted ? 'aborted' : err instanceof IoFailure ? err.kind : 'io';
    answer = { t: 'io', id: request.id, ok: false, kind, message: String((err as Error)?.message ?? err) };
  } finally {
    ioInFlight.delete(request.id);
  }
  if (page) toPage(answer);
}

function fromPage(message: FromPage): void {
  if (message.t === 'out') process.stdout.write(`${message.line}\n`);
  else if (message.t === 'log') log(message.message);
  else if (message.t === 'exit') leave(message.code);
  else if (message.t === 'io') void serveIo(message);
  else if (message.t === 'io-abort') ioInFlight.get(message.id)?.abort(new Error('aborted by the page'));
}

http.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  if (page || url.pathname !== '/ws' || url.searchParams.get('token') !== token || req.headers.origin !== origin) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    page = ws;
    clearTimeout(connectTimer);
    ws.on('message', (data) => fromPage(JSON.parse(data.toString('utf8')) as FromPage));
    ws.on('close', () => leave(1, 'the page closed its connection (browser crashed or was killed)'));
    ws.on('error', (err) => leave(1, `page connection failed: ${err.message}`));
    const version = arg('--browser-version') ?? ('binary' in located ? browserVersion(located.binary) : 'unknown');
    toPage({
      t: 'config',
      strategy: strategy!,
      engine: {
        name: browser.name,
        version: `${version.replace(/^\D+/, '')} (${browser.engine})${toolchain ? ` + ${toolchain}` : ''}`,
      },
      flags: browser.args('<profile>', '<url>').filter((a) => !a.includes('<')),
    });
    for (const lines of early.splice(0)) toPage({ t: 'lines', lines });
  });
});

const connectTimer = setTimeout(() => leave(1, `the page did not connect within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
if (!('binary' in located)) clearTimeout(connectTimer);

http.listen(0, '127.0.0.1', () => {
  if (!('binary' in located)) return;
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/?token=${token}`;
  browser.prepareProfile?.(profile);
  // Its own process group (so its tree can be killed without this process), marked for killTree.
  child = spawn(located.binary, browser.args(profile, url), { detached: true, stdio: 'ignore', env: { ...process.env, [treeMark]: '1' } });
  child.on('error', (err) => leave(1, `could not start ${located.binary}: ${err.message}`));
  child.on('exit', (code, signal) => leave(1, `${browser.name} exited (${signal ?? `code ${code}`})`));
});

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  const lines: string[] = [];
  for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (line.trim() !== '') lines.push(line);
  }
  if (buffered.length > MAX_LINE_BYTES) leave(1, `request line longer than ${MAX_LINE_BYTES} bytes`);
  if (lines.length === 0) return;
  if (!('binary' in located)) return unavailableAnswers(lines);
  if (page) toPage({ t: 'lines', lines });
  else early.push(lines);
});
process.stdin.on('end', () => leave(0));

/** Without a browser there is no page: hello is answered `unsupported` with the reason, anything else too. */
function unavailableAnswers(lines: string[]): void {
  if ('binary' in located) return;
  for (const line of lines) {
    let id: unknown = null;
    try {
      id = JSON.parse(line)?.id ?? null;
    } catch {}
    process.stdout.write(`${JSON.stringify({ id: typeof id === 'number' ? id : null, error: { code: 'unsupported', message: located.unavailable } })}\n`);
  }
}
