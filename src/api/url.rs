//! The URL policy: where each request goes, and the rule that keeps the key
//! on the origin the user configured.
//!
//! A queue answers with `status_url`, `response_url` and `cancel_url`. Relays
//! have been seen returning the upstream host's URLs to clients holding a
//! relay token, so a returned URL is used as is only when its origin equals
//! the configured base's origin; otherwise its path and query are moved onto
//! the configured base. A missing URL is built from the protocol's table.

use super::status::ReturnedUrls;
use super::origin::split_origin;

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

/// The request ids the app accepts from a queue (PROTOCOL.md, "Limits"):
/// 1–128 characters of `A–Z a–z 0–9 - _ . ~`, and not `.` or `..`.
pub fn valid_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        && id != "."
        && id != ".."
}

fn join(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim().trim_end_matches('/'), path.trim_start_matches('/'))
}

/// `POST` target of a submit.
pub fn submit_url(base: &str, model: &str) -> String {
    join(base, model)
}

/// A model id's `owner/name`: status, stream, result and cancel live there
/// even for a subpath model (`fal-ai/qwen-image-edit-2511/lora`).
pub fn model_root(model: &str) -> String {
    model.trim_matches('/').splitn(3, '/').take(2).collect::<Vec<_>>().join("/")
}

/// Resolves `.` and `..` segments of a path the way a browser does, `%2e`
/// counting as a dot.
pub fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        let dots = seg.to_ascii_lowercase().replace("%2e", ".");
        match dots.as_str() {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if i == last {
                    out.push("");
                }
            }
            _ => out.push(seg),
        }
    }
    format!("/{}", out.join("/"))
}

/// Whether `path` is `prefix` or below it (segment-wise).
fn under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"))
}

/// Puts a URL on the configured base (PROTOCOL.md's origin rule): kept as is
/// on the base's origin, else its path and query moved onto the base. `None`
/// when the URL cannot be read or its path, dot segments resolved, leaves
/// the base's path prefix (a proxy at `https://host/proxy`).
pub fn place(base: &str, url: &str) -> Option<String> {
    let (base_origin, base_rest) = split_origin(base.trim())?;
    let base_path = base_rest.split('?').next().unwrap_or("/").to_string();
    let (o, rest) = split_origin(url)?;
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q)),
        None => (rest.clone(), None),
    };
    let path = if o == base_origin || (base_path != "/" && under(&path, &base_path)) {
        path
    } else {
        format!("{}{}", base_path.trim_end_matches('/'), path)
    };
    let path = remove_dot_segments(&path);
    if !under(&path, &base_path) {
        return None;
    }
    Some(match query {
        Some(q) => format!("{base_origin}{path}?{q}"),
        None => format!("{base_origin}{path}"),
    })
}

/// How a candidate URL was made, to remember per base which one worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "snake_case"))]
pub enum Form {
    /// The URL the queue returned, moved onto the base when needed.
    Returned,
    /// Built from the model's `owner/name` (PROTOCOL.md's table).
    Built,
    /// Built from the whole submitted model path (some relays keep the subpath).
    BuiltFull,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Candidate {
    pub form: Form,
    pub url: String,
}

/// The URLs one operation may use, in the order they are tried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Candidates(pub Vec<Candidate>);

#[cfg(test)]
impl<'de> serde::Deserialize<'de> for Candidates {
    /// Histories written before candidates existed hold one URL per
    /// operation. (The reference for `jobs::stored`, which reads the
    /// history in the app.)
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Candidates;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a URL or a list of candidates")
            }
            fn visit_str<E: serde::de::Error>(self, url: &str) -> Result<Candidates, E> {
                Ok(Candidates(vec![Candidate { form: Form::Returned, url: url.to_string() }]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Candidates, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element()? {
                    out.push(c);
                }
                Ok(Candidates(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Candidates {
    fn push(&mut self, form: Form, url: Option<String>) {
        if let Some(url) = url {
            if !self.0.iter().any(|c| c.url == url) {
                self.0.push(Candidate { form, url });
            }
        }
    }

    pub fn get(&self, i: usize) -> Option<&Candidate> {
        self.0.get(i)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Moves the candidate of `form` to the front (the form that worked
    /// before on this base).
    pub fn prefer(&mut self, form: Form) {
        if let Some(i) = self.0.iter().position(|c| c.form == form) {
            let c = self.0.remove(i);
            self.0.insert(0, c);
        }
    }

    fn map(&self, f: impl Fn(&str) -> String) -> Candidates {
        Candidates(self.0.iter().map(|c| Candidate { form: c.form, url: f(&c.url) }).collect())
    }
}

/// Where each follow-up request of one job may go, best guess first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Endpoints {
    /// Status, with `logs=1` in the query.
    pub status: Candidates,
    /// The status stream, with `logs=1` in the query (one per status URL).
    pub stream: Candidates,
    pub result: Candidates,
    pub cancel: Candidates,
}

fn built(base: &str, path: &str) -> String {
    let url = join(base, path);
    place(base, &url).unwrap_or(url)
}

fn with_logs(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    if url.split_once('?').is_some_and(|(_, q)| q.split('&').any(|kv| kv.starts_with("logs="))) {
        url.to_string()
    } else {
        format!("{url}{sep}logs=1")
    }
}

fn stream_of(status: &str) -> String {
    match status.split_once('?') {
        Some((p, q)) => format!("{}/stream?{q}", p.trim_end_matches('/')),
        None => format!("{}/stream", status.trim_end_matches('/')),
    }
}

impl Endpoints {
    /// The candidates of each operation: (a) the returned URL, moved onto
    /// the base; (b) built from the model's `owner/name`; (c) built from the
    /// whole model path. Duplicates are left out.
    pub fn new(base: &str, model: &str, request_id: &str, returned: &ReturnedUrls) -> Self {
        let id = encode_segment(request_id);
        let root = format!("{}/requests/{id}", model_root(model));
        let full = format!("{}/requests/{id}", model.trim_matches('/'));
        let placed = |u: &Option<String>| u.as_deref().map(str::trim).filter(|u| !u.is_empty()).and_then(|u| place(base, u));
        let three = |returned: &Option<String>, tail: &str| {
            let mut c = Candidates::default();
            c.push(Form::Returned, placed(returned));
            c.push(Form::Built, Some(built(base, &format!("{root}{tail}"))));
            c.push(Form::BuiltFull, Some(built(base, &format!("{full}{tail}"))));
            c
        };
        let status = three(&returned.status_url, "/status");
        Endpoints {
            stream: status.map(|u| with_logs(&stream_of(u))),
            status: status.map(with_logs),
            result: three(&returned.response_url, ""),
            cancel: three(&returned.cancel_url, "/cancel"),
        }
    }
}

#[cfg(test)]
mod tests;
