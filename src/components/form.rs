use leptos::prelude::*;
use web_sys::{ClipboardEvent, KeyboardEvent, SubmitEvent};

use crate::app::{FormState, OwnFailure, SettingsState};
use crate::components::field_error::Errors;
use crate::components::images::{file_list, ImageList};
use crate::components::params::{AdvancedParams, MainParams, TextField, ADVANCED_FIELDS};
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};
use crate::web::store::Jobs;

/// The edit form. Validation is `FormDraft::validate` (src/api), the same
/// code the tests check natively; its messages block the submit.
#[component]
pub fn EditForm() -> impl IntoView {
    let form = expect_context::<FormState>();
    let settings = expect_context::<SettingsState>();
    let jobs = expect_context::<Jobs>();
    let advanced_open = RwSignal::new(false);
    let i = i18n();

    let errors = expect_context::<Errors>();
    let own_failure = expect_context::<OwnFailure>();

    let submit = move || {
        let draft = untrack(|| form.draft());
        let problems = untrack(|| settings.problems());
        let busy = form.pending.get_untracked() > 0;
        match draft.validate() {
            Ok(input) if problems.is_empty() && !busy => {
                form.show_errors.set(false);
                let s = settings.settings.get_untracked();
                let id = jobs.submit(&settings.access(), s.model_path(), input.to_body(), s.stream_status);
                form.own_job.set(Some(id));
            }
            result => {
                form.show_errors.set(true);
                if result.err().unwrap_or_default().iter().any(|e| ADVANCED_FIELDS.contains(&e.field.as_str())) {
                    advanced_open.set(true);
                }
            }
        }
    };

    let summary = move || {
        let n = errors.0.with(|e| {
            let mut fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
            fields.dedup();
            fields.len()
        });
        let msg = if form.show_errors.get() && n > 0 {
            Some(if n == 1 { Msg::new(K::FixOneField) } else { Msg::new(K::FixFields).arg("n", n) })
        } else {
            own_failure.0.get().filter(|(at_submit, _)| *at_submit).map(|(_, e)| e.user_message())
        };
        msg.map(|m| view! { <p class="form-error" data-testid="form-error" role="alert">{i.msg(m)}</p> })
    };

    view! {
        <form
            id="edit-form"
            class="panel"
            novalidate=true
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit();
            }
            on:paste=move |ev: ClipboardEvent| {
                let files = ev.clipboard_data().and_then(|d| d.files()).map(|l| file_list(&l)).unwrap_or_default();
                if !files.is_empty() {
                    ev.prevent_default();
                    form.add_files(files, settings.settings.with_untracked(|s| s.max_side));
                }
            }
            on:keydown=move |ev: KeyboardEvent| {
                if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                    ev.prevent_default();
                    submit();
                }
            }
        >
            {move || form.notice.get().map(|n| view! { <p class="notice" data-testid="form-notice" role="status">{i.msg(n)}</p> })}
            <TextField name="prompt" label=K::Prompt placeholder=K::PromptPlaceholder rows=3 value=form.prompt/>
            <ImageList/>
            <MainParams/>
            <AdvancedParams open=advanced_open/>
            {summary}
            <div class="submit-row">
                <button type="submit" class="primary">{t(K::Generate)}</button>
                <span class="hint">{t(K::GenerateShortcut)}</span>
            </div>
        </form>
    }
}
