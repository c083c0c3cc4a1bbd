/**
 * A live one-line progress display for `awc run` on a terminal: cases done / total, the adapter
 * of the latest result, failures so far and an estimate of the time left, redrawn in place.
 * Lines logged meanwhile (results that did not pass, notes) are printed above it. Only when
 * stderr is a terminal and not in CI: CI logs and pipes keep the plain per-case lines.
 */
import { FAILING_STATUSES, type CaseResult } from '../report/types.ts';

interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const CLEAR_LINE = '\r\u001b[2K';

export class ProgressBar {
  private failures = 0;
  private latest: { adapter: string; done: number; total: number } | undefined;
  private readonly started = performance.now();
  private readonly out: Terminal;

  constructor(out: Terminal) {
    this.out = out;
  }

  /** A bar on stderr when it is a terminal (and CI is not set); otherwise undefined. */
  static forTerminal(stream: Terminal = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressBar | undefined {
    return stream.isTTY && env['CI'] !== 'true' ? new ProgressBar(stream) : undefined;
  }

  log(line: string): void {
    this.out.write(`${CLEAR_LINE}${line}\n`);
    this.draw();
  }

  update(result: CaseResult, done: number, total: number): void {
    if (FAILING_STATUSES.has(result.status)) this.failures++;
    this.latest = { adapter: result.adapterId, done, total };
    this.draw();
  }

  /** Removes the bar (before the summary is printed). */
  finish(): void {
    this.out.write(CLEAR_LINE);
  }

  /** The bar's text, without terminal control sequences. */
  text(): string {
    if (!this.latest) return '';
    const { adapter, done, total } = this.latest;
    const width = 24;
    const filled = Math.round((done / total) * width);
    const elapsed = (performance.now() - this.started) / 1000;
    const left = done > 0 ? Math.ceil((elapsed / done) * (total - done)) : undefined;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${adapter} · ${this.failures} failing${left !== undefined ? ` · ~${left}s left` : ''}`;
  }

  private draw(): void {
    const text = this.text();
    if (text) this.out.write(`${CLEAR_LINE}${text.slice(0, Math.max(10, (this.out.columns || 80) - 1))}`);
  }
}
