//! awc-wasmtime-adapter: wasmtime + Tokio behind the awc wire protocol v1 (JSON lines on stdio,
//! harness/protocol/PROTOCOL.md). Requests are served concurrently; each instance has one Store,
//! so calls into one instance are serialised (declared `reentrancy: serialise`). Calls run with
//! `call_async`; cancel and deadlines drop the call future, which unwinds guest and host frames
//! (host futures' guards record the abort). Epoch interruption (a ticker bumps the epoch every
//! millisecond, the guest yields at each tick) lets a cancel or deadline stop a guest that never
//! calls the host.
//!
//! With `--component-model` the same adapter serves the `wasmtime-component` row: it loads
//! components instead of core modules and links the WIT host interface (component_host.rs).
//! Components of the native async ABI (`componentAsync`, SPEC.md §14) — those the engine above
//! rejects — compile on a second engine with concurrency support and run concurrently, one
//! driver task per instance (component_async.rs); sync components keep the path above unchanged.

mod component_async;
mod component_host;
mod component_streams;
mod component_vals;
mod core_vals;
mod host;
mod traps;

use base64::Engine as _;
use awc_host::caps::Grants;
use awc_host::protocol::{self, bad, params, CallSlot, Calls, Queue, Refusal, Reply};
use awc_host::sample;
use host::{HostError, HostState, Shared};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use wasmtime::component::{self, Component};
use wasmtime::{Config, Engine, Instance, Linker, Module, Store, StoreLimitsBuilder, Val};

const WASMTIME_VERSION: &str = "48.0.8";
const NO_FUEL_LIMIT: u64 = u64::MAX / 2;

/// What `load` compiled: a core module, or a component on the component-model row.
#[derive(Clone)]
enum Loaded {
    Module(Module),
    Component(Component),
    /// Compiled by the async engine: it uses the native async ABI (component_async.rs).
    AsyncComponent(Component),
}

enum Exports {
    Core(Instance),
    Component(component::Instance),
    /// An async component: its Store lives in its driver task, calls go there.
    Async(mpsc::UnboundedSender<component_async::Work>, Arc<std::sync::atomic::AtomicBool>),
}

struct Entry {
    /// None for an async component (its driver owns the Store).
    store: Option<tokio::sync::Mutex<Store<HostState>>>,
    exports: Exports,
    shared: Arc<Shared>,
    /// An async component's call was stopped (cancel, deadline): its guest task could not be
    /// cancelled and was abandoned, so the instance refuses every later call (postCancel refused).
    abandoned: std::sync::atomic::AtomicBool,
    /// This instance's call queue (calls enter in the order they were read).
    queue: Queue,
}

#[derive(Default)]
struct State {
    modules: HashMap<String, Loaded>,
    instances: HashMap<String, Arc<Entry>>,
    next: u64,
}

struct Adapter {
    engine: Engine,
    linker: Linker<HostState>,
    component_linker: component::Linker<HostState>,
    /// Components of the native async ABI: an engine with concurrency support, whose linker has
    /// both WIT host interfaces. The sync components keep the engine above, unchanged.
    async_engine: Engine,
    async_linker: component::Linker<HostState>,
    /// The `wasmtime-component` row: components only (core modules are the `wasmtime` row's).
    components: bool,
    http: reqwest::Client,
    state: Mutex<State>,
    calls: Calls,
    /// hello asked for host-event notifications; `out` is stdout's queue (weak: close still drains it).
    events: std::sync::atomic::AtomicBool,
    out: Mutex<Option<mpsc::WeakUnboundedSender<String>>>,
}

