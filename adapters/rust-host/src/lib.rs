//! awc-host: what every Rust adapter of async-wasm-conformance shares, so the wasmtime, wasmer and
//! wasmi rows differ only in how their engine runs a guest and awaits a host function:
//! the protocol framing and call bookkeeping (protocol.rs), capability checks (caps.rs, SPEC.md
//! §2.4–2.6), the engine-independent host ABI work (abi.rs), the event log and gates (log.rs),
//! protocol values (vals.rs) and the bench sampler (`sample!`).
pub mod abi;
pub mod caps;
pub mod log;
pub mod protocol;
pub mod vals;
pub use serde_json;

/// The bench sampler: warm up, size batches so one lasts >= 1 ms (at most 1 << 20 calls), then
/// collect raw batch times until the budget is spent (PROTOCOL.md `bench`). A macro rather than a
/// function over an async closure: such closures are not `Send` here. `$once` is an expression
/// that evaluates to a future of `Result<_, E>`; the macro's value is `Result<Value, E>`.
#[macro_export]
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
            samples.push($crate::serde_json::json!({ "iterations": batch, "totalNs": t0.elapsed().as_nanos() as f64 }));
        }
        Ok($crate::serde_json::json!({ "samples": samples }))
    }};
}
