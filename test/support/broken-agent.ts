/**
 * A deliberately broken out-of-process adapter: the JS agent's protocol server over node-jspi
 * with one broken host binding. Run with Node 24 (type stripping):
 *   node test/support/broken-agent.ts yield-no-op | ready-timer
 */
import process from 'node:process';
import { createServer } from '../../adapters/js/agent/server.ts';
import { serveStdinLines } from '../../adapters/js/agent/stdin-lines.ts';
import { nodeIO } from '../../adapters/js/io/node.ts';
import { createJsSession } from '../../adapters/js/session.ts';
import { JSPI_FEATURES } from '../../adapters/js/strategies/jspi.ts';
import { readyTimerStrategy, yieldNoOpStrategy } from './broken-proto.ts';

const strategies = { 'yield-no-op': yieldNoOpStrategy, 'ready-timer': readyTimerStrategy };
const strategy = strategies[process.argv[2] as keyof typeof strategies];
if (!strategy) {
  process.stderr.write(`usage: broken-agent.ts ${Object.keys(strategies).join('|')}\n`);
  process.exit(2);
}

const serve = createServer(
  {
    hello: {
      protocolVersion: 1,
      engine: { name: 'node', version: `${process.versions.node} (broken: ${process.argv[2]})` },
      strategy: 'jspi',
      features: JSPI_FEATURES,
      flags: [],
    },
    openSession: async () => createJsSession(strategy, nodeIO),
    decodeBase64: (text) => new Uint8Array(Buffer.from(text, 'base64')),
  },
  { write: (line) => process.stdout.write(line + '\n'), exit: (code) => process.stdout.write('', () => process.exit(code)) },
);
serveStdinLines(serve);
