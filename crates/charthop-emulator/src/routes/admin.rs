//! Unauthenticated, unlogged admin views and switches under `/_emulator/` for manual runs:
//! the request log, the jobs, the clock, fault rules, the app webhook target and process
//! update history.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::faults::FaultRule;
use crate::log::RequestRecord;
use crate::process::ProcessUpdate;
use crate::shared::{ApiError, Shared, lock};

/// The request log.
pub async fn requests(State(shared): State<Arc<Shared>>) -> Json<Vec<RequestRecord>> {
    Json(lock(&shared.log).clone())
}

/// Every job (open ones too) in minimal format with every field code (custom fields too).
pub async fn jobs(State(shared): State<Arc<Shared>>) -> Json<Vec<Value>> {
    let (state, today) = shared.org_read();
    let codes = crate::fields::FieldCode::every_in(&state.catalogue);
    let rows = state
        .jobs()
        .map(|job| {
            Value::Object(
                codes
                    .iter()
                    .filter_map(|(name, code)| {
                        Some((name.clone(), code.value(job, &state, today)?))
                    })
                    .collect(),
            )
        })
        .collect();
    Json(rows)
}

/// `{"date": "YYYY-MM-DD", "explicit": bool}`: the clock's today, and whether it was set
/// (`--today` or `POST`) rather than taken from the system's UTC date.
pub async fn today(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let (state, today) = shared.org_read();
    Json(json!({ "date": today.to_string(), "explicit": state.clock.is_some() }))
}

/// Sets the clock: body `{"date": "YYYY-MM-DD"}` (or `{"date": null}` to follow the system's
/// UTC date again); what comes due by the new today is carried out at once, and the setting
/// is kept in the state file. Answers like `GET`. 400 for any other body; 500 when the state
/// file cannot be written.
pub async fn set_today(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let v: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
    let date = match v.get("date") {
        Some(Value::String(s)) => Some(
            crate::dates::parse_iso(s)
                .ok_or_else(|| ApiError::bad_request(format!("date `{s}` must be YYYY-MM-DD")))?,
        ),
        Some(Value::Null) => None,
        _ => {
            return Err(ApiError::bad_request(
                r#"expected {"date": "YYYY-MM-DD"} or {"date": null}"#,
            ));
        }
    };
    let today = shared
        .set_today(date)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Json(
        json!({ "date": today.to_string(), "explicit": date.is_some() }),
    ))
}

/// The fault rules in force.
pub async fn faults(State(shared): State<Arc<Shared>>) -> Json<Vec<FaultRule>> {
    Json(lock(&shared.faults).clone())
}

/// Adds a fault rule (body: a [`FaultRule`] as JSON, e.g.
/// `{"operation":"findJobs","times":2,"fault":{"type":"too_many_requests","retry_after":"2"}}`).
/// 400 for an unknown operation, fault type or field.
pub async fn add_fault(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Vec<FaultRule>>, ApiError> {
    let rule: FaultRule = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("not a fault rule: {e}")))?;
    crate::faults::check(&rule).map_err(ApiError::bad_request)?;
    let mut rules = lock(&shared.faults);
    rules.push(rule);
    Ok(Json(rules.clone()))
}

/// Removes every fault rule.
pub async fn clear_faults(State(shared): State<Arc<Shared>>) -> Json<Vec<FaultRule>> {
    lock(&shared.faults).clear();
    Json(Vec::new())
}

/// `{"app": AppInfo, "url": .., "deliveries": [..]}`.
pub async fn webhook(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let state = lock(&shared.webhook);
    Json(json!({ "app": shared.app, "url": state.url, "deliveries": state.deliveries }))
}

/// Sets the webhook target: body `{"url": "http://..."}`, or `{"url": null}` to stop
/// notifying. 400 for anything else.
pub async fn set_webhook(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let v: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
    let url = match v.get("url") {
        Some(Value::String(u)) if u.starts_with("http://") => Some(u.clone()),
        Some(Value::Null) => None,
        _ => {
            return Err(ApiError::bad_request(
                r#"expected {"url": "http://host:port/path"} or {"url": null}"#,
            ));
        }
    };
    lock(&shared.webhook).url = url.clone();
    Ok(Json(json!({ "url": url })))
}

/// Every `updateProcess` call on this process; 404 for an unknown id.
pub async fn process_updates(
    State(shared): State<Arc<Shared>>,
    Path(process_id): Path<String>,
) -> Result<Json<Vec<ProcessUpdate>>, ApiError> {
    lock(&shared.processes)
        .get(&process_id)
        .map(|e| Json(e.updates.clone()))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "process not found"))
}
