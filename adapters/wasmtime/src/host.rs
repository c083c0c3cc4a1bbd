//! The host ABI (SPEC.md §2) on Tokio, with `func_wrap_async`: the same semantics as the JS host
//! (adapters/js/host/host.ts). Host errors travel through wasmtime as `HostError` and are
//! recovered by downcasting when the call ends.
use awc_host::abi;
use awc_host::caps::Grants;
pub use awc_host::log::{HostError, OpGuard, Shared, IO, NOT_FOUND, TOO_LARGE};
use awc_host::log::INVALID_ARGUMENT;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{Caller, Extern, Linker, Memory, StoreLimits, Val};

const MAX_PATH: u32 = abi::MAX_PATH;
const MAX_URL: u32 = abi::MAX_URL;

/// A host error as a wasmtime error (recovered by downcasting when the call ends).
pub(crate) fn host_err(function: &str, code: i32, message: impl Into<String>) -> wasmtime::Error {
    wasmtime::Error::new(awc_host::log::host_err(function, code, message))
}

/// How an operation's guard records a wasmtime result.
pub(crate) trait Finish {
    fn finish<T>(self, result: wasmtime::Result<T>) -> wasmtime::Result<T>;
}
impl Finish for OpGuard {
    fn finish<T>(self, result: wasmtime::Result<T>) -> wasmtime::Result<T> {
        self.end(result.as_ref().err().map(|e| e.downcast_ref::<HostError>().map(|h| h.code).unwrap_or(IO)));
        result
    }
}

pub(crate) async fn read_granted_file(function: &str, grants: &Grants, path: &str, cap: u32) -> wasmtime::Result<Vec<u8>> {
    abi::read_granted_file(function, grants, path, cap).await.map_err(wasmtime::Error::new)
}

pub(crate) async fn get_granted_url(function: &str, grants: &Grants, client: &reqwest::Client, url: &str, cap: u32) -> wasmtime::Result<Vec<u8>> {
    abi::get_granted_url(function, grants, client, url, cap).await.map_err(wasmtime::Error::new)
}

/// What every Store carries.
pub struct HostState {
    pub shared: Arc<Shared>,
    pub grants: Arc<Grants>,
    pub limits: StoreLimits,
    pub http: reqwest::Client,
    /// The guest tasks protocol calls started on an async component (component_async.rs).
    pub tasks: crate::component_async::Tasks,
}

fn memory(caller: &mut Caller<'_, HostState>, function: &str) -> wasmtime::Result<Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(wasmtime::Error::new(abi::no_memory(function))),
    }
}

fn read_string(caller: &mut Caller<'_, HostState>, function: &str, ptr: i32, len: i32, max: u32) -> wasmtime::Result<String> {
    if len as u32 > max {
        // Too long is decided before the memory is looked at (an empty slice is never read).
        return Err(wasmtime::Error::new(abi::read_string(&[], function, ptr, len, max).unwrap_err()));
    }
    let mem = memory(caller, function)?;
    abi::read_string(mem.data(&caller), function, ptr, len, max).map_err(wasmtime::Error::new)
}

fn write_bytes(caller: &mut Caller<'_, HostState>, function: &str, ptr: i32, cap: i32, bytes: &[u8]) -> wasmtime::Result<i32> {
    abi::check_fits(function, bytes.len(), cap).map_err(wasmtime::Error::new)?;
    let mem = memory(caller, function)?;
    abi::write_bytes(mem.data_mut(&mut *caller), function, ptr, cap, bytes).map_err(wasmtime::Error::new)
}

/// The export `reenter(which, …)` calls: `inner` (it suspends) or `inner_plain`.
fn reentry_export(caller: &mut Caller<'_, HostState>, function: &str, which: i32) -> wasmtime::Result<wasmtime::Func> {
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

/// A string argument for an event's detail; None where the operation itself will refuse it.
fn peek_string(caller: &mut Caller<'_, HostState>, ptr: i32, len: i32, max: u32) -> Option<Value> {
    read_string(caller, "detail", ptr, len, max).ok().map(Value::String)
}

fn note_memory(caller: &mut Caller<'_, HostState>) {
    if let Some(Extern::Memory(m)) = caller.get_export("memory") {
        let size = m.data_size(&caller) as i64;
        caller.data().shared.memory_bytes.store(size, Ordering::Relaxed);
    }
}

async fn read_file(caller: &mut Caller<'_, HostState>, path_ptr: i32, path_len: i32, buf: i32, cap: i32) -> wasmtime::Result<i32> {
    const F: &str = "read_file";
    let path = read_string(caller, F, path_ptr, path_len, MAX_PATH)?;
    let grants = caller.data().grants.clone();
    let bytes = read_granted_file(F, &grants, &path, cap as u32).await?;
    write_bytes(caller, F, buf, cap, &bytes)
}

async fn http_get(caller: &mut Caller<'_, HostState>, url_ptr: i32, url_len: i32, buf: i32, cap: i32) -> wasmtime::Result<i32> {
    const F: &str = "http_get";
    let url = read_string(caller, F, url_ptr, url_len, MAX_URL)?;
    let (grants, client) = (caller.data().grants.clone(), caller.data().http.clone());
    let body = get_granted_url(F, &grants, &client, &url, cap as u32).await?;
    write_bytes(caller, F, buf, cap, &body)
}

fn generic(caller: &mut Caller<'_, HostState>, args: [i32; 6]) -> wasmtime::Result<i32> {
    let grants = caller.data().grants.clone();
    let result = match memory(caller, "call") {
        Ok(mem) => abi::generic_call(mem.data_mut(&mut *caller), &grants, args),
        // A too-long name is refused before the memory is looked at (the slice is never read).
        Err(_) if args[1] as u32 > abi::MAX_CALL_NAME => abi::generic_call(&mut [], &grants, args),
        Err(e) => return Err(e),
    };
    result.map_err(wasmtime::Error::new)
}

/// Wraps an async host function body with the operation's event-log bookkeeping.
macro_rules! async_op {
    ($linker:ident, $name:literal, |$caller:ident, $params:tt : $pty:ty| $body:expr) => {
        async_op!($linker, $name, detail = None, |$caller, $params: $pty| $body);
    };
    ($linker:ident, $name:literal, detail = $detail:expr, |$caller:ident, $params:tt : $pty:ty| $body:expr) => {
        $linker.func_wrap_async("awc", $name, |mut $caller: Caller<'_, HostState>, $params: $pty| {
            Box::new(async move {
                let detail: Option<Value> = $detail;
                let guard = $caller.data().shared.begin($name, detail);
                let result = async { $body }.await;
                note_memory(&mut $caller);
                guard.finish(result)
            })
        })?;
    };
}

