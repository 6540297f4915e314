//! Who the app talks to: the provider presets, the auth scheme and the
//! connection settings that persist between visits (never the key).

use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum Provider {
    QuickRouter,
    Fal,
    Custom,
    /// Runs the whole flow in the browser, with no network and no key.
    Demo,
}

/// The base of the in-browser demo queue.
pub const DEMO_BASE: &str = "demo://studio";

impl Provider {
    pub const ALL: [Provider; 4] = [Provider::QuickRouter, Provider::Fal, Provider::Custom, Provider::Demo];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::QuickRouter => "quickrouter",
            Provider::Fal => "fal",
            Provider::Custom => "custom",
            Provider::Demo => "demo",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> crate::i18n::K {
        use crate::i18n::K;
        match self {
            Provider::QuickRouter => K::ProviderQuickrouter,
            Provider::Fal => K::ProviderFal,
            Provider::Custom => K::ProviderCustom,
            Provider::Demo => K::ProviderDemo,
        }
    }

    /// The preset base URL; `None` for a custom provider.
    pub fn base(self) -> Option<&'static str> {
        match self {
            Provider::QuickRouter => Some("https://api.quickrouter.ai"),
            Provider::Fal => Some("https://queue.fal.run"),
            Provider::Custom => None,
            Provider::Demo => Some(DEMO_BASE),
        }
    }

    /// The preset storage base: fal's; none for QuickRouter (its relay
    /// documents no upload) and the demo; `None` for a custom provider.
    pub fn storage_base(self) -> Option<&'static str> {
        match self {
            Provider::Fal => Some(super::storage::FAL_STORAGE_BASE),
            Provider::Custom => None,
            Provider::QuickRouter | Provider::Demo => Some(""),
        }
    }

    pub fn scheme(self) -> Option<AuthScheme> {
        match self {
            Provider::QuickRouter => Some(AuthScheme::Bearer),
            Provider::Fal => Some(AuthScheme::Key),
            Provider::Custom => None,
            Provider::Demo => Some(AuthScheme::Bearer),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum AuthScheme {
    Bearer,
    Key,
}

impl AuthScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::Bearer => "Bearer",
            AuthScheme::Key => "Key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Bearer" => Some(AuthScheme::Bearer),
            "Key" => Some(AuthScheme::Key),
            _ => None,
        }
    }

    /// The value of the `Authorization` header for `key`.
    pub fn header_value(self, key: &str) -> String {
        format!("{} {}", self.as_str(), key.trim())
    }
}

/// Connection settings that are stored between visits. The key is not here
/// on purpose: it lives in session or local storage by the user's choice.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Settings {
    pub provider: Provider,
    pub api_base: String,
    pub auth_scheme: AuthScheme,
    /// The storage API's base, where local pictures are uploaded once
    /// (`api::storage`); empty: none, pictures go inline. The key goes to
    /// its origin too, by the same rule as to the API base's.
    #[cfg_attr(test, serde(default))]
    pub storage_base: String,
    /// The estimate's price per output megapixel, in US dollars.
    #[cfg_attr(test, serde(default = "default_price"))]
    pub price_per_mp: f64,
    /// Local images larger than this (longest side, px) are scaled down.
    #[cfg_attr(test, serde(default = "default_max_side"))]
    pub max_side: u32,
    /// At most this many submits of one base wait for their ticket at once.
    #[cfg_attr(test, serde(default = "default_in_flight"))]
    pub max_in_flight: u32,
    /// Copies of result images kept in the browser, at most this many MB
    /// (the oldest jobs' go first); 0 keeps none.
    #[cfg_attr(test, serde(default = "default_copies_mb"))]
    pub copies_mb: u32,
    /// "Keep the rest": the edge of a kept region is softened over this
    /// many pixels.
    #[cfg_attr(test, serde(default = "default_feather"))]
    pub feather_px: u32,
    /// Follow jobs through the status stream (falls back to polling).
    #[cfg_attr(test, serde(default = "default_true"))]
    pub stream_status: bool,
    /// `system`, `light` or `dark`.
    #[cfg_attr(test, serde(default = "default_theme"))]
    pub theme: String,
    /// `en` or `zh-CN` once chosen; empty follows the browser.
    #[cfg_attr(test, serde(default))]
    pub language: String,
    /// The vision model that rewrites prompts (any id; empty: the default).
    #[cfg_attr(test, serde(default = "default_rewrite_model"))]
    pub rewrite_model: String,
    /// Its temperature, 0–2.
    #[cfg_attr(test, serde(default = "default_rewrite_temperature"))]
    pub rewrite_temperature: f64,
}

fn default_rewrite_model() -> String {
    super::rewrite::DEFAULT_MODEL.into()
}

fn default_rewrite_temperature() -> f64 {
    super::rewrite::DEFAULT_TEMPERATURE
}

fn default_price() -> f64 {
    super::size::DEFAULT_PRICE_PER_MP
}

/// The range of `max_in_flight`, and its default.
pub const IN_FLIGHT_RANGE: (u32, u32) = (1, 8);
pub const DEFAULT_IN_FLIGHT: u32 = 2;

fn default_in_flight() -> u32 {
    DEFAULT_IN_FLIGHT
}

/// The range of `copies_mb`, and its default.
pub const COPIES_MB_RANGE: (u32, u32) = (0, 100_000);
pub const DEFAULT_COPIES_MB: u32 = 500;

fn default_copies_mb() -> u32 {
    DEFAULT_COPIES_MB
}

/// The range of `feather_px`, and its default.
pub const FEATHER_RANGE: (u32, u32) = (0, 64);
pub const DEFAULT_FEATHER: u32 = 8;

