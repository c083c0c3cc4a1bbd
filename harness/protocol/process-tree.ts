/**
 * Everything an adapter process started, so that killing the adapter kills all of it. A process
 * group kill misses descendants that left the group (setsid, setpgid), and once the adapter is
 * dead its orphans are reparented, so the parent links are gone. Two ways to find them (Linux,
 * /proc; elsewhere only the group kill remains):
 * - the parent links, walked from the adapter while it still lives;
 * - a mark in the environment: the adapter is started with a variable named by a random token,
 *   which every descendant inherits unless it clears its environment, so orphans are found too.
 * Limits (PROTOCOL.md): a descendant that drops the variable after leaving the tree, runs as
 * another user, or is started after the last look, is not found.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const TREE_MARK_PREFIX = 'AWC_TREE_';

/** A fresh environment variable name that marks one adapter's process tree. */
export function newTreeMark(): string {
  return `${TREE_MARK_PREFIX}${randomBytes(8).toString('hex')}`;
}

interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), zombie: fields[0] === 'Z' || fields[0] === 'X' };
  } catch {
    return undefined;
  }
}

function carriesMark(pid: number, mark: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    const at = env.indexOf(`${mark}=`);
    return at === 0 || (at > 0 && env[at - 1] === 0);
  } catch {
    // Gone, or another user's process (never ours to kill).
    return false;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

const own = (() => {
  let pgid: number | undefined;
  return () => (pgid ??= readStat(process.pid)?.pgid ?? -1);
})();

/**
 * Live processes of the tree: descendants of `root` by parent link, and every process carrying
 * `mark`. Never this process, its own process group, or pid 1.
 */
export function findTree(root: number, mark: string): ProcStat[] {
  if (process.platform !== 'linux') return [];
  const stats = allPids()
    .map(readStat)
    .filter((s): s is ProcStat => s !== undefined && !s.zombie);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const found = new Map<number, ProcStat>();
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (found.has(c.pid)) continue;
      found.set(c.pid, c);
      walk(c.pid);
    }
  };
  walk(root);
  for (const s of stats) if (!found.has(s.pid) && carriesMark(s.pid, mark)) found.set(s.pid, s);
  const ownGroup = own();
  return [...found.values()].filter((s) => s.pid > 1 && s.pid !== process.pid && s.pgid !== ownGroup);
}

const kill = (target: number) => {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // already gone
  }
};

/**
 * SIGKILL to the adapter's process group and to every process of its tree (and their groups),
 * looking again until nothing is left (bounded: a fork racing the kill is caught next round).
 * Synchronous, so it also works in an 'exit' handler.
 */
export function killTree(root: number, mark: string): void {
  const killed = new Set<number>();
  let tree = findTree(root, mark);
  kill(-root);
  for (let round = 0; round < 5 && tree.length > 0; round++) {
    for (const p of tree) {
      killed.add(p.pid);
      kill(p.pid);
      if (p.pgid === p.pid) kill(-p.pid);
    }
    // Killed processes linger until reaped; look again only for ones not seen yet.
    tree = findTree(root, mark).filter((p) => !killed.has(p.pid));
  }
}
