/** The JS agent against the protocol: `awc smoke` steps on a real engine, raw bad requests, user adapter sources. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { violation } from '../harness/protocol/messages.ts';
import { smoke } from '../harness/protocol/smoke.ts';
import { adapterFromFlag, splitCommand } from '../harness/user-adapters.ts';

/** Sends raw lines to a fresh agent and returns the lines it answers (one per request). */
async function rawExchange(lines: string[]): Promise<unknown[]> {
  const child = spawn(process.execPath, [await agentBundle(), '--strategy', 'jspi'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stdin.end(lines.join('\n') + '\n');
  await new Promise((resolve) => child.once('exit', resolve));
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('JS agent protocol compliance', () => {
  it('passes every awc smoke step on Node', async () => {
    const steps = await smoke([process.execPath, await agentBundle(), '--strategy', 'jspi']);
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    expect(steps.length).toBeGreaterThanOrEqual(12);
  });

  it('answers malformed requests with schema-valid error responses and keeps serving', async () => {
    const answers = await rawExchange([
      'not json',
      JSON.stringify({ id: 1, method: 'teleport', params: {} }),
      JSON.stringify({ id: 2, method: 'hello', params: { protocolVersion: 1 } }),
      JSON.stringify({ id: 3, method: 'call', params: { instance: 'i9' } }),
      JSON.stringify({ id: 4, method: 'call', params: { instance: 'i9', call: 'c', export: 'f', args: [], results: [] } }),
      JSON.stringify({ id: 5, method: 'close', params: {} }),
    ]);
    for (const a of answers) expect(violation('adapterMessage', a)).toBeUndefined();
    const byId = (id: number | null) => answers.find((a) => (a as { id: unknown }).id === id) as { error?: { code: string }; result?: object };
    expect(byId(null).error?.code).toBe('bad-request');
    expect(byId(1).error?.code).toBe('unknown-method');
    expect(violation('helloResult', byId(2).result)).toBeUndefined();
    expect(byId(3).error?.code).toBe('bad-request');
    expect(byId(4).error?.code).toBe('unknown-instance');
    expect(byId(5).result).toEqual({});
  });
});

describe('user adapter sources', () => {
  it('splits command lines like a shell for words and quotes', () => {
    expect(splitCommand(`/opt/rt/bin/adapter --flag 'two words' "say \\"hi\\"" a\\ b`)).toEqual([
      '/opt/rt/bin/adapter',
      '--flag',
      'two words',
      'say "hi"',
      'a b',
    ]);
    expect(() => splitCommand(`broken 'quote`)).toThrow(/unterminated/);
  });

  it('builds a process adapter from --adapter-cmd and rejects malformed specs', async () => {
    const a = adapterFromFlag(`mine=${process.execPath} ${await agentBundle()} --strategy jspi`);
    const d = await a.describe();
    expect(d).toMatchObject({ id: 'mine', available: true, engine: { name: 'node' } });
    expect(() => adapterFromFlag('no-equals-sign')).toThrow(/ID='command args'/);
    expect(() => adapterFromFlag('Bad_Id=x')).toThrow(/lowercase/);
  });
});
