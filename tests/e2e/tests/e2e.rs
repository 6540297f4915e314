//! The end-to-end suite: the release build of the app in headless Chromium
//! (WebDriver), against the fake queue server. Each scenario gets a fresh
//! browser profile and its own fake server, so scenarios are independent
//! and run two at a time.
//!
//! Needs a built app: `QIE_DIST` (default `<repo>/dist`). Run through
//! `scripts/test.sh`, which builds it first.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use e2e::browser::{Driver, Engine, Host, Session, StaticServer};
use e2e::fake::{Config, FakeServer, Faults, Recorded};
use futures_util::stream::{self, StreamExt};
use serde_json::json;

mod scenarios;

type Fut<'a> = Pin<Box<dyn Future<Output = Result<()>> + 'a>>;
type Scenario = for<'a> fn(&'a Session) -> Fut<'a>;

const SECS: fn(u64) -> Duration = Duration::from_secs;

fn posts(f: &FakeServer) -> Vec<Recorded> {
    f.requests().into_iter().filter(|r| r.method == "POST").collect()
}

fn status_polls(f: &FakeServer) -> Vec<Recorded> {
    f.requests().into_iter().filter(|r| r.method == "GET" && r.path.ends_with("/status")).collect()
}

/// The built app: `QIE_DIST`, else `<repo>/dist`.
fn dist_dir() -> PathBuf {
    std::env::var("QIE_DIST").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"))
}

/// Fills the smallest valid form: a prompt and one image from `server`.
/// On a phone, dark, in Chinese: scrolls to `css`, takes the screenshot
/// `shot` and checks the page keeps the window's width.
async fn phone_dark_zh(s: &Session, css: &str, shot: &str) -> Result<()> {
    s.c.set_window_size(360, 780).await?;
    s.select("select[name=theme]", "dark").await?;
    s.select("select[name=language]", "zh-CN").await?;
    s.c.execute(&format!("document.querySelector('{css}').scrollIntoView()"), vec![]).await?;
    s.screenshot(shot).await?;
    let (scroll, inner) = (s.c.execute("return document.documentElement.scrollWidth", vec![]).await?, s.c.execute("return window.innerWidth", vec![]).await?);
    ensure!(scroll.as_u64() <= inner.as_u64(), "the page is {scroll} px wide in a {inner} px window");
    Ok(())
}

async fn fill_minimal(s: &Session, server: &str, prompt: &str) -> Result<()> {
    s.fill("textarea[name=prompt]", prompt).await?;
    s.add_image(&format!("{server}/files/input-1.png")).await
}


