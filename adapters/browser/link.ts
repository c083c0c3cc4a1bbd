/**
 * The messages between the bridge (a Node process speaking PROTOCOL.md on stdio) and its page,
 * one JSON object per WebSocket text message. Order matters and WebSocket keeps it: the page's
 * `out` lines reach stdout in the order the page wrote them (host-event before the response
 * that follows it), and one `lines` message carries every complete line of one stdin chunk, so
 * the page serves them together (a cancel written with its call is handled before the call
 * enters the guest, PROTOCOL.md Cancellation).
 */
import type { AsyncStrategy } from '../../harness/adapter.ts';

/** What the page must know before it answers hello. */
export interface PageConfig {
  t: 'config';
  strategy: AsyncStrategy;
  engine: { name: string; version: string };
  flags: string[];
}

/** A host I/O operation the page cannot do itself, done by the bridge (adapters/js/io/node.ts). */
export type IoOp = { op: 'realpath'; path: string } | { op: 'read'; path: string; maxBytes: number } | { op: 'http'; url: string; maxBytes: number };
export type IoRequest = IoOp & { t: 'io'; id: number };

export type IoAnswer =
  | { t: 'io'; id: number; ok: true; path?: string; status?: number; base64?: string }
  | { t: 'io'; id: number; ok: false; kind: 'not-found' | 'io' | 'aborted'; message: string };

export type ToPage = PageConfig | { t: 'lines'; lines: string[] } | IoAnswer;

export type FromPage = { t: 'out'; line: string } | { t: 'log'; message: string } | { t: 'exit'; code: number } | IoRequest | { t: 'io-abort'; id: number };
