//! awc-wasmer-adapter: wasmer (sys backend, singlepass compiler) with its `experimental-async`
//! host functions behind the awc wire protocol v1, on the shared Rust host (awc-host). The guest
//! runs on a coroutine stack (`Function::call_async` on a `StoreAsync`); an async host function's
//! future suspends it and its completion resumes it (JSPI's model, natively).
//!
//! wasmer's async futures are not `Send`: each instance lives on its own thread with a
//! current-thread Tokio runtime (its Store, its calls, its host futures), and the protocol side
//! (the shared framing, a multi-thread runtime) hands it calls over a channel. A cancel or
//! deadline drops the call's future on that thread at its suspension point, which drops the host
//! future (its guard records `abort`); the harness's answer waits until that drop happened.
//! Without preemption a guest that never calls the host cannot be stopped (cancellation
//! `at-host-call`); no fuel and no memory limits (wasmer offers metering and tunables only as
//! compile-time middleware, which this adapter does not configure), so such limits are refused.
use awc_host::caps::Grants;
use awc_host::log::{host_err, HostError, Shared, INVALID_ARGUMENT, IO, NOT_FOUND};
use awc_host::protocol::{self, bad, params, CallSlot, Calls, Queue, Refusal, Reply};
use awc_host::{abi, sample, vals};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use wasmer::{imports, AsyncFunctionEnvMut, Engine, Function, FunctionEnv, FunctionEnvMut, Instance, Memory, Module, RuntimeError, Store, StoreAsync, Type, Value as WVal};

const WASMER_VERSION: &str = "7.4.2";

/// What the instance's functions carry (wasmer's FunctionEnv).
struct HostState {
    shared: Arc<Shared>,
    grants: Arc<Grants>,
    http: reqwest::Client,
    memory: Option<Memory>,
    instance: Option<Instance>,
}

type Env = AsyncFunctionEnvMut<HostState>;

fn err(e: HostError) -> RuntimeError {
    RuntimeError::user(Box::new(e))
}

/// The operation's events around `body`; a dropped (cancelled) body records `abort` after the
/// body's own future was dropped.
async fn op<T>(shared: Arc<Shared>, name: &'static str, detail: Option<Value>, body: impl std::future::Future<Output = Result<T, RuntimeError>>) -> Result<T, RuntimeError> {
    let guard = shared.begin(name, detail);
    let result = body.await;
    guard.end(result.as_ref().err().map(|e| e.downcast_ref::<HostError>().map(|h| h.code).unwrap_or(IO)));
    result
}

/// Runs `f` on the guest memory bytes (None: the guest exports no memory).
async fn with_memory<R>(env: &Env, f: impl FnOnce(Option<&mut [u8]>) -> R) -> R {
    let mut handle = env.write().await;
    let (data, store) = handle.data_and_store_mut();
    match data.memory.clone() {
        Some(memory) => {
            let view = memory.view(&*store);
            // Safety: the store is locked for writing and nothing else touches the memory meanwhile.
            f(Some(unsafe { view.data_unchecked_mut() }))
        }
        None => f(None),
    }
}

async fn shared_of(env: &Env) -> (Arc<Shared>, Arc<Grants>, reqwest::Client) {
    let handle = env.read().await;
    let data = handle.data();
    (data.shared.clone(), data.grants.clone(), data.http.clone())
}

async fn read_string(env: &Env, function: &str, ptr: i32, len: i32, max: u32) -> Result<String, HostError> {
    if len as u32 > max {
        return abi::read_string(&[], function, ptr, len, max);
    }
    with_memory(env, |m| match m {
        Some(data) => abi::read_string(data, function, ptr, len, max),
        None => Err(abi::no_memory(function)),
    })
    .await
}

async fn write_bytes(env: &Env, function: &str, ptr: i32, cap: i32, bytes: &[u8]) -> Result<i32, HostError> {
    abi::check_fits(function, bytes.len(), cap)?;
    with_memory(env, |m| match m {
        Some(data) => abi::write_bytes(data, function, ptr, cap, bytes),
        None => Err(abi::no_memory(function)),
    })
    .await
}

