//! The host ABI (SPEC.md §2) on Tokio, with `func_wrap_async`: the same semantics as the JS host
//! (adapters/js/host/host.ts). Host errors travel through wasmtime as `HostError` and are
//! recovered by downcasting when the call ends.
use crate::caps::{self, Denial, Grants};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use wasmtime::{Caller, Extern, Linker, Memory, StoreLimits, Val};

pub const DENIED: i32 = 1;
pub const NOT_FOUND: i32 = 2;
pub const TOO_LARGE: i32 = 3;
pub const BAD_POINTER: i32 = 4;
pub const INVALID_ARGUMENT: i32 = 5;
pub const IO: i32 = 6;
pub const HTTP_STATUS: i32 = 7;
const MAX_PATH: u32 = 4096;
const MAX_URL: u32 = 8192;
const MAX_CALL: u32 = 16 * 1024 * 1024;
const EVENT_CAPACITY: usize = 10_000;

/// A host function's rejection: reaches the harness as host-error, or denied when `capability` is set.
#[derive(Debug)]
pub struct HostError {
    pub function: String,
    pub code: i32,
    pub message: String,
    pub capability: Option<String>,
}
impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {}): {}", self.function, self.code, self.message)
    }
}
impl std::error::Error for HostError {}

pub(crate) fn host_err(function: &str, code: i32, message: impl Into<String>) -> wasmtime::Error {
    wasmtime::Error::new(HostError { function: function.into(), code, message: message.into(), capability: None })
}
fn denied(function: &str, d: Denial) -> wasmtime::Error {
    wasmtime::Error::new(HostError { function: function.into(), code: DENIED, message: d.reason, capability: Some(d.capability) })
}

#[derive(Default)]
pub struct Counters {
    pub started: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub aborted: u64,
}

/// The event log and gates of one instance; shared outside the Store so `inspect` and
/// `open-gate` never wait behind a call that holds the Store.
#[derive(Default)]
pub struct Shared {
    log: Mutex<Log>,
    /// Where host-event notifications go (hello asked for `events: true`): the instance id and stdout's queue.
    notify: Mutex<Option<(String, tokio::sync::mpsc::WeakUnboundedSender<String>)>>,
    gates: Mutex<HashMap<i32, oneshot::Sender<i32>>>,
    pub memory_bytes: AtomicI64,
}

#[derive(Default)]
struct Log {
    seq: u64,
    next_op: u64,
    dropped: u64,
    counters: Counters,
    events: VecDeque<Value>,
}

impl Shared {
    pub(crate) fn record(&self, op: Option<u64>, function: &str, kind: &str, detail: Option<Value>) {
        let mut log = self.log.lock().unwrap();
        log.seq += 1;
        match kind {
            "start" => log.counters.started += 1,
            "ok" => log.counters.succeeded += 1,
            "error" => log.counters.failed += 1,
            "abort" => log.counters.aborted += 1,
            _ => {}
        }
        let mut event = json!({ "seq": log.seq, "fn": function, "kind": kind });
        if let Some(op) = op {
            event["op"] = json!(op);
        }
        if let Some(detail) = detail {
            event["detail"] = detail;
        }
        // Sent under the log lock, so notifications leave in `seq` order and before any later inspect answer.
        if let Some((instance, out)) = self.notify.lock().unwrap().as_ref() {
            if let Some(out) = out.upgrade() {
                let _ = out.send(json!({ "method": "host-event", "params": { "instance": instance, "event": event } }).to_string());
            }
        }
        log.events.push_back(event);
        if log.events.len() > EVENT_CAPACITY {
            log.events.pop_front();
            log.dropped += 1;
        }
    }

    /// From now on, every event is also sent as a host-event notification for `instance`.
    pub fn notify_to(&self, instance: String, out: tokio::sync::mpsc::WeakUnboundedSender<String>) {
        *self.notify.lock().unwrap() = Some((instance, out));
    }

    pub fn pending(&self) -> u64 {
        let log = self.log.lock().unwrap();
        let c = &log.counters;
        c.started - c.succeeded - c.failed - c.aborted
    }

    pub fn snapshot(&self) -> Value {
        let log = self.log.lock().unwrap();
        let c = &log.counters;
        let memory = self.memory_bytes.load(Ordering::Relaxed);
        json!({
            "counters": { "started": c.started, "succeeded": c.succeeded, "failed": c.failed, "aborted": c.aborted, "pending": c.started - c.succeeded - c.failed - c.aborted },
            "events": log.events.iter().cloned().collect::<Vec<_>>(),
            "droppedEvents": log.dropped,
            "memoryBytes": if memory < 0 { Value::Null } else { json!(memory) },
        })
    }

