//! The model's output (the result body), read leniently: only
//! `images[].url` is sure to be there.

use serde_json::Value;

use super::error::{ApiError, ErrorKind, Problem};
use super::status::{number_field, string_field};

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct OutputImage {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub content_type: Option<String>,
    pub file_name: Option<String>,
    pub file_size: Option<u64>,
    /// The safety checker blanked this image.
    pub nsfw: bool,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct EditOutput {
    pub images: Vec<OutputImage>,
    pub seed: Option<u64>,
    pub inference_time: Option<f64>,
    /// A vision model's answer (`rewrite`): it has no images.
    #[cfg_attr(test, serde(default))]
    pub said: Option<Said>,
}

/// What a vision model said (`openrouter/router/vision`): its text (cut
/// when very long) and what it cost, in US dollars.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Said {
    pub text: String,
    /// The text was longer than `rewrite::MAX_CHARS` and was cut.
    pub cut: bool,
    pub cost: Option<f64>,
}

impl EditOutput {
    /// Reads a 2xx result body as the job's outcome. Text that is not JSON
    /// may be a cut connection and is worth another try; JSON without an
    /// image with a URL is the job's failure: only images are success.
    pub fn from_result(text: &str) -> Result<Self, ApiError> {
        Self::from_json(text).map_err(|e| {
            if e.problem == Some(Problem::NotJson) {
                e
            } else {
                let mut err = ApiError::from_response(200, text, None, None);
                err.kind = ErrorKind::Other;
                if err.detail.is_empty() {
                    err.problem = e.problem;
                }
                err
            }
        })
    }

    /// Reads a 2xx answer of the result URL: 202, or a status body saying
    /// the job is still queued or running, means "not yet".
    pub fn from_answer(code: u16, text: &str) -> Result<Self, ApiError> {
        if code == 202 {
            return Err(ApiError::not_yet(code));
        }
        match Self::from_result(text) {
            Err(e) if e.problem == Some(Problem::NoImages) || e.kind == ErrorKind::Other => {
                let still = super::QueueStatus::from_json(text)
                    .is_ok_and(|s| matches!(s.status, super::JobStatus::InQueue | super::JobStatus::InProgress));
                Err(if still { ApiError::not_yet(code) } else { e })
            }
            other => other,
        }
    }

    /// Parses a result body. A body without an `images` array, or with no
    /// image that has a URL, is an error.
    pub fn from_json(text: &str) -> Result<Self, ApiError> {
        let v: Value = serde_json::from_str(text).map_err(|e| ApiError::unreadable(Problem::NotJson, e.to_string()))?;
        let nsfw: Vec<bool> = v
            .get("has_nsfw_concepts")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| x.as_bool().unwrap_or(false)).collect())
            .unwrap_or_default();
        let images: Vec<OutputImage> = v
            .get("images")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::unreadable(Problem::NoImages, ""))?
            .iter()
            .filter_map(|img| {
                let int = |k| number_field(img, k).filter(|x| *x >= 0.0);
                Some(OutputImage {
                    url: string_field(img, "url")?,
                    width: int("width").map(|x| x as u32),
                    height: int("height").map(|x| x as u32),
                    content_type: string_field(img, "content_type"),
                    file_name: string_field(img, "file_name"),
                    file_size: int("file_size").map(|x| x as u64),
                    nsfw: false,
                })
            })
            .enumerate()
            .map(|(i, mut img)| {
                img.nsfw = nsfw.get(i).copied().unwrap_or(false);
                img
            })
            .collect();
        if images.is_empty() {
            return Err(ApiError::unreadable(Problem::NoImages, ""));
        }
        Ok(EditOutput {
            images,
            seed: number_field(&v, "seed").filter(|s| *s >= 0.0).map(|s| s as u64),
            inference_time: v.get("timings").and_then(|t| number_field(t, "inference")),
            said: None,
        })
    }
}

/// Whether a URL from the network may be used as an image `src` or a link:
/// only `https://`, `http://` and `data:image/`. Anything else is shown as
/// text.
pub fn is_safe_image_url(url: &str) -> bool {
    let u = url.trim_start();
    let lower = u.get(..11).unwrap_or(u).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("data:image/")
}

