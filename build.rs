//! Turns the translation files into `K` (one variant per key of the English
//! file) and one table per language. A key missing from another language is
//! left empty there (the page falls back to English); the native tests in
//! `src/i18n` fail on it.

use std::fmt::Write as _;

#[path = "src/i18n/table.rs"]
#[allow(dead_code)]
mod table;

const LANGS: [(&str, &str); 2] = [("EN", "locales/en.txt"), ("ZH_CN", "locales/zh-CN.txt")];

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=src/i18n/table.rs");
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let en_text = read(LANGS[0].1);
    let en = table::parse(&en_text).unwrap_or_else(|e| panic!("{}: {e}", LANGS[0].1));
    let mut out = String::new();
    out.push_str("/// A message key; its texts are in `locales/*.txt`.\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n#[repr(u16)]\npub enum K {\n");
    for (key, value) in &en {
        let _ = writeln!(out, "    /// {}\n    {},", value.replace('\n', " "), table::variant(key));
    }
    out.push_str("}\n\n");
    let _ = writeln!(out, "pub const COUNT: usize = {};\n", en.len());
    out.push_str("/// The keys as written in the files, in `K` order.\npub const NAMES: [&str; COUNT] = [\n");
    for (key, _) in &en {
        let _ = writeln!(out, "    {key:?},");
    }
    out.push_str("];\n\n");
    for (name, path) in LANGS {
        let text = read(path);
        let entries = table::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let _ = writeln!(out, "pub static {name}: [&str; COUNT] = [");
        for (key, _) in &en {
            let value = entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v).unwrap_or("");
            let _ = writeln!(out, "    {value:?},");
        }
        out.push_str("];\n\n");
    }
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("i18n_keys.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
