#!/usr/bin/env node
// An adapter that speaks the protocol correctly until the first `call`, then misbehaves in the
// way named by argv[2]. Used by test/protocol-isolation.test.ts.
// The features a JSPI agent declares (the same for both test adapters).
import features from './jspi-features.json' with { type: 'json' };
import { createInterface } from 'node:readline';

const mode = process.argv[2];
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, method } = JSON.parse(line);
  switch (method) {
    case 'hello':
      return send({
        id,
        result: { protocolVersion: mode === 'bad-version' ? 99 : 1, engine: { name: 'misbehaving', version: '0' }, strategy: 'jspi', features, flags: [] },
      });
    case 'load':
      return send({ id, result: { module: 'm1' } });
    case 'instantiate':
      return send({ id, result: { instance: 'i1' } });
    case 'dispose':
    case 'close':
      send({ id, result: {} });
      if (method === 'close') process.exit(0);
      return;
    case 'call':
      process.stderr.write(`misbehaving adapter: mode ${mode} on call ${id}\n`);
      switch (mode) {
        case 'exit-mid-call':
          return process.exit(3);
        case 'never-answers':
          return;
        case 'garbage':
          return process.stdout.write('Segmentation fault (core dumped)\n');
        case 'wrong-id':
          return send({ id: id + 1000, result: { outcome: { kind: 'ok', values: [] }, elapsedMs: 1 } });
        case 'huge-line':
          return process.stdout.write('x'.repeat(50 * 1024 * 1024) + '\n');
        case 'invalid-result':
          return send({ id, result: { outcome: { kind: 'ok', values: [{ type: 'i32', value: 'seven' }] }, elapsedMs: 1 } });
        default:
          return send({ id, result: { outcome: { kind: 'ok', values: [{ type: 'i32', value: 0 }] }, elapsedMs: 1 } });
      }
    default:
      return send({ id, error: { code: 'unsupported', message: `${method} not supported` } });
  }
});
