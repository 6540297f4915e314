//! Replays (issue 23): a chain's path run again on another picture, as a
//! group whose steps go one at a time, each with the result of the one
//! before. What may go is `jobs::replay::next` of the members' state: asked
//! when a step ends, when a key is committed (a reload), and on Retry and
//! Skip — never by a component.

use super::send::Add;
use super::*;
use crate::api::model::SEED_MAX;
use crate::jobs::chain::{self, Source};
use crate::jobs::plan::{Label, Member};
use crate::jobs::replay::{self, Place, Seeds, Turn};

impl Jobs {
    /// Replays `path` (oldest first) on the picture at `first` (from
    /// `source`): one group, its first step sent now. Returns the group.
    pub fn replay(&self, access: &Access, path: &[Job], first: &str, source: Source, seeds: Seeds, stream: bool, max_in_flight: u32) -> u64 {
        let refs: Vec<&Job> = path.iter().collect();
        let steps = replay::plan(&refs, first, seeds, &mut || (random() * SEED_MAX as f64) as u64);
        let (group, total) = (self.new_ids(1), steps.len());
        let adds = steps
            .into_iter()
            .zip(path)
            .enumerate()
            .map(|(index, ((model, body), job))| {
                // The other inputs come from where they came from before.
                let mut sources = job.sources.clone();
                sources.resize(crate::api::input::body_images(&body).len().max(1), Source::Url);
                sources[0] = if index == 0 { source.clone() } else { Source::Url };
                let member = Member { group, index, total, label: Label::default(), replay: true };
                Add { model, body, group: Some(member), region: None, sources, typed: job.typed.clone() }
            })
            .collect();
        self.add(access, adds, stream);
        self.enqueue(access, &[], max_in_flight);
        self.advance(group);
        group
    }

    /// The replay's turn now, with its places (untracked).
    fn turn(&self, group: u64) -> (Vec<Option<JobEntry>>, Turn) {
        untrack(|| {
            let places = self.places(group);
            let turn = turn_of(&places);
            (places, turn)
        })
    }

    /// Tracked: where a replay stands (for its group's buttons).
    pub fn replay_turn(&self, group: u64) -> Turn {
        turn_of(&self.places(group))
    }

    /// Sends the replay's next step if its turn has come (and this tab
    /// made it): gives it the previous result, then queues it.
    pub(super) fn advance(&self, group: u64) {
        let (places, turn) = self.turn(group);
        let Turn::Go { step, input } = turn else { return };
        let Some(entry) = places.get(step).cloned().flatten() else { return };
        let me = self.tab.get_value();
        if entry.job.with_untracked(|j| j.owner.as_deref() != Some(me.as_str())) {
            return;
        }
        if let Some(url) = input {
            let done: Vec<chain::Results> = places.iter().flatten().filter_map(|e| e.job.with_untracked(chain::results)).collect();
            let source = chain::sources(&[url.as_str()], &done, &[]).pop().unwrap_or(Source::Url);
            self.dispatch(&entry, Event::Input { url, source });
        }
        let base = entry.job.with_untracked(|j| j.base.clone());
        self.requeue(entry.id, &base);
    }

    /// Every replay of this tab with a step waiting (after a reload).
    pub(super) fn advance_all(&self) {
        let mut groups: Vec<u64> = Vec::new();
        self.list.with_untracked(|l| {
            for e in l {
                if let Some(g) = e.job.with_untracked(|j| j.group.as_ref().filter(|m| m.replay && j.phase == Phase::Waiting).map(|m| m.group)) {
                    if !groups.contains(&g) {
                        groups.push(g);
                    }
                }
            }
        });
        groups.into_iter().for_each(|g| self.advance(g));
    }

    /// Sends the step the replay stopped at again, in its place.
    pub fn replay_retry(&self, group: u64, access: &Access, max_in_flight: u32) {
        let (places, turn) = self.turn(group);
        let Turn::Stopped { step, retry: true, .. } = turn else { return };
        let Some(job) = places.get(step).cloned().flatten().map(|e| e.job.get_untracked()) else { return };
        if !access.reaches(&job.base) || job.base != access.base {
            return;
        }
        let stream = job.stream;
        self.add(access, vec![Add::again(job)], stream);
        self.enqueue(access, &[], max_in_flight);
        self.advance(group);
    }

    /// Goes on without the step the replay stopped at: the step after it
    /// takes what that one was given.
    pub fn replay_skip(&self, group: u64) {
        let (places, turn) = self.turn(group);
        let Turn::Stopped { step, carry, .. } = turn else { return };
        let Some(next) = places.get(step + 1).cloned().flatten() else { return };
        let done: Vec<chain::Results> = places.iter().flatten().filter_map(|e| e.job.with_untracked(chain::results)).collect();
        let source = chain::sources(&[carry.as_str()], &done, &[]).pop().unwrap_or(Source::Url);
        self.dispatch(&next, Event::Input { url: carry, source });
        self.advance(group);
    }
}

/// What `replay::next` says of these places.
fn turn_of(places: &[Option<JobEntry>]) -> Turn {
    let jobs: Vec<Option<Job>> = places.iter().map(|p| p.as_ref().map(|e| e.job.get())).collect();
    replay::next(&jobs.iter().map(|j| j.as_ref().map(Place::of)).collect::<Vec<_>>())
}
