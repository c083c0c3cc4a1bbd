//! The wire protocol's framing (harness/protocol/PROTOCOL.md), the same for every Rust row: JSON
//! lines on stdio, requests served concurrently, `cancel` and `dispose` handled on the reading
//! task in read order, and a call held until the request lines that arrived with it are handled
//! (so a cancel written together with its call wins: CANCEL-BEFORE-START). Also the bookkeeping
//! of calls in flight, each instance's call queue, and the cancel/deadline race.
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

pub const PROTOCOL_VERSION: u64 = 1;

/// A request that cannot be served: becomes an error response.
pub struct Refusal(pub &'static str, pub String);
pub type Reply = Result<Value, Refusal>;

pub fn bad(message: impl Into<String>) -> Refusal {
    Refusal("bad-request", message.into())
}

pub fn params<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, Refusal> {
    serde_json::from_value(value).map_err(|e| bad(format!("params: {e}")))
}

/// `hello`'s version check; the events flag it asked for.
pub fn check_hello(p: &Value) -> Result<bool, Refusal> {
    let version = p["protocolVersion"].as_u64().ok_or_else(|| bad("protocolVersion"))?;
    if version != PROTOCOL_VERSION {
        return Err(Refusal("version-mismatch", format!("this adapter speaks protocol {PROTOCOL_VERSION}, the harness asked for {version}")));
    }
    Ok(p["events"].as_bool() == Some(true))
}

/// Sends the response to one request.
pub type Answer = Box<dyn FnOnce(Reply) + Send>;

/// What an engine serves.
pub trait Serve {
    /// `cancel` and `dispose`: answered on the reading task, in read order.
    fn now(&self, method: &str, params: Value) -> Reply;
    /// Every other request, on its own task. `start` (calls only) is released once the request
    /// lines read with the call are handled; the call must not enter the guest before.
    fn spawn(&self, method: String, params: Value, start: Option<oneshot::Receiver<()>>, answer: Answer) -> tokio::task::JoinHandle<()>;
}

/// Serves stdin until EOF or `close`, writing `out_rx` to stdout (responses and notifications).
pub async fn run<S: Serve>(server: &S, out_tx: mpsc::UnboundedSender<String>, mut out_rx: mpsc::UnboundedReceiver<String>) -> std::io::Result<()> {
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
    // handled, so a cancel written together with its call is handled first.
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
        let closing = serve_line(server, &out_tx, &line, arrived_with, &mut held);
        // This line is handled: one fewer for every call read before it (0: released).
        held.extend(earlier.into_iter().filter(|(left, _)| *left > 1).map(|(left, release)| (left - 1, release)));
        if let Some(task) = closing {
            let _ = task.await;
            break;
        }
    }
    drop(out_tx);
    let _ = writer.await;
    Ok(())
}

/// Serves one request line; returns the task of a `close`, which ends the loop once answered.
fn serve_line<S: Serve>(server: &S, out_tx: &mpsc::UnboundedSender<String>, line: &str, arrived_with: usize, held: &mut Vec<(usize, oneshot::Sender<()>)>) -> Option<tokio::task::JoinHandle<()>> {
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
    let out = out_tx.clone();
    let answer: Answer = Box::new(move |reply: Reply| {
        let body = match reply {
            Ok(result) => json!({ "id": id, "result": result }),
            Err(Refusal(code, message)) => json!({ "id": id, "error": { "code": code, "message": if message.is_empty() { code.to_string() } else { message } } }),
        };
        let _ = out.send(body.to_string());
    });
    if method == "cancel" || method == "dispose" {
        answer(server.now(&method, params));
        return None;
    }
    let start = (method == "call").then(|| {
        let (release, start) = oneshot::channel();
        if arrived_with > 0 {
            held.push((arrived_with, release));
        }
        start
    });
    let closing = method == "close";
    let task = server.spawn(method, params, start, answer);
    closing.then_some(task)
}

/// A call's place in its instance's queue, taken when its request is read, so calls into one
/// instance enter in the order they were sent (request tasks start in any order). A call waits
/// until the previous call's sender is gone: dropped when that call ends or is cancelled.
pub struct Turn {
    pub previous: Option<oneshot::Receiver<()>>,
    pub mine: oneshot::Sender<()>,
}

impl Turn {
    /// Waits for the previous call; the returned sender is this call's place (drop it to let the next in).
    pub async fn wait(self) -> oneshot::Sender<()> {
        if let Some(previous) = self.previous {
            let _ = previous.await;
        }
        self.mine
    }
}

/// The end of one instance's call queue: the latest call's turn.
#[derive(Default)]
pub struct Queue(Mutex<Option<oneshot::Receiver<()>>>);

