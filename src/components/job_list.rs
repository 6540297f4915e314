use leptos::prelude::*;

use crate::components::job_card::JobCard;
use crate::components::job_card::phase_label;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};
use crate::web::store::JobEntry;
use crate::components::group::JobGroup;
use crate::components::keyed::{keyed, Row};

#[derive(Clone)]
enum Item {
    Job(JobEntry),
    Group(u64),
}

impl Item {
    fn row(self) -> Row {
        match self {
            Item::Job(entry) => Row::new(format!("j{}", entry.id), move || view! { <JobCard entry=entry/> }),
            Item::Group(g) => Row::new(format!("g{g}"), move || view! { <JobGroup group=g/> }),
        }
    }
}

#[component]
pub fn JobList() -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let i = i18n();
    // A job alone, or a group at the place of its newest shown job.
    let shown = move || {
        let mut seen = Vec::new();
        jobs.list
            .get()
            .into_iter()
            .filter(|e| e.shown.get())
            .filter_map(|e| match e.job.with(|j| j.group.as_ref().map(|m| m.group)) {
                Some(g) if seen.contains(&g) => None,
                Some(g) => {
                    seen.push(g);
                    Some(Item::Group(g))
                }
                None => Some(Item::Job(e)),
            })
            .map(Item::row)
            .collect::<Vec<_>>()
    };
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
            {keyed(shown)}
        </div>
    }
}
