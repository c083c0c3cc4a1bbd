//! awc-wasmtime-adapter: wasmtime + Tokio behind the awc wire protocol v1 (JSON lines on stdio,
//! harness/protocol/PROTOCOL.md). Requests are served concurrently; each instance has one Store,
//! so calls into one instance are serialised (declared `reentrancy: serialise`). Calls run with
//! `call_async`; cancel and deadlines drop the call future, which unwinds guest and host frames
//! (host futures' guards record the abort). Epoch interruption (a ticker bumps the epoch every
//! millisecond, the guest yields at each tick) lets a cancel or deadline stop a guest that never
//! calls the host.
mod caps;
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
use tokio::sync::{mpsc, oneshot};
use wasmtime::{Config, Engine, Instance, Linker, Module, Store, StoreLimitsBuilder, Val, ValType};

const PROTOCOL_VERSION: u64 = 1;
const WASMTIME_VERSION: &str = "48.0.8";
const NO_FUEL_LIMIT: u64 = u64::MAX / 2;

struct Entry {
    store: tokio::sync::Mutex<Store<HostState>>,
    instance: Instance,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct State {
    modules: HashMap<String, Module>,
    instances: HashMap<String, Arc<Entry>>,
    calls: HashMap<String, oneshot::Sender<()>>,
    next: u64,
}

struct Adapter {
    engine: Engine,
    linker: Linker<HostState>,
    http: reqwest::Client,
    state: Mutex<State>,
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

fn to_val(v: &Value) -> Result<Val, Refusal> {
    let ty = v["type"].as_str().unwrap_or("");
    let hex = |width| u64::from_str_radix(v["bits"].as_str().unwrap_or(""), 16).ok().filter(|_| v["bits"].as_str().map(str::len) == Some(width));
    Ok(match ty {
        "i32" => Val::I32(v["value"].as_i64().ok_or_else(|| bad("i32 value"))? as i32),
        "i64" => Val::I64(v["value"].as_str().and_then(|s| s.parse().ok()).ok_or_else(|| bad("i64 value"))?),
        "f32" => Val::F32(hex(8).ok_or_else(|| bad("f32 bits"))? as u32),
        "f64" => Val::F64(hex(16).ok_or_else(|| bad("f64 bits"))?),
        _ => return Err(bad(format!("unknown value type {ty:?}"))),
    })
}

fn from_val(v: &Val) -> Value {
    match v {
        Val::I32(x) => json!({ "type": "i32", "value": x }),
        Val::I64(x) => json!({ "type": "i64", "value": x.to_string() }),
        Val::F32(bits) => json!({ "type": "f32", "bits": format!("{bits:08x}"), "value": f32::from_bits(*bits).to_string() }),
        Val::F64(bits) => json!({ "type": "f64", "bits": format!("{bits:016x}"), "value": f64::from_bits(*bits).to_string() }),
        other => json!({ "type": "i32", "value": 0, "unsupported": format!("{other:?}") }),
    }
}

fn default_val(ty: &ValType) -> Val {
    match ty {
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        _ => Val::I32(0),
    }
}

/// The outcome of a call that ended with an error: trap, host error, denial or engine error.
fn error_outcome(err: &wasmtime::Error) -> Value {
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

/// The sampler: warm up, size batches so one lasts >= 1 ms, then collect raw batch times.
/// A macro rather than a function over an async closure: such closures are not `Send` here.
macro_rules! sample {
    ($budget_ms:expr, $warmup_ms:expr, $once:expr) => {{
        let warmup = Duration::from_millis(($warmup_ms).max(50));
        let warm_until = Instant::now() + warmup;
        let mut calls = 0u64;
        while Instant::now() < warm_until {
            $once.await?;
            calls += 1;
        }
        let per_call = warmup.as_nanos() as f64 / calls.max(1) as f64;
        let batch = ((1_000_000f64 / per_call).ceil() as u64).clamp(1, 1 << 20);
        let end = Instant::now() + Duration::from_millis($budget_ms);
        let mut samples = Vec::new();
        while Instant::now() < end {
            let t0 = Instant::now();
            for _ in 0..batch {
                $once.await?;
            }
            samples.push(json!({ "iterations": batch, "totalNs": t0.elapsed().as_nanos() as f64 }));
        }
        Ok(json!({ "samples": samples }))
    }};
}

impl Adapter {
    fn new() -> wasmtime::Result<Self> {
        let mut config = Config::new();
        config.epoch_interruption(true).consume_fuel(true).max_wasm_stack(512 * 1024).async_stack_size(2 * 1024 * 1024);
        // Multi-value, SIMD, reference types, bulk memory and tail calls are on by default in 48.
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        host::link(&mut linker)?;
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build()?;
        Ok(Adapter { engine, linker, http, state: Mutex::new(State::default()) })
    }

    fn entry(&self, id: &str) -> Result<Arc<Entry>, Refusal> {
        self.state.lock().unwrap().instances.get(id).cloned().ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))
    }

