//! The URL policy: where each request goes, and the rule that keeps the key
//! on the origin the user configured.
//!
//! A queue answers with `status_url`, `response_url` and `cancel_url`. Relays
//! have been seen returning the upstream host's URLs to clients holding a
//! relay token, so a returned URL is used as is only when its origin equals
//! the configured base's origin; otherwise its path and query are moved onto
//! the configured base. A missing URL is built from the protocol's table.

use super::status::ReturnedUrls;

/// Splits an absolute `http(s)` URL into its normalised origin
/// (`scheme://host[:port]`, lower case, default port dropped) and the rest
/// (path and query, fragment removed, at least `/`).
pub fn split_origin(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // Userinfo is not part of the origin and has no business in an API URL.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rfind(':') {
        // An IPv6 literal's colons are inside brackets.
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace()) {
        return None;
    }
    let port = match port {
        Some(p) if p.is_empty() || p == default_port => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => Some(p),
        Some(_) => return None,
        None => None,
    };
    let mut origin = format!("{scheme}://{}", host.to_ascii_lowercase());
    if let Some(p) = port {
        origin.push(':');
        origin.push_str(p);
    }
    let tail = tail.split('#').next().unwrap_or("");
    let rest = if tail.starts_with('/') { tail.to_string() } else { format!("/{tail}") };
    Some((origin, rest))
}

pub fn origin(url: &str) -> Option<String> {
    split_origin(url).map(|(o, _)| o)
}

/// Checks a base URL typed by the user. Returns a message for the user when
/// it cannot be used.
pub fn check_base(base: &str) -> Result<(), crate::i18n::K> {
    use crate::i18n::K;
    let base = base.trim();
    if base.is_empty() {
        return Err(K::BaseEmpty);
    }
    match split_origin(base) {
        None => Err(K::BaseBadScheme),
        Some((_, rest)) if rest.contains('?') => Err(K::BaseQuery),
        Some(_) => Ok(()),
    }
}

/// Percent-encodes anything but unreserved characters, so that a request id
/// from the network can never change the path it is put into.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') && !(s == "." || s == "..") {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn join(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim().trim_end_matches('/'), path.trim_start_matches('/'))
}

/// `POST` target of a submit.
pub fn submit_url(base: &str, model: &str) -> String {
    join(base, model)
}

/// Where each follow-up request of one job goes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Endpoints {
    /// Status, with `logs=1` in the query.
    pub status: String,
    /// The status stream, with `logs=1` in the query.
    pub stream: String,
    pub result: String,
    pub cancel: String,
}

/// Applies the origin rule to one returned URL, or builds the URL when none
/// came back.
pub fn resolve(base: &str, returned: Option<&str>, built_path: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    match returned.map(str::trim).filter(|u| !u.is_empty()).and_then(|u| split_origin(u).map(|s| (u, s))) {
        Some((url, (o, _))) if Some(&o) == origin(base).as_ref() => url.split('#').next().unwrap_or(url).to_string(),
        Some((_, (_, rest))) => {
            // Keep the path (and query) and put it on the configured base,
            // whose own path (a proxy's prefix) stays in front.
            let base_path = split_origin(base).map(|(_, p)| p).unwrap_or_default();
            let under_base = rest == base_path || rest.starts_with(&format!("{base_path}/")) || rest.starts_with(&format!("{base_path}?"));
            if base_path != "/" && under_base {
                format!("{}{}", origin(base).unwrap_or_default(), rest)
            } else {
                join(base, &rest)
            }
        }
        None => join(base, built_path),
    }
}

fn with_logs(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    if url.split_once('?').is_some_and(|(_, q)| q.split('&').any(|kv| kv.starts_with("logs="))) {
        url.to_string()
    } else {
        format!("{url}{sep}logs=1")
    }
}

impl Endpoints {
    pub fn new(base: &str, model: &str, request_id: &str, returned: &ReturnedUrls) -> Self {
        let prefix = format!("{}/requests/{}", model.trim_matches('/'), encode_segment(request_id));
        let status = resolve(base, returned.status_url.as_deref(), &format!("{prefix}/status"));
        let (status_path, status_query) = match status.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (status.clone(), None),
        };
        let stream = match &status_query {
            Some(q) => format!("{}/stream?{q}", status_path.trim_end_matches('/')),
            None => format!("{}/stream", status_path.trim_end_matches('/')),
        };
        Endpoints {
            status: with_logs(&status),
            stream: with_logs(&stream),
            result: resolve(base, returned.response_url.as_deref(), &prefix),
            cancel: resolve(base, returned.cancel_url.as_deref(), &format!("{prefix}/cancel")),
        }
    }
}

