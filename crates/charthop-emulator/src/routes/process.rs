//! `getProcess`, `updateProcess`, `getProcessEvents` and `findProcesses`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::process::{Process, ProcessUpdate, STATUS_NAMES, Status, now_iso};
use crate::query::{last_param, query_pairs};
use crate::shared::{ApiError, Shared, lock};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "process not found")
}

/// The process with this id; 404 `process not found` for an unknown id.
pub async fn get_process(
    State(shared): State<Arc<Shared>>,
    Path((org_id, process_id)): Path<(String, String)>,
) -> Result<Json<Process>, ApiError> {
    shared.check_org(&org_id)?;
    lock(&shared.processes)
        .get(&process_id)
        .map(|e| Json(e.process.clone()))
        .ok_or_else(not_found)
}

/// Applies an `UpdateProcess` body (`status`, `message`, `progress`, `results`, `summary`,
/// `options`, `appId`, and the stored-only `logDataList`, `state`, `filePath`,
/// `internalError`), records the call, and answers the updated process (the spec declares no
/// success body; 200 with the process is what a client can use best).
///
/// 400 for a body that is not a JSON object, an unknown status, a non-numeric progress, or a
/// non-string text field; 404 for an unknown process.
pub async fn update_process(
    State(shared): State<Arc<Shared>>,
    Path((org_id, process_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Process>, ApiError> {
    shared.check_org(&org_id)?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
    let patch = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("the body must be a JSON object"))?;
    let status = match patch.get("status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(Status::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!(
                "status `{s}` must be one of {}",
                STATUS_NAMES.join(", ")
            ))
        })?),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "status must be a string, not {other}"
            )));
        }
    };
    let progress =
        match patch.get("progress") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_f64().filter(|p| p.is_finite()).ok_or_else(|| {
                ApiError::bad_request(format!("progress must be a number, not {v}"))
            })?),
        };
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match patch.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(ApiError::bad_request(format!(
                "{key} must be a string, not {other}"
            ))),
        }
    };
    let (message, summary, app_id) = (text("message")?, text("summary")?, text("appId")?);
    for key in ["filePath", "internalError"] {
        text(key)?;
    }
    let mut processes = lock(&shared.processes);
    let entry = processes.get_mut(&process_id).ok_or_else(not_found)?;
    let p = &mut entry.process;
    if let Some(s) = status {
        p.status = s;
        if s == Status::Running && p.start_at.is_none() {
            p.start_at = Some(now_iso());
        }
        if matches!(s, Status::Done | Status::DoneWithErrors | Status::Error) {
            p.end_at = Some(now_iso());
        }
    }
    if let Some(v) = progress {
        p.progress = v;
    }
    if message.is_some() {
        p.message = message;
    }
    if summary.is_some() {
        p.summary = summary;
    }
    if app_id.is_some() {
        p.app_id = app_id;
    }
    if let Some(results) = patch.get("results").filter(|v| !v.is_null()) {
        p.results = Some(results.clone());
    }
    if let Some(options) = patch.get("options").filter(|v| v.is_object()) {
        p.options = options.clone();
    }
    for key in ["logDataList", "state", "filePath", "internalError"] {
        if let Some(v) = patch.get(key).filter(|v| !v.is_null()) {
            p.extra.insert(key.to_string(), v.clone());
        }
    }
    p.update_at = now_iso();
    let update = ProcessUpdate {
        at: p.update_at.clone(),
        body: body.clone(),
        status: p.status.name(),
        progress: p.progress,
    };
    let answer = p.clone();
    entry.updates.push(update);
    Ok(Json(answer))
}

/// `{"events": [...]}`: one event per row, available once the process has finished (empty
/// before); 404 for an unknown id.
pub async fn get_process_events(
    State(shared): State<Arc<Shared>>,
    Path((org_id, process_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    shared.check_org(&org_id)?;
    lock(&shared.processes)
        .get(&process_id)
        .map(|e| Json(json!({ "events": e.events })))
        .ok_or_else(not_found)
}

/// `{"data":[Process], "next"?}`, oldest first, filtered by `statuses`, `processTypes`,
/// `parentProcessId`, `appId`, `isAppProcess`, `isParentProcess`, `runUserId`,
/// `createAtFrom` (inclusive) / `createAtUntil` (exclusive), and `searchValue` (a
/// case-insensitive substring of the label, summary, message, or the `importSource` the
/// upload named); paged with `from`/`limit`. `type`, `syncDirections` and `syncCauses` are
/// accepted and ignored (the emulator does not model sync causes). 400 for a bad status,
/// boolean or limit.
pub async fn find_processes(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    shared.check_org(&org_id)?;
    let params = query_pairs(raw.as_deref());
    let param = |name: &str| last_param(&params, name).filter(|v| !v.is_empty());
    let boolean = |name: &str| -> Result<Option<bool>, ApiError> {
        match param(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::bad_request(format!(
                "`{name}` must be true or false, not `{v}`"
            ))),
        }
    };
    let statuses = param("statuses")
        .map(|list| {
            list.split(',')
                .map(|s| {
                    Status::parse(s.trim()).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "status `{}` must be one of {}",
                            s.trim(),
                            STATUS_NAMES.join(", ")
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let types: Option<Vec<String>> =
        param("processTypes").map(|t| t.split(',').map(|s| s.trim().to_lowercase()).collect());
    let (is_app, is_parent) = (boolean("isAppProcess")?, boolean("isParentProcess")?);
    let limit = super::limit(param("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let search = param("searchValue").map(str::to_lowercase);
    let processes = lock(&shared.processes);
    let parents: Vec<&str> = processes
        .values()
        .filter_map(|e| e.process.parent_process_id.as_deref())
        .collect();
    let mut found: Vec<&Process> = processes
        .values()
        .map(|e| &e.process)
        .filter(|p| {
            statuses.as_ref().is_none_or(|s| s.contains(&p.status))
                && types
                    .as_ref()
                    .is_none_or(|t| t.contains(&p.kind.to_lowercase()))
                && param("parentProcessId")
                    .is_none_or(|id| p.parent_process_id.as_deref() == Some(id))
                && param("appId").is_none_or(|id| p.app_id.as_deref() == Some(id))
                && is_app.is_none_or(|want| p.app_id.is_some() == want)
                && is_parent.is_none_or(|want| parents.contains(&p.id.as_str()) == want)
                && param("runUserId").is_none_or(|id| p.run_user_id == id)
                && param("createAtFrom").is_none_or(|t| p.create_at.as_str() >= t)
                && param("createAtUntil").is_none_or(|t| p.create_at.as_str() < t)
                && search.as_ref().is_none_or(|s| matches_search(p, s))
                && param("from").is_none_or(|from| p.id.as_str() > from)
        })
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    let more = found.len() > limit;
    found.truncate(limit);
    let mut body = json!({ "data": found });
    if more && let Some(last) = found.last() {
        body["next"] = Value::String(last.id.clone());
    }
    Ok(Json(body))
}

/// Whether the lower-cased `needle` is in the label, summary, message or `importSource`.
fn matches_search(p: &Process, needle: &str) -> bool {
    let source = p.options.get("importSource").and_then(Value::as_str);
    [
        Some(p.label.as_str()),
        p.summary.as_deref(),
        p.message.as_deref(),
        source,
    ]
    .into_iter()
    .flatten()
    .any(|text| text.to_lowercase().contains(needle))
}