async fn note_memory(env: &Env) {
    let handle = env.read().await;
    let (data, store) = handle.data_and_store();
    if let Some(memory) = &data.memory {
        data.shared.memory_bytes.store(memory.view(store).data_size() as i64, std::sync::atomic::Ordering::Relaxed);
    }
}

async fn reentry_export(env: &Env, function: &str, which: i32) -> Result<Function, HostError> {
    let name = match which {
        0 => "inner",
        1 => "inner_plain",
        _ => return Err(host_err(function, INVALID_ARGUMENT, format!("no reentry export number {which}"))),
    };
    let handle = env.read().await;
    handle.data().instance.as_ref().and_then(|i| i.exports.get_function(name).ok().cloned()).ok_or_else(|| host_err(function, NOT_FOUND, format!("the guest exports no function {name}")))
}

macro_rules! async_fn {
    ($store:ident, $fenv:ident, |$env:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {
        Function::new_typed_with_env_async($store, &$fenv, move |$env: Env $(, $arg: $ty)*| async move { $body })
    };
}

fn imports_for(store: &mut Store, fenv: &FunctionEnv<HostState>) -> wasmer::Imports {
    let shared_sync = |env: &FunctionEnvMut<HostState>| env.data().shared.clone();
    imports! {
        "awc" => {
            "sleep" => async_fn!(store, fenv, |env, ms: i32| {
                let (shared, ..) = shared_of(&env).await;
                let r = op(shared, "sleep", Some(json!(ms)), async { tokio::time::sleep(Duration::from_millis(ms.max(0) as u64)).await; Ok(()) }).await;
                note_memory(&env).await;
                r
            }),
            "yield" => async_fn!(store, fenv, |env| {
                let (shared, ..) = shared_of(&env).await;
                op(shared, "yield", None, async { tokio::task::yield_now().await; Ok(()) }).await
            }),
            "echo_i32" => async_fn!(store, fenv, |env, v: i32| { let (shared, ..) = shared_of(&env).await; op(shared, "echo_i32", Some(json!(v)), async { Ok(v) }).await }),
            "echo_i64" => async_fn!(store, fenv, |env, v: i64| { let (shared, ..) = shared_of(&env).await; op(shared, "echo_i64", Some(json!(v.to_string())), async { Ok(v) }).await }),
            "echo_f32" => async_fn!(store, fenv, |env, v: f32| { let (shared, ..) = shared_of(&env).await; op(shared, "echo_f32", Some(json!(format!("{:08x}", v.to_bits()))), async { Ok(v) }).await }),
            "echo_f64" => async_fn!(store, fenv, |env, v: f64| { let (shared, ..) = shared_of(&env).await; op(shared, "echo_f64", Some(json!(format!("{:016x}", v.to_bits()))), async { Ok(v) }).await }),
            "ready_i32" => async_fn!(store, fenv, |env, v: i32| {
                let (shared, ..) = shared_of(&env).await;
                let marker = shared.clone();
                tokio::task::spawn_local(async move { marker.record(None, "ready_i32", "mark", Some(json!(99))) });
                op(shared, "ready_i32", Some(json!(v)), async { Ok(v) }).await
            }),
            "fail" => async_fn!(store, fenv, |env, code: i32| {
                let (shared, ..) = shared_of(&env).await;
                op(shared, "fail", Some(json!(code)), async { Err::<(), _>(err(host_err("fail", code, format!("fail({code}) requested by the guest")))) }).await
            }),
            "gate" => async_fn!(store, fenv, |env, id: i32| {
                let (shared, ..) = shared_of(&env).await;
                op(shared.clone(), "gate", Some(json!(id)), async { shared.await_gate(id).await.map_err(err) }).await
            }),
            "read_file" => async_fn!(store, fenv, |env, a: i32, b: i32, buf: i32, cap: i32| {
                const F: &str = "read_file";
                let (shared, grants, _) = shared_of(&env).await;
                let detail = read_string(&env, "detail", a, b, abi::MAX_PATH).await.ok().map(Value::String);
                let r = op(shared, F, detail, async {
                    let path = read_string(&env, F, a, b, abi::MAX_PATH).await.map_err(err)?;
                    let bytes = abi::read_granted_file(F, &grants, &path, cap as u32).await.map_err(err)?;
                    write_bytes(&env, F, buf, cap, &bytes).await.map_err(err)
                }).await;
                note_memory(&env).await;
                r
            }),
            "http_get" => async_fn!(store, fenv, |env, a: i32, b: i32, buf: i32, cap: i32| {
                const F: &str = "http_get";
                let (shared, grants, client) = shared_of(&env).await;
                let detail = read_string(&env, "detail", a, b, abi::MAX_URL).await.ok().map(Value::String);
                let r = op(shared, F, detail, async {
                    let url = read_string(&env, F, a, b, abi::MAX_URL).await.map_err(err)?;
                    let body = abi::get_granted_url(F, &grants, &client, &url, cap as u32).await.map_err(err)?;
                    write_bytes(&env, F, buf, cap, &body).await.map_err(err)
                }).await;
                note_memory(&env).await;
                r
            }),
            "call" => async_fn!(store, fenv, |env, a: i32, b: i32, c: i32, d: i32, e: i32, f: i32| {
                let (shared, grants, _) = shared_of(&env).await;
                let detail = read_string(&env, "detail", a, b, abi::MAX_CALL_NAME).await.ok().map(Value::String);
                let args = [a, b, c, d, e, f];
                op(shared, "call", detail, async {
                    with_memory(&env, |m| match m {
                        Some(data) => abi::generic_call(data, &grants, args),
                        None if b as u32 > abi::MAX_CALL_NAME => abi::generic_call(&mut [], &grants, args),
                        None => Err(abi::no_memory("call")),
                    }).await.map_err(err)
                }).await
            }),
            // Calling back into the guest (SPEC.md §5.5): a nested call_async on the same store.
            "reenter" => async_fn!(store, fenv, |env, which: i32, v: i32| {
                let (shared, ..) = shared_of(&env).await;
                op(shared, "reenter", Some(json!(which)), async {
                    let func = reentry_export(&env, "reenter", which).await.map_err(err)?;
                    let store = env.as_store_async();
                    let results = func.call_async(&store, vec![WVal::I32(v)]).await?;
                    Ok(results.first().and_then(|r| r.i32()).unwrap_or(0))
                }).await
            }),
            "reenter_sync" => Function::new_typed_with_env(store, fenv, move |mut env: FunctionEnvMut<HostState>, which: i32, v: i32| -> Result<i32, RuntimeError> {
                shared_sync(&env).record(None, "reenter_sync", "mark", Some(json!(which)));
                let name = match which { 0 => "inner", 1 => "inner_plain", _ => return Err(err(host_err("reenter_sync", INVALID_ARGUMENT, format!("no reentry export number {which}")))) };
                let (data, mut store) = env.data_and_store_mut();
                let func = data.instance.as_ref().and_then(|i| i.exports.get_function(name).ok().cloned()).ok_or_else(|| err(host_err("reenter_sync", NOT_FOUND, format!("the guest exports no function {name}"))))?;
                // A synchronous nested call: whatever wasmer does if it suspends is what the case judges.
                let results = func.call(&mut store, &[WVal::I32(v)])?;
                Ok(results.first().and_then(|r| r.i32()).unwrap_or(0))
            }),
            "mark" => Function::new_typed_with_env(store, fenv, move |env: FunctionEnvMut<HostState>, v: i32| shared_sync(&env).record(None, "mark", "mark", Some(json!(v)))),
            "identity_i32" => Function::new_typed(store, |v: i32| v),
            "pending" => Function::new_typed_with_env(store, fenv, move |env: FunctionEnvMut<HostState>| shared_sync(&env).pending() as i32),
        }
    }
}

fn trap_kind(code: wasmer_types::TrapCode) -> &'static str {
    use wasmer_types::TrapCode as T;
    match code {
        T::UnreachableCodeReached => "unreachable",
        T::IntegerDivisionByZero => "divide-by-zero",
        T::IntegerOverflow => "integer-overflow",
        T::BadConversionToInteger => "invalid-conversion",
        T::HeapAccessOutOfBounds => "out-of-bounds-memory",
        T::TableAccessOutOfBounds => "out-of-bounds-table",
        T::IndirectCallToNull => "indirect-call-null",
        T::BadSignature => "indirect-call-type",
        T::StackOverflow => "stack-overflow",
        _ => "unknown",
    }
}

