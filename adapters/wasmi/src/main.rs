//! awc-wasmi-adapter: wasmi (an interpreter without async host functions) behind the awc wire
//! protocol v1, on the shared Rust host (awc-host). How an interpreter does async: a host function
//! that must wait returns a *resumable* host error carrying the operation (`Pending`); the call
//! returns a `ResumableCall::HostTrap`, this adapter awaits the operation's future on Tokio and
//! resumes the call with its results. Fuel exhaustion is resumable too: every call runs in fuel
//! slices, and between slices the adapter yields to Tokio, so a cancel or deadline stops a guest
//! that never calls the host (preemption), and the instance's fuel limit is the sum of the slices.
//!
//! Stopping a call (cancel, deadline, dispose) drops its `ResumableCall`: the guest's frames are
//! discarded, the pending operation's future is dropped (its guard records `abort`), and the
//! store stays usable, its memory and globals as the stopped call left them (postCancel reusable).
//! wasmi's resumable state is not `Send`: everything runs on one current-thread runtime.
use awc_host::caps::Grants;
use awc_host::log::{host_err, HostError, OpGuard, Shared, INVALID_ARGUMENT, IO, NOT_FOUND};
use awc_host::protocol::{self, bad, params, CallSlot, Calls, Queue, Refusal, Reply};
use awc_host::{abi, sample, vals};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use wasmi::{Caller, Config, Engine, Extern, Func, Instance, Linker, Module, ResumableCall, Store, StoreLimits, StoreLimitsBuilder, TrapCode, Val, ValType};

const WASMI_VERSION: &str = "2.0.0";
/// Fuel per slice: the guest runs at most this much between two yields to Tokio (~1 ms of
/// interpretation here), so a cancel lands within about a slice.
const SLICE: u64 = 200_000;
const NO_FUEL_LIMIT: u64 = u64::MAX / 2;
/// wasmi's defaults (1000 frames, 1 MB of values) are below what SPEC.md §9 asks for (a 1000-deep
/// suspension); its value stack lives on the heap, so these are generous.
const MAX_RECURSION: usize = 16_384;
const MAX_WASM_STACK: usize = 8 * 1024 * 1024;

/// A host function's rejection, as a wasmi host error.
#[derive(Debug)]
struct Fail(HostError);
impl std::fmt::Display for Fail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl wasmi::errors::HostError for Fail {}

fn fail(e: HostError) -> wasmi::Error {
    wasmi::Error::host(Fail(e))
}

/// What a waiting host function finishes with once its future is ready.
enum Done {
    Vals(Vec<Val>),
    /// Write `bytes` into the guest buffer [ptr, ptr + cap) and return their length.
    Write { function: &'static str, ptr: i32, cap: i32, bytes: Vec<u8> },
}

type OpFuture = Pin<Box<dyn Future<Output = Result<Done, HostError>> + Send>>;

enum Op {
    /// Await the future, then resume with what it gives.
    Wait(OpFuture),
    /// Call the instance's export `func(v)` as a nested call (it may suspend), resume with its result.
    Reenter(Func, i32),
}

/// The resumable host error of a host function that must wait: the operation and its guard.
struct Pending(Mutex<Option<(OpGuard, Op)>>);
impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}
impl std::fmt::Display for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a host operation is pending (resumable call)")
    }
}
impl wasmi::errors::HostError for Pending {}

fn pending(guard: OpGuard, op: Op) -> wasmi::Error {
    wasmi::Error::host(Pending(Mutex::new(Some((guard, op)))))
}

/// What every Store carries.
struct HostState {
    shared: Arc<Shared>,
    grants: Arc<Grants>,
    limits: StoreLimits,
    http: reqwest::Client,
    /// Fuel left of the instance's limit (NO_FUEL_LIMIT without one).
    fuel_left: u64,
    /// The instance, once instantiated: a host function's nested calls need its exports.
    instance: Option<Instance>,
}

fn memory_of(caller: &Caller<'_, HostState>, function: &str) -> Result<wasmi::Memory, HostError> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(abi::no_memory(function)),
    }
}

/// A string argument: too long is refused before the memory is looked at.
fn read_string(caller: &Caller<'_, HostState>, function: &str, ptr: i32, len: i32, max: u32) -> Result<String, HostError> {
    if len as u32 > max {
        return abi::read_string(&[], function, ptr, len, max);
    }
    let mem = memory_of(caller, function)?;
    abi::read_string(mem.data(caller), function, ptr, len, max)
}

