//! How to reach the API for jobs (and the storage API for their
//! pictures): the configured bases, the key and the transport.

use super::*;

/// How to reach the API for jobs: the configured base, the key and the
/// transport (chosen once from the provider).
#[derive(Clone, Debug, PartialEq)]
pub struct Access {
    pub base: String,
    pub scheme: AuthScheme,
    pub key: String,
    pub transport: Transport,
    /// The storage API's base (empty: none; pictures go inline).
    pub storage: String,
}

impl Access {
    pub(super) fn client(&self, base: &str) -> Client {
        Client { base: base.to_string(), authorization: self.scheme.header_value(&self.key), transport: self.transport }
    }

    /// The client of the storage API, when there is one to use: a base
    /// that passes the same checks as the API's, a usable key, `fetch`.
    pub fn storage_client(&self) -> Option<Client> {
        let usable = !self.storage.is_empty() && self.transport == Transport::Fetch && check_key(&self.key).is_ok() && crate::api::origin::check_base(&self.storage).is_ok();
        usable.then(|| self.client(&self.storage))
    }

    /// Whether jobs on `base` may be followed with this key.
    pub(super) fn reaches(&self, base: &str) -> bool {
        check_key(&self.key).is_ok() && may_send_key(&self.base, base)
    }
}
