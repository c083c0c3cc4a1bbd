//! Protocol values (PROTOCOL.md: i32 as a number, i64 as a decimal string, floats by their bits)
//! as an engine-neutral core value; each engine maps `Val` to its own. Floats stay bits end to end.
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

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

pub fn from_val(v: &Val) -> Value {
    match v {
        Val::I32(x) => json!({ "type": "i32", "value": x }),
        Val::I64(x) => json!({ "type": "i64", "value": x.to_string() }),
        Val::F32(bits) => json!({ "type": "f32", "bits": format!("{bits:08x}"), "value": f32::from_bits(*bits).to_string() }),
        Val::F64(bits) => json!({ "type": "f64", "bits": format!("{bits:016x}"), "value": f64::from_bits(*bits).to_string() }),
    }
}

/// The ok outcome of a call whose results are `results`; a result the protocol has no value for
/// (None: v128, a reference) makes it an engine error naming `shown`, never a made-up number.
pub fn outcome(results: &[Option<Val>], shown: impl Fn(usize) -> String) -> Value {
    let mut values = Vec::new();
    for (i, result) in results.iter().enumerate() {
        match result {
            Some(v) => values.push(from_val(v)),
            None => return json!({ "kind": "engine-error", "name": "UnsupportedResult", "message": format!("the protocol has no value for the result {}", shown(i)) }),
        }
    }
    json!({ "kind": "ok", "values": values })
}

/// The engine-error outcome of a call whose arguments do not fit the export (PROP-ARGS).
pub fn bad_arguments(message: impl Into<String>) -> Value {
    json!({ "kind": "engine-error", "name": "BadArguments", "message": message.into() })
}

/// The engine-error outcome of a call to an export that does not exist.
pub fn missing_export(export: &str) -> Value {
    json!({ "kind": "engine-error", "name": "MissingExport", "message": format!("the guest exports no function {export:?}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_bit_exact() {
        let nan = json!({ "type": "f32", "bits": "7fa00001" });
        assert_eq!(to_val(&nan).unwrap(), Val::F32(0x7fa0_0001));
        assert_eq!(outcome(&[Some(Val::F32(0x7fa0_0001))], |_| String::new())["values"][0]["bits"], json!("7fa00001"));
        assert_eq!(outcome(&[Some(Val::I64(i64::MIN))], |_| String::new())["values"][0]["value"], json!(i64::MIN.to_string()));
        assert!(to_val(&json!({ "type": "f64", "bits": "7ff" })).is_err());
        assert!(to_val(&json!({ "type": "v128" })).is_err());
    }

    #[test]
    fn a_result_without_a_protocol_value_is_an_engine_error() {
        assert_eq!(outcome(&[Some(Val::I32(1)), None], |_| "v128".into())["kind"], json!("engine-error"));
    }
}