/// Records the size of a core instance's exported memory (inspect's memoryBytes).
fn note_memory(store: &mut Store<HostState>, instance: &Instance, shared: &Shared) {
    if let Some(memory) = instance.get_memory(&mut *store, "memory") {
        shared.memory_bytes.store(memory.data_size(&*store) as i64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The outcome of a call that ended with an error: trap, host error, denial or engine error.
pub(crate) fn error_outcome(err: &wasmtime::Error) -> Value {
    if let Some(h) = err.downcast_ref::<HostError>() {
        return match &h.capability {
            Some(capability) => json!({ "kind": "denied", "function": h.function, "capability": capability, "message": h.message }),
            None => json!({ "kind": "host-error", "function": h.function, "code": h.code, "message": h.message }),
        };
    }
    if let Some(trap) = err.downcast_ref::<wasmtime::Trap>() {
        return json!({ "kind": "trap", "trap": traps::trap_kind(trap), "message": format!("{err:#}") });
    }
    json!({ "kind": "engine-error", "name": "wasmtime", "message": format!("{err:#}") })
}

/// Calls a core export; the outcome, or a refusal when the export or arguments do not fit.
async fn call_core(store: &mut Store<HostState>, instance: &Instance, export: &str, args: &[Value]) -> Reply {
    let args = args.iter().map(|a| core_vals::to_val(a).map_err(bad)).collect::<Result<Vec<_>, _>>()?;
    let Some(func) = instance.get_func(&mut *store, export) else {
        return Ok(json!({ "kind": "engine-error", "name": "MissingExport", "message": format!("the guest exports no function {export:?}") }));
    };
    let mut results: Vec<Val> = func.ty(&*store).results().map(|t| core_vals::placeholder(&t)).collect();
    let outcome = match func.call_async(&mut *store, &args, &mut results).await {
        Ok(()) => core_vals::outcome(&results),
        Err(e) => error_outcome(&e),
    };
    Ok(outcome)
}

/// A component export with its arguments converted to its parameter types; or, as an
/// engine-error outcome, why it cannot be called with them (PROTOCOL.md: not an error response).
pub(crate) fn component_func(mut store: impl wasmtime::AsContextMut<Data = HostState>, instance: &component::Instance, export: &str, args: &[Value]) -> Result<(component::Func, Vec<component::Val>, usize), Value> {
    let Some(func) = instance.get_func(&mut store, export) else {
        return Err(json!({ "kind": "engine-error", "name": "MissingExport", "message": format!("the component exports no function {export:?}") }));
    };
    let ty = func.ty(&store);
    let mismatch = |message: String| json!({ "kind": "engine-error", "name": "BadArguments", "message": message });
    if ty.params().len() != args.len() {
        return Err(mismatch(format!("{export} takes {} argument(s), the call gave {}", ty.params().len(), args.len())));
    }
    let vals = args.iter().zip(ty.params()).map(|(a, (name, t))| component_vals::to_val(a, &t).map_err(|e| mismatch(format!("{export}({name}): {e}")))).collect::<Result<Vec<_>, _>>()?;
    let result_count = ty.results().len();
    Ok((func, vals, result_count))
}

/// Calls a component export: values by WIT type, an `err(host-error)` result as host-error.
async fn call_component(store: &mut Store<HostState>, instance: &component::Instance, export: &str, args: &[Value]) -> Reply {
    let (func, vals, result_count) = match component_func(&mut *store, instance, export, args) {
        Ok(prepared) => prepared,
        Err(outcome) => return Ok(outcome),
    };
    let mut results = vec![component::Val::Bool(false); result_count];
    Ok(match func.call_async(&mut *store, &vals, &mut results).await {
        Ok(()) => component_vals::outcome(&results),
        Err(e) => error_outcome(&e),
    })
}

/// Calls an async component export through its instance's driver (component_async.rs): calls
/// run concurrently. `turn` is released once the call is handed over, so calls still enter in the
/// order they were read. A cancel or deadline sets `ctl.cancel` (see `Adapter::call`).
async fn call_async_component(driver: &mpsc::UnboundedSender<component_async::Work>, export: &str, args: &[Value], turn: Option<oneshot::Sender<()>>, ctl: component_async::CallCtl) -> Reply {
    let (reply, outcome) = oneshot::channel();
    let call = component_async::Call { export: export.to_string(), args: args.to_vec(), ctl, reply };
    if driver.send(component_async::Work::Call(call)).is_err() {
        return Ok(json!({ "kind": "engine-error", "name": "InstanceGone", "message": "the instance's event loop has ended" }));
    }
    drop(turn);
    Ok(outcome.await.unwrap_or_else(|_| json!({ "kind": "engine-error", "name": "InstanceGone", "message": "the instance's event loop ended before the call did" })))
}

impl Adapter {
    fn new(components: bool) -> wasmtime::Result<Self> {
        let mut config = Config::new();
        config.epoch_interruption(true).consume_fuel(true).max_wasm_stack(512 * 1024).async_stack_size(2 * 1024 * 1024);
        // Multi-value, SIMD, reference types, bulk memory and tail calls are on by default in 48.
        // Concurrency support is on by default with the component-model-async Cargo feature; it
        // is off here so sync components and core modules run exactly as without it.
        config.concurrency_support(false);
        let engine = Engine::new(&config)?;
        // The stackful async lift (🚟 in the component model spec) is gated separately; this engine
        // takes it, so the row runs the component-async stackful cases (SPEC.md §14.17).
        config.concurrency_support(true).wasm_component_model_async(true).wasm_component_model_async_stackful(true);
        let async_engine = Engine::new(&config)?;
        let mut async_linker = component::Linker::new(&async_engine);
        component_host::link(&mut async_linker)?;
        component_async::link(&mut async_linker)?;
        let mut linker = Linker::new(&engine);
        host::link(&mut linker)?;
        let mut component_linker = component::Linker::new(&engine);
        component_host::link(&mut component_linker)?;
        let http = awc_host::abi::http_client();
        Ok(Adapter { engine, linker, component_linker, async_engine, async_linker, components, http, state: Mutex::new(State::default()), calls: Calls::default(), events: std::sync::atomic::AtomicBool::new(false), out: Mutex::new(None) })
    }

    /// A Store with the instance's grants and limits, yielding to Tokio at every epoch tick so
    /// cancels and deadlines can drop the call future.
    fn new_store(&self, engine: &Engine, shared: Arc<Shared>, grants: Grants, memory_pages: Option<u64>, fuel: Option<u64>) -> Result<Store<HostState>, Refusal> {
        let mut limits = StoreLimitsBuilder::new();
        if let Some(pages) = memory_pages {
            limits = limits.memory_size((pages * 65536) as usize);
        }
        let data = HostState { shared, grants: Arc::new(grants), limits: limits.build(), http: self.http.clone(), tasks: Default::default() };
        let mut store = Store::new(engine, data);
        store.limiter(|s| &mut s.limits);
        store.set_fuel(fuel.unwrap_or(NO_FUEL_LIMIT)).map_err(|e| Refusal("internal", e.to_string()))?;
        store.epoch_deadline_async_yield_and_update(1);
        Ok(store)
    }

    fn loaded(&self, id: &str) -> Result<Loaded, Refusal> {
        self.state.lock().unwrap().modules.get(id).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {id:?}")))
    }

    fn entry(&self, id: &str) -> Result<Arc<Entry>, Refusal> {
        self.state.lock().unwrap().instances.get(id).cloned().ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))
    }

    fn hello(&self, p: Value) -> Reply {
        let events = protocol::check_hello(&p)?;
        self.events.store(events, std::sync::atomic::Ordering::Relaxed);
        // A dropped (cancelled) call unwinds the guest like a trap; wasmtime then marks the store
        // trapped, and a component instance refuses every later call ("cannot enter component
        // instance"). Core instances take calls again.
        let post_cancel = if self.components { "refused" } else { "reusable" };
        // The same after an epoch interruption (a preemptive stop): the core store keeps its
        // globals and memory as the guest left them and takes calls (CANCEL-AFTER-PREEMPT).
        let post_preempt = post_cancel;
        let mut flags = vec!["consume_fuel", "epoch_interruption", "max_wasm_stack=512KiB", "async_stack_size=2MiB"];
        if self.components {
            flags.push("component-model");
            flags.push("concurrency_support (async components)");
        }
        Ok(json!({
            "protocolVersion": protocol::PROTOCOL_VERSION,
            "engine": { "name": "wasmtime", "version": WASMTIME_VERSION },
            "strategy": "native-async",
            "features": { "strategy": "native-async", "cancellation": "preemptive", "fuel": true, "memoryLimits": true, "reentrancy": "serialise", "postCancel": post_cancel, "postPreempt": post_preempt, "coreModules": !self.components, "components": self.components, "componentAsync": self.components },
            "flags": flags,
        }))
    }

    fn load(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct P { name: String, kind: String, wasm: String }
        let p: P = params(p)?;
        let wanted = if self.components { "component" } else { "module" };
        if p.kind != wanted {
            let other = if self.components { "the wasmtime row loads core modules" } else { "the wasmtime-component row loads components" };
            return Err(Refusal("unsupported", format!("this row loads {wanted}s only ({other})")));
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(&p.wasm).map_err(|e| bad(format!("wasm is not base64: {e}")))?;
        let compile_error = |e: wasmtime::Error| Refusal("bad-request", format!("cannot compile {}: {e:#}", p.name));
        let module = if self.components {
            // A component the sync engine rejects may use the async ABI: the async engine accepts
            // a superset, so its error is the one to report.
            match Component::new(&self.engine, &bytes) {
                Ok(c) => Loaded::Component(c),
                Err(_) => Loaded::AsyncComponent(Component::new(&self.async_engine, &bytes).map_err(compile_error)?),
            }
        } else {
            Loaded::Module(Module::new(&self.engine, &bytes).map_err(compile_error)?)
        };
        let mut state = self.state.lock().unwrap();
        state.next += 1;
        let id = format!("{}#{}", p.name, state.next);
        state.modules.insert(id.clone(), module);
        Ok(json!({ "module": id }))
    }

    async fn instantiate(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct Limits { #[serde(rename = "memoryPages")] memory_pages: Option<u64>, fuel: Option<u64> }
        #[derive(Deserialize)]
        struct P { module: String, grants: Grants, limits: Limits }
        let p: P = params(p)?;
        let loaded = self.loaded(&p.module)?;
        let shared = Arc::new(Shared::default());
        shared.memory_bytes.store(-1, std::sync::atomic::Ordering::Relaxed);
        let engine = if matches!(loaded, Loaded::AsyncComponent(_)) { &self.async_engine } else { &self.engine };
        let mut store = self.new_store(engine, shared.clone(), p.grants, p.limits.memory_pages, p.limits.fuel)?;
        let failed = |e: wasmtime::Error| Refusal("instantiation-failed", format!("{e:#}"));
        let (exports, store) = match &loaded {
            Loaded::Module(module) => {
                let instance = self.linker.instantiate_async(&mut store, module).await.map_err(failed)?;
                note_memory(&mut store, &instance, &shared);
                (Exports::Core(instance), Some(store))
            }
            // A component's memory is not an export of its own: memoryBytes stays unknown (null).
            Loaded::Component(c) => (Exports::Component(self.component_linker.instantiate_async(&mut store, c).await.map_err(failed)?), Some(store)),
            Loaded::AsyncComponent(c) => {
                let instance = self.async_linker.instantiate_async(&mut store, c).await.map_err(failed)?;
                let (tx, rx) = mpsc::unbounded_channel();
                let stopped = store.data().tasks.1.clone();
                store.epoch_deadline_callback(component_async::epoch_tick);
                // Ends when the Entry (the sender) is gone: dispose, or the adapter closing.
                tokio::spawn(component_async::drive(store, instance, rx));
                (Exports::Async(tx, stopped), None)
            }
        };
        let mut state = self.state.lock().unwrap();
        state.next += 1;
        let id = format!("i{}", state.next);
        if self.events.load(std::sync::atomic::Ordering::Relaxed) {
            if let Some(out) = self.out.lock().unwrap().clone() {
                shared.notify_to(id.clone(), out);
            }
        }
        state.instances.insert(id.clone(), Arc::new(Entry { store: store.map(tokio::sync::Mutex::new), exports, shared, abandoned: Default::default(), queue: Queue::default() }));
        Ok(json!({ "instance": id }))
    }

    /// Registers a call and takes its turn when its request is read, before any later request
    /// (its cancel, the next call) is handled: tasks run in any order, requests must not.
    /// `start` is released by the reader. None: a duplicate id, or no such instance.
    fn register_call(&self, p: &Value, start: oneshot::Receiver<()>) -> Option<CallSlot> {
        self.calls.register(p, start, |instance| Some(self.state.lock().unwrap().instances.get(instance)?.queue.take_turn()))
    }

    async fn call(&self, p: Value, slot: Option<CallSlot>) -> Reply {
        let p: protocol::CallParams = params(p)?;
        let Some(CallSlot { cancel: cancel_rx, turn, read_at: started, start }) = slot else {
            // Not registered: the instance was unknown when the request was read, or the id is in use.
            self.entry(&p.instance)?;
            return Err(bad(format!("call id {} is missing or already in flight", p.call)));
        };
        let entry = match self.entry(&p.instance) {
            Ok(entry) => entry,
            Err(refusal) => {
                self.calls.remove(&p.call);
                return Err(refusal);
            }
        };
        // An async component's call: its cancel signal and its count of running host operations.
        let (cancel_tx, cancel_signal) = watch::channel(false);
        let (live_tx, mut live) = watch::channel(0usize);
        let ctl = component_async::CallCtl { cancel: cancel_signal, live: Arc::new(live_tx) };
        let run = async {
            // Not before the reader has handled the lines read with this call (its cancel among them).
            let _ = start.await;
            // `_mine` is held until this call ends or is dropped; then the next call may enter.
            let _mine = match turn {
                Some(turn) => Some(turn.wait().await),
                None => None,
            };
            if let Exports::Async(driver, _) = &entry.exports {
                if entry.abandoned.load(std::sync::atomic::Ordering::SeqCst) {
                    // An abandoned task may hold the instance (a sync-lowered import blocks it for every other task).
                    return Ok(json!({ "kind": "engine-error", "name": "InstanceRefused", "message": "the instance refuses calls: an earlier call was stopped, and wasmtime 48 cannot cancel its guest task, which was abandoned (postCancel refused)" }));
                }
                return call_async_component(driver, &p.export, &p.args, _mine, ctl).await;
            }
            let Some(store) = &entry.store else { return Err(Refusal("internal", "no store".into())) };
            let mut store = store.lock().await;
            match &entry.exports {
                Exports::Async(..) => unreachable!(),
                Exports::Core(instance) => {
                    let outcome = call_core(&mut store, instance, &p.export, &p.args).await;
                    note_memory(&mut store, instance, &entry.shared);
                    outcome
                }
                Exports::Component(instance) => call_component(&mut store, instance, &p.export, &p.args).await,
            }
        };
        // The deadline counts from when the request was read, a wait for the call's turn included.
        let outcome = protocol::race(cancel_rx, p.deadline_ms, started, run).await;
        let stopped = matches!(&outcome, Ok(o) if o["kind"] == "cancelled" || o["kind"] == "timeout");
        if let (true, Exports::Async(_, instance_stopped)) = (stopped, &entry.exports) {
            // wasmtime cannot cancel the guest task: its host operations are aborted instead
            // (component_async.rs), and the call is answered once each recorded `abort` (bounded).
            // No host operation running: the task may be running guest code (a loop), which would
            // hold the event loop for good; guest code of the instance then traps at its next epoch
            // tick (component_async::epoch_tick). Otherwise the other calls in flight carry on.
            if *live.borrow() == 0 {
                instance_stopped.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            cancel_tx.send_replace(true);
            entry.abandoned.store(true, std::sync::atomic::Ordering::SeqCst);
            let _ = tokio::time::timeout(Duration::from_secs(2), live.wait_for(|n| *n == 0)).await;
        }
        self.calls.remove(&p.call);
        Ok(protocol::call_result(outcome?, started))
    }

    /// Calls an export in batches timed inside this process; a batch lasts at least MIN_SAMPLE.
    async fn bench(&self, p: Value) -> Reply {
        let p: protocol::BenchParams = params(p)?;
        if p.plain {
            // A store that uses async host functions cannot make synchronous calls at all.
            return Err(Refusal("unsupported", "no plain (synchronous) call path on an async store".into()));
        }
        let entry = self.entry(&p.instance)?;
        let Some(store) = &entry.store else {
            let Exports::Async(driver, _) = &entry.exports else { return Err(Refusal("internal", "no store".into())) };
            // Sampled inside the instance's event loop (component_async::BenchTask): each call is
            // `call_concurrent` on the export, without the protocol's per-call hop into the loop.
            let (reply, samples) = oneshot::channel();
            let bench = component_async::Bench { export: p.export.clone(), args: p.args.clone(), budget_ms: p.budget_ms, warmup_ms: p.warmup_ms, reply };
            if driver.send(component_async::Work::Bench(bench)).is_err() {
                return Err(Refusal("bad-request", "the instance's event loop has ended".into()));
            }
            return match samples.await {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(message)) => Err(Refusal("bad-request", message)),
                Err(_) => Err(Refusal("bad-request", format!("{}: the instance's event loop ended during the bench (a trap ends every task of the instance)", p.export))),
            };
        };
        let mut store = store.lock().await;
        let failed = |e: wasmtime::Error| Refusal("bad-request", format!("{} does not succeed: {e:#}", p.export));
        match &entry.exports {
            Exports::Core(instance) => {
                let args = p.args.iter().map(|a| core_vals::to_val(a).map_err(bad)).collect::<Result<Vec<_>, _>>()?;
                let func = instance.get_func(&mut *store, &p.export).ok_or_else(|| bad(format!("no export {:?}", p.export)))?;
                let mut results: Vec<Val> = func.ty(&*store).results().map(|t| core_vals::placeholder(&t)).collect();
                sample!(p.budget_ms, p.warmup_ms, async { func.call_async(&mut *store, &args, &mut results).await.map_err(failed) })
            }
            Exports::Async(..) => unreachable!(),
            Exports::Component(instance) => {
                let (func, args, result_count) = component_func(&mut *store, instance, &p.export, &p.args).map_err(|o| bad(o["message"].as_str().unwrap_or("cannot call").to_string()))?;
                let mut results = vec![component::Val::Bool(false); result_count];
                sample!(p.budget_ms, p.warmup_ms, async { func.call_async(&mut *store, &args, &mut results).await.map_err(failed) })
            }
        }
    }

    /// Instantiates a module (no grants) in batches timed inside this process.
    async fn bench_instantiate(&self, p: Value) -> Reply {
        let p: protocol::BenchInstantiateParams = params(p)?;
        let loaded = self.loaded(&p.module)?;
        let failed = |e: wasmtime::Error| Refusal("instantiation-failed", format!("{e:#}"));
        sample!(p.budget_ms, p.warmup_ms, async {
            let engine = if matches!(loaded, Loaded::AsyncComponent(_)) { &self.async_engine } else { &self.engine };
            let mut store = self.new_store(engine, Arc::new(Shared::default()), Grants::default(), None, None)?;
            match &loaded {
                Loaded::AsyncComponent(c) => self.async_linker.instantiate_async(&mut store, c).await.map(|_| ()).map_err(failed),
                Loaded::Module(module) => self.linker.instantiate_async(&mut store, module).await.map(|_| ()).map_err(failed),
                Loaded::Component(c) => self.component_linker.instantiate_async(&mut store, c).await.map(|_| ()).map_err(failed),
            }
        })
    }

    /// Forgets the instance (later requests: unknown-instance) and cancels its calls in flight.
    fn dispose(&self, p: Value) -> Reply {
        let id = p["instance"].as_str().ok_or_else(|| bad("instance"))?;
        let entry = self.state.lock().unwrap().instances.remove(id).ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))?;
        if let Exports::Async(_, stopped) = &entry.exports {
            stopped.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        self.calls.cancel_instance(id, "instance disposed");
        Ok(json!({}))
    }

    async fn handle(&self, method: &str, p: Value, slot: Option<CallSlot>) -> Reply {
        match method {
            "hello" => self.hello(p),
            "load" => self.load(p),
            "instantiate" => self.instantiate(p).await,
            "call" => self.call(p, slot).await,
            "cancel" => self.calls.cancel(&p),
            "inspect" => Ok(self.entry(p["instance"].as_str().ok_or_else(|| bad("instance"))?)?.shared.snapshot()),
            "open-gate" => {
                let entry = self.entry(p["instance"].as_str().ok_or_else(|| bad("instance"))?)?;
                let (gate, value) = (p["gate"].as_i64().ok_or_else(|| bad("gate"))?, p["value"].as_i64().ok_or_else(|| bad("value"))?);
                entry.shared.open_gate(gate as i32, value as i32).map_err(bad)?;
                Ok(json!({}))
            }
            "dispose" => self.dispose(p),
            "bench" => self.bench(p).await,
            "bench-instantiate" => self.bench_instantiate(p).await,
            "close" => Ok(json!({})),
            other => Err(Refusal("unknown-method", format!("unknown method {other:?}"))),
        }
    }
}

/// The shared framing (awc_host::protocol) serves this adapter: request tasks are Tokio tasks.
struct Server(Arc<Adapter>);

impl protocol::Serve for Server {
    fn now(&self, method: &str, p: Value) -> Reply {
        match method {
            "cancel" => self.0.calls.cancel(&p),
            _ => self.0.dispose(p),
        }
    }

    fn spawn(&self, method: String, p: Value, start: Option<oneshot::Receiver<()>>, answer: protocol::Answer) -> tokio::task::JoinHandle<()> {
        let slot = start.and_then(|start| self.0.register_call(&p, start));
        let adapter = self.0.clone();
        tokio::spawn(async move { answer(adapter.handle(&method, p, slot).await) })
    }
}

#[tokio::main]
async fn main() -> wasmtime::Result<()> {
    let components = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--component-model") => true,
        Some(other) => {
            eprintln!("awc-wasmtime-adapter: unknown argument {other:?}\nusage: awc-wasmtime-adapter [--component-model]   (speaks the awc protocol on stdio)");
            std::process::exit(2);
        }
    };
    let adapter = Arc::new(Adapter::new(components)?);
    // The epoch ticker: every guest yields at each tick, so cancels and deadlines land in ≤ ~1 ms.
    let engine = adapter.engine.clone();
    let async_engine = adapter.async_engine.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(1));
        engine.increment_epoch();
        async_engine.increment_epoch();
    });
    let (out_tx, out_rx) = mpsc::unbounded_channel::<String>();
    *adapter.out.lock().unwrap() = Some(out_tx.downgrade());
    protocol::run(&Server(adapter), out_tx, out_rx).await?;
    std::process::exit(0);
}