fn error_outcome(e: RuntimeError) -> Value {
    if let Some(h) = e.downcast_ref::<HostError>() {
        return h.outcome();
    }
    let message = e.message();
    match e.clone().to_trap() {
        Some(code) => json!({ "kind": "trap", "trap": trap_kind(code), "message": message }),
        None => json!({ "kind": "engine-error", "name": "wasmer", "message": message }),
    }
}

fn to_wasmer(v: vals::Val) -> WVal {
    match v {
        vals::Val::I32(x) => WVal::I32(x),
        vals::Val::I64(x) => WVal::I64(x),
        vals::Val::F32(bits) => WVal::F32(f32::from_bits(bits)),
        vals::Val::F64(bits) => WVal::F64(f64::from_bits(bits)),
    }
}

fn from_wasmer(v: &WVal) -> Option<vals::Val> {
    Some(match v {
        WVal::I32(x) => vals::Val::I32(*x),
        WVal::I64(x) => vals::Val::I64(*x),
        WVal::F32(x) => vals::Val::F32(x.to_bits()),
        WVal::F64(x) => vals::Val::F64(x.to_bits()),
        _ => return None,
    })
}

/// The export and its arguments by its parameter types, or the engine-error outcome saying why not.
fn prepare(instance: &Instance, store: &impl wasmer::AsStoreRef, export: &str, args: &[Value]) -> Result<(Function, Vec<WVal>), Value> {
    let func = instance.exports.get_function(export).map_err(|_| vals::missing_export(export))?.clone();
    let ty = func.ty(store);
    if ty.params().len() != args.len() {
        return Err(vals::bad_arguments(format!("{export} takes {} argument(s), the call gave {}", ty.params().len(), args.len())));
    }
    let mut out = Vec::new();
    for (i, (a, t)) in args.iter().zip(ty.params()).enumerate() {
        let v = vals::to_val(a).map_err(|e| vals::bad_arguments(format!("{export} argument {i}: {e}")))?;
        let fits = matches!((&v, t), (vals::Val::I32(_), Type::I32) | (vals::Val::I64(_), Type::I64) | (vals::Val::F32(_), Type::F32) | (vals::Val::F64(_), Type::F64));
        if !fits {
            return Err(vals::bad_arguments(format!("{export} argument {i}: a {} value for a {t:?} parameter", a["type"].as_str().unwrap_or("?"))));
        }
        out.push(to_wasmer(v));
    }
    Ok((func, out))
}

