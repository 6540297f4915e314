//! The export format's round trip, its refusals, the merge by request id,
//! and the eviction order of image copies.

use super::*;
use crate::api::{ErrorKind, QueueStatus};
use crate::jobs::plan::{Label, Member};
use crate::jobs::{NewJob, Phase};
use serde_json::json;

/// A job submitted at `at`, answered with request id `req` (unless None),
/// completed when `done`.
fn job(id: u64, at: f64, req: Option<&str>, done: bool) -> Job {
    let body = json!({"prompt": format!("job {id}"), "image_urls": ["https://a/x.png", "data:image/png;base64,AAAA"]});
    let mut j = Job::new(NewJob::polled(id, body, "https://q.example", "fal-ai/qwen-image-edit-plus", "tab-a"), at);
    if let Some(r) = req {
        let s = QueueStatus::from_json(&format!(r#"{{"status":"IN_QUEUE","request_id":"{r}"}}"#)).unwrap();
        j.apply(Event::Submitted(s), at, 0.5);
    }
    if done {
        j.apply(Event::Status(QueueStatus::from_json(r#"{"status":"CANCELLED"}"#).unwrap()), at + 1.0, 0.5);
    }
    j
}

fn ids_counter(from: u64) -> impl FnMut() -> u64 {
    let mut next = from;
    move || {
        next += 1;
        next
    }
}

#[test]
fn an_export_reads_back_with_its_jobs_and_images() {
    let jobs = vec![job(1, 1.0, Some("r1"), true), job(2, 2.0, Some("r2"), false)];
    let images = vec![Image { job: 1, index: 0, bytes: vec![1, 2, 3] }, Image { job: 1, index: 1, bytes: vec![9; 1000] }];
    let bytes = export(&jobs, &images, 1.7e12).unwrap();
    let names: Vec<String> = zip::read(&bytes).unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["history.json", "images/1-0", "images/1-1"]);
    let back = import(&bytes).unwrap();
    assert_eq!(back.dropped, 0);
    assert_eq!(back.jobs.iter().map(|j| (j.id, j.request_id.clone())).collect::<Vec<_>>(), [(1, Some("r1".into())), (2, Some("r2".into()))]);
    assert_eq!(back.jobs[0].phase, Phase::Cancelled);
    assert_eq!(back.jobs[1].body["image_urls"][1], json!(crate::jobs::history::LOCAL_PLACEHOLDER), "stored as the history stores it");
    assert_eq!(back.images, images);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&format!(r#"{{"format":"{FORMAT}","jobs":[{{"#)) && text.contains(r#"}],"v":1}"#) && !text.contains("data:image"), "ours, and no inlined data");
}

#[test]
fn images_of_jobs_not_in_the_archive_and_unknown_entries_are_left_out() {
    let images = vec![Image { job: 1, index: 0, bytes: vec![1] }, Image { job: 5, index: 0, bytes: vec![2] }];
    let mut zip = ZipWriter::new(0.0);
    let json = serde_json::to_string(&json!({"format": FORMAT, "v": 1, "jobs": [job(1, 1.0, Some("r1"), true), {"id": "not a job"}]})).unwrap();
    zip.add(HISTORY_FILE, json.as_bytes()).unwrap();
    for img in &images {
        zip.add(&image_name(img.job, img.index), &img.bytes).unwrap();
    }
    zip.add("images/notes.txt", b"hello").unwrap();
    zip.add("readme.txt", b"hello").unwrap();
    let back = import(&zip.finish().unwrap()).unwrap();
    assert_eq!((back.jobs.len(), back.dropped), (1, 1), "an unreadable job is counted, the rest read");
    assert_eq!(back.images, images[..1]);
}

#[test]
fn damaged_foreign_and_newer_files_are_refused() {
    let good = export(&[job(1, 1.0, Some("r1"), true)], &[Image { job: 1, index: 0, bytes: vec![7; 64] }], 0.0).unwrap();
    assert!(import(&good).is_ok());
    // Cut short, anywhere.
    for cut in [0, 10, good.len() / 2, good.len() - 1] {
        assert_eq!(import(&good[..cut]), Err(Refused::Damaged), "cut at {cut}");
    }
    // A changed byte in an image.
    let mut flipped = good.clone();
    let at = flipped.windows(4).position(|w| w == [7, 7, 7, 7]).unwrap();
    flipped[at] ^= 1;
    assert_eq!(import(&flipped), Err(Refused::Damaged));
    assert_eq!(import(b"PK not really a zip"), Err(Refused::Damaged));
    assert_eq!(import(&[]), Err(Refused::Damaged));
    // Zips that are not ours.
    let zip_of = |entries: &[(&str, &str)]| {
        let mut z = ZipWriter::new(0.0);
        for (n, d) in entries {
            z.add(n, d.as_bytes()).unwrap();
        }
        z.finish().unwrap()
    };
    assert_eq!(import(&zip_of(&[("photo.png", "…")])), Err(Refused::Foreign));
    assert_eq!(import(&zip_of(&[(HISTORY_FILE, "{ not json")])), Err(Refused::Foreign));
    assert_eq!(import(&zip_of(&[(HISTORY_FILE, r#"{"v":1,"jobs":[]}"#)])), Err(Refused::Foreign), "the stored history, not an export");
    assert_eq!(import(&zip_of(&[(HISTORY_FILE, r#"{"format":"someone-else","v":1,"jobs":[]}"#)])), Err(Refused::Foreign));
    let future = format!(r#"{{"format":"{FORMAT}","v":{},"jobs":[]}}"#, HISTORY_VERSION + 1);
    assert_eq!(import(&zip_of(&[(HISTORY_FILE, &future)])), Err(Refused::Newer(HISTORY_VERSION + 1)));
    for r in [Refused::Damaged, Refused::Foreign, Refused::Newer(2)] {
        assert!(r.message().render(crate::i18n::Lang::En).contains("nothing was imported") || r.message().render(crate::i18n::Lang::En).contains("Nothing was imported"));
    }
}

#[test]
fn a_merge_adds_what_is_new_and_overwrites_nothing() {
    let here = vec![job(1, 1.0, Some("r1"), true), job(2, 2.0, Some("r2"), false)];
    let mut newer_r2 = job(40, 2.0, Some("r2"), true);
    newer_r2.updated_at = 99.0;
    let incoming = vec![
        job(1, 1.0, Some("r1"), false), // an older version (running) of a job ended here
        newer_r2,                       // a newer version (ended) of a job running here
        job(3, 3.0, Some("r3"), true),  // new
        job(3, 3.0, Some("r3"), true),  // twice in the file
    ];
    let m = merge(&here, incoming, &mut ids_counter(100), 5.0);
    assert_eq!(m.skipped, 3);
    assert_eq!(m.added.len(), 1);
    assert_eq!(m.ids, [(3, 101)]);
    let added = &m.added[0];
    assert_eq!((added.id, added.request_id.as_deref(), added.phase, added.owner.as_deref()), (101, Some("r3"), Phase::Cancelled, None));
}

#[test]
fn imported_jobs_that_ran_elsewhere_wait_for_the_person() {
    let running = job(1, 1.0, Some("r1"), false);
    let unsent = job(2, 2.0, None, false);
    assert_eq!(unsent.phase, Phase::Waiting);
    let m = merge(&[], vec![running, unsent], &mut ids_counter(10), 5.0);
    assert_eq!(m.added[0].phase, Phase::InQueue);
    assert_eq!(m.added[0].paused, Some(Pause::Imported), "followed here only on Resume");
    assert!(!crate::jobs::history::should_follow(&m.added[0], 1e12, "any-tab"), "no tab takes it over");
    assert_eq!(m.added[1].phase, Phase::Failed, "never reached a queue: not sent, not sent now");
    assert_eq!(m.added[1].error.as_ref().map(|e| e.kind), Some(ErrorKind::NotSent));
    // Jobs never answered by a queue are one when model, time and body are.
    let again = merge(&m.added, vec![job(2, 2.0, None, false), job(3, 2.0, None, false)], &mut ids_counter(20), 5.0);
    assert_eq!((again.skipped, again.added.len()), (1, 1));
}

#[test]
fn groups_are_renumbered_together() {
    let member = |group, index| Some(Member { group, index, total: 2, label: Label::default(), replay: false });
    let mut a = job(1, 1.0, Some("r1"), true);
    a.group = member(7, 0);
    let mut b = job(2, 1.0, Some("r2"), true);
    b.group = member(7, 1);
    let mut c = job(3, 1.0, Some("r3"), true);
    c.group = member(8, 0);
    let m = merge(&[], vec![a, b, c], &mut ids_counter(50), 5.0);
    let groups: Vec<u64> = m.added.iter().map(|j| j.group.as_ref().unwrap().group).collect();
    assert_eq!(groups[0], groups[1], "one group stays one");
    assert!(groups[0] != groups[2] && !groups.contains(&7) && !groups.contains(&8), "new ids: {groups:?}");
    let ids: Vec<u64> = m.added.iter().map(|j| j.id).collect();
    assert!(ids.iter().all(|id| !groups.contains(id)), "group ids and job ids do not meet");
}

#[test]
fn copies_go_oldest_first_until_they_fit() {
    let copies = [(1, 30.0, 100), (2, 10.0, 100), (3, 20.0, 100), (4, 40.0, 100)];
    assert!(evict(&copies, 400, None).is_empty(), "they fit");
    assert_eq!(evict(&copies, 399, None), [2]);
    assert_eq!(evict(&copies, 150, None), [2, 3, 1]);
    assert_eq!(evict(&copies, 0, None), [2, 3, 1, 4]);
    assert_eq!(evict(&copies, 0, Some(2)), [3, 1, 4], "the copy just made stays");
    assert!(evict(&[], 0, None).is_empty());
}

#[test]
fn an_import_keeps_the_chains_with_new_ids() {
    use crate::jobs::chain::{tree, Link, Source};
    let from = |job: u64| vec![Source::Result { job, request: Some(format!("r{job}")), index: 0 }];
    let a = job(1, 1.0, Some("r1"), true);
    let mut b = job(2, 2.0, Some("r2"), true);
    b.sources = from(1);
    // Made from a result that is not in the export.
    let mut c = job(3, 3.0, Some("r3"), true);
    c.sources = from(9);
    // The child comes before its parent: ids follow all the same.
    let m = merge(&[], vec![b, a, c], &mut ids_counter(100), 5.0);
    let id = |r: &str| m.added.iter().find(|j| j.request_id.as_deref() == Some(r)).unwrap().id;
    let b = m.added.iter().find(|j| j.id == id("r2")).unwrap();
    assert_eq!(b.sources, [Source::Result { job: id("r1"), request: Some("r1".into()), index: 0 }], "its parent's new id");
    let links: Vec<Link> = m.added.iter().rev().map(Link::of).collect();
    let t: Vec<u64> = tree(&links, id("r2")).iter().map(|s| s.id).collect();
    assert_eq!(t, [id("r1"), id("r2")]);
    let t: Vec<(u64, usize)> = tree(&links, id("r3")).iter().map(|s| (s.id, s.depth)).collect();
    assert_eq!(t, [(id("r3"), 0)], "without its parent it starts its own chain");
    assert_eq!(m.added.iter().find(|j| j.id == id("r3")).unwrap().sources, from(9), "what it was made from is still said");
}
