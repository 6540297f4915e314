//! When to ask again. Pure functions of time and attempt counts; the caller
//! passes the randomness in so tests are exact.

/// Delay before the next status poll of a healthy job, by how long it has
/// been followed. Starts at fal's own 500 ms, then slows down: a job that
/// has been queued for a minute does not need two polls a second.
pub fn poll_delay_ms(followed_for_ms: f64) -> u32 {
    match followed_for_ms {
        t if t < 10_000.0 => 500,
        t if t < 30_000.0 => 1_000,
        t if t < 120_000.0 => 2_000,
        _ => 4_000,
    }
}

pub const BACKOFF_START_MS: f64 = 1_000.0;
pub const BACKOFF_CAP_MS: f64 = 30_000.0;

/// Delay before retry number `attempt` (0 for the first retry) of a failed
/// idempotent request: ×2 from 1 s, ±25 % jitter, capped at 30 s, like
/// fal's client. `jitter` is uniform in [0, 1).
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = BACKOFF_START_MS * 2f64.powi(attempt.min(16) as i32);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    (base * factor).min(BACKOFF_CAP_MS) as u32
}

/// No retry goes sooner than this, whatever the server says
/// (`Retry-After: 0`, negative or unreadable).
pub const RETRY_FLOOR_MS: u32 = 1_000;

/// The wait before retrying: the server's `Retry-After` when it gave one,
/// else the backoff; at least `RETRY_FLOOR_MS`, at most 30 s.
pub fn retry_delay_ms(attempt: u32, jitter: f64, retry_after_ms: Option<u64>) -> u32 {
    let ms = match retry_after_ms {
        Some(ms) => ms.min(BACKOFF_CAP_MS as u64) as u32,
        None => backoff_ms(attempt, jitter),
    };
    ms.max(RETRY_FLOOR_MS)
}

/// A hidden tab polls less often: four times slower, at least every 2 s and
/// at most every 30 s (a longer wait the server asked for stays as it is).
pub fn when_hidden(delay_ms: u32) -> u32 {
    delay_ms.max((delay_ms.saturating_mul(4)).clamp(2_000, 30_000))
}

/// The one decision of when a job's next request goes, from what the
/// reducer asked for (`delay_ms`: its poll schedule, backoff or
/// Retry-After), whether it is a poll, the tab's visibility and the
/// connectivity. `None`: not before the browser is back online (then at
/// once).
pub fn decide(delay_ms: u32, is_poll: bool, hidden: bool, online: bool) -> Option<u32> {
    if !online {
        return None;
    }
    Some(if hidden && is_poll { when_hidden(delay_ms) } else { delay_ms })
}

/// A poll's wait when `followers` jobs are followed by polling at once:
/// they share four requests a second, so each asks at most once per turn
/// of them all. Polls then never fill the line of requests, and a result
/// that is ready (or a submit) finds a turn at once.
pub fn shared(delay_ms: u32, followers: u32) -> u32 {
    delay_ms.max((followers as f64 * MIN_GAP_MS) as u32)
}

/// The smallest gap between two requests of the app, whatever the number
/// of jobs: many jobs take turns instead of polling in a burst, at most
/// four requests a second (PROTOCOL.md, "Limits"), with 10 ms to spare for
/// a request delivered a little late.
pub const MIN_GAP_MS: f64 = 260.0;

/// When a request may go: not before `last + MIN_GAP_MS`. Returns the wait
/// and the new "last request" time.
pub fn next_slot(now: f64, last: f64) -> (u32, f64) {
    let at = now.max(last + MIN_GAP_MS);
    ((at - now) as u32, at)
}

/// Bases told to wait by a `429`: every request to such a base (submit,
/// status, stream, result, cancel, of any job) waits until its hold ends.
/// The page talks to a handful of bases, so a list does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Holds(Vec<(String, f64)>);

impl Holds {
    /// A `429` from `base` at `now`: hold it for its `Retry-After` (at
    /// least `RETRY_FLOOR_MS`, at most 30 s). A shorter hold never cuts a
    /// longer one short. Returns when the hold ends.
    pub fn hold(&mut self, base: &str, now: f64, retry_after_ms: Option<u64>) -> f64 {
        let until = now + retry_delay_ms(0, 0.0, retry_after_ms) as f64;
        self.0.retain(|(_, end)| *end > now);
        match self.0.iter_mut().find(|(b, _)| b == base) {
            Some((_, end)) => *end = end.max(until),
            None => self.0.push((base.to_string(), until)),
        }
        self.until(base, now)
    }

    /// How long a request to `base` must still wait at `now` (0: it may go).
    pub fn wait(&self, base: &str, now: f64) -> u32 {
        (self.until(base, now) - now).max(0.0).ceil() as u32
    }

    fn until(&self, base: &str, now: f64) -> f64 {
        self.0.iter().find(|(b, _)| b == base).map_or(now, |(_, end)| *end)
    }
}

/// A status stream that sends no status *event* for this long (comments
/// keep a connection open but say nothing of the job) is checked by one
/// status request; while it stays silent, checks follow at the pace of
/// `poll_delay_ms`.
pub const STREAM_QUIET_MS: u32 = 20_000;

