use leptos::prelude::*;

use crate::components::job_card::JobCard;
use crate::web::runner::Jobs;

#[component]
pub fn JobList() -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let shown = move || jobs.list.get().into_iter().filter(|e| e.shown.get()).collect::<Vec<_>>();
    let count = move || jobs.list.with(|l| l.iter().filter(|e| e.shown.get()).count());
    // One polite live region for the page: the newest change of any job.
    let announce = Memo::new(move |_| {
        jobs.list.with(|l| {
            l.iter()
                .filter(|e| e.shown.get())
                .map(|e| e.job.with(|j| (j.updated_at, j.phase)))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, p)| format!("Job {}", p.as_str().replace('_', " ")))
                .unwrap_or_default()
        })
    });
    view! {
        <p class="sr-only" aria-live="polite" data-testid="announcer">{announce}</p>
        <h2 class="jobs-title">"Jobs " {move || (count() > 0).then(|| view! { <span class="count">{count}</span> })}</h2>
        {move || (count() == 0).then(|| view! {
            <p class="empty">"No jobs on screen. Fill in the form and press Generate; each job gets a card here that follows it through the queue. Past jobs are in the history below."</p>
        })}
        <div class="job-list">
            <For each=shown key=|e| e.id let:entry>
                <JobCard entry=entry/>
            </For>
        </div>
    }
}
