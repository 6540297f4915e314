//! "Keep the rest": the region a job goes with, as stored in its record.


/// The region a job's results are kept to: drawn on input image `image`
/// (its place among the body's images), its edge feathered over `feather`
/// pixels.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct KeepRegion {
    pub image: usize,
    pub shapes: Vec<crate::pixels::shape::Shape>,
    pub feather: u32,
}

impl KeepRegion {
    /// What storage gave, made safe: unusable shapes dropped; `None` when
    /// nothing is left.
    pub fn sanitized(mut self) -> Option<Self> {
        self.shapes.retain(crate::pixels::shape::Shape::is_valid);
        self.shapes.truncate(crate::pixels::region::MAX_SHAPES);
        self.feather = self.feather.min(crate::api::provider::FEATHER_RANGE.1);
        (!self.shapes.is_empty()).then_some(self)
    }
}

impl super::Job {
    /// What the kept versions of this job's results are made from: its
    /// region, and the input image it was drawn on (`None` when the body
    /// no longer has it).
    pub fn keep_source(&self) -> Option<(KeepRegion, Option<String>)> {
        let r = self.region.clone()?;
        let on = crate::api::input::body_images(&self.body).get(r.image).map(|u| u.to_string());
        Some((r, on))
    }
}
