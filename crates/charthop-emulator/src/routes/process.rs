//! `getProcess` and `getProcessEvents`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::process::Process;
use crate::server::{ApiError, Shared, lock};

/// The process with this id; 404 `process not found` for an unknown id.
pub async fn get_process(
    State(shared): State<Arc<Shared>>,
    Path((org_id, process_id)): Path<(String, String)>,
) -> Result<Json<Process>, ApiError> {
    shared.check_org(&org_id)?;
    lock(&shared.processes)
        .get(&process_id)
        .map(|e| Json(e.process.clone()))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "process not found"))
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
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "process not found"))
}
