use leptos::prelude::*;

use crate::components::job_card::JobCard;
use crate::web::runner::Jobs;

#[component]
pub fn JobList() -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let count = move || jobs.list.with(Vec::len);
    view! {
        <h2 class="jobs-title">"Jobs " {move || (count() > 0).then(|| view! { <span class="count">{count}</span> })}</h2>
        {move || (count() == 0).then(|| view! {
            <p class="empty">"No jobs yet. Fill in the form and press Generate; each job gets a card here that follows it through the queue."</p>
        })}
        <div class="job-list">
            <For each=move || jobs.list.get() key=|e| e.id let:entry>
                <JobCard entry=entry/>
            </For>
        </div>
    }
}
