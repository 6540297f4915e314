use super::*;

#[test]
fn presets_carry_their_base_and_scheme() {
    let q = Settings::for_provider(Provider::QuickRouter, "x");
    assert_eq!(q.api_base, "https://api.quickrouter.ai");
    assert_eq!(q.auth_scheme, AuthScheme::Bearer);
    let f = Settings::for_provider(Provider::Fal, "x");
    assert_eq!(f.api_base, "https://queue.fal.run");
    assert_eq!(f.auth_scheme, AuthScheme::Key);
    let c = Settings::for_provider(Provider::Custom, "http://127.0.0.1:9000");
    assert_eq!(c.api_base, "http://127.0.0.1:9000");
    assert_eq!(Settings::default().provider, Provider::QuickRouter);
}

#[test]
fn switching_provider_keeps_the_preferences() {
    let mut s = Settings { theme: "dark".into(), language: "zh-CN".into(), max_side: 1024, stream_status: false, price_per_mp: 0.05, ..Settings::default() };
    s.switch_provider(Provider::Fal);
    assert_eq!((s.api_base.as_str(), s.auth_scheme), ("https://queue.fal.run", AuthScheme::Key));
    assert_eq!((s.theme.as_str(), s.language.as_str(), s.max_side, s.stream_status, s.price_per_mp), ("dark", "zh-CN", 1024, false, 0.05));
    s.switch_provider(Provider::Custom);
    assert_eq!(s.api_base, "https://queue.fal.run", "a custom provider starts from the base it had");
}

#[test]
fn keys_a_header_cannot_carry_are_refused() {
    use crate::i18n::K;
    assert_eq!(check_key("  fal-key:abc123  "), Ok(()));
    assert_eq!(check_key(" \t"), Err(K::ValApiKey));
    for bad in ["abc\u{200B}def", "\u{200B}abc", "ключ", "a b", "a\tb", "abc\u{7f}", "a\u{a0}b"] {
        assert_eq!(check_key(bad), Err(K::ValApiKeyChars), "{bad:?}");
    }
}

#[test]
fn header_values_follow_the_scheme() {
    assert_eq!(AuthScheme::Bearer.header_value(" abc "), "Bearer abc");
    assert_eq!(AuthScheme::Key.header_value("id:secret"), "Key id:secret");
}

#[test]
fn provider_and_scheme_names_round_trip() {
    for p in Provider::ALL {
        assert_eq!(Provider::parse(p.as_str()), Some(p));
    }
    assert_eq!(Provider::parse("other"), None);
    assert_eq!(AuthScheme::parse("Key"), Some(AuthScheme::Key));
    assert_eq!(AuthScheme::parse("key"), None);
}

#[test]
fn settings_stored_before_max_side_existed_still_load() {
    let old = r#"{"v":1,"settings":{"provider":"fal","api_base":"https://queue.fal.run","auth_scheme":"Key","model":"m"}}"#;
    let s = Settings::from_storage(old).unwrap();
    assert_eq!((s.provider, s.max_side, s.price_per_mp, s.max_in_flight, s.copies_mb), (Provider::Fal, 2048, 0.03, 2, 500));
}

#[test]
fn stored_settings_round_trip_and_reject_garbage() {
    let s = Settings::for_provider(Provider::Custom, "http://localhost:1");
    assert_eq!(Settings::from_storage(&s.to_storage()), Some(s));
    assert_eq!(Settings::from_storage("{not json"), None);
    assert_eq!(Settings::from_storage(r#"{"v":99,"settings":{}}"#), None);
}

/// The hand-written format reads and writes what serde's derives did:
/// every field removed or given a value of each JSON type.
#[test]
fn stored_settings_read_and_write_as_the_derives_did() {
    let reference = |t: &str| serde_json::from_str::<StoredSettings>(t).ok().filter(|s| s.v == SETTINGS_VERSION).map(|s| s.settings);
    let mut s = Settings::for_provider(Provider::Custom, "https://relay.example");
    s.price_per_mp = 0.021;
    s.language = "zh-CN".into();
    s.stream_status = false;
    let written: Value = serde_json::from_str(&s.to_storage()).unwrap();
    let derived = serde_json::to_value(StoredSettings { v: SETTINGS_VERSION, settings: s.clone() }).unwrap();
    assert_eq!(written, derived);
    assert_eq!(Settings::from_storage(&s.to_storage()), Some(s));
    let odd = [Value::Null, "x".into(), "fal".into(), "Key".into(), 1.5.into(), (-1).into(), 7.into(), 5_000_000_000u64.into(), true.into(), serde_json::json!([]), serde_json::json!({})];
    let (mut read, mut refused) = (0, 0);
    for key in derived["settings"].as_object().unwrap().keys() {
        let mut variants = vec![{
            let mut v = derived.clone();
            v["settings"].as_object_mut().unwrap().remove(key);
            v
        }];
        for o in &odd {
            let mut v = derived.clone();
            v["settings"][key] = o.clone();
            variants.push(v);
        }
        for v in variants {
            let t = v.to_string();
            let got = Settings::from_storage(&t);
            assert_eq!(got, reference(&t), "{t}");
            if got.is_some() { read += 1 } else { refused += 1 }
        }
    }
    assert!(read > 20 && refused > 50, "{read} read, {refused} refused");
    for t in ["", "[]", r#"{"v":2,"settings":{}}"#, r#"{"settings":{}}"#, r#"{"v":1}"#] {
        assert_eq!(Settings::from_storage(t), None, "{t}");
    }
}

#[test]
fn each_provider_has_its_storage_and_old_settings_get_the_preset() {
    assert_eq!(Settings::for_provider(Provider::Fal, "").storage_base, "https://rest.fal.ai");
    assert_eq!(Settings::for_provider(Provider::QuickRouter, "").storage_base, "");
    assert_eq!(Settings::for_provider(Provider::Custom, "https://relay.example").storage_base, "");
    let mut s = Settings::for_provider(Provider::Custom, "http://127.0.0.1:8787");
    s.storage_base = "http://127.0.0.1:8788".into();
    s.switch_provider(Provider::Custom);
    assert_eq!(s.storage_base, "http://127.0.0.1:8788", "a custom storage base stays");
    s.switch_provider(Provider::QuickRouter);
    assert_eq!(s.storage_base, "", "QuickRouter has none");
    s.switch_provider(Provider::Fal);
    assert_eq!(s.storage_base, "https://rest.fal.ai");
    let old = r#"{"v":1,"settings":{"provider":"fal","api_base":"https://queue.fal.run","auth_scheme":"Key"}}"#;
    assert_eq!(Settings::from_storage(old).map(|s| s.storage_base), Some("https://rest.fal.ai".into()));
    let old = r#"{"v":1,"settings":{"provider":"quickrouter","api_base":"https://api.quickrouter.ai","auth_scheme":"Bearer"}}"#;
    assert_eq!(Settings::from_storage(old).map(|s| s.storage_base), Some(String::new()));
}
