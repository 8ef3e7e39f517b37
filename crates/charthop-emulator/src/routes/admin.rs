//! Unauthenticated, unlogged admin views under `/_emulator/` for manual runs.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::log::RequestRecord;
use crate::server::{Shared, lock};

/// The request log.
pub async fn requests(State(shared): State<Arc<Shared>>) -> Json<Vec<RequestRecord>> {
    Json(lock(&shared.log).clone())
}

/// Every job (open ones too) in minimal format with every field code.
pub async fn jobs(State(shared): State<Arc<Shared>>) -> Json<Vec<Value>> {
    let today = shared.today();
    let state = lock(&shared.org);
    let rows = state
        .jobs()
        .map(|job| {
            Value::Object(
                crate::fields::ALL
                    .iter()
                    .filter_map(|(name, code)| {
                        Some((name.to_string(), code.value(job, &state, today)?))
                    })
                    .collect(),
            )
        })
        .collect();
    Json(rows)
}
