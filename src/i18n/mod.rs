//! Every visible text of the page, in English and Simplified Chinese.
//!
//! The texts live in `locales/en.txt` and `locales/zh-CN.txt`; `build.rs`
//! makes `K` (one variant per key) and the tables from them. Code names a
//! text by its key and never holds the words itself. Plain Rust: the api and
//! jobs layers build [`Msg`]s, the page renders them in the chosen language.

pub mod table;

#[allow(dead_code)] // `NAMES` is for the tests.
mod keys {
    include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));
}

pub use keys::K;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag, for `<html lang>` and the settings.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(s.trim()))
    }

    /// The first of the browser's preferred languages that the page has:
    /// any Chinese gives Simplified Chinese, any English gives English;
    /// neither gives English.
    pub fn from_browser<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Self {
        for tag in preferred {
            let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            match primary.as_str() {
                "zh" => return Lang::ZhCn,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::En
    }

    /// The language to show: the person's choice (`en`, `zh-CN`), else the
    /// browser's preference.
    pub fn resolve(chosen: &str, preferred: &[String]) -> Self {
        Lang::parse(chosen).unwrap_or_else(|| Lang::from_browser(preferred.iter().map(String::as_str)))
    }

    fn table(self) -> &'static [&'static str; keys::COUNT] {
        match self {
            Lang::En => &keys::EN,
            Lang::ZhCn => &keys::ZH_CN,
        }
    }
}

/// The text of `k` in `lang`, or in English where a translation is missing.
pub fn text(lang: Lang, k: K) -> &'static str {
    let i = k as usize;
    match lang.table()[i] {
        "" => keys::EN[i],
        t => t,
    }
}

/// `k`'s text with its `{name}` parameters filled in. A parameter the text
/// does not name is ignored; a name without a value is left as written.
pub fn format(lang: Lang, k: K, args: &[(&str, String)]) -> String {
    let template = text(lang, k);
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (v, end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(v);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A message to show: a key and its parameters, rendered in whatever
/// language the page has when it is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Msg {
    pub key: K,
    pub args: Vec<(&'static str, Arg)>,
}

/// A parameter: words as they are, or a message of its own (rendered in the
/// same language as the one that holds it).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Text(String),
    Msg(Msg),
}

impl Msg {
    pub fn new(key: K) -> Self {
        Msg { key, args: Vec::new() }
    }

    /// A count: `one` when `n` is 1, else `other`; `{n}` is filled in.
    /// (Chinese has no plural; its `one` texts read like the others.)
    pub fn count(one: K, other: K, n: usize) -> Self {
        Msg::new(if n == 1 { one } else { other }).arg("n", n)
    }

    /// Someone else's words (the server's, the browser's), shown as they are.
    pub fn verbatim(text: impl ToString) -> Self {
        Msg::new(K::Verbatim).arg("text", text)
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// A message as the parameter of another.
    pub fn arg_msg(mut self, name: &'static str, inner: impl Into<Msg>) -> Self {
        self.args.push((name, Arg::Msg(inner.into())));
        self
    }

    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(n, a)| match a {
                Arg::Text(t) => (*n, t.clone()),
                Arg::Msg(m) => (*n, m.render(lang)),
            })
            .collect();
        format(lang, self.key, &args)
    }
}

impl From<K> for Msg {
    fn from(k: K) -> Self {
        Msg::new(k)
    }
}

/// How messages shown together are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// Whole sentences: a space in English, nothing in Chinese.
    Sentences,
    /// Separate items: " · " in both.
    Items,
}

/// Messages shown together, each in `lang`.
pub fn render_all(msgs: &[Msg], lang: Lang, join: Join) -> String {
    let sep = match (join, lang) {
        (Join::Items, _) => " · ",
        (Join::Sentences, Lang::En) => " ",
        (Join::Sentences, Lang::ZhCn) => "",
    };
    msgs.iter().map(|m| m.render(lang)).collect::<Vec<_>>().join(sep)
}

/// "12 s", "3 min 05 s" (and their Chinese forms).
pub fn duration(lang: Lang, ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).floor() as u64;
    if s < 60 {
        format(lang, K::DurationSeconds, &[("s", s.to_string())])
    } else {
        let secs = s % 60;
        let padded = if secs < 10 { format!("0{secs}") } else { secs.to_string() };
        format(lang, K::DurationMinutes, &[("m", (s / 60).to_string()), ("s", padded)])
    }
}

#[cfg(test)]
mod tests;
