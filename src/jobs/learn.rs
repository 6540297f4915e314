//! Polling that learns (issue 12, groundwork; not wired into the follower
//! yet): what earlier jobs of the same base and model took says when this
//! one will likely end, so it is polled sparsely while far from that end
//! and densely near it. One pure decision, tested natively; without
//! history, or once a job overruns, it is today's schedule.


use super::phase::Phase;
use super::schedule::poll_delay_ms;
use super::state::Job;

/// How long earlier jobs of a base and model took: medians of the last
/// completed ones. Kept with the job, so a reload follows it the same way.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Expect {
    pub queue_ms: f64,
    pub run_ms: f64,
}

/// At most this many recent jobs count.
pub const SAMPLES: usize = 5;
/// Polls are never further apart than this (the queue position and logs
/// still move on screen), nor closer than fal's own 500 ms.
pub const SPARSE_MAX_MS: f64 = 4_000.0;
pub const DENSE_MS: f64 = 500.0;
/// Within this of the expected end, polls are dense.
pub const NEAR_MS: f64 = 1_000.0;
/// The expected end is aimed a little after the server's: the status a
/// poll sees left the server before the poll arrived.
pub const END_MARGIN_MS: f64 = 150.0;

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite() && *x >= 0.0);
    // An insertion sort: at most five values, and each use of std's sort
    // adds kilobytes to the bundle (measured: the two sorts this replaced
    // cost 8 KB brotli).
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// What one completed job took: its time in queue and in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub queue_ms: f64,
    pub run_ms: f64,
}

/// A job's sample, if it completed at `base` with `model`. A job never seen
/// in progress counts its whole time as progress (only the sum decides).
pub fn sample(j: &Job, base: &str, model: &str) -> Option<Sample> {
    if j.phase != Phase::Completed || j.base != base || j.model != model {
        return None;
    }
    let end = j.ended_at?;
    // Not `f64::clamp`: its NaN check would pull float formatting (15 KB
    // before wasm-opt) into the bundle.
    let end = end.max(j.submitted_at);
    let start = j.started_at.unwrap_or(j.submitted_at).max(j.submitted_at).min(end);
    Some(Sample { queue_ms: start - j.submitted_at, run_ms: end - start })
}

/// The expectation from earlier jobs, given newest first (the order the
/// store keeps its jobs in): the medians of the first [`SAMPLES`]. `None`
/// without any.
pub fn expect_from(newest_first: impl IntoIterator<Item = Sample>) -> Option<Expect> {
    let recent: Vec<Sample> = newest_first.into_iter().take(SAMPLES).collect();
    Some(Expect { queue_ms: median(recent.iter().map(|s| s.queue_ms).collect())?, run_ms: median(recent.iter().map(|s| s.run_ms).collect())? })
}

/// When a job past its expected end counts as overrunning: a quarter of
/// the expectation, at least two seconds.
fn overrun_after(end: f64) -> f64 {
    end + (end * 0.25).max(2_000.0)
}

