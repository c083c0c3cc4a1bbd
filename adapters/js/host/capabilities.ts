/**
 * Capability checks: pure functions deciding, before any side effect, whether a guest request
 * is granted. Anything not explicitly granted is denied.
 */
import picomatch from 'picomatch/posix.js';
import type { Grants } from '../../../harness/adapter.ts';

export type Decision<T> = { granted: true; value: T } | { granted: false; capability: string; reason: string };

const deny = (capability: string, reason: string): Decision<never> => ({ granted: false, capability, reason });

/**
 * Maps a guest path onto a host path under a granted mount. Only canonical absolute paths are
 * accepted: no empty, `.` or `..` segments, no backslashes, no NUL — a path that would need
 * normalising is refused rather than normalised, so there is one spelling per file.
 */
export function resolveFileGrant(guestPath: string, grants: Grants): Decision<{ hostPath: string; hostRoot: string }> {
  const capability = `file:${guestPath}`;
  if (guestPath.includes('\0')) return deny(capability, 'path contains a NUL byte');
  if (guestPath.includes('\\')) return deny(capability, 'path contains a backslash');
  if (!guestPath.startsWith('/')) return deny(capability, 'path is not absolute');
  const segments = guestPath.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return deny(capability, 'path is not canonical (empty, "." or ".." segment)');
  for (const grant of grants.files ?? []) {
    const mount = grant.mount.replace(/\/+$/, '');
    if (!guestPath.startsWith(mount + '/')) continue;
    const relative = guestPath.slice(mount.length + 1);
    if (!picomatch(grant.allow, { dot: false })(relative)) continue;
    return { granted: true, value: { hostPath: `${grant.hostDir.replace(/\/+$/, '')}/${relative}`, hostRoot: grant.hostDir } };
  }
  return deny(capability, 'no file grant covers this path');
}

/** True when `real` (a resolved path) lies inside `root` (also resolved): the symlink-escape check. */
export function isInside(real: string, root: string): boolean {
  const r = root.endsWith('/') ? root : root + '/';
  return real.startsWith(r);
}

/** Accepts only http URLs whose exact origin is granted, without credentials. */
export function resolveHttpGrant(url: string, grants: Grants): Decision<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return deny(`http:${url}`, 'not a valid absolute URL');
  }
  const capability = `http:${parsed.origin}`;
  if (parsed.protocol !== 'http:') return deny(capability, `scheme ${parsed.protocol} is not allowed`);
  if (parsed.username || parsed.password) return deny(capability, 'URL carries credentials');
  if (!(grants.http?.origins ?? []).includes(parsed.origin)) return deny(capability, 'origin not granted');
  return { granted: true, value: parsed };
}

export function resolveCallGrant(name: string, grants: Grants): Decision<string> {
  if (!(grants.calls ?? []).includes(name)) return deny(`call:${name}`, 'host function not granted');
  return { granted: true, value: name };
}

/** The three checks a host applies; swappable so the project's tests can run a deliberately lax host. */
export interface CapabilityPolicy {
  file: typeof resolveFileGrant;
  http: typeof resolveHttpGrant;
  call: typeof resolveCallGrant;
}

export const DEFAULT_POLICY: CapabilityPolicy = { file: resolveFileGrant, http: resolveHttpGrant, call: resolveCallGrant };
