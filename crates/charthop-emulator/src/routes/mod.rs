//! HTTP handlers, one module per API area, and what the paged reads share (`limit`, a page's
//! body with its faults).
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

use serde_json::{Map, Value};

use crate::faults::Fault;
use crate::shared::{ActiveFaults, ApiError};

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

/// The `empty_page` fault's answer for a page asked `from` an id: no rows, and a `next` that
/// still leads to every row after `from` (ids are 24 characters, so any id after `from` sorts
/// after `from` + "0").
pub fn empty_page(from: Option<&str>) -> Value {
    serde_json::json!({ "data": [], "next": format!("{}0", from.unwrap_or_default()) })
}

/// A page `{"data": rows, "next"?}` of a walk by id: `next` is `last` (the last row's id, given
/// when more rows remain), or, under the `repeat_cursor` fault, the `from` the client sent.
pub fn page(
    data: Vec<Value>,
    last: Option<String>,
    from: Option<&str>,
    faults: &ActiveFaults,
) -> Value {
    let mut body = Map::new();
    let next = match from {
        Some(from) if faults.has(&Fault::RepeatCursor) => Some(from.to_string()),
        _ => last,
    };
    if let Some(next) = next {
        body.insert("next".into(), Value::String(next));
    }
    body.insert("data".into(), Value::Array(data));
    Value::Object(body)
}
