//! Connection settings and the API key: loaded from storage, written back
//! on every change (the key only where the person chose), and the problems
//! that block a submit.

use leptos::prelude::*;

use crate::api::provider::{check_key, Settings};
use crate::api::origin::check_base;
use crate::api::FieldError;
use crate::i18n::K;
use crate::web::http::Transport;
use crate::web::store::Access;
use crate::web::storage::{self, Area};

const SETTINGS_KEY: &str = "qie.settings";
const API_KEY_KEY: &str = "qie.key";
const REMEMBER_KEY: &str = "qie.remember_key";

/// Connection settings and the key.
#[derive(Clone, Copy)]
pub struct SettingsState {
    pub settings: RwSignal<Settings>,
    pub key: RwSignal<String>,
    /// Off: the key lives in this tab's session storage. On: local storage.
    pub remember: RwSignal<bool>,
    /// Bumped when the key is committed (the field's `change`, Enter):
    /// running jobs are followed with a key only then, never with one that
    /// is half typed.
    pub key_commits: RwSignal<u64>,
}

impl SettingsState {
    pub(super) fn load() -> Self {
        let settings = storage::get(Area::Local, SETTINGS_KEY).and_then(|s| Settings::from_storage(&s)).unwrap_or_default();
        let remember = storage::get(Area::Local, REMEMBER_KEY).as_deref() == Some("1");
        let area = if remember { Area::Local } else { Area::Session };
        let key = storage::get(area, API_KEY_KEY).unwrap_or_default();
        SettingsState { settings: RwSignal::new(settings), key: RwSignal::new(key), remember: RwSignal::new(remember), key_commits: RwSignal::new(0) }
    }

    /// Writes every change back; the key goes only where `remember` says.
    pub(super) fn persist(self) {
        // The theme: `data-theme` on <html>; none follows the system.
        Effect::new(move |_| {
            let theme = self.settings.with(|s| s.theme.clone());
            if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = match theme.as_str() {
                    "light" | "dark" => html.set_attribute("data-theme", &theme),
                    _ => html.remove_attribute("data-theme"),
                };
            }
        });
        Effect::new(move |_| {
            self.settings.with(|s| storage::set(Area::Local, SETTINGS_KEY, &s.to_storage()));
        });
        Effect::new(move |_| {
            let remember = self.remember.get();
            let key = self.key.get();
            let (keep, drop) = if remember { (Area::Local, Area::Session) } else { (Area::Session, Area::Local) };
            storage::remove(drop, API_KEY_KEY);
            if key.is_empty() {
                storage::remove(keep, API_KEY_KEY);
            } else {
                storage::set(keep, API_KEY_KEY, &key);
            }
            if remember {
                storage::set(Area::Local, REMEMBER_KEY, "1");
            } else {
                storage::remove(Area::Local, REMEMBER_KEY);
            }
        });
    }

    pub fn commit_key(&self) {
        self.key_commits.update(|n| *n += 1);
    }

    /// How to reach the API now (untracked).
    pub fn access(&self) -> Access {
        let s = self.settings.get_untracked();
        let transport = if s.provider == crate::api::Provider::Demo { Transport::Demo } else { Transport::Fetch };
        Access { base: s.api_base.trim().to_string(), scheme: s.auth_scheme, key: self.key.get_untracked().trim().to_string(), transport, storage: s.storage_base.trim().trim_end_matches('/').to_string() }
    }

    /// A key no HTTP header can carry, said at once at the key field.
    pub fn key_problem(&self) -> Option<FieldError> {
        if self.settings.with(|s| s.provider == crate::api::Provider::Demo) {
            return None;
        }
        match self.key.with(|k| check_key(k)) {
            Err(K::ValApiKeyChars) => Some(FieldError::new("api_key", K::ValApiKeyChars)),
            _ => None,
        }
    }

    /// Problems that block a submit, by field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.settings.with(|s| s.provider == crate::api::Provider::Demo) {
            return errs;
        }
        if let Err(m) = self.settings.with(|s| check_base(&s.api_base)) {
            errs.push(FieldError::new("api_base", m));
        }
        if let Err(m) = self.settings.with(|s| if s.storage_base.trim().is_empty() { Ok(()) } else { check_base(s.storage_base.trim()) }) {
            errs.push(FieldError::new("storage_base", m));
        }
        if let Err(k) = self.key.with(|k| check_key(k)) {
            errs.push(FieldError::new("api_key", k));
        }
        errs
    }
}
