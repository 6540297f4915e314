//! Origins: reading an http(s) URL as the browser does, the rule that
//! keeps the key on the configured base's origin, and the checks of a base
//! URL typed by the person.

/// An absolute `http(s)` URL as a browser reads it, for the parts the key
/// rule needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpUrl {
    /// `scheme://host[:port]`, lower case, default port dropped.
    pub origin: String,
    /// Path and query (fragment removed), at least `/`; `\` read as `/`.
    pub rest: String,
    /// The URL names a user or a password (`user:pw@host`).
    pub userinfo: bool,
    pub fragment: bool,
}

/// Reads an absolute `http(s)` URL the way the WHATWG URL parser does for
/// these schemes: ASCII tab and newline are removed anywhere and C0
/// controls and spaces at both ends; any run of `/` and `\` follows the
/// scheme; the authority ends at `/`, `\`, `?` or `#`; the last `@` in it
/// ends the userinfo; the port is a number up to 65535. `None` for anything
/// else (a relative URL, another scheme, an empty host). Host spellings the
/// browser normalises further (percent-encoding, IPv4 numbers, IPv6
/// zeros, Unicode) are compared as written: they can only make this rule
/// say "another origin", never the reverse.
pub fn parse_http(url: &str) -> Option<HttpUrl> {
    let url: String = url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, rest) = url.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((_, h)) => (true, h),
        None => (false, authority),
    };
    let (host, port) = match host_port.rfind(':') {
        // An IPv6 literal's colons are inside brackets.
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let port: Option<u32> = match port {
        Some("") | None => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => Some(p.trim_start_matches('0').parse().unwrap_or(0)),
        Some(_) => return None,
    };
    let mut origin = format!("{scheme}://{}", host.to_ascii_lowercase());
    match port {
        Some(p) if p > 65_535 => return None,
        Some(p) if p != default_port => origin.push_str(&format!(":{p}")),
        _ => {}
    }
    let (tail, fragment) = match tail.split_once('#') {
        Some((t, _)) => (t, true),
        None => (tail, false),
    };
    let tail = match tail.split_once('?') {
        Some((p, q)) => format!("{}?{q}", p.replace('\\', "/")),
        None => tail.replace('\\', "/"),
    };
    let rest = if tail.starts_with('/') { tail } else { format!("/{tail}") };
    Some(HttpUrl { origin, rest, userinfo, fragment })
}

/// Splits an absolute `http(s)` URL into its origin and the rest (see
/// `parse_http`).
pub fn split_origin(url: &str) -> Option<(String, String)> {
    parse_http(url).map(|u| (u.origin, u.rest))
}

pub fn origin(url: &str) -> Option<String> {
    split_origin(url).map(|(o, _)| o)
}

/// Whether a host is this machine (a local proxy, the fake server), where
/// plain `http://` is fine.
pub fn is_loopback(origin: &str) -> bool {
    let host = origin.split_once("://").map_or(origin, |(_, h)| h);
    let host = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host,
    };
    host == "localhost" || host.ends_with(".localhost") || host == "[::1]" || host.strip_prefix("127.").is_some_and(|r| r.split('.').count() == 3)
}

/// Checks a base URL typed by the user. Returns a message for the user when
/// it cannot be used: not http(s), no host, a port past 65535, a user or
/// password, a query, a fragment.
pub fn check_base(base: &str) -> Result<(), crate::i18n::K> {
    use crate::i18n::K;
    let base = base.trim();
    if base.is_empty() {
        return Err(K::BaseEmpty);
    }
    let lower = base.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(K::BaseBadScheme);
    }
    match parse_http(base) {
        None => Err(K::BaseBadScheme),
        Some(u) if u.userinfo => Err(K::BaseUserinfo),
        Some(u) if u.fragment => Err(K::BaseFragment),
        Some(u) if u.rest.contains('?') => Err(K::BaseQuery),
        // CSP source expressions cannot name an IPv6 host, so the page's
        // policy allows plain http only to 127.x and localhost.
        Some(u) if u.origin.starts_with("http://[") => Err(K::BaseIpv6Http),
        Some(_) => Ok(()),
    }
}

