/**
 * The browser rows (adapters/browser): a handful of representative cases per row through the
 * real bridge and a real headless browser (file and HTTP I/O through the bridge, a gate, a
 * cancel, a component on the jco rows); a browser killed with SIGKILL mid-call costs only the
 * case in flight and leaves no process of it behind; a missing browser makes its rows
 * unavailable. A browser that is not installed skips these here and fails them in CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BROWSERS, type BrowserName, locateBrowser } from '../adapters/browser/browsers.ts';
import { BROWSER_ROWS, browserRow } from '../adapters/browser/rows.ts';
import type { HostEvent, Instance } from '../harness/adapter.ts';
import { fail, pass } from '../harness/check.ts';
import { i32 } from '../harness/values.ts';
import { waitFor } from '../harness/wait.ts';
import { defineCase, startCall } from '../suites/define.ts';
import { ALL_CASES } from '../suites/index.ts';
import { needInCI } from './support/ci.ts';
import { runInTest } from './support/run.ts';

const row = (id: string) => BROWSER_ROWS.find((a) => a.id === id)!;
const cases = (...ids: string[]) => ids.map((id) => ALL_CASES.find((c) => c.id === id)!);
const installed = (name: BrowserName): boolean => {
  const located = locateBrowser(BROWSERS[name]);
  return needInCI(`the ${name} browser rows`, 'binary' in located, 'unavailable' in located ? located.unavailable : '');
};

const CORE = cases(
  'propagation.echo.i32.max',
  'suspension.order.gate',
  'capabilities.grant.exact-file',
  'capabilities.traversal.symlink-escape',
  'capabilities.origin.any-path',
  'cancellation.cancel.awaiting-http',
  'cancellation.cancel.before-start',
  'concurrency.instances.mixed-io',
);
const ROWS: [BrowserName, string, ReturnType<typeof cases>][] = [
  ['chromium', 'chromium-jspi', CORE],
  ['chromium', 'chromium-asyncify', cases('propagation.echo.i32.max', 'suspension.order.gate', 'capabilities.grant.exact-file')],
  ['chromium', 'chromium-jco-jspi', cases('propagation.component.echo-s32', 'propagation.component.string')],
  ['firefox', 'firefox-jspi', CORE],
  ['firefox', 'firefox-asyncify', cases('propagation.echo.i32.max', 'suspension.order.gate', 'capabilities.grant.exact-file')],
  ['firefox', 'firefox-jco-jspi', cases('propagation.component.echo-s32', 'propagation.component.string')],
];

describe('browser rows run representative cases', () => {
  for (const [browser, id, selected] of ROWS) {
    it.skipIf(!installed(browser))(
      `${id}: hello names the exact browser version; every case passes`,
      async () => {
        const description = await row(id).describe();
        expect(description.available, description.reason).toBe(true);
        expect(description.engine.name).toBe(browser);
        expect(description.engine.version).toMatch(/^\d+\.\d+/);
        // Cross-origin isolated, so the timer is not coarsened to 100 µs or more.
        expect(description.flags.join(' ')).toMatch(/crossOriginIsolated true/);
        const out = await runInTest([row(id)], selected);
        expect(out.results.map((r) => [r.caseId, r.status, r.message ?? ''])).toEqual(selected.map((c) => [c.id, 'pass', '']));
      },
      180_000,
    );
  }
});

/** Processes whose parent is `ppid`. */
const children = (ppid: number): number[] =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    });
const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
  } catch {
    return '';
  }
};

/** The browser's main process: the topmost chromium/firefox process under this test's bridge. */
function browserMain(browser: BrowserName): number {
  const bridges = children(process.pid).filter((pid) => cmdline(pid).includes(`bridge.ts --browser ${browser}`));
  const queue = [...bridges];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (!bridges.includes(pid) && /^(chromium|firefox)/.test(comm(pid))) return pid;
    queue.push(...children(pid));
  }
  throw new Error(`no ${browser} process under a bridge of this test (pid ${process.pid})`);
}

const ORDER = 'suspension/order.wat';
/** Parks a call on a gate, then SIGKILLs the browser's main process: the call can never be answered. */
const killMidCall = (browser: BrowserName, killed: { pid?: number; profile?: string }) =>
  defineCase({
    id: 'suspension.order.browser-killed',
    title: 'the browser is killed while a call is parked on a gate',
    requirement: 'SUSP-ORDER',
    async run(ctx) {
      const instance: Instance = await ctx.instantiate(ORDER);
      const flight = startCall(instance, 'wait', [i32(7)], { results: ['i32'], deadlineMs: 10_000 });
      await waitFor(
        'the guest to call gate()',
        async () => ((await instance.inspect()).events.some((e: HostEvent) => e.fn === 'gate' && e.kind === 'start') ? true : undefined),
        10_000,
        ctx.signal,
      );
      killed.pid = browserMain(browser);
      killed.profile = cmdline(killed.pid).match(/(\/\S*awc-(?:chromium|firefox)-[\w-]+)/)?.[1];
      process.kill(killed.pid, 'SIGKILL');
      const outcome = await flight.promise;
      return outcome.kind === 'ok' ? fail('the call was answered after its browser was killed') : pass();
    },
  });

describe('a browser killed mid-call', () => {
  for (const [browser, id] of [
    ['chromium', 'chromium-jspi'],
    ['firefox', 'firefox-jspi'],
  ] as const) {
    it.skipIf(!installed(browser))(
      `${id}: only the case in flight is error, the next case passes on a fresh browser, nothing is left behind`,
      async () => {
        const killed: { pid?: number; profile?: string } = {};
        // A fresh row: the shared one may have been described already (a describe is cached).
        const out = await runInTest(
          [browserRow(id, browser, 'jspi')],
          [killMidCall(browser, killed), ...cases('propagation.echo.i32.max', 'suspension.order.gate')],
        );
        expect(out.results.map((r) => r.status)).toEqual(['error', 'pass', 'pass']);
        expect(out.results[0]!.message).toMatch(new RegExp(`${browser} exited \\(SIGKILL\\)|closed its connection`));
        expect(killed.profile).toBeDefined();
        // The bridge took the rest of the killed browser's tree down and removed its profile.
        await waitFor(
          'the killed browser tree to be gone',
          async () =>
            readdirSync('/proc')
              .filter((n) => /^\d+$/.test(n))
              .every((pid) => !cmdline(Number(pid)).includes(killed.profile!)) || undefined,
          10_000,
          new AbortController().signal,
        );
      },
      180_000,
    );
  }
});

describe('a missing browser', () => {
  for (const [browser, variable] of [
    ['chromium', 'AWC_CHROMIUM'],
    ['firefox', 'AWC_FIREFOX'],
  ] as const) {
    it(`${variable} pointing at nothing makes ${browser}-jspi unavailable with the reason`, async () => {
      const saved = process.env[variable];
      process.env[variable] = '/nonexistent/browser';
      try {
        const description = await browserRow(`${browser}-jspi`, browser, 'jspi').describe();
        expect(description.available).toBe(false);
        expect(description.reason).toContain(`${variable}=/nonexistent/browser is not an executable file`);
      } finally {
        if (saved === undefined) delete process.env[variable];
        else process.env[variable] = saved;
      }
    });
  }
});