fn outcome_of(result: Result<Box<[WVal]>, RuntimeError>) -> Value {
    match result {
        Ok(results) => vals::outcome(&results.iter().map(from_wasmer).collect::<Vec<_>>(), |i| format!("{:?}", results[i])),
        Err(e) => error_outcome(e),
    }
}

/// Work for an instance's thread.
enum Work {
    Call { export: String, args: Vec<Value>, reply: oneshot::Sender<Value>, stop: oneshot::Receiver<()>, ended: oneshot::Sender<()> },
    Bench { p: protocol::BenchParams, reply: oneshot::Sender<Reply> },
}

struct Entry {
    work: mpsc::UnboundedSender<Work>,
    shared: Arc<Shared>,
    queue: Queue,
}

/// Starts an instance's thread: instantiates there, answers `ready`, then serves its work.
fn start_instance(engine: Engine, module: Module, shared: Arc<Shared>, grants: Grants, http: reqwest::Client, ready: oneshot::Sender<Result<mpsc::UnboundedSender<Work>, String>>) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
        let mut store = Store::new(engine);
        let fenv = FunctionEnv::new(&mut store, HostState { shared: shared.clone(), grants: Arc::new(grants), http, memory: None, instance: None });
        let imports = imports_for(&mut store, &fenv);
        let instance = match Instance::new(&mut store, &module, &imports) {
            Ok(instance) => instance,
            Err(e) => {
                let _ = ready.send(Err(e.to_string()));
                return;
            }
        };
        let memory = instance.exports.get_memory("memory").ok().cloned();
        if let Some(memory) = &memory {
            shared.memory_bytes.store(memory.view(&store).data_size() as i64, std::sync::atomic::Ordering::Relaxed);
        }
        let data = fenv.as_mut(&mut store);
        data.memory = memory;
        data.instance = Some(instance.clone());
        let store = store.into_async();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _ = ready.send(Ok(tx));
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async move {
            // Ends when the Entry (the sender) is gone: dispose, or the adapter closing.
            while let Some(work) = rx.recv().await {
                let (store, instance) = (StoreAsync::clone_of(&store), instance.clone());
                tokio::task::spawn_local(serve(store, instance, shared.clone(), work));
            }
        });
    });
}

