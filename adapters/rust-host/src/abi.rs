//! The host ABI's work that does not depend on the engine (SPEC.md §2): guest memory ranges,
//! strings, reading granted files, loopback HTTP, the generic `call` functions. Each engine hands
//! in its guest memory as a byte slice and turns a `HostError` into its own error type.
use crate::caps::{self, Denial, Grants};
use crate::log::{denied, host_err, HostError, BAD_POINTER, INVALID_ARGUMENT, IO, HTTP_STATUS, NOT_FOUND, TOO_LARGE};

pub const MAX_PATH: u32 = 4096;
pub const MAX_URL: u32 = 8192;
pub const MAX_CALL: u32 = 16 * 1024 * 1024;
pub const MAX_CALL_NAME: u32 = 256;

pub fn no_memory(function: &str) -> HostError {
    host_err(function, BAD_POINTER, "guest exports no memory named \"memory\"")
}

/// The bytes at [ptr, ptr + len) of guest memory `data` (both as unsigned 32-bit numbers).
pub fn read_bytes(data: &[u8], function: &str, ptr: i32, len: i32) -> Result<Vec<u8>, HostError> {
    let (start, size) = (ptr as u32 as usize, len as u32 as usize);
    if start.checked_add(size).map_or(true, |end| end > data.len()) {
        return Err(host_err(function, BAD_POINTER, format!("range [{start}, {}) is outside guest memory ({} bytes)", start as u64 + size as u64, data.len())));
    }
    Ok(data[start..start + size].to_vec())
}

/// A UTF-8 string argument of at most `max` bytes.
pub fn read_string(data: &[u8], function: &str, ptr: i32, len: i32, max: u32) -> Result<String, HostError> {
    if len as u32 > max {
        return Err(host_err(function, TOO_LARGE, format!("string of {} bytes exceeds the limit of {max}", len as u32)));
    }
    let bytes = read_bytes(data, function, ptr, len)?;
    String::from_utf8(bytes).map_err(|_| host_err(function, INVALID_ARGUMENT, "string is not valid UTF-8"))
}

/// Checks that `len` bytes fit the guest buffer [ptr, ptr + cap) (before the write).
pub fn check_fits(function: &str, len: usize, cap: i32) -> Result<(), HostError> {
    if len > cap as u32 as usize {
        return Err(host_err(function, TOO_LARGE, format!("result of {len} bytes does not fit the guest buffer of {} bytes", cap as u32)));
    }
    Ok(())
}

/// Writes `bytes` at `ptr` into a buffer of `cap` bytes; returns the length written.
pub fn write_bytes(data: &mut [u8], function: &str, ptr: i32, cap: i32, bytes: &[u8]) -> Result<i32, HostError> {
    check_fits(function, bytes.len(), cap)?;
    let start = ptr as u32 as usize;
    if start.checked_add(bytes.len()).map_or(true, |end| end > data.len()) {
        return Err(host_err(function, BAD_POINTER, format!("range [{start}, {}) is outside guest memory ({} bytes)", start + bytes.len(), data.len())));
    }
    data[start..start + bytes.len()].copy_from_slice(bytes);
    Ok(bytes.len() as i32)
}

/// read_file's work once the path is a string (core ABI and components alike): the grant decides
/// before any I/O and the real path must stay inside its mount. Reads at most `cap` + 1 bytes:
/// enough for the caller to tell the file is too large without loading it all.
pub async fn read_granted_file(function: &str, grants: &Grants, path: &str, cap: u32) -> Result<Vec<u8>, HostError> {
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
pub async fn get_granted_url(function: &str, grants: &Grants, client: &reqwest::Client, url: &str, cap: u32) -> Result<Vec<u8>, HostError> {
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

/// The client every Rust row uses for http_get: no redirects followed, no proxy.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().expect("an HTTP client")
}

/// The generic `call(name, in, out)` (SPEC.md §2.6) on guest memory `data`, in the SPEC's order:
/// grant, function exists, input length, input range, output.
pub fn generic_call(data: &mut [u8], grants: &Grants, args: [i32; 6]) -> Result<i32, HostError> {
    const F: &str = "call";
    let [name_ptr, name_len, in_ptr, in_len, out_ptr, out_cap] = args;
    let name = read_string(data, F, name_ptr, name_len, MAX_CALL_NAME)?;
    caps::resolve_call(&name, grants).map_err(|d| denied(F, d))?;
    let function: fn(Vec<u8>) -> Vec<u8> = match name.as_str() {
        "reverse" => |input| input.into_iter().rev().collect(),
        "upper" => |input| input.into_iter().map(|b| b.to_ascii_uppercase()).collect(),
        _ => return Err(host_err(F, NOT_FOUND, format!("no generic host function named {name:?}"))),
    };
    if in_len as u32 > MAX_CALL {
        return Err(host_err(F, TOO_LARGE, format!("input of {} bytes exceeds {MAX_CALL}", in_len as u32)));
    }
    let output = function(read_bytes(data, F, in_ptr, in_len)?);
    write_bytes(data, F, out_ptr, out_cap, &output)
}
