//! The region editor's record for one input image: what the marks are for,
//! the shapes, and the undo and redo steps. Kept with the form's images
//! (storage, reloads) as one serde record.


use super::shape::{self, Shape};

/// What an image's marks are for (`name="region_use"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum RegionUse {
    /// Burned into the image that is sent.
    #[default]
    Marks,
    /// The painted area is the inpainting mask.
    Mask,
    /// The area goes with the job; each result gets a version that keeps
    /// the rest of the original.
    Keep,
}

impl RegionUse {
    pub const ALL: [RegionUse; 3] = [RegionUse::Marks, RegionUse::Mask, RegionUse::Keep];

    pub fn as_str(self) -> &'static str {
        match self {
            RegionUse::Marks => "marks",
            RegionUse::Mask => "mask",
            RegionUse::Keep => "keep",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        RegionUse::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// A step that can be undone.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum Step {
    /// A shape was added (it is the last one).
    Add,
    /// Everything was cleared: these were the shapes.
    Clear(Vec<Shape>),
}

/// A step that can be redone.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum Redo {
    Add(Shape),
    Clear,
}

/// The most steps kept for undo (older ones are forgotten, not the shapes).
pub const MAX_UNDO: usize = 200;
/// The most shapes on one image.
pub const MAX_SHAPES: usize = 1_000;

#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Region {
    #[cfg_attr(test, serde(rename = "use", default))]
    pub use_: RegionUse,
    #[cfg_attr(test, serde(default))]
    pub shapes: Vec<Shape>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub undo: Vec<Step>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub redo: Vec<Redo>,
}

impl Region {
    /// Adds a drawn shape (refused, `false`, if its numbers are not usable
    /// or the image already holds [`MAX_SHAPES`]).
    pub fn add(&mut self, shape: Shape) -> bool {
        if !shape.is_valid() || self.shapes.len() >= MAX_SHAPES {
            return false;
        }
        self.shapes.push(shape);
        self.push_undo(Step::Add);
        self.redo.clear();
        true
    }

    pub fn clear(&mut self) {
        if self.shapes.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.shapes);
        self.push_undo(Step::Clear(old));
        self.redo.clear();
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo(&mut self) {
        match self.undo.pop() {
            Some(Step::Add) => {
                if let Some(s) = self.shapes.pop() {
                    self.redo.push(Redo::Add(s));
                }
            }
            Some(Step::Clear(old)) => {
                self.shapes = old;
                self.redo.push(Redo::Clear);
            }
            None => {}
        }
    }

    pub fn redo(&mut self) {
        match self.redo.pop() {
            Some(Redo::Add(s)) => {
                self.shapes.push(s);
                self.push_undo(Step::Add);
            }
            Some(Redo::Clear) => {
                let old = std::mem::take(&mut self.shapes);
                self.push_undo(Step::Clear(old));
            }
            None => {}
        }
    }

    fn push_undo(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
    }

    /// What storage or a link gave, made safe: unusable shapes dropped, the
    /// undo steps kept only if they still agree with the shapes.
    pub fn sanitized(mut self) -> Self {
        let before = self.shapes.len();
        self.shapes.retain(Shape::is_valid);
        self.shapes.truncate(MAX_SHAPES);
        let adds = self.undo.iter().filter(|s| matches!(s, Step::Add)).count();
        let consistent = self.shapes.len() == before
            && adds <= self.shapes.len()
            && self.undo.iter().all(|s| match s {
                Step::Add => true,
                Step::Clear(old) => old.iter().all(Shape::is_valid),
            })
            && self.redo.iter().all(|r| match r {
                Redo::Add(s) => s.is_valid(),
                Redo::Clear => true,
            });
        if !consistent {
            self.undo.clear();
            self.redo.clear();
        }
        self.undo.truncate(MAX_UNDO);
        self
    }

    /// The marks follow the image turned 90° clockwise (`h`: its height
    /// before). Undo steps are transformed with them.
    pub fn rotated_cw(&self, h: u32) -> Region {
        self.map(|s| shape::rotate_cw(s, h))
    }

    /// The marks follow a crop whose top left was `(x, y)`.
    pub fn cropped(&self, x: u32, y: u32) -> Region {
        self.map(|s| shape::translate(s, x, y))
    }

    fn map(&self, f: impl Fn(&Shape) -> Shape) -> Region {
        Region {
            use_: self.use_,
            shapes: self.shapes.iter().map(&f).collect(),
            undo: self
                .undo
                .iter()
                .map(|s| match s {
                    Step::Add => Step::Add,
                    Step::Clear(old) => Step::Clear(old.iter().map(&f).collect()),
                })
                .collect(),
            redo: self
                .redo
                .iter()
                .map(|r| match r {
                    Redo::Add(s) => Redo::Add(f(s)),
                    Redo::Clear => Redo::Clear,
                })
                .collect(),
        }
    }
}