/// A base that works but is unwise: plain `http://` to another machine
/// sends the key unencrypted.
pub fn base_warning(base: &str) -> Option<crate::i18n::K> {
    let o = origin(base)?;
    (o.starts_with("http://") && !is_loopback(&o)).then_some(crate::i18n::K::BaseInsecure)
}

/// Whether the `Authorization` header may be sent to `url`: only to the
/// configured base's origin, and never with a user or password in the URL.
/// (The browser glue asks the browser's own parser too: `web::http`.)
pub fn may_send_key(base: &str, url: &str) -> bool {
    match (parse_http(base), parse_http(url)) {
        (Some(b), Some(u)) => !b.userinfo && !u.userinfo && b.origin == u.origin,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(origin("HTTPS://API.QuickRouter.ai/x"), Some("https://api.quickrouter.ai".into()));
        assert_eq!(origin("https://a.b:443/x"), Some("https://a.b".into()));
        assert_eq!(origin("http://a.b:80"), Some("http://a.b".into()));
        assert_eq!(origin("http://127.0.0.1:8787/p?q#f"), Some("http://127.0.0.1:8787".into()));
        assert_eq!(origin("http://[::1]:9000/x"), Some("http://[::1]:9000".into()));
        assert_eq!(origin("http://[::1]/x"), Some("http://[::1]".into()));
        assert_eq!(origin("https://user:pw@evil.example/x"), Some("https://evil.example".into()));
        assert_eq!(origin("https://a.b:0443/x"), Some("https://a.b".into()));
        assert_eq!(origin("https://a.b:65536/x"), None);
        assert_eq!(split_origin("https://a.b\\x\\y?q=\\").map(|x| x.1), Some("/x/y?q=\\".into()), "a backslash in the path is a slash, not in the query");
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
        use crate::i18n::K;
        assert_eq!(check_base("https://user:pw@a.b"), Err(K::BaseUserinfo));
        assert_eq!(check_base("https://user@a.b/p"), Err(K::BaseUserinfo));
        assert_eq!(check_base("https://a.b/#x"), Err(K::BaseFragment));
        assert_eq!(check_base("https://a.b:65536"), Err(K::BaseBadScheme));
        assert_eq!(check_base("ftp://a.b"), Err(K::BaseBadScheme));
        assert_eq!(check_base("https:a.b"), Err(K::BaseBadScheme), "the base is written out in full");
        assert_eq!(check_base("https://a.b:65535/p"), Ok(()));
        assert_eq!(check_base("http://[::1]:8787"), Err(K::BaseIpv6Http), "the page's CSP cannot allow it");
        assert_eq!(check_base("https://[2001:db8::1]/p"), Ok(()), "https: allows any host");
        assert_eq!(base_warning("http://api.example.com"), Some(K::BaseInsecure));
        for local in ["http://127.0.0.1:8787", "http://localhost:3000/p", "http://app.localhost", "https://api.example.com"] {
            assert_eq!(base_warning(local), None, "{local}");
        }
    }

    /// The origin table shared with the browser test (tests/web/main.rs), which
    /// checks the browser's parser and the final decision on the same rows.
    #[allow(dead_code)]
    mod cases {
        include!("../../tests/origin_cases.rs");
    }

    #[test]
    fn the_key_rule_reads_urls_as_the_browser_does() {
        assert!(cases::ORIGIN_CASES.len() >= 40);
        let wrong: Vec<String> = cases::ORIGIN_CASES
            .iter()
            .filter(|c| may_send_key(c.base, c.url) != c.rust)
            .map(|c| format!("{:?} on {:?}: expected {}", c.url, c.base, c.rust))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
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
