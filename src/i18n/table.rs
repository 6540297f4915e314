//! The translation files' format, shared by `build.rs` (which turns the
//! files into the key enum and the tables) and the native tests.
//!
//! One entry per line: `key = text`. Blank lines and lines starting with
//! `#` are ignored. Keys are lower-case ASCII words joined by `_`. A text
//! names its parameters as `{name}`.

/// The entries of one file, in order; an error names the first bad line.
pub fn parse(text: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("line {}: no `=`", i + 1));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(format!("line {}: `{key}` is not a key (a-z, 0-9, _)", i + 1));
        }
        if out.iter().any(|(k, _)| *k == key) {
            return Err(format!("line {}: `{key}` is there twice", i + 1));
        }
        out.push((key, value));
    }
    Ok(out)
}

/// The `{name}` parameters a text uses, sorted, each once.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                out.push(name);
                rest = &rest[end + 1..];
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `snake_case` → `CamelCase`, the key's name in the enum.
pub fn variant(key: &str) -> String {
    key.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
