//! Streams across the embedder boundary (SPEC.md §14.18): the `source`, `sink` and `http-get`
//! functions of `awc:cma/host@0.1.0`, on wasmtime 48's host stream API. The host's writable end
//! is a `StreamProducer` (handed to the guest as a `StreamReader`), its readable end a
//! `StreamConsumer` piped from the guest's `StreamReader`.
//!
//! One host operation lasts as long as the host's end of its stream: the producer owns the
//! operation's guard, records `ok` when it hands over the last byte (and reports the stream
//! dropped), and records `abort` when wasmtime drops it first — which it does when the guest
//! drops the readable end (the transmit is deleted) or the store goes away. The consumer is
//! dropped when the guest drops its writable end: that is how the host learns the stream ended.
use crate::component_async::{operation, signal_of, CallCtl, Live};
use crate::component_host::{as_error_result, limited};
use crate::host::{get_granted_url, host_err, Finish, HostState, OpGuard, IO};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::oneshot;
use wasmtime::component::{Accessor, Destination, LinkerInstance, Source, StreamConsumer, StreamProducer, StreamReader, StreamResult, VecBuffer};
use wasmtime::StoreContextMut;

/// The host produces and consumes in pieces of at most this many bytes: no read-ahead beyond
/// what the reader's copy asks for, so a reader that drops early leaves bytes unsent.
pub const PIECE: usize = 64 * 1024;

/// Byte i of `source(n)`: ((i * 0x9E3779B1) >> 24 ^ (i >> 8)) & 0xff, the 32-bit product.
pub fn pattern(i: u32) -> u8 {
    ((i.wrapping_mul(0x9E37_79B1) >> 24) ^ (i >> 8)) as u8
}

/// (length << 32) | FNV-1a-32 of the bytes seen.
#[derive(Clone, Copy)]
pub struct Summary {
    len: u64,
    hash: u32,
}
impl Default for Summary {
    fn default() -> Self {
        Summary { len: 0, hash: 0x811c_9dc5 }
    }
}
impl Summary {
    pub fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash = (self.hash ^ b as u32).wrapping_mul(0x0100_0193);
        }
        self.len += bytes.len() as u64;
    }
    pub fn value(&self) -> u64 {
        (self.len << 32) | self.hash as u64
    }
}

type Fill = Box<dyn FnMut(usize, &mut [u8]) + Send + Sync>;

/// The operation's guard, shared by the producer and the watcher of its call's cancel signal.
type OpSlot = Arc<Mutex<Option<OpGuard>>>;

/// The host's writable end of `n` bytes; `fill(offset, out)` writes the bytes at `offset`.
struct Producer {
    op: OpSlot,
    sent: usize,
    n: usize,
    fill: Fill,
    /// Dropped with the producer: ends the cancel watcher.
    _gone: oneshot::Sender<()>,
}

impl Producer {
    fn finished(&mut self) -> Poll<wasmtime::Result<StreamResult>> {
        if let Some(op) = self.op.lock().unwrap().take() {
            let _ = op.finish(Ok(()));
        }
        Poll::Ready(Ok(StreamResult::Dropped))
    }
}

impl Drop for Producer {
    /// Dropped before the last byte went out (the guest dropped its readable end, the store is
    /// gone): the guard records `abort` now.
    fn drop(&mut self) {
        drop(self.op.lock().unwrap().take());
    }
}

impl StreamProducer<HostState> for Producer {
    type Item = u8;
    type Buffer = VecBuffer<u8>;

    fn poll_produce<'a>(self: Pin<&mut Self>, _: &mut Context<'_>, store: StoreContextMut<'a, HostState>, dst: Destination<'a, u8, Self::Buffer>, _finish: bool) -> Poll<wasmtime::Result<StreamResult>> {
        let me = self.get_mut();
        // Aborted (its call was cancelled): produce nothing more, end the stream.
        if me.sent >= me.n || me.op.lock().unwrap().is_none() {
            return me.finished();
        }
        let left = me.n - me.sent;
        let mut direct = dst.as_direct(store, left.min(PIECE));
        let room = direct.remaining().len();
        // A zero-length read asks for readiness: bytes are ready now (wasmtime's contract).
        if room == 0 {
            return Poll::Ready(Ok(StreamResult::Completed));
        }
        let k = room.min(PIECE).min(left);
        (me.fill)(me.sent, &mut direct.remaining()[..k]);
        direct.mark_written(k);
        me.sent += k;
        if me.sent >= me.n {
            return me.finished();
        }
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// The host's readable end of a guest's stream: summarises what arrives; when wasmtime drops it
/// (the guest dropped its writable end) it sends the summary.
struct Consumer {
    summary: Summary,
    done: Option<oneshot::Sender<u64>>,
}

impl StreamConsumer<HostState> for Consumer {
    type Item = u8;

    fn poll_consume(self: Pin<&mut Self>, _: &mut Context<'_>, store: StoreContextMut<HostState>, source: Source<'_, u8>, _finish: bool) -> Poll<wasmtime::Result<StreamResult>> {
        let me = self.get_mut();
        let mut direct = source.as_direct(store);
        let k = direct.remaining().len().min(PIECE);
        me.summary.add(&direct.remaining()[..k]);
        direct.mark_read(k);
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(self.summary.value());
        }
    }
}

