use leptos::prelude::*;

use crate::api::image::human_bytes;
use crate::api::output::{download_name, is_safe_image_url};
use crate::api::EditOutput;
use crate::app::Shown;
use crate::components::kept::KeptView;
use crate::jobs::KeepRegion;
use crate::api::OutputImage;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

/// The images of a finished job, each with its size, a full-size link and a
/// download, and a notice where the safety checker blanked one.
#[component]
pub fn Results(
    job: u64,
    output: EditOutput,
    prompt: String,
    input: Option<String>,
    /// "Keep the rest": the job's region and the input it was drawn on.
    keep: Option<(KeepRegion, Option<String>)>,
) -> impl IntoView {
    let form = crate::app::state().form;
    let gallery = crate::app::state().gallery;
    let i18n = i18n();
    let all = output.images.clone();
    let seed = output.seed;
    view! {
        <div class="results">
            {output.images.into_iter().enumerate().map(|(i, img)| {
                let meta = [
                    img.width.zip(img.height).map(|(w, h)| format!("{w}×{h}")),
                    img.content_type.as_deref().map(|t| t.trim_start_matches("image/").to_ascii_uppercase()),
                    img.file_size.map(human_bytes),
                ].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                if !is_safe_image_url(&img.url) {
                    return view! {
                        <figure class="result unsafe">
                            <p>{t(K::UnsafeResult)}</p>
                            <code>{img.url}</code>
                        </figure>
                    }.into_any();
                }
                let name = download_name(&prompt, seed, i, img.content_type.as_deref());
                let kept = keep.clone().map(|(region, on)| view! { <KeptView job=job index=i result=img.clone() input=on region=region prompt=prompt.clone()/> });
                view! {
                    <figure class="result">
                        <button type="button" class="img-button" aria-label=i18n.msg(Msg::new(K::ShowLarge).arg("n", i + 1)) on:click={
                            let (all, input) = (all.clone(), input.clone());
                            move |_| gallery.0.set(Some(Shown::new(all.clone(), i, input.clone())))
                        }>
                            <img
                                data-testid="result-image"
                                src=img.url.clone()
                                data-url=img.url.clone()
                                on:error=crate::web::copies::fall_back(job, i)
                                alt=i18n.msg(Msg::new(K::ResultAlt).arg("n", i + 1))
                                width=img.width.map(|w| w.to_string())
                                height=img.height.map(|h| h.to_string())
                            />
                        </button>
                        <figcaption>
                            {img.nsfw.then(|| view! {
                                <p class="nsfw" data-testid="nsfw-notice">{t(K::NsfwNotice)}</p>
                            })}
                            <span class="meta">{meta}</span>
                            <a href=img.url.clone() target="_blank" rel="noopener noreferrer">{t(K::FullSize)}</a>
                            <a href=img.url.clone() download=name.clone() on:click={
                                let (url, name) = (img.url.clone(), name.clone());
                                move |ev| {
                                    // Cross-origin hosts ignore `download`: fetch the bytes and save
                                    // them under the useful name; if the host refuses, open the image.
                                    if !url.starts_with("data:") {
                                        ev.prevent_default();
                                        let (url, name) = (url.clone(), name.clone());
                                        leptos::task::spawn_local(async move { crate::web::images::download(&url, &name, job, i).await });
                                    }
                                }
                            }>{t(K::Download)}</a>
                            <PickButton job=job index=i image=img.clone()/>
                            {input.clone().map(|before| {
                                let all = all.clone();
                                view! {
                                    <button type="button" class="ghost small" data-testid="compare-input" title=t(K::CompareInputTitle)
                                        on:click=move |_| gallery.0.set(Some(Shown { compare: true, diff: true, ..Shown::new(all.clone(), i, Some(before.clone())) }))
                                    >{t(K::CompareInput)}</button>
                                }
                            })}
                            <button type="button" class="ghost small" data-testid="use-as-input"
                                title=t(K::UseAsInputTitle)
                                on:click={
                                    let url = img.url.clone();
                                    move |_| form.add_image(url.clone())
                                }>{t(K::UseAsInput)}</button>
                        </figcaption>
                    </figure>
                    {kept}
                }.into_any()
            }).collect_view()}
            {seed.map(|s| view! { <p class="seed" data-testid="result-seed">{t(K::Seed)} " " <code>{s}</code></p> })}
        </div>
    }
}

/// Picks a result for comparison (or takes it back).
#[component]
pub fn PickButton(job: u64, index: usize, image: OutputImage) -> impl IntoView {
    let picks = crate::app::state().picks;
    let on = move || picks.has((job, index));
    view! {
        <button type="button" class="ghost small" data-testid="pick-compare" aria-pressed=move || on().to_string()
            title=t(K::PickCompareTitle) on:click=move |_| picks.toggle((job, index), &image)>{t(K::PickCompare)}</button>
    }
}

/// Two results picked: compare them in the lightbox.
#[component]
pub fn CompareBar() -> impl IntoView {
    let picks = crate::app::state().picks;
    let gallery = crate::app::state().gallery;
    let open = move |_| {
        let p = picks.0.get_untracked();
        if let [(_, a), (_, b)] = p.as_slice() {
            gallery.0.set(Some(Shown { compare: true, ..Shown::new(vec![b.clone()], 0, Some(a.url.clone())) }));
        }
    };
    // Not over the lightbox.
    move || (picks.0.with(Vec::len) == 2 && gallery.0.with(Option::is_none)).then(|| view! {
        <div class="compare-bar" role="status">
            <span>{t(K::PickedTwo)}</span>
            <button type="button" class="primary small" data-testid="open-compare" on:click=open>{t(K::CompareOpen)}</button>
            <button type="button" class="ghost small" data-testid="clear-compare" on:click=move |_| picks.0.set(Vec::new())>{t(K::CompareClear)}</button>
        </div>
    })
}
