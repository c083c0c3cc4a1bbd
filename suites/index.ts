/** Every conformance case, grouped by suite, in a stable order. */
import type { Case } from '../harness/case.ts';
import { errorCases } from './propagation/errors.ts';
import { ioCases } from './propagation/io.ts';
import { trapCases } from './propagation/traps.ts';
import { valueCases } from './propagation/values.ts';
import { exportFloatCases } from './propagation/export-floats.ts';
import { hostCheckCases } from './capabilities/host-checks.ts';
import { inspectCases } from './limits/inspect.ts';
import { suspensionCases } from './suspension/cases.ts';
import { reentryCases } from './suspension/reenter.ts';
import { turnCases } from './suspension/turns.ts';
import { cancellationCases } from './cancellation/cases.ts';
import { lifecycleCases } from './cancellation/lifecycle.ts';
import { concurrencyCases } from './concurrency/cases.ts';
import { parallelCases } from './concurrency/parallel.ts';
import { capabilityCases } from './capabilities/cases.ts';
import { limitCases } from './limits/cases.ts';
import { unenforceableLimitCases } from './limits/unenforceable.ts';
import { propertyCases } from './properties/cases.ts';
import { regressionCases } from './properties/regressions.ts';
import { componentPropagationCases } from './components/propagation.ts';
import { componentSuspensionCases } from './components/suspension.ts';
import { componentCancellationCases } from './components/cancellation.ts';
import { componentConcurrencyCases } from './components/concurrency.ts';
import { componentCapabilityCases } from './components/capabilities.ts';
import { componentLimitCases } from './components/limits.ts';
import { componentAsyncCases } from './component-async/cases.ts';
import { componentAsyncCancelCases } from './component-async/cancel.ts';
import { componentAsyncRulesCases } from './component-async/rules.ts';
import { componentAsyncPollCases } from './component-async/poll.ts';
import { componentAsyncBackpressureCases } from './component-async/backpressure.ts';
import { componentAsyncStreamCases } from './component-async/streams.ts';
import { componentAsyncFutureCases } from './component-async/futures.ts';
import { componentAsyncStackfulCases } from './component-async/stackful.ts';
import { componentAsyncFileCases } from './component-async/files.ts';
import { componentAsyncHostStreamCases } from './component-async/host-streams.ts';
import { componentAsyncReenterCases } from './component-async/reenter.ts';
import { componentAsyncTaskCancelCases } from './component-async/task-cancel.ts';

export const ALL_CASES: readonly Case[] = [
  ...valueCases,
  ...exportFloatCases,
  ...errorCases,
  ...ioCases,
  ...trapCases,
  ...componentPropagationCases,
  ...suspensionCases,
  ...reentryCases,
  ...turnCases,
  ...componentSuspensionCases,
  ...cancellationCases,
  ...lifecycleCases,
  ...componentCancellationCases,
  ...concurrencyCases,
  ...parallelCases,
  ...componentConcurrencyCases,
  ...capabilityCases,
  ...hostCheckCases,
  ...componentCapabilityCases,
  ...limitCases,
  ...inspectCases,
  ...unenforceableLimitCases,
  ...componentLimitCases,
  ...componentAsyncCases,
  ...componentAsyncCancelCases,
  ...componentAsyncBackpressureCases,
  ...componentAsyncRulesCases,
  ...componentAsyncPollCases,
  ...componentAsyncStreamCases,
  ...componentAsyncFutureCases,
  ...componentAsyncStackfulCases,
  ...componentAsyncFileCases,
  ...componentAsyncReenterCases,
  ...componentAsyncTaskCancelCases,
  ...componentAsyncHostStreamCases,
  ...propertyCases,
  ...regressionCases,
];

export const SUITES: readonly string[] = [...new Set(ALL_CASES.map((c) => c.suite))];
