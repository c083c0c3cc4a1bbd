/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core. For multi-row
 * reports it checks that the page opens on the differences view listing exactly the requirements
 * the rows disagree on (test/support/disagreements.ts), a drill-down click, the heat map's colours,
 * that the charts are drawn, and no console error; it writes the page and a screenshot of each
 * view to reports/out/ (AWC_UPDATE_SCREENSHOTS=1 also writes the README's small PNGs to
 * docs/screenshots/). Skipped, saying so, where /usr/bin/chromium is missing; in CI that fails.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { DEFAULT_OUT_DIR, ROOT } from '../harness/paths.ts';
import { buildReport } from '../harness/report/build.ts';
import { renderCompareHtml } from '../harness/report/render/compare-html.ts';
import { renderHtml } from '../harness/report/render/html.ts';
import { ALL_CASES } from '../suites/index.ts';
import { brokenAdapter, mislabelsTraps, offByOneI64 } from './support/broken-adapters.ts';
import { syntheticReport } from './support/dashboard-report.ts';
import { disagreedRequirements } from './support/disagreements.ts';
import { runInTest } from './support/run.ts';
import { needInCI } from './support/ci.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = needInCI('report-browser.test.ts (Chromium)', existsSync(CHROMIUM), `${CHROMIUM} is not installed (apt-get install chromium)`);

let loadMs = 0;

