//! What the regions drawn on the form's images do to the request: an image
//! with marks is sent with them burned in, a mask goes to the inpaint model
//! as `mask_url`. The form keeps the originals; this runs on the request
//! the form describes, so the marks stay editable until submit.

use super::error::FieldError;
use super::input::EditInput;
use crate::i18n::{Msg, K};
use crate::pixels::region::RegionUse;

/// A region on one of the form's images, as the request needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ready<'a> {
    /// The image's URL in the draft (the original).
    pub url: &'a str,
    pub use_: RegionUse,
    /// What the page made of it: the marked image or the mask, as a PNG
    /// data URI (`None` while it is being made).
    pub made: Option<&'a str>,
}

/// Puts the regions into `input`; the problems, if any, at `image_urls`.
pub fn apply(input: &mut EditInput, regions: &[Ready]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut pending = false;
    let inpaint = input.schema.inpaint;
    for (i, url) in input.image_urls.iter_mut().enumerate() {
        let Some(r) = regions.iter().find(|r| r.url == url.as_str()) else { continue };
        match (r.use_, r.made) {
            (RegionUse::Mask, _) if !inpaint => errs.push(FieldError::new("image_urls", Msg::new(K::ValMaskNeedsInpaint).arg("n", i + 1))),
            (RegionUse::Keep, _) => {}
            (_, None) => pending = true,
            (RegionUse::Marks, Some(made)) => *url = made.to_string(),
            (RegionUse::Mask, Some(made)) => {
                if i == 0 {
                    input.mask_url = Some(made.to_string());
                }
            }
        }
    }
    if pending {
        errs.push(FieldError::new("image_urls", K::ValImagesPending));
    } else if inpaint && input.mask_url.is_none() && !input.image_urls.is_empty() {
        errs.push(FieldError::new("image_urls", K::ValInpaintNeedsMask));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::input::{body_images, EditInput};
    use crate::api::model::schema;
    use serde_json::json;

    fn input(model: &str, urls: &[&str]) -> EditInput {
        EditInput {
            schema: schema(model),
            prompt: "p".into(),
            image_urls: urls.iter().map(|u| u.to_string()).collect(),
            image_size: None,
            params: Vec::new(),
            loras: Vec::new(),
            mask_url: None,
        }
    }

    const PLUS: &str = "fal-ai/qwen-image-edit-plus";
    const INPAINT: &str = "fal-ai/qwen-image-edit/inpaint";

    #[test]
    fn a_marked_image_is_sent_with_its_marks_and_the_others_as_they_are() {
        let mut i = input(PLUS, &["https://a/1.png", "https://a/2.png"]);
        let r = [Ready { url: "https://a/2.png", use_: RegionUse::Marks, made: Some("data:image/png;base64,MARKED") }];
        assert_eq!(apply(&mut i, &r), vec![]);
        assert_eq!(body_images(&i.to_body()), ["https://a/1.png", "data:image/png;base64,MARKED"]);
    }

    #[test]
    fn marks_still_being_made_hold_the_submit() {
        let mut i = input(PLUS, &["https://a/1.png"]);
        let r = [Ready { url: "https://a/1.png", use_: RegionUse::Marks, made: None }];
        assert_eq!(apply(&mut i, &r), vec![FieldError::new("image_urls", K::ValImagesPending)]);
    }

    #[test]
    fn a_mask_goes_to_the_inpaint_model_as_mask_url_and_no_other_model_takes_one() {
        let mut i = input(INPAINT, &["https://a/1.png"]);
        let r = [Ready { url: "https://a/1.png", use_: RegionUse::Mask, made: Some("data:image/png;base64,MASK") }];
        assert_eq!(apply(&mut i, &r), vec![]);
        assert_eq!(i.to_body(), json!({"prompt": "p", "image_url": "https://a/1.png", "mask_url": "data:image/png;base64,MASK"}));
        let mut other = input(PLUS, &["https://a/1.png"]);
        assert_eq!(apply(&mut other, &r), vec![FieldError::new("image_urls", Msg::new(K::ValMaskNeedsInpaint).arg("n", 1))]);
        let mut bare = input(INPAINT, &["https://a/1.png"]);
        assert_eq!(apply(&mut bare, &[]), vec![FieldError::new("image_urls", K::ValInpaintNeedsMask)]);
        let marks = [Ready { use_: RegionUse::Marks, ..r[0] }];
        let mut marked = input(INPAINT, &["https://a/1.png"]);
        assert_eq!(apply(&mut marked, &marks), vec![FieldError::new("image_urls", K::ValInpaintNeedsMask)], "marks are not a mask");
    }

    #[test]
    fn keeping_the_rest_changes_nothing_that_is_sent() {
        let mut i = input(PLUS, &["https://a/1.png"]);
        let r = [Ready { url: "https://a/1.png", use_: RegionUse::Keep, made: None }];
        assert_eq!(apply(&mut i, &r), vec![]);
        assert_eq!(body_images(&i.to_body()), ["https://a/1.png"]);
    }
}
