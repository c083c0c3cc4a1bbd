// A deliberately broken out-of-process adapter: sits between the harness and a real adapter
// command and injects one defect into the protocol traffic (test support, issue 13 item 10).
// usage: node proto-proxy.mjs <defect> <adapter command...>
//   no-events    drops every host-event notification (hello's events: true is ignored)
//   drop-limits  removes the limits of every instantiate request (an unenforceable limit "accepted")
//   no-detail    removes detail from every event inspect returns
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [defect, cmd, ...args] = process.argv.slice(2);
const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const toChild = (m) => {
  if (defect === 'drop-limits' && m.method === 'instantiate') m.params.limits = {};
  return m;
};
const toHarness = (m) => {
  if (defect === 'no-events' && m.method === 'host-event') return undefined;
  if (defect === 'no-detail' && m.result && Array.isArray(m.result.events)) m.result.events = m.result.events.map(({ detail, ...rest }) => rest);
  return m;
};
createInterface({ input: process.stdin })
  .on('line', (line) => {
    let m;
    try {
      m = toChild(JSON.parse(line));
    } catch {
      child.stdin.write(line + '\n');
      return;
    }
    child.stdin.write(JSON.stringify(m) + '\n');
  })
  .on('close', () => child.stdin.end());
createInterface({ input: child.stdout }).on('line', (line) => {
  const m = toHarness(JSON.parse(line));
  if (m) process.stdout.write(JSON.stringify(m) + '\n');
});
child.on('exit', (code) => process.exit(code ?? 1));
