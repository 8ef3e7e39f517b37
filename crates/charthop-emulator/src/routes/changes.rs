//! `findChanges`: `GET /v1/org/{orgId}/change` with `type`, `personId`, `jobId`, `date`,
//! `untilDate`, `from` and `limit`, and the wire shape of a change ([`wire`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::history::{Change, ChangeType};
use crate::query::{last_param, query_pairs};
use crate::shared::{ApiError, Shared};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// A change as `findChanges` serves it: `{id, type, date, personId, jobId, status, createAt}`
/// plus, when set, `processId`, `announceDate`, `fields` (field code -> value), and a
/// departure's `departType`, `departRegret` and `reason`.
pub fn wire(change: &Change) -> Value {
    let mut v = json!({
        "id": change.id,
        "type": change.kind.code(),
        "date": change.date.to_string(),
        "personId": change.person_id,
        "jobId": change.job_id,
        "status": change.status.code(),
        "createAt": change.create_at,
    });
    let Some(map) = v.as_object_mut() else {
        return v;
    };
    if let Some(id) = &change.process_id {
        map.insert("processId".into(), json!(id));
    }
    if let Some(d) = change.announce_date {
        map.insert("announceDate".into(), json!(d.to_string()));
    }
    if !change.fields.is_empty() {
        map.insert("fields".into(), json!(change.fields));
    }
    if let Some(d) = &change.departure {
        if let Some(t) = d.depart_type {
            map.insert("departType".into(), json!(t.code()));
        }
        if let Some(r) = d.regret {
            map.insert("departRegret".into(), json!(r.code()));
        }
        if let Some(reason) = &d.reason {
            map.insert("reason".into(), json!(reason));
        }
    }
    v
}

/// Answers `{"data":[changes], "next": last id}` (`next` only when more remain), changes in
/// id (creation) order after `from`, filtered by `type` (comma-separated, any case),
/// `personId`, `jobId`, and effective `date` from `date` to `untilDate` (both inclusive,
/// YYYY-MM-DD). 400 for an unknown type, a bad date or `limit`.
pub async fn find_changes(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    shared.check_org(&org_id)?;
    let params = query_pairs(raw.as_deref());
    let param = |name: &str| last_param(&params, name).filter(|v| !v.trim().is_empty());
    let types: Option<Vec<ChangeType>> = param("type")
        .map(|raw| {
            raw.split(',')
                .map(|t| {
                    ChangeType::parse(t).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "change type `{}` must be HIRE, DEPART or UPDATE",
                            t.trim()
                        ))
                    })
                })
                .collect()
        })
        .transpose()?;
    let date = |name: &str| -> Result<Option<NaiveDate>, ApiError> {
        param(name)
            .map(|raw| {
                crate::dates::parse_iso(raw).ok_or_else(|| {
                    ApiError::bad_request(format!("`{name}` `{raw}` must be YYYY-MM-DD"))
                })
            })
            .transpose()
    };
    let (since, until) = (date("date")?, date("untilDate")?);
    let limit = super::limit(param("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let (person, job, from) = (param("personId"), param("jobId"), param("from"));

    let (state, _) = shared.org_read();
    let mut matching = state.history.changes_after(from).filter(|c| {
        types.as_ref().is_none_or(|t| t.contains(&c.kind))
            && person.is_none_or(|p| c.person_id == p)
            && job.is_none_or(|j| c.job_id == j)
            && since.is_none_or(|d| c.date >= d)
            && until.is_none_or(|d| c.date <= d)
    });
    let page: Vec<&Change> = matching.by_ref().take(limit).collect();
    let more = matching.next().is_some();
    let mut body = Map::new();
    if more && let Some(last) = page.last() {
        body.insert("next".into(), Value::String(last.id.clone()));
    }
    body.insert(
        "data".into(),
        Value::Array(page.into_iter().map(wire).collect()),
    );
    Ok(Json(Value::Object(body)))
}
