/**
 * Bindings for CMA-TASK-CANCEL (SPEC.md §14.16): jco in this process with the embedder's cancel
 * handled one way or another. jco 1.35.0 has no way for the host to cancel an export's task (the
 * exported function takes no signal), so the control reaches jco's own task object through a glue
 * patch and requests cancellation on it, as CanonicalABI's OnCancel does.
 */
import { CancelledError } from '../../adapters/js/host/errors.ts';
import type { Host } from '../../adapters/js/host/host.ts';
import { transpileComponent } from '../../adapters/js/jco/transpile.ts';
import type { CallOptions, Instance } from '../../harness/adapter.ts';
import type { Outcome } from '../../harness/outcome.ts';
import { jcoInProcess } from './broken-cma.ts';

/** jco's AsyncTask, as far as the control uses it. */
interface JcoTask {
  requestCancellation(): void;
  isCancelled(): boolean;
}

const HOOK = '__awcOnExportTask';
type Hooked = typeof globalThis & { [HOOK]?: (task: JcoTask) => void };

/** jco's glue with every export handing its new task to globalThis[HOOK] (set only while a call starts). */
async function hookedTranspile(bytes: Uint8Array) {
  const out = await transpileComponent(bytes, 'jspi');
  const at = 'task.setCalleeIsAsync(';
  // Fail loudly if jco's glue changed shape: an unpatched glue would not cancel anything.
  if (!out.glue.includes(at)) throw new Error('jco glue has no export task to hook');
  return { ...out, glue: out.glue.replaceAll(at, `globalThis.${HOOK}?.(task); ${at}`) };
}

/** The ComponentInstance's host and call tracker (private fields, reached in this test only). */
const internals = (inner: Instance) => inner as unknown as { host: Host; tracker: { current: number | null } };

const wrap = (inner: Instance, call: Instance['call']): Instance => ({
  call,
  inspect: () => inner.inspect(),
  openGate: (g, v) => inner.openGate(g, v),
  dispose: () => inner.dispose(),
});

/**
 * The control: the harness's cancel becomes jco's AsyncTask.requestCancellation (delivered to the
 * task as TASK_CANCELLED); the task's host operations are left to it. What jco lacks besides is
 * simulated: once the task confirmed with task.cancel, its host operations still running (jco does
 * not abort a host subtask the guest cancelled, CMA-SUBTASK-CANCEL) are aborted, and the call
 * answers `cancelled`. Must pass CMA-TASK-CANCEL.
 */
export const taskCancelControl = delivering('control-cma-task-cancel', false);

/** Delivers the cancel to the task, but also aborts the task's host operations under it at once (CMA-TASK-CANCEL: the ignored case). */
export const taskCancelAbortsSubtasks = delivering('broken-cma-task-cancel-aborts-subtasks', true);

function delivering(id: string, abortAtOnce: boolean) {
  return jcoInProcess(id, {
    transpile: hookedTranspile,
    instance: (inner) =>
      wrap(inner, async (name, args, options: CallOptions) => {
        const { signal, ...rest } = options;
        if (!signal) return inner.call(name, args, options);
        let task: JcoTask | undefined;
        (globalThis as Hooked)[HOOK] = (t) => (task ??= t);
        // The export runs up to its first await synchronously inside call(): the hook sees its task.
        const pending = inner.call(name, args, rest);
        delete (globalThis as Hooked)[HOOK];
        const { host, tracker } = internals(inner);
        const callId = tracker.current;
        const onAbort = () => {
          task?.requestCancellation();
          if (abortAtOnce && callId !== null) host.cancelCall(callId, new CancelledError('cancel', 'aborted under the task'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          const outcome = await pending;
          if (!task?.isCancelled()) return outcome;
          if (callId !== null) host.cancelCall(callId, new CancelledError('cancel', 'the guest task confirmed the cancel'));
          return { kind: 'cancelled', message: 'the guest task confirmed the cancel with task.cancel' } satisfies Outcome;
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      }),
  });
}

/** Answers `cancelled` at once on a cancel and aborts the call's host operations, never telling the task (CMA-TASK-CANCEL). */
export const taskCancelOverItsHead = jcoInProcess('broken-cma-task-cancel-over-its-head', {
  instance: (inner) =>
    wrap(inner, (name, args, options) => {
      const run = inner.call(name, args, options);
      const { signal } = options;
      if (!signal) return run;
      return Promise.race([
        run,
        new Promise<Outcome>((resolve) =>
          signal.addEventListener('abort', () => resolve({ kind: 'cancelled', message: 'cancelled without telling the task' }), { once: true }),
        ),
      ]);
    }),
});
