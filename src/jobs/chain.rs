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
}

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