fn default_feather() -> u32 {
    DEFAULT_FEATHER
}

fn default_theme() -> String {
    "system".into()
}

fn default_true() -> bool {
    true
}

fn default_max_side() -> u32 {
    super::image::DEFAULT_MAX_SIDE
}

impl Default for Settings {
    fn default() -> Self {
        Settings::for_provider(Provider::QuickRouter, "")
    }
}

impl Settings {
    /// Settings for a provider; a custom one keeps `custom_base`.
    pub fn for_provider(provider: Provider, custom_base: &str) -> Self {
        Settings {
            provider,
            api_base: provider.base().unwrap_or(custom_base).to_string(),
            storage_base: provider.storage_base().unwrap_or("").to_string(),
            auth_scheme: provider.scheme().unwrap_or(AuthScheme::Bearer),
            price_per_mp: default_price(),
            max_side: default_max_side(),
            max_in_flight: default_in_flight(),
            copies_mb: default_copies_mb(),
            feather_px: default_feather(),
            stream_status: true,
            theme: default_theme(),
            language: String::new(),
            rewrite_model: default_rewrite_model(),
            rewrite_temperature: default_rewrite_temperature(),
        }
    }

    /// Moves to another provider's preset: base and scheme change, the
    /// model, theme, language and other preferences stay.
    pub fn switch_provider(&mut self, provider: Provider) {
        let custom_base = self.api_base.clone();
        let preset = Settings::for_provider(provider, &custom_base);
        self.provider = provider;
        self.api_base = preset.api_base;
        // A custom provider keeps the storage base it had.
        if let Some(b) = provider.storage_base() {
            self.storage_base = b.to_string();
        }
        self.auth_scheme = preset.auth_scheme;
    }
}

/// Versioned envelope for what is written to storage (the tests' reference
/// for the hand-written format below).
#[cfg(test)]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct StoredSettings {
    pub v: u32,
    pub settings: Settings,
}

pub const SETTINGS_VERSION: u32 = 1;

impl Settings {
    /// `{"v":1,"settings":{…}}`, each field by its name. Written by hand
    /// through `Value`: serde's derives compiled a parser per field type.
    pub fn to_storage(&self) -> String {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| m.insert(k.into(), v);
        put("provider", self.provider.as_str().into());
        put("api_base", self.api_base.clone().into());
        put("auth_scheme", self.auth_scheme.as_str().into());
        put("storage_base", self.storage_base.clone().into());
        put("price_per_mp", self.price_per_mp.into());
        put("max_side", self.max_side.into());
        put("max_in_flight", self.max_in_flight.into());
        put("copies_mb", self.copies_mb.into());
        put("feather_px", self.feather_px.into());
        put("stream_status", self.stream_status.into());
        put("theme", self.theme.clone().into());
        put("language", self.language.clone().into());
        put("rewrite_model", self.rewrite_model.clone().into());
        put("rewrite_temperature", self.rewrite_temperature.into());
        let mut out = Map::new();
        out.insert("v".into(), SETTINGS_VERSION.into());
        out.insert("settings".into(), Value::Object(m));
        Value::Object(out).to_string()
    }

    /// Reads stored settings; anything unreadable or from another version
    /// gives the defaults rather than an error (settings are cheap to redo).
    /// A field missing takes its default; one of the wrong type refuses all.
    pub fn from_storage(s: &str) -> Option<Self> {
        let v: Value = serde_json::from_str(s).ok()?;
        if v.get("v")?.as_u64()? != SETTINGS_VERSION as u64 {
            return None;
        }
        let o = v.get("settings")?.as_object()?;
        let text = |k: &str| o.get(k)?.as_str().map(String::from);
        let opt_text = |k: &str, d: &str| match o.get(k) {
            None => Some(d.to_string()),
            Some(_) => text(k),
        };
        let number = |k: &str, d: f64| match o.get(k) {
            None => Some(d),
            Some(v) => v.as_f64(),
        };
        let int = |k: &str, d: u32| match o.get(k) {
            None => Some(d),
            Some(v) => v.as_u64().and_then(|n| u32::try_from(n).ok()),
        };
        let provider = Provider::parse(o.get("provider")?.as_str()?)?;
        Some(Settings {
            provider,
            api_base: text("api_base")?,
            auth_scheme: AuthScheme::parse(o.get("auth_scheme")?.as_str()?)?,
            // Settings from before storage: the provider's preset.
            storage_base: opt_text("storage_base", provider.storage_base().unwrap_or(""))?,
            price_per_mp: number("price_per_mp", default_price())?,
            max_side: int("max_side", default_max_side())?,
            max_in_flight: int("max_in_flight", default_in_flight())?,
            copies_mb: int("copies_mb", default_copies_mb())?,
            feather_px: int("feather_px", default_feather())?,
            stream_status: match o.get("stream_status") {
                None => default_true(),
                Some(v) => v.as_bool()?,
            },
            theme: opt_text("theme", &default_theme())?,
            language: opt_text("language", "")?,
            rewrite_model: opt_text("rewrite_model", &default_rewrite_model())?,
            rewrite_temperature: number("rewrite_temperature", default_rewrite_temperature())?,
        })
    }
}

/// Checks a key as typed (surrounding whitespace is trimmed): an HTTP
/// header carries only visible ASCII, so a key with anything else (a
/// zero-width space from a copy, say) could never be sent.
pub fn check_key(key: &str) -> Result<(), crate::i18n::K> {
    let k = key.trim();
    if k.is_empty() {
        return Err(crate::i18n::K::ValApiKey);
    }
    if !k.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(crate::i18n::K::ValApiKeyChars);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
