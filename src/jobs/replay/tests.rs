//! Replays: the plan of a path and whose turn it is.

use serde_json::json;

use super::*;
use crate::api::EditOutput;
use crate::jobs::NewJob;

const PLUS: &str = "fal-ai/qwen-image-edit-plus";
const ANGLES: &str = "fal-ai/qwen-image-edit-2511-multiple-angles";

fn job(id: u64, model: &str, body: Value, seed: Option<u64>) -> Job {
    let mut j = Job::new(NewJob::polled(id, body, "https://q", model, "t"), 0.0);
    let answer = json!({"images": [{"url": format!("https://cdn/{id}.png")}], "seed": seed});
    j.output = EditOutput::from_answer(200, &answer.to_string()).ok();
    j.phase = Phase::Completed;
    j
}

#[test]
fn a_plan_keeps_each_step_but_its_first_input_and_seed() {
    let a = job(1, PLUS, json!({"prompt": "a hat", "image_urls": ["https://x/cat.png", "https://x/style.png"], "seed": 7}), Some(7));
    let b = job(2, PLUS, json!({"prompt": "now red", "image_urls": ["https://cdn/1.png"], "guidance_scale": 6}), Some(99));
    let c = job(3, ANGLES, json!({"image_urls": ["https://cdn/2.png"], "horizontal_angle": 90}), Some(5));
    let path = [&a, &b, &c];
    let mut n = 100;
    let mut random = || {
        n += 1;
        n
    };
    let kept = plan(&path, "https://new/dog.png", Seeds::Kept, &mut random);
    assert_eq!(
        kept,
        [
            (PLUS.to_string(), json!({"prompt": "a hat", "image_urls": ["https://new/dog.png", "https://x/style.png"], "seed": 7})),
            // The seed it reported, as it did not send one.
            (PLUS.to_string(), json!({"prompt": "now red", "image_urls": [""], "guidance_scale": 6, "seed": 99})),
            (ANGLES.to_string(), json!({"image_urls": [""], "horizontal_angle": 90, "seed": 5})),
        ]
    );
    let new = plan(&path, "data:image/png;base64,AA==", Seeds::New, &mut random);
    let seeds: Vec<_> = new.iter().map(|(_, b)| b["seed"].as_u64()).collect();
    assert_eq!(seeds, [Some(101), Some(102), Some(103)]);
    assert_eq!(new[0].1["image_urls"][0], "data:image/png;base64,AA==");
    // A body with one `image_url` keeps that form.
    let mut one = json!({"image_url": "https://x/a.png", "prompt": "p"});
    set_first_image(&mut one, "https://y/b.png");
    assert_eq!(one, json!({"image_url": "https://y/b.png", "prompt": "p"}));
    assert_eq!(first_image(&one), "https://y/b.png");
}

fn place(phase: Phase, input: &'static str, result: Option<&'static str>) -> Option<Place<'static>> {
    Some(Place { phase, input, result, sendable: true })
}

#[test]
fn each_step_waits_for_the_one_before() {
    use Phase::*;
    let go = |step, input: Option<&str>| Turn::Go { step, input: input.map(String::from) };
    // Just started: the first step goes with the picture it has.
    let mut p = vec![place(Waiting, "new.png", None), place(Waiting, "", None), place(Waiting, "", None)];
    assert_eq!(next(&p), go(0, None));
    p[0] = place(InQueue, "new.png", None);
    assert_eq!(next(&p), Turn::Busy, "nothing else goes while a step runs");
    p[0] = place(Completed, "new.png", Some("r1.png"));
    assert_eq!(next(&p), go(1, Some("r1.png")), "the second takes the first's result");
    p[1] = place(Waiting, "r1.png", None);
    assert_eq!(next(&p), go(1, None), "given, not yet sent (also after a reload)");
    p[1] = place(Submitting, "r1.png", None);
    assert_eq!(next(&p), Turn::Busy);
    p[1] = place(Completed, "r1.png", Some("r2.png"));
    assert_eq!(next(&p), go(2, Some("r2.png")));
    p[2] = place(Completed, "r2.png", Some("r3.png"));
    assert_eq!(next(&p), Turn::Done);
}

