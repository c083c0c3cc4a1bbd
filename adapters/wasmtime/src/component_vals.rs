//! Protocol values (i32/i64/f32/f64, PROTOCOL.md) to and from component values, by the export's
//! WIT types: s32/u32 travel as i32, s64/u64 as i64, floats by their bits. A `result` whose error
//! is a `host-error` record becomes the host-error outcome (COMP-ERROR-RESULT), or `denied` when
//! the record names a capability.
use serde_json::{json, Value};
use wasmtime::component::{Type, Val};

fn bits(v: &Value, width: usize) -> Result<u64, String> {
    let s = v["bits"].as_str().filter(|s| s.len() == width).ok_or_else(|| format!("{} bits as {width} hex digits", v["type"]))?;
    u64::from_str_radix(s, 16).map_err(|e| format!("bits {s:?}: {e}"))
}

/// One argument, converted to the parameter type `ty`.
pub fn to_val(v: &Value, ty: &Type) -> Result<Val, String> {
    let int = || v["value"].as_i64().ok_or_else(|| "an i32 argument needs a numeric value".to_string());
    let long = || v["value"].as_str().and_then(|s| s.parse::<i64>().ok()).ok_or_else(|| "an i64 argument needs its value as a decimal string".to_string());
    Ok(match (v["type"].as_str().unwrap_or(""), ty) {
        ("i32", Type::S32) => Val::S32(int()? as i32),
        ("i32", Type::U32) => Val::U32(int()? as i32 as u32),
        ("i64", Type::S64) => Val::S64(long()?),
        ("i64", Type::U64) => Val::U64(long()? as u64),
        ("f32", Type::Float32) => Val::Float32(f32::from_bits(bits(v, 8)? as u32)),
        ("f64", Type::Float64) => Val::Float64(f64::from_bits(bits(v, 16)?)),
        (given, ty) => return Err(format!("a {given:?} argument cannot be passed as {ty:?}")),
    })
}

/// One result as a protocol value; None for types the protocol has no value for.
fn from_val(v: &Val) -> Option<Value> {
    Some(match v {
        Val::S32(x) => json!({ "type": "i32", "value": x }),
        Val::U32(x) => json!({ "type": "i32", "value": *x as i32 }),
        Val::S64(x) => json!({ "type": "i64", "value": x.to_string() }),
        Val::U64(x) => json!({ "type": "i64", "value": (*x as i64).to_string() }),
        Val::Float32(x) => json!({ "type": "f32", "bits": format!("{:08x}", x.to_bits()), "value": x.to_string() }),
        Val::Float64(x) => json!({ "type": "f64", "bits": format!("{:016x}", x.to_bits()), "value": x.to_string() }),
        _ => return None,
    })
}

fn field<'a>(fields: &'a [(String, Val)], name: &str) -> Option<&'a Val> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// The outcome of a call that returned `results`.
pub fn outcome(results: &[Val]) -> Value {
    let mut values = Vec::new();
    for result in results {
        let inner = match result {
            Val::Result(Ok(inner)) => inner.as_deref(),
            Val::Result(Err(Some(err))) => match err.as_ref() {
                Val::Record(fields) => {
                    let text = |name| match field(fields, name) {
                        Some(Val::String(s)) => s.clone(),
                        _ => String::new(),
                    };
                    let code = match field(fields, "code") {
                        Some(Val::U32(c)) => *c as i64,
                        Some(Val::S32(c)) => *c as i64,
                        _ => -1,
                    };
                    // A denial names its capability (SPEC.md §8), like the core ABI's denied outcome.
                    if let Some(Val::Option(Some(capability))) = field(fields, "capability") {
                        if let Val::String(capability) = capability.as_ref() {
                            return json!({ "kind": "denied", "function": text("function"), "capability": capability, "message": text("message") });
                        }
                    }
                    return json!({ "kind": "host-error", "function": text("function"), "code": code, "message": text("message") });
                }
                other => return json!({ "kind": "engine-error", "name": "UnsupportedResult", "message": format!("the export returned err({other:?}), not a host-error record") }),
            },
            Val::Result(Err(None)) => return json!({ "kind": "engine-error", "name": "UnsupportedResult", "message": "the export returned err with no payload" }),
            other => Some(other),
        };
        let Some(inner) = inner else { continue };
        match from_val(inner) {
            Some(v) => values.push(v),
            None => return json!({ "kind": "engine-error", "name": "UnsupportedResult", "message": format!("the protocol has no value for the result {inner:?}") }),
        }
    }
    json!({ "kind": "ok", "values": values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_follow_the_parameter_type() {
        let v = json!({ "type": "i32", "value": -1 });
        assert_eq!(to_val(&v, &Type::S32).unwrap(), Val::S32(-1));
        assert_eq!(to_val(&v, &Type::U32).unwrap(), Val::U32(u32::MAX));
        assert!(to_val(&v, &Type::S64).is_err());
        let f = json!({ "type": "f32", "bits": "80000000" });
        assert!(matches!(to_val(&f, &Type::Float32).unwrap(), Val::Float32(x) if x.to_bits() == 0x8000_0000));
        assert!(to_val(&json!({ "type": "f64", "bits": "8000" }), &Type::Float64).is_err());
    }

    #[test]
    fn an_error_record_is_a_host_error() {
        let record = Val::Record(vec![("function".into(), Val::String("fail".into())), ("code".into(), Val::U32(5)), ("message".into(), Val::String("no".into()))]);
        let out = outcome(&[Val::Result(Err(Some(Box::new(record))))]);
        assert_eq!(out, json!({ "kind": "host-error", "function": "fail", "code": 5, "message": "no" }));
        let denial = Val::Record(vec![
            ("function".into(), Val::String("read-file".into())),
            ("code".into(), Val::U32(1)),
            ("message".into(), Val::String("no grant".into())),
            ("capability".into(), Val::Option(Some(Box::new(Val::String("file:/x".into()))))),
        ]);
        let out = outcome(&[Val::Result(Err(Some(Box::new(denial))))]);
        assert_eq!(out, json!({ "kind": "denied", "function": "read-file", "capability": "file:/x", "message": "no grant" }));
        let ok = outcome(&[Val::Result(Ok(Some(Box::new(Val::U32(3)))))]);
        assert_eq!(ok["values"][0]["value"], json!(3));
    }

    #[test]
    fn results_keep_their_bits() {
        let out = outcome(&[Val::Float64(-0.0)]);
        assert_eq!(out["values"][0]["bits"], json!("8000000000000000"));
        let out = outcome(&[Val::S64(i64::MIN)]);
        assert_eq!(out["values"][0]["value"], json!(i64::MIN.to_string()));
    }
}