trait CloneOf {
    fn clone_of(store: &StoreAsync) -> StoreAsync;
}
impl CloneOf for StoreAsync {
    fn clone_of(store: &StoreAsync) -> StoreAsync {
        use wasmer::AsStoreAsync;
        store.store()
    }
}

async fn serve(store: StoreAsync, instance: Instance, shared: Arc<Shared>, work: Work) {
    match work {
        Work::Call { export, args, reply, stop, ended } => {
            let prepared = {
                use wasmer::AsStoreAsync;
                let lock = store.read_lock().await;
                prepare(&instance, &lock, &export, &args)
            };
            let (func, args) = match prepared {
                Ok(p) => p,
                Err(outcome) => {
                    let _ = reply.send(outcome);
                    return;
                }
            };
            let call = func.call_async(&store, args);
            let outcome = tokio::select! {
                result = call => Some(outcome_of(result)),
                _ = stop => None,
            };
            // inspect's memoryBytes: the memory as the call left it (growth included).
            if let Ok(memory) = instance.exports.get_memory("memory") {
                use wasmer::AsStoreAsync;
                let lock = store.read_lock().await;
                shared.memory_bytes.store(memory.view(&lock).data_size() as i64, std::sync::atomic::Ordering::Relaxed);
            }
            if let Some(outcome) = outcome {
                let _ = reply.send(outcome);
            }
            drop(ended);
        }
        Work::Bench { p, reply } => {
            let _ = reply.send(bench(store, instance, p).await);
        }
    }
}

async fn bench(store: StoreAsync, instance: Instance, p: protocol::BenchParams) -> Reply {
    if p.plain {
        return Err(Refusal("unsupported", "no plain (synchronous) call path on an async store".into()));
    }
    let prepared = {
        use wasmer::AsStoreAsync;
        let lock = store.read_lock().await;
        prepare(&instance, &lock, &p.export, &p.args)
    };
    let (func, args) = prepared.map_err(|o| bad(o["message"].as_str().unwrap_or("cannot call").to_string()))?;
    let export = p.export.clone();
    sample!(p.budget_ms, p.warmup_ms, async { func.call_async(&store, args.clone()).await.map_err(|e| Refusal("bad-request", format!("{export} does not succeed: {}", e.message()))) })
}

#[derive(Default)]
struct State {
    modules: HashMap<String, Module>,
    instances: HashMap<String, Arc<Entry>>,
    next: u64,
}

struct Adapter {
    engine: Engine,
    http: reqwest::Client,
    state: Mutex<State>,
    calls: Calls,
    events: std::sync::atomic::AtomicBool,
    out: mpsc::WeakUnboundedSender<String>,
}