/// A file name from the prompt's first words, the seed and the index.
pub fn download_name(prompt: &str, seed: Option<u64>, index: usize, content_type: Option<&str>) -> String {
    let words: Vec<String> = prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_ascii_lowercase)
        .collect();
    let stem = if words.is_empty() { "qwen-edit".to_string() } else { words.join("-") };
    let ext = match content_type {
        Some(t) if t.contains("jpeg") || t.contains("jpg") => "jpg",
        Some(t) if t.contains("webp") => "webp",
        _ => "png",
    };
    match seed {
        Some(s) => format!("{stem}-{s}-{}.{ext}", index + 1),
        None => format!("{stem}-{}.{ext}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_result_parses() {
        let o = EditOutput::from_json(
            r#"{"images":[{"url":"https://v3.fal.media/files/a/x.png","width":1024,"height":1024,
            "content_type":"image/png","file_name":"x.png","file_size":1834221}],
            "seed":2841475369,"prompt":"p","has_nsfw_concepts":[false],"timings":{"inference":6.9}}"#,
        )
        .unwrap();
        assert_eq!(o.images.len(), 1);
        let i = &o.images[0];
        assert_eq!((i.width, i.height, i.file_size), (Some(1024), Some(1024), Some(1834221)));
        assert_eq!(i.file_name.as_deref(), Some("x.png"));
        assert!(!i.nsfw);
        assert_eq!(o.seed, Some(2841475369));
        assert_eq!(o.inference_time, Some(6.9));
    }

    #[test]
    fn only_urls_are_needed_and_nsfw_flags_line_up() {
        let o = EditOutput::from_json(
            r#"{"images":[{"url":"a"},{"nourl":1},{"url":"b","width":null}],"has_nsfw_concepts":[false,true],"unknown":{}}"#,
        )
        .unwrap();
        assert_eq!(o.images.iter().map(|i| (i.url.as_str(), i.nsfw)).collect::<Vec<_>>(), [("a", false), ("b", true)]);
        assert_eq!(o.seed, None);
    }

    #[test]
    fn a_result_without_images_is_an_error() {
        assert!(EditOutput::from_json(r#"{"detail":"x"}"#).is_err());
        assert!(EditOutput::from_json(r#"{"images":[]}"#).is_err());
        assert!(EditOutput::from_json(r#"{"images":[{"u":1}]}"#).is_err());
        assert!(EditOutput::from_json("<html>").is_err());
    }

    #[test]
    fn results_without_images_fail_and_garbage_is_retried() {
        let e = EditOutput::from_result(r#"{"detail":"NSFW content detected"}"#).unwrap_err();
        assert!(!e.retryable());
        assert_eq!(e.detail, "NSFW content detected");
        let e = EditOutput::from_result(r#"{"images":[]}"#).unwrap_err();
        assert_eq!((e.problem, e.retryable()), (Some(Problem::NoImages), false));
        use crate::i18n::Lang;
        assert!(e.user_message().render(Lang::En).ends_with("the result has no images"), "{:?}", e.user_message().render(Lang::En));
        assert!(e.user_message().render(Lang::ZhCn).ends_with("结果中没有图片"));
        let garbage = EditOutput::from_result("{\"images\": [").unwrap_err();
        assert!(garbage.retryable());
        let said = garbage.user_message().render(Lang::ZhCn);
        assert!(said.contains("不是 JSON") && said.contains("EOF"), "the parser's words are kept: {said}");
        assert!(EditOutput::from_result(r#"{"images":[{"url":"u"}]}"#).is_ok());
    }

    #[test]
    fn a_result_url_that_answers_while_running_says_not_yet() {
        assert_eq!(EditOutput::from_answer(202, "").unwrap_err().kind, ErrorKind::NotYet);
        assert_eq!(EditOutput::from_answer(202, r#"{"images":[{"url":"u"}]}"#).unwrap_err().kind, ErrorKind::NotYet);
        assert_eq!(EditOutput::from_answer(200, r#"{"status":"IN_PROGRESS"}"#).unwrap_err().kind, ErrorKind::NotYet);
        assert_eq!(EditOutput::from_answer(200, r#"{"status":"COMPLETED"}"#).unwrap_err().kind, ErrorKind::Other);
        assert!(EditOutput::from_answer(200, r#"{"images":[{"url":"u"}]}"#).is_ok());
        assert!(EditOutput::from_answer(200, "{").unwrap_err().retryable());
    }

    #[test]
    fn download_names_say_what_the_image_is() {
        assert_eq!(download_name("Make the sky purple, please!", Some(42), 0, Some("image/png")), "make-the-sky-purple-please-42-1.png");
        assert_eq!(download_name("把天空变成紫色", None, 1, Some("image/jpeg")), "把天空变成紫色-2.jpg");
        assert_eq!(download_name("  ", Some(7), 2, None), "qwen-edit-7-3.png");
    }

    #[test]
    fn only_web_and_data_image_urls_are_safe() {
        assert!(is_safe_image_url("https://v3.fal.media/x.png"));
        assert!(is_safe_image_url("HTTP://localhost/x.png"));
        assert!(is_safe_image_url("data:image/png;base64,AAAA"));
        assert!(!is_safe_image_url("javascript:alert(1)"));
        assert!(!is_safe_image_url(" JaVaScRiPt:alert(1)"));
        assert!(!is_safe_image_url("data:text/html,<b>"));
        assert!(!is_safe_image_url("file:///etc/passwd"));
        assert!(!is_safe_image_url(""));
    }
}
