/** HostIO on Node's fs and fetch (also what Deno's and Bun's Node compatibility provide). */
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { IoFailure, type HostIO } from '../host/io.ts';

function classify(err: unknown): IoFailure {
  const code = (err as NodeJS.ErrnoException)?.code;
  return new IoFailure(code === 'ENOENT' || code === 'ENOTDIR' ? 'not-found' : 'io', String((err as Error)?.message ?? err));
}

async function readBounded(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  try {
    // Stop one byte past the limit: the caller reports TOO_LARGE instead of buffering everything.
    while (total <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Bytes per read of a file (bounds each allocation whatever limit the guest asked for). */
const READ_CHUNK = 64 * 1024;

export const nodeIO: HostIO = {
  async realpath(hostPath) {
    try {
      return await realpath(hostPath);
    } catch (err) {
      throw classify(err);
    }
  },
  async readFile(hostPath, maxBytes, signal) {
    signal.throwIfAborted();
    let handle: FileHandle | undefined;
    try {
      handle = await open(hostPath, 'r');
      // Read at most maxBytes + 1 (one more shows the file is too large) in bounded chunks: the
      // limit comes from the guest (up to 4 GiB), so it must never size an allocation itself.
      const limit = maxBytes + 1;
      const chunks: Uint8Array[] = [];
      let total = 0;
      while (total < limit) {
        signal.throwIfAborted();
        const chunk = new Uint8Array(Math.min(READ_CHUNK, limit - total));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
      }
      return concat(chunks, total);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw classify(err);
    } finally {
      await handle?.close();
    }
  },
  async httpGet(url, maxBytes, signal) {
    let response: Response;
    try {
      response = await fetch(url, { signal, redirect: 'manual' });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new IoFailure('io', `fetch failed: ${String((err as Error)?.message ?? err)}`);
    }
    return { status: response.status, body: await readBounded(response.body, maxBytes) };
  },
};
