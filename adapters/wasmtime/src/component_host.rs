//! The component host interface `awc:host/host@0.1.0` (fixtures/wit/awc-host.wit, SPEC.md §13)
//! on the component-model linker, with the same event log, gates and cancellation as the core
//! host ABI (host.rs): every async function is a host operation whose guard records `abort`
//! when a cancel or deadline drops the call.
use crate::host::{get_granted_url, host_err, read_granted_file, Finish, HostError, HostState, TOO_LARGE};
use serde_json::json;
use std::time::Duration;
use wasmtime::component::{ComponentType, Lift, Linker, Lower};
use wasmtime::StoreContextMut;

pub const INTERFACE: &str = "awc:host/host@0.1.0";

/// WIT `host-error`: what `fail`, `read-file` and `http-get` return as `err(..)` and the guest
/// hands back as its own; `capability` is set on denials.
#[derive(ComponentType, Lift, Lower, Clone, Debug)]
#[component(record)]
pub struct HostErrorRecord {
    function: String,
    code: u32,
    message: String,
    capability: Option<String>,
}

/// A host error becomes the guest's `err(host-error)` value; anything else still traps.
pub(crate) fn as_error_result<T>(result: wasmtime::Result<T>) -> wasmtime::Result<Result<T, HostErrorRecord>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) => match e.downcast::<HostError>() {
            Ok(h) => Ok(Err(HostErrorRecord { function: h.function, code: h.code as u32, message: h.message, capability: h.capability })),
            Err(e) => Err(e),
        },
    }
}

/// At most `max` bytes reach the guest; more is too-large, as for the core ABI's buffers.
pub(crate) fn limited(function: &str, bytes: Vec<u8>, max: u32) -> wasmtime::Result<Vec<u8>> {
    if bytes.len() > max as usize {
        return Err(host_err(function, TOO_LARGE, format!("the result is larger than the limit of {max} bytes")));
    }
    Ok(bytes)
}

/// Wraps an async host function body (returning `wasmtime::Result<Return>`) with the
/// operation's event-log bookkeeping; the event names are the WIT names.
macro_rules! async_op {
    ($host:ident, $name:literal, |$store:ident, $params:tt : $pty:ty| $body:expr) => {
        $host.func_wrap_async($name, |$store: StoreContextMut<'_, HostState>, $params: $pty| {
            Box::new(async move {
                let guard = $store.data().shared.begin($name, None);
                let result = async { $body }.await;
                guard.finish(result)
            })
        })?;
    };
}

pub fn link(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    let mut host = linker.instance(INTERFACE)?;
    async_op!(host, "sleep", |store, (ms,): (u32,)| {
        tokio::time::sleep(Duration::from_millis(ms as u64)).await;
        Ok(())
    });
    async_op!(host, "yield-turn", |store, (): ()| {
        tokio::task::yield_now().await;
        Ok(())
    });
    async_op!(host, "echo-s32", |store, (v,): (i32,)| Ok((v,)));
    async_op!(host, "echo-s64", |store, (v,): (i64,)| Ok((v,)));
    async_op!(host, "echo-f32", |store, (v,): (f32,)| Ok((v,)));
    async_op!(host, "echo-f64", |store, (v,): (f64,)| Ok((v,)));
    async_op!(host, "echo-string", |store, (s,): (String,)| Ok((s,)));
    async_op!(host, "echo-bytes", |store, (b,): (Vec<u8>,)| Ok((b,)));
    host.func_wrap_async("fail", |store: StoreContextMut<'_, HostState>, (code,): (u32,)| {
        Box::new(async move {
            let guard = store.data().shared.begin("fail", None);
            let failed: wasmtime::Result<()> = Err(host_err("fail", code as i32, format!("fail({code}) requested by the guest")));
            // Logged as an error, like the core `fail`; the guest gets it as a value.
            Ok((as_error_result(guard.finish(failed))?,))
        })
    })?;
    async_op!(host, "gate", |store, (id,): (u32,)| {
        let shared = store.data().shared.clone();
        shared.await_gate(id as i32).await.map(|v| (v as u32,)).map_err(wasmtime::Error::new)
    });
    host.func_wrap_async("read-file", |store: StoreContextMut<'_, HostState>, (path, max): (String, u32)| {
        Box::new(async move {
            let guard = store.data().shared.begin("read-file", None);
            let grants = store.data().grants.clone();
            let result = read_granted_file("read-file", &grants, &path, max).await.and_then(|b| limited("read-file", b, max));
            Ok((as_error_result(guard.finish(result))?,))
        })
    })?;
    host.func_wrap_async("http-get", |store: StoreContextMut<'_, HostState>, (url, max): (String, u32)| {
        Box::new(async move {
            let guard = store.data().shared.begin("http-get", None);
            let (grants, client) = (store.data().grants.clone(), store.data().http.clone());
            let result = get_granted_url("http-get", &grants, &client, &url, max).await.and_then(|b| limited("http-get", b, max));
            Ok((as_error_result(guard.finish(result))?,))
        })
    })?;
    host.func_wrap("mark", |store: StoreContextMut<'_, HostState>, (tag,): (u32,)| {
        store.data().shared.record(None, "mark", "mark", Some(json!(tag)));
        Ok(())
    })?;
    host.func_wrap("identity-s32", |_store: StoreContextMut<'_, HostState>, (v,): (i32,)| Ok((v,)))?;
    // COMP-UNDECLARED-ASYNC cannot be misused here: a synchronous wasmtime host function returns
    // its value, not a future, so a function that completes later must be bound as async.
    async_op!(host, "late-s32", |store, (v,): (i32,)| {
        tokio::task::yield_now().await;
        Ok((v,))
    });
    Ok(())
}
