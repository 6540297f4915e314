//! "Keep the rest": a result put back into its input through the region
//! the job was submitted with (`pixels::composite::keep_rest`, the edge
//! feathered). Made in the browser when the card shows the result; the
//! task ends with the view.

use leptos::prelude::*;

use crate::api::output::download_name;
use crate::api::OutputImage;
use crate::app::FormState;
use crate::i18n::{Msg, K};
use crate::jobs::history::LOCAL_PLACEHOLDER;
use crate::jobs::KeepRegion;
use crate::pixels::composite::keep_rest;
use crate::pixels::mask::Mask;
use crate::web::lang::{i18n, t};
use crate::web::pixels::{png_object_url, read};

/// What was made: the kept image (a PNG behind an object URL), and the
/// sizes when the result had to be scaled to the input's.
#[derive(Clone, Debug, PartialEq)]
struct Made {
    uri: String,
    scaled: Option<((u32, u32), (u32, u32))>,
}

async fn make(input: Option<String>, result: String, region: KeepRegion) -> Result<Made, Msg> {
    let input = input.filter(|u| u != LOCAL_PLACEHOLDER).ok_or(Msg::new(K::KeptNoInput))?;
    let original = read(&input).await?;
    let res = read(&result).await.map_err(|_| Msg::new(K::KeptResultClosed))?;
    // Each step its own task, so the page answers between them (4 MP: the
    // mask and its feather about 50 ms, the composite 10 ms; the PNG is
    // encoded off the page's thread).
    let pause = || gloo_timers::future::TimeoutFuture::new(0);
    pause().await;
    let mask = Mask::of_shapes(original.w, original.h, &region.shapes).feathered(region.feather);
    pause().await;
    let kept = keep_rest(&original, &res, &mask);
    let scaled = kept.scaled.then_some(((res.w, res.h), (original.w, original.h)));
    drop((original, res, mask));
    pause().await;
    let uri = png_object_url(&kept.image).await.map_err(Msg::verbatim)?;
    Ok(Made { uri, scaled })
}

/// The bytes behind an object URL of ours, as a data URI (what a request
/// can carry).
async fn as_data_uri(url: &str) -> Option<String> {
    let resp = crate::web::images::fetch_ok(url).await?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(resp.blob().ok()?).await.ok()?.into();
    Some(crate::api::image::data_uri("image/png", &crate::web::images::blob_bytes(&blob).await?))
}

/// The kept version of result `index` of a job (its `input` the image the
/// region was drawn on), beside the result.
#[component]
pub fn KeptView(index: usize, result: OutputImage, input: Option<String>, region: KeepRegion, prompt: String) -> impl IntoView {
    let form = expect_context::<FormState>();
    let i = i18n();
    let made = RwSignal::new(None::<Result<Made, Msg>>);
    let url = result.url.clone();
    leptos::task::spawn_local_scoped_with_cancellation(async move {
        made.set(Some(make(input, url, region).await));
    });
    // The object URL goes with the view.
    on_cleanup(move || {
        if let Some(Some(Ok(m))) = made.try_get_untracked() {
            crate::web::images::revoke(&m.uri);
        }
    });
    let name = download_name(&format!("{prompt} kept"), None, index, Some("image/png"));
    move || match made.get() {
        None => view! { <p class="hint kept-working" role="status">{t(K::KeptWorking)}</p> }.into_any(),
        Some(Err(reason)) => view! {
            <p class="hint" data-testid="kept-refused">{i.msg(Msg::new(K::KeptRefused).arg_msg("reason", reason))}</p>
        }.into_any(),
        Some(Ok(m)) => {
            let (uri, add) = (m.uri.clone(), m.uri.clone());
            view! {
                <figure class="result kept">
                    <img data-testid="kept-image" data-url=result.url.clone() src=m.uri.clone()
                        alt=i.msg(Msg::new(K::KeptAlt).arg("n", index + 1))/>
                    <figcaption>
                        <span class="meta">{t(K::KeptLabel)}</span>
                        {m.scaled.map(|((rw, rh), (iw, ih))| view! {
                            <p class="warn" data-testid="resized-note">
                                {i.msg(Msg::new(K::KeptResized).arg("result", format!("{rw}×{rh}")).arg("input", format!("{iw}×{ih}")))}
                            </p>
                        })}
                        <a href=uri download=name.clone() data-testid="kept-download">{t(K::KeptDownload)}</a>
                        <button type="button" class="ghost small" data-testid="kept-use-as-input" title=t(K::UseAsInputTitle)
                            on:click=move |_| {
                                let add = add.clone();
                                leptos::task::spawn_local(async move {
                                    if let Some(uri) = as_data_uri(&add).await {
                                        form.add_image(uri);
                                    }
                                });
                            }>{t(K::UseAsInput)}</button>
                    </figcaption>
                </figure>
            }.into_any()
        }
    }
}
