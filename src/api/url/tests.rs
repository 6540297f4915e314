use super::*;

fn urls(s: &str, r: &str, c: &str) -> ReturnedUrls {
    let o = |x: &str| (!x.is_empty()).then(|| x.to_string());
    ReturnedUrls { status_url: o(s), response_url: o(r), cancel_url: o(c) }
}

fn all(c: &Candidates) -> Vec<&str> {
    c.0.iter().map(|c| c.url.as_str()).collect()
}

#[test]
fn same_origin_urls_are_used_as_returned() {
    let r = urls(
        "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/status",
        "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc",
        "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/cancel",
    );
    let e = Endpoints::new("https://queue.fal.run", "fal-ai/qwen-image-edit-plus", "abc", &r);
    // The returned URLs are the built ones: one candidate each.
    assert_eq!(all(&e.status), ["https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/status?logs=1"]);
    assert_eq!(all(&e.stream), ["https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/status/stream?logs=1"]);
    assert_eq!(all(&e.result), ["https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc"]);
    assert_eq!(all(&e.cancel), ["https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/abc/cancel"]);
}

#[test]
fn foreign_origin_urls_are_moved_onto_the_base_with_the_built_ones_behind() {
    // What the seed's relay returns: URLs on queue.fal.run, model renamed.
    let r = urls(
        "https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08/status",
        "https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08",
        "https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08/cancel",
    );
    let e = Endpoints::new("https://api.quickrouter.ai", "fal-ai/qwen-image-edit-plus", "9c08", &r);
    assert_eq!(
        all(&e.status),
        [
            "https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08/status?logs=1",
            "https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus/requests/9c08/status?logs=1"
        ]
    );
    assert_eq!(
        all(&e.result),
        ["https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08", "https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus/requests/9c08"]
    );
    assert_eq!(e.result.0.iter().map(|c| c.form).collect::<Vec<_>>(), [Form::Returned, Form::Built]);
    assert_eq!(all(&e.cancel)[0], "https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08/cancel");
    for c in [&e.status, &e.stream, &e.result, &e.cancel] {
        for u in all(c) {
            assert!(crate::api::origin::may_send_key("https://api.quickrouter.ai", u), "{u}");
        }
    }
}

#[test]
fn a_subpath_model_is_followed_under_owner_and_name_then_the_whole_path() {
    let e = Endpoints::new("https://queue.fal.run", "fal-ai/qwen-image-edit-2511/lora", "r", &ReturnedUrls::default());
    assert_eq!(
        all(&e.result),
        ["https://queue.fal.run/fal-ai/qwen-image-edit-2511/requests/r", "https://queue.fal.run/fal-ai/qwen-image-edit-2511/lora/requests/r"]
    );
    assert_eq!(e.result.0.iter().map(|c| c.form).collect::<Vec<_>>(), [Form::Built, Form::BuiltFull]);
    assert_eq!(model_root("/a/b/c/d"), "a/b");
    assert_eq!(model_root("a"), "a");
}

#[test]
fn the_form_that_worked_goes_first() {
    let r = urls("https://x.example/o/other/requests/1/status", "", "");
    let mut e = Endpoints::new("https://h", "o/n", "1", &r);
    assert_eq!(e.status.0[0].form, Form::Returned);
    e.status.prefer(Form::Built);
    assert_eq!(all(&e.status), ["https://h/o/n/requests/1/status?logs=1", "https://h/o/other/requests/1/status?logs=1"]);
    e.status.prefer(Form::BuiltFull);
    assert_eq!(e.status.0[0].form, Form::Built, "a form that is not there changes nothing");
}

#[test]
fn histories_with_one_url_per_operation_still_load() {
    let old = r#"{"status":"https://h/m/requests/1/status?logs=1","stream":"https://h/m/requests/1/status/stream?logs=1","result":"https://h/m/requests/1","cancel":"https://h/m/requests/1/cancel"}"#;
    let e: Endpoints = serde_json::from_str(old).unwrap();
    assert_eq!(all(&e.result), ["https://h/m/requests/1"]);
    assert_eq!(e.result.0[0].form, Form::Returned);
    let again: Endpoints = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(again, e);
}

#[test]
fn a_proxy_prefix_is_kept_once() {
    let r = urls("https://queue.fal.run/fal-ai/m/requests/1/status?x=2", "https://proxy.example/fal/fal-ai/m/requests/1", "");
    let e = Endpoints::new("https://proxy.example/fal/", "fal-ai/m", "1", &r);
    assert_eq!(all(&e.status)[0], "https://proxy.example/fal/fal-ai/m/requests/1/status?x=2&logs=1");
    assert_eq!(all(&e.stream)[0], "https://proxy.example/fal/fal-ai/m/requests/1/status/stream?x=2&logs=1");
    assert_eq!(all(&e.result), ["https://proxy.example/fal/fal-ai/m/requests/1"]);
    assert_eq!(all(&e.cancel), ["https://proxy.example/fal/fal-ai/m/requests/1/cancel"]);
}