/// The first part of a stream operation, as `operation` (start; error; abort on a cancel), but
/// on success the guard is handed back: the operation goes on in the stream's producer.
async fn open_operation<R>(accessor: &Accessor<HostState>, name: &'static str, body: impl Future<Output = wasmtime::Result<R>>) -> wasmtime::Result<(R, OpGuard)> {
    let shared = accessor.with(|mut access| access.data_mut().shared.clone());
    let ctl = signal_of(accessor);
    let _live = ctl.as_ref().map(|c| Live::new(c.live.clone()));
    let guard = shared.begin(name, None);
    let mut body = Box::pin(body);
    let Some(CallCtl { cancel: mut signal, .. }) = ctl else {
        return match body.await {
            Ok(v) => Ok((v, guard)),
            Err(e) => Err(guard.finish::<()>(Err(e)).unwrap_err()),
        };
    };
    let finished = tokio::select! {
        result = &mut body => Some(result),
        Ok(_) = signal.wait_for(|cancelled| *cancelled) => None,
    };
    match finished {
        Some(Ok(v)) => Ok((v, guard)),
        Some(Err(e)) => Err(guard.finish::<()>(Err(e)).unwrap_err()),
        None => {
            drop(body);
            drop(guard);
            drop(_live);
            std::future::pending().await
        }
    }
}

/// Hands the guest a stream of `n` bytes produced by `fill`, under operation `op`. A cancel of
/// the call aborts `op` at once, even after the stream was handed out (SPEC.md §14.18): the
/// producer then ends the stream at the guest's next read.
fn reader(accessor: &Accessor<HostState>, op: OpGuard, n: usize, fill: Fill) -> wasmtime::Result<StreamReader<u8>> {
    let slot: OpSlot = Arc::new(Mutex::new(Some(op)));
    let (gone, mut ended) = oneshot::channel();
    if let Some(CallCtl { cancel: mut signal, .. }) = signal_of(accessor) {
        let slot = slot.clone();
        tokio::spawn(async move {
            tokio::select! {
                Ok(_) = signal.wait_for(|cancelled| *cancelled) => drop(slot.lock().unwrap().take()),
                _ = &mut ended => {}
            }
        });
    }
    accessor.with(|mut access| StreamReader::new(&mut access, Producer { op: slot, sent: 0, n, fill, _gone: gone }))
}

pub fn link(host: &mut LinkerInstance<'_, HostState>) -> wasmtime::Result<()> {
    host.func_wrap_concurrent("source", |acc: &Accessor<HostState>, (n,): (u32,)| {
        Box::pin(async move {
            let ((), op) = open_operation(acc, "source", async { Ok(()) }).await?;
            let fill: Fill = Box::new(|from, out| {
                for (k, b) in out.iter_mut().enumerate() {
                    *b = pattern((from + k) as u32);
                }
            });
            Ok((reader(acc, op, n as usize, fill)?,))
        })
    })?;
    host.func_wrap_concurrent("sink", |acc: &Accessor<HostState>, (stream,): (StreamReader<u8>,)| {
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            acc.with(|mut access| stream.pipe(&mut access, Consumer { summary: Summary::default(), done: Some(tx) }))?;
            let summary = operation(acc, "sink", None, async move { rx.await.map_err(|_| host_err("sink", IO, "the stream was dropped without its summary")) }).await?;
            Ok((summary,))
        })
    })?;
    host.func_wrap_concurrent("http-get", |acc: &Accessor<HostState>, (url, max): (String, u32)| {
        Box::pin(async move {
            let (grants, client) = acc.with(|mut access| (access.data_mut().grants.clone(), access.data_mut().http.clone()));
            let opened = open_operation(acc, "http-get", async move { get_granted_url("http-get", &grants, &client, &url, max).await.and_then(|b| limited("http-get", b, max)) }).await;
            let result = match opened {
                Ok((body, op)) => {
                    let n = body.len();
                    Ok(reader(acc, op, n, Box::new(move |from, out: &mut [u8]| out.copy_from_slice(&body[from..from + out.len()])))?)
                }
                Err(e) => Err(e),
            };
            Ok((as_error_result(result)?,))
        })
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_matches_the_guest() {
        // stream.wat: ((i * 0x9E3779B1) >> 24) ^ (i >> 8), low 8 bits, i32 arithmetic.
        assert_eq!(pattern(0), 0);
        assert_eq!(pattern(1), 0x9E);
        assert_eq!(pattern(256), ((256u32.wrapping_mul(0x9E37_79B1) >> 24) ^ 1) as u8);
    }

    #[test]
    fn summary_is_length_and_fnv1a() {
        let mut s = Summary::default();
        s.add(b"a");
        assert_eq!(s.value(), (1u64 << 32) | 0xe40c_292c);
    }
}
