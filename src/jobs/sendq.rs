//! The submits of one base that wait in the page for their turn: at most
//! `max` of them waiting for their ticket at once, the rest in order; after
//! a 429 the whole base waits (PROTOCOL.md, "Limits"). Plain data: the
//! store owns one per base and starts what `take` hands out.

use std::collections::VecDeque;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SendQueue {
    waiting: VecDeque<u64>,
    sending: Vec<u64>,
    hold_until: f64,
}

impl SendQueue {
    pub fn push(&mut self, id: u64) {
        if !self.waiting.contains(&id) && !self.sending.contains(&id) {
            self.waiting.push_back(id);
        }
    }

    /// Takes a job out before it was sent; whether it was waiting.
    pub fn withdraw(&mut self, id: u64) -> bool {
        let before = self.waiting.len();
        self.waiting.retain(|w| *w != id);
        before != self.waiting.len()
    }

    /// The jobs whose turn has come at `now` (they count as sending from
    /// here on), skipping those `gone` says no longer wait; and when to ask
    /// again if some still wait behind a hold.
    pub fn take(&mut self, now: f64, max: usize, gone: impl Fn(u64) -> bool) -> (Vec<u64>, Option<f64>) {
        self.waiting.retain(|id| !gone(*id));
        if now < self.hold_until {
            return (Vec::new(), (!self.waiting.is_empty()).then_some(self.hold_until));
        }
        let mut out = Vec::new();
        while self.sending.len() < max.max(1) {
            let Some(id) = self.waiting.pop_front() else { break };
            self.sending.push(id);
            out.push(id);
        }
        (out, None)
    }

    /// The queue answered job `id`'s submit (or gave up on it): its place
    /// is free.
    pub fn done(&mut self, id: u64) {
        self.sending.retain(|s| *s != id);
    }

    /// A 429: nothing new goes before `until` (a resend of the refused
    /// submit keeps its place).
    pub fn hold(&mut self, until: f64) {
        self.hold_until = self.hold_until.max(until);
    }

    pub fn sending(&self) -> usize {
        self.sending.len()
    }

    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: u64) -> bool {
        false
    }

    #[test]
    fn at_most_max_are_sending_and_the_rest_go_in_order() {
        let mut q = SendQueue::default();
        (1..=5).for_each(|id| q.push(id));
        q.push(3);
        assert_eq!(q.take(0.0, 2, none), (vec![1, 2], None));
        assert_eq!(q.take(0.0, 2, none), (vec![], None), "both places taken");
        q.done(2);
        assert_eq!(q.take(0.0, 2, none), (vec![3], None));
        q.done(1);
        q.done(3);
        assert_eq!(q.take(0.0, 2, none), (vec![4, 5], None));
        assert_eq!((q.sending(), q.waiting()), (2, 0));
        // A setting of 0 still sends one at a time.
        let mut q = SendQueue::default();
        q.push(1);
        q.push(2);
        assert_eq!(q.take(0.0, 0, none).0, [1]);
    }

    #[test]
    fn a_hold_stops_new_submits_until_it_ends() {
        let mut q = SendQueue::default();
        (1..=4).for_each(|id| q.push(id));
        assert_eq!(q.take(0.0, 2, none).0, [1, 2]);
        q.hold(3_000.0);
        q.hold(1_000.0);
        q.done(1);
        assert_eq!(q.take(500.0, 2, none), (vec![], Some(3_000.0)), "the longer hold wins");
        assert_eq!(q.take(3_000.0, 2, none), (vec![3], None));
    }

    #[test]
    fn withdrawn_and_gone_jobs_are_never_handed_out() {
        let mut q = SendQueue::default();
        (1..=4).for_each(|id| q.push(id));
        assert!(q.withdraw(2));
        assert!(!q.withdraw(9));
        assert_eq!(q.take(0.0, 8, |id| id == 3).0, [1, 4]);
        // Nothing waits: no wake-up asked for, even while held.
        q.hold(10.0);
        assert_eq!(q.take(0.0, 8, none), (vec![], None));
    }
}
