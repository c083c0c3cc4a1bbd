/**
 * The JS agent: serves the wire protocol on stdin/stdout with the shared JS host, on Node, Deno
 * and Bun alike (only node:process, which all three provide). Usage: agent.mjs --strategy jspi
 * The harness runs it as a self-contained bundle (harness/protocol/agent-bundle.ts).
 */
import process from 'node:process';
import { Buffer } from 'node:buffer';
import type { AsyncStrategy, Features } from '../../../harness/adapter.ts';
import { nodeIO } from '../io/node.ts';
import { createJsSession } from '../session.ts';
import { ASYNCIFY_FEATURES, asyncify } from '../strategies/asyncify.ts';
import { JSPI_FEATURES, jspi, jspiAvailable } from '../strategies/jspi.ts';
import type { Session } from '../../../harness/adapter.ts';
import { JCO_FEATURES } from '../jco/features.ts';
import { createJcoSession } from '../jco/session.ts';
import { createServer } from './server.ts';
import { serveStdinLines } from './stdin-lines.ts';

interface StrategyEntry {
  features: Features;
  unavailable(): string | undefined;
  open(testSlowdownNs: number): Session;
}

const NO_JSPI = 'this engine has no WebAssembly.Suspending / WebAssembly.promising (JSPI)';
const encodeBase64 = (text: string) => Buffer.from(text).toString('base64');
const STRATEGIES: Partial<Record<AsyncStrategy, StrategyEntry>> = {
  asyncify: { features: ASYNCIFY_FEATURES, unavailable: () => undefined, open: (ns) => createJsSession(asyncify, nodeIO, undefined, ns) },
  jspi: { features: JSPI_FEATURES, unavailable: () => (jspiAvailable() ? undefined : NO_JSPI), open: (ns) => createJsSession(jspi, nodeIO, undefined, ns) },
  // Components arrive transpiled by the harness (jco runs on Node); this side only runs the glue.
  'jco-jspi': {
    features: JCO_FEATURES,
    unavailable: () => (jspiAvailable() ? undefined : NO_JSPI),
    open: (ns) => createJcoSession({ io: nodeIO, testSlowdownNs: ns, encodeBase64 }),
  },
};

function engine(): { name: string; version: string } {
  const versions = process.versions as Record<string, string | undefined>;
  const deno = (globalThis as { Deno?: { version: { deno: string; v8: string } } }).Deno;
  if (deno) return { name: 'deno', version: `${deno.version.deno} (V8 ${deno.version.v8})` };
  if (versions['bun']) return { name: 'bun', version: `${versions['bun']} (JavaScriptCore)` };
  return { name: 'node', version: `${versions['node']} (V8 ${versions['v8']})` };
}

const args = process.argv.slice(2);
// Test hook for calibrating `awc compare`: every host call busy-waits this many nanoseconds.
const slowdownIndex = args.indexOf('--test-slowdown-ns');
const testSlowdownNs = slowdownIndex >= 0 ? Number(args[slowdownIndex + 1]) : 0;
const name = args[args.indexOf('--strategy') + 1] as AsyncStrategy | undefined;
// The tool that prepared the guests (e.g. "jco 1.35.0"), part of this row's identity.
const toolchainIndex = args.indexOf('--toolchain');
const toolchain = toolchainIndex >= 0 ? args[toolchainIndex + 1] : undefined;
const entry = name ? STRATEGIES[name] : undefined;
if (!entry) {
  process.stderr.write(`usage: agent --strategy ${Object.keys(STRATEGIES).join('|')}\n`);
  process.exit(2);
}

const serve = createServer(
  {
    hello: {
      protocolVersion: 1,
      engine: toolchain ? { ...engine(), version: `${engine().version} + ${toolchain}` } : engine(),
      strategy: name!,
      features: entry.features,
      flags: [...process.execArgv, ...(testSlowdownNs ? [`--test-slowdown-ns=${testSlowdownNs}`] : [])],
    },
    ...(entry.unavailable() ? { unavailable: entry.unavailable()! } : {}),
    openSession: async () => entry.open(testSlowdownNs),
    decodeBase64: (text) => new Uint8Array(Buffer.from(text, 'base64')),
  },
  {
    write: (line) => process.stdout.write(line + '\n'),
    exit: (code) => {
      // Let stdout drain before leaving.
      process.stdout.write('', () => process.exit(code));
    },
  },
);

serveStdinLines(serve);
