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

/// The sampler: warm up, size batches so one lasts >= 1 ms, then collect raw batch times.
/// A macro rather than a function over an async closure: such closures are not `Send` here.
macro_rules! sample {
    ($budget_ms:expr, $warmup_ms:expr, $once:expr) => {{
        let warmup = std::time::Duration::from_millis(($warmup_ms).max(50));
        let warm_until = std::time::Instant::now() + warmup;
        let mut calls = 0u64;
        while std::time::Instant::now() < warm_until {
            $once.await?;
            calls += 1;
        }
        let per_call = warmup.as_nanos() as f64 / calls.max(1) as f64;
        let batch = ((1_000_000f64 / per_call).ceil() as u64).clamp(1, 1 << 20);
        let end = std::time::Instant::now() + std::time::Duration::from_millis($budget_ms);
        let mut samples = Vec::new();
        while std::time::Instant::now() < end {
            let t0 = std::time::Instant::now();
            for _ in 0..batch {
                $once.await?;
            }
            samples.push(serde_json::json!({ "iterations": batch, "totalNs": t0.elapsed().as_nanos() as f64 }));
        }
        Ok(serde_json::json!({ "samples": samples }))
    }};
}

mod caps;
mod component_async;
mod component_host;
mod component_streams;
mod component_vals;
mod core_vals;
mod host;
mod traps;

use base64::Engine as _;
use caps::Grants;
use host::{HostError, HostState, Shared};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot, watch};
use wasmtime::component::{self, Component};
use wasmtime::{Config, Engine, Instance, Linker, Module, Store, StoreLimitsBuilder, Val};

const PROTOCOL_VERSION: u64 = 1;
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
    /// The end of this instance's call queue: the latest call's turn (see `Turn`).
    last_turn: Mutex<Option<oneshot::Receiver<()>>>,
}

/// A call's place in its instance's queue, taken when its request is read, so calls into one
/// instance enter in the order they were sent (request tasks start in any order). A call waits
/// until the previous call's sender is gone: dropped when that call ends or is cancelled.
struct Turn {
    previous: Option<oneshot::Receiver<()>>,
    mine: oneshot::Sender<()>,
}

impl Entry {
    fn take_turn(&self) -> Turn {
        let (mine, next) = oneshot::channel();
        Turn { previous: self.last_turn.lock().unwrap().replace(next), mine }
    }
}

/// What is fixed when a call's request is read: its cancel channel, its turn, when its deadline
/// starts counting, and the release that lets it enter the guest once the reader has handled
/// the request lines that arrived with it (a cancel sent together with its call wins).
struct CallSlot {
    cancel: oneshot::Receiver<&'static str>,
    turn: Option<Turn>,
    read_at: Instant,
    start: oneshot::Receiver<()>,
}

/// A call in flight (read, not yet answered): its instance and the sender that cancels it
/// with a message.
struct InFlight {
    instance: String,
    cancel: oneshot::Sender<&'static str>,
}

#[derive(Default)]
struct State {
    modules: HashMap<String, Loaded>,
    instances: HashMap<String, Arc<Entry>>,
    calls: HashMap<String, InFlight>,
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
    /// hello asked for host-event notifications; `out` is stdout's queue (weak: close still drains it).
    events: std::sync::atomic::AtomicBool,
    out: Mutex<Option<mpsc::WeakUnboundedSender<String>>>,
}

