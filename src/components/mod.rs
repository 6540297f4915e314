//! One component per file. Components read signals from context and send
//! intents (`Jobs::submit`, `Jobs::cancel`, form updates).

pub mod aspect;
pub mod chain;
pub mod controls;
pub mod diff_view;
pub mod field_error;
pub mod form;
pub mod gallery;
pub mod group;
pub mod history;
pub mod images;
pub mod job_card;
pub mod job_list;
pub mod keyed;
pub mod kept;
pub mod loras;
pub mod many;
pub mod orbit;
pub mod page;
pub mod params;
pub mod region_draw;
pub mod region_editor;
pub mod results;
pub mod rewrite;
pub mod settings;
pub mod storage;
pub mod tools;
pub mod turntable;
pub mod transfer;
pub mod update;
