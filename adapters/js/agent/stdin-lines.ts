/**
 * The agent's side of the stdio transport (PROTOCOL.md "Transport"): one request per line on
 * stdin, blank lines ignored; a line longer than MAX_LINE_BYTES ends the process (exit 1, a
 * reason on stderr) instead of buffering without bound; end of stdin exits 0.
 */
import process from 'node:process';
import { MAX_LINE_BYTES } from '../../../harness/protocol/messages.ts';

export function serveStdinLines(serve: (line: string) => void): void {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim() !== '') serve(line);
    }
    if (buffered.length > MAX_LINE_BYTES) {
      process.stderr.write(`agent: request line longer than ${MAX_LINE_BYTES} bytes; exiting\n`);
      process.exit(1);
    }
  });
  process.stdin.on('end', () => process.exit(0));
}
