//! The fake queue server on its own, to try the app with no key:
//! `cargo run -p e2e --bin fake-queue -- [--port 8787] [--queue-ms 4000]
//! [--run-ms 8000] [--key demo-key] [--partial seed-paths]`.

use e2e::fake::{Config, FakeServer, Partial};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut cfg = Config { key: Some("demo-key".into()), queue_ms: 4_000, run_ms: 8_000, log_lines: 8, ..Config::default() };
    let mut port = 8787u16;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| anyhow::anyhow!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => port = value()?.parse()?,
            "--queue-ms" => cfg.queue_ms = value()?.parse()?,
            "--run-ms" => cfg.run_ms = value()?.parse()?,
            "--key" => cfg.key = Some(value()?),
            "--any-key" => cfg.key = None,
            "--partial" => {
                let name = value()?;
                cfg.partial = Partial::parse(&name).ok_or_else(|| anyhow::anyhow!("--partial takes one of: {}", Partial::NAMES))?;
            }
            "--help" | "-h" => {
                println!("fake-queue [--port N] [--queue-ms N] [--run-ms N] [--key K | --any-key] [--partial NAME]");
                println!("  --partial: a relay that speaks part of the protocol, one of: {}", Partial::NAMES);
                return Ok(());
            }
            other => anyhow::bail!("unknown flag {other} (try --help)"),
        }
    }
    let key = cfg.key.clone();
    let server = FakeServer::start_on(([127, 0, 0, 1], port).into(), cfg).await?;
    println!("Fake queue server on {}", server.url);
    println!("In the app: Settings → Provider: Custom, API base URL: {}, API key: {}", server.url, key.as_deref().unwrap_or("anything"));
    println!("Reference image URLs it serves: {}/files/example-1.png (any name works). Ctrl+C stops it.", server.url);
    tokio::signal::ctrl_c().await.ok();
    Ok(())
}
