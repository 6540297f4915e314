//! What a request and its answer are, for every transport (`http`'s
//! `fetch` and the in-page `demo`), so neither imports the other's module.

use crate::api::ApiError;

/// A response's code and text, with the headers the app reads.
pub struct Answer {
    pub status: u16,
    pub text: String,
    pub retry_after: Option<String>,
    pub error_type: Option<String>,
}

impl Answer {
    /// The answer as an error (the one place a non-2xx becomes an `ApiError`).
    pub fn error(&self) -> ApiError {
        ApiError::from_response(self.status, &self.text, self.retry_after.as_deref(), self.error_type.as_deref())
    }

    /// The answer when it is a 2xx; any other code as an `ApiError`.
    pub fn success(self) -> Result<Answer, ApiError> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(self.error())
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}
