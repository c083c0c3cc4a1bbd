/**
 * The browser rows: one browser × one async strategy each, reached through the bridge
 * (./bridge.ts, run on the pinned Node). A browser that is not installed makes its rows
 * unavailable with the reason, never a pass.
 */
import { join } from 'node:path';
import type { Adapter, AsyncStrategy } from '../../harness/adapter.ts';
import { jcoVersion } from '../../harness/components.ts';
import { IS_INSTALLED, ROOT } from '../../harness/paths.ts';
import { type CommandResolution, processAdapter } from '../../harness/protocol/process-adapter.ts';
import { transpileComponent } from '../js/jco/transpile.ts';
import { ENGINES } from '../js/rows.ts';
import { BROWSERS, type BrowserName, browserVersion, locateBrowser } from './browsers.ts';
import { pageBundle } from './bundle.ts';

// An installed package runs the bundle `npm pack` made (Node strips no types below node_modules).
const BRIDGE = IS_INSTALLED ? join(ROOT, 'dist', 'bridge.mjs') : join(ROOT, 'adapters', 'browser', 'bridge.ts');
/**
 * hello waits for the browser to start and its page to connect: seconds alone, but beyond the
 * usual 30 s when every row starts at once on a loaded machine (all six plus the other rows
 * under `awc adapters` at load average 10 here). The bridge gives up on the page at 85 s.
 */
const HELLO_TIMEOUT_MS = 90_000;

/** `<binary> --version`, asked once per binary and process (Debian's chromium script takes up to seconds). */
const versions = new Map<string, string>();
const versionOf = (binary: string): string => {
  if (!versions.has(binary)) versions.set(binary, browserVersion(binary));
  return versions.get(binary)!;
};

export function browserRow(id: string, browser: BrowserName, strategy: AsyncStrategy): Adapter {
  return processAdapter({
    id,
    helloTimeoutMs: HELLO_TIMEOUT_MS,
    async resolve(): Promise<CommandResolution> {
      const located = locateBrowser(BROWSERS[browser]);
      if ('unavailable' in located) return located;
      const node = ENGINES.node24.locate();
      if ('unavailable' in node) return { unavailable: node.unavailable! };
      const toolchain: string[] = [];
      if (strategy === 'jco-jspi') {
        try {
          toolchain.push('--toolchain', `jco ${await jcoVersion()}`);
        } catch (err) {
          return { unavailable: `@bytecodealliance/jco is not installed (run \`npm ci\`): ${(err as Error).message}` };
        }
      }
      let version: string;
      try {
        version = versionOf(located.binary);
      } catch (err) {
        return { unavailable: `${located.binary} --version failed: ${(err as Error).message}` };
      }
      const page = await pageBundle();
      return {
        command: [node.binary, BRIDGE, '--browser', browser, '--strategy', strategy, '--page', page, '--browser-version', version, ...toolchain],
        // The bridge starts the very binary that was asked for its version.
        env: { ...process.env, [BROWSERS[browser].envOverride]: located.binary },
      };
    },
    ...(strategy === 'jco-jspi'
      ? { prepareComponent: (bytes: Uint8Array, bindings: 'async' | 'sync') => transpileComponent(bytes, bindings === 'sync' ? 'sync' : 'jspi') }
      : {}),
  });
}

export const BROWSER_ROWS: readonly Adapter[] = [
  browserRow('chromium-jspi', 'chromium', 'jspi'),
  browserRow('chromium-asyncify', 'chromium', 'asyncify'),
  browserRow('chromium-jco-jspi', 'chromium', 'jco-jspi'),
  browserRow('firefox-jspi', 'firefox', 'jspi'),
  browserRow('firefox-asyncify', 'firefox', 'asyncify'),
  browserRow('firefox-jco-jspi', 'firefox', 'jco-jspi'),
];
