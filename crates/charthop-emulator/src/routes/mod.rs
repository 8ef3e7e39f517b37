//! HTTP handlers, one module per API area.

pub mod admin;
pub mod app;
pub mod import;
pub mod jobs;
pub mod process;
pub mod users;
