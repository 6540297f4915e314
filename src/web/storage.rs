//! Local and session storage as plain strings. Storage can be missing
//! (private modes) or full: every call tolerates that and reports `None` /
//! `false` instead of failing.

use web_sys::Storage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// Kept on this device.
    Local,
    /// Kept for this tab only.
    Session,
}

fn area(a: Area) -> Option<Storage> {
    let w = web_sys::window()?;
    match a {
        Area::Local => w.local_storage().ok().flatten(),
        Area::Session => w.session_storage().ok().flatten(),
    }
}

pub fn get(a: Area, key: &str) -> Option<String> {
    area(a)?.get_item(key).ok().flatten()
}

/// Returns whether the value was stored (false when storage is full or
/// unavailable).
pub fn set(a: Area, key: &str, value: &str) -> bool {
    area(a).is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(a: Area, key: &str) {
    if let Some(s) = area(a) {
        let _ = s.remove_item(key);
    }
}
