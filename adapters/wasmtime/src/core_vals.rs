//! Protocol values (PROTOCOL.md: i32 as a number, i64 as a decimal string, floats by their bits)
//! to and from core wasm values. A result type the protocol has no value for (v128, references)
//! is an engine error, never a made-up number.
use serde_json::{json, Value};
use wasmtime::{Val, ValType};

pub fn to_val(v: &Value) -> Result<Val, String> {
    let ty = v["type"].as_str().unwrap_or("");
    let hex = |width| u64::from_str_radix(v["bits"].as_str().unwrap_or(""), 16).ok().filter(|_| v["bits"].as_str().map(str::len) == Some(width));
    Ok(match ty {
        "i32" => Val::I32(v["value"].as_i64().ok_or("i32 value")? as i32),
        "i64" => Val::I64(v["value"].as_str().and_then(|s| s.parse().ok()).ok_or("i64 value")?),
        "f32" => Val::F32(hex(8).ok_or("f32 bits")? as u32),
        "f64" => Val::F64(hex(16).ok_or("f64 bits")?),
        _ => return Err(format!("unknown value type {ty:?}")),
    })
}

fn from_val(v: &Val) -> Option<Value> {
    Some(match v {
        Val::I32(x) => json!({ "type": "i32", "value": x }),
        Val::I64(x) => json!({ "type": "i64", "value": x.to_string() }),
        Val::F32(bits) => json!({ "type": "f32", "bits": format!("{bits:08x}"), "value": f32::from_bits(*bits).to_string() }),
        Val::F64(bits) => json!({ "type": "f64", "bits": format!("{bits:016x}"), "value": f64::from_bits(*bits).to_string() }),
        _ => return None,
    })
}

/// The ok outcome of a call that returned `results`.
pub fn outcome(results: &[Val]) -> Value {
    let mut values = Vec::new();
    for result in results {
        match from_val(result) {
            Some(v) => values.push(v),
            None => return json!({ "kind": "engine-error", "name": "UnsupportedResult", "message": format!("the protocol has no value for the result {result:?}") }),
        }
    }
    json!({ "kind": "ok", "values": values })
}

/// A placeholder of the right type for `call_async` to overwrite.
pub fn placeholder(ty: &ValType) -> Val {
    match ty {
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        _ => Val::I32(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_bit_exact() {
        let nan = json!({ "type": "f32", "bits": "7fa00001" });
        assert!(matches!(to_val(&nan).unwrap(), Val::F32(0x7fa0_0001)));
        assert_eq!(outcome(&[Val::F32(0x7fa0_0001)])["values"][0]["bits"], json!("7fa00001"));
        assert_eq!(outcome(&[Val::I64(i64::MIN)])["values"][0]["value"], json!(i64::MIN.to_string()));
        assert!(to_val(&json!({ "type": "f64", "bits": "7ff" })).is_err());
        assert!(to_val(&json!({ "type": "v128" })).is_err());
    }

    #[test]
    fn a_result_without_a_protocol_value_is_an_engine_error() {
        assert_eq!(outcome(&[Val::I32(1), Val::V128(0u128.into())])["kind"], json!("engine-error"));
    }
}
