use super::*;
use crate::api::origin::may_send_key;
use serde_json::json;

#[test]
fn the_initiate_goes_to_the_storage_base_with_the_files_name() {
    assert_eq!(initiate_url("https://rest.fal.ai/"), "https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3");
    assert_eq!(initiate_url(" http://127.0.0.1:9/p "), "http://127.0.0.1:9/p/storage/upload/initiate?storage_type=fal-cdn-v3");
    let body: Value = serde_json::from_str(&initiate_body("image/jpeg", "photo.jpg")).unwrap();
    assert_eq!(body, json!({"content_type": "image/jpeg", "file_name": "photo.jpg"}));
}

#[test]
fn names_and_types_come_from_the_picture() {
    assert_eq!(mime_of("data:image/png;base64,AAAA"), Some("image/png"));
    assert_eq!(mime_of("data:image/jpeg,xyz"), Some("image/jpeg"));
    assert_eq!(mime_of("data:;base64,AA"), None);
    assert_eq!(mime_of("https://x/y.png"), None);
    assert_eq!(file_name("C:\\Users\\me\\holiday photo.jpg", "image/jpeg"), "holidayphoto.jpg");
    assert_eq!(file_name("../../etc/passwd", "image/png"), "passwd");
    assert_eq!(file_name("", "image/jpeg"), "image.jpg");
    assert_eq!(file_name("照片.png", "image/png"), ".png".to_string(), "the extension stays when the name has no ASCII");
    assert_eq!(file_name("..", "image/webp"), "image.webp");
    assert_eq!(file_name(&"a".repeat(300), "image/png").len(), 100);
}

#[test]
fn a_ticket_needs_two_usable_addresses() {
    let ok = r#"{"upload_url":"https://storage.example/put/abc?sig=1","file_url":"https://v3.fal.media/files/x/y.jpg"}"#;
    assert_eq!(ticket(200, ok), Ok(Ticket { upload_url: "https://storage.example/put/abc?sig=1".into(), file_url: "https://v3.fal.media/files/x/y.jpg".into() }));
    for bad in [
        r#"{"upload_url":"javascript:alert(1)","file_url":"https://v3.fal.media/x"}"#,
        r#"{"upload_url":"https://a/b","file_url":"data:image/png;base64,AA"}"#,
        r#"{"upload_url":"https://a/b c","file_url":"https://v3.fal.media/x"}"#,
        r#"{"upload_url":"https://a/b"}"#,
        r#"{"upload_url":1,"file_url":"https://v3.fal.media/x"}"#,
        "not json",
        "",
    ] {
        assert_eq!(ticket(200, bad), Err(UploadError::BadTicket), "{bad}");
    }
}