impl Adapter {
    fn entry(&self, id: &str) -> Result<Arc<Entry>, Refusal> {
        self.state.lock().unwrap().instances.get(id).cloned().ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))
    }

    fn hello(&self, p: Value) -> Reply {
        self.events.store(protocol::check_hello(&p)?, std::sync::atomic::Ordering::Relaxed);
        Ok(json!({
            "protocolVersion": protocol::PROTOCOL_VERSION,
            "engine": { "name": "wasmer", "version": WASMER_VERSION },
            "strategy": "native-async",
            "features": { "strategy": "native-async", "cancellation": "at-host-call", "fuel": false, "memoryLimits": false, "reentrancy": "serialise", "postCancel": "reusable", "coreModules": true, "components": false, "componentAsync": false },
            "flags": ["sys", "singlepass", "experimental-async"],
        }))
    }

    fn load(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct P { name: String, kind: String, wasm: String }
        let p: P = params(p)?;
        if p.kind != "module" {
            return Err(Refusal("unsupported", "the wasmer row loads core modules only".into()));
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(&p.wasm).map_err(|e| bad(format!("wasm is not base64: {e}")))?;
        let module = Module::new(&self.engine, &bytes).map_err(|e| bad(format!("cannot compile {}: {e}", p.name)))?;
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
        if p.limits.fuel.is_some() {
            return Err(Refusal("instantiation-failed", "limits.fuel: this row cannot enforce a fuel limit (features.fuel false)".into()));
        }
        if p.limits.memory_pages.is_some() {
            return Err(Refusal("instantiation-failed", "limits.memoryPages: this row cannot enforce a memory limit (features.memoryLimits false)".into()));
        }
        let module = self.state.lock().unwrap().modules.get(&p.module).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {:?}", p.module)))?;
        let shared = Arc::new(Shared::default());
        shared.memory_bytes.store(-1, std::sync::atomic::Ordering::Relaxed);
        let (ready, started) = oneshot::channel();
        start_instance(self.engine.clone(), module, shared.clone(), p.grants, self.http.clone(), ready);
        let work = match started.await {
            Ok(Ok(work)) => work,
            Ok(Err(e)) => return Err(Refusal("instantiation-failed", e)),
            Err(_) => return Err(Refusal("instantiation-failed", "the instance's thread ended during instantiation".into())),
        };
        let mut state = self.state.lock().unwrap();
        state.next += 1;
        let id = format!("i{}", state.next);
        if self.events.load(std::sync::atomic::Ordering::Relaxed) {
            shared.notify_to(id.clone(), self.out.clone());
        }
        state.instances.insert(id.clone(), Arc::new(Entry { work, shared, queue: Queue::default() }));
        Ok(json!({ "instance": id }))
    }

    fn register_call(&self, p: &Value, start: oneshot::Receiver<()>) -> Option<CallSlot> {
        self.calls.register(p, start, |instance| Some(self.state.lock().unwrap().instances.get(instance)?.queue.take_turn()))
    }

    async fn call(&self, p: Value, slot: Option<CallSlot>) -> Reply {
        let p: protocol::CallParams = params(p)?;
        let Some(CallSlot { cancel, turn, read_at: started, start }) = slot else {
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
        let (stop_tx, stop) = oneshot::channel();
        let (ended, ended_rx) = oneshot::channel::<()>();
        let work = Work::Call { export: p.export.clone(), args: p.args.clone(), reply: oneshot::channel().0, stop, ended };
        let run = async {
            let _ = start.await;
            let _mine = match turn {
                Some(turn) => Some(turn.wait().await),
                None => None,
            };
            let (reply, outcome) = oneshot::channel();
            let Work::Call { export, args, stop, ended, .. } = work else { unreachable!() };
            if entry.work.send(Work::Call { export, args, reply, stop, ended }).is_err() {
                return Ok(json!({ "kind": "engine-error", "name": "InstanceGone", "message": "the instance's thread has ended" }));
            }
            Ok(outcome.await.unwrap_or_else(|_| json!({ "kind": "engine-error", "name": "InstanceGone", "message": "the instance's thread ended before the call did" })))
        };
        let outcome = protocol::race(cancel, p.deadline_ms, started, run).await;
        // Stopped: the call's future is dropped on the instance's thread (its host operations
        // record `abort`); answer once that happened (bounded: a guest that never suspends).
        let _ = stop_tx.send(());
        let _ = tokio::time::timeout(Duration::from_secs(2), ended_rx).await;
        self.calls.remove(&p.call);
        Ok(protocol::call_result(outcome?, started))
    }

    async fn bench(&self, p: Value) -> Reply {
        let p: protocol::BenchParams = params(p)?;
        let entry = self.entry(&p.instance)?;
        let (reply, result) = oneshot::channel();
        entry.work.send(Work::Bench { p, reply }).map_err(|_| bad("the instance's thread has ended"))?;
        result.await.unwrap_or_else(|_| Err(bad("the instance's thread ended during the bench")))
    }

    async fn bench_instantiate(&self, p: Value) -> Reply {
        let p: protocol::BenchInstantiateParams = params(p)?;
        let module = self.state.lock().unwrap().modules.get(&p.module).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {:?}", p.module)))?;
        let engine = self.engine.clone();
        let http = self.http.clone();
        sample!(p.budget_ms, p.warmup_ms, async {
            let mut store = Store::new(engine.clone());
            let fenv = FunctionEnv::new(&mut store, HostState { shared: Arc::new(Shared::default()), grants: Arc::new(Grants::default()), http: http.clone(), memory: None, instance: None });
            let imports = imports_for(&mut store, &fenv);
            Instance::new(&mut store, &module, &imports).map(|_| ()).map_err(|e| Refusal("instantiation-failed", e.to_string()))
        })
    }

    fn dispose(&self, p: Value) -> Reply {
        let id = p["instance"].as_str().ok_or_else(|| bad("instance"))?;
        self.state.lock().unwrap().instances.remove(id).ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))?;
        self.calls.cancel_instance(id, "instance disposed");
        Ok(json!({}))
    }

    async fn handle(&self, method: &str, p: Value, slot: Option<CallSlot>) -> Reply {
        match method {
            "hello" => self.hello(p),
            "load" => self.load(p),
            "instantiate" => self.instantiate(p).await,
            "call" => self.call(p, slot).await,
            "inspect" => Ok(self.entry(p["instance"].as_str().ok_or_else(|| bad("instance"))?)?.shared.snapshot()),
            "open-gate" => {
                let entry = self.entry(p["instance"].as_str().ok_or_else(|| bad("instance"))?)?;
                let (gate, value) = (p["gate"].as_i64().ok_or_else(|| bad("gate"))?, p["value"].as_i64().ok_or_else(|| bad("value"))?);
                entry.shared.open_gate(gate as i32, value as i32).map_err(bad)?;
                Ok(json!({}))
            }
            "bench" => self.bench(p).await,
            "bench-instantiate" => self.bench_instantiate(p).await,
            "close" => Ok(json!({})),
            other => Err(Refusal("unknown-method", format!("unknown method {other:?}"))),
        }
    }
}

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
async fn main() {
    if let Some(other) = std::env::args().nth(1) {
        eprintln!("awc-wasmer-adapter: unknown argument {other:?}\nusage: awc-wasmer-adapter   (speaks the awc protocol on stdio)");
        std::process::exit(2);
    }
    let (out_tx, out_rx) = mpsc::unbounded_channel::<String>();
    let adapter = Arc::new(Adapter { engine: Engine::default(), http: abi::http_client(), state: Mutex::new(State::default()), calls: Calls::default(), events: Default::default(), out: out_tx.downgrade() });
    if let Err(e) = protocol::run(&Server(adapter), out_tx, out_rx).await {
        eprintln!("awc-wasmer-adapter: {e}");
        std::process::exit(1);
    }
    std::process::exit(0);
}