pub fn link(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    async_op!(linker, "sleep", detail = Some(json!(ms)), |caller, (ms,): (i32,)| {
        tokio::time::sleep(Duration::from_millis(ms.max(0) as u64)).await;
        Ok(())
    });
    async_op!(linker, "yield", |caller, (): ()| {
        tokio::task::yield_now().await;
        Ok(())
    });
    async_op!(linker, "echo_i32", detail = Some(json!(v)), |caller, (v,): (i32,)| Ok(v));
    // An already-ready future; the queued host work is a spawned task (SUSP-READY-PLAIN).
    async_op!(linker, "ready_i32", detail = Some(json!(v)), |caller, (v,): (i32,)| {
        let shared = caller.data().shared.clone();
        tokio::spawn(async move { shared.record(None, "ready_i32", "mark", Some(json!(99))) });
        Ok(v)
    });
    async_op!(linker, "echo_i64", detail = Some(json!(v.to_string())), |caller, (v,): (i64,)| Ok(v));
    async_op!(linker, "echo_f32", detail = Some(json!(format!("{:08x}", v.to_bits()))), |caller, (v,): (f32,)| Ok(v));
    async_op!(linker, "echo_f64", detail = Some(json!(format!("{:016x}", v.to_bits()))), |caller, (v,): (f64,)| Ok(v));
    async_op!(linker, "fail", detail = Some(json!(code)), |caller, (code,): (i32,)| Err::<(), _>(host_err("fail", code, format!("fail({code}) requested by the guest"))));
    async_op!(linker, "gate", detail = Some(json!(id)), |caller, (id,): (i32,)| caller.data().shared.clone().await_gate(id).await.map_err(wasmtime::Error::new));
    async_op!(linker, "read_file", detail = peek_string(&mut caller, a, b, MAX_PATH), |caller, (a, b, c, d): (i32, i32, i32, i32)| read_file(&mut caller, a, b, c, d).await);
    async_op!(linker, "http_get", detail = peek_string(&mut caller, a, b, MAX_URL), |caller, (a, b, c, d): (i32, i32, i32, i32)| http_get(&mut caller, a, b, c, d).await);
    async_op!(linker, "call", detail = peek_string(&mut caller, a, b, abi::MAX_CALL_NAME), |caller, (a, b, c, d, e, f): (i32, i32, i32, i32, i32, i32)| generic(&mut caller, [a, b, c, d, e, f]));
    // Calling back into the guest (SPEC.md §5.5): the nested call runs on the caller's store.
    async_op!(linker, "reenter", detail = Some(json!(which)), |caller, (which, v): (i32, i32)| {
        let func = reentry_export(&mut caller, "reenter", which)?;
        let mut results = [Val::I32(0)];
        func.call_async(&mut caller, &[Val::I32(v)], &mut results).await?;
        Ok(results[0].unwrap_i32())
    });
    linker.func_wrap("awc", "reenter_sync", |mut caller: Caller<'_, HostState>, which: i32, v: i32| -> wasmtime::Result<i32> {
        caller.data().shared.record(None, "reenter_sync", "mark", Some(json!(which)));
        let func = reentry_export(&mut caller, "reenter_sync", which)?;
        let mut results = [Val::I32(0)];
        // A store with async host functions refuses synchronous calls: this fails loudly.
        func.call(&mut caller, &[Val::I32(v)], &mut results)?;
        Ok(results[0].unwrap_i32())
    })?;
    linker.func_wrap("awc", "mark", |caller: Caller<'_, HostState>, v: i32| caller.data().shared.record(None, "mark", "mark", Some(json!(v))))?;
    linker.func_wrap("awc", "identity_i32", |v: i32| v)?;
    linker.func_wrap("awc", "pending", |caller: Caller<'_, HostState>| caller.data().shared.pending() as i32)?;
    Ok(())
}