/// A request that cannot be served: becomes an error response.
struct Refusal(&'static str, String);
type Reply = Result<Value, Refusal>;

fn bad(message: impl Into<String>) -> Refusal {
    Refusal("bad-request", message.into())
}

fn params<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, Refusal> {
    serde_json::from_value(value).map_err(|e| bad(format!("params: {e}")))
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
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build()?;
        Ok(Adapter { engine, linker, component_linker, async_engine, async_linker, components, http, state: Mutex::new(State::default()), events: std::sync::atomic::AtomicBool::new(false), out: Mutex::new(None) })
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
        let version = p["protocolVersion"].as_u64().ok_or_else(|| bad("protocolVersion"))?;
        if version != PROTOCOL_VERSION {
            return Err(Refusal("version-mismatch", format!("this adapter speaks protocol {PROTOCOL_VERSION}, the harness asked for {version}")));
        }
        self.events.store(p["events"].as_bool() == Some(true), std::sync::atomic::Ordering::Relaxed);
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
            "protocolVersion": PROTOCOL_VERSION,
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
        state.instances.insert(id.clone(), Arc::new(Entry { store: store.map(tokio::sync::Mutex::new), exports, shared, abandoned: Default::default(), last_turn: Mutex::new(None) }));
        Ok(json!({ "instance": id }))
    }

    /// Registers a call's cancel channel and takes its turn when its request is read, before any
    /// later request (its cancel, the next call) is handled: tasks run in any order, requests must not.
    /// `start` is released by the reader (see `main`). None: a duplicate id, or no such instance.
    fn register_call(&self, p: &Value, start: oneshot::Receiver<()>) -> Option<CallSlot> {
        let id = p["call"].as_str()?.to_string();
        let instance = p["instance"].as_str()?.to_string();
        let (tx, rx) = oneshot::channel();
        let mut state = self.state.lock().unwrap();
        if state.calls.contains_key(&id) {
            return None;
        }
        let turn = state.instances.get(&instance)?.take_turn();
        state.calls.insert(id, InFlight { instance, cancel: tx });
        Some(CallSlot { cancel: rx, turn: Some(turn), read_at: Instant::now(), start })
    }

    async fn call(&self, p: Value, slot: Option<CallSlot>) -> Reply {
        #[derive(Deserialize)]
        struct P { instance: String, call: String, export: String, args: Vec<Value>, #[serde(rename = "deadlineMs")] deadline_ms: Option<u64> }
        let p: P = params(p)?;
        let Some(CallSlot { cancel: cancel_rx, turn, read_at: started, start }) = slot else {
            // Not registered: the instance was unknown when the request was read, or the id is in use.
            self.entry(&p.instance)?;
            return Err(bad(format!("call id {} is missing or already in flight", p.call)));
        };
        let entry = match self.entry(&p.instance) {
            Ok(entry) => entry,
            Err(refusal) => {
                self.state.lock().unwrap().calls.remove(&p.call);
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
            let (previous, _mine) = turn.map_or((None, None), |t| (t.previous, Some(t.mine)));
            if let Some(previous) = previous {
                let _ = previous.await;
            }
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
        let deadline = async {
            match p.deadline_ms {
                Some(ms) => tokio::time::sleep_until(tokio::time::Instant::from_std(started + Duration::from_millis(ms))).await,
                None => std::future::pending().await,
            }
        };
        // Whichever finishes first wins; the others are dropped (a dropped call unwinds the guest).
        let outcome = tokio::select! {
            biased;
            Ok(why) = cancel_rx => Ok(json!({ "kind": "cancelled", "message": why })),
            _ = deadline => Ok(json!({ "kind": "timeout", "afterMs": started.elapsed().as_millis() as u64, "message": format!("deadline of {} ms passed", p.deadline_ms.unwrap_or(0)) })),
            outcome = run => outcome,
        };
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
        self.state.lock().unwrap().calls.remove(&p.call);
        let outcome = outcome?;
        Ok(json!({ "outcome": outcome, "elapsedMs": started.elapsed().as_secs_f64() * 1000.0 }))
    }

    /// Calls an export in batches timed inside this process; a batch lasts at least MIN_SAMPLE.
    async fn bench(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct P { instance: String, export: String, args: Vec<Value>, #[serde(rename = "budgetMs")] budget_ms: u64, #[serde(rename = "warmupMs", default)] warmup_ms: u64, #[serde(default)] plain: bool }
        let p: P = params(p)?;
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
        #[derive(Deserialize)]
        struct P { module: String, #[serde(rename = "budgetMs")] budget_ms: u64, #[serde(rename = "warmupMs", default)] warmup_ms: u64 }
        let p: P = params(p)?;
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

    /// `found`: the call was in flight (read, not answered: waiting to start, queued or running).
    fn cancel(&self, p: Value) -> Reply {
        let call = p["call"].as_str().ok_or_else(|| bad("call"))?;
        let in_flight = self.state.lock().unwrap().calls.remove(call);
        let found = in_flight.map(|c| c.cancel.send("call cancelled by the harness").is_ok()).unwrap_or(false);
        Ok(json!({ "found": found }))
    }

    /// Forgets the instance (later requests: unknown-instance) and cancels its calls in flight.
    fn dispose(&self, p: Value) -> Reply {
        let id = p["instance"].as_str().ok_or_else(|| bad("instance"))?;
        let mut state = self.state.lock().unwrap();
        let entry = state.instances.remove(id).ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))?;
        if let Exports::Async(_, stopped) = &entry.exports {
            stopped.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let calls: Vec<String> = state.calls.iter().filter(|(_, c)| c.instance == id).map(|(call, _)| call.clone()).collect();
        for call in calls {
            if let Some(c) = state.calls.remove(&call) {
                let _ = c.cancel.send("instance disposed");
            }
        }
        Ok(json!({}))
    }

    async fn handle(&self, method: &str, p: Value, slot: Option<CallSlot>) -> Reply {
        match method {
            "hello" => self.hello(p),
            "load" => self.load(p),
            "instantiate" => self.instantiate(p).await,
            "call" => self.call(p, slot).await,
            "cancel" => self.cancel(p),
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

/// Serves one request line: cancel and dispose at once (in read order), everything else on its
/// own task. A call is held (see `main`) until the `arrived_with` lines read with it are handled.
/// Returns the task of a `close`, which ends the loop once it is answered.
async fn serve_line(adapter: &Arc<Adapter>, out_tx: &mpsc::UnboundedSender<String>, line: &str, arrived_with: usize, held: &mut Vec<(usize, oneshot::Sender<()>)>) -> Option<tokio::task::JoinHandle<()>> {
    if line.trim().is_empty() {
        return None;
    }
    let request: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(_) => {
            let _ = out_tx.send(json!({ "id": null, "error": { "code": "bad-request", "message": "the line is not JSON" } }).to_string());
            return None;
        }
    };
    let id = request["id"].as_u64().map(Value::from).unwrap_or(Value::Null);
    let method = request["method"].as_str().unwrap_or("").to_string();
    let params = request.get("params").cloned().unwrap_or(Value::Null);
    if id.is_null() || !params.is_object() {
        let _ = out_tx.send(json!({ "id": id, "error": { "code": "bad-request", "message": "a request needs an integer id, a method and params" } }).to_string());
        return None;
    }
    let (adapter, out) = (adapter.clone(), out_tx.clone());
    let answer = move |reply: Reply| {
        let body = match reply {
            Ok(result) => json!({ "id": id, "result": result }),
            Err(Refusal(code, message)) => json!({ "id": id, "error": { "code": code, "message": if message.is_empty() { code.to_string() } else { message } } }),
        };
        let _ = out.send(body.to_string());
    };
    if method == "cancel" || method == "dispose" {
        answer(adapter.handle(&method, params, None).await);
        return None;
    }
    let slot = if method == "call" {
        let (release, start) = oneshot::channel();
        if arrived_with > 0 {
            held.push((arrived_with, release));
        }
        adapter.register_call(&params, start)
    } else {
        None
    };
    let closing = method == "close";
    let task = tokio::spawn(async move { answer(adapter.handle(&method, params, slot).await) });
    closing.then_some(task)
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
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
    *adapter.out.lock().unwrap() = Some(out_tx.downgrade());
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = out_rx.recv().await {
            if stdout.write_all(line.as_bytes()).await.is_err() || stdout.write_all(b"\n").await.is_err() {
                break;
            }
            let _ = stdout.flush().await;
        }
    });
    let mut reader = BufReader::new(tokio::io::stdin());
    let mut line = String::new();
    // Calls read but not yet let into the guest, each with the number of request lines that had
    // (at least partly) arrived with it: it is released (its sender dropped) once those are
    // handled, so a cancel written together with its call is handled first (PROTOCOL.md,
    // Cancellation). Cancel and dispose are handled right here, in read order, for that reason.
    let mut held: Vec<(usize, oneshot::Sender<()>)> = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            break;
        }
        let earlier = std::mem::take(&mut held);
        let arrived_with = {
            let buffered = reader.buffer();
            buffered.iter().filter(|&&b| b == b'\n').count() + usize::from(buffered.last().is_some_and(|&b| b != b'\n'))
        };
        let closing = serve_line(&adapter, &out_tx, &line, arrived_with, &mut held).await;
        // This line is handled: one fewer for every call read before it (0: released).
        held.extend(earlier.into_iter().filter(|(left, _)| *left > 1).map(|(left, release)| (left - 1, release)));
        if let Some(task) = closing {
            let _ = task.await;
            break;
        }
    }
    drop(out_tx);
    let _ = writer.await;
    std::process::exit(0);
}