    fn hello(&self, p: Value) -> Reply {
        let version = p["protocolVersion"].as_u64().ok_or_else(|| bad("protocolVersion"))?;
        if version != PROTOCOL_VERSION {
            return Err(Refusal("version-mismatch", format!("this adapter speaks protocol {PROTOCOL_VERSION}, the harness asked for {version}")));
        }
        Ok(json!({
            "protocolVersion": PROTOCOL_VERSION,
            "engine": { "name": "wasmtime", "version": WASMTIME_VERSION },
            "strategy": "native-async",
            "features": { "strategy": "native-async", "cancellation": "preemptive", "fuel": true, "memoryLimits": true, "reentrancy": "serialise", "postCancel": "reusable", "coreModules": true, "components": false },
            "flags": ["consume_fuel", "epoch_interruption", "max_wasm_stack=512KiB", "async_stack_size=2MiB"],
        }))
    }

    fn load(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct P { name: String, kind: String, wasm: String }
        let p: P = params(p)?;
        if p.kind != "module" {
            return Err(Refusal("unsupported", "this adapter loads core modules only".into()));
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(&p.wasm).map_err(|e| bad(format!("wasm is not base64: {e}")))?;
        let module = Module::new(&self.engine, &bytes).map_err(|e| Refusal("bad-request", format!("cannot compile {}: {e:#}", p.name)))?;
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
        let module = self.state.lock().unwrap().modules.get(&p.module).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {:?}", p.module)))?;
        let mut limits = StoreLimitsBuilder::new();
        if let Some(pages) = p.limits.memory_pages {
            limits = limits.memory_size((pages * 65536) as usize);
        }
        let shared = Arc::new(Shared::default());
        shared.memory_bytes.store(-1, std::sync::atomic::Ordering::Relaxed);
        let data = HostState { shared: shared.clone(), grants: Arc::new(p.grants), limits: limits.build(), http: self.http.clone() };
        let mut store = Store::new(&self.engine, data);
        store.limiter(|s| &mut s.limits);
        store.set_fuel(p.limits.fuel.unwrap_or(NO_FUEL_LIMIT)).map_err(|e| Refusal("internal", e.to_string()))?;
        // Yield to Tokio at every epoch tick: cancels and deadlines can then drop the call future.
        store.epoch_deadline_async_yield_and_update(1);
        let instance = self.linker.instantiate_async(&mut store, &module).await.map_err(|e| Refusal("instantiation-failed", format!("{e:#}")))?;
        if let Some(memory) = instance.get_memory(&mut store, "memory") {
            shared.memory_bytes.store(memory.data_size(&store) as i64, std::sync::atomic::Ordering::Relaxed);
        }
        let mut state = self.state.lock().unwrap();
        state.next += 1;
        let id = format!("i{}", state.next);
        state.instances.insert(id.clone(), Arc::new(Entry { store: tokio::sync::Mutex::new(store), instance, shared }));
        Ok(json!({ "instance": id }))
    }

    /// Registers a call's cancel channel when its request is read, before any later request (its
    /// cancel) is handled: tasks run in any order, requests must not.
    fn register_call(&self, p: &Value) -> Option<oneshot::Receiver<()>> {
        let id = p["call"].as_str()?.to_string();
        let (tx, rx) = oneshot::channel();
        let mut state = self.state.lock().unwrap();
        if state.calls.contains_key(&id) {
            return None;
        }
        state.calls.insert(id, tx);
        Some(rx)
    }

    async fn call(&self, p: Value, cancel_rx: Option<oneshot::Receiver<()>>) -> Reply {
        #[derive(Deserialize)]
        struct P { instance: String, call: String, export: String, args: Vec<Value>, #[serde(rename = "deadlineMs")] deadline_ms: Option<u64> }
        let p: P = params(p)?;
        let entry = self.entry(&p.instance)?;
        let args = p.args.iter().map(to_val).collect::<Result<Vec<_>, _>>()?;
        let Some(cancel_rx) = cancel_rx else {
            return Err(bad(format!("call id {} is missing or already in flight", p.call)));
        };
        let started = Instant::now();
        let run = async {
            let mut store = entry.store.lock().await;
            let Some(func) = entry.instance.get_func(&mut *store, &p.export) else {
                return json!({ "kind": "engine-error", "name": "MissingExport", "message": format!("the guest exports no function {:?}", p.export) });
            };
            let mut results: Vec<Val> = func.ty(&*store).results().map(|t| default_val(&t)).collect();
            let outcome = match func.call_async(&mut *store, &args, &mut results).await {
                Ok(()) => json!({ "kind": "ok", "values": results.iter().map(from_val).collect::<Vec<_>>() }),
                Err(e) => error_outcome(&e),
            };
            if let Some(memory) = entry.instance.get_memory(&mut *store, "memory") {
                entry.shared.memory_bytes.store(memory.data_size(&*store) as i64, std::sync::atomic::Ordering::Relaxed);
            }
            outcome
        };
        let deadline = async {
            match p.deadline_ms {
                Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                None => std::future::pending().await,
            }
        };
        // Whichever finishes first wins; the others are dropped (a dropped call unwinds the guest).
        let outcome = tokio::select! {
            biased;
            _ = cancel_rx => json!({ "kind": "cancelled", "message": "call cancelled by the harness" }),
            _ = deadline => json!({ "kind": "timeout", "afterMs": started.elapsed().as_millis() as u64, "message": format!("deadline of {} ms passed", p.deadline_ms.unwrap_or(0)) }),
            outcome = run => outcome,
        };
        self.state.lock().unwrap().calls.remove(&p.call);
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
        let args = p.args.iter().map(to_val).collect::<Result<Vec<_>, _>>()?;
        let mut store = entry.store.lock().await;
        let func = entry.instance.get_func(&mut *store, &p.export).ok_or_else(|| bad(format!("no export {:?}", p.export)))?;
        let mut results: Vec<Val> = func.ty(&*store).results().map(|t| default_val(&t)).collect();
        sample!(p.budget_ms, p.warmup_ms, async { func.call_async(&mut *store, &args, &mut results).await.map_err(|e| Refusal("bad-request", format!("{} does not succeed: {e:#}", p.export))) })
    }

    /// Instantiates a module (no grants) in batches timed inside this process.
    async fn bench_instantiate(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct P { module: String, #[serde(rename = "budgetMs")] budget_ms: u64, #[serde(rename = "warmupMs", default)] warmup_ms: u64 }
        let p: P = params(p)?;
        let module = self.state.lock().unwrap().modules.get(&p.module).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {:?}", p.module)))?;
        sample!(p.budget_ms, p.warmup_ms, async {
            let data = HostState { shared: Arc::new(Shared::default()), grants: Arc::new(Grants::default()), limits: StoreLimitsBuilder::new().build(), http: self.http.clone() };
            let mut store = Store::new(&self.engine, data);
            store.set_fuel(NO_FUEL_LIMIT).map_err(|e| Refusal("internal", e.to_string()))?;
            store.epoch_deadline_async_yield_and_update(1);
            self.linker.instantiate_async(&mut store, &module).await.map(|_| ()).map_err(|e| Refusal("instantiation-failed", format!("{e:#}")))
        })
    }

    fn cancel(&self, p: Value) -> Reply {
        let call = p["call"].as_str().ok_or_else(|| bad("call"))?;
        let sender = self.state.lock().unwrap().calls.remove(call);
        let found = sender.map(|s| s.send(()).is_ok()).unwrap_or(false);
        Ok(json!({ "found": found }))
    }

    async fn handle(&self, method: &str, p: Value, cancel_rx: Option<oneshot::Receiver<()>>) -> Reply {
        match method {
            "hello" => self.hello(p),
            "load" => self.load(p),
            "instantiate" => self.instantiate(p).await,
            "call" => self.call(p, cancel_rx).await,
            "cancel" => self.cancel(p),
            "inspect" => Ok(self.entry(p["instance"].as_str().ok_or_else(|| bad("instance"))?)?.shared.snapshot()),
            "open-gate" => {
                let entry = self.entry(p["instance"].as_str().ok_or_else(|| bad("instance"))?)?;
                let (gate, value) = (p["gate"].as_i64().ok_or_else(|| bad("gate"))?, p["value"].as_i64().ok_or_else(|| bad("value"))?);
                entry.shared.open_gate(gate as i32, value as i32).map_err(bad)?;
                Ok(json!({}))
            }
            "dispose" => {
                let id = p["instance"].as_str().ok_or_else(|| bad("instance"))?;
                self.state.lock().unwrap().instances.remove(id).ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))?;
                Ok(json!({}))
            }
            "bench" => self.bench(p).await,
            "bench-instantiate" => self.bench_instantiate(p).await,
            "close" => Ok(json!({})),
            other => Err(Refusal("unknown-method", format!("unknown method {other:?}"))),
        }
    }
}

#[tokio::main]
async fn main() -> wasmtime::Result<()> {
    let adapter = Arc::new(Adapter::new()?);
    // The epoch ticker: every guest yields at each tick, so cancels and deadlines land in ≤ ~1 ms.
    let engine = adapter.engine.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(1));
        engine.increment_epoch();
    });
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = out_rx.recv().await {
            if stdout.write_all(line.as_bytes()).await.is_err() || stdout.write_all(b"\n").await.is_err() {
                break;
            }
            let _ = stdout.flush().await;
        }
    });
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        let request: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(_) => {
                let _ = out_tx.send(json!({ "id": null, "error": { "code": "bad-request", "message": "the line is not JSON" } }).to_string());
                continue;
            }
        };
        let id = request["id"].as_u64().map(Value::from).unwrap_or(Value::Null);
        let method = request["method"].as_str().unwrap_or("").to_string();
        let params = request.get("params").cloned().unwrap_or(Value::Null);
        if id.is_null() || !params.is_object() {
            let _ = out_tx.send(json!({ "id": id, "error": { "code": "bad-request", "message": "a request needs an integer id, a method and params" } }).to_string());
            continue;
        }
        let (adapter, out) = (adapter.clone(), out_tx.clone());
        let closing = method == "close";
        let cancel_rx = if method == "call" { adapter.register_call(&params) } else { None };
        let task = tokio::spawn(async move {
            let reply = match adapter.handle(&method, params, cancel_rx).await {
                Ok(result) => json!({ "id": id, "result": result }),
                Err(Refusal(code, message)) => json!({ "id": id, "error": { "code": code, "message": if message.is_empty() { code.to_string() } else { message } } }),
            };
            let _ = out.send(reply.to_string());
        });
        if closing {
            let _ = task.await;
            break;
        }
    }
    drop(out_tx);
    let _ = writer.await;
    std::process::exit(0);
}
