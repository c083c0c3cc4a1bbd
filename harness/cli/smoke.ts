/** `awc smoke`: the protocol compliance check for one out-of-process adapter. */
import type { AdapterSourceFlags } from './adapter-options.ts';
import { allAdapters } from './adapter-options.ts';
import type { Catalog } from '../catalog.ts';
import type { ProcessAdapter } from '../protocol/process-adapter.ts';
import { smoke } from '../protocol/smoke.ts';
import { UsageError } from '../selection.ts';
import { visibleControls } from '../report/render/safe.ts';
import { statusLabel } from './format.ts';
import { EXIT } from './run.ts';
import { exitOnInterrupt } from './signals.ts';
import type { SmokeStep } from '../protocol/smoke.ts';

const stepLine = (s: SmokeStep) =>
  `${statusLabel(s.ok ? 'pass' : 'fail')} ${s.step}${s.ok ? '' : `\n      ${visibleControls(s.detail).split('\n').join('\n      ')}`}\n`;

export async function smokeCommand(flags: AdapterSourceFlags & { adapter: string }, catalog: Catalog): Promise<number> {
  const adapter = (await allAdapters(flags, catalog.adapters)).find((a) => a.id === flags.adapter);
  if (!adapter) throw new UsageError(`unknown adapter "${flags.adapter}"; see \`awc adapters\``);
  const description = await adapter.describe();
  if (description.process === 'in-process') throw new UsageError(`${adapter.id} runs in-process; smoke checks adapters that speak the protocol`);
  process.stderr.write(`awc smoke ${adapter.id}: ${description.process.command.join(' ')}\n`);
  if (!description.available) process.stderr.write(`(describe says unavailable: ${description.reason}; checking anyway)\n`);
  const prepareComponent = 'prepareComponent' in adapter ? (adapter as ProcessAdapter).prepareComponent : undefined;
  // Whatever the adapter does, smoke reports every step and exits cleanly: a signal kills the
  // adapter processes, and a stray rejection is a warning, never a crash with a stack trace.
  exitOnInterrupt((line) => process.stderr.write(line + '\n'));
  process.on('unhandledRejection', (reason) =>
    process.stderr.write(`warning: an unhandled promise rejection: ${(reason as Error)?.message ?? String(reason)}\n`),
  );
  // Details quote what the adapter sent: shown, never interpreted by the terminal.
  const steps = await smoke(description.process.command, {
    ...(prepareComponent ? { prepareComponent } : {}),
    onStep: (s) => process.stdout.write(stepLine(s)),
  });
  const failed = steps.filter((s) => !s.ok).length;
  process.stdout.write(failed ? `${failed} of ${steps.length} step(s) failed\n` : `all ${steps.length} steps passed\n`);
  return failed ? EXIT.FAILURES : EXIT.OK;
}
