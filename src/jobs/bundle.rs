//! What "download all" puts in a group's zip: per job, its images under
//! readable names (`01-seed-42.png`, `02-seed-43-2.png` for a job's second
//! image; `01-seed-42-kept.png` its kept version, for a job that keeps the
//! rest) and its request (`01-seed-42.request.json`: the endpoint, the
//! request id and the body as sent; never the key). Pure: the browser
//! glue fetches the images and writes the archive (`api::zip`).

use serde_json::json;

use super::region::KeepRegion;
use super::state::Job;

/// One file of the archive.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// An image to fetch from `url`.
    /// The `index`-th image of job `job` (its copy, if the URL fails).
    Image { name: String, url: String, job: u64, index: usize },
    Text { name: String, text: String },
    /// The kept version of the `index`-th image of job `job` (a PNG): made
    /// from `result` and `input` through `region`, or its copy.
    Kept { name: String, job: u64, index: usize, result: String, input: Option<String>, region: KeepRegion },
}

/// The extension of an image: from its content type, else its URL.
pub fn extension(content_type: Option<&str>, url: &str) -> &'static str {
    let t = content_type.unwrap_or("").to_ascii_lowercase();
    let path = url.split(['?', '#']).next().unwrap_or("").to_ascii_lowercase();
    if t.contains("jpeg") || t.contains("jpg") || (t.is_empty() && (path.ends_with(".jpg") || path.ends_with(".jpeg"))) {
        "jpg"
    } else if t.contains("webp") || (t.is_empty() && path.ends_with(".webp")) {
        "webp"
    } else {
        "png"
    }
}

/// The entries for the jobs of a group, in order. A job without images
/// still has its request (what was asked, and what came of it).
pub fn entries(jobs: &[Job]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (n, job) in jobs.iter().enumerate() {
        let stem = job.group.as_ref().map_or_else(|| format!("{:02}", n + 1), |m| m.label.stem(m.index));
        let images = job.output.as_ref().map(|o| o.images.as_slice()).unwrap_or_default();
        let keep = job.keep_source();
        for (k, img) in images.iter().enumerate() {
            let more = if images.len() > 1 && k > 0 { format!("-{}", k + 1) } else { String::new() };
            out.push(Entry::Image { name: format!("{stem}{more}.{}", extension(img.content_type.as_deref(), &img.url)), url: img.url.clone(), job: job.id, index: k });
            if let Some((region, input)) = keep.clone() {
                out.push(Entry::Kept { name: format!("{stem}{more}-kept.png"), job: job.id, index: k, result: img.url.clone(), input, region });
            }
        }
        let request = json!({
            "endpoint": job.model,
            "request_id": job.request_id,
            "status": job.phase.as_str(),
            "seed": job.output.as_ref().and_then(|o| o.seed),
            "input": job.body,
        });
        out.push(Entry::Text { name: format!("{stem}.request.json"), text: crate::api::snippets::pretty(&request) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::EditOutput;
    use crate::jobs::plan::{Label, Member, Vary};
    use crate::jobs::NewJob;

    fn job(index: usize, seed: u64, images: &[(&str, Option<&str>)]) -> Job {
        let mut n = NewJob::polled(index as u64, json!({"prompt": "p", "seed": seed}), "https://q", "fal-ai/qwen-image-edit-plus", "t");
        n.group = Some(Member { group: 0, index, total: 2, label: Label { image: None, varied: Some((Vary::Seed, seed.to_string())) }, replay: false });
        let mut j = Job::new(n, 0.0);
        let imgs: Vec<_> = images.iter().map(|(u, t)| json!({"url": u, "content_type": t})).collect();
        j.output = EditOutput::from_answer(200, &json!({"images": imgs, "seed": seed}).to_string()).ok();
        j.request_id = Some(format!("r{index}"));
        j
    }

    fn names(e: &[Entry]) -> Vec<&str> {
        e.iter().map(|e| match e { Entry::Image { name, .. } | Entry::Text { name, .. } | Entry::Kept { name, .. } => name.as_str() }).collect()
    }

    #[test]
    fn names_follow_the_label_and_each_job_has_its_request() {
        let jobs = [job(0, 42, &[("https://cdn/a.png", Some("image/png"))]), job(1, 43, &[("https://cdn/b", Some("image/jpeg")), ("https://cdn/c.webp?x=1", None)])];
        let e = entries(&jobs);
        assert_eq!(names(&e), ["01-seed-42.png", "01-seed-42.request.json", "02-seed-43.jpg", "02-seed-43-2.webp", "02-seed-43.request.json"]);
        let Entry::Text { text, .. } = &e[4] else { panic!() };
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!((v["request_id"].as_str(), v["input"]["seed"].as_u64(), v["endpoint"].as_str()), (Some("r1"), Some(43), Some("fal-ai/qwen-image-edit-plus")));
        assert!(!text.to_lowercase().contains("key"), "no key in a request file: {text}");
        assert_eq!(e[2], Entry::Image { name: "02-seed-43.jpg".into(), url: "https://cdn/b".into(), job: jobs[1].id, index: 0 });
        assert!(matches!(&e[3], Entry::Image { job, index: 1, .. } if *job == jobs[1].id), "the second image of the second job");
    }

    #[test]
    fn a_job_without_images_still_has_its_request() {
        let mut j = job(0, 1, &[]);
        j.output = None;
        j.group = None;
        assert_eq!(names(&entries(&[j])), ["01.request.json"]);
    }

    #[test]
    fn a_job_that_keeps_the_rest_has_a_kept_version_of_each_image() {
        let mut j = job(1, 7, &[("https://cdn/a.jpg", Some("image/jpeg")), ("https://cdn/b.png", None)]);
        j.body = json!({"prompt": "p", "image_urls": ["https://in/0.png", "https://in/1.png"]});
        let shapes = vec![crate::pixels::shape::Shape { tool: crate::pixels::shape::Tool::Rect, points: vec![[1.0, 1.0], [5.0, 5.0]], size: 2.0, color: "#fff".into(), text: String::new() }];
        j.region = Some(KeepRegion { image: 1, shapes, feather: 8 });
        let e = entries(&[j.clone()]);
        assert_eq!(names(&e), ["02-seed-7.jpg", "02-seed-7-kept.png", "02-seed-7-2.png", "02-seed-7-2-kept.png", "02-seed-7.request.json"]);
        // Made from that image's result and the input the region was drawn on.
        let Entry::Kept { job, index, result, input, region, .. } = &e[3] else { panic!("{:?}", e[3]) };
        assert_eq!((*job, *index, result.as_str(), input.as_deref(), region.feather), (j.id, 1, "https://cdn/b.png", Some("https://in/1.png"), 8));
        // The body without that image: still an entry, with no input (the glue says why there is none).
        j.body = json!({"prompt": "p", "image_urls": ["https://in/0.png"]});
        assert!(matches!(&entries(&[j])[1], Entry::Kept { input: None, .. }));
    }
}