#[test]
fn refusals_say_what_the_server_said() {
    assert_eq!(ticket(401, r#"{"detail":"No user found for Key ID and Secret"}"#), Err(UploadError::Refused { status: 401, detail: "No user found for Key ID and Secret".into() }));
    assert_eq!(ticket(403, "<html>"), Err(UploadError::Refused { status: 403, detail: String::new() }));
    assert_eq!(ticket(404, ""), Err(UploadError::NoStorage(404)));
    assert_eq!(ticket(405, ""), Err(UploadError::NoStorage(405)));
    assert_eq!(ticket(500, r#"{"detail":"boom"}"#), Err(UploadError::Server { status: 500, detail: "boom".into() }));
    let long = format!(r#"{{"detail":"{}"}}"#, "x".repeat(5000));
    assert!(matches!(ticket(502, &long), Err(UploadError::Server { detail, .. }) if detail.len() == 300));
    assert_eq!(put_answer(200, ""), Ok(()));
    assert_eq!(put_answer(403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"), Err(UploadError::Expired));
    assert_eq!(put_answer(400, "ExpiredToken"), Err(UploadError::Expired));
    assert_eq!(put_answer(403, "SignatureDoesNotMatch"), Err(UploadError::Put(403)));
    assert_eq!(put_answer(500, ""), Err(UploadError::Put(500)));
}

#[test]
fn every_failure_says_something_in_both_languages() {
    use crate::i18n::Lang;
    let all = [
        UploadError::Refused { status: 403, detail: "User is locked".into() },
        UploadError::NoStorage(404),
        UploadError::Server { status: 500, detail: "boom".into() },
        UploadError::BadTicket,
        UploadError::Unreachable,
        UploadError::Put(500),
        UploadError::Expired,
        UploadError::Cut,
        UploadError::Stalled,
    ];
    for e in all {
        for lang in Lang::ALL {
            let text = e.message().render(lang);
            assert!(text.len() > 20 && !text.contains('{'), "{e:?} in {lang:?}: {text}");
        }
    }
    assert!(UploadError::Refused { status: 403, detail: "User is locked".into() }.message().render(Lang::En).contains("User is locked"));
}

#[test]
fn one_key_per_picture() {
    let a = "data:image/png;base64,AAAA";
    assert_eq!(content_key(a), content_key(&a.to_string()));
    assert_ne!(content_key(a), content_key("data:image/png;base64,AAAB"));
    assert_ne!(content_key(a).1, content_key("data:image/png;base64,AAAAAA").1);
}

#[test]
fn the_plan_uploads_each_inline_picture_once_and_names_it_everywhere() {
    let (a, b) = ("data:image/png;base64,AAAA", "data:image/jpeg;base64,BBBB");
    let mut body = json!({"prompt": "p", "image_urls": [a, "https://x/y.png", a, b]});
    assert_eq!(inline_images(&body), vec![a, b]);
    let url_of = |u: &str| (u == a).then(|| "https://v3.fal.media/files/a.png".to_string());
    assert_eq!(substitute(&mut body, url_of), 2);
    assert_eq!(body["image_urls"], json!(["https://v3.fal.media/files/a.png", "https://x/y.png", "https://v3.fal.media/files/a.png", b]));
    assert_eq!(inline_images(&body), vec![b], "what failed stays inline");
    // The inpaint model's one image and its mask.
    let mut inpaint = json!({"image_url": a, "mask_url": b, "prompt": "p"});
    assert_eq!(inline_images(&inpaint), vec![a, b]);
    assert_eq!(substitute(&mut inpaint, |u| Some(format!("https://f/{}", u.len()))), 2);
    assert_eq!(inpaint, json!({"image_url": "https://f/26", "mask_url": "https://f/27", "prompt": "p"}));
    assert!(inline_images(&inpaint).is_empty());
    // Nothing else of the body is touched.
    let mut other = json!({"prompt": a, "loras": [{"path": a}]});
    assert_eq!(substitute(&mut other, |_| Some("https://f".into())), 0);
    assert_eq!(other, json!({"prompt": a, "loras": [{"path": a}]}));
}

#[test]
fn progress_adds_up_what_still_runs() {
    let ups = [Upload::Running { loaded: 100, total: 1000 }, Upload::Done("https://f".into()), Upload::Running { loaded: 0, total: 0 }, Upload::Failed(UploadError::Cut)];
    assert_eq!(progress(ups.iter()), Some((100, 1000)));
    assert_eq!(progress(ups[1..2].iter()), None);
}

#[test]
fn the_key_goes_to_each_base_and_to_neither_upload_host() {
    let (api, storage) = ("https://queue.fal.run", "https://rest.fal.ai");
    let initiate = initiate_url(storage);
    assert!(may_send_key(storage, &initiate));
    assert!(!may_send_key(api, &initiate), "the queue's base does not cover the storage API");
    let t = ticket(200, r#"{"upload_url":"https://fal-cdn.storage.googleapis.com/x?X-Goog-Signature=1","file_url":"https://v3.fal.media/files/x.png"}"#).unwrap();
    for url in [&t.upload_url, &t.file_url] {
        assert!(!may_send_key(storage, url) && !may_send_key(api, url), "{url}");
    }
    // A storage base on a look-alike host gets nothing of the queue's.
    assert!(!may_send_key(storage, "https://rest.fal.ai.evil.example/storage/upload/initiate"));
}

#[test]
fn an_inline_body_past_10_mb_is_refused_with_its_size() {
    use crate::i18n::Lang;
    assert!(check_size(&"x".repeat(MAX_INLINE_BYTES)).is_ok());
    let e = check_size(&"x".repeat(12_345_678)).unwrap_err();
    assert_eq!(e.kind, crate::api::ErrorKind::TooBig);
    let text = e.user_message().render(Lang::En);
    assert!(text.contains("12.3 MB") && text.contains("10 MB") && text.contains("max side"), "{text}");
    assert!(e.user_message().render(Lang::ZhCn).contains("12.3 MB"));
}
