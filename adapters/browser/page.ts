/**
 * The JS agent inside a browser page: the same protocol server (adapters/js/agent/server.ts),
 * host and strategies as the Node, Deno and Bun rows, with lines and host I/O carried by the
 * bridge over a loopback WebSocket. Bundled for the browser by ./bundle.ts.
 */
import type { AsyncStrategy, Features, Session } from '../../harness/adapter.ts';
import { createServer } from '../js/agent/server.ts';
import { JCO_FEATURES } from '../js/jco/features.ts';
import { createJcoSession } from '../js/jco/session.ts';
import { createJsSession } from '../js/session.ts';
import { ASYNCIFY_FEATURES, asyncify } from '../js/strategies/asyncify.ts';
import { JSPI_FEATURES, jspi, jspiAvailable } from '../js/strategies/jspi.ts';
import type { FromPage, PageConfig, ToPage } from './link.ts';
import { pageIO } from './page-io.ts';

const NO_JSPI = 'this browser has no WebAssembly.Suspending / WebAssembly.promising (JSPI)';

const encodeBase64 = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};
const decodeBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * The smallest step performance.now() takes here, in microseconds: browsers coarsen it (to
 * 100 µs or more) unless the page is cross-origin isolated. Sampled for 50 ms at most.
 */
function timerResolutionUs(): number {
  let smallest = Number.POSITIVE_INFINITY;
  let last = performance.now();
  const end = last + 50;
  for (let now = last; now < end; now = performance.now()) {
    if (now > last) {
      smallest = Math.min(smallest, now - last);
      last = now;
    }
  }
  return Math.round(smallest * 1000 * 10) / 10;
}

const socket = new WebSocket(`ws://${location.host}/ws${location.search}`);
const send = (message: FromPage) => socket.send(JSON.stringify(message));
const io = pageIO(send);

interface StrategyEntry {
  features: Features;
  unavailable(): string | undefined;
  open(): Session;
}
const STRATEGIES: Partial<Record<AsyncStrategy, StrategyEntry>> = {
  asyncify: { features: ASYNCIFY_FEATURES, unavailable: () => undefined, open: () => createJsSession(asyncify, io) },
  jspi: { features: JSPI_FEATURES, unavailable: () => (jspiAvailable() ? undefined : NO_JSPI), open: () => createJsSession(jspi, io) },
  'jco-jspi': { features: JCO_FEATURES, unavailable: () => (jspiAvailable() ? undefined : NO_JSPI), open: () => createJcoSession({ io, encodeBase64 }) },
};

let serve: ((line: string) => void) | undefined;

function configure(config: PageConfig): void {
  const entry = STRATEGIES[config.strategy];
  if (!entry) throw new Error(`the page has no strategy ${config.strategy}`);
  const timer = `performance.now() resolution ${timerResolutionUs()} µs, crossOriginIsolated ${String(globalThis.crossOriginIsolated)}`;
  const unavailable = entry.unavailable();
  serve = createServer(
    {
      hello: { protocolVersion: 1, engine: config.engine, strategy: config.strategy, features: entry.features, flags: [...config.flags, timer] },
      ...(unavailable ? { unavailable } : {}),
      openSession: async () => entry.open(),
      decodeBase64,
    },
    { write: (line) => send({ t: 'out', line }), exit: (code) => send({ t: 'exit', code }) },
  );
}

socket.onmessage = (event: MessageEvent<string>) => {
  const message = JSON.parse(event.data) as ToPage;
  if (message.t === 'config') configure(message);
  else if (message.t === 'lines') for (const line of message.lines) serve?.(line);
  else if (message.t === 'io') io.settle(message);
};

// Anything the page did not handle goes to the bridge's stderr (the harness keeps its tail).
addEventListener('error', (event) => send({ t: 'log', message: `page error: ${event.message}` }));
addEventListener('unhandledrejection', (event) => send({ t: 'log', message: `page: unhandled rejection: ${String(event.reason?.stack ?? event.reason)}` }));
