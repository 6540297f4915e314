//! The scenarios, by the issue that asked for them.

pub(crate) mod edit_flow;
pub(crate) mod local_images;
pub(crate) mod durable;
pub(crate) mod people;
pub(crate) mod partial;
pub(crate) mod hosted;
pub(crate) mod family;
pub(crate) mod groups;
pub(crate) mod kept;
pub(crate) mod limits;
pub(crate) mod first_visit;
pub(crate) mod regions;
pub(crate) mod angles;
pub(crate) mod chains;
pub(crate) mod rewrite;
pub(crate) mod uploads;