/// The delay before the next status poll of a job followed for
/// `followed_for_ms`: half the time left to its expected end (at most
/// [`SPARSE_MAX_MS`]), [`DENSE_MS`] near it and a little past it; today's
/// schedule without an expectation, and again from the start once the job
/// overruns (it may have been queued behind others).
pub fn poll_delay(followed_for_ms: f64, expect: Option<Expect>) -> u32 {
    let Some(e) = expect else { return poll_delay_ms(followed_for_ms) };
    let end = e.queue_ms + e.run_ms + END_MARGIN_MS;
    if followed_for_ms > overrun_after(end) {
        return poll_delay_ms(followed_for_ms - overrun_after(end));
    }
    let left = end - followed_for_ms;
    if left <= NEAR_MS {
        return DENSE_MS as u32;
    }
    (left / 2.0).clamp(DENSE_MS, SPARSE_MAX_MS) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::schedule::next_slot;

    /// The polls of a job that ends after `ends_ms`: their times, up to the
    /// first at or after the end (the one that sees it completed).
    fn polls(ends_ms: f64, expect: Option<Expect>) -> Vec<f64> {
        let (mut t, mut out) = (0.0, Vec::new());
        loop {
            t += poll_delay(t, expect) as f64;
            out.push(t);
            if t >= ends_ms {
                return out;
            }
        }
    }

    const FIVE_AND_FIFTEEN: Expect = Expect { queue_ms: 5_000.0, run_ms: 15_000.0 };

    fn timed(list: &[(f64, f64)]) -> Vec<Sample> {
        list.iter().map(|(q, r)| Sample { queue_ms: *q, run_ms: *r }).collect()
    }

    #[test]
    fn the_expectation_is_the_median_of_the_last_jobs() {
        assert_eq!(expect_from(Vec::new()), None);
        assert_eq!(expect_from(timed(&[(5_000.0, 15_000.0)])), Some(FIVE_AND_FIFTEEN));
        let five = [(1.0, 10.0), (100.0, 20.0), (3.0, 30.0), (4.0, 40.0), (2.0, 50.0)];
        assert_eq!(expect_from(timed(&five)), Some(Expect { queue_ms: 3.0, run_ms: 30.0 }));
        // Only the five newest count (given first).
        let six = timed(&[(1.0, 10.0), (100.0, 20.0), (3.0, 30.0), (4.0, 40.0), (2.0, 50.0), (1e9, 1e9)]);
        assert_eq!(expect_from(six), expect_from(timed(&five)));
        assert_eq!(expect_from(timed(&[(1.0, 10.0), (3.0, 20.0)])), Some(Expect { queue_ms: 2.0, run_ms: 15.0 }), "an even count: the middle two");
        assert_eq!(expect_from(timed(&[(f64::NAN, 10.0)])), None, "nothing readable");
    }

    #[test]
    fn samples_come_from_completed_jobs_of_the_same_base_and_model() {
        use crate::jobs::{Job, NewJob};
        let job = |base: &str, model: &str, at: f64, started: Option<f64>, ended: Option<f64>, phase: Phase| {
            let mut j = Job::new(NewJob::polled(1, serde_json::json!({}), base, model, "t"), at);
            (j.started_at, j.ended_at, j.phase) = (started, ended, phase);
            j
        };
        let jobs = [
            job("b", "m", 10_000.0, Some(15_000.0), Some(30_000.0), Phase::Completed),
            job("b", "m", 1_000.0, None, Some(21_000.0), Phase::Completed),
            job("b", "other", 0.0, Some(1.0), Some(2.0), Phase::Completed),
            job("elsewhere", "m", 0.0, Some(1.0), Some(2.0), Phase::Completed),
            job("b", "m", 0.0, Some(1.0), Some(2.0), Phase::Failed),
            job("b", "m", 0.0, Some(1.0), None, Phase::InProgress),
        ];
        let got: Vec<Sample> = jobs.iter().filter_map(|j| sample(j, "b", "m")).collect();
        assert_eq!(
            got,
            [Sample { queue_ms: 5_000.0, run_ms: 15_000.0 }, Sample { queue_ms: 0.0, run_ms: 20_000.0 }],
            "never seen in progress: all of it counts as progress"
        );
    }

    #[test]
    fn without_history_it_is_todays_schedule() {
        for t in [0.0, 9_999.0, 10_000.0, 60_000.0, 3_600_000.0] {
            assert_eq!(poll_delay(t, None), poll_delay_ms(t));
        }
        assert_eq!(polls(20_000.0, None).len(), 30, "today: 30 polls for a 5 s + 15 s job");
    }

    #[test]
    fn with_history_sparse_then_dense_and_at_most_12_polls() {
        let p = polls(20_000.0, Some(FIVE_AND_FIFTEEN));
        assert!(p.len() <= 12, "{} polls: {p:?}", p.len());
        assert_eq!(p, [4_000.0, 8_000.0, 12_000.0, 16_000.0, 18_075.0, 19_112.0, 19_631.0, 20_131.0]);
        // The one that sees the end comes soon after it, the one before just before it.
        let (last, before) = (p[p.len() - 1], p[p.len() - 2]);
        assert!(last - 20_000.0 <= 250.0 && before < 20_000.0, "{p:?}");
        let gaps: Vec<f64> = p.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|g| g[1] <= g[0]), "denser towards the end: {gaps:?}");
        // A job that ends a little early is seen within the sparse step.
        let early = polls(14_500.0, Some(FIVE_AND_FIFTEEN));
        assert!(early.last().unwrap() - 14_500.0 <= SPARSE_MAX_MS);
    }

    #[test]
    fn an_overrun_falls_back_to_todays_schedule() {
        let e = Some(FIVE_AND_FIFTEEN);
        // Dense just past the end, then today's schedule from the overrun on
        // (the end aimed at is 20.15 s; the overrun starts a quarter later).
        let overrun = 20_150.0 * 1.25;
        assert_eq!(poll_delay(21_000.0, e), 500);
        assert_eq!(poll_delay(overrun + 1.0, e), 500, "overrun: today's schedule restarts");
        assert_eq!(poll_delay(overrun + 10_000.0, e), 1_000);
        assert_eq!(poll_delay(overrun + 60_000.0, e), 2_000);
        let late = polls(60_000.0, e);
        let after_end: Vec<f64> = late.windows(2).filter(|w| w[0] >= 20_000.0).map(|w| w[1] - w[0]).collect();
        assert!(after_end.len() > 10 && after_end.iter().all(|g| *g <= 2_000.0), "a late job is still followed closely: {late:?}");
    }

    #[test]
    fn sixteen_jobs_never_poll_a_base_more_than_four_times_a_second() {
        // 16 jobs submitted 100 ms apart, each asking on its own schedule;
        // every request takes its turn through the shared slot.
        let e = Some(FIVE_AND_FIFTEEN);
        let mut due: Vec<(f64, f64)> = (0..16).map(|i| (i as f64 * 100.0 + poll_delay(0.0, e) as f64, i as f64 * 100.0)).collect();
        let (mut last, mut sent) = (f64::NEG_INFINITY, Vec::new());
        while let Some(i) = (0..due.len()).filter(|i| due[*i].0 < 40_000.0).min_by(|a, b| due[*a].0.total_cmp(&due[*b].0)) {
            let (at, start) = due[i];
            let (_, slot) = next_slot(at, last);
            last = slot;
            sent.push(slot);
            due[i].0 = slot + poll_delay(slot - start, e) as f64;
        }
        for w in sent.windows(5) {
            assert!(w[4] - w[0] >= 1_000.0, "five requests within a second: {w:?}");
        }
        assert!(sent.len() > 16 * 5, "every job was followed: {}", sent.len());
    }
}