fn peek_string(caller: &Caller<'_, HostState>, ptr: i32, len: i32, max: u32) -> Option<Value> {
    read_string(caller, "detail", ptr, len, max).ok().map(Value::String)
}

/// The Pending error of an async operation that is already resolved with `result`.
fn resolved(caller: &Caller<'_, HostState>, name: &'static str, detail: Option<Value>, result: Result<Vec<Val>, HostError>) -> wasmi::Error {
    let guard = caller.data().shared.begin(name, detail);
    pending(guard, Op::Wait(Box::pin(std::future::ready(result.map(Done::Vals)))))
}

/// A host operation that answers at once: its events, its result.
fn at_once<T>(guard: OpGuard, result: Result<T, HostError>) -> Result<T, wasmi::Error> {
    guard.end(result.as_ref().err().map(|e| e.code));
    result.map_err(fail)
}

fn reentry_export(caller: &Caller<'_, HostState>, function: &str, which: i32) -> Result<Func, HostError> {
    let name = match which {
        0 => "inner",
        1 => "inner_plain",
        _ => return Err(host_err(function, INVALID_ARGUMENT, format!("no reentry export number {which}"))),
    };
    match caller.get_export(name) {
        Some(Extern::Func(f)) => Ok(f),
        _ => Err(host_err(function, NOT_FOUND, format!("the guest exports no function {name}"))),
    }
}