/// How long to keep reading a stream that has sent no status event for
/// `silent_for_ms` before asking the status endpoint.
pub fn quiet_check_ms(silent_for_ms: f64) -> u32 {
    if silent_for_ms < STREAM_QUIET_MS as f64 {
        (STREAM_QUIET_MS as f64 - silent_for_ms.max(0.0)).ceil() as u32
    } else {
        poll_delay_ms(silent_for_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_holds_every_request_to_its_base() {
        let mut h = Holds::default();
        assert_eq!(h.wait("https://a.b", 0.0), 0);
        assert_eq!(h.hold("https://a.b", 1_000.0, Some(2_000)), 3_000.0);
        assert_eq!(h.wait("https://a.b", 1_000.0), 2_000);
        assert_eq!(h.wait("https://a.b", 2_999.5), 1, "never early, even by a fraction");
        assert_eq!(h.wait("https://a.b", 3_000.0), 0);
        assert_eq!(h.wait("https://c.d", 1_000.0), 0, "another base goes on");
        assert_eq!(h.hold("https://a.b", 1_500.0, Some(0)), 3_000.0, "a shorter hold leaves the longer");
        assert_eq!(h.hold("https://a.b", 1_500.0, Some(10_000)), 11_500.0, "a longer one extends it");
        assert_eq!(h.hold("https://c.d", 0.0, None), 1_000.0, "no Retry-After: the floor");
        assert_eq!(h.hold("https://c.d", 5_000.0, Some(0)), 6_000.0, "Retry-After: 0 still waits a second");
        assert_eq!(h.hold("https://e.f", 0.0, Some(600_000)), 30_000.0, "capped at 30 s");
        // Ended holds are dropped when a new one is taken.
        h.hold("https://g.h", 100_000.0, None);
        assert_eq!(h.0.len(), 1);
    }

    #[test]
    fn a_stream_that_only_pings_is_checked() {
        assert_eq!(quiet_check_ms(0.0), 20_000, "20 s of silence first");
        assert_eq!(quiet_check_ms(15_000.0), 5_000);
        assert_eq!(quiet_check_ms(20_000.0), 1_000, "then the polling pace");
        assert_eq!(quiet_check_ms(45_000.0), 2_000);
        assert_eq!(quiet_check_ms(600_000.0), 4_000);
    }

    #[test]
    fn hidden_tabs_poll_less() {
        assert_eq!(when_hidden(500), 2_000);
        assert_eq!(when_hidden(1_000), 4_000);
        assert_eq!(when_hidden(4_000), 16_000);
        assert_eq!(when_hidden(20_000), 30_000);
        assert_eq!(when_hidden(60_000), 60_000, "a Retry-After wait is not shortened");
    }

    #[test]
    fn one_decision_from_delay_visibility_and_connectivity() {
        assert_eq!(decide(500, true, false, true), Some(500));
        assert_eq!(decide(500, true, true, true), Some(2_000), "hidden: slower");
        assert_eq!(decide(0, false, true, true), Some(0), "a result is fetched at once, hidden or not");
        assert_eq!(decide(500, true, false, false), None, "offline: nothing until online");
        assert_eq!(decide(2_000, true, true, false), None);
    }

    #[test]
    fn requests_take_turns() {
        assert_eq!(next_slot(1_000.0, 0.0), (0, 1_000.0));
        assert_eq!(next_slot(1_000.0, 950.0), (210, 1_210.0));
        // Five jobs due at once go 260 ms apart: four requests a second.
        let mut last = 0.0;
        let waits: Vec<u32> = (0..5).map(|_| { let (w, at) = next_slot(5_000.0, last); last = at; w }).collect();
        assert_eq!(waits, [0, 260, 520, 780, 1_040]);
    }

    #[test]
    fn many_jobs_share_the_turns() {
        assert_eq!(shared(500, 1), 500, "one job polls on its own schedule");
        assert_eq!(shared(500, 16), 4_160, "16 jobs: each once per turn of them all");
        assert_eq!(shared(8_000, 16), 8_000, "a longer wait stays");
        // 16 polls due at once take 16 turns: the next round is due as the
        // last of this one goes, not before.
        assert!(shared(500, 16) as f64 >= 16.0 * MIN_GAP_MS);
    }

    #[test]
    fn polls_slow_down_over_time() {
        assert_eq!(poll_delay_ms(0.0), 500);
        assert_eq!(poll_delay_ms(9_999.0), 500);
        assert_eq!(poll_delay_ms(10_000.0), 1_000);
        assert_eq!(poll_delay_ms(60_000.0), 2_000);
        assert_eq!(poll_delay_ms(3_600_000.0), 4_000);
    }

    #[test]
    fn backoff_doubles_from_one_second() {
        let mid: Vec<u32> = (0..6).map(|a| backoff_ms(a, 0.5)).collect();
        assert_eq!(mid, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
        assert_eq!(backoff_ms(100, 0.5), 30_000);
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        assert_eq!(backoff_ms(0, 0.0), 750);
        assert_eq!(backoff_ms(0, 0.999_999), 1_249);
        assert_eq!(backoff_ms(2, 0.0), 3_000);
        assert_eq!(backoff_ms(4, 1.0), 20_000);
        assert_eq!(backoff_ms(5, 1.0), 30_000, "the cap holds after jitter");
        assert_eq!(backoff_ms(0, -5.0), 750, "out-of-range jitter is clamped");
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        assert_eq!(retry_delay_ms(0, 0.5, Some(2_000)), 2_000);
        assert_eq!(retry_delay_ms(3, 0.5, None), 8_000);
        assert_eq!(retry_delay_ms(0, 0.5, Some(10_000_000)), 30_000, "capped at 30 s");
    }

    #[test]
    fn no_retry_goes_sooner_than_a_second() {
        assert_eq!(retry_delay_ms(3, 0.5, Some(0)), 1_000, "Retry-After: 0");
        assert_eq!(retry_delay_ms(0, 0.0, Some(10)), 1_000);
        assert_eq!(retry_delay_ms(0, 0.0, None), 1_000, "the backoff's low jitter too");
        assert_eq!(retry_delay_ms(0, 0.999, None), 1_249);
    }
}
