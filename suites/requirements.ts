/**
 * Requirement ids, levels and SPEC.md sections: the single list cases refer to. SPEC.md states
 * each one in prose; test/spec.test.ts keeps the two in step.
 */
import type { Level } from '../harness/case.ts';

export interface Requirement {
  id: string;
  level: Level;
  section: string;
  text: string;
}

const R = (id: string, level: Level, section: string, text: string): Requirement => ({ id, level, section, text });

export const REQUIREMENTS = [
  R('PROP-VALUE-I32', 'MUST', '4.1', 'i32 values pass through async imports unchanged.'),
  R('PROP-VALUE-I64', 'MUST', '4.1', 'i64 values pass through async imports unchanged, extremes included, without precision loss.'),
  R('PROP-VALUE-F32', 'MUST', '4.1', 'f32 values pass through async imports bit-exactly: -0, infinities, subnormals, extremes.'),
  R('PROP-VALUE-F64', 'MUST', '4.1', 'f64 values pass through async imports bit-exactly: -0, infinities, subnormals, extremes.'),
  R('PROP-NAN', 'MUST', '4.1', 'A NaN passed through an async import is still a NaN.'),
  R('PROP-NAN-PAYLOAD', 'SHOULD', '4.1', 'A quiet NaN keeps its payload bits through an async import.'),
  R('PROP-NAN-SIGNALLING', 'MAY', '4.1', 'A signalling NaN keeps its exact bit pattern through an async import.'),
  R('PROP-MULTI-VALUE', 'MUST', '4.1', 'Several async results in one call, returned as a multi-value result, arrive in order.'),
  R('PROP-ARGS', 'MUST', '4.1', 'A call whose arguments do not match the export\'s parameters in number or type is refused with a message; the guest never runs on coerced values.'),
  R('PROP-EXPORT-FLOAT', 'MUST', '4.1', 'f32 and f64 call arguments and results cross the export boundary bit-exactly: both zeros, infinities, subnormals (never flushed to zero), extremes.'),
  R('PROP-EXPORT-NAN', 'MUST', '4.1', 'A NaN call argument or result is still a NaN on the other side of the export boundary.'),
  R('PROP-EXPORT-NAN-PAYLOAD', 'SHOULD', '4.1', 'A quiet NaN call argument or result keeps its payload bits across the export boundary.'),
  R('PROP-EXPORT-NAN-SIGNALLING', 'MAY', '4.1', 'A signalling NaN call argument or result keeps its exact bit pattern across the export boundary.'),
  R('PROP-HOST-ERROR', 'MUST', '4.2', 'A host rejection reaches the caller as host-error carrying the function, the code and a message.'),
  R('PROP-HOST-ERROR-LATE', 'MUST', '4.2', 'A host rejection after many successful suspensions is reported like the first one.'),
  R('PROP-HOST-ERROR-NESTED', 'MUST', '4.2', 'A host rejection under many suspended guest frames is reported like a shallow one.'),
  R('PROP-AFTER-ERROR', 'MUST', '4.2', 'An instance stays usable after a call ended in a host error or a trap.'),
  R('PROP-DENIED', 'MUST', '4.3', 'A call to a capability-checked function without the grant ends in denied, with no side effect.'),
  R('PROP-IO-RESULT', 'MUST', '4.3', 'read_file, http_get and call write exactly the host bytes into guest memory and return their count.'),
  R('PROP-IO-ERROR', 'MUST', '4.3', 'Failures of read_file, http_get and call are host errors with the ABI error code.'),
  R('PROP-TRAP', 'MUST', '4.4', 'A guest trap ends the call as trap with its kind, whether or not the call had suspended before.'),
  R('PROP-STACK-OVERFLOW', 'MUST', '4.4', 'Unbounded guest recursion traps as stack-overflow, and the runtime goes on working.'),
  R('PROP-NESTED', 'MUST', '4.5', 'Guest functions nested many frames deep can each suspend, and results compose correctly.'),
  R('SUSP-ORDER', 'MUST', '5.1', 'An async import suspends the guest and returns control to the host before the import completes.'),
  R('SUSP-STACKS', 'MUST', '5.1', 'Suspended calls in different instances resume independently, in the order their host operations complete.'),
  R('SUSP-LOCALS', 'MUST', '5.2', 'Locals of every type are intact across at least 1000 suspensions.'),
  R('SUSP-GLOBALS', 'MUST', '5.2', 'Mutable globals read before and written after suspensions are intact across at least 1000 suspensions.'),
  R('SUSP-MEMORY', 'MUST', '5.2', 'Linear memory is intact across at least 1000 suspensions.'),
  R('SUSP-TABLE', 'MUST', '5.2', 'Tables called through and mutated across suspensions are intact.'),
  R('SUSP-SIMD', 'SHOULD', '5.2', 'v128 locals are intact across suspensions (where SIMD is supported).'),
  R('SUSP-INDIRECT', 'MUST', '5.3', 'An async import reached through call_indirect suspends like a direct call.'),
  R('SUSP-DEEP', 'MUST', '5.3', 'A guest suspends under at least 1000 guest frames, and with every one of 200 frames suspended in turn.'),
  R('SUSP-MANY', 'MUST', '5.4', 'One call completes at least 1000 next-turn suspensions and 10000 ready suspensions.'),
  R('SUSP-SLEEP', 'MUST', '5.4', 'sleep(ms) suspends the guest for at least ms milliseconds.'),
  R('SUSP-MIXED', 'MUST', '5.4', 'Suspensions on different host functions (ready, next-turn, timer) interleave in one call correctly.'),
  R('SUSP-READY-PLAIN', 'MUST', '5.4', 'An async import whose host answers at once (a plain value, a ready future) hands the guest that value; whether the guest yields first is reported, not required.'),
  R('SUSP-YIELD', 'MUST', '5.4', 'yield completes only after host work that was ready when it was called has had its turn, never synchronously inside the call: a guest yielding in a loop never starves other ready work.'),
  R('SUSP-READY-AT-ONCE', 'MUST', '5.4', 'ready_i32 answers at once: no timer and no waiting for other host work, so many ready_i32 calls cost about what as many already-resolved echo_i32 calls cost.'),
  R('SUSP-REENTER', 'SHOULD', '5.5', 'A host function may call back into the instance that called it; the nested call may itself suspend, and both calls get their own results.'),
  R('SUSP-REENTER-SYNC', 'MUST', '5.5', 'A synchronous host function whose nested call tries to suspend fails loudly (host error or trap, with a message), never hands the guest a value the nested call did not produce; the instance then serves calls correctly.'),
  R('CANCEL-AWAITING', 'MUST', '6.1', 'Cancelling a call that awaits a host operation ends it as cancelled within 1 s, after the operation was aborted and its cleanup ran.'),
  R('CANCEL-DEADLINE', 'MUST', '6.1', 'A deadline that passes while a call awaits the host ends it as timeout, never before the deadline and within 1 s of it, with afterMs between the deadline and the time that passed; a deadline not reached changes nothing.'),
  R('CANCEL-NETWORK', 'SHOULD', '6.1', 'Cancelling a call that awaits http_get aborts the request within 1 s.'),
  R('CANCEL-ISOLATION', 'MUST', '6.1', 'Cancelling one call leaves calls in other instances untouched.'),
  R('CANCEL-BEFORE-START', 'MUST', '6.1', 'A call cancelled before it starts does not run: cancelled, the guest never entered and no host operation started, also when the cancel reaches an out-of-process adapter together with the call.'),
  R('CANCEL-QUEUED', 'MUST', '6.1', 'A call waiting its turn behind another call into the same instance that is cancelled, or whose deadline passes, ends cancelled or timeout without ever entering the guest; its deadline counts from when it was sent, the wait included; the call ahead is untouched.'),
  R('CANCEL-PREEMPT', 'MUST', '6.2', 'Runtimes declaring preemptive cancellation stop a guest that never calls the host within 1 s of its deadline or cancel.'),
  R('CANCEL-AFTER', 'MUST', '6.3', 'After a cancelled call the instance follows the declared post-cancel policy: reusable with correct results, or refused with a clear error.'),
  R('CANCEL-AFTER-PREEMPT', 'MUST', '6.3', 'After a call was stopped by preemption the same instance follows the declared post-preemption policy: reusable with its state as the stopped call left it and correct results, or refused with a clear error.'),
  R('CANCEL-CYCLES', 'MUST', '6.4', '1000 cancel cycles on one instance leave no pending host operation and no memory growth.'),
  R('CANCEL-RACE', 'MUST', '6.4', 'A cancel racing the completion of a call gives exactly one outcome, ok or cancelled, and consistent host counters.'),
  R('CANCEL-DISPOSE', 'MUST', '6.5', 'Disposing an instance ends each of its calls in flight as cancelled within 1 s, its host operations aborted; every later request on the instance is refused as unknown-instance; other instances are untouched.'),
  R('CONC-INSTANCES', 'MUST', '7.1', 'K instances suspended on sleeps at once finish in about the longest sleep, not the sum.'),
  R('CONC-ISOLATION', 'MUST', '7.1', 'Instances running concurrently give their sequential results and never see each other\'s memory or globals.'),
  R('CONC-ORDER', 'MUST', '7.1', 'Concurrent calls complete in the order of their sleep durations.'),
  R('CONC-RESPONSIVE', 'MUST', '7.2', 'While guests are suspended, the runtime answers another call well within the sleeps.'),
  R('CONC-REENTRANCY', 'MUST', '7.3', 'Concurrent calls into one instance follow the declared reentrancy policy (reject, serialise or interleave) and each gets its own result.'),
  R('CONC-FIFO', 'MUST', '7.3', 'Calls into one instance enter the guest in the order they were sent.'),
  R('CONC-NO-PARALLEL', 'MUST', '7.3', 'Calls into one instance never run guest code at the same time, whatever the declared reentrancy policy: they may interleave only at suspension points.'),
  R('CAP-DENY', 'MUST', '8.1', 'A capability-checked call without a matching grant is denied, naming the capability, with no side effect.'),
  R('CAP-GRANT', 'MUST', '8.1', 'Exact and glob file grants allow exactly the paths they match; call grants match exact names.'),
  R('CAP-MOUNT-PREFIX', 'MUST', '8.1', 'A path is under a mount only if it continues the mount with "/": look-alikes such as /dataX/… or /database/… are denied with /data granted.'),
  R('CAP-DOTFILE', 'MUST', '8.1', 'No wildcard (*, **, ?, a class) matches the leading dot of a path segment: a dot-file is granted only by a pattern that spells the dot.'),
  R('CAP-TRAVERSAL', 'MUST', '8.2', 'Non-canonical paths (.., //, /./, relative) and symlinks leading outside a mount never read outside the grant.'),
  R('CAP-ORIGIN', 'MUST', '8.3', 'http grants match the exact origin: scheme, host and port; look-alike hosts and credentials are denied.'),
  R('CAP-BOUNDS', 'MUST', '8.4', 'Pointers and lengths outside guest memory, NUL bytes and over-long inputs are refused; the host never crashes and the instance keeps working.'),
  R('CAP-ARG-CODES', 'MUST', '8.4', 'Each malformed argument gets its one code: over a length limit TOO_LARGE, a range outside memory BAD_POINTER, not UTF-8 INVALID_ARGUMENT, and a string the grant rules refuse DENIED.'),
  R('CAP-GATE-TWICE', 'MUST', '8.5', 'Awaiting a gate that another call already awaits fails at once with host-error INVALID_ARGUMENT from gate; the first waiter keeps waiting and receives the value.'),
  R('CAP-PENDING', 'MUST', '8.5', 'The guest-visible pending() counts the instance\'s pending host operations: it is 0 after a call ended in a host error and after a cancelled call.'),
  R('CAP-EVENTS', 'MUST', '8.5', 'A denial or an argument failure is a host operation like any other: start, then error with the code as detail; counted as failed; the denial names file:<path>, http:<origin> or call:<name>.'),
  R('LIMIT-GROW-MAX', 'MUST', '9.1', 'memory.grow past the module\'s own maximum returns -1 and leaves memory unchanged.'),
  R('LIMIT-MEMORY', 'MUST', '9.1', 'With a memory limit: memory.grow past it returns -1, and an initial memory above it fails instantiation with a clear error.'),
  R('LIMIT-MEMORY-INSPECT', 'MUST', '9.1', 'inspect reports memoryBytes as the current byte length of the exported memory (it rises by exactly 65536 per page grown), or null when the instance exports none.'),
  R('LIMIT-FUEL', 'MUST', '9.2', 'With fuel metering: running out traps as out-of-fuel; enough fuel lets the same call finish.'),
  R('LIMIT-DEEP-SUSPENDED', 'MUST', '9.3', 'Recursion 10 000 frames deep under a suspension completes correctly or traps as stack-overflow; the runtime serves the next call.'),
  R('LIMIT-HOST-RESULT', 'MUST', '9.4', 'A host result larger than the guest buffer is refused with TOO_LARGE; the instance keeps working.'),
  R('LIMIT-UNENFORCEABLE', 'MUST', '9.5', 'An adapter given a limit it does not declare it can enforce (fuel, memory pages) fails the instantiation with a clear error; it never runs the guest without the limit.'),
  R('GEN-MODEL', 'MUST', '10.1', 'Every generated program returns what the model interpreter computes (value, trap kind or host error) and makes exactly the model\'s host calls, in order.'),
  R('GEN-CONCURRENT', 'MUST', '10.2', 'Generated programs run concurrently on separate instances give the same outcomes and host calls as run alone.'),
  R('GEN-CANCEL', 'MUST', '10.3', 'A generated program cancelled at a random moment ends with the model\'s outcome or cancelled, never anything else, and the adapter then runs it correctly on a fresh instance.'),
  R('COMP-STRING', 'MUST', '13.2', 'A string passed to an async component import and returned by it arrives byte-exact, multi-byte UTF-8 included.'),
  R('COMP-LIST', 'MUST', '13.2', 'A list<u8> of up to 256 KiB passed to an async component import and returned by it arrives byte-exact.'),
  R('COMP-ERROR-RESULT', 'MUST', '13.2', 'An async import\'s err(host-error) reaches the guest as a value, and the guest\'s own err result reaches the caller as host-error with the function, code and message.'),
  R('COMP-UNDECLARED-ASYNC', 'SHOULD', '13.3', 'A host function that completes later where the binding treats it as synchronous fails loudly (trap or error); it never hands the guest a made-up value.'),
  R('COMP-REJECTION-SETTLES', 'MUST', '13.3', 'When an async import\'s operation is aborted (cancel or deadline), the export call settles within 1 s: cancelled, timeout or a trap, never pending forever.'),
  R('CMA-CONCURRENT-EXPORT', 'MUST', '14.2', 'Concurrent calls of one async-lifted (callback) export into one instance are all parked at once, each on its own host operation, and each completes with its own result in whatever order the host completes them.'),
  R('CMA-SYNC-LIFT-SERIALISES', 'MUST', '14.2', 'An async-typed export lifted with the sync ABI holds the instance lock for its whole call: while one call is blocked in a sync-lowered async import, a second call does not enter; then it runs, each with its own result.'),
  R('CMA-SUBTASK', 'MUST', '14.3', 'An async-lowered import that blocks returns a subtask in state STARTED (or STARTING); the guest then gets SUBTASK events whose states only rise, ending once in RETURNED after the host operation completed; one that completes at once may return RETURNED directly; the value is intact either way.'),
  R('CMA-TASK-RETURN', 'MUST', '14.4', 'An async-lifted export calls task.return exactly once: a second call traps, and exiting without it traps; the caller gets a trap, not a value.'),
  R('CMA-YIELD', 'MUST', '14.5', 'A stackless task that returns YIELD lets other calls of the same instance run before it resumes.'),
  R('CMA-EMPTY-WAIT', 'MUST', '14.5', 'Waiting on an empty waitable set is not an error while other tasks may still join waitables to it: the task parks, and a subtask another task joins to the set wakes it with that subtask\'s event.'),
  R('CMA-ERRORS', 'MUST', '14.6', 'An async-lowered import\'s err(host-error) reaches the guest as a value and the export\'s caller as host-error with function, code and message; the host logs it as one operation: start, then error with the code.'),
  R('CMA-SUBTASK-CANCEL', 'MUST', '14.8', 'A guest cancelling its subtask gets exactly one terminal state (RETURNED, CANCELLED_BEFORE_STARTED, CANCELLED_BEFORE_RETURNED) that agrees with the host log: a cancelled host operation is aborted (its cleanup runs, abort logged, nothing pending), a returned one completed.'),
  R('CMA-BACKPRESSURE', 'MUST', '14.9', 'While the instance\'s backpressure counter (backpressure.inc/dec) is above zero, a new call of an async export waits without entering the guest, neither failing nor running; it enters and completes once the counter is back at zero; a non-async export is not held back.'),
] as const satisfies readonly Requirement[];

export type RequirementId = (typeof REQUIREMENTS)[number]['id'];

export function requirement(id: RequirementId): Requirement {
  return REQUIREMENTS.find((r) => r.id === id)!;
}
