/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP during a command. Without a listener Node dies at once and
 * leaves adapter processes (their own process groups) and temporary directories behind, so every
 * command that starts adapters listens. Exit code: 128 + the first signal's number (130 SIGINT,
 * 143 SIGTERM, 129 SIGHUP). README.md "Exit codes" states the rules.
 */
import { killAllAdapters } from '../protocol/client.ts';

export const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;
const SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[];

export interface Interrupts {
  /** Aborted by the first signal: the cases not started yet are reported `skipped`. */
  stop: AbortSignal;
  /** Aborted when the case in flight must end at once (SIGTERM, SIGHUP, or a second signal). */
  cut: AbortSignal;
  /** 128 + the first signal's number, once a signal arrived. */
  exitCode(): number | undefined;
}

/**
 * `awc run`: the first SIGINT lets the case in flight finish; SIGTERM and SIGHUP (whoever sends
 * them wants the process gone soon) and a second signal cut it: it is reported `skipped` and
 * every adapter process is killed. Either way the report is written and the temporary
 * directories are removed. A signal after the cut exits at once; the 'exit' handlers still kill
 * the adapters and remove the data directory.
 */
export function handleInterrupts(log: (line: string) => void): Interrupts {
  const stop = new AbortController();
  const cut = new AbortController();
  let first: HandledSignal | undefined;
  const cutNow = () => {
    cut.abort();
    killAllAdapters();
  };
  const onSignal = (signal: HandledSignal) => {
    if (!first) {
      first = signal;
      stop.abort();
      if (signal === 'SIGINT') {
        log('\ninterrupted: finishing the current case, skipping the rest, writing the report (Ctrl-C again to stop the current case at once)');
        return;
      }
      log(`\n${signal}: stopping the current case, skipping the rest, writing the report`);
      return cutNow();
    }
    if (!cut.signal.aborted) {
      log(`\n${signal}: stopping the current case at once, writing what is finished`);
      return cutNow();
    }
    log(`\n${signal}: exiting now`);
    process.exit(SIGNAL_EXIT_CODES[first]);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return { stop: stop.signal, cut: cut.signal, exitCode: () => (first ? SIGNAL_EXIT_CODES[first] : undefined) };
}

/**
 * Commands with nothing worth keeping half-done (`awc bench`, `awc smoke`): any of the signals
 * kills the adapter processes and exits with 128 + its number.
 */
export function exitOnInterrupt(log: (line: string) => void): void {
  const onSignal = (signal: HandledSignal) => {
    log(`\n${signal}: stopping the adapter processes and exiting`);
    killAllAdapters();
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
}