fn link(linker: &mut Linker<HostState>) -> Result<(), wasmi::Error> {
    linker.func_wrap("awc", "sleep", |caller: Caller<'_, HostState>, ms: i32| -> Result<(), wasmi::Error> {
        let guard = caller.data().shared.begin("sleep", Some(json!(ms)));
        Err(pending(guard, Op::Wait(Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(ms.max(0) as u64)).await;
            Ok(Done::Vals(vec![]))
        }))))
    })?;
    linker.func_wrap("awc", "yield", |caller: Caller<'_, HostState>| -> Result<(), wasmi::Error> {
        let guard = caller.data().shared.begin("yield", None);
        Err(pending(guard, Op::Wait(Box::pin(async move {
            tokio::task::yield_now().await;
            Ok(Done::Vals(vec![]))
        }))))
    })?;
    // The echoes and `fail` are async functions whose operation is already resolved: they take
    // the async path all the same (a resumable host trap, resumed at once), as `sleep` does.
    linker.func_wrap("awc", "echo_i32", |caller: Caller<'_, HostState>, v: i32| -> Result<i32, wasmi::Error> { Err(resolved(&caller, "echo_i32", Some(json!(v)), Ok(vec![Val::I32(v)]))) })?;
    linker.func_wrap("awc", "echo_i64", |caller: Caller<'_, HostState>, v: i64| -> Result<i64, wasmi::Error> { Err(resolved(&caller, "echo_i64", Some(json!(v.to_string())), Ok(vec![Val::I64(v)]))) })?;
    linker.func_wrap("awc", "echo_f32", |caller: Caller<'_, HostState>, v: wasmi::F32| -> Result<wasmi::F32, wasmi::Error> { Err(resolved(&caller, "echo_f32", Some(json!(format!("{:08x}", v.to_bits()))), Ok(vec![Val::F32(v)]))) })?;
    linker.func_wrap("awc", "echo_f64", |caller: Caller<'_, HostState>, v: wasmi::F64| -> Result<wasmi::F64, wasmi::Error> { Err(resolved(&caller, "echo_f64", Some(json!(format!("{:016x}", v.to_bits()))), Ok(vec![Val::F64(v)]))) })?;
    linker.func_wrap("awc", "ready_i32", |caller: Caller<'_, HostState>, v: i32| {
        let shared = caller.data().shared.clone();
        let guard = shared.begin("ready_i32", Some(json!(v)));
        tokio::spawn(async move { shared.record(None, "ready_i32", "mark", Some(json!(99))) });
        at_once(guard, Ok(v))
    })?;
    linker.func_wrap("awc", "fail", |caller: Caller<'_, HostState>, code: i32| -> Result<(), wasmi::Error> { Err(resolved(&caller, "fail", Some(json!(code)), Err(host_err("fail", code, format!("fail({code}) requested by the guest"))))) })?;
    linker.func_wrap("awc", "gate", |caller: Caller<'_, HostState>, id: i32| -> Result<i32, wasmi::Error> {
        let shared = caller.data().shared.clone();
        let guard = shared.begin("gate", Some(json!(id)));
        Err(pending(guard, Op::Wait(Box::pin(async move { shared.await_gate(id).await.map(|v| Done::Vals(vec![Val::I32(v)])) }))))
    })?;
    linker.func_wrap("awc", "read_file", |caller: Caller<'_, HostState>, a: i32, b: i32, buf: i32, cap: i32| -> Result<i32, wasmi::Error> {
        const F: &str = "read_file";
        let guard = caller.data().shared.begin(F, peek_string(&caller, a, b, abi::MAX_PATH));
        let path = match read_string(&caller, F, a, b, abi::MAX_PATH) {
            Ok(path) => path,
            Err(e) => return at_once(guard, Err(e)),
        };
        let grants = caller.data().grants.clone();
        Err(pending(guard, Op::Wait(Box::pin(async move { abi::read_granted_file(F, &grants, &path, cap as u32).await.map(|bytes| Done::Write { function: F, ptr: buf, cap, bytes }) }))))
    })?;
    linker.func_wrap("awc", "http_get", |caller: Caller<'_, HostState>, a: i32, b: i32, buf: i32, cap: i32| -> Result<i32, wasmi::Error> {
        const F: &str = "http_get";
        let guard = caller.data().shared.begin(F, peek_string(&caller, a, b, abi::MAX_URL));
        let url = match read_string(&caller, F, a, b, abi::MAX_URL) {
            Ok(url) => url,
            Err(e) => return at_once(guard, Err(e)),
        };
        let (grants, client) = (caller.data().grants.clone(), caller.data().http.clone());
        Err(pending(guard, Op::Wait(Box::pin(async move { abi::get_granted_url(F, &grants, &client, &url, cap as u32).await.map(|bytes| Done::Write { function: F, ptr: buf, cap, bytes }) }))))
    })?;
    linker.func_wrap("awc", "call", |mut caller: Caller<'_, HostState>, a: i32, b: i32, c: i32, d: i32, e: i32, f: i32| -> Result<i32, wasmi::Error> {
        let guard = caller.data().shared.begin("call", peek_string(&caller, a, b, abi::MAX_CALL_NAME));
        let grants = caller.data().grants.clone();
        let args = [a, b, c, d, e, f];
        let result = match memory_of(&caller, "call") {
            Ok(mem) => abi::generic_call(mem.data_mut(&mut caller), &grants, args),
            Err(_) if b as u32 > abi::MAX_CALL_NAME => abi::generic_call(&mut [], &grants, args),
            Err(e) => Err(e),
        };
        at_once(guard, result)
    })?;
    // Calling back into the guest (SPEC.md §5.5): the outer call is suspended (its stack held by
    // its ResumableCall), the nested call runs on the same store, suspensions and all.
    linker.func_wrap("awc", "reenter", |caller: Caller<'_, HostState>, which: i32, v: i32| -> Result<i32, wasmi::Error> {
        let guard = caller.data().shared.begin("reenter", Some(json!(which)));
        match reentry_export(&caller, "reenter", which) {
            Ok(func) => Err(pending(guard, Op::Reenter(func, v))),
            Err(e) => at_once(guard, Err(e)),
        }
    })?;
    linker.func_wrap("awc", "reenter_sync", |mut caller: Caller<'_, HostState>, which: i32, v: i32| -> Result<i32, wasmi::Error> {
        caller.data().shared.record(None, "reenter_sync", "mark", Some(json!(which)));
        let func = reentry_export(&caller, "reenter_sync", which).map_err(fail)?;
        let mut results = [Val::I32(0)];
        // A plain (not resumable) nested call: a host function that would suspend ends it with
        // its Pending error, which fails reenter_sync (SPEC.md §2.2) — never a made-up value.
        match func.call(&mut caller, &[Val::I32(v)], &mut results) {
            Ok(()) => Ok(results[0].i32().unwrap_or(0)),
            Err(e) if e.downcast_ref::<Pending>().is_some() => Err(fail(host_err("reenter_sync", IO, "the nested call tried to suspend, which a synchronous call cannot do"))),
            Err(e) => Err(e),
        }
    })?;
    linker.func_wrap("awc", "mark", |caller: Caller<'_, HostState>, v: i32| caller.data().shared.record(None, "mark", "mark", Some(json!(v))))?;
    linker.func_wrap("awc", "identity_i32", |v: i32| v)?;
    linker.func_wrap("awc", "pending", |caller: Caller<'_, HostState>| caller.data().shared.pending() as i32)?;
    Ok(())
}

fn trap_kind(code: TrapCode) -> &'static str {
    match code {
        TrapCode::UnreachableCodeReached => "unreachable",
        TrapCode::IntegerDivisionByZero => "divide-by-zero",
        TrapCode::IntegerOverflow => "integer-overflow",
        TrapCode::BadConversionToInteger => "invalid-conversion",
        TrapCode::MemoryOutOfBounds => "out-of-bounds-memory",
        TrapCode::TableOutOfBounds => "out-of-bounds-table",
        TrapCode::IndirectCallToNull => "indirect-call-null",
        TrapCode::BadSignature => "indirect-call-type",
        TrapCode::StackOverflow => "stack-overflow",
        TrapCode::OutOfFuel => "out-of-fuel",
        _ => "unknown",
    }
}

