/** The loopback HTTP server that `http_get` talks to (routes: SPEC.md §2.5). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const HELLO_BODY = 'hello from awc\n';
const MAX_SLOW_MS = 30_000;
const MAX_BYTES = 64 * 1024 * 1024;

export interface LoopbackServer {
  origin: string;
  /** Paths requested so far, in order (lets a case prove a denied request never left the host). */
  requests: string[];
  /** Paths of /slow/MS requests whose client closed the connection before the answer (an aborted request). */
  abandoned: string[];
  close(): Promise<void>;
}

/** Byte i of /bytes/N is i mod 251, so a truncated or shifted body is detectable. */
export function patternBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 251;
  return out;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const requests: string[] = [];
  const abandoned: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const bytes = path.match(/^\/bytes\/(\d+)$/);
    const status = path.match(/^\/status\/([1-5]\d\d)$/);
    const slow = path.match(/^\/slow\/(\d+)$/);
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(HELLO_BODY);
    } else if (bytes && Number(bytes[1]) <= MAX_BYTES) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(patternBytes(Number(bytes[1])));
    } else if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end(`status ${status[1]}\n`);
    } else if (slow) {
      const timer = setTimeout(() => res.writeHead(200).end('slow\n'), Math.min(Number(slow[1]), MAX_SLOW_MS));
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableEnded) abandoned.push(path);
      });
    } else {
      res.writeHead(404).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
