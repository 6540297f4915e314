#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    mount_to_body(|| {
        let count = RwSignal::new(0);
        view! { <button on:click=move |_| *count.write() += 1>"Count: " {count}</button> }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
