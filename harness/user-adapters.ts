/**
 * Adapters users plug in without touching the project: `--adapter-cmd ID='command args'` on the
 * command line, or entries of awc.config.json ({"adapters": [{"id": "...", "command": [...]}]}).
 * Each is a process adapter speaking the wire protocol.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Adapter } from './adapter.ts';
import { processAdapter } from './protocol/process-adapter.ts';
import { UsageError } from './selection.ts';

export const CONFIG_FILE = 'awc.config.json';
const ID = /^[a-z0-9][a-z0-9-]*$/;

/** Splits a command line the way a POSIX shell would for plain words and '…' / "…" quoting (no expansions). */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`unterminated ${quote} quote in command: ${text}`);
  if (inWord) words.push(word);
  return words;
}

function commandAdapter(id: string, command: string[], source: string): Adapter {
  if (!ID.test(id)) throw new UsageError(`${source}: adapter id "${id}" must be lowercase letters, digits and dashes`);
  const [program, ...args] = command;
  if (program === undefined) throw new UsageError(`${source}: adapter ${id} has an empty command`);
  return processAdapter({ id, resolve: async () => ({ command: [program, ...args] }) });
}

/** `ID=command args` from --adapter-cmd. */
export function adapterFromFlag(spec: string): Adapter {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--adapter-cmd expects ID='command args', got ${JSON.stringify(spec)}`);
  return commandAdapter(spec.slice(0, eq), splitCommand(spec.slice(eq + 1)), '--adapter-cmd');
}

/** Adapters of awc.config.json (or the given file); none when the default file does not exist. */
export async function adaptersFromConfig(file?: string): Promise<Adapter[]> {
  const path = resolve(file ?? CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !file) return [];
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not JSON: ${(err as Error).message}`);
  }
  return configEntries(data, path).map(({ id, command }) => commandAdapter(id, command, path));
}

const SHAPE = '{"adapters": [{"id": "...", "command": ["..."]}]}';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config's entries, or a UsageError naming what is wrong: every field is checked, unknown ones refused (a typo must not pass silently). */
export function configEntries(data: unknown, path: string): { id: string; command: string[] }[] {
  if (!isObject(data))
    throw new UsageError(`${path}: expected an object ${SHAPE}, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
  // "$schema" is what editors add for completion; anything else is a typo or a misunderstanding.
  const extra = Object.keys(data).filter((k) => k !== 'adapters' && k !== '$schema');
  if (extra.length) throw new UsageError(`${path}: unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${SHAPE}`);
  if (!Array.isArray(data['adapters'])) throw new UsageError(`${path}: "adapters" must be an array, as in ${SHAPE}`);
  return data['adapters'].map((e: unknown, i: number) => {
    if (!isObject(e) || typeof e['id'] !== 'string' || !Array.isArray(e['command']) || !e['command'].every((w) => typeof w === 'string')) {
      throw new UsageError(`${path}: adapters[${i}] needs "id" (string) and "command" (array of strings)`);
    }
    const unknown = Object.keys(e).filter((k) => k !== 'id' && k !== 'command');
    if (unknown.length)
      throw new UsageError(`${path}: adapters[${i}] has unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: "id", "command"`);
    return { id: e['id'], command: e['command'] as string[] };
  });
}
