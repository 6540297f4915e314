// The key's origin table, shared by the native test of the Rust rule
// (src/api/url.rs) and the browser test of the browser's own parser and the
// final decision (tests/web/main.rs). `rust`: what `api::url::may_send_key`
// says; `browser`: whether `new URL(url)` has the base's origin and no user
// or password. The key is attached only when both say yes.

pub struct OriginCase {
    pub base: &'static str,
    pub url: &'static str,
    pub rust: bool,
    pub browser: bool,
}

const fn c(base: &'static str, url: &'static str, rust: bool, browser: bool) -> OriginCase {
    OriginCase { base, url, rust, browser }
}

const QR: &str = "https://api.quickrouter.ai";
const LOCAL: &str = "http://127.0.0.1:8787";
const V6: &str = "http://[::1]:8787";

pub const ORIGIN_CASES: &[OriginCase] = &[
    // The plain case and its spellings.
    c(QR, "https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus", true, true),
    c(QR, "HTTPS://API.QUICKROUTER.AI/x", true, true),
    c(QR, "https://Api.QuickRouter.ai:443/x", true, true),
    c(QR, "https://api.quickrouter.ai:0443/x", true, true),
    c(QR, "https://api.quickrouter.ai:/x", true, true),
    c(QR, " https://api.quickrouter.ai/x ", true, true),
    c(QR, "\thttps://api.quickrouter.ai/x", true, true),
    c(QR, "https://api.quick\trouter.ai/x", true, true),
    c(QR, "https://api.quickrouter.ai\n/x", true, true),
    c(QR, "https://api.quick\r\nrouter.ai/x", true, true),
    c(QR, "https:api.quickrouter.ai/x", true, true),
    c(QR, "https:/api.quickrouter.ai/x", true, true),
    c(QR, "https:\\\\api.quickrouter.ai\\x", true, true),
    // Backslashes: the browser reads them as slashes.
    c(QR, "https://evil.example\\@api.quickrouter.ai/x", false, false),
    c(QR, "https://evil.example\\\\api.quickrouter.ai", false, false),
    c(QR, "https://api.quickrouter.ai\\@evil.example/x", true, true),
    c(QR, "https://api.quickrouter.ai\\\\evil.example/x", true, true),
    c(QR, "https://api.quickrouter.ai\\..\\x", true, true),
    c(QR, "https:\\\\evil.example\\@api.quickrouter.ai", false, false),
    c(QR, "https://evil.example/\\@api.quickrouter.ai", false, false),
    // Userinfo: never with the key.
    c(QR, "https://user@api.quickrouter.ai/x", false, false),
    c(QR, "https://user:pw@api.quickrouter.ai/x", false, false),
    c(QR, "https://:pw@api.quickrouter.ai/x", false, false),
    c(QR, "https://api.quickrouter.ai%2F@evil.com/x", false, false),
    c(QR, "https://api.quickrouter.ai:443@evil.com/x", false, false),
    c(QR, "https://api.quickrouter.ai%40evil.com/x", false, false),
    c(QR, "https://evil.com%40api.quickrouter.ai/x", false, false),
    // Look-alikes.
    c(QR, "https://api.quickrouter.ai.evil.com/x", false, false),
    c(QR, "https://evilquickrouter.ai/x", false, false),
    c(QR, "https://quickrouter.ai@evil.com/x", false, false),
    c(QR, "https://api.quickrouter.ai@evil.com/x", false, false),
    c(QR, "https://evil.com#@api.quickrouter.ai/x", false, false),
    c(QR, "https://evil.com?@api.quickrouter.ai/x", false, false),
    c(QR, "https://api.quickrouter.ai./x", false, false),
    c(QR, "https://xn--pi-7ka.quickrouter.ai/x", false, false),
    c(QR, "https://аpi.quickrouter.ai/x", false, false),
    // Image hosts and other origins a result names.
    c(QR, "https://v3.fal.media/files/x.png", false, false),
    c(QR, "https://queue.fal.run/fal-ai/qwen-image-edit-plus/requests/1", false, false),
    // Another scheme or port.
    c(QR, "http://api.quickrouter.ai/x", false, false),
    c(QR, "http://api.quickrouter.ai:443/x", false, false),
    c(QR, "https://api.quickrouter.ai:8443/x", false, false),
    c(QR, "https://api.quickrouter.ai:65536/x", false, false),
    c(QR, "ftp://api.quickrouter.ai/x", false, false),
    c(QR, "javascript:alert(1)", false, false),
    c(QR, "data:image/png;base64,AAAA", false, false),
    // Relative URLs resolve against the page, not the API.
    c(QR, "//api.quickrouter.ai/x", false, false),
    c(QR, "/fal-ai/x", false, false),
    // Paths change nothing about the origin.
    c(QR, "https://api.quickrouter.ai//x", true, true),
    c(QR, "https://api.quickrouter.ai/../x", true, true),
    c(QR, "https://api.quickrouter.ai/%2e%2e/x", true, true),
    c(QR, "https://api.quickrouter.ai/%2F..%2Fx", true, true),
    // Host spellings only the browser normalises: no key (both must agree).
    c(QR, "https://api%2Equickrouter.ai/x", false, true),
    c(LOCAL, "http://2130706433:8787/x", false, true),
    c(V6, "http://[0:0::1]:8787/x", false, true),
    // Local servers and IPv6 literals.
    c(LOCAL, "http://127.0.0.1:8787/fal-ai/x", true, true),
    c(LOCAL, "http://localhost:8787/x", false, false),
    c(LOCAL, "http://127.0.0.1:8788/x", false, false),
    c(LOCAL, "http://127.0.0.1:8787\\@evil.example/x", true, true),
    c(V6, "http://[::1]:8787/x", true, true),
    c(V6, "http://[::1]/x", false, false),
    c(QR, "https://[::1]/x", false, false),
];