impl Queue {
    pub fn take_turn(&self) -> Turn {
        let (mine, next) = oneshot::channel();
        Turn { previous: self.0.lock().unwrap().replace(next), mine }
    }
}

/// What is fixed when a call's request is read: its cancel channel, its turn, when its deadline
/// starts counting, and the release that lets it enter the guest.
pub struct CallSlot {
    pub cancel: oneshot::Receiver<&'static str>,
    pub turn: Option<Turn>,
    pub read_at: Instant,
    pub start: oneshot::Receiver<()>,
}

/// A call in flight (read, not yet answered): its instance and the sender that cancels it.
struct InFlight {
    instance: String,
    cancel: oneshot::Sender<&'static str>,
}

/// The calls in flight of one adapter process.
#[derive(Default)]
pub struct Calls(Mutex<HashMap<String, InFlight>>);

impl Calls {
    /// Registers a call when its request is read; `turn` takes its place in the instance's queue
    /// (None: no such instance). None: a duplicate id, or no such instance.
    pub fn register(&self, p: &Value, start: oneshot::Receiver<()>, turn: impl FnOnce(&str) -> Option<Turn>) -> Option<CallSlot> {
        let id = p["call"].as_str()?.to_string();
        let instance = p["instance"].as_str()?.to_string();
        let mut calls = self.0.lock().unwrap();
        if calls.contains_key(&id) {
            return None;
        }
        let turn = turn(&instance)?;
        let (tx, rx) = oneshot::channel();
        calls.insert(id, InFlight { instance, cancel: tx });
        Some(CallSlot { cancel: rx, turn: Some(turn), read_at: Instant::now(), start })
    }

    /// The call was answered (or never started): forget it.
    pub fn remove(&self, call: &str) {
        self.0.lock().unwrap().remove(call);
    }

    /// `cancel`: `found` is true if the call was in flight.
    pub fn cancel(&self, p: &Value) -> Reply {
        let call = p["call"].as_str().ok_or_else(|| bad("call"))?;
        let in_flight = self.0.lock().unwrap().remove(call);
        let found = in_flight.map(|c| c.cancel.send("call cancelled by the harness").is_ok()).unwrap_or(false);
        Ok(json!({ "found": found }))
    }

    /// Cancels every call of `instance` still in flight (dispose).
    pub fn cancel_instance(&self, instance: &str, why: &'static str) {
        let mut calls = self.0.lock().unwrap();
        let ids: Vec<String> = calls.iter().filter(|(_, c)| c.instance == instance).map(|(call, _)| call.clone()).collect();
        for id in ids {
            if let Some(c) = calls.remove(&id) {
                let _ = c.cancel.send(why);
            }
        }
    }
}

/// The parameters of a `call` request.
#[derive(Deserialize)]
pub struct CallParams {
    pub instance: String,
    pub call: String,
    pub export: String,
    pub args: Vec<Value>,
    #[serde(rename = "deadlineMs")]
    pub deadline_ms: Option<u64>,
}

/// Runs a call against its cancel and its deadline (counted from `started`, when the request was
/// read); whichever finishes first wins and the others are dropped.
pub async fn race(cancel: oneshot::Receiver<&'static str>, deadline_ms: Option<u64>, started: Instant, run: impl Future<Output = Reply>) -> Reply {
    let deadline = async {
        match deadline_ms {
            Some(ms) => tokio::time::sleep_until(tokio::time::Instant::from_std(started + Duration::from_millis(ms))).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        biased;
        Ok(why) = cancel => Ok(json!({ "kind": "cancelled", "message": why })),
        _ = deadline => Ok(json!({ "kind": "timeout", "afterMs": started.elapsed().as_millis() as u64, "message": format!("deadline of {} ms passed", deadline_ms.unwrap_or(0)) })),
        outcome = run => outcome,
    }
}

/// A call's result: its outcome and the milliseconds since its request was read.
pub fn call_result(outcome: Value, started: Instant) -> Value {
    json!({ "outcome": outcome, "elapsedMs": started.elapsed().as_secs_f64() * 1000.0 })
}

/// The parameters of `bench`.
#[derive(Deserialize)]
pub struct BenchParams {
    pub instance: String,
    pub export: String,
    pub args: Vec<Value>,
    #[serde(rename = "budgetMs")]
    pub budget_ms: u64,
    #[serde(rename = "warmupMs", default)]
    pub warmup_ms: u64,
    #[serde(default)]
    pub plain: bool,
}

/// The parameters of `bench-instantiate`.
#[derive(Deserialize)]
pub struct BenchInstantiateParams {
    pub module: String,
    #[serde(rename = "budgetMs")]
    pub budget_ms: u64,
    #[serde(rename = "warmupMs", default)]
    pub warmup_ms: u64,
}