const SCENARIOS: &[(&str, Scenario)] = &[
    ("the_first_screen_and_the_app_agree_in_both_languages", scenarios::first_visit::the_first_screen_and_the_app_agree_in_both_languages),
    ("what_is_done_before_the_wasm_is_kept_and_acted_on_once", scenarios::first_visit::what_is_done_before_the_wasm_is_kept_and_acted_on_once),
    ("a_stored_dark_theme_shows_at_once", scenarios::first_visit::a_stored_dark_theme_shows_at_once),
    ("without_javascript_the_page_says_it_needs_it", scenarios::first_visit::without_javascript_the_page_says_it_needs_it),
    ("the_demo_needs_no_key_and_no_network", scenarios::people::the_demo_needs_no_key_and_no_network),
    ("accessible_in_both_themes", scenarios::people::accessible_in_both_themes),
    ("a_chinese_browser_gets_a_chinese_page", scenarios::people::a_chinese_browser_gets_a_chinese_page),
    ("the_lightbox_shows_results_large", scenarios::people::the_lightbox_shows_results_large),
    ("a_share_link_fills_the_form_and_sends_nothing", scenarios::people::a_share_link_fills_the_form_and_sends_nothing),
    ("reload_resumes_and_history_reruns", scenarios::durable::reload_resumes_and_history_reruns),
    ("offline_pauses_and_online_resumes", scenarios::durable::offline_pauses_and_online_resumes),
    ("stream_follows_a_job_without_polling", scenarios::durable::stream_follows_a_job_without_polling),
    ("early_closed_stream_falls_back_to_polling", scenarios::durable::early_closed_stream_falls_back_to_polling),
    ("local_file_is_sent_as_a_scaled_data_uri", scenarios::local_images::local_file_is_sent_as_a_scaled_data_uri),
    ("a_result_can_be_used_as_input", scenarios::local_images::a_result_can_be_used_as_input),
    ("phone_width_has_no_horizontal_scroll", scenarios::people::phone_width_has_no_horizontal_scroll),
    ("retry_after_zero_still_waits_a_second", scenarios::partial::retry_after_zero_still_waits_a_second),
    ("no_stream_endpoint_falls_back_to_polling", scenarios::partial::no_stream_endpoint_falls_back_to_polling),
    ("stream_405_or_not_an_event_stream_polls", scenarios::partial::stream_405_or_not_an_event_stream_polls),
    ("seed_style_paths_fall_back_to_built_urls", scenarios::partial::seed_style_paths_fall_back_to_built_urls),
    ("no_status_endpoint_polls_the_result", scenarios::partial::no_status_endpoint_polls_the_result),
    ("invalid_utf8_in_the_stream_is_survived", scenarios::partial::invalid_utf8_in_the_stream_is_survived),
    ("a_stream_of_comments_only_hands_over_to_polling", scenarios::partial::a_stream_of_comments_only_hands_over_to_polling),
    ("a_redirect_is_not_followed_with_the_key", scenarios::partial::a_redirect_is_not_followed_with_the_key),
    ("an_unusable_request_id_is_shown_not_used", scenarios::partial::an_unusable_request_id_is_shown_not_used),
    ("a_stale_job_waits_for_the_whole_key", scenarios::partial::a_stale_job_waits_for_the_whole_key),
    ("a_key_a_header_cannot_carry_is_refused_at_the_field", scenarios::partial::a_key_a_header_cannot_carry_is_refused_at_the_field),
    ("a_refused_key_pauses_the_job_until_resumed", scenarios::partial::a_refused_key_pauses_the_job_until_resumed),
    ("the_same_dist_works_under_a_path", scenarios::hosted::the_same_dist_works_under_a_path),
    ("after_one_visit_the_page_opens_offline", scenarios::hosted::after_one_visit_the_page_opens_offline),
    ("a_first_visit_fetches_each_file_once", scenarios::hosted::a_first_visit_fetches_each_file_once),
    ("a_first_visit_to_a_revalidating_host_fetches_each_file_once", scenarios::hosted::a_first_visit_to_a_revalidating_host_fetches_each_file_once),
    ("a_page_opened_as_index_html_is_kept_and_opens_offline", scenarios::hosted::a_page_opened_as_index_html_is_kept_and_opens_offline),
    ("a_first_visit_to_a_no_store_host_fetches_the_wasm_once", scenarios::hosted::a_first_visit_to_a_no_store_host_fetches_the_wasm_once),
    ("a_browser_that_refuses_site_storage_still_runs_the_app", scenarios::hosted::a_browser_that_refuses_site_storage_still_runs_the_app),
    ("a_backslash_trick_never_carries_the_key_away", scenarios::hosted::a_backslash_trick_never_carries_the_key_away),
    ("a_new_version_is_announced_and_taken_on_reload", scenarios::hosted::a_new_version_is_announced_and_taken_on_reload),
    ("a_2511_job_sends_its_own_choices", scenarios::family::a_2511_job_sends_its_own_choices),
    ("a_lora_job_sends_its_loras", scenarios::family::a_lora_job_sends_its_loras),
    ("a_subpath_model_is_followed_under_its_owner_and_name", scenarios::family::a_subpath_model_is_followed_under_its_owner_and_name),
    ("match_the_first_image_sends_its_shape", scenarios::family::match_the_first_image_sends_its_shape),
    ("the_cost_is_shown_before_and_counted_after", scenarios::family::the_cost_is_shown_before_and_counted_after),
    ("eight_variations_go_two_at_a_time", scenarios::groups::eight_variations_go_two_at_a_time),
    ("a_group_of_four_downloads_one_zip", scenarios::groups::a_group_of_four_downloads_one_zip),
    ("a_reload_polled_at_once_mounts", scenarios::durable::a_reload_polled_at_once_mounts),
    ("a_429_on_a_submit_is_waited_out_and_resent_once", scenarios::groups::a_429_on_a_submit_is_waited_out_and_resent_once),
    ("each_image_separately_sends_one_image_per_job", scenarios::groups::each_image_separately_sends_one_image_per_job),
    ("cancel_group_cancels_every_queued_job", scenarios::groups::cancel_group_cancels_every_queued_job),
    ("retry_failed_resubmits_only_the_failed", scenarios::groups::retry_failed_resubmits_only_the_failed),
    ("results_stay_when_their_links_expire", scenarios::kept::results_stay_when_their_links_expire),
    ("an_export_moves_the_history_to_a_fresh_browser", scenarios::kept::an_export_moves_the_history_to_a_fresh_browser),
    ("a_thousand_jobs_open_and_page", scenarios::kept::a_thousand_jobs_open_and_page),
    ("a_429_on_a_submit_holds_the_base", scenarios::limits::a_429_on_a_submit_holds_the_base),
    ("a_429_on_a_status_poll_holds_every_job_of_the_base", scenarios::limits::a_429_on_a_status_poll_holds_every_job_of_the_base),
    ("a_429_on_the_stream_waits_its_retry_after", scenarios::limits::a_429_on_the_stream_waits_its_retry_after),
    ("a_429_on_the_result_holds_the_base", scenarios::limits::a_429_on_the_result_holds_the_base),
    ("a_429_on_a_cancel_holds_the_base", scenarios::limits::a_429_on_a_cancel_holds_the_base),
    ("a_stream_that_only_pings_is_checked_by_status", scenarios::limits::a_stream_that_only_pings_is_checked_by_status),
    ("a_result_is_compared_with_its_input", scenarios::regions::a_result_is_compared_with_its_input),
    ("marks_and_masks_arrive_at_their_pixels", scenarios::regions::marks_and_masks_arrive_at_their_pixels),
    ("a_kept_result_keeps_the_rest_of_its_input", scenarios::regions::a_kept_result_keeps_the_rest_of_its_input),
    ("an_image_the_page_may_not_read_cannot_be_marked", scenarios::regions::an_image_the_page_may_not_read_cannot_be_marked),
    ("a_camera_angles_job_sends_its_view_and_no_prompt", scenarios::angles::a_camera_angles_job_sends_its_view_and_no_prompt),
    ("a_turntable_of_8_turns_through_its_views", scenarios::angles::a_turntable_of_8_turns_through_its_views),
    ("a_chain_of_three_replays_on_a_new_picture", scenarios::chains::a_chain_of_three_replays_on_a_new_picture),
    ("a_failed_step_stops_the_replay_until_retried", scenarios::chains::a_failed_step_stops_the_replay_until_retried),
    ("a_reload_in_the_middle_of_a_replay_repeats_nothing", scenarios::chains::a_reload_in_the_middle_of_a_replay_repeats_nothing),
    ("improve_proposes_and_a_job_keeps_both_prompts", scenarios::rewrite::improve_proposes_and_a_job_keeps_both_prompts),
    ("a_provider_without_the_rewrite_leaves_the_prompt", scenarios::rewrite::a_provider_without_the_rewrite_leaves_the_prompt),
    ("a_chinese_prompt_is_rewritten_in_chinese", scenarios::rewrite::a_chinese_prompt_is_rewritten_in_chinese),
    ("a_rewrite_waits_out_a_429_on_a_partial_relay", scenarios::rewrite::a_rewrite_waits_out_a_429_on_a_partial_relay),
    ("eight_variations_upload_the_picture_once", scenarios::uploads::eight_variations_upload_the_picture_once),
    ("a_failed_upload_says_why_and_the_job_goes_inline", scenarios::uploads::a_failed_upload_says_why_and_the_job_goes_inline),
    ("a_slow_upload_shows_progress_and_the_job_waits_for_it", scenarios::uploads::a_slow_upload_shows_progress_and_the_job_waits_for_it),
    ("a_big_inline_submit_shows_its_progress", scenarios::uploads::a_big_inline_submit_shows_its_progress),
    ("removing_a_picture_ends_its_upload", scenarios::uploads::removing_a_picture_ends_its_upload),
    ("happy_path", scenarios::edit_flow::happy_path),
    ("quiet_after_the_last_job", scenarios::edit_flow::quiet_after_the_last_job),
    ("foreign_urls_never_get_the_key", scenarios::edit_flow::foreign_urls_never_get_the_key),
    ("validation_blocks_the_submit", scenarios::edit_flow::validation_blocks_the_submit),
    ("unauthorized_key", scenarios::edit_flow::unauthorized_key),
    ("validation_error_from_the_result", scenarios::edit_flow::validation_error_from_the_result),
    ("only_the_forms_own_job_speaks_on_the_form", scenarios::edit_flow::only_the_forms_own_job_speaks_on_the_form),
    ("cancel_a_queued_job", scenarios::edit_flow::cancel_a_queued_job),
    ("rate_limit_waits_retry_after", scenarios::edit_flow::rate_limit_waits_retry_after),
    ("server_errors_are_retried_not_resubmitted", scenarios::edit_flow::server_errors_are_retried_not_resubmitted),
    ("malformed_json_is_survived", scenarios::edit_flow::malformed_json_is_survived),
    ("key_scheme_and_two_jobs_at_once", scenarios::edit_flow::key_scheme_and_two_jobs_at_once),
    ("expired_request_is_lost", scenarios::edit_flow::expired_request_is_lost),
    ("unreachable_api_is_explained", scenarios::edit_flow::unreachable_api_is_explained),
];

