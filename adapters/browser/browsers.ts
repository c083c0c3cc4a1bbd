/**
 * The browsers the browser rows run in: where each binary is, its exact version, and the command
 * line that opens one URL headless with a fresh profile. A browser that is not installed makes
 * its rows unavailable with the reason (AWC_CHROMIUM / AWC_FIREFOX override the path, e.g. to
 * point at another build, or at nothing to check that case).
 */
import { execFileSync } from 'node:child_process';
import { isExecutable } from '../../harness/files.ts';
import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type BrowserName = 'chromium' | 'firefox';

export interface Browser {
  name: BrowserName;
  /** The JS engine inside, for people reading the report. */
  engine: string;
  /** Names looked up on PATH, in order. */
  binaries: readonly string[];
  envOverride: string;
  /** Arguments that open `url` headless with the profile directory `profile` (already created). */
  args(profile: string, url: string): string[];
  /** Writes what the profile needs before the first start (Firefox: preferences). */
  prepareProfile?(profile: string): void;
}

export const BROWSERS: Record<BrowserName, Browser> = {
  chromium: {
    name: 'chromium',
    engine: 'V8',
    binaries: ['chromium', 'chromium-browser'],
    envOverride: 'AWC_CHROMIUM',
    args: (profile, url) => [
      '--headless',
      '--no-sandbox',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-gpu',
      '--disable-extensions',
      // Less start-up work: no background services (the usual headless-automation defaults).
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-breakpad',
      '--no-service-autorun',
      '--password-store=basic',
      '--mute-audio',
      // The page is the only tab and must never be treated as hidden (timers throttled to 1 s).
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      url,
    ],
  },
  firefox: {
    name: 'firefox',
    engine: 'SpiderMonkey',
    binaries: ['firefox-esr', 'firefox'],
    envOverride: 'AWC_FIREFOX',
    args: (profile, url) => ['--headless', '--no-remote', '--profile', profile, url],
    prepareProfile(profile) {
      // No first-run pages, no telemetry, no update checks: the page is all the browser does.
      const prefs: Record<string, string | boolean | number> = {
        'browser.shell.checkDefaultBrowser': false,
        'browser.startup.homepage_override.mstone': 'ignore',
        'browser.aboutwelcome.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.reportingpolicy.firstRun': false,
        'app.update.enabled': false,
        'app.normandy.enabled': false,
        'browser.tabs.warnOnClose': false,
        'dom.max_script_run_time': 0,
        'dom.min_background_timeout_value': 0,
        // Less start-up work: no network services, safe browsing, session restore or new-tab page.
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
        'extensions.update.enabled': false,
        'browser.newtabpage.enabled': false,
        'browser.startup.page': 0,
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'browser.sessionstore.resume_from_crash': false,
        'toolkit.telemetry.enabled': false,
        'datareporting.healthreport.uploadEnabled': false,
      };
      const text = Object.entries(prefs)
        .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
        .join('\n');
      writeFileSync(join(profile, 'user.js'), `${text}\n`);
    },
  },
};

/** The browser's binary, or why there is none on this machine. */
export function locateBrowser(browser: Browser): { binary: string } | { unavailable: string } {
  const override = process.env[browser.envOverride];
  if (override !== undefined) {
    return isExecutable(override) ? { binary: override } : { unavailable: `${browser.envOverride}=${override} is not an executable file` };
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    for (const name of browser.binaries) {
      if (dir && isExecutable(join(dir, name))) return { binary: join(dir, name) };
    }
  }
  return { unavailable: `no ${browser.binaries.join(' or ')} on PATH (Debian: apt-get install -y ${browser.name === 'firefox' ? 'firefox-esr' : 'chromium'})` };
}

/** The exact version the binary prints, e.g. "Chromium 156.0.8078.114" or "Mozilla Firefox 153.8.0esr". */
export function browserVersion(binary: string): string {
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  // Chromium adds " built on <distribution>"; the version is what precedes it.
  return text
    .split('\n')
    .at(-1)!
    .replace(/ built on .*$/, '');
}
