//! Issue 34: a picture crosses the wire once — uploaded to the provider's
//! storage (the fake's, on origins of its own) and named by its URL.

use e2e::storage::{FakeStorage, StorageFaults};

use super::super::*;

/// A 3000×2000 photo on disk, for the file input.
fn photo_file(name: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("qie-e2e-up-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, e2e::png::photo(3000, 2000))?;
    Ok(path)
}

/// Custom provider on `fake`, with the storage API of `storage`.
async fn configure_storage(s: &Session, fake: &FakeServer, storage: &FakeStorage) -> Result<()> {
    s.configure(&fake.url, "Key", "test-key").await?;
    s.fill("input[name=storage_base]", &storage.api).await?;
    Ok(())
}

/// Nothing with the key reached the upload host, and every PUT went there.
fn no_key_on_the_upload_host(storage: &FakeStorage) -> Result<()> {
    let files: Vec<_> = storage.hits().into_iter().filter(|h| h.host == "files").collect();
    ensure!(!files.is_empty(), "the upload host was used");
    ensure!(files.iter().all(|h| h.authorization.is_none()), "a request with the key reached the upload host: {files:?}");
    Ok(())
}

/// One upload for 8 variations: the photo is uploaded once as soon as it
/// is added (the initiate with the key, the PUT without), every submit
/// names its URL, and a re-run after a reload sends the same URL with no
/// new upload.
pub(crate) fn eight_variations_upload_the_picture_once(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, key: Some("test-key".into()), ..Config::default() }).await?;
        let storage = FakeStorage::start("test-key", StorageFaults::default()).await?;
        configure_storage(s, &fake, &storage).await?;
        let path = photo_file("eight")?;
        s.fill("textarea[name=prompt]", "make it autumn").await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        let row = s.wait_for("[data-testid=input-image][data-uploaded]", SECS(30)).await?;
        let file_url = row.attr("data-uploaded").await?.context("the uploaded URL")?;
        // JPEG for a photo; WebKitGTK's canvas encodes PNG whatever it is asked.
        let kind = row.attr("data-type").await?.context("the picture's type")?;
        ensure!(file_url.starts_with(&format!("{}/files/", storage.files)), "the file's URL is the storage's: {file_url}");
        let (ini, puts) = (storage.initiates(), storage.puts());
        ensure!(ini.len() == 1 && puts.len() == 1, "one initiate and one PUT before any submit: {ini:?} {puts:?}");
        ensure!(ini[0].authorization.as_deref() == Some("Key test-key"), "the initiate carries the key: {:?}", ini[0].authorization);
        ensure!(puts[0].authorization.is_none() && puts[0].content_type.as_deref() == Some(kind.as_str()), "the PUT carries the {kind} and no key: {:?}", puts[0]);
        let sent = puts[0].bytes;
        ensure!(sent > 100_000, "the photo's bytes went: {sent}");
        s.fill("input[name=variations]", "8").await?;
        s.submit().await?;
        s.wait_for("[data-testid=job-group][data-total=\"8\"][data-done=\"8\"]", SECS(60)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 8, "8 submits, got {}", p.len());
        for post in &p {
            ensure!(post.json()["image_urls"] == json!([file_url]), "each submit names the URL: {}", &post.body[..post.body.len().min(200)]);
            ensure!(post.body.len() < 2_000, "no picture inline: {} bytes", post.body.len());
        }
        ensure!(storage.initiates().len() == 1 && storage.puts().len() == 1, "still one upload after 8 jobs");
        let wire: usize = p.iter().map(|r| r.body.len()).sum::<usize>() + sent;
        println!("bytes on the wire for 8 variations: {wire} ({:.2}x one copy of {sent})", wire as f64 / sent as f64);
        ensure!((wire as f64) <= 1.3 * sent as f64, "at most 1.3x one copy: {wire} for {sent}");
        // After a reload the history names the URL: a re-run sends it again.
        s.c.refresh().await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(10)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        s.click("[data-testid=history-item] button[data-testid=rerun]").await?;
        s.wait_job(0, "completed", SECS(15)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 9 && p[8].json()["image_urls"] == json!([file_url]), "the re-run names the same URL: {}", p.last().map(|r| r.body.as_str()).unwrap_or(""));
        ensure!(storage.initiates().len() == 1 && storage.puts().len() == 1, "no new upload for the re-run");
        no_key_on_the_upload_host(&storage)?;
        let _ = std::fs::remove_dir_all(path.parent().context("a folder")?);
        Ok(())
    })
}

