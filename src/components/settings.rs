use leptos::prelude::*;

use crate::api::image::{DEFAULT_MAX_SIDE, MAX_SIDE_RANGE};
use crate::api::provider::{AuthScheme, Provider, COPIES_MB_RANGE, DEFAULT_COPIES_MB, DEFAULT_FEATHER, DEFAULT_IN_FLIGHT, FEATHER_RANGE, IN_FLIGHT_RANGE};
use crate::api::input::num_text;
use crate::api::size::DEFAULT_PRICE_PER_MP;
use crate::components::controls::{field, options, CheckBox, NumberInput, Options, Select, TextInput};
use crate::components::field_error::FieldErrorView;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

/// Provider, base URL, key (hidden by default), auth scheme and the
/// page's preferences. Every field but the key is a generic control bound
/// to the settings record.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let st = crate::app::state().settings;
    let i = i18n();
    let s = st.settings;
    let show_key = RwSignal::new(false);
    let is_custom = move || s.with(|s| s.provider == Provider::Custom);
    let open = st.key.with_untracked(|k| k.is_empty());
    let provider = field(s, |s| s.provider.as_str().to_string(), |s, v: String| {
        if let Some(p) = Provider::parse(&v) {
            s.switch_provider(p);
        }
    });
    let providers: Options = Provider::ALL.iter().map(|p| (p.as_str().to_string(), Msg::new(p.label()))).collect();
    let scheme = field(s, |s| s.auth_scheme.as_str().to_string(), |s, v: String| {
        if let Some(a) = AuthScheme::parse(&v) {
            s.auth_scheme = a;
        }
    });
    let schemes: Options = [AuthScheme::Bearer, AuthScheme::Key].iter().map(|a| (a.as_str().to_string(), Msg::verbatim(format!("Authorization: {} …", a.as_str())))).collect();
    let themes = options(&[("system", K::ThemeSystem), ("light", K::ThemeLight), ("dark", K::ThemeDark)]);
    let max_side = field(s, |s| s.max_side.to_string(), |s, v: String| {
        s.max_side = v.trim().parse::<u32>().unwrap_or(DEFAULT_MAX_SIDE).clamp(MAX_SIDE_RANGE.0, MAX_SIDE_RANGE.1);
    });
    let price = field(s, |s| num_text(s.price_per_mp), |s, v: String| {
        s.price_per_mp = crate::api::num::parse_f64(&v).filter(|p| *p >= 0.0).unwrap_or(DEFAULT_PRICE_PER_MP);
    });
    let feather = field(s, |s| s.feather_px.to_string(), |s, v: String| {
        s.feather_px = v.trim().parse::<u32>().unwrap_or(DEFAULT_FEATHER).clamp(FEATHER_RANGE.0, FEATHER_RANGE.1);
    });
    let in_flight = field(s, |s| s.max_in_flight.to_string(), |s, v: String| {
        s.max_in_flight = v.trim().parse::<u32>().unwrap_or(DEFAULT_IN_FLIGHT).clamp(IN_FLIGHT_RANGE.0, IN_FLIGHT_RANGE.1);
    });
    let copies_mb = field(s, |s| s.copies_mb.to_string(), |s, v: String| {
        s.copies_mb = v.trim().parse::<u32>().unwrap_or(DEFAULT_COPIES_MB).clamp(COPIES_MB_RANGE.0, COPIES_MB_RANGE.1);
    });
    let rewrite_model = field(s, |s| s.rewrite_model.clone(), |s, v: String| s.rewrite_model = v.trim().to_string());
    let rewrite_temperature = field(s, |s| num_text(s.rewrite_temperature), |s, v: String| {
        s.rewrite_temperature = crate::api::num::parse_f64(&v).filter(|t| (0.0..=2.0).contains(t)).unwrap_or(crate::api::rewrite::DEFAULT_TEMPERATURE);
    });
    let remember = (Signal::from(st.remember), SignalSetter::map(move |v| st.remember.set(v)));
    view! {
        // A form of its own, so the browser treats the key as a password
        // field; it never submits.
        <form class="settings-form" autocomplete="off" on:submit=|ev| ev.prevent_default()>
        <details class="panel settings" open=open>
            <summary>
                {t(K::SettingsTitle)} " "
                <span class="summary-note">
                    {move || i.text(s.with(|s| s.provider.label()))} " · "
                    {move || i.text(if st.key.with(|k| k.is_empty()) { K::SettingsNoKey } else { K::SettingsKeySet })}
                </span>
            </summary>
            <div class="grid2">
                <Select name="provider" label=K::SettingsProvider bind=provider options=providers/>
                <Select name="auth_scheme" label=K::SettingsAuthHeader bind=scheme options=schemes disabled=Signal::derive(move || !is_custom())/>
            </div>
            <TextInput name="api_base" label=K::SettingsBase url=true bind=crate::components::controls::bind!(s.api_base) readonly=Signal::derive(move || !is_custom())/>
            {move || s.with(|s| crate::api::origin::base_warning(&s.api_base)).map(|k| view! {
                <p class="warn" data-testid="base-warning" role="status">{t(k)}</p>
            })}
            <TextInput name="storage_base" label=K::SettingsStorageBase url=true bind=crate::components::controls::bind!(s.storage_base) readonly=Signal::derive(move || !is_custom())/>
            <label for="api_key">{t(K::SettingsKey)}</label>
            <div class="key-row">
                <input
                    id="api_key"
                    name="api_key"
                    type=move || if show_key.get() { "text" } else { "password" }
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=t(K::SettingsKeyPlaceholder)
                    prop:value=st.key
                    on:input=move |ev| st.key.set(event_target_value(&ev))
                    on:change=move |_| st.commit_key()
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            st.commit_key();
                        }
                    }
                />
                <button
                    type="button"
                    class="ghost"
                    aria-pressed=move || show_key.get().to_string()
                    on:click=move |_| show_key.update(|v| *v = !*v)
                >
                    {move || i.text(if show_key.get() { K::Hide } else { K::Show })}
                </button>
            </div>
            <FieldErrorView field="api_key"/>
            <CheckBox name="remember_key" label=K::SettingsRemember bind=remember/>
            <p class="hint">
                {move || i.text(if st.remember.get() { K::SettingsKeyLocal } else { K::SettingsKeySession })}
            </p>
            <Select name="theme" label=K::SettingsTheme bind=crate::components::controls::bind!(s.theme) options=themes/>
            <CheckBox name="stream_status" label=K::SettingsStream bind=crate::components::controls::bind!(s.stream_status)/>
            <div class="grid2">
                <NumberInput name="max_side" label=K::SettingsMaxSide bind=max_side lazy=true step="64"
                    min=MAX_SIDE_RANGE.0.to_string() max=MAX_SIDE_RANGE.1.to_string()/>
                <NumberInput name="price_per_mp" label=K::PricePerMp bind=price lazy=true step="0.001" min="0".to_string()/>
                <NumberInput name="max_in_flight" label=K::SettingsInFlight hint=Msg::new(K::SettingsInFlightHint) bind=in_flight lazy=true step="1"
                    min=IN_FLIGHT_RANGE.0.to_string() max=IN_FLIGHT_RANGE.1.to_string()/>
                <NumberInput name="copies_mb" label=K::SettingsCopies hint=Msg::new(K::SettingsCopiesHint) bind=copies_mb lazy=true step="100"
                    min=COPIES_MB_RANGE.0.to_string() max=COPIES_MB_RANGE.1.to_string()/>
                <NumberInput name="feather_px" label=K::SettingsFeather hint=Msg::new(K::SettingsFeatherHint) bind=feather lazy=true step="1"
                    min=FEATHER_RANGE.0.to_string() max=FEATHER_RANGE.1.to_string()/>
                <TextInput name="rewrite_model" label=K::SettingsRewriteModel bind=rewrite_model/>
                <NumberInput name="rewrite_temperature" label=K::SettingsRewriteTemperature bind=rewrite_temperature lazy=true step="0.1" min="0".to_string() max="2".to_string()/>
            </div>
            <crate::components::storage::StorageUsed/>
        </details>
        </form>
    }
}

/// The page's language, in the header: the browser's at first, remembered
/// once chosen. Each language is named in its own words.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let st = crate::app::state().settings;
    let i = i18n();
    view! {
        <label class="lang-pick">
            <span class="sr-only">{t(K::Language)}</span>
            <select
                name="language"
                on:change=move |ev| st.settings.update(|s| s.language = event_target_value(&ev))
            >
                {crate::i18n::Lang::ALL
                    .into_iter()
                    .map(|l| view! {
                        <option value=l.code() lang=l.code() prop:selected=move || i.get() == l>
                            {crate::i18n::text(l, K::LanguageName)}
                        </option>
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
