/**
 * `awc smoke` whatever the adapter does (issue 13, protocol list): every step is reported with
 * its reason, the command exits 1 cleanly (no stack trace, no unhandled rejection), and no
 * adapter process is left. The adapter is the fault adapter (a working JS agent behind a proxy)
 * with one fault from the first `call` on.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from './support/temp-dir.ts';
import { agentBundle } from '../harness/protocol/agent-bundle.ts';
import { faultAdapterCommand, leftover, runAwc } from './support/processes.ts';

/** hello, 2 × errors, load, 4 × call, gate, cancel, deadline, dispose, close, version-mismatch. */
const STEPS = 16;

const dir = await fileTempDir('awc-smoke-faults-');
const agent = await agentBundle();

describe('awc smoke on a misbehaving adapter', () => {
  it.each([
    // inspect answers `internal` while calls are parked on gates (the crash of issue 13).
    ['inspect-internal', /gate \+ inspect.*\n\s+internal: fault-adapter: inspect is broken/],
    ['exit-mid-call', /instantiate \+ call.*\n\s+adapter exited \(code 3\)[\s\S]*not run: the adapter process is gone/],
    ['garbage', /not JSON on stdout: "Segmentation fault[\s\S]*not run: the adapter process is gone/],
  ])(
    '%s: every step is reported, exit 1, no stack trace, nothing left',
    async (fault, reason) => {
      const work = join(dir, fault);
      await mkdir(work, { recursive: true });
      const tag = `AWC_SMOKE_TEST_${randomBytes(6).toString('hex')}`;
      const command = faultAdapterCommand({ agent, fault, call: 1, state: join(work, 'fired') });
      const r = await runAwc(['smoke', '--adapter-cmd', `fault=${command}`, '--adapter', 'fault'], { env: { [tag]: '1' }, timeoutMs: 150_000 });
      expect(r.stderr).not.toMatch(/internal error|unhandled promise rejection|\n\s+at /);
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n').filter((l) => /^(pass|fail)\s/.test(l));
      expect(lines).toHaveLength(STEPS);
      expect(r.stdout).toMatch(reason);
      expect(r.stdout).toMatch(new RegExp(`\\d+ of ${STEPS} step\\(s\\) failed`));
      // The last step runs on a fresh process, which behaves (the fault fires once).
      expect(lines.at(-1)).toMatch(/^pass.*version-mismatch/);
      expect(await leftover(tag)).toEqual([]);
    },
    200_000,
  );
});
