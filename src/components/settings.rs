use leptos::prelude::*;

use crate::api::image::{DEFAULT_MAX_SIDE, MAX_SIDE_RANGE};
use crate::api::provider::{AuthScheme, Provider};
use crate::app::SettingsState;
use crate::components::field_error::FieldErrorView;
use crate::components::params::Checkbox;
use crate::i18n::K;
use crate::web::lang::{i18n, t};

/// Provider, base URL, key (hidden by default), auth scheme and model.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let st = expect_context::<SettingsState>();
    let i = i18n();
    let s = st.settings;
    let show_key = RwSignal::new(false);
    let is_custom = move || s.with(|s| s.provider == Provider::Custom);
    let open = st.key.with_untracked(|k| k.is_empty());
    let on_provider = move |ev| {
        if let Some(p) = Provider::parse(&event_target_value(&ev)) {
            s.update(|cur| cur.switch_provider(p));
        }
    };
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
                <label>
                    {t(K::SettingsProvider)}
                    <select name="provider" on:change=on_provider>
                        {Provider::ALL
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option value=p.as_str() prop:selected=move || s.with(|s| s.provider == p)>
                                        {t(p.label())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {t(K::SettingsAuthHeader)}
                    <select
                        name="auth_scheme"
                        prop:disabled=move || !is_custom()
                        on:change=move |ev| {
                            if let Some(a) = AuthScheme::parse(&event_target_value(&ev)) {
                                s.update(|s| s.auth_scheme = a);
                            }
                        }
                    >
                        {[AuthScheme::Bearer, AuthScheme::Key]
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <option value=a.as_str() prop:selected=move || s.with(|s| s.auth_scheme == a)>
                                        {format!("Authorization: {} …", a.as_str())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <label>
                {t(K::SettingsBase)}
                <input
                    type="url"
                    name="api_base"
                    autocomplete="off"
                    spellcheck="false"
                    prop:readOnly=move || !is_custom()
                    prop:value=move || s.with(|s| s.api_base.clone())
                    on:input=move |ev| s.update(|s| s.api_base = event_target_value(&ev))
                />
            </label>
            <FieldErrorView field="api_base"/>
            {move || s.with(|s| crate::api::origin::base_warning(&s.api_base)).map(|k| view! {
                <p class="warn" data-testid="base-warning" role="status">{t(k)}</p>
            })}
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
            <Checkbox name="remember_key" label=K::SettingsRemember value=st.remember/>
            <p class="hint">
                {move || i.text(if st.remember.get() { K::SettingsKeyLocal } else { K::SettingsKeySession })}
            </p>
            <label>
                {t(K::SettingsTheme)}
                <select name="theme" on:change=move |ev| s.update(|s| s.theme = event_target_value(&ev))>
                    {[("system", K::ThemeSystem), ("light", K::ThemeLight), ("dark", K::ThemeDark)]
                        .into_iter()
                        .map(|(v, k)| view! { <option value=v prop:selected=move || s.with(|s| s.theme == v)>{t(k)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    name="stream_status"
                    prop:checked=move || s.with(|s| s.stream_status)
                    on:change=move |ev| s.update(|s| s.stream_status = event_target_checked(&ev))
                />
                {t(K::SettingsStream)}
            </label>
            <div class="grid2">
                <label>
                    {t(K::SettingsModel)}
                    <input
                        name="model"
                        spellcheck="false"
                        prop:value=move || s.with(|s| s.model.clone())
                        on:input=move |ev| s.update(|s| s.model = event_target_value(&ev))
                    />
                </label>
                <label>
                    {t(K::SettingsMaxSide)}
                    <input
                        name="max_side"
                        type="number"
                        min=MAX_SIDE_RANGE.0
                        max=MAX_SIDE_RANGE.1
                        step="64"
                        prop:value=move || s.with(|s| s.max_side.to_string())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(DEFAULT_MAX_SIDE);
                            s.update(|s| s.max_side = v.clamp(MAX_SIDE_RANGE.0, MAX_SIDE_RANGE.1));
                        }
                    />
                </label>
            </div>
        </details>
        </form>
    }
}

/// The page's language, in the header: the browser's at first, remembered
/// once chosen. Each language is named in its own words.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let st = expect_context::<SettingsState>();
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
