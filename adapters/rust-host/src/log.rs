//! The event log, counters and gates of one instance (SPEC.md §2.7), and the host error every
//! host function rejects with: the same semantics as the JS host (adapters/js/host/host.ts).
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

pub const DENIED: i32 = 1;
pub const NOT_FOUND: i32 = 2;
pub const TOO_LARGE: i32 = 3;
pub const BAD_POINTER: i32 = 4;
pub const INVALID_ARGUMENT: i32 = 5;
pub const IO: i32 = 6;
pub const HTTP_STATUS: i32 = 7;
const EVENT_CAPACITY: usize = 10_000;

/// A host function's rejection: reaches the harness as host-error, or denied when `capability` is set.
#[derive(Debug, Clone)]
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

pub fn host_err(function: &str, code: i32, message: impl Into<String>) -> HostError {
    HostError { function: function.into(), code, message: message.into(), capability: None }
}
pub fn denied(function: &str, d: crate::caps::Denial) -> HostError {
    HostError { function: function.into(), code: DENIED, message: d.reason, capability: Some(d.capability) }
}

impl HostError {
    /// The outcome this error ends a call with (PROTOCOL.md): denied or host-error.
    pub fn outcome(&self) -> Value {
        match &self.capability {
            Some(capability) => json!({ "kind": "denied", "function": self.function, "capability": capability, "message": self.message }),
            None => json!({ "kind": "host-error", "function": self.function, "code": self.code, "message": self.message }),
        }
    }
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
    pub fn record(&self, op: Option<u64>, function: &str, kind: &str, detail: Option<Value>) {
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
    pub async fn await_gate(self: Arc<Self>, id: i32) -> Result<i32, HostError> {
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
    pub fn begin(self: &Arc<Self>, function: &'static str, detail: Option<Value>) -> OpGuard {
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
pub struct OpGuard {
    shared: Arc<Shared>,
    op: u64,
    function: &'static str,
    done: bool,
}
impl OpGuard {
    /// Records how the operation ended: `None` ok, `Some(code)` an error with that host error code.
    pub fn end(mut self, error_code: Option<i32>) {
        self.done = true;
        match error_code {
            None => self.shared.record(Some(self.op), self.function, "ok", None),
            Some(code) => self.shared.record(Some(self.op), self.function, "error", Some(json!(code))),
        }
    }
}
impl Drop for OpGuard {
    fn drop(&mut self) {
        if !self.done {
            self.shared.record(Some(self.op), self.function, "abort", Some(json!("call cancelled")));
        }
    }
}

