//! How a job reaches its server (PROTOCOL.md, "Partial servers"): the
//! candidate address of each operation in use, what did not answer, and
//! what a base taught the jobs that follow it. Part of the reducer: only
//! `Job::apply` (in `state`) calls the methods that change the route.


use super::state::{Job, Next, Phase};
use crate::api::url::Form;
use crate::api::{ApiError, ErrorKind};

/// The wait before every candidate address is tried a second time.
pub const SECOND_ROUND_MS: u32 = 5_000;

/// Which request a `Next` sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Status,
    Stream,
    Result,
}

/// What was learned about a server while following its jobs, kept per base
/// while the page is open and given to the next jobs on that base.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Known {
    /// It has no status stream: poll from the start.
    pub no_stream: bool,
    /// It has no status address: poll the result URL.
    pub no_status: bool,
    pub status: Option<Form>,
    pub result: Option<Form>,
}

impl Known {
    /// Adds what another job learned; a newer finding wins.
    pub fn merge(&mut self, other: Known) {
        self.no_stream |= other.no_stream;
        self.no_status = other.no_status || (self.no_status && other.status.is_none());
        self.status = other.status.or(self.status);
        self.result = other.result.or(self.result);
    }
}

/// How the job reaches its server: which candidate of each operation is in
/// use, and what did not answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Route {
    pub status: usize,
    pub result: usize,
    /// The current status candidate answered.
    pub status_ok: bool,
    /// The current result candidate answered (a result or "not yet").
    pub result_ok: bool,
    /// No status address answered: the result URL is polled instead.
    pub no_status: bool,
    /// The server has no status stream.
    pub no_stream: bool,
    /// 0, or 1 once every candidate has failed once.
    pub round: u8,
    /// The addresses that did not answer for this request.
    pub tried: Vec<String>,
}

impl Job {
    /// The request a `Next` sends, and its URL.
    pub fn target(&self, next: Next) -> Option<(Op, String)> {
        let e = self.endpoints.as_ref()?;
        let (op, list, i) = match next {
            Next::Stream => (Op::Stream, &e.stream, self.route.status),
            Next::Poll(_) if !self.route.no_status => (Op::Status, &e.status, self.route.status),
            Next::Poll(_) | Next::FetchResult(_) => (Op::Result, &e.result, self.route.result),
            Next::Stop | Next::Continue | Next::Resend(_) => return None,
        };
        list.get(i).map(|c| (op, c.url.clone()))
    }

    /// Where a cancel goes: the candidate of the form that answered for
    /// this job, else the first.
    pub fn cancel_url(&self) -> Option<String> {
        let e = self.endpoints.as_ref()?;
        let working = if self.route.status_ok { e.status.get(self.route.status) } else { e.result.get(self.route.result).filter(|_| self.route.result_ok) };
        let form = working.map(|c| c.form);
        e.cancel.0.iter().find(|c| Some(c.form) == form).or(e.cancel.get(0)).map(|c| c.url.clone())
    }

    /// What this job found out about its base.
    pub fn learned(&self) -> Known {
        let e = self.endpoints.as_ref();
        let form = |list: Option<&crate::api::url::Candidates>, i: usize, ok: bool| ok.then(|| list.and_then(|l| l.get(i)).map(|c| c.form)).flatten();
        Known {
            no_stream: self.route.no_stream,
            no_status: self.route.no_status && self.route.result_ok,
            status: form(e.map(|e| &e.status), self.route.status, self.route.status_ok && !self.route.no_status),
            result: form(e.map(|e| &e.result), self.route.result, self.route.result_ok),
        }
    }

    /// The current address of `op` did not answer for this request: try
    /// the next candidate; with none left for the status, poll the result
    /// URL; with none left at all, start over once after 5 s, then give up.
    pub(super) fn next_candidate(&mut self, op: Op, error: ApiError, now: f64) -> Next {
        let next = if op == Op::Status { Next::Poll(0) } else { Next::FetchResult(0) };
        if let Some((_, url)) = self.target(next) {
            if !self.route.tried.contains(&url) {
                self.route.tried.push(url);
            }
        }
        let (status_n, result_n) = self.endpoints.as_ref().map_or((0, 0), |e| (e.status.len(), e.result.len()));
        self.retrying = None;
        if op == Op::Status {
            self.route.status += 1;
            self.route.status_ok = false;
            if self.route.status >= status_n {
                // No status address: the result URL tells "not yet" or the outcome.
                self.route.no_status = true;
            }
            return Next::Poll(0);
        }
        self.route.result += 1;
        self.route.result_ok = false;
        if self.route.result < result_n {
            return if self.route.no_status { Next::Poll(0) } else { Next::FetchResult(0) };
        }
        if self.route.round == 0 {
            self.route = Route { round: 1, no_stream: self.route.no_stream, tried: std::mem::take(&mut self.route.tried), ..Route::default() };
            return Next::Poll(SECOND_ROUND_MS);
        }
        if error.kind == ErrorKind::Redirect {
            return self.fail(error, now);
        }
        self.error = Some(error);
        self.end(Phase::Lost, now)
    }

    /// Applies what is known of the base to the job's candidates.
    pub(super) fn apply_known(&mut self) {
        let k = self.known;
        if let Some(e) = self.endpoints.as_mut() {
            if let Some(f) = k.status {
                e.status.prefer(f);
                e.stream.prefer(f);
                e.cancel.prefer(f);
            }
            if let Some(f) = k.result {
                e.result.prefer(f);
            }
        }
        self.route.no_stream |= k.no_stream;
        if self.route.no_stream {
            self.stream_failed = true;
        }
        self.route.no_status |= k.no_status;
    }
}
