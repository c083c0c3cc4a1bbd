/** HostIO on Node's fs and fetch (also what Deno's and Bun's Node compatibility provide). */
import { open, realpath } from 'node:fs/promises';
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
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

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
    let handle;
    try {
      handle = await open(hostPath, 'r');
      const buffer = new Uint8Array(maxBytes + 1);
      let total = 0;
      while (total < buffer.length) {
        signal.throwIfAborted();
        const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      return buffer.subarray(0, total);
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
