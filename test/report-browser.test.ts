/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core. Checks the
 * matrix, a drill-down click and the absence of console errors; saves a screenshot to
 * reports/out/html-report.png. Skipped, saying so, where /usr/bin/chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { DEFAULT_OUT_DIR } from '../harness/paths.ts';
import { buildReport } from '../harness/report/build.ts';
import { renderCompareHtml } from '../harness/report/render/compare-html.ts';
import { renderHtml } from '../harness/report/render/html.ts';
import { ALL_CASES } from '../suites/index.ts';
import { brokenAdapter, offByOneI64 } from './support/broken-adapters.ts';
import { runInTest } from './support/run.ts';
import { needInCI } from './support/ci.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = needInCI('report-browser.test.ts (Chromium)', existsSync(CHROMIUM), `${CHROMIUM} is not installed (apt-get install chromium)`);

async function openInChromium(html: string, check: (tab: import('playwright-core').Page) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'awc-html-'));
  const page = join(dir, 'page.html');
  await writeFile(page, html);
  // A fresh profile directory, and no background networking: this machine's network is closed.
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(pathToFileURL(page).href);
    await check(tab);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!available)('HTML report in headless Chromium', () => {
  it('the compare page draws its ratio chart without errors', async () => {
    const change = {
      adapterId: 'node-jspi',
      benchmarkId: 'overhead.sync-import',
      unit: 'runs' as const,
      baseMedian: 9,
      headMedian: 12,
      ratio: 1.33,
      ratioCI95: [1.2, 1.5] as [number, number],
      p: 0.009,
      verdict: 'regression' as const,
    };
    await openInChromium(renderCompareHtml('base.json', 'head.json', [change], []), async (tab) => {
      expect(await tab.locator('#compare').textContent()).toContain('regression');
      expect(await tab.locator('#ratios').boundingBox()).not.toBeNull();
    });
  });

  it('shows the matrix, opens a case on click, logs no console errors', async () => {
    const adapters = [nodeJspi, brokenAdapter('broken-i64', offByOneI64)];
    const out = await runInTest(
      adapters,
      ALL_CASES.filter((c) => c.id.startsWith('propagation.echo.i64')),
    );
    const report = buildReport({
      startedAt: new Date(),
      finishedAt: new Date(),
      invocation: { argv: [], filters: { adapters: adapters.map((a) => a.id), suites: [], case: null } },
      ...out,
    });
    await openInChromium(renderHtml(report), async (tab) => {
      expect(await tab.locator('#matrix td.cell').count()).toBe(2);
      expect(await tab.locator('#matrix').textContent()).toContain('broken-i64');
      await tab
        .locator('tr.result', { has: tab.locator('td.fail') })
        .first()
        .click();
      expect(await tab.locator('tr.details pre.evidence').first().textContent()).toContain('expected');
      await mkdir(DEFAULT_OUT_DIR, { recursive: true });
      await tab.screenshot({ path: join(DEFAULT_OUT_DIR, 'html-report.png'), fullPage: true });
    });
  });
});