/// Scenarios that run in Chromium only, each with its reason; every other
/// scenario runs in all three engines.
const CHROMIUM_ONLY: &[(&str, &str)] = &[
    (
        "a_slow_upload_shows_progress_and_the_job_waits_for_it",
        "it needs a slow uplink, which only Chromium's driver can make (CDP network emulation): on loopback the sockets take a \
         picture's bytes at once, so progress jumps to the end in every engine; the uploads themselves run in every engine",
    ),
    (
        "a_big_inline_submit_shows_its_progress",
        "it needs a slow uplink, which only Chromium's driver can make (CDP network emulation), for the same reason",
    ),
    (
        "without_javascript_the_page_says_it_needs_it",
        "it switches the page's scripts off through DevTools' emulation (CDP), which only Chromium's driver offers",
    ),
    (
        "offline_pauses_and_online_resumes",
        "it needs the browser's own offline switch (navigator.onLine and the `online` event), which only Chromium's driver has (CDP \
         network emulation); offline after one visit, with the host gone, runs in every engine",
    ),
];

async fn run_one(driver: &Driver, app: &str, name: &str, f: Scenario) -> Result<()> {
    let s = Session::new(driver, app, 1280, 900).await?;
    let outcome = tokio::time::timeout(SECS(60), f(&s)).await;
    // Every scenario runs under the built page's CSP: none may break it;
    // and the console holds no error or warning nobody expected.
    // Bounded: a page still loading can hold a driver's answer for minutes.
    let csp = tokio::time::timeout(SECS(10), s.csp_violations()).await.ok().and_then(Result::ok).unwrap_or_default();
    let console = match tokio::time::timeout(SECS(10), s.console()).await {
        Ok(Ok(lines)) => lines,
        Ok(Err(e)) => vec![format!("the console could not be read: {e:#}")],
        Err(_) => vec!["the console could not be read in 10 s".to_string()],
    };
    let _ = tokio::time::timeout(SECS(15), s.close()).await;
    let outcome = match outcome {
        Ok(Ok(())) if !csp.is_empty() => Ok(Err(anyhow::anyhow!("Content-Security-Policy violations: {csp:?}"))),
        Ok(Ok(())) if !console.is_empty() => Ok(Err(anyhow::anyhow!("unexpected console errors or warnings: {console:#?}"))),
        other => other,
    };
    match outcome {
        Ok(r) => r.with_context(|| format!("scenario {name}")),
        Err(_) => bail!("scenario {name} timed out"),
    }
}

