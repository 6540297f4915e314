#[cfg(target_arch = "wasm32")]
fn main() {
    qwen_studio::components::page::mount();
}

// The app only runs in a browser; on the host this binary does nothing so
// that `cargo test` can build the crate and test its plain-Rust layers.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
