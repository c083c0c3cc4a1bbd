//! Components of the native async ABI (SPEC.md §14, `component-async`): the host interface
//! `awc:cma/host@0.1.0` (fixtures/wit-async/awc-cma.wit) linked with `func_wrap_concurrent`, and
//! one driver task per instance that owns its Store inside `run_concurrent`, so several protocol
//! calls into one instance run concurrently as guest tasks (`start_call_concurrent`).
//!
//! Cancellation: wasmtime 48 cannot cancel a guest task from the host (no task.cancel delivery;
//! `Func::call_concurrent` docs, wasmtime issue #11833) and dropping the call's future does not
//! stop the task. So an embedder cancel (protocol cancel, deadline) aborts the host operations the
//! task started (each records `abort` after its cleanup) and abandons the task: the host subtask
//! it waits on never completes, so the task never resumes. A guest's own `subtask.cancel` drops
//! the host future (wasmtime aborts it), which records `abort` the same way.
use crate::component_host::{as_error_result, limited};
use crate::host::{host_err, read_granted_file, Finish, HostState};
use awc_host::sample;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use wasmtime::component::{Accessor, AccessorTask, GuestTaskId, Instance, Linker, Val};
use wasmtime::{AsContextMut, Store};

pub const INTERFACE: &str = "awc:cma/host@0.1.0";

/// A protocol call's side of its guest task: the cancel signal the call sets, and the number of
/// its host operations still running (the call waits for 0 after a cancel, so every `abort` is
/// in the log before the call is answered, as on the core path).
#[derive(Clone)]
pub struct CallCtl {
    pub cancel: watch::Receiver<bool>,
    pub live: Arc<watch::Sender<usize>>,
}

/// The guest tasks the protocol started, by task: a host operation looks up the root task of
/// its async call stack here.
/// The third field is the instance itself, set when its driver starts: the reentry host
/// functions (SPEC.md §14.15) call its exports.
#[derive(Default)]
pub struct Tasks(Mutex<HashMap<GuestTaskId, CallCtl>>, pub Arc<std::sync::atomic::AtomicBool>, Mutex<Option<Instance>>);

/// The epoch deadline of an async component's Store: yield to Tokio at every tick, and fail guest
/// code still running once the instance was stopped (disposed, or a call abandoned while no host
/// operation of it ran) — an abandoned task spinning in wasm would otherwise hold the event loop
/// (every task of the instance, and a CPU) for good: epoch yields do not let other tasks run.
pub fn epoch_tick(store: wasmtime::StoreContextMut<'_, HostState>) -> wasmtime::Result<wasmtime::UpdateDeadline> {
    if store.data().tasks.1.load(std::sync::atomic::Ordering::SeqCst) {
        // Not a Trap: the call that meets it is told why (engine-error), not "interrupted".
        return Err(wasmtime::Error::msg("the instance was stopped (an earlier call was abandoned, or the instance disposed): its guest code no longer runs"));
    }
    Ok(wasmtime::UpdateDeadline::Yield(1))
}

impl Tasks {
    fn ctl(&self, task: GuestTaskId) -> Option<CallCtl> {
        self.0.lock().unwrap().get(&task).cloned()
    }
}

