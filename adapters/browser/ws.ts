/**
 * The WebSocket server: the `ws` library, as playwright-core (a dependency already) bundles and
 * exports it (`playwright-core/lib/utilsBundle`, a path its package.json exports). Typed here
 * with only what the bridge uses.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';

export interface WebSocketLike {
  send(data: string): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
}

export interface WebSocketServerLike {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocketLike) => void): void;
  close(): void;
}

type Ctor = new (options: { noServer: true; maxPayload: number }) => WebSocketServerLike;

export function webSocketServer(maxPayload: number): WebSocketServerLike {
  const { wsServer } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle') as { wsServer: Ctor };
  return new wsServer({ noServer: true, maxPayload });
}