fn main() -> ExitCode {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    e2e::run(async move {
        let dist = dist_dir();
        let app = match StaticServer::start(&dist).await {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let driver = match Driver::start() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let engine = driver.engine;
        if let Some((missing, _)) = CHROMIUM_ONLY.iter().find(|(n, _)| !SCENARIOS.iter().any(|(m, _)| m == n)) {
            eprintln!("error: CHROMIUM_ONLY names no scenario {missing}");
            return ExitCode::FAILURE;
        }
        if engine != Engine::Chromium {
            for (name, why) in CHROMIUM_ONLY {
                println!("skipped in {}: {name} ({why})", engine.name());
            }
        }
        let chosen: Vec<_> = SCENARIOS
            .iter()
            .filter(|(n, _)| engine == Engine::Chromium || !CHROMIUM_ONLY.iter().any(|(c, _)| c == n))
            .filter(|(n, _)| filter.is_empty() || filter.iter().any(|f| n.contains(f.as_str())))
            .collect();
        println!("\nrunning {} end-to-end scenarios in {}", chosen.len(), engine.name());
        let started = Instant::now();
        let results: Vec<(String, Result<()>, Duration)> = stream::iter(chosen)
            .map(|(name, f)| {
                let (d, a) = (&driver, app.url.clone());
                async move {
                    let t = Instant::now();
                    let r = run_one(d, &a, name, *f).await;
                    let took = t.elapsed();
                    match &r {
                        Ok(()) => println!("test {name} ... ok ({:.1} s)", took.as_secs_f64()),
                        Err(e) => println!("test {name} ... FAILED ({:.1} s)\n    {e:#}", took.as_secs_f64()),
                    }
                    (name.to_string(), r, took)
                }
            })
            .buffer_unordered(2)
            .collect()
            .await;
        drop(driver);
        let failed: Vec<_> = results.iter().filter(|(_, r, _)| r.is_err()).map(|(n, _, _)| n.clone()).collect();
        let passed = results.len() - failed.len();
        if !failed.is_empty() {
            println!("\nfailures:");
            for n in &failed {
                println!("    {n}");
            }
        }
        let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
        println!(
            "\ntest result: {verdict}. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s\n",
            failed.len(),
            started.elapsed().as_secs_f64()
        );
        println!("{}: {passed} passed, {} failed", engine.name(), failed.len());
        if failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
