/** Running cases in tests with the real host environment (loopback server, data directory). */
import type { Adapter } from '../../harness/adapter.ts';
import type { Case } from '../../harness/case.ts';
import { createDataDir } from '../../harness/env/data-dir.ts';
import { startLoopbackServer } from '../../harness/env/http-server.ts';
import type { Expectations } from '../../harness/expectations.ts';
import { buildReport } from '../../harness/report/build.ts';
import { validateReport } from '../../harness/report/validate.ts';
import { runCases, type RunOutput } from '../../harness/runner.ts';

export async function runInTest(
  adapters: Adapter[],
  cases: readonly Case[],
  opts: { expectations?: Expectations; caseTimeoutMs?: number; shard?: { index: number; count: number } } = {},
): Promise<RunOutput> {
  const [server, data] = await Promise.all([startLoopbackServer(), createDataDir()]);
  try {
    return await runCases({
      adapters,
      cases: [...cases],
      env: { httpOrigin: server.origin, httpRequests: server.requests, httpAbandoned: server.abandoned, dataDir: data.dataMount },
      reproduce: (a, c) => `npx awc run --adapter ${a} --case ${c}`,
      ...(opts.caseTimeoutMs ? { caseTimeoutMs: opts.caseTimeoutMs } : {}),
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(opts.expectations ? { expectationsFor: async () => opts.expectations! } : {}),
    });
  } finally {
    await Promise.all([server.close(), data.remove()]);
  }
}

/** The schema errors of the report `awc run` would write for `out` ([] when valid). */
export function reportErrors(out: RunOutput): unknown[] {
  const report = buildReport({
    startedAt: new Date(),
    finishedAt: new Date(),
    invocation: { argv: [], filters: { adapters: out.adapters.map((a) => a.id), suites: [], case: null } },
    ...out,
  });
  const check = validateReport(JSON.parse(JSON.stringify(report)));
  return check.valid ? [] : check.errors;
}
