/**
 * The harness side of the wire protocol: spawns an adapter command in its own process group,
 * frames and validates every line it prints, enforces a deadline on every request, and turns
 * any misbehaviour (crash, hang, garbage, oversized line, wrong or duplicate id, closed stdout)
 * into one AdapterProcessError that carries the reason and the tail of the adapter's stderr.
 * Buffers are bounded. Killing the adapter kills every process of its tree (process-tree.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { MAX_LINE_BYTES, violation, type AdapterMessage, type Method, type Notification, type ParamsOf, type ResultOf } from './messages.ts';
import { killTree, newTreeMark } from './process-tree.ts';

const STDERR_TAIL_BYTES = 8 * 1024;
const CLOSE_GRACE_MS = 2_000;
const STDERR_SETTLE_MS = 500;
/** After EOF on stdout, how long to wait for the exit status, so a crash is reported as a crash. */
const STDOUT_EOF_GRACE_MS = 200;

/** The adapter process can no longer serve: it died, hung, or broke the protocol. */
export class AdapterProcessError extends Error {
  override name = 'AdapterProcessError';
  readonly stderrTail: string;
  constructor(reason: string, stderrTail: string) {
    super(stderrTail ? `${reason}\n--- adapter stderr (tail) ---\n${stderrTail}` : reason);
    this.stderrTail = stderrTail;
  }
  get evidence(): Record<string, unknown> {
    return { stderrTail: this.stderrTail };
  }
}

/** The adapter answered a request with an error response; the process is still healthy. */
export class AdapterRequestError extends Error {
  override name = 'AdapterRequestError';
  readonly code: string;
  /** The adapter's own words, without the code (the message leads with the code). */
  readonly detail: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.detail = message;
  }
}

interface Pending {
  method: Method;
  resolve(result: Record<string, unknown>): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const live = new Set<ProtocolClient>();
// A harness that exits for any reason takes its adapter processes with it.
process.once('exit', () => killAllAdapters());

/** Kills every adapter process (and its tree) this process started and has not closed yet; synchronous. */
export function killAllAdapters(): void {
  for (const client of [...live]) client.kill();
}

export class ProtocolClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private lineChunks: Buffer[] = [];
  private lineBytes = 0;
  private stderr = Buffer.alloc(0);
  private failure: AdapterProcessError | undefined;
  /** The failure once the stderr tail has settled (set together with `failure`). */
  private settledFailure: Promise<AdapterProcessError> | undefined;
  private closing = false;
  /** Environment variable that marks this adapter's process tree. */
  private readonly mark = newTreeMark();
  private readonly exited: Promise<void>;
  private readonly stderrClosed: Promise<unknown>;
  private readonly notificationHandlers: ((n: Notification) => void)[] = [];

  readonly command: readonly string[];

