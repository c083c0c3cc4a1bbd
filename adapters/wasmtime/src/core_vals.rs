//! Protocol values to and from wasmtime's core values, through the shared engine-neutral value
//! (awc_host::vals). A result type the protocol has no value for (v128, references) is an engine
//! error, never a made-up number.
use awc_host::vals::{self, Val as V};
use serde_json::Value;
use wasmtime::{Val, ValType};

pub fn to_val(v: &Value) -> Result<Val, String> {
    Ok(match vals::to_val(v)? {
        V::I32(x) => Val::I32(x),
        V::I64(x) => Val::I64(x),
        V::F32(bits) => Val::F32(bits),
        V::F64(bits) => Val::F64(bits),
    })
}

fn from_val(v: &Val) -> Option<V> {
    Some(match v {
        Val::I32(x) => V::I32(*x),
        Val::I64(x) => V::I64(*x),
        Val::F32(bits) => V::F32(*bits),
        Val::F64(bits) => V::F64(*bits),
        _ => return None,
    })
}

/// The ok outcome of a call that returned `results`.
pub fn outcome(results: &[Val]) -> Value {
    vals::outcome(&results.iter().map(from_val).collect::<Vec<_>>(), |i| format!("{:?}", results[i]))
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
    use serde_json::json;

    #[test]
    fn values_round_trip_bit_exact() {
        let nan = json!({ "type": "f32", "bits": "7fa00001" });
        assert!(matches!(to_val(&nan).unwrap(), Val::F32(0x7fa0_0001)));
        assert_eq!(outcome(&[Val::F32(0x7fa0_0001)])["values"][0]["bits"], json!("7fa00001"));
        assert_eq!(outcome(&[Val::I64(i64::MIN)])["values"][0]["value"], json!(i64::MIN.to_string()));
    }

    #[test]
    fn a_result_without_a_protocol_value_is_an_engine_error() {
        assert_eq!(outcome(&[Val::I32(1), Val::V128(0u128.into())])["kind"], json!("engine-error"));
    }
}
