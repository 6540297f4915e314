use leptos::prelude::*;

use crate::components::job_card::JobCard;
use crate::web::runner::Jobs;

#[component]
pub fn JobList() -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let shown = move || jobs.list.get().into_iter().filter(|e| e.shown.get()).collect::<Vec<_>>();
    let count = move || jobs.list.with(|l| l.iter().filter(|e| e.shown.get()).count());
    view! {
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