  constructor(command: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.command = command;
    this.child = spawn(command[0]!, command.slice(1), {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), [this.mark]: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        if (!this.closing || this.pending.size > 0) this.fail(`adapter exited (${signal ? `signal ${signal}` : `code ${code}`})${this.inFlight()}`);
        // Descendants it left behind (setsid, daemons) go with it.
        this.killGroup();
        live.delete(this);
        resolve();
      });
      // A command that cannot be spawned emits 'error' and never 'exit'.
      this.child.once('error', (err) => {
        live.delete(this);
        this.fail(`cannot run ${command[0]}: ${err.message}`);
        resolve();
      });
    });
    this.stderrClosed = new Promise((resolve) => this.child.stderr.once('close', resolve));
    this.child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
    // EOF on stdout: nothing can be answered any more, whether or not the process lives on.
    this.child.stdout.once('end', () => {
      if (this.closing && this.pending.size === 0) return;
      setTimeout(() => {
        if (!(this.closing && this.pending.size === 0)) this.fail(`the adapter closed its stdout${this.inFlight()}: it can no longer answer`);
      }, STDOUT_EOF_GRACE_MS).unref();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = Buffer.concat([this.stderr, chunk]);
      if (this.stderr.length > STDERR_TAIL_BYTES) this.stderr = this.stderr.subarray(this.stderr.length - STDERR_TAIL_BYTES);
    });
    // Writing to a dead child raises EPIPE here; the exit handler reports it.
    this.child.stdin.on('error', () => {});
  }

  get alive(): boolean {
    return this.failure === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stderrTail(): string {
    return this.stderr.toString('utf8');
  }

  /** Why the process can no longer serve (with its stderr tail), or undefined while it is healthy. */
  failed(): Promise<AdapterProcessError | undefined> {
    return this.settledFailure ?? Promise.resolve(undefined);
  }

  onNotification(handler: (n: Notification) => void): void {
    this.notificationHandlers.push(handler);
  }

  /**
   * Sends one request; rejects with AdapterProcessError on any failure of the process or after
   * `timeoutMs`. Params and result have the schema's types for the method (messages.ts Exchanges);
   * the second form, with the result type given, is for tools that send what they like (smoke).
   */
  request<M extends Method>(method: M, params: ParamsOf<M>, timeoutMs: number): Promise<ResultOf<M>>;
  request<T extends object>(method: Method, params: object, timeoutMs: number): Promise<T>;
  request(method: Method, params: object, timeoutMs: number): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`no response to ${method} (request ${id}) within ${timeoutMs} ms: the adapter hangs`), timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (r: Record<string, unknown>) => void, reject, timer });
      this.child.stdin.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  /**
   * Runs `send` with the adapter's stdin corked, so the requests it makes leave in one write
   * (a call and its cancel arrive together: PROTOCOL.md, Cancellation).
   */
  together<T>(send: () => T): T {
    this.child.stdin.cork();
    try {
      return send();
    } finally {
      this.child.stdin.uncork();
    }
  }

  /** Asks the adapter to close, then makes sure the whole process group is gone. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    // Closing from here on: the stdout EOF and exit that follow `close` are not failures.
    this.closing = true;
    if (this.alive) {
      await this.request('close', {}, CLOSE_GRACE_MS).catch(() => {});
    }
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), CLOSE_GRACE_MS);
    // The exit handler has killed what the adapter left behind.
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the adapter's whole process group, and its descendants outside it, at once. */
  kill(): void {
    this.closing = true;
    this.killGroup();
  }

  private killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    killTree(pid, this.mark);
  }

  private inFlight(): string {
    const methods = [...this.pending.values()].map((p) => p.method);
    return methods.length ? ` with ${methods.length} request(s) in flight (${[...new Set(methods)].join(', ')})` : '';
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = new AdapterProcessError(reason, '');
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) clearTimeout(p.timer);
    this.kill();
    // What the adapter wrote to stderr just before failing may still be in the pipe: wait for
    // the pipe to close (bounded), then report with the tail.
    const settle = new Promise((resolve) => setTimeout(resolve, STDERR_SETTLE_MS));
    this.settledFailure = Promise.race([this.stderrClosed, settle]).then(() => {
      this.failure = new AdapterProcessError(reason, this.stderrTail());
      for (const p of pending) p.reject(this.failure);
      return this.failure;
    });
  }

  private onStdout(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.lineChunks.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.lineChunks).toString('utf8');
      this.lineChunks = [];
      this.lineBytes = 0;
      start = nl + 1;
      if (line.trim() !== '') this.onLine(line);
      if (this.failure) return;
    }
    const rest = chunk.subarray(start);
    this.lineBytes += rest.length;
    if (this.lineBytes > MAX_LINE_BYTES) {
      this.lineChunks = [];
      this.fail(`the adapter sent a line longer than ${MAX_LINE_BYTES} bytes`);
      return;
    }
    if (rest.length) this.lineChunks.push(rest);
  }

  private onLine(line: string): void {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    let message: AdapterMessage;
    try {
      message = JSON.parse(line);
    } catch {
      this.fail(`the adapter printed something that is not JSON on stdout: ${JSON.stringify(shown)}`);
      return;
    }
    const bad = violation('adapterMessage', message);
    if (bad) {
      this.fail(`the adapter sent an invalid message (${bad}): ${shown}`);
      return;
    }
    if ('method' in message) {
      for (const h of this.notificationHandlers) h(message);
      return;
    }
    if (message.id === null) {
      this.fail(`the adapter could not read a request: ${'error' in message ? message.error.message : shown}`);
      return;
    }
    const p = this.pending.get(message.id);
    // Ids are handed out 1, 2, 3…: one at or below the last sent and not pending was answered before.
    if (!p && message.id >= 1 && message.id <= this.nextId) {
      this.fail(`the adapter answered request id ${message.id} a second time (a duplicate answer): ${shown}`);
      return;
    }
    if (!p) {
      this.fail(`the adapter answered request id ${message.id}, which is not in flight: ${shown}`);
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(p.timer);
    if ('error' in message) {
      p.reject(new AdapterRequestError(message.error.code, message.error.message));
      return;
    }
    const wrong = violation(`${p.method}Result`, message.result);
    if (wrong) {
      this.pending.set(message.id, p);
      this.fail(`the adapter's result for ${p.method} does not match the protocol (${wrong}): ${shown}`);
      return;
    }
    p.resolve(message.result);
  }
}