/// Counts one running host operation of a call until dropped.
pub(crate) struct Live(Arc<watch::Sender<usize>>);
impl Live {
    pub(crate) fn new(live: Arc<watch::Sender<usize>>) -> Self {
        live.send_modify(|n| *n += 1);
        Live(live)
    }
}
impl Drop for Live {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

/// The protocol call the current host operation belongs to (None: a task the protocol did not start).
pub(crate) fn signal_of(accessor: &Accessor<HostState>) -> Option<CallCtl> {
    accessor.with(|mut access| {
        let root = access.as_context_mut().async_call_stack().ok()?.last()?;
        access.data_mut().tasks.ctl(root)
    })
}

/// One host operation: `start`, then `ok`/`error` when `body` ends, or `abort` (after `body` was
/// dropped: its cleanup ran) when wasmtime drops it (the guest cancelled the subtask, the store is
/// gone) or its protocol call is cancelled — then the operation never completes (see the module).
pub(crate) async fn operation<R>(accessor: &Accessor<HostState>, name: &'static str, detail: Option<Value>, body: impl Future<Output = wasmtime::Result<R>>) -> wasmtime::Result<R> {
    let shared = accessor.with(|mut access| access.data_mut().shared.clone());
    let ctl = signal_of(accessor);
    // Declared before the guard, so dropped after it: counted until its `abort` is recorded.
    let _live = ctl.as_ref().map(|c| Live::new(c.live.clone()));
    let guard = shared.begin(name, detail);
    let mut body = Box::pin(body);
    let Some(CallCtl { cancel: mut signal, .. }) = ctl else { return guard.finish(body.await) };
    let finished = tokio::select! {
        result = &mut body => Some(result),
        // Only a set signal cancels: a call answered drops its sender, and its task may go on.
        Ok(_) = signal.wait_for(|cancelled| *cancelled) => None,
    };
    match finished {
        Some(result) => guard.finish(result),
        None => {
            drop(body);
            drop(guard);
            drop(_live);
            std::future::pending().await
        }
    }
}

/// Calls the instance's own export `name` (no parameters, result u32) as a new guest task, from
/// the host task running this import. wasmtime decides whether the instance may be entered.
async fn call_own(accessor: &Accessor<HostState>, name: &str) -> wasmtime::Result<u32> {
    let func = accessor.with(|mut access| {
        let instance = (*access.data_mut().tasks.2.lock().unwrap()).ok_or_else(|| host_err("reenter", crate::host::NOT_FOUND, "this host cannot call back into its instance"))?;
        instance.get_func(&mut access, name).ok_or_else(|| host_err("reenter", crate::host::NOT_FOUND, format!("the instance exports no function {name:?}")))
    })?;
    let mut results = vec![Val::U32(0)];
    func.call_concurrent(accessor, &[], &mut results).await?;
    u32_result(name, &results)
}

fn u32_result(name: &str, results: &[Val]) -> wasmtime::Result<u32> {
    match results {
        [Val::U32(v)] => Ok(*v),
        other => Err(wasmtime::Error::msg(format!("{name} returned {other:?}, not one u32"))),
    }
}

macro_rules! concurrent_op {
    ($host:ident, $name:literal, detail = $detail:expr, |$acc:ident, $params:tt : $pty:ty| $body:expr) => {
        $host.func_wrap_concurrent($name, |$acc: &Accessor<HostState>, $params: $pty| {
            Box::pin(async move {
                let detail: Option<Value> = $detail;
                let body = async { $body };
                operation($acc, $name, detail, body).await
            })
        })?;
    };
}

pub fn link(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    let mut host = linker.instance(INTERFACE)?;
    concurrent_op!(host, "sleep", detail = None, |acc, (ms,): (u32,)| {
        tokio::time::sleep(Duration::from_millis(ms as u64)).await;
        Ok(())
    });
    concurrent_op!(host, "yield-turn", detail = None, |acc, (): ()| {
        tokio::task::yield_now().await;
        Ok(())
    });
    concurrent_op!(host, "echo-s32", detail = None, |acc, (v,): (i32,)| {
        tokio::task::yield_now().await;
        Ok((v,))
    });
    concurrent_op!(host, "echo-s64", detail = None, |acc, (v,): (i64,)| {
        tokio::task::yield_now().await;
        Ok((v,))
    });
    concurrent_op!(host, "echo-string", detail = None, |acc, (s,): (String,)| {
        tokio::task::yield_now().await;
        Ok((s,))
    });
    concurrent_op!(host, "ready-s32", detail = None, |acc, (v,): (i32,)| Ok((v,)));
    host.func_wrap_concurrent("fail", |acc: &Accessor<HostState>, (code,): (u32,)| {
        Box::pin(async move {
            // Logged as an error, like the core `fail`; the guest gets it as a value.
            let failed = operation(acc, "fail", None, async move { Err::<(), _>(host_err("fail", code as i32, format!("fail({code}) requested by the guest"))) }).await;
            Ok((as_error_result(failed)?,))
        })
    })?;
    concurrent_op!(host, "gate", detail = None, |acc, (id,): (u32,)| {
        let shared = acc.with(|mut a| a.data_mut().shared.clone());
        shared.await_gate(id as i32).await.map(|v| (v as u32,)).map_err(wasmtime::Error::new)
    });
    host.func_wrap_concurrent("read-file", |acc: &Accessor<HostState>, (path, max): (String, u32)| {
        Box::pin(async move {
            let grants = acc.with(|mut a| a.data_mut().grants.clone());
            let detail = None;
            let result = operation(acc, "read-file", detail, async move { read_granted_file("read-file", &grants, &path, max).await.and_then(|b| limited("read-file", b, max)) }).await;
            Ok((as_error_result(result)?,))
        })
    })?;
    // A sync WIT function (wasmtime links those only with func_wrap/func_wrap_async): the guest is
    // blocked in it, so the instance is on the stack and the reentrant call must trap; its error
    // propagates to the guest unchanged. One operation in the log, like every other.
    host.func_wrap_async("reenter", |mut store: wasmtime::StoreContextMut<'_, HostState>, (name,): (String,)| {
        Box::new(async move {
            let guard = store.data().shared.clone().begin("reenter", None);
            let instance = *store.data().tasks.2.lock().unwrap();
            let found = instance.and_then(|i| i.get_func(&mut store, &name));
            let result = match found {
                None => Err(host_err("reenter", crate::host::NOT_FOUND, format!("this host cannot call the instance's export {name:?}"))),
                Some(func) => {
                    let mut results = vec![Val::U32(0)];
                    match func.call_async(&mut store, &[], &mut results).await {
                        Ok(()) => u32_result(&name, &results),
                        Err(e) => Err(e),
                    }
                }
            };
            guard.finish(result.map(|v| (v,)))
        })
    })?;
    concurrent_op!(host, "reenter-after-turn", detail = None, |acc, (name,): (String,)| {
        // A turn first: the guest's task has blocked by then (the import returned STARTED).
        tokio::task::yield_now().await;
        call_own(acc, &name).await.map(|v| (v,))
    });
    host.func_wrap("mark", |store: wasmtime::StoreContextMut<'_, HostState>, (tag,): (u32,)| {
        store.data().shared.record(None, "mark", "mark", Some(json!(tag)));
        Ok(())
    })?;
    crate::component_streams::link(&mut host)?;
    Ok(())
}

