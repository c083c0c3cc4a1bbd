// node adapters/wasmtime/probe/parse.mjs <component.wat> <out.wasm>: jco parse (run from the repository root).
import { parse } from '@bytecodealliance/jco';
import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync(process.argv[3], await parse(readFileSync(process.argv[2], 'utf8')));
