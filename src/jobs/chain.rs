//! Where a job's input images came from (issue 23): a result of another
//! job, a local file, or an address. Found when the job is made, from what
//! the page knows then: the jobs it shows (a result is known by its URL)
//! and the form's local files (by their data URIs).

use super::state::Job;

/// Where one input image came from.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum Source {
    /// Result `index` of job `job` (`request`: its request id).
    Result { job: u64, request: Option<String>, index: usize },
    /// A local file, by its name.
    File { name: String },
    /// An address typed or pasted (or an image made in the page).
    Url,
}

/// A finished job's results as `sources` looks for them: its id, request
/// id and result URLs.
pub type Results = (u64, Option<String>, Vec<String>);

/// What `sources` needs of `job`, if it has results.
pub fn results(job: &Job) -> Option<Results> {
    let o = job.output.as_ref()?;
    Some((job.id, job.request_id.clone(), o.images.iter().map(|i| i.url.clone()).collect()))
}

/// The sources of `images` (a body's input images, in order): a result of
/// one of `done`, one of the form's local `files` (data URI, name), else an
/// address.
pub fn sources(images: &[&str], done: &[Results], files: &[(String, String)]) -> Vec<Source> {
    images
        .iter()
        .map(|url| {
            let result = done.iter().find_map(|(job, request, urls)| {
                let index = urls.iter().position(|u| u == url)?;
                Some(Source::Result { job: *job, request: request.clone(), index })
            });
            let file = || files.iter().find(|(u, _)| u == url).map(|(_, name)| Source::File { name: name.clone() });
            result.or_else(file).unwrap_or(Source::Url)
        })
        .collect()
}

impl Job {
    /// The result this job was made from (its first input that is one):
    /// `<request id>:<index>`, as the card's `data-parent` says it.
    pub fn parent(&self) -> Option<(u64, String)> {
        self.sources.iter().find_map(|s| match s {
            Source::Result { job, request, index } => Some((*job, format!("{}:{index}", request.as_deref().unwrap_or("")))),
            _ => None,
        })
    }

    /// Whether it names an uploaded picture: an input from a local file
    /// that the body names by an address (uploads live for a limited time).
    pub fn names_upload(&self) -> bool {
        let images = crate::api::input::body_images(&self.body);
        self.sources.iter().zip(images).any(|(s, u)| matches!(s, Source::File { .. }) && (u.starts_with("https://") || u.starts_with("http://")))
    }
}

/// A job as the chain sees it: its id, request id and the result it was
/// made from (the job and that job's request id, as recorded).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub id: u64,
    pub request: Option<String>,
    pub parent: Option<(u64, Option<String>)>,
}

impl Link {
    pub fn of(job: &Job) -> Self {
        let parent = job.sources.iter().find_map(|s| match s {
            Source::Result { job, request, .. } => Some((*job, request.clone())),
            _ => None,
        });
        Link { id: job.id, request: job.request_id.clone(), parent }
    }

    /// Whether `other` is the job this one was made from.
    pub fn made_from(&self, other: &Link) -> bool {
        match &self.parent {
            Some((_, Some(r))) => other.request.as_ref() == Some(r),
            Some((id, None)) => other.id == *id,
            None => false,
        }
    }
}

/// One step of a chain: the job, how far it is from the original picture,
/// and the job it was made from (when that one is in the history).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: u64,
    pub depth: usize,
    pub parent: Option<u64>,
}

/// The index in `links` of the job `l` was made from: found by request id
/// (which an export keeps), else by job id; never `l` itself.
fn parent_of(links: &[Link], i: usize) -> Option<usize> {
    links.iter().position(|o| links[i].made_from(o)).filter(|p| *p != i)
}

/// The tree of edits that job `id` belongs to, grown from its original
/// (the oldest ancestor still in the history): every step once, parents
/// before children, each branch in the order of `links` (oldest first).
/// A cycle (only a damaged history could hold one) is cut where it closes.
pub fn tree(links: &[Link], id: u64) -> Vec<Step> {
    let n = links.len();
    let parents: Vec<Option<usize>> = (0..n).map(|i| parent_of(links, i)).collect();
    let Some(mut root) = links.iter().position(|l| l.id == id) else { return Vec::new() };
    // Up to the original; at most n steps, so a cycle ends the walk.
    for _ in 0..n {
        match parents[root] {
            Some(p) if p != root => root = p,
            _ => break,
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in parents.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(i);
        }
    }
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    let mut stack = vec![(root, 0usize, None)];
    while let Some((i, depth, parent)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        out.push(Step { id: links[i].id, depth, parent });
        stack.extend(children[i].iter().rev().filter(|c| !seen[**c]).map(|c| (*c, depth + 1, Some(links[i].id))));
    }
    out
}

/// The ids from the original to `to` along `steps` (a `tree`).
pub fn path(steps: &[Step], to: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut at = steps.iter().find(|s| s.id == to);
    while let Some(s) = at {
        if out.contains(&s.id) {
            break;
        }
        out.push(s.id);
        at = s.parent.and_then(|p| steps.iter().find(|x| x.id == p));
    }
    out.reverse();
    out
}

#[cfg(test)]
mod graph_tests;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::EditOutput;
    use crate::jobs::NewJob;

    fn done(id: u64, urls: &[&str]) -> Job {
        let mut j = Job::new(NewJob::polled(id, json!({"prompt": "p"}), "https://q", "m", "t"), 0.0);
        let images: Vec<_> = urls.iter().map(|u| json!({"url": u})).collect();
        j.output = EditOutput::from_answer(200, &json!({"images": images}).to_string()).ok();
        j.request_id = Some(format!("r{id}"));
        j
    }

    #[test]
    fn each_input_is_a_result_a_file_or_an_address() {
        let jobs: Vec<Results> = [done(1, &["https://cdn/a.png", "https://cdn/b.png"]), done(2, &["https://cdn/c.png"]), done(4, &[])].iter().filter_map(results).collect();
        let files = [("data:image/png;base64,AA==".to_string(), "cat.png".to_string())];
        let got = sources(&["https://cdn/b.png", "data:image/png;base64,AA==", "https://elsewhere/x.png", "https://cdn/c.png"], &jobs, &files);
        assert_eq!(
            got,
            [
                Source::Result { job: 1, request: Some("r1".into()), index: 1 },
                Source::File { name: "cat.png".into() },
                Source::Url,
                Source::Result { job: 2, request: Some("r2".into()), index: 0 },
            ]
        );
        let mut child = done(3, &[]);
        child.sources = got;
        assert_eq!(child.parent(), Some((1, "r1:1".to_string())), "the first input that is a result");
        child.sources = vec![Source::Url];
        assert_eq!(child.parent(), None);
    }
}
