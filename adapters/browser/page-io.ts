/**
 * HostIO for a page: a page cannot read files or see real paths, and a cross-origin isolated page
 * cannot read another origin's answer without CORS, so the bridge does these three with the
 * very I/O the Node rows use (adapters/js/io/node.ts). The capability checks have already run in
 * the page (adapters/js/host): a denied path or URL never leaves it.
 */
import { IoFailure, type HostIO } from '../js/host/io.ts';
import type { FromPage, IoAnswer, IoOp } from './link.ts';

type Pending = (answer: IoAnswer) => void;
type IoDone = Extract<IoAnswer, { ok: true }>;

export interface PageIO extends HostIO {
  /** Hand an `io` answer from the bridge to the operation waiting for it. */
  settle(answer: IoAnswer): void;
}

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function pageIO(send: (message: FromPage) => void): PageIO {
  let nextId = 0;
  const pending = new Map<number, Pending>();

  // One round trip. On abort the bridge aborts its side and answers once its cleanup ran (the
  // HTTP connection closed), and only then does this reject: the host logs `abort` after cleanup.
  const request = (body: IoOp, signal?: AbortSignal): Promise<IoDone> => {
    signal?.throwIfAborted();
    const id = ++nextId;
    return new Promise<IoAnswer>((resolve) => {
      const onAbort = () => send({ t: 'io-abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, (answer) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(answer);
      });
      send({ ...body, t: 'io', id });
    }).then((answer) => {
      if (signal?.aborted) throw signal.reason;
      if (!answer.ok) throw new IoFailure(answer.kind === 'not-found' ? 'not-found' : 'io', answer.message);
      return answer as IoDone;
    });
  };

  return {
    settle(answer) {
      const waiting = pending.get(answer.id);
      pending.delete(answer.id);
      waiting?.(answer);
    },
    async realpath(hostPath) {
      return (await request({ op: 'realpath', path: hostPath })).path!;
    },
    async readFile(hostPath, maxBytes, signal) {
      return fromBase64((await request({ op: 'read', path: hostPath, maxBytes }, signal)).base64 ?? '');
    },
    async httpGet(url, maxBytes, signal) {
      const answer = await request({ op: 'http', url, maxBytes }, signal);
      return { status: answer.status!, body: fromBase64(answer.base64 ?? '') };
    },
  };
}
