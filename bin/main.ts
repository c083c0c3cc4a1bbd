/**
 * The composition root: the one place that knows both the harness and what plugs into it. It
 * hands the built-in adapters, the suites' cases and requirements, and the commands suites
 * contribute to the harness's command line.
 */
import { ADAPTERS, DEFAULT_ADAPTER_ID } from '../adapters/registry.ts';
import { runCli } from '../harness/cli/main.ts';
import { ALL_CASES } from '../suites/index.ts';
import { replayCommand } from '../suites/properties/replay-command.ts';
import { REQUIREMENTS } from '../suites/requirements.ts';

await runCli({ adapters: ADAPTERS, defaultAdapterId: DEFAULT_ADAPTER_ID, cases: ALL_CASES, requirements: REQUIREMENTS, commands: [replayCommand] });
