/**
 * The browser rows: one browser × one async strategy each, reached through the bridge
 * (./bridge.ts, run on the pinned Node). A browser that is not installed makes its rows
 * unavailable with the reason, never a pass.
 */
import { join } from 'node:path';
import type { Adapter, AsyncStrategy } from '../../harness/adapter.ts';
import { jcoVersion } from '../../harness/components.ts';
import { ROOT } from '../../harness/paths.ts';
import { type CommandResolution, processAdapter } from '../../harness/protocol/process-adapter.ts';
import { transpileComponent } from '../js/jco/transpile.ts';
import { ENGINES } from '../js/rows.ts';
import { BROWSERS, type BrowserName, locateBrowser } from './browsers.ts';
import { pageBundle } from './bundle.ts';

const BRIDGE = join(ROOT, 'adapters', 'browser', 'bridge.ts');

export function browserRow(id: string, browser: BrowserName, strategy: AsyncStrategy): Adapter {
  return processAdapter({
    id,
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
      const page = await pageBundle();
      return { command: [node.binary, BRIDGE, '--browser', browser, '--strategy', strategy, '--page', page, ...toolchain] };
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
