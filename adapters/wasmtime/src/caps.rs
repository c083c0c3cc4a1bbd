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
    use super::*;

    fn grants() -> Grants {
        Grants {
            files: vec![FileGrant { mount: "/data".into(), host_dir: "/srv/data".into(), allow: vec!["**/*.txt".into()] }],
            http: Some(HttpGrant { origins: vec!["http://127.0.0.1:8080".into()] }),
            calls: vec!["reverse".into()],
        }
    }

    #[test]
    fn maps_a_canonical_path() {
        let (host, root) = resolve_file("/data/sub/a.txt", &grants()).unwrap();
        assert_eq!(host, PathBuf::from("/srv/data/sub/a.txt"));
        assert_eq!(root, PathBuf::from("/srv/data"));
    }

    #[test]
    fn refuses_traversal_and_odd_forms() {
        for path in ["/data/../etc/passwd.txt", "/data/./a.txt", "/data//a.txt", "/data/a.txt/", "data/a.txt", "/data/a.txt\0.png", "/data\\..\\a.txt", "/data/a.bin", "/database/a.txt", "/other/a.txt"] {
            assert!(resolve_file(path, &grants()).is_err(), "{path:?} must be denied");
        }
    }

    #[test]
    fn wildcards_never_match_a_leading_dot() {
        let with = |allow: &[&str]| Grants { files: vec![FileGrant { mount: "/data".into(), host_dir: "/srv/data".into(), allow: allow.iter().map(|s| s.to_string()).collect() }], ..Grants::default() };
        for allow in [&["*"][..], &["**"], &["?hidden"], &["**/*"], &["*hidden"]] {
            assert!(resolve_file("/data/.hidden", &with(allow)).is_err(), "{allow:?} must not grant /data/.hidden");
            assert!(resolve_file("/data/.git/config", &with(allow)).is_err(), "{allow:?} must not grant /data/.git/config");
        }
        assert!(resolve_file("/data/hello.txt", &with(&["*"])).is_ok());
        assert!(resolve_file("/data/sub/nested.txt", &with(&["**"])).is_ok());
        assert!(resolve_file("/data/sub/nested.txt", &with(&["*"])).is_err());
        assert!(resolve_file("/data/.hidden", &with(&[".hidden"])).is_ok());
        assert!(resolve_file("/data/.hidden", &with(&[".*"])).is_ok());
        assert!(resolve_file("/data/sub/.hidden", &with(&["**/.hidden"])).is_ok());
        assert!(resolve_file("/datasub/nested.txt", &with(&["**"])).is_err());
        assert!(resolve_file("/data", &with(&["**"])).is_err());
    }

    #[test]
    fn keeps_percent_encoding_literal() {
        let (host, _) = resolve_file("/data/%2e%2e/x.txt", &grants()).unwrap();
        assert_eq!(host, PathBuf::from("/srv/data/%2e%2e/x.txt"));
    }

    #[test]
    fn symlink_escape_check_compares_whole_components() {
        assert!(is_inside(Path::new("/srv/data/a.txt"), Path::new("/srv/data")));
        assert!(!is_inside(Path::new("/srv/database/a.txt"), Path::new("/srv/data")));
        assert!(!is_inside(Path::new("/srv/data"), Path::new("/srv/data")));
    }

    #[test]
    fn http_needs_the_exact_origin() {
        assert!(resolve_http("http://127.0.0.1:8080/hello", &grants()).is_ok());
        for url in ["http://127.0.0.1:8081/hello", "https://127.0.0.1:8080/hello", "http://user:pw@127.0.0.1:8080/hello", "http://localhost:8080/hello", "not a url"] {
            assert!(resolve_http(url, &grants()).is_err(), "{url} must be denied");
        }
    }

    #[test]
    fn calls_by_exact_name() {
        assert!(resolve_call("reverse", &grants()).is_ok());
        assert!(resolve_call("Reverse", &grants()).is_err());
        assert!(resolve_call("upper", &grants()).is_err());
    }
}
