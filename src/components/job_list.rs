use leptos::prelude::*;

use crate::components::job_card::JobCard;
use crate::components::job_card::phase_label;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};
use crate::web::store::Jobs;

#[component]
pub fn JobList() -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let i = i18n();
    let shown = move || jobs.list.get().into_iter().filter(|e| e.shown.get()).collect::<Vec<_>>();
    let count = move || jobs.list.with(|l| l.iter().filter(|e| e.shown.get()).count());
    // One polite live region for the page: the newest change of any job.
    let announce = Memo::new(move |_| {
        jobs.list.with(|l| {
            l.iter()
                .filter(|e| e.shown.get())
                .map(|e| e.job.with(|j| (j.updated_at, j.phase)))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, p)| i.render(&Msg::new(K::Announce).arg_msg("phase", phase_label(p))))
                .unwrap_or_default()
        })
    });
    view! {
        <p class="sr-only" aria-live="polite" data-testid="announcer">{announce}</p>
        <h2 class="jobs-title">{t(K::JobsTitle)} " " {move || (count() > 0).then(|| view! { <span class="count">{count}</span> })}</h2>
        {move || (count() == 0).then(|| view! {
            <p class="empty">{t(K::JobsEmpty)}</p>
        })}
        <div class="job-list">
            <For each=shown key=|e| e.id let:entry>
                <JobCard entry=entry/>
            </For>
        </div>
    }
}
