//! "Keep the rest": the region a job goes with, as stored in its record.

use serde::{Deserialize, Serialize};

/// The region a job's results are kept to: drawn on input image `image`
/// (its place among the body's images), its edge feathered over `feather`
/// pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