async function openInChromium(html: string, check: (tab: import('playwright-core').Page) => Promise<void>, viewport = { width: 1280, height: 800 }) {
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
    await tab.setViewportSize(viewport);
    const errors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    tab.on('pageerror', (e) => errors.push(e.message));
    const started = performance.now();
    await tab.goto(pathToFileURL(page).href);
    loadMs = performance.now() - started;
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

  const VIEWS = ['differences', 'heatmap', 'runtimes', 'charts'] as const;
  type Tab = import('playwright-core').Page;
  const listedDifferences = (tab: Tab) => tab.locator('#differences tr.diff').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-requirement')!));
  /** [red, green, blue] of a heat map cell's background. */
  const heat = (tab: Tab, adapter: string, requirement: string) =>
    tab
      .locator(`#heatmap td.heat[data-adapter="${adapter}"][data-requirement="${requirement}"]`)
      .evaluate((td) => getComputedStyle(td).backgroundColor.match(/\d+/g)!.slice(0, 3).map(Number));
  /** Pixels a canvas has drawn (alpha > 0). */
  const drawnPixels = (tab: Tab, id: string) =>
    tab.locator(`#${id}`).evaluate(
      (c: HTMLCanvasElement) =>
        c
          .getContext('2d')!
          .getImageData(0, 0, c.width, c.height)
          .data.filter((_v, i) => i % 4 === 3 && _v > 0).length,
    );
  async function screenshots(tab: Tab, name: string) {
    await mkdir(DEFAULT_OUT_DIR, { recursive: true });
    for (const view of VIEWS)
      if (await tab.locator(`#${view}-view`).isVisible()) await tab.locator(`#${view}-view`).screenshot({ path: join(DEFAULT_OUT_DIR, `${name}-${view}.png`) });
  }

  /** The README's two small PNGs: the top of the differences view and of the heat map, page coordinates. */
  async function readmeScreenshots(tab: Tab) {
    const docs = join(ROOT, 'docs', 'screenshots');
    await mkdir(docs, { recursive: true });
    for (const [view, file] of [
      ['differences', 'differences.png'],
      ['heatmap', 'heatmap.png'],
    ] as const) {
      const box = await tab.locator(`#${view}-view`).evaluate((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: Math.min(r.width, 760), height: Math.min(r.height, 480) };
      });
      await tab.screenshot({ path: join(docs, file), clip: box, fullPage: true });
    }
  }

  it('opens on the differences of a multi-row run, drills down on click, colours the heat map, logs no console errors', async () => {
    const adapters = [nodeJspi, brokenAdapter('broken-i64', offByOneI64), brokenAdapter('broken-traps', mislabelsTraps)];
    const out = await runInTest(
      adapters,
      ALL_CASES.filter((c) => c.suite === 'propagation' || c.suite === 'suspension'),
    );
    const report = buildReport({
      startedAt: new Date(),
      finishedAt: new Date(),
      invocation: { argv: [], filters: { adapters: adapters.map((a) => a.id), suites: [], case: null } },
      ...out,
    });
    const ids = adapters.map((a) => a.id);
    const expected = disagreedRequirements(report.results, ids);
    const i64 = report.results.find((r) => r.adapterId === 'broken-i64' && r.status === 'fail')!;
    expect(expected).toContain(i64.requirement);
    const html = renderHtml(report);
    await mkdir(DEFAULT_OUT_DIR, { recursive: true });
    await writeFile(join(DEFAULT_OUT_DIR, 'dashboard-run.html'), html);
    await openInChromium(html, async (tab) => {
      expect(await tab.evaluate(() => document.querySelector('section')!.id)).toBe('differences-view');
      expect((await listedDifferences(tab)).sort()).toEqual(expected);
      if (process.env['AWC_UPDATE_SCREENSHOTS'] === '1') await readmeScreenshots(tab);
      // Drill-down: the failing case with its message, rerun command and evidence.
      await tab.locator(`#differences tr.diff[data-requirement="${i64.requirement}"]`).click();
      const drill = tab.locator('tr.diff-details .outcome[data-adapter="broken-i64"]').first();
      expect(await drill.locator('code.rerun').textContent()).toBe(i64.reproduce);
      expect(await drill.textContent()).toContain(i64.message);
      expect(await drill.locator('pre.evidence').textContent()).toContain('expected');
      // Heat map: all pass is green, all fail red.
      const [r1, g1] = await heat(tab, 'node-jspi', i64.requirement);
      expect(g1!).toBeGreaterThan(r1!);
      const failedAll = report.results.filter((r) => r.adapterId === 'broken-i64' && r.requirement === i64.requirement).every((r) => r.status === 'fail');
      if (failedAll) {
        const [r2, g2] = await heat(tab, 'broken-i64', i64.requirement);
        expect(r2!).toBeGreaterThan(g2!);
      }
      await screenshots(tab, 'dashboard-run');
      // Deselecting a row recomputes the view for the rows left.
      await tab.locator('#rows input[data-adapter="broken-traps"]').uncheck();
      expect((await listedDifferences(tab)).sort()).toEqual(disagreedRequirements(report.results, ['node-jspi', 'broken-i64']));
    });
  });

  it('keeps hostile strings from the report as text: no element, no script runs', async () => {
    const { report } = syntheticReport(await nodeJspi.describe(), { rows: 3, componentRows: 1, seed: 5 });
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>\u0000\u001b[31m</td></tr>';
    report.adapters[1]!.engine = { name: hostile, version: hostile };
    report.adapters[1]!.flags = [hostile];
    const failing = report.results.find((r) => r.adapterId === report.adapters[1]!.id && r.status !== 'pass' && r.status !== 'unsupported')!;
    Object.assign(failing, { message: hostile, reproduce: hostile, evidence: { text: hostile } });
    await openInChromium(renderHtml(report), async (tab) => {
      await tab.locator(`#differences tr.diff[data-requirement="${failing.requirement}"]`).click();
      await tab.locator(`details.runtime[data-adapter="${report.adapters[1]!.id}"]`).evaluate((d: HTMLDetailsElement) => {
        d.open = true;
      });
      expect(
        await tab.evaluate(() => ({ pwned: (window as unknown as { pwned?: number }).pwned ?? 0, imgs: document.querySelectorAll('img').length })),
      ).toEqual({ pwned: 0, imgs: 0 });
      expect(await tab.locator('tr.diff-details').textContent()).toContain('onerror="window.pwned=1"');
      expect(await tab.locator('#runtimes-slot').textContent()).toContain('<script>window.pwned=2</script>');
    });
  });

  it('at 15 rows × every case: differences exact, no wall of unsupported, charts drawn, render time measured', async () => {
    const { report, history } = syntheticReport(await nodeJspi.describe(), { rows: 15, componentRows: 4, seed: 11 });
    const ids = report.adapters.map((a) => a.id);
    const html = renderHtml(report, history);
    await mkdir(DEFAULT_OUT_DIR, { recursive: true });
    await writeFile(join(DEFAULT_OUT_DIR, 'dashboard-15-rows.html'), html);
    await openInChromium(
      html,
      async (tab) => {
        const renderMs = Number(await tab.getAttribute('body', 'data-render-ms'));
        console.log(`dashboard, ${report.results.length} results × ${ids.length} rows: page load ${Math.round(loadMs)} ms, script render ${renderMs} ms`);
        expect(renderMs).toBeGreaterThan(0);
        expect((await listedDifferences(tab)).sort()).toEqual(disagreedRequirements(report.results, ids));
        // Component-only rows show blank (hatched) cells where they run nothing, never "unsupported".
        const heatText = (await tab.locator('#heatmap').textContent())!;
        expect(heatText).not.toContain('unsupported');
        const core = report.results.find((r) => r.adapterId === 'row-01' && r.status === 'pass')!;
        const blank = tab.locator(`#heatmap td.heat[data-adapter="row-15-component"][data-requirement="${core.requirement}"]`);
        if (report.results.filter((r) => r.adapterId === 'row-15-component' && r.requirement === core.requirement).every((r) => r.status === 'unsupported'))
          expect(await blank.getAttribute('class')).toContain('na');
        const [r, g] = await heat(tab, 'row-01', core.requirement);
        expect(g!).toBeGreaterThan(r!);
        // A heat map cell filters the result list to its row and requirement.
        await tab.locator(`#heatmap td.heat[data-adapter="row-01"][data-requirement="${core.requirement}"]`).click();
        const listed = await tab
          .locator('#results tr.result')
          .evaluateAll((rows) => rows.map((r) => r.children[1]!.textContent + ' ' + r.getAttribute('data-case')));
        expect(listed.sort()).toEqual(
          report.results
            .filter((x) => x.adapterId === 'row-01' && x.requirement === core.requirement)
            .map((x) => `${x.adapterId} ${x.caseId}`)
            .sort(),
        );
        expect(await drawnPixels(tab, 'bench-chart')).toBeGreaterThan(500);
        expect(await drawnPixels(tab, 'trend-chart')).toBeGreaterThan(500);
        await tab.locator('details.runtime[data-adapter="row-02"]').evaluate((d: HTMLDetailsElement) => {
          d.open = true;
        });
        expect(await tab.locator('details.runtime[data-adapter="row-02"] table.features').textContent()).toContain('cancellation');
        await screenshots(tab, 'dashboard-15-rows');
      },
      { width: 1400, height: 900 },
    );
  }, 120_000);
});
