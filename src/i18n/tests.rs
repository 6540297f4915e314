use super::table::{parse, placeholders};
use super::*;

const EN: &str = include_str!("../../locales/en.txt");
const ZH_CN: &str = include_str!("../../locales/zh-CN.txt");

fn files() -> [(&'static str, &'static str); 2] {
    [("en", EN), ("zh-CN", ZH_CN)]
}

#[test]
fn every_key_is_in_every_language() {
    // Test-only: build.rs has already parsed the same file, or nothing compiled.
    let en = parse(EN).expect("en.txt parses");
    for (name, text) in files() {
        let entries = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let missing: Vec<&str> = en.iter().map(|(k, _)| *k).filter(|k| !entries.iter().any(|(x, _)| x == k)).collect();
        let extra: Vec<&str> = entries.iter().map(|(k, _)| *k).filter(|k| !en.iter().any(|(x, _)| x == k)).collect();
        assert!(missing.is_empty(), "{name} lacks {missing:?}");
        assert!(extra.is_empty(), "{name} has keys English does not: {extra:?}");
        let empty: Vec<&str> = entries.iter().filter(|(_, v)| v.trim().is_empty()).map(|(k, _)| *k).collect();
        assert!(empty.is_empty(), "{name} has empty texts: {empty:?}");
    }
    // The generated tables hold the same keys, in `K` order.
    assert_eq!(keys::NAMES.len(), en.len());
    for (i, (k, v)) in en.iter().enumerate() {
        assert_eq!((keys::NAMES[i], keys::EN[i]), (*k, *v));
    }
}

#[test]
fn both_languages_fill_in_the_same_parameters() {
    let en = parse(EN).unwrap_or_default();
    let zh = parse(ZH_CN).unwrap_or_default();
    for (k, v) in &en {
        let Some((_, z)) = zh.iter().find(|(x, _)| x == k) else { continue };
        assert_eq!(placeholders(v), placeholders(z), "`{k}`: {v:?} vs {z:?}");
    }
}

#[test]
fn the_chinese_table_is_chinese() {
    // Names, formats and code samples may be the same in both; anything
    // else that is identical was probably not translated.
    let same_on_purpose = [
        "verbatim",
        "provider_quickrouter",
        "provider_fal",
        "format_png",
        "format_jpeg",
        "format_webp",
        "snippet_curl",
        // A number and its unit.
        "group_angle",
        "turntable_at",
    ];
    // Names of languages and libraries, and a list of other texts:
    // translated punctuation at most.
    let names = ["snippet_js", "snippet_python", "view_words"];
    for (i, name) in keys::NAMES.iter().enumerate() {
        if same_on_purpose.contains(name) {
            continue;
        }
        assert_ne!(keys::EN[i], keys::ZH_CN[i], "`{name}` is not translated");
        assert!(names.contains(name) || keys::ZH_CN[i].chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "`{name}` has no Chinese: {:?}", keys::ZH_CN[i]);
    }
}

