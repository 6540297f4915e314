//! Did the model keep the rest? A result against its job's first input:
//! the per-pixel difference as a heat map, and the share of pixels that
//! changed (`crate::pixels::diff`). Both pictures are read through a
//! canvas; one whose host does not share its pixels is said so.

use leptos::prelude::*;

use crate::components::job_card::tenths;
use crate::i18n::{Msg, K};
use crate::pixels::diff::difference;
use crate::web::lang::{i18n, t};
use crate::web::pixels::{png_data_uri, read};

/// What the comparison found: the heat map (a PNG data URI) and its size,
/// the share changed, whether the result was scaled to compare.
#[derive(Clone)]
struct Found {
    heat: String,
    size: (u32, u32),
    percent: String,
    scaled: bool,
}

#[component]
pub fn DiffView(input: String, result: String) -> impl IntoView {
    let i = i18n();
    // Read, compared and drawn by a task that ends with the view.
    let found = RwSignal::new(None::<Result<Found, Msg>>);
    crate::web::spawn_scoped(async move {
        let compared = async {
            let (a, b) = (read(&input).await?, read(&result).await?);
            let d = difference(&a, &b, None);
            let heat = png_data_uri(&d.heat).map_err(Msg::verbatim)?;
            Ok(Found { heat, size: (d.heat.w, d.heat.h), percent: tenths(d.changed_outside), scaled: d.scaled })
        };
        found.set(Some(compared.await));
    });
    view! {
        <div class="diff-view" data-testid="diff-view">
            {move || match found.get() {
                None => view! { <p class="hint">{t(K::DifferenceWorking)}</p> }.into_any(),
                Some(Err(why)) => view! { <p class="warn" data-testid="diff-refused" role="status">{i.msg(why)}</p> }.into_any(),
                Some(Ok(f)) => {
                    let text = Msg::new(if f.scaled { K::DifferenceFigureScaled } else { K::DifferenceFigure }).arg("percent", f.percent.clone());
                    view! {
                        <img src=f.heat width=f.size.0.to_string() height=f.size.1.to_string() alt=t(K::DifferenceAlt)/>
                        <p data-testid="changed-outside" data-percent=f.percent>{i.msg(text)}</p>
                    }.into_any()
                }
            }}
        </div>
    }
}
