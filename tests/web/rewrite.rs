//! Issue 24: the prompt rewrite, through the in-page demo provider (its
//! vision model adds what must stay).

use super::*;

fn html(root: &HtmlElement, css: &str) -> String {
    // Without the empty marker Leptos leaves after an element it fills.
    q(root, css).map(|e| e.inner_html().replace("<!---->", "")).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_proposal_shows_its_difference_and_is_used_kept_or_undone() {
    let root = mount().await;
    set(&root, "[name=provider]", "demo").await;
    // Nothing to improve yet: said, nothing sent.
    click(&root, "[data-testid=improve-prompt]").await;
    let err = q(&root, "[data-testid=rewrite-error]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(err.contains("Type a prompt"), "{err}");

    let typed = "make the <sky> pink";
    set(&root, "[name=prompt]", typed).await;
    click(&root, "[data-testid=improve-prompt]").await;
    assert!(q(&root, "[data-testid=rewrite-error]").is_none(), "the old problem goes");
    assert!(q(&root, "[data-testid=rewrite-running] [data-testid=rewrite-cancel]").is_some(), "a line while it runs, with cancel");
    assert!(q(&root, "[data-testid=improve-prompt][disabled]").is_some(), "one rewrite at a time");
    until(&root, "[data-testid=rewrite-proposal]", 10_000).await;
    assert!(q(&root, "[data-testid=rewrite-running]").is_none(), "the line goes with the answer");
    // The difference: the demo adds a sentence; what came from the network
    // is text, never markup.
    let diff = html(&root, ".rewrite-diff");
    assert_eq!(diff, "make the &lt;sky&gt; pink<ins> Keep everything else in image 1 unchanged.</ins>");
    assert!(q(&root, ".rewrite-diff del").is_none() && q(&root, ".rewrite-diff sky").is_none());
    let proposal = value(&root, "textarea[name=rewrite_text]");
    assert_eq!(proposal, format!("{typed} Keep everything else in image 1 unchanged."));
    assert_eq!(q(&root, "[data-testid=rewrite-cost]").and_then(|e| e.get_attribute("data-usd")).as_deref(), Some("0"), "the demo's cost");
    assert_eq!(value(&root, "[name=prompt]"), typed, "a proposal changes nothing by itself");

    // Edited, then used: the prompt is the edit; undo gives back what was typed.
    set(&root, "textarea[name=rewrite_text]", "make the sky deep pink").await;
    click(&root, "[data-testid=rewrite-use]").await;
    assert_eq!(value(&root, "[name=prompt]"), "make the sky deep pink");
    assert!(q(&root, "[data-testid=rewrite-proposal]").is_none());
    let in_use = q(&root, "[data-testid=rewrite-in-use]").expect("the typed prompt is shown");
    assert_eq!(in_use.get_attribute("data-typed-prompt").as_deref(), Some(typed));
    click(&root, "[data-testid=rewrite-undo]").await;
    assert_eq!(value(&root, "[name=prompt]"), typed);
    assert!(q(&root, "[data-testid=rewrite-in-use]").is_none());

    // Again, kept: the prompt as typed.
    click(&root, "[data-testid=improve-prompt]").await;
    until(&root, "[data-testid=rewrite-proposal]", 10_000).await;
    click(&root, "[data-testid=rewrite-keep]").await;
    assert!(q(&root, "[data-testid=rewrite-proposal]").is_none());
    assert_eq!(value(&root, "[name=prompt]"), typed);
    assert!(q(&root, "[data-testid=job]").is_none(), "no edit job was made");
    assert!(q(&root, "[data-testid=history-item]").is_none(), "nor kept in the history");

    // Cancelled while it runs: the line goes, the prompt stays.
    click(&root, "[data-testid=improve-prompt]").await;
    click(&root, "[data-testid=rewrite-cancel]").await;
    assert!(q(&root, "[data-testid=rewrite-running]").is_none() && q(&root, "[data-testid=rewrite-proposal]").is_none());
    assert!(q(&root, "[data-testid=improve-prompt]:not([disabled])").is_some());
    assert_eq!(value(&root, "[name=prompt]"), typed);
}
