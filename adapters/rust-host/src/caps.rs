//! Capability checks, before any side effect: the same rules as adapters/js/host/capabilities.ts
//! (SPEC.md §2.4–2.6). Anything not granted is denied.
use globset::GlobBuilder;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FileGrant {
    pub mount: String,
    #[serde(rename = "hostDir")]
    pub host_dir: String,
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpGrant {
    pub origins: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Grants {
    #[serde(default)]
    pub files: Vec<FileGrant>,
    #[serde(default)]
    pub http: Option<HttpGrant>,
    #[serde(default)]
    pub calls: Vec<String>,
}

/// A refusal: the capability asked for and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Denial {
    pub capability: String,
    pub reason: String,
}

fn deny<T>(capability: String, reason: &str) -> Result<T, Denial> {
    Err(Denial { capability, reason: reason.to_string() })
}

/// Maps a canonical absolute guest path under a granted mount onto (host path, host root).
pub fn resolve_file(guest_path: &str, grants: &Grants) -> Result<(PathBuf, PathBuf), Denial> {
    let capability = format!("file:{guest_path}");
    if guest_path.contains('\0') {
        return deny(capability, "path contains a NUL byte");
    }
    if guest_path.contains('\\') {
        return deny(capability, "path contains a backslash");
    }
    if !guest_path.starts_with('/') {
        return deny(capability, "path is not absolute");
    }
    if guest_path[1..].split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return deny(capability, "path is not canonical (empty, \".\" or \"..\" segment)");
    }
    for grant in &grants.files {
        let mount = grant.mount.trim_end_matches('/');
        // Under the mount only if the path continues it with "/": /database is not under /data.
        let Some(relative) = guest_path.strip_prefix(&format!("{mount}/")) else { continue };
        if !grant.allow.iter().any(|pattern| pattern_matches(pattern, relative)) {
            continue;
        }
        let root = PathBuf::from(grant.host_dir.trim_end_matches('/'));
        return Ok((root.join(relative), root));
    }
    deny(capability, "no file grant covers this path")
}

/// picomatch semantics with `dot: false` (SPEC.md §2.4): `*` does not cross `/`, `**` spans whole
/// segments, and no wildcard matches the leading dot of a segment — a dot-file is granted only by
/// a pattern segment that starts with the dot itself. globset alone lets `*` match `.hidden`.
fn pattern_matches(pattern: &str, relative: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = relative.split('/').collect();
    segments_match(&pattern, &path)
}

fn segments_match(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => {
            // Zero or more whole segments, none of them a dot-segment.
            for taken in 0..=path.len() {
                if taken > 0 && path[taken - 1].starts_with('.') {
                    return false;
                }
                if segments_match(rest, &path[taken..]) {
                    return true;
                }
            }
            false
        }
        Some((segment, rest)) => match path.split_first() {
            None => false,
            Some((name, tail)) => segment_matches(segment, name) && segments_match(rest, tail),
        },
    }
}

fn segment_matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    GlobBuilder::new(pattern).literal_separator(true).build().map(|g| g.compile_matcher().is_match(name)).unwrap_or(false)
}

/// The symlink-escape check: `real` (resolved) must lie strictly inside `root` (resolved).
pub fn is_inside(real: &Path, root: &Path) -> bool {
    real != root && real.starts_with(root)
}

/// Only http URLs without credentials whose exact origin is granted.
pub fn resolve_http(url: &str, grants: &Grants) -> Result<reqwest::Url, Denial> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return deny(format!("http:{url}"), "not a valid absolute URL");
    };
    let origin = parsed.origin().ascii_serialization();
    let capability = format!("http:{origin}");
    if parsed.scheme() != "http" {
        return deny(capability, "scheme is not allowed");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return deny(capability, "URL carries credentials");
    }
    let granted = grants.http.as_ref().map(|h| h.origins.iter().any(|o| o == &origin)).unwrap_or(false);
    if !granted {
        return deny(capability, "origin not granted");
    }
    Ok(parsed)
}

pub fn resolve_call(name: &str, grants: &Grants) -> Result<(), Denial> {
    if grants.calls.iter().any(|c| c == name) {
        Ok(())
    } else {
        deny(format!("call:{name}"), "host function not granted")
    }
}

#[cfg(test)]
mod tests {
    //! Driven by fixtures/capability-vectors.json, the same vectors test/host.test.ts runs on the
    //! JS host, so both implementations of SPEC.md §2.4–2.6 provably decide alike.
    use super::*;
    use serde_json::Value;
    use std::collections::HashMap;

    fn vectors() -> Value {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/capability-vectors.json");
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
    }

    fn grant_sets(v: &Value) -> HashMap<String, Grants> {
        serde_json::from_value(v["grantSets"].clone()).unwrap()
    }

    fn list<'a>(v: &'a Value, kind: &str) -> &'a Vec<Value> {
        let items = v[kind].as_array().unwrap_or_else(|| panic!("no {kind} vectors"));
        assert!(!items.is_empty(), "no {kind} vectors");
        items
    }

    fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
        v[key].as_str().unwrap_or_else(|| panic!("{v}: no {key}"))
    }

    #[test]
    fn file_vectors() {
        let v = vectors();
        let sets = grant_sets(&v);
        for case in list(&v, "file") {
            let path = str_of(case, "path");
            let got = resolve_file(path, &sets[str_of(case, "grants")]);
            match (case["granted"].as_bool().unwrap(), got) {
                (true, Ok((host, root))) => {
                    assert_eq!(host, PathBuf::from(str_of(case, "hostPath")), "{path:?}");
                    assert_eq!(root, PathBuf::from(str_of(case, "hostRoot")), "{path:?}");
                }
                (false, Err(denial)) => {
                    assert_eq!(denial.capability, format!("file:{path}"), "{path:?}");
                    if let Some(reason) = case["reason"].as_str() {
                        assert!(denial.reason.contains(reason), "{path:?}: reason {:?} lacks {reason:?}", denial.reason);
                    }
                }
                (want, got) => panic!("{path:?} under {}: expected granted={want}, got {got:?}", str_of(case, "grants")),
            }
        }
    }

    #[test]
    fn http_vectors() {
        let v = vectors();
        let sets = grant_sets(&v);
        for case in list(&v, "http") {
            let url = str_of(case, "url");
            assert_eq!(resolve_http(url, &sets[str_of(case, "grants")]).is_ok(), case["granted"].as_bool().unwrap(), "{url}");
        }
    }

    #[test]
    fn call_vectors() {
        let v = vectors();
        let sets = grant_sets(&v);
        for case in list(&v, "call") {
            let name = str_of(case, "name");
            assert_eq!(resolve_call(name, &sets[str_of(case, "grants")]).is_ok(), case["granted"].as_bool().unwrap(), "{name}");
        }
    }

    #[test]
    fn symlink_escape_check_compares_whole_components() {
        for case in list(&vectors(), "inside") {
            assert_eq!(is_inside(Path::new(str_of(case, "path")), Path::new(str_of(case, "root"))), case["inside"].as_bool().unwrap(), "{case}");
        }
    }
}
