//! What a prompt rewrite's job came to, in words: running, a proposal, or
//! why there is none. A failure never changes the prompt, and the words
//! say so.

use super::{Job, Pause, Phase};
use crate::api::error::Problem;
use crate::api::rewrite::MODEL;
use crate::api::ErrorKind;
use crate::i18n::{Msg, K};

/// Why the rewrite `j` gave nothing (`None`: it runs, or it has a
/// proposal). A 404 or 405 to its submit: the provider does not offer the
/// endpoint. An answer without text says so; a refused key or a long
/// outage (the job waits for the person), and any other failure, say
/// theirs.
pub fn failure(j: &Job) -> Option<Msg> {
    let e = match (&j.paused, j.phase) {
        (Some(Pause::KeyRefused(e) | Pause::Parked(e)), _) => e,
        (_, Phase::Failed) => j.error.as_ref()?,
        (_, Phase::Cancelled) => return Some(Msg::new(K::RewriteFailed).arg_msg("why", K::PhaseCancelled)),
        (_, Phase::Lost) => return Some(Msg::new(K::RewriteFailed).arg_msg("why", K::PhaseLost)),
        _ => return None,
    };
    Some(if j.request_id.is_none() && matches!(e.kind, ErrorKind::NotFound | ErrorKind::NotAllowed) {
        Msg::new(K::RewriteNotOffered).arg("model", MODEL).arg("status", e.status.unwrap_or_default())
    } else if e.problem == Some(Problem::NoText) {
        K::RewriteNoText.into()
    } else {
        Msg::new(K::RewriteFailed).arg_msg("why", e.user_message())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{rewrite, ApiError, QueueStatus};
    use crate::i18n::Lang;
    use crate::jobs::{Event, NewJob};

    fn job() -> Job {
        Job::new(NewJob::polled(1, rewrite::body("p", &[], "", 1.0), "https://q", MODEL, "t"), 0.0)
    }

    fn said(j: &Job) -> Option<String> {
        failure(j).map(|m| m.render(Lang::En))
    }

    fn refused(code: u16) -> Job {
        let mut j = job();
        j.apply(Event::Sending, 1.0, 0.0);
        j.apply(Event::SubmitFailed(ApiError::from_response(code, r#"{"detail":"x"}"#, None, None)), 2.0, 0.0);
        j
    }

    fn accepted() -> Job {
        let mut j = job();
        j.apply(Event::Sending, 1.0, 0.0);
        let ticket = QueueStatus::submit_answer(r#"{"status":"IN_QUEUE","request_id":"r1","status_url":"https://q/openrouter/router/requests/r1/status","response_url":"https://q/openrouter/router/requests/r1"}"#).unwrap();
        j.apply(Event::Submitted(ticket), 2.0, 0.0);
        j
    }

    #[test]
    fn a_provider_without_the_endpoint_is_said_so() {
        for code in [404, 405] {
            let text = said(&refused(code)).unwrap();
            assert!(text.contains("does not offer prompt rewrites") && text.contains(MODEL) && text.contains(&code.to_string()), "{text}");
            assert!(text.contains("Your prompt is unchanged"), "{text}");
        }
        // Another refusal of the submit is its own message.
        let text = said(&refused(500)).unwrap();
        assert!(text.starts_with("The rewrite failed:") && !text.contains("does not offer"), "{text}");
    }

    #[test]
    fn a_refused_key_and_an_answer_without_text() {
        let text = said(&refused(401)).unwrap();
        assert!(text.starts_with("The rewrite failed:") && text.contains("key"), "{text}");
        let mut j = accepted();
        let no_text = rewrite::from_answer(200, r#"{"output":""}"#).unwrap_err();
        j.apply(Event::ResultFailed(no_text), 3.0, 0.0);
        assert_eq!(said(&j).as_deref(), Some("The vision model answered without a rewrite. Your prompt is unchanged."));
        // A key refused while it is followed pauses it: said too.
        let mut j = accepted();
        j.apply(Event::StatusFailed(ApiError::from_response(401, "", None, None)), 3.0, 0.0);
        assert!(j.paused.is_some());
        assert!(said(&j).unwrap().starts_with("The rewrite failed:"));
    }

    #[test]
    fn running_or_answered_is_no_failure() {
        assert_eq!(said(&job()), None, "waiting");
        assert_eq!(said(&accepted()), None, "in the queue");
        let mut j = accepted();
        j.apply(Event::Result(rewrite::from_answer(200, r#"{"output":"In image 1, p"}"#).unwrap()), 3.0, 0.0);
        assert_eq!(j.phase, Phase::Completed);
        assert_eq!(said(&j), None);
        assert_eq!(j.output.unwrap().said.unwrap().text, "In image 1, p");
    }
}
