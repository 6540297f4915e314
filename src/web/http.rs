//! The one place requests leave the app. `Client` holds the configured base
//! and the `Authorization` value, and attaches it only to URLs on the base's
//! origin (PROTOCOL.md's origin rule), whatever URL it is asked to fetch.

use gloo_net::http::{Request, RequestBuilder, Response};
use web_sys::AbortSignal;

use crate::api::url::may_send_key;
use crate::api::ApiError;

#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    pub base: String,
    pub authorization: String,
}

/// A response's code and text, with the headers the app reads.
pub struct Answer {
    pub status: u16,
    pub text: String,
    pub retry_after: Option<String>,
    pub error_type: Option<String>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The answer as an error, for a non-2xx status.
    pub fn error(&self) -> ApiError {
        ApiError::from_response(self.status, &self.text, self.retry_after.as_deref(), self.error_type.as_deref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

impl Client {
    fn builder(&self, method: Method, url: &str) -> RequestBuilder {
        let b = match method {
            Method::Get => Request::get(url),
            Method::Post => Request::post(url),
            Method::Put => Request::put(url),
        }
        .header("Accept", "application/json");
        if may_send_key(&self.base, url) {
            b.header("Authorization", &self.authorization)
        } else {
            b
        }
    }

    /// Sends one request. A rejected `fetch` (offline, DNS, CORS) is a
    /// network error; any HTTP answer is returned as is.
    pub async fn send(&self, method: Method, url: &str, body: Option<&str>, signal: Option<&AbortSignal>) -> Result<Answer, ApiError> {
        let builder = self.builder(method, url).abort_signal(signal);
        let sent = match body {
            Some(b) => match builder.header("Content-Type", "application/json").body(b.to_string()) {
                Ok(req) => req.send().await,
                Err(e) => return Err(ApiError::network(e.to_string())),
            },
            None => builder.send().await,
        };
        let resp: Response = sent.map_err(|e| ApiError::network(e.to_string()))?;
        let headers = resp.headers();
        let retry_after = headers.get("retry-after");
        let error_type = headers.get("x-fal-error-type");
        let status = resp.status();
        // A body that cannot be read is treated like a dropped connection.
        let text = resp.text().await.map_err(|e| ApiError::network(e.to_string()))?;
        Ok(Answer { status, text, retry_after, error_type })
    }
}
