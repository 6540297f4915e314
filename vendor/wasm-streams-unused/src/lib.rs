//! Stands in for `wasm-streams` 0.5, which only Leptos's server functions
//! use (`server_fn`'s browser client, pulled in by `leptos`'s `csr`
//! feature): to stream a request body and a response. This app calls no
//! server function, so none of it ever runs, but the real crate's
//! `#[wasm_bindgen]` classes (`IntoUnderlyingSource`, `…ByteSource`,
//! `…Sink`) are exports, which no linker may drop: they cost 4.7 KB brotli
//! of wasm and glue on every first visit (README, "Bundle size").
//!
//! Only the names `server_fn` uses are here; calling one of them means a
//! server function was added, and it stops the app at once with this
//! explanation rather than streaming nothing. Remove the patch in
//! Cargo.toml then.

use futures_util::Stream;
use wasm_bindgen::JsValue;

const UNUSED: &str = "wasm-streams is replaced by vendor/wasm-streams-unused: this app has no server functions";

/// A web `ReadableStream`, as `server_fn` names it.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        ReadableStream { raw }
    }

    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        panic!("{UNUSED}")
    }

    pub fn into_stream(self) -> futures_util::stream::Empty<Result<JsValue, JsValue>> {
        panic!("{UNUSED}")
    }
}