/// Each way an upload fails is said in the row with Retry, and the job is
/// sent with the picture inline and says so; Retry then uploads it.
pub(crate) fn a_failed_upload_says_why_and_the_job_goes_inline(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        let storage = FakeStorage::start("test-key", StorageFaults { initiate_status: Some(401), ..StorageFaults::default() }).await?;
        configure_storage(s, &fake, &storage).await?;
        let path = photo_file("faults")?;
        s.fill("textarea[name=prompt]", "sharper").await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        let err = s.wait_for("[data-testid=upload-error]", SECS(30)).await?.text().await?;
        ensure!(err.contains("401") && err.contains("No user found"), "a refused key is said with the server's words: {err}");
        s.submit().await?;
        s.wait_job(0, "completed", SECS(20)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 1 && p[0].json()["image_urls"][0].as_str().is_some_and(|u| u.starts_with("data:image/")), "sent inline");
        ensure!(s.exists("[data-testid=job] [data-testid=sent-inline]").await?, "the card says it went inline");
        let faults: [(StorageFaults, &str); 5] = [
            (StorageFaults { initiate_status: Some(404), ..StorageFaults::default() }, "no storage"),
            (StorageFaults { initiate_status: Some(403), ..StorageFaults::default() }, "Exhausted balance"),
            (StorageFaults { put_status: Some(500), ..StorageFaults::default() }, "500"),
            (StorageFaults { put_expired: true, ..StorageFaults::default() }, "expired"),
            (StorageFaults { closed: true, ..StorageFaults::default() }, "CORS"),
        ];
        for (fault, words) in faults {
            storage.set_faults(fault);
            s.click("[data-testid=upload-retry]").await?;
            // The old error goes while the retry runs, then the new one comes.
            let deadline = Instant::now() + SECS(20);
            loop {
                let text = match s.find_all("[data-testid=upload-error]").await?.first() {
                    Some(e) => e.text().await.unwrap_or_default(),
                    None => String::new(),
                };
                if text.contains(words) {
                    break;
                }
                ensure!(Instant::now() < deadline, "the error for {words:?} did not show: {text:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        s.screenshot("upload-error").await?;
        phone_dark_zh(s, "[data-testid=upload-error]", "upload-error-phone-dark-zh").await?;
        storage.set_faults(StorageFaults::default());
        s.click("[data-testid=upload-retry]").await?;
        s.wait_for("[data-testid=input-image][data-uploaded]", SECS(30)).await?;
        no_key_on_the_upload_host(&storage)?;
        // No job was sent twice, none is stuck.
        ensure!(posts(&fake).len() == 1, "one submit in all");
        let _ = std::fs::remove_dir_all(path.parent().context("a folder")?);
        Ok(())
    })
}

/// On a slow uplink (Chromium's network emulation: loopback sockets take
/// a picture's bytes at once, so only a throttled link shows them go) an
/// upload shows growing progress in its row, and a job submitted meanwhile
/// says it waits for it, then names the URL.
pub(crate) fn a_slow_upload_shows_progress_and_the_job_waits_for_it(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        let storage = FakeStorage::start("test-key", StorageFaults::default()).await?;
        configure_storage(s, &fake, &storage).await?;
        // About 100 KB a second: the picture takes seconds to go.
        s.throttle(5, 20_000_000, 100_000).await?;
        let path = photo_file("slow")?;
        s.fill("textarea[name=prompt]", "slowly").await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        s.wait_for("[data-testid=upload-progress]", SECS(30)).await?;
        // Readings of the row while it uploads: bytes sent, growing.
        let mut readings: Vec<(u64, u64)> = Vec::new();
        let deadline = Instant::now() + SECS(40);
        while readings.len() < 3 {
            let row = s.find("[data-testid=input-image]").await?;
            let num = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            let reading = match row.find(fantoccini::Locator::Css("[data-testid=upload-progress]")).await {
                Ok(p) => Some((num(p.attr("data-loaded").await.unwrap_or(None)), num(p.attr("data-total").await.unwrap_or(None)))),
                Err(_) => None,
            };
            match reading {
                Some((loaded, total)) if loaded > 0 && loaded < total && readings.last().is_none_or(|l| loaded > l.0) => readings.push((loaded, total)),
                Some(_) => {}
                None => bail!("the upload ended (uploaded: {:?}) after only the readings {readings:?}", row.attr("data-uploaded").await?),
            }
            ensure!(Instant::now() < deadline, "progress readings: {readings:?}");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        s.submit().await?;
        let card = s.wait_for("[data-testid=job] [data-testid=send-progress]", SECS(10)).await?;
        ensure!(card.attr("data-total").await?.and_then(|v| v.parse::<u64>().ok()).is_some_and(|t| t > 0), "the card counts the bytes it waits for");
        s.wait_job(0, "completed", SECS(60)).await?;
        let url = s.find("[data-testid=input-image]").await?.attr("data-uploaded").await?.context("uploaded")?;
        ensure!(posts(&fake)[0].json()["image_urls"] == json!([url]), "the job named the URL once it was there");
        ensure!(storage.puts().len() == 1, "one PUT");
        s.throttle(0, 0, 0).await?;
        let _ = std::fs::remove_dir_all(path.parent().context("a folder")?);
        Ok(())
    })
}

