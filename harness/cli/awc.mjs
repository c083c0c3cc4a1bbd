#!/usr/bin/env node
// The launcher's old place (before bin/awc.mjs). npx keeps a project's bin link in its cache
// (~/.npm/_npx/<hash>/node_modules/.bin/awc) and never re-links it when package.json's "bin"
// changes, so on a machine that ran `npx awc` in this checkout before the move, `npx awc`
// still runs this path. Forwarding here keeps those machines working.
await import('../../bin/awc.mjs');
