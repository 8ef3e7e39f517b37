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

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

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

/// A page `{"data": rows, "next"?}` of a walk by id, written out: `next` is `last` (the last
/// row's id, given when more rows remain), or, under the `repeat_cursor` fault, the `from` the
/// client sent. The `count` rows are made by `row` one at a time as the body is written (a row
/// built for the page, or one lent), each dropped once written, so a page of a thousand rows never holds a thousand row objects at
/// once (whose small allocations, freed all together, cost the allocator about a millisecond
/// when the body itself was freed after sending, between one page and the next request).
/// The bytes are those of the page as one JSON value (keys in order: `data`, then `next`).
/// A 500 only if a row cannot be written as JSON.
pub fn page<R: Serialize>(
    count: usize,
    row: impl Fn(usize) -> R,
    last: Option<String>,
    from: Option<&str>,
    faults: &ActiveFaults,
) -> Result<Response, ApiError> {
    let next = match from {
        Some(from) if faults.has(&Fault::RepeatCursor) => Some(from.to_string()),
        _ => last,
    };
    let body = Body {
        rows: Rows { count, row },
        next: next.as_deref(),
    };
    let bytes = serde_json::to_vec(&body).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("writing the page: {e}"),
        )
    })?;
    Ok(([(CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// A page's body as [`page`] writes it.
struct Body<'a, F> {
    rows: Rows<F>,
    next: Option<&'a str>,
}

/// `count` rows, each made when it is written.
struct Rows<F> {
    count: usize,
    row: F,
}

impl<R: Serialize, F: Fn(usize) -> R> Serialize for Body<'_, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1 + usize::from(self.next.is_some())))?;
        map.serialize_entry("data", &self.rows)?;
        if let Some(next) = self.next {
            map.serialize_entry("next", next)?;
        }
        map.end()
    }
}

impl<R: Serialize, F: Fn(usize) -> R> Serialize for Rows<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.count))?;
        for i in 0..self.count {
            seq.serialize_element(&(self.row)(i))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::page;
    use crate::faults::Fault;
    use crate::shared::ActiveFaults;

    /// The page as one JSON value, the way it was built before rows were made one at a time.
    fn as_one_value(data: &[Value], next: Option<&str>) -> Vec<u8> {
        let mut body = Map::new();
        if let Some(next) = next {
            body.insert("next".into(), Value::String(next.into()));
        }
        body.insert("data".into(), Value::Array(data.to_vec()));
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default()
    }

    async fn written(
        data: &[Value],
        last: Option<&str>,
        from: Option<&str>,
        faults: &ActiveFaults,
    ) -> Vec<u8> {
        let response = page(
            data.len(),
            |i| &data[i],
            last.map(str::to_string),
            from,
            faults,
        )
        .unwrap_or_else(|e| panic!("page: {e:?}"));
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        body.map(|b| b.to_vec()).unwrap_or_default()
    }

    #[tokio::test]
    async fn a_page_written_row_by_row_is_the_page_as_one_value() {
        let rows = [
            json!({"jobId": "6a01", "name": "Ada \"A\" Lovelace", "title": null}),
            json!({"jobId": "6a02", "fields": {"b": 1, "a": [true, 2.5]}, "name": "Émile"}),
        ];
        let none = ActiveFaults::default();
        let repeat = ActiveFaults(vec![Fault::RepeatCursor]);
        for (data, last, from, faults, next) in [
            (&rows[..], Some("6a02"), None, &none, Some("6a02")),
            (&rows[..], None, Some("6a00"), &none, None),
            (&rows[..0], None, None, &none, None),
            (
                &rows[..1],
                Some("6a01"),
                Some("6a00"),
                &repeat,
                Some("6a00"),
            ),
        ] {
            assert_eq!(
                String::from_utf8_lossy(&written(data, last, from, faults).await),
                String::from_utf8_lossy(&as_one_value(data, next)),
            );
        }
    }
}