/// Whether the `Authorization` header may be sent to `url`: only to the
/// configured base's origin.
pub fn may_send_key(base: &str, url: &str) -> bool {
    matches!((origin(base), origin(url)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(s: &str, r: &str, c: &str) -> ReturnedUrls {
        let o = |x: &str| (!x.is_empty()).then(|| x.to_string());
        ReturnedUrls { status_url: o(s), response_url: o(r), cancel_url: o(c) }
    }

    #[test]
    fn origins_are_normalised() {
        assert_eq!(origin("HTTPS://API.QuickRouter.ai/x"), Some("https://api.quickrouter.ai".into()));
        assert_eq!(origin("https://a.b:443/x"), Some("https://a.b".into()));
        assert_eq!(origin("http://a.b:80"), Some("http://a.b".into()));
        assert_eq!(origin("http://127.0.0.1:8787/p?q#f"), Some("http://127.0.0.1:8787".into()));
        assert_eq!(origin("http://[::1]:9000/x"), Some("http://[::1]:9000".into()));
        assert_eq!(origin("http://[::1]/x"), Some("http://[::1]".into()));
        assert_eq!(origin("https://user:pw@evil.example/x"), Some("https://evil.example".into()));
        assert_eq!(origin("ftp://a.b"), None);
        assert_eq!(origin("javascript:alert(1)"), None);
        assert_eq!(origin("https://"), None);
        assert_eq!(origin("https://a.b:x/"), None);
        assert_eq!(split_origin("https://a.b").map(|x| x.1), Some("/".into()));
        assert_eq!(split_origin("https://a.b?x=1#f").map(|x| x.1), Some("/?x=1".into()));
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(check_base("https://api.quickrouter.ai").is_ok());
        assert!(check_base("http://127.0.0.1:8787/").is_ok());
        assert!(check_base("https://proxy.example/fal").is_ok());
        assert!(check_base("").is_err());
        assert!(check_base("api.quickrouter.ai").is_err());
        assert!(check_base("https://a.b/?x=1").is_err());
    }

    #[test]
    fn same_origin_urls_are_used_as_returned() {
        let r = urls(
            "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/status",
            "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc",
            "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/cancel",
        );
        let e = Endpoints::new("https://queue.fal.run", "fal-ai/qwen-image-edit-plus", "abc", &r);
        assert_eq!(e.status, "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/status?logs=1");
        assert_eq!(e.stream, "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/status/stream?logs=1");
        assert_eq!(e.result, "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc");
        assert_eq!(e.cancel, "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/cancel");
    }

    #[test]
    fn foreign_origin_urls_are_moved_onto_the_base() {
        // What the seed's relay returns: URLs on queue.fal.run, model renamed.
        let r = urls(
            "https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08/status",
            "https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08",
            "https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08/cancel",
        );
        let e = Endpoints::new("https://api.quickrouter.ai", "fal-ai/qwen-image-edit-plus", "9c08", &r);
        assert_eq!(e.status, "https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08/status?logs=1");
        assert_eq!(e.result, "https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08");
        assert_eq!(e.cancel, "https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08/cancel");
        for u in [&e.status, &e.stream, &e.result, &e.cancel] {
            assert!(may_send_key("https://api.quickrouter.ai", u), "{u}");
        }
    }

    #[test]
    fn a_proxy_prefix_is_kept_once() {
        let r = urls("https://queue.fal.run/fal-ai/m/requests/1/status?x=2", "https://proxy.example/fal/fal-ai/m/requests/1", "");
        let e = Endpoints::new("https://proxy.example/fal/", "fal-ai/m", "1", &r);
        assert_eq!(e.status, "https://proxy.example/fal/fal-ai/m/requests/1/status?x=2&logs=1");
        assert_eq!(e.stream, "https://proxy.example/fal/fal-ai/m/requests/1/status/stream?x=2&logs=1");
        assert_eq!(e.result, "https://proxy.example/fal/fal-ai/m/requests/1");
        assert_eq!(e.cancel, "https://proxy.example/fal/fal-ai/m/requests/1/cancel");
    }

    #[test]
    fn missing_urls_are_built_from_the_table() {
        let e = Endpoints::new("http://127.0.0.1:8787/", "/fal-ai/qwen-image-edit-plus/", "r-1", &ReturnedUrls::default());
        assert_eq!(e.status, "http://127.0.0.1:8787/fal-ai/qwen-image-edit-plus/requests/r-1/status?logs=1");
        assert_eq!(e.result, "http://127.0.0.1:8787/fal-ai/qwen-image-edit-plus/requests/r-1");
        assert_eq!(e.cancel, "http://127.0.0.1:8787/fal-ai/qwen-image-edit-plus/requests/r-1/cancel");
        assert_eq!(submit_url("http://127.0.0.1:8787/", "fal-ai/x"), "http://127.0.0.1:8787/fal-ai/x");
    }

    #[test]
    fn garbage_urls_fall_back_to_built_ones() {
        let r = urls("javascript:alert(1)", "not a url", "");
        let e = Endpoints::new("https://api.quickrouter.ai", "m/n", "id", &r);
        assert_eq!(e.status, "https://api.quickrouter.ai/m/n/requests/id/status?logs=1");
        assert_eq!(e.result, "https://api.quickrouter.ai/m/n/requests/id");
    }

    #[test]
    fn request_ids_cannot_escape_their_segment() {
        assert_eq!(encode_segment("9c08e7d8-312c"), "9c08e7d8-312c");
        assert_eq!(encode_segment("../x"), "..%2Fx");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("a b?c#"), "a%20b%3Fc%23");
        let e = Endpoints::new("https://h", "m", "../../admin", &ReturnedUrls::default());
        assert_eq!(e.result, "https://h/m/requests/..%2F..%2Fadmin");
    }

    #[test]
    fn the_key_goes_only_to_the_configured_origin() {
        assert!(may_send_key("https://api.quickrouter.ai", "https://api.quickrouter.ai/x"));
        assert!(may_send_key("https://api.quickrouter.ai/", "https://API.quickrouter.ai:443/x"));
        assert!(!may_send_key("https://api.quickrouter.ai", "https://queue.fal.run/x"));
        assert!(!may_send_key("https://api.quickrouter.ai", "http://api.quickrouter.ai/x"));
        assert!(!may_send_key("http://127.0.0.1:1", "http://127.0.0.1:2/x"));
        assert!(!may_send_key("https://a.b", "https://a.b.evil.example/x"));
        assert!(!may_send_key("https://a.b", "data:image/png;base64,xx"));
    }
}
