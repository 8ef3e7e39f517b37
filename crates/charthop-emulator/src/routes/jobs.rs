//! `findJobs`: `GET /v2/org/{orgId}/job` with `fields`, `format`, `q`, `limit`, `from`, and the
//! row shaping (`format=minimal` flat, `json` nested; custom values under `fields` in full
//! objects) `findPersons` shares.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Map, Value};

use crate::carrot;
use crate::faults::Fault;
use crate::fields::{DEFAULT_FIELDS, FieldCode, custom_values};
use crate::query::{last_param, query_pairs};
use crate::shared::{ActiveFaults, ApiError, Shared};
use crate::values::texts;

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 10_000;

/// Answers `{"data":[rows], "next": last id}` (`next` only when more rows remain), rows sorted
/// by job id and strictly after `from`. `date` (YYYY-MM-DD) is the day computed fields such as
/// `tenure` are taken at (the emulator keeps no history, so the jobs are today's). The org's
/// custom fields are codes like the built-in ones (in `fields=`, flat under their code, and in
/// `q`); without `fields=`, a row is a full job object whose custom values (the job's and its
/// person's) are under `fields`. 400 on an unknown field, a bad `format`, `limit`, `date` or
/// `q`.
///
/// Faults: `empty_page` answers no rows with a `next` that still leads to them;
/// `repeat_cursor` answers `next` equal to the `from` sent.
pub async fn find_jobs(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
    faults: Option<Extension<ActiveFaults>>,
) -> Result<Response, ApiError> {
    let faults = faults.map(|Extension(f)| f).unwrap_or_default();
    shared.check_org(&org_id)?;
    let params = query_pairs(raw.as_deref());
    let param = |name: &str| last_param(&params, name);
    let (state, now) = shared.org_read();
    let catalogue = &state.catalogue;

    let full = param("fields").is_none();
    let fields = parse_codes(param("fields").unwrap_or(DEFAULT_FIELDS), |code| {
        FieldCode::parse_in(code, catalogue)
    })?;
    let minimal = is_minimal(param("format"))?;
    let limit = super::limit(param("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let filter = param("q")
        .filter(|q| !q.trim().is_empty())
        .map(|q| carrot::parse(q, catalogue))
        .transpose()
        .map_err(ApiError::bad_request)?;
    let from = param("from").filter(|f| !f.is_empty());
    let as_of = match param("date").filter(|d| !d.is_empty()) {
        None => None,
        Some(raw) => Some(
            crate::dates::parse_iso(raw)
                .ok_or_else(|| ApiError::bad_request(format!("date `{raw}` must be YYYY-MM-DD")))?,
        ),
    };
    if faults.has(&Fault::EmptyPage) {
        return Ok(Json(super::empty_page(from)).into_response());
    }

    let today = as_of.unwrap_or(now);
    let mut matching = state.jobs_after(from).filter(|job| {
        filter.as_ref().is_none_or(|f| {
            f.matches(&|code| {
                code.value(job, &state, today)
                    .map_or_else(Vec::new, |v| texts(&v))
                    .into()
            })
        })
    });
    let page: Vec<_> = matching.by_ref().take(limit).collect();
    let more = matching.next().is_some();
    let row = |i: usize| {
        let job = page[i];
        let values = fields
            .iter()
            .filter_map(|(key, code)| Some((key.as_str(), code.value(job, &state, today)?)));
        let mut row = shape(values, minimal);
        if full {
            with_custom(&mut row, custom_values(job, catalogue));
        }
        row
    };
    let last = page.last().filter(|_| more).map(|job| job.id.clone());
    super::page(page.len(), row, last, from, &faults)
}

/// Puts a full object's custom values under `fields` (the spec's `Job.fields` /
/// `Person.fields`: code -> value; an empty object when none is set).
pub fn with_custom(row: &mut Value, values: Map<String, Value>) {
    if let Some(object) = row.as_object_mut() {
        object.insert("fields".into(), Value::Object(values));
    }
}

/// Splits a `fields` list on commas and parses each code with `parse`, keeping each code as
/// the client spelled it; a 400 `unknown field` naming the first unknown one.
pub fn parse_codes<F>(
    raw: &str,
    parse: impl Fn(&str) -> Option<F>,
) -> Result<Vec<(String, F)>, ApiError> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse(s)
                .map(|code| (s.to_string(), code))
                .ok_or_else(|| ApiError::bad_request(format!("unknown field `{s}`")))
        })
        .collect()
}

/// The `format` parameter: `true` for `minimal`, `false` for `json` (the default),
/// `json-extended` and `json-readable`; a 400 for anything else.
pub fn is_minimal(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw.unwrap_or("json").to_ascii_lowercase().as_str() {
        "minimal" => Ok(true),
        "json" | "json-extended" | "json-readable" => Ok(false),
        other => Err(ApiError::bad_request(format!(
            "unsupported format `{other}`"
        ))),
    }
}

/// One row: flat for `minimal`, nested otherwise.
pub fn shape<'a>(values: impl Iterator<Item = (&'a str, Value)>, minimal: bool) -> Value {
    if minimal {
        flat(values)
    } else {
        nested(values)
    }
}

/// `format=minimal`: one flat object keyed by the requested codes.
fn flat<'a>(values: impl Iterator<Item = (&'a str, Value)>) -> Value {
    Value::Object(values.map(|(k, v)| (k.to_string(), v)).collect())
}

/// `format=json`: dotted codes become nested objects (`contact.workEmail` ->
/// `{"contact":{"workEmail":..}}`). Where a scalar and an object would share a key (`name` and
/// `name.first` both requested), the later value is kept under its full dotted key instead
/// (or dropped when that key is a single segment already holding an object).
fn nested<'a>(values: impl Iterator<Item = (&'a str, Value)>) -> Value {
    let mut root = Map::new();
    for (key, value) in values {
        if !insert_path(
            &mut root,
            &key.split('.').collect::<Vec<_>>(),
            value.clone(),
        ) {
            root.entry(key.to_string()).or_insert(value);
        }
    }
    Value::Object(root)
}

fn insert_path(map: &mut Map<String, Value>, path: &[&str], value: Value) -> bool {
    match path {
        [] => false,
        [last] => match map.get(*last) {
            Some(Value::Object(_)) => false,
            _ => {
                map.insert((*last).to_string(), value);
                true
            }
        },
        [head, rest @ ..] => {
            let entry = map
                .entry((*head).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            match entry {
                Value::Object(inner) => insert_path(inner, rest, value),
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_builds_objects_and_keeps_conflicts_flat() {
        let values = vec![
            ("jobId", json!("1")),
            ("contact.workEmail", json!("a@b")),
            ("contact.homeEmail", json!("h@b")),
            ("name", json!("Ada L")),
            ("name.first", json!("Ada")),
        ];
        let got = nested(values.into_iter());
        assert_eq!(
            got,
            json!({"jobId":"1","contact":{"workEmail":"a@b","homeEmail":"h@b"},"name":"Ada L","name.first":"Ada"})
        );
    }

    #[test]
    fn fields_keep_client_spelling_and_reject_unknown() {
        let parsed = parse_codes("JobId, contact.WORKEMAIL", FieldCode::parse).unwrap_or_default();
        assert_eq!(parsed[1].0, "contact.WORKEMAIL");
        assert!(parse_codes("jobId,salary", FieldCode::parse).is_err());
    }
}
