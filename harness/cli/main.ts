/** The `awc` command line. Exit codes: 0 ok, 1 failures, 2 usage or input error, 3 internal error, 130 interrupted. */
import { Command, Option } from 'commander';
import { TOOL_VERSION } from '../report/build.ts';
import { DEFAULT_CASE_TIMEOUT_MS, DEFAULT_PROPERTY_RUNS } from '../runner.ts';
import { UsageError } from '../selection.ts';
import { adaptersCommand, listCommand, validateCommand } from './inspect.ts';
import { withAdapterSources } from './adapter-options.ts';
import { EXIT, runCommand } from './run.ts';
import { smokeCommand } from './smoke.ts';
import { benchCommand } from './bench.ts';
import { compareCommand } from './compare.ts';
import { badgeCommand, DEFAULT_HISTORY, historyAddCommand, mergeCommand, reportCommand } from './report.ts';
import * as num from './numbers.ts';
import type { Catalog } from '../catalog.ts';
import { agentBundle } from '../protocol/agent-bundle.ts';

export const collect = (value: string, previous: string[]) => [...previous, value];

/** Parses and runs one `awc` command line over what the composition root hands over. */
export async function runCli(catalog: Catalog, argv: string[] = process.argv): Promise<void> {
  const program = new Command()
    .name('awc')
    .description('async-wasm-conformance: does a WebAssembly runtime get async host calls right, and what does it cost?')
    .version(TOOL_VERSION)
    // One line per usage error (exit 2), in the same form as the commands' own: no help dump after it.
    .configureOutput({
      outputError: (text, write) =>
        write(
          `awc: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see awc help)\n`,
        ),
    })
    // Set before the subcommands are added, so they inherit it. Help and version are not errors;
    // anything else commander rejects is a usage error (exit 2).
    .exitOverride((err) => {
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.OK : EXIT.USAGE);
    })
    .addHelpText(
      'after',
      `\nExit codes: 0 every MUST case passed (or is a listed known failure), 1 a MUST case failed or an adapter was unavailable,\n2 usage or input error, 3 internal error (e.g. the harness produced an invalid report), 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP (the report is still written).`,
    );

  withAdapterSources(
    program
      .command('run')
      .description('run conformance cases on adapters and write a JSON report (default: every suite on node-jspi)')
      .option('-a, --adapter <id>', 'adapter to run, repeatable; "all" for every adapter', collect, [])
      .option('-s, --suite <name>', 'suite to run, repeatable', collect, [])
      .addOption(
        new Option('-c, --case <glob>', 'only cases whose id matches this glob, e.g. "propagation.echo.*" or "{propagation.*,limits.*}"').argParser(
          num.caseGlob,
        ),
      )
      .option('-o, --out <file>', 'report path (default: reports/out/run-<time>.json)')
      .addOption(
        new Option('--timeout <ms>', 'per-case timeout in milliseconds, 1 to 2147483647 (Node timers go no further)')
          .argParser(num.timeoutMs)
          .default(DEFAULT_CASE_TIMEOUT_MS),
      )
      .option('-q, --quiet', 'print only results that did not pass while running', false)
      .option('--allow-unavailable', 'exit 0 even if a selected adapter is unavailable', false)
      .addOption(new Option('-j, --jobs <n>', 'adapters run in parallel').argParser(num.jobs).default(1))
      .addOption(new Option('--runs <n>', 'generated programs per property case').argParser(num.runs).default(DEFAULT_PROPERTY_RUNS))
      .addOption(new Option('--seed <n>', 'seed of the property cases, a 32-bit integer (default: random, printed and recorded)').argParser(num.seed))
      .option('-f, --format <list>', 'also write html, md and/or junit beside the JSON report, e.g. html,md,junit')
      .option('--expectations <dir>', 'known failures kept outside this package: <dir>/<adapter-id>.json replaces the built-in file for that adapter')
      .addOption(new Option('--shard <i/n>', 'run only shard i of n of the (adapter, case) pairs; merge shards with awc merge').argParser(num.shard)),
  ).action(async (flags) => {
    process.exitCode = await runCommand(flags, argv.slice(2), catalog);
  });

  program
    .command('list')
    .description('list the conformance cases with their requirement ids and levels')
    .option('-s, --suite <name>', 'only this suite, repeatable', collect, [])
    .addOption(new Option('-c, --case <glob>', 'only cases whose id matches this glob').argParser(num.caseGlob))
    .option('--json', 'machine-readable output (cases and requirements)', false)
    .action((flags) => {
      process.exitCode = listCommand(flags, catalog);
    });

  withAdapterSources(
    program
      .command('bench')
      .description('run the overhead and component-async benchmarks (timed inside each runtime) and write them into a report')
      .option('-a, --adapter <id>', 'adapter to measure, repeatable; "all" for every adapter', collect, [])
      .addOption(new Option('-b, --benchmark <text>', 'only benchmarks whose id contains this text').argParser(num.nonEmpty))
      .addOption(
        new Option('--time-budget <seconds>', 'measuring time per benchmark and adapter, split over the runs').argParser(num.timeBudgetSeconds).default(2),
      )
      .addOption(
        new Option('--repeat <n>', 'independent runs (fresh session/process) per adapter; awc compare tests run medians').argParser(num.repeat).default(5),
      )
      .option('-o, --out <file>', 'report path (default: reports/out/bench-<time>.json)'),
  ).action(async (flags) => {
    process.exitCode = await benchCommand(flags, argv.slice(2), catalog);
  });

  for (const contribute of catalog.commands) contribute(program, catalog);

  program
    .command('report')
    .description('render a report as html (self-contained page), md (CI summary) or junit (XML)')
    .argument('<file>', 'report JSON')
    .requiredOption('-f, --format <list>', 'html, md, junit, or several separated by commas')
    .option('-o, --out <path>', 'output file (one format); default: beside the report')
    .option('--history <file>', 'history file (JSON lines from awc history add) for the trend chart')
    .action(async (file: string, flags) => {
      process.exitCode = await reportCommand(file, flags);
    });

  program
    .command('merge')
    .description('merge shard reports (awc run --shard i/n) into one valid report')
    .argument('<files...>', 'shard reports')
    .requiredOption('-o, --out <file>', 'merged report path')
    .action(async (files: string[], flags) => {
      process.exitCode = await mergeCommand(files, flags, argv.slice(2), catalog);
    });

  program
    .command('history')
    .description('keep a trend: `awc history add REPORT` appends one JSON line per run')
    .argument('<action>', 'add')
    .argument('<report>', 'report JSON')
    .option('--file <file>', 'history file', DEFAULT_HISTORY)
    .action(async (action: string, file: string, flags) => {
      if (action !== 'add') throw new UsageError(`unknown history action "${action}"; known: add`);
      process.exitCode = await historyAddCommand(file, flags);
    });

  program
    .command('compare')
    .description(
      'compare two reports: statistically significant benchmark changes and conformance changes (exit 1 on a regression or a newly failing MUST case)',
    )
    .argument('<base>', 'baseline report')
    .argument('<head>', 'report to judge')
    .addOption(new Option('--threshold <percent>', 'smallest change in the median that counts').argParser(num.thresholdPercent).default(5))
    .addOption(new Option('--alpha <p>', 'significance level of the Mann-Whitney U test, strictly between 0 and 1').argParser(num.alpha).default(0.01))
    .addOption(new Option('--format <fmt>', 'text, md, or html (a page with a ratio chart; needs --out)').default('text'))
    .option('-o, --out <file>', 'output file for --format html')
    .action(async (base: string, head: string, flags) => {
      process.exitCode = await compareCommand(base, head, flags);
    });

  withAdapterSources(
    program
      .command('adapters')
      .description('list the adapters, whether each is available here, and what it declares')
      .option('--json', 'machine-readable output', false),
  ).action(async (flags) => {
    process.exitCode = await adaptersCommand(flags, catalog);
  });

  withAdapterSources(
    program
      .command('smoke')
      .description("check an out-of-process adapter's protocol compliance step by step (run this first when writing an adapter)")
      .requiredOption('-a, --adapter <id>', 'the adapter to check'),
  ).action(async (flags) => {
    process.exitCode = await smokeCommand(flags, catalog);
  });

  program
    .command('badge')
    .description(
      "write one adapter's MUST results in a report as a self-contained SVG badge (green all pass, yellow only known failures, red a failure, grey unavailable)",
    )
    .argument('<report>', 'report JSON')
    .requiredOption('-a, --adapter <id>', 'the adapter')
    .requiredOption('-o, --out <file>', 'the SVG file to write')
    .action(async (file: string, flags) => {
      process.exitCode = await badgeCommand(file, flags);
    });

  program
    .command('agent')
    .description(
      'print the path of the JS agent, one ESM file that speaks the protocol: run it on another JS engine with --adapter-cmd "mine=<engine> <path> --strategy jspi" (or asyncify)',
    )
    .action(async () => {
      process.stdout.write(`${await agentBundle()}\n`);
    });

  program
    .command('validate')
    .description('check a report against reports/report.schema.json')
    .argument('<file>', 'report JSON file')
    .action(async (file: string) => {
      process.exitCode = await validateCommand(file);
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`awc: ${err.message}\n`);
      process.exitCode = EXIT.USAGE;
    } else {
      process.stderr.write(`awc: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = EXIT.INTERNAL;
    }
  }
}