/// Without storage a big picture goes inline: on a slow uplink (Chromium's
/// network emulation) the card shows the submit's bytes going (readings
/// that grow), and the job completes.
pub(crate) fn a_big_inline_submit_shows_its_progress(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.throttle(5, 20_000_000, 250_000).await?;
        let path = photo_file("inline")?;
        s.fill("textarea[name=prompt]", "inline").await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        s.wait_for("[data-testid=input-image][data-kind=file]", SECS(30)).await?;
        ensure!(!s.exists("[data-testid=upload-progress], [data-testid=upload-error]").await?, "no storage: no upload");
        s.submit().await?;
        let mut readings: Vec<(u64, u64)> = Vec::new();
        let deadline = Instant::now() + SECS(60);
        while readings.len() < 3 {
            if let Some(p) = s.find_all("[data-testid=job] [data-testid=send-progress]").await?.first() {
                let num = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                let (loaded, total) = (num(p.attr("data-loaded").await?), num(p.attr("data-total").await?));
                if loaded > 0 && readings.last().is_none_or(|l| loaded > l.0) {
                    readings.push((loaded, total));
                }
            }
            ensure!(Instant::now() < deadline, "progress readings: {readings:?}");
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        ensure!(readings.iter().all(|(_, t)| *t > 256 * 1024), "the whole body counts: {readings:?}");
        s.screenshot("send-progress").await?;
        s.wait_job(0, "completed", SECS(60)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 1 && p[0].json()["image_urls"][0].as_str().is_some_and(|u| u.starts_with("data:image/")), "one submit, inline");
        ensure!(p[0].authorization.as_deref() == Some("Bearer test-key"), "with the key");
        s.throttle(0, 0, 0).await?;
        let _ = std::fs::remove_dir_all(path.parent().context("a folder")?);
        Ok(())
    })
}

/// Taking a picture out of the form ends its upload: nothing is said of a
/// failure, and the same file added again is uploaded anew.
pub(crate) fn removing_a_picture_ends_its_upload(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config::default()).await?;
        let storage = FakeStorage::start("test-key", StorageFaults { put_hangs: true, ..StorageFaults::default() }).await?;
        configure_storage(s, &fake, &storage).await?;
        let path = photo_file("removed")?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        s.wait_for("[data-testid=input-image] [data-testid=upload-progress]", SECS(30)).await?;
        let deadline = Instant::now() + SECS(10);
        while storage.initiates().is_empty() {
            ensure!(Instant::now() < deadline, "the upload began");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The PUT is on its way (the storage answers it in a minute).
        tokio::time::sleep(Duration::from_millis(500)).await;
        s.click("[data-testid=input-image] [data-testid=remove-image]").await?;
        s.wait_gone("[data-testid=input-image]", SECS(2)).await?;
        storage.set_faults(StorageFaults::default());
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        s.wait_for("[data-testid=input-image][data-uploaded]", SECS(30)).await?;
        ensure!(!s.exists("[data-testid=upload-error]").await?, "an ended upload is no failure");
        ensure!(storage.initiates().len() == 2, "the file added again was uploaded anew: {:?}", storage.initiates());
        let _ = std::fs::remove_dir_all(path.parent().context("a folder")?);
        Ok(())
    })
}