#[test]
fn every_key_is_used_by_the_code() {
    // Reads the sources: a key nobody names is a text nobody sees.
    fn sources(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    let mut code = String::new();
    sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut code);
    let unused: Vec<&str> = keys::NAMES
        .iter()
        .filter(|k| {
            let v = table::variant(k);
            !code.match_indices(&format!("K::{v}")).any(|(i, m)| !code[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        })
        .copied()
        .collect();
    assert!(unused.is_empty(), "keys no code uses: {unused:?}");
}

#[test]
fn the_file_format_is_checked() {
    assert_eq!(parse("# c\n\na = b = c\n b_2 =  x "), Ok(vec![("a", "b = c"), ("b_2", "x")]));
    assert!(parse("a = 1\na = 2").unwrap_err().contains("twice"));
    assert!(parse("no equals").unwrap_err().contains("line 1"));
    assert!(parse("Bad-Key = x").is_err());
    assert_eq!(placeholders("{b} and {a}, {a}; { \"json\": 1 }"), ["a", "b"]);
    assert_eq!(table::variant("size_portrait_34"), "SizePortrait34");
}

#[test]
fn parameters_are_filled_in() {
    let m = Msg::new(K::ValImageN).arg("n", 2).arg_msg("problem", K::UrlInvalid);
    assert_eq!(m.render(Lang::En), "Image 2: This is not a valid URL");
    assert_eq!(m.render(Lang::ZhCn), "第 2 张图片：这不是有效的网址");
    // The server's words are not translated, and braces in them stay.
    assert_eq!(Msg::verbatim("{x} stays").render(Lang::ZhCn), "{x} stays");
    // A missing value leaves the name; text around braces survives.
    assert_eq!(format(Lang::En, K::ValWholeNumber, &[("min", "1".into())]), "Enter a whole number from 1 to {max}");
    assert_eq!(format(Lang::En, K::ImportNotObject, &[]), text(Lang::En, K::ImportNotObject));
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(Lang::En, 12_400.0), "12 s");
    assert_eq!(duration(Lang::En, 185_000.0), "3 min 05 s");
    assert_eq!(duration(Lang::ZhCn, 185_000.0), "3 分 05 秒");
    assert_eq!(duration(Lang::En, -5.0), "0 s");
}

#[test]
fn the_browser_language_picks_the_first_one_we_have() {
    assert_eq!(Lang::from_browser(["zh-CN", "en"]), Lang::ZhCn);
    assert_eq!(Lang::from_browser(["zh-TW"]), Lang::ZhCn);
    assert_eq!(Lang::from_browser(["zh_Hans_CN"]), Lang::ZhCn);
    assert_eq!(Lang::from_browser(["de-DE", "en-GB", "zh"]), Lang::En);
    assert_eq!(Lang::from_browser(["fr", "ZH"]), Lang::ZhCn);
    assert_eq!(Lang::from_browser(["fr"]), Lang::En);
    assert_eq!(Lang::from_browser([]), Lang::En);
    assert_eq!(Lang::parse("zh-cn"), Some(Lang::ZhCn));
    let zh = ["zh-CN".to_string()];
    assert_eq!(Lang::resolve("", &zh), Lang::ZhCn, "nothing chosen: the browser's");
    assert_eq!(Lang::resolve("en", &zh), Lang::En, "a choice wins");
    assert_eq!(Lang::resolve("klingon", &zh), Lang::ZhCn, "an unknown stored value is no choice");
    assert_eq!(Lang::parse(""), None);
    for l in Lang::ALL {
        assert_eq!(Lang::parse(l.code()), Some(l));
    }
}

#[test]
fn messages_shown_together_are_joined_per_language() {
    let msgs = [Msg::new(K::ShareCopied), Msg::new(K::ShareLeftOut).arg("n", 1)];
    let en = render_all(&msgs, Lang::En, Join::Sentences);
    assert!(en.contains("base URL. 1 local"), "{en}");
    let zh = render_all(&msgs, Lang::ZhCn, Join::Sentences);
    assert!(zh.contains("基础地址。有 1 张"), "{zh}");
    assert_eq!(render_all(&[K::UrlEmpty.into(), K::UrlInvalid.into()], Lang::En, Join::Items), "Enter an image URL · This is not a valid URL");
}

#[test]
fn counts_read_naturally_in_english() {
    let en = |n| Msg::count(K::ShareLeftOutOne, K::ShareLeftOut, n).render(Lang::En);
    assert!(en(1).starts_with("1 local image was left out"), "{}", en(1));
    assert!(en(3).starts_with("3 local images were left out"), "{}", en(3));
    assert!(en(0).starts_with("0 local images"), "{}", en(0));
    assert!(Msg::count(K::ShareLeftOutOne, K::ShareLeftOut, 1).render(Lang::ZhCn).contains("1 张"));
}
