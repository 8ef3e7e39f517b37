//! HTTP handlers, one module per API area.
//!
//! Layering: handlers use `shared` (state, `ApiError`, `ActiveFaults`, the lock helper),
//! `query`, `log`'s records and the org and process modules below them; only `server` (the
//! router) uses them, and they never use `server` or `middleware`.

pub mod admin;
pub mod app;
pub mod changes;
pub mod fields;
pub mod import;
pub mod jobs;
pub mod persons;
pub mod process;
pub mod users;

use crate::shared::ApiError;

/// The `limit` query parameter: `default` when absent, else a whole number in `1..=max`; a 400
/// naming the bounds otherwise.
pub fn limit(raw: Option<&str>, default: usize, max: usize) -> Result<usize, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!("limit `{raw}` must be between 1 and {max}"))
            }),
    }
}
