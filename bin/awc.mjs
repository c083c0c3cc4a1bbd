#!/usr/bin/env node
// Launcher kept in plain JS so that an old Node gets a clear message instead of a syntax
// error from the TypeScript sources (which Node >= 24 runs directly, by type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 20) || typeof WebAssembly.Suspending !== 'function') {
  process.stderr.write(
    `awc needs Node >= 24.20 (JSPI on by default); this is Node ${process.version}.\n` +
      'Run it as `npx awc ...` or through npm scripts inside the project: npm puts the pinned Node from node_modules/.bin first on PATH.\n',
  );
  process.exit(2);
}
// Installed (below node_modules), Node will not strip types: run the bundle `npm pack` made.
const installed = new URL(import.meta.url).pathname.split('/').includes('node_modules');
await import(installed ? '../dist/main.mjs' : './main.ts');