    pub fn open_gate(&self, id: i32, value: i32) -> Result<(), String> {
        let sender = self.gates.lock().unwrap().remove(&id).ok_or_else(|| format!("no guest is waiting on gate {id}"))?;
        self.record(None, "gate", "gate-open", Some(json!(id)));
        let _ = sender.send(value);
        Ok(())
    }

    /// Parks until the harness opens gate `id`; returns the value it gives (core and component `gate`).
    pub(crate) async fn await_gate(self: Arc<Self>, id: i32) -> wasmtime::Result<i32> {
        let (tx, rx) = oneshot::channel();
        {
            let mut gates = self.gates.lock().unwrap();
            if gates.contains_key(&id) {
                return Err(host_err("gate", INVALID_ARGUMENT, format!("gate {id} is already awaited")));
            }
            gates.insert(id, tx);
        }
        // Dropped (cancelled) while waiting: forget the gate, so it can be awaited again.
        struct Forget(Arc<Shared>, i32);
        impl Drop for Forget {
            fn drop(&mut self) {
                self.0.gates.lock().unwrap().remove(&self.1);
            }
        }
        let _forget = Forget(self.clone(), id);
        rx.await.map_err(|_| host_err("gate", IO, "gate dropped"))
    }

    /// Starts an operation; its guard records `abort` if the future is dropped before it ends.
    /// `detail` is the `start` event's detail (SPEC.md §2.7): the argument a case compares.
    pub(crate) fn begin(self: &Arc<Self>, function: &'static str, detail: Option<Value>) -> OpGuard {
        let op = {
            let mut log = self.log.lock().unwrap();
            log.next_op += 1;
            log.next_op
        };
        self.record(Some(op), function, "start", detail);
        OpGuard { shared: self.clone(), op, function, done: false }
    }
}

/// Records how one host operation ended; dropped unfinished (cancellation) it records `abort`,
/// after the operation's own future (timer, request) was dropped: its cleanup ran.
pub(crate) struct OpGuard {
    shared: Arc<Shared>,
    op: u64,
    function: &'static str,
    done: bool,
}
impl OpGuard {
    pub(crate) fn finish<T>(mut self, result: wasmtime::Result<T>) -> wasmtime::Result<T> {
        self.done = true;
        match &result {
            Ok(_) => self.shared.record(Some(self.op), self.function, "ok", None),
            Err(e) => {
                let code = e.downcast_ref::<HostError>().map(|h| h.code).unwrap_or(IO);
                self.shared.record(Some(self.op), self.function, "error", Some(json!(code)));
            }
        }
        result
    }
}
impl Drop for OpGuard {
    fn drop(&mut self) {
        if !self.done {
            self.shared.record(Some(self.op), self.function, "abort", Some(json!("call cancelled")));
        }
    }
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
        _ => Err(host_err(function, BAD_POINTER, "guest exports no memory named \"memory\"")),
    }
}

fn read_bytes(caller: &mut Caller<'_, HostState>, function: &str, ptr: i32, len: i32) -> wasmtime::Result<Vec<u8>> {
    let mem = memory(caller, function)?;
    let (start, size) = (ptr as u32 as usize, len as u32 as usize);
    let data = mem.data(&caller);
    if start.checked_add(size).map_or(true, |end| end > data.len()) {
        return Err(host_err(function, BAD_POINTER, format!("range [{start}, {}) is outside guest memory ({} bytes)", start as u64 + size as u64, data.len())));
    }
    Ok(data[start..start + size].to_vec())
}

fn read_string(caller: &mut Caller<'_, HostState>, function: &str, ptr: i32, len: i32, max: u32) -> wasmtime::Result<String> {
    if len as u32 > max {
        return Err(host_err(function, TOO_LARGE, format!("string of {} bytes exceeds the limit of {max}", len as u32)));
    }
    let bytes = read_bytes(caller, function, ptr, len)?;
    String::from_utf8(bytes).map_err(|_| host_err(function, INVALID_ARGUMENT, "string is not valid UTF-8"))
}

