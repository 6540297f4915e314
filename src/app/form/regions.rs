//! The regions drawn on the form's images (marks, masks, keep the rest)
//! and the images they change: what the form keeps of them and what a
//! submit takes.

use leptos::prelude::*;

use super::{FormState, Marked};
use crate::i18n::{Msg, K};
use crate::pixels::image::Rgba;
use crate::pixels::region::{Region, RegionUse};

impl FormState {
    /// The region on the image at `url` (untracked).
    pub fn region_of(&self, url: &str) -> Option<Region> {
        self.regions.with_untracked(|v| v.iter().find(|m| m.url == url).map(|m| m.region.clone()))
    }

    /// Keeps the region drawn on the image at `url` (whose pixels are
    /// `base`) and makes what it sends: the marked image or the mask. A
    /// region with nothing drawn is removed. Until it is made, the submit
    /// waits (as for files being prepared).
    pub fn set_region(&self, url: &str, region: Region, base: Rgba) {
        if region.shapes.is_empty() {
            self.regions.update(|v| v.retain(|m| m.url != url));
            return;
        }
        let needs = region.use_ != RegionUse::Keep;
        let entry = Marked { url: url.to_string(), region: region.clone(), made: None };
        self.regions.update(|v| match v.iter_mut().find(|m| m.url == url) {
            Some(m) => *m = entry,
            None => v.push(entry),
        });
        if !needs {
            return;
        }
        let (form, url) = (*self, url.to_string());
        form.pending.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            // Let the editor close and paint before the pixel work.
            gloo_timers::future::TimeoutFuture::new(0).await;
            let made = crate::web::pixels::made_png(&base, &region);
            match made {
                Ok(uri) => form.regions.update(|v| {
                    if let Some(m) = v.iter_mut().find(|m| m.url == url && m.region == region) {
                        m.made = Some(uri);
                    }
                }),
                Err(e) => {
                    form.regions.update(|v| v.retain(|m| !(m.url == url && m.region == region)));
                    form.file_errors.update(|v| v.push(Msg::new(K::RegionPrepareFailed).arg("error", e)));
                }
            }
            form.pending.update(|n| *n = n.saturating_sub(1));
        });
    }

    /// Puts `new` (a data URI of `size` pixels: the image turned or
    /// cropped) in the place of the image at `old`; a local file's name
    /// stays with it. The old image's region goes (the editor sets the new
    /// one's).
    pub fn replace_image(&self, old: &str, new: String, size: (u32, u32)) {
        self.draft.update(|d| {
            if let Some(u) = d.image_urls.iter_mut().find(|u| *u == old) {
                *u = new.clone();
            }
        });
        let mut named = false;
        self.local.update(|v| {
            if let Some(l) = v.iter_mut().find(|l| l.url == old) {
                if let Some(p) = l.preview.take() {
                    crate::web::images::revoke(&p);
                }
                (l.url, l.width, l.height) = (new.clone(), size.0, size.1);
                named = true;
            }
        });
        if !named {
            self.sizes.update(|v| v.push((new.clone(), Some(size))));
        }
        self.regions.update(|v| v.retain(|m| m.url != old));
    }

    /// The "keep the rest" region a submit takes with it: the first image's
    /// that has one, with that image's URL (untracked).
    pub fn keep_region(&self, feather: u32) -> Option<(String, crate::jobs::KeepRegion)> {
        let urls = self.draft.with_untracked(|d| d.image_urls.clone());
        self.regions.with_untracked(|v| {
            urls.iter().find_map(|url| {
                v.iter()
                    .find(|m| &m.url == url && m.region.use_ == RegionUse::Keep)
                    .map(|m| (url.clone(), crate::jobs::KeepRegion { image: 0, shapes: m.region.shapes.clone(), feather }))
            })
        })
    }
}