#[test]
fn a_failed_step_stops_the_replay_until_retried_or_skipped() {
    use Phase::*;
    let mut p = vec![place(Completed, "new.png", Some("r1.png")), place(Failed, "r1.png", None), place(Waiting, "", None)];
    assert_eq!(next(&p), Turn::Stopped { step: 1, carry: "r1.png".into(), retry: true });
    for ended in [Cancelled, Lost] {
        p[1] = place(ended, "r1.png", None);
        assert!(matches!(next(&p), Turn::Stopped { step: 1, .. }));
    }
    // Skipped: the step after it was given its input.
    p[2] = place(Waiting, "r1.png", None);
    assert_eq!(next(&p), Turn::Go { step: 2, input: None });
    // A retry takes the failed step's place.
    let mut r = vec![place(Completed, "new.png", Some("r1.png")), place(Waiting, "r1.png", None), place(Waiting, "", None)];
    assert_eq!(next(&r), Turn::Go { step: 1, input: None });
    // The last step failed: stopped there (nothing after it to skip to).
    r[1] = place(Completed, "r1.png", Some("r2.png"));
    r[2] = place(Failed, "r2.png", None);
    assert_eq!(next(&r), Turn::Stopped { step: 2, carry: "r2.png".into(), retry: true });
    // A step deleted from the history stops it too, with what came before.
    let gone = vec![place(Completed, "new.png", Some("r1.png")), None, place(Waiting, "", None)];
    assert_eq!(next(&gone), Turn::Stopped { step: 1, carry: "r1.png".into(), retry: false }, "nothing to send again");
    // A completed step without an image cannot feed the next one.
    let empty = vec![place(Completed, "new.png", None), place(Waiting, "", None)];
    assert_eq!(next(&empty), Turn::Stopped { step: 0, carry: "new.png".into(), retry: true });
    // A step given a local file, cut off by a reload before it went: its
    // image was not kept, so it stops the replay and cannot go again.
    let local = vec![Some(Place { phase: Phase::Waiting, input: crate::jobs::history::LOCAL_PLACEHOLDER, result: None, sendable: false }), place(Waiting, "", None)];
    assert_eq!(next(&local), Turn::Stopped { step: 0, carry: crate::jobs::history::LOCAL_PLACEHOLDER.into(), retry: false });
}

#[test]
fn a_waiting_step_survives_a_reload_and_takes_its_input() {
    use crate::jobs::plan::{Label, Member};
    use crate::jobs::chain::Source;
    let mut j = Job::new(NewJob::polled(4, json!({"prompt": "p", "image_urls": ["", "https://x/b.png"]}), "https://q", PLUS, "t"), 0.0);
    j.sources = vec![Source::Url, Source::Url];
    j.group = Some(Member { group: 1, index: 1, total: 3, label: Label::default(), replay: true });
    assert_eq!(j.apply(crate::jobs::Event::Interrupted, 1.0, 0.0), crate::jobs::Next::Continue);
    assert_eq!(j.phase, Phase::Waiting, "a reload does not fail it");
    let source = Source::Result { job: 3, request: Some("r3".into()), index: 0 };
    j.apply(crate::jobs::Event::Input { url: "https://cdn/3.png".into(), source: source.clone() }, 2.0, 0.0);
    assert_eq!(j.body["image_urls"], json!(["https://cdn/3.png", "https://x/b.png"]));
    assert_eq!(j.sources, [source, Source::Url]);
    assert_eq!(Place::of(&j), Place { phase: Phase::Waiting, input: "https://cdn/3.png", result: None, sendable: true });
    // Once sent, an input is never changed.
    j.apply(crate::jobs::Event::Sending, 3.0, 0.0);
    j.apply(crate::jobs::Event::Input { url: "https://other".into(), source: Source::Url }, 4.0, 0.0);
    assert_eq!(j.body["image_urls"][0], "https://cdn/3.png");
    // Given a local file (not kept in the history), a reload fails it as not sent.
    let mut local = j.clone();
    local.phase = Phase::Waiting;
    local.body["image_urls"][0] = crate::jobs::history::LOCAL_PLACEHOLDER.into();
    local.apply(crate::jobs::Event::Interrupted, 5.0, 0.0);
    assert_eq!(local.phase, Phase::Failed);
    // A group that is not a replay: a waiting job cut off is not sent.
    let mut k = Job::new(NewJob::polled(5, json!({}), "https://q", PLUS, "t"), 0.0);
    k.apply(crate::jobs::Event::Interrupted, 1.0, 0.0);
    assert_eq!(k.phase, Phase::Failed);
}