fn write_bytes(caller: &mut Caller<'_, HostState>, function: &str, ptr: i32, cap: i32, bytes: &[u8]) -> wasmtime::Result<i32> {
    if bytes.len() > cap as u32 as usize {
        return Err(host_err(function, TOO_LARGE, format!("result of {} bytes does not fit the guest buffer of {} bytes", bytes.len(), cap as u32)));
    }
    let mem = memory(caller, function)?;
    let start = ptr as u32 as usize;
    let data = mem.data_mut(&mut *caller);
    if start.checked_add(bytes.len()).map_or(true, |end| end > data.len()) {
        return Err(host_err(function, BAD_POINTER, format!("range [{start}, {}) is outside guest memory ({} bytes)", start + bytes.len(), data.len())));
    }
    data[start..start + bytes.len()].copy_from_slice(bytes);
    Ok(bytes.len() as i32)
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

/// read_file's work once the path is a string (core ABI and components alike): the grant decides
/// before any I/O and the real path must stay inside its mount. Reads at most `cap` + 1 bytes:
/// enough for the caller to tell the file is too large without loading it all.
pub(crate) async fn read_granted_file(function: &str, grants: &Grants, path: &str, cap: u32) -> wasmtime::Result<Vec<u8>> {
    if path.len() > MAX_PATH as usize {
        return Err(host_err(function, TOO_LARGE, format!("path of {} bytes exceeds the limit of {MAX_PATH}", path.len())));
    }
    let (host_path, root) = caps::resolve_file(path, grants).map_err(|d| denied(function, d))?;
    let io = |e: std::io::Error| host_err(function, if e.kind() == std::io::ErrorKind::NotFound { NOT_FOUND } else { IO }, e.to_string());
    let real = tokio::fs::canonicalize(&host_path).await.map_err(io)?;
    let real_root = tokio::fs::canonicalize(&root).await.map_err(io)?;
    if !caps::is_inside(&real, &real_root) {
        return Err(denied(function, Denial { capability: format!("file:{path}"), reason: "path resolves outside its mount (symlink escape)".into() }));
    }
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(&real).await.map_err(io)?;
    let mut bytes = Vec::new();
    file.take(cap as u64 + 1).read_to_end(&mut bytes).await.map_err(io)?;
    Ok(bytes)
}

/// http_get's work once the URL is a string: the grant decides before any connection. Reads at
/// most `cap` + 1 bytes of the body.
pub(crate) async fn get_granted_url(function: &str, grants: &Grants, client: &reqwest::Client, url: &str, cap: u32) -> wasmtime::Result<Vec<u8>> {
    if url.len() > MAX_URL as usize {
        return Err(host_err(function, TOO_LARGE, format!("URL of {} bytes exceeds the limit of {MAX_URL}", url.len())));
    }
    let url = caps::resolve_http(url, grants).map_err(|d| denied(function, d))?;
    let mut response = client.get(url).send().await.map_err(|e| host_err(function, IO, format!("request failed: {e}")))?;
    let status = response.status().as_u16();
    if !(200..=299).contains(&status) {
        return Err(host_err(function, HTTP_STATUS, format!("HTTP status {status}")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| host_err(function, IO, format!("reading the body failed: {e}")))? {
        body.extend_from_slice(&chunk);
        if body.len() > cap as usize {
            break;
        }
    }
    Ok(body)
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
    const F: &str = "call";
    let [name_ptr, name_len, in_ptr, in_len, out_ptr, out_cap] = args;
    let name = read_string(caller, F, name_ptr, name_len, 256)?;
    let grants = caller.data().grants.clone();
    caps::resolve_call(&name, &grants).map_err(|d| denied(F, d))?;
    // SPEC.md §2.6 order: grant, function exists, input length, input range, output.
    let function: fn(Vec<u8>) -> Vec<u8> = match name.as_str() {
        "reverse" => |input| input.into_iter().rev().collect(),
        "upper" => |input| input.into_iter().map(|b| b.to_ascii_uppercase()).collect(),
        _ => return Err(host_err(F, NOT_FOUND, format!("no generic host function named {name:?}"))),
    };
    if in_len as u32 > MAX_CALL {
        return Err(host_err(F, TOO_LARGE, format!("input of {} bytes exceeds {MAX_CALL}", in_len as u32)));
    }
    let output = function(read_bytes(caller, F, in_ptr, in_len)?);
    write_bytes(caller, F, out_ptr, out_cap, &output)
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
    async_op!(linker, "gate", detail = Some(json!(id)), |caller, (id,): (i32,)| caller.data().shared.clone().await_gate(id).await);
    async_op!(linker, "read_file", detail = peek_string(&mut caller, a, b, MAX_PATH), |caller, (a, b, c, d): (i32, i32, i32, i32)| read_file(&mut caller, a, b, c, d).await);
    async_op!(linker, "http_get", detail = peek_string(&mut caller, a, b, MAX_URL), |caller, (a, b, c, d): (i32, i32, i32, i32)| http_get(&mut caller, a, b, c, d).await);
    async_op!(linker, "call", detail = peek_string(&mut caller, a, b, 256), |caller, (a, b, c, d, e, f): (i32, i32, i32, i32, i32, i32)| generic(&mut caller, [a, b, c, d, e, f]));
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
