/** The host's only window on files and the network, so the host core runs on any JS engine. */

export interface HostIO {
  /** Canonical absolute path with symlinks resolved; rejects with an IoFailure if it does not exist. */
  realpath(hostPath: string): Promise<string>;
  /** Reads at most `maxBytes + 1` bytes (so the caller can tell the file is larger). */
  readFile(hostPath: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array>;
  /** GET over HTTP; the body is read up to `maxBytes + 1` bytes. */
  httpGet(url: string, maxBytes: number, signal: AbortSignal): Promise<{ status: number; body: Uint8Array }>;
}

/** What an IO implementation throws for expected failures. */
export class IoFailure extends Error {
  override name = 'IoFailure';
  readonly kind: 'not-found' | 'io';
  constructor(kind: 'not-found' | 'io', message: string) {
    super(message);
    this.kind = kind;
  }
}