#[test]
fn moved_urls_stay_under_the_base_prefix() {
    let base = "https://host/proxy";
    assert_eq!(place(base, "https://up.example/m/requests/1").as_deref(), Some("https://host/proxy/m/requests/1"));
    for escape in [
        "https://up.example/../admin",
        "https://up.example/a/../../admin",
        "https://up.example/%2e%2e/admin",
        "https://up.example/.%2E/admin",
        "https://up.example/%2E%2e/%2e%2e/x?y=1",
        "https://host/admin/requests/1",
        "https://host/proxy/../admin",
        "https://host/proxy/%2e%2e/admin",
        "https://host/proxyx/requests/1",
    ] {
        assert_eq!(place(base, escape), None, "{escape}");
    }
    // A dot segment that stays inside the prefix is resolved.
    assert_eq!(place(base, "https://up.example/m/./x/../requests/1").as_deref(), Some("https://host/proxy/m/requests/1"));
    assert_eq!(place(base, "https://host/proxy/a/%2e/b").as_deref(), Some("https://host/proxy/a/b"));
    // A percent-encoded slash is not a separator: it stays where it is.
    assert_eq!(place(base, "https://up.example/..%2Fadmin").as_deref(), Some("https://host/proxy/..%2Fadmin"));
    // The built URL replaces a returned one that escapes.
    let r = urls("https://up.example/../../admin/status", "https://up.example/%2e%2e/%2e%2e/admin", "");
    let e = Endpoints::new(base, "o/n", "1", &r);
    assert_eq!(all(&e.status), ["https://host/proxy/o/n/requests/1/status?logs=1"]);
    assert_eq!(all(&e.result), ["https://host/proxy/o/n/requests/1"]);
    assert_eq!(remove_dot_segments("/a/b/.."), "/a/");
    assert_eq!(remove_dot_segments("/.."), "/");
    assert_eq!(remove_dot_segments("/"), "/");
}

#[test]
fn missing_urls_are_built_from_the_table() {
    let e = Endpoints::new("http://127.0.0.1:8787/", "/fal-ai/qwen-image-edit-plus/", "r-1", &ReturnedUrls::default());
    assert_eq!(all(&e.status), ["http://127.0.0.1:8787/fal-ai/qwen-image-edit-plus/requests/r-1/status?logs=1"]);
    assert_eq!(all(&e.result), ["http://127.0.0.1:8787/fal-ai/qwen-image-edit-plus/requests/r-1"]);
    assert_eq!(all(&e.cancel), ["http://127.0.0.1:8787/fal-ai/qwen-image-edit-plus/requests/r-1/cancel"]);
    assert_eq!(submit_url("http://127.0.0.1:8787/", "fal-ai/x"), "http://127.0.0.1:8787/fal-ai/x");
}

#[test]
fn garbage_urls_fall_back_to_built_ones() {
    let r = urls("javascript:alert(1)", "not a url", "");
    let e = Endpoints::new("https://api.quickrouter.ai", "m/n", "id", &r);
    assert_eq!(all(&e.status), ["https://api.quickrouter.ai/m/n/requests/id/status?logs=1"]);
    assert_eq!(all(&e.result), ["https://api.quickrouter.ai/m/n/requests/id"]);
}

#[test]
fn request_ids_cannot_escape_their_segment() {
    assert_eq!(encode_segment("9c08e7d8-312c"), "9c08e7d8-312c");
    assert_eq!(encode_segment("../x"), "..%2Fx");
    assert_eq!(encode_segment(".."), "%2E%2E");
    assert_eq!(encode_segment("a b?c#"), "a%20b%3Fc%23");
    let e = Endpoints::new("https://h", "m", "../../admin", &ReturnedUrls::default());
    assert_eq!(all(&e.result), ["https://h/m/requests/..%2F..%2Fadmin"]);
}

#[test]
fn only_plain_request_ids_are_accepted() {
    for ok in ["9c08e7d8-312c-402d-a691-c207a9cb8121", "a", "A.b_c~d-0", "...", &"x".repeat(128)] {
        assert!(valid_request_id(ok), "{ok}");
    }
    for bad in ["", ".", "..", "a/b", "a b", "a%2Fb", "é", "a?b", "a#b", "<script>", &"x".repeat(129), "a\\b", "a\nb"] {
        assert!(!valid_request_id(bad), "{bad:?}");
    }
}
