//! "Keep the rest": a result put back into its input through the region
//! the job was submitted with (`pixels::composite::keep_rest`, the edge
//! feathered). Made in the browser when the card shows the result (the
//! task ends with the view), kept with the job's copies.

use leptos::prelude::*;

use crate::api::output::download_name;
use crate::api::OutputImage;
use crate::i18n::{Msg, K};
use crate::jobs::KeepRegion;
use crate::web::copies;
use crate::web::images::js_err;
use crate::web::lang::{i18n, t};
use crate::web::pixels::{kept_png, Scaled};
use web_sys::Blob;

/// What is shown: the kept image (a PNG behind an object URL), and the
/// sizes when the result had to be scaled to the input's.
#[derive(Clone, Debug, PartialEq)]
struct Made {
    uri: String,
    scaled: Option<Scaled>,
}

/// The bytes behind an object URL of ours, as a data URI (what a request
/// can carry).
async fn as_data_uri(url: &str) -> Option<String> {
    let resp = crate::web::images::fetch_ok(url).await?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(resp.blob().ok()?).await.ok()?.into();
    Some(crate::api::image::data_uri("image/png", &crate::web::images::blob_bytes(&blob).await?))
}

/// The kept version of result `index` of job `job` (its `input` the image
/// the region was drawn on), beside the result. Made on the page when it
/// can be (the result and the input readable); else its copy, if one was
/// kept. One made while the job holds copies is kept with them.
#[component]
pub fn KeptView(job: u64, index: usize, result: OutputImage, input: Option<String>, region: KeepRegion, prompt: String) -> impl IntoView {
    let form = crate::app::state().form;
    let jobs = crate::app::state().jobs;
    let i = i18n();
    let made = RwSignal::new(None::<Result<Made, Msg>>);
    // The PNG made here, until it is kept as a copy.
    let fresh: StoredValue<Option<Blob>, LocalStorage> = StoredValue::new_local(None);
    let url = result.url.clone();
    crate::web::spawn_scoped(async move {
        let got = match kept_png(input.as_deref(), &url, &region).await {
            Ok((blob, scaled)) => {
                fresh.set_value(Some(blob.clone()));
                Ok((blob, scaled))
            }
            Err(why) => copies::find_kept(job, index).await.map(|b| (b, None)).ok_or(why),
        };
        made.set(Some(got.and_then(|(blob, scaled)| {
            let uri = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| Msg::verbatim(js_err(e)))?;
            Ok(Made { uri, scaled })
        })));
    });
    Effect::new(move |_| {
        if made.with(|m| matches!(m, Some(Ok(_)))) && jobs.holds_copies(job) {
            if let Some(blob) = fresh.try_update_value(Option::take).flatten() {
                leptos::task::spawn_local(async move { jobs.keep_kept(job, index, blob).await });
            }
        }
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