/// A call handed to an instance's driver; `cancel` is set by the protocol side on cancel/deadline.
pub struct Call {
    pub export: String,
    pub args: Vec<Value>,
    pub ctl: CallCtl,
    pub reply: oneshot::Sender<Value>,
}

/// What an instance's driver is handed: a protocol call, or a bench of one export.
pub enum Work {
    Call(Call),
    Bench(Bench),
}

/// `bench` on an async component: samples (the protocol's bench result) or why it failed.
pub struct Bench {
    pub export: String,
    pub args: Vec<Value>,
    pub budget_ms: u64,
    pub warmup_ms: u64,
    pub reply: oneshot::Sender<Result<Value, String>>,
}

/// A bench as a task of the store's event loop: the export is looked up and its arguments
/// converted once, then each sampled call is one `call_concurrent` (a guest task), awaited.
struct BenchTask {
    bench: Bench,
    instance: Instance,
}

impl AccessorTask<HostState> for BenchTask {
    async fn run(self, accessor: &Accessor<HostState>) -> wasmtime::Result<()> {
        let Bench { export, args, budget_ms, warmup_ms, reply } = self.bench;
        let instance = self.instance;
        let sampled: Result<Value, String> = async {
            let (func, args, result_count) = accessor.with(|mut access| crate::component_func(&mut access, &instance, &export, &args)).map_err(|o| o["message"].as_str().unwrap_or("cannot call").to_string())?;
            let mut results = vec![Val::Bool(false); result_count];
            sample!(budget_ms, warmup_ms, async { func.call_concurrent(accessor, &args, &mut results).await.map_err(|e| format!("{export} does not succeed: {e:#}")) })
        }
        .await;
        let _ = reply.send(sampled);
        Ok(())
    }
}

/// One protocol call as a task of the store's event loop: starts the guest task, registers its
/// cancel signal under the task id before the guest can run, and replies with its results.
struct CallTask {
    call: Call,
    /// The replies not yet sent: a trap ends run_concurrent, and then every one still here gets it.
    pending: Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>,
    id: u64,
    instance: Instance,
}