/// How a call ended without results.
enum Stop {
    Error(wasmi::Error),
    OutOfFuel,
}

fn stop_outcome(stop: &Stop) -> Value {
    match stop {
        Stop::OutOfFuel => json!({ "kind": "trap", "trap": "out-of-fuel", "message": "the instance's fuel limit is used up" }),
        Stop::Error(e) => {
            if let Some(Fail(h)) = e.downcast_ref::<Fail>() {
                return h.outcome();
            }
            match e.as_trap_code() {
                Some(code) => json!({ "kind": "trap", "trap": trap_kind(code), "message": e.to_string() }),
                None => json!({ "kind": "engine-error", "name": "wasmi", "message": e.to_string() }),
            }
        }
    }
}

fn note_memory(store: &Store<HostState>) {
    if let Some(instance) = store.data().instance {
        if let Some(memory) = instance.get_memory(store, "memory") {
            store.data().shared.memory_bytes.store(memory.data_size(store) as i64, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Gives the store the next fuel slice (at least `required`); false if the limit does not allow it.
fn refuel(store: &mut Store<HostState>, required: u64) -> bool {
    let left = store.data().fuel_left;
    if left < required.max(1) {
        return false;
    }
    store.set_fuel(SLICE.max(required).min(left)).is_ok()
}

/// Charges the fuel the last slice used to the instance's limit.
fn charge(store: &mut Store<HostState>, given: u64) {
    let now = store.get_fuel().unwrap_or(0);
    let used = given.saturating_sub(now);
    store.data_mut().fuel_left = store.data().fuel_left.saturating_sub(used);
}

/// Runs `func(args)` to its end: a resumable call, resumed after each waiting host operation
/// (awaited here) and after each fuel slice (a yield to Tokio between slices). Dropping this
/// future stops the call at its current suspension point.
fn drive<'a>(store: &'a mut Store<HostState>, func: Func, args: Vec<Val>) -> Pin<Box<dyn Future<Output = Result<Vec<Val>, Stop>> + 'a>> {
    Box::pin(async move {
        let mut results: Vec<Val> = func.ty(&*store).results().iter().map(|t| Val::default_for_ty(*t)).collect();
        if !refuel(store, 1) {
            return Err(Stop::OutOfFuel);
        }
        let mut given = store.get_fuel().unwrap_or(0);
        let mut state = func.call_resumable(&mut *store, &args, &mut results);
        loop {
            charge(store, given);
            note_memory(store);
            let call = match state {
                Ok(ResumableCall::Finished) => return Ok(results),
                Err(e) => return Err(Stop::Error(e)),
                Ok(call) => call,
            };
            match call {
                ResumableCall::Finished => unreachable!(),
                ResumableCall::OutOfFuel(call) => {
                    // Preemption point: other tasks (a cancel, a deadline) get their turn.
                    tokio::task::yield_now().await;
                    if !refuel(store, call.required_fuel()) {
                        return Err(Stop::OutOfFuel);
                    }
                    given = store.get_fuel().unwrap_or(0);
                    state = call.resume(&mut *store, &mut results);
                }
                ResumableCall::HostTrap(call) => {
                    let Some(op) = call.host_error().downcast_ref::<Pending>().and_then(|p| p.0.lock().unwrap().take()) else {
                        // A host error (or a trap inside a host function): the call ends with it.
                        return Err(Stop::Error(call.into_host_error()));
                    };
                    let (guard, op) = op;
                    let inputs = match op {
                        Op::Wait(future) => {
                            let done = future.await;
                            let done = match done {
                                Ok(Done::Vals(vals)) => Ok(vals),
                                Ok(Done::Write { function, ptr, cap, bytes }) => write_result(store, function, ptr, cap, &bytes),
                                Err(e) => Err(e),
                            };
                            note_memory(store);
                            guard.end(done.as_ref().err().map(|e| e.code));
                            match done {
                                Ok(vals) => vals,
                                Err(e) => return Err(Stop::Error(fail(e))),
                            }
                        }
                        Op::Reenter(inner, v) => match drive(store, inner, vec![Val::I32(v)]).await {
                            Ok(vals) => {
                                guard.end(None);
                                vals
                            }
                            Err(stop) => {
                                let code = match &stop {
                                    Stop::Error(e) => e.downcast_ref::<Fail>().map(|f| f.0.code).unwrap_or(IO),
                                    Stop::OutOfFuel => IO,
                                };
                                guard.end(Some(code));
                                return Err(stop);
                            }
                        },
                    };
                    if !refuel(store, 1) {
                        return Err(Stop::OutOfFuel);
                    }
                    given = store.get_fuel().unwrap_or(0);
                    state = call.resume(&mut *store, &inputs, &mut results);
                }
            }
        }
    })
}

fn write_result(store: &mut Store<HostState>, function: &str, ptr: i32, cap: i32, bytes: &[u8]) -> Result<Vec<Val>, HostError> {
    abi::check_fits(function, bytes.len(), cap)?;
    let memory = store.data().instance.and_then(|i| i.get_memory(&*store, "memory")).ok_or_else(|| abi::no_memory(function))?;
    let n = abi::write_bytes(memory.data_mut(&mut *store), function, ptr, cap, bytes)?;
    Ok(vec![Val::I32(n)])
}

fn to_wasmi(v: vals::Val) -> Val {
    match v {
        vals::Val::I32(x) => Val::I32(x),
        vals::Val::I64(x) => Val::I64(x),
        vals::Val::F32(bits) => Val::F32(wasmi::F32::from_bits(bits)),
        vals::Val::F64(bits) => Val::F64(wasmi::F64::from_bits(bits)),
    }
}

fn from_wasmi(v: &Val) -> Option<vals::Val> {
    Some(match v {
        Val::I32(x) => vals::Val::I32(*x),
        Val::I64(x) => vals::Val::I64(*x),
        Val::F32(x) => vals::Val::F32(x.to_bits()),
        Val::F64(x) => vals::Val::F64(x.to_bits()),
        _ => return None,
    })
}

/// The export and the arguments as its parameter types; or the engine-error outcome saying why
/// the call cannot be made (PROP-ARGS: never run the guest on coerced values).
fn prepare(store: &Store<HostState>, instance: &Instance, export: &str, args: &[Value]) -> Result<(Func, Vec<Val>), Value> {
    let func = instance.get_func(store, export).ok_or_else(|| vals::missing_export(export))?;
    let ty = func.ty(store);
    if ty.params().len() != args.len() {
        return Err(vals::bad_arguments(format!("{export} takes {} argument(s), the call gave {}", ty.params().len(), args.len())));
    }
    let mut out = Vec::new();
    for (i, (a, t)) in args.iter().zip(ty.params()).enumerate() {
        let v = vals::to_val(a).map_err(|e| vals::bad_arguments(format!("{export} argument {i}: {e}")))?;
        let fits = matches!((&v, t), (vals::Val::I32(_), ValType::I32) | (vals::Val::I64(_), ValType::I64) | (vals::Val::F32(_), ValType::F32) | (vals::Val::F64(_), ValType::F64));
        if !fits {
            return Err(vals::bad_arguments(format!("{export} argument {i}: a {} value for a {t:?} parameter", a["type"].as_str().unwrap_or("?"))));
        }
        out.push(to_wasmi(v));
    }
    Ok((func, out))
}

struct Entry {
    store: tokio::sync::Mutex<Store<HostState>>,
    instance: Instance,
    shared: Arc<Shared>,
    queue: Queue,
}

#[derive(Default)]
struct State {
    modules: HashMap<String, Module>,
    instances: HashMap<String, Rc<Entry>>,
    next: u64,
}

struct Adapter {
    engine: Engine,
    linker: Linker<HostState>,
    http: reqwest::Client,
    state: Mutex<State>,
    calls: Calls,
    events: std::cell::Cell<bool>,
    out: mpsc::WeakUnboundedSender<String>,
}

impl Adapter {
    fn new(out: mpsc::WeakUnboundedSender<String>) -> Result<Self, wasmi::Error> {
        let mut config = Config::default();
        config.consume_fuel(true).wasm_simd(true).set_max_recursion_depth(MAX_RECURSION).set_max_stack_height(MAX_WASM_STACK);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        link(&mut linker)?;
        Ok(Adapter { engine, linker, http: abi::http_client(), state: Mutex::new(State::default()), calls: Calls::default(), events: Default::default(), out })
    }

    fn entry(&self, id: &str) -> Result<Rc<Entry>, Refusal> {
        self.state.lock().unwrap().instances.get(id).cloned().ok_or_else(|| Refusal("unknown-instance", format!("no instance {id:?}")))
    }

    fn hello(&self, p: Value) -> Reply {
        self.events.set(protocol::check_hello(&p)?);
        Ok(json!({
            "protocolVersion": protocol::PROTOCOL_VERSION,
            "engine": { "name": "wasmi", "version": WASMI_VERSION },
            "strategy": "native-async",
            "features": { "strategy": "native-async", "cancellation": "preemptive", "fuel": true, "memoryLimits": true, "reentrancy": "serialise", "postCancel": "reusable", "postPreempt": "reusable", "coreModules": true, "components": false, "componentAsync": false },
            "flags": ["consume_fuel", format!("fuel slice {SLICE} (resumable out-of-fuel)"), format!("max_recursion_depth={MAX_RECURSION}"), format!("max_stack_height={MAX_WASM_STACK}"), "resumable calls".to_string()],
        }))
    }

    fn load(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct P { name: String, kind: String, wasm: String }
        let p: P = params(p)?;
        if p.kind != "module" {
            return Err(Refusal("unsupported", "the wasmi row loads core modules only (wasmi has no component model)".into()));
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(&p.wasm).map_err(|e| bad(format!("wasm is not base64: {e}")))?;
        let module = Module::new(&self.engine, &bytes).map_err(|e| bad(format!("cannot compile {}: {e}", p.name)))?;
        let mut state = self.state.lock().unwrap();
        state.next += 1;
        let id = format!("{}#{}", p.name, state.next);
        state.modules.insert(id.clone(), module);
        Ok(json!({ "module": id }))
    }

    fn new_store(&self, shared: Arc<Shared>, grants: Grants, memory_pages: Option<u64>, fuel: Option<u64>) -> Store<HostState> {
        let mut limits = StoreLimitsBuilder::new();
        if let Some(pages) = memory_pages {
            limits = limits.memory_size((pages * 65536) as usize);
        }
        let data = HostState { shared, grants: Arc::new(grants), limits: limits.build(), http: self.http.clone(), fuel_left: fuel.unwrap_or(NO_FUEL_LIMIT), instance: None };
        let mut store = Store::new(&self.engine, data);
        store.limiter(|s| &mut s.limits);
        store
    }

    /// Instantiates and runs the start function (charged to the fuel limit).
    fn instantiate_in(&self, store: &mut Store<HostState>, module: &Module) -> Result<Instance, String> {
        let left = store.data().fuel_left;
        store.set_fuel(left).map_err(|e| e.to_string())?;
        let instance = self.linker.instantiate_and_start(&mut *store, module).map_err(|e| e.to_string());
        charge(store, left);
        instance
    }

    fn instantiate(&self, p: Value) -> Reply {
        #[derive(Deserialize)]
        struct Limits { #[serde(rename = "memoryPages")] memory_pages: Option<u64>, fuel: Option<u64> }
        #[derive(Deserialize)]
        struct P { module: String, grants: Grants, limits: Limits }
        let p: P = params(p)?;
        let module = self.state.lock().unwrap().modules.get(&p.module).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {:?}", p.module)))?;
        let shared = Arc::new(Shared::default());
        shared.memory_bytes.store(-1, std::sync::atomic::Ordering::Relaxed);
        let mut store = self.new_store(shared.clone(), p.grants, p.limits.memory_pages, p.limits.fuel);
        let instance = self.instantiate_in(&mut store, &module).map_err(|e| Refusal("instantiation-failed", e))?;
        store.data_mut().instance = Some(instance);
        note_memory(&store);
        let mut state = self.state.lock().unwrap();
        state.next += 1;
        let id = format!("i{}", state.next);
        if self.events.get() {
            shared.notify_to(id.clone(), self.out.clone());
        }
        state.instances.insert(id.clone(), Rc::new(Entry { store: tokio::sync::Mutex::new(store), instance, shared, queue: Queue::default() }));
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
        let run = async {
            let _ = start.await;
            let _mine = match turn {
                Some(turn) => Some(turn.wait().await),
                None => None,
            };
            let mut store = entry.store.lock().await;
            let (func, args) = match prepare(&store, &entry.instance, &p.export, &p.args) {
                Ok(prepared) => prepared,
                Err(outcome) => return Ok(outcome),
            };
            Ok(match drive(&mut store, func, args).await {
                Ok(results) => vals::outcome(&results.iter().map(from_wasmi).collect::<Vec<_>>(), |i| format!("{:?}", results[i])),
                Err(stop) => stop_outcome(&stop),
            })
        };
        let outcome = protocol::race(cancel, p.deadline_ms, started, run).await;
        self.calls.remove(&p.call);
        Ok(protocol::call_result(outcome?, started))
    }

    async fn bench(&self, p: Value) -> Reply {
        let p: protocol::BenchParams = params(p)?;
        let entry = self.entry(&p.instance)?;
        let mut store = entry.store.lock().await;
        let (func, args) = prepare(&store, &entry.instance, &p.export, &p.args).map_err(|o| bad(o["message"].as_str().unwrap_or("cannot call").to_string()))?;
        let export = p.export.clone();
        let failed = |stop: Stop| Refusal("bad-request", format!("{export} does not succeed: {}", stop_outcome(&stop)["message"].as_str().unwrap_or("")));
        if p.plain {
            // The plain path: an ordinary (not resumable) call; an export that waits fails it.
            let mut results: Vec<Val> = func.ty(&*store).results().iter().map(|t| Val::default_for_ty(*t)).collect();
            let store = &mut *store;
            return sample!(p.budget_ms, p.warmup_ms, async {
                store.set_fuel(NO_FUEL_LIMIT).map_err(|e| failed(Stop::Error(e)))?;
                func.call(&mut *store, &args, &mut results).map_err(|e| failed(Stop::Error(e)))
            });
        }
        let store = &mut *store;
        sample!(p.budget_ms, p.warmup_ms, async { drive(store, func, args.clone()).await.map_err(failed) })
    }

    async fn bench_instantiate(&self, p: Value) -> Reply {
        let p: protocol::BenchInstantiateParams = params(p)?;
        let module = self.state.lock().unwrap().modules.get(&p.module).cloned().ok_or_else(|| Refusal("unknown-module", format!("no module {:?}", p.module)))?;
        sample!(p.budget_ms, p.warmup_ms, async {
            let mut store = self.new_store(Arc::new(Shared::default()), Grants::default(), None, None);
            self.instantiate_in(&mut store, &module).map(|_| ()).map_err(|e| Refusal("instantiation-failed", e))
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
            "instantiate" => self.instantiate(p),
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

struct Server(Rc<Adapter>);

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
        tokio::task::spawn_local(async move { answer(adapter.handle(&method, p, slot).await) })
    }
}

fn main() {
    if let Some(other) = std::env::args().nth(1) {
        eprintln!("awc-wasmi-adapter: unknown argument {other:?}\nusage: awc-wasmi-adapter   (speaks the awc protocol on stdio)");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
    let local = tokio::task::LocalSet::new();
    let result = local.block_on(&runtime, async {
        let (out_tx, out_rx) = mpsc::unbounded_channel::<String>();
        let adapter = Rc::new(Adapter::new(out_tx.downgrade()).map_err(|e| std::io::Error::other(e.to_string()))?);
        protocol::run(&Server(adapter), out_tx, out_rx).await
    });
    if let Err(e) = result {
        eprintln!("awc-wasmi-adapter: {e}");
        std::process::exit(1);
    }
    std::process::exit(0);
}
