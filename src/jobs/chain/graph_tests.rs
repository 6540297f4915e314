//! The chain graph: trees from the history's links.

use super::*;

type Raw = Link;

fn link(id: u64, parent: Option<u64>) -> Raw {
    Link { id, request: Some(format!("r{id}")), parent: parent.map(|p| (p, Some(format!("r{p}")))) }
}

fn links(v: &[Raw]) -> Vec<Link> {
    v.to_vec()
}

fn named(id: u64, request: Option<&str>, parent: Option<(u64, Option<&str>)>) -> Raw {
    Link { id, request: request.map(String::from), parent: parent.map(|(p, r)| (p, r.map(String::from))) }
}

fn ids(steps: &[Step]) -> Vec<(u64, usize)> {
    steps.iter().map(|s| (s.id, s.depth)).collect()
}

#[test]
fn a_tree_grows_from_the_original_with_its_branches() {
    // 1 → 2 → 3, 2 → 4 (a branch), 5 alone; 6 made from 4.
    let raw = [link(1, None), link(2, Some(1)), link(3, Some(2)), link(4, Some(2)), link(5, None), link(6, Some(4))];
    let l = links(&raw);
    let want = vec![(1, 0), (2, 1), (3, 2), (4, 2), (6, 3)];
    // The same tree from any of its steps.
    for id in [1, 2, 3, 4, 6] {
        assert_eq!(ids(&tree(&l, id)), want, "from {id}");
    }
    assert_eq!(ids(&tree(&l, 5)), [(5, 0)]);
    assert_eq!(tree(&l, 99), []);
    let t = tree(&l, 3);
    assert_eq!(t[3].parent, Some(2));
    assert_eq!(path(&t, 6), [1, 2, 4, 6]);
    assert_eq!(path(&t, 1), [1]);
    assert_eq!(path(&t, 5), Vec::<u64>::new());
}

#[test]
fn a_missing_parent_makes_its_child_an_original() {
    // 2 was deleted (or an import brought 3 without it): 3 starts a tree.
    let raw = [link(1, None), link(3, Some(2)), link(4, Some(3))];
    let l = links(&raw);
    assert_eq!(ids(&tree(&l, 4)), [(3, 0), (4, 1)]);
    assert_eq!(ids(&tree(&l, 1)), [(1, 0)]);
    // Found by request id when the ids changed (an import renumbers jobs).
    let l = [named(70, Some("r1"), None), named(71, Some("r2"), Some((1, Some("r1"))))];
    assert_eq!(ids(&tree(&l, 71)), [(70, 0), (71, 1)]);
    // A parent without a request id is found by its job id.
    let l = [named(1, None, None), named(2, Some("r2"), Some((1, None)))];
    assert_eq!(ids(&tree(&l, 2)), [(1, 0), (2, 1)]);
}

#[test]
fn a_cycle_in_a_damaged_history_ends() {
    let raw = [link(1, Some(3)), link(2, Some(1)), link(3, Some(2)), link(4, Some(4))];
    let l = links(&raw);
    let t = tree(&l, 2);
    assert_eq!(t.len(), 3, "each step once: {t:?}");
    assert_eq!(t.iter().filter(|s| s.depth == 0).count(), 1);
    assert_eq!(ids(&tree(&l, 4)), [(4, 0)], "its own parent");
    assert_eq!(path(&t, t[2].id).len(), 3);
}

#[test]
fn a_chain_of_a_thousand_jobs() {
    // One long chain with a branch at every tenth step.
    let mut raw = vec![link(0, None)];
    for i in 1..1000u64 {
        let parent = if i % 10 == 0 { i - 5 } else { i - 1 };
        raw.push(link(i, Some(parent)));
    }
    let l = links(&raw);
    let t = tree(&l, 999);
    assert_eq!(t.len(), 1000);
    assert_eq!(t[0], Step { id: 0, depth: 0, parent: None });
    // Every step comes after its parent.
    for (k, s) in t.iter().enumerate() {
        if let Some(p) = s.parent {
            assert!(t[..k].iter().any(|x| x.id == p && x.depth + 1 == s.depth), "{s:?}");
        }
    }
    let p = path(&t, 999);
    assert_eq!((p[0], *p.last().unwrap()), (0, 999));
    assert!(p.windows(2).all(|w| raw[w[1] as usize].parent.as_ref().unwrap().0 == w[0]));
}

#[test]
fn links_come_from_the_jobs_sources() {
    use crate::jobs::NewJob;
    let mut j = Job::new(NewJob::polled(5, serde_json::json!({}), "https://q", "m", "t"), 0.0);
    j.request_id = Some("r5".into());
    j.sources = vec![Source::Url, Source::Result { job: 2, request: Some("r2".into()), index: 1 }];
    assert_eq!(Link::of(&j), named(5, Some("r5"), Some((2, Some("r2")))));
    j.sources.clear();
    assert_eq!(Link::of(&j).parent, None);
}

#[test]
fn a_job_names_an_upload_when_a_files_input_went_by_address() {
    use crate::jobs::{Job, NewJob};
    let mut j = Job::new(NewJob::polled(1, serde_json::json!({"image_urls": ["https://v3.fal.media/files/a.png", "data:image/png;base64,AA"]}), "https://q", "fal-ai/m", "t"), 0.0);
    j.sources = vec![Source::File { name: "a.png".into() }, Source::File { name: "b.png".into() }];
    assert!(j.names_upload());
    j.sources = vec![Source::Url, Source::File { name: "b.png".into() }];
    assert!(!j.names_upload(), "the file went inline; the address was typed");
}