impl AccessorTask<HostState> for CallTask {
    async fn run(self, accessor: &Accessor<HostState>) -> wasmtime::Result<()> {
        let Call { export, args, ctl, reply } = self.call;
        let (func, args, result_count) = match accessor.with(|mut access| crate::component_func(&mut access, &self.instance, &export, &args)) {
            Ok(prepared) => prepared,
            Err(outcome) => {
                let _ = reply.send(outcome);
                return Ok(());
            }
        };
        self.pending.lock().unwrap().insert(self.id, reply);
        let mut results = vec![Val::Bool(false); result_count];
        let started = accessor.with(|mut access| {
            let call = func.start_call_concurrent(&mut access, &args, &mut results)?;
            access.data_mut().tasks.0.lock().unwrap().insert(call.task(), ctl);
            Ok::<_, wasmtime::Error>(call)
        });
        let outcome = match started {
            Ok(call) => {
                let task = call.task();
                let outcome = func.finish_call_concurrent(accessor, call).await;
                accessor.with(|mut access| access.data_mut().tasks.0.lock().unwrap().remove(&task));
                match outcome {
                    Ok(()) => crate::component_vals::outcome(&results),
                    Err(e) => crate::error_outcome(&e),
                }
            }
            Err(e) => crate::error_outcome(&e),
        };
        if let Some(reply) = self.pending.lock().unwrap().remove(&self.id) {
            let _ = reply.send(outcome);
        }
        Ok(())
    }
}

/// Runs one instance's event loop until its call channel closes (dispose); the Store is dropped
/// then, which drops every host operation still running (each records `abort`).
pub async fn drive(mut store: Store<HostState>, instance: Instance, mut calls: mpsc::UnboundedReceiver<Work>) {
    *store.data().tasks.2.lock().unwrap() = Some(instance);
    let pending: Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>> = Arc::default();
    let mut next = 0u64;
    loop {
        let result = store
            .run_concurrent(async |accessor| {
                while let Some(work) = calls.recv().await {
                    match work {
                        Work::Call(call) => {
                            next += 1;
                            accessor.spawn(CallTask { call, pending: pending.clone(), id: next, instance })?;
                        }
                        Work::Bench(bench) => {
                            accessor.spawn(BenchTask { bench, instance })?;
                        }
                    }
                }
                Ok::<_, wasmtime::Error>(())
            })
            .await;
        match result.and_then(|r| r) {
            Ok(()) => break,
            // A trap (or host failure) ends the event loop: every call in flight ends with it.
            // wasmtime does not say which task it was, and the instance is poisoned for all of them.
            Err(e) => {
                let mut outcome = crate::error_outcome(&e);
                let mut pending = pending.lock().unwrap();
                if pending.len() > 1 {
                    let message = format!("a task of this instance failed, maybe another call's (wasmtime ends the instance's event loop at the first trap): {}", outcome["message"].as_str().unwrap_or(""));
                    outcome["message"] = json!(message);
                }
                for (_, reply) in pending.drain() {
                    let _ = reply.send(outcome.clone());
                }
            }
        }
    }
    drop(store);
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::{Config, Engine};

    fn engine(concurrency: bool) -> Engine {
        let mut config = Config::new();
        config.concurrency_support(concurrency);
        if concurrency {
            config.wasm_component_model_async(true);
        }
        Engine::new(&config).unwrap()
    }

    #[test]
    fn both_host_interfaces_link_into_one_linker() {
        let mut linker = Linker::new(&engine(true));
        crate::component_host::link(&mut linker).unwrap();
        link(&mut linker).unwrap();
    }

    #[test]
    fn concurrent_host_functions_need_concurrency_support() {
        // Why the adapter keeps two engines: the sync engine cannot hold these functions.
        let mut linker = Linker::new(&engine(false));
        let err = link(&mut linker).unwrap_err();
        assert!(format!("{err:#}").contains("concurrency_support"), "{err:#}");
    }

    #[test]
    fn a_call_counts_its_running_operations() {
        let (tx, rx) = watch::channel(0usize);
        let tx = Arc::new(tx);
        let a = Live::new(tx.clone());
        let b = Live::new(tx.clone());
        assert_eq!(*rx.borrow(), 2);
        drop(a);
        assert_eq!(*rx.borrow(), 1);
        drop(b);
        assert_eq!(*rx.borrow(), 0);
    }
}
