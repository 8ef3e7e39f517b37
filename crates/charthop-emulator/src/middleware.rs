//! The middleware in front of every API route: it checks the bearer token, applies the fault
//! rules matching the call's operation, and records the exchange in the request log.
//!
//! Admin routes (`/_emulator/...`) are neither authenticated nor logged. Fault rules apply to
//! authenticated calls only (a bad token is always a 401).
//!
//! Layering: uses `shared` (state, [`ApiError`], [`ActiveFaults`]), `log` (the records),
//! `faults`, `conn` and `query`; only `server` (the router) uses it.

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::conn::KillSwitch;
use crate::faults::{self, Fault};
use crate::log::{RequestRecord, UploadRecord};
use crate::query::query_pairs;
use crate::shared::{ActiveFaults, ApiError, Shared, lock};

/// Middleware: checks `Authorization: Bearer <token>` (401 otherwise), applies the fault
/// rules matching the call's operation, and logs the exchange.
pub async fn auth_and_log(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_emulator/") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().map(str::to_string);
    let operation = faults::operation(&method, &path);
    let expected = format!("Bearer {}", shared.token);
    let authorized = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(expected.as_str());
    let mut guard = Unanswered {
        shared: shared.clone(),
        record: Some(RequestRecord {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            query_map: query_pairs(query.as_deref()).into_iter().collect(),
            operation: operation.map(str::to_string),
            status: 499,
            faults: Vec::new(),
            dropped: false,
            upload: None,
        }),
    };
    let switch = request
        .extensions()
        .get::<ConnectInfo<KillSwitch>>()
        .map(|c| c.0.clone());
    let mut active = Vec::new();
    let mut dropped = false;
    let arrived = tokio::time::Instant::now();
    let mut response = if !authorized {
        ApiError::new(StatusCode::UNAUTHORIZED, "not authorized").into_response()
    } else {
        if let Some(op) = operation {
            active = faults::take(&mut lock(&shared.faults), op);
        }
        if let Some(record) = guard.record.as_mut() {
            record.faults = active.iter().map(|f| f.name().to_string()).collect();
        }
        for fault in &active {
            if let Fault::Slow { delay_ms } = fault {
                tokio::time::sleep(std::time::Duration::from_millis(*delay_ms)).await;
            }
        }
        match active.iter().find(|f| f.short_circuits()) {
            Some(fault) => {
                if *fault == Fault::DropMidUpload
                    && let Some(switch) = &switch
                {
                    switch.kill();
                    dropped = true;
                }
                fault_response(fault)
            }
            None => {
                request
                    .extensions_mut()
                    .insert(ActiveFaults(active.clone()));
                let response = next.run(request).await;
                if active.contains(&Fault::DropAfterProcessCreated)
                    && response.status().is_success()
                    && let Some(switch) = &switch
                {
                    switch.kill();
                    dropped = true;
                }
                response
            }
        }
    };
    // The response is built (its body serialized) by now: wait out the rest of a latency.
    if let Some(ms) = active.iter().find_map(|f| match f {
        Fault::Latency { ms } => Some(*ms),
        _ => None,
    }) {
        wait_until(arrived + std::time::Duration::from_millis(ms)).await;
    }
    if let Some(mut record) = guard.record.take() {
        record.upload = response.extensions_mut().remove::<UploadRecord>();
        record.status = response.status().as_u16();
        record.dropped = dropped;
        lock(&shared.log).push(record);
    }
    response
}

/// Waits until `deadline`, to within a few hundredths of a millisecond. Tokio's timer wakes a
/// task at its next 1 ms tick or later (1-2 ms late here), which a walk of 100 pages at a
/// 100 ms response time would add up to 0.1-0.2 s the fastest client could not avoid; so the
/// timer sleeps until shortly before, and the last stretch (at most 3 ms) is spun on this
/// worker. Handing it to the system's sleep on a blocking thread, as before, still answered
/// 0.3-0.5 ms late: waking the worker again costs that on this machine (curl saw a page at
/// 100.9-102.4 ms then, 100.6-100.8 ms now).
async fn wait_until(deadline: tokio::time::Instant) {
    const TIMER_SLACK: std::time::Duration = std::time::Duration::from_millis(3);
    if let Some(early) = deadline.checked_sub(TIMER_SLACK) {
        tokio::time::sleep_until(early).await;
    }
    while tokio::time::Instant::now() < deadline {
        std::hint::spin_loop();
    }
}

/// Logs a request whose handling was abandoned (the client hung up first) with status 499.
struct Unanswered {
    shared: Arc<Shared>,
    record: Option<RequestRecord>,
}

impl Drop for Unanswered {
    fn drop(&mut self) {
        if let Some(record) = self.record.take() {
            lock(&self.shared.log).push(record);
        }
    }
}

/// The answer of a short-circuiting fault.
fn fault_response(fault: &Fault) -> Response {
    match fault {
        Fault::TooManyRequests { retry_after } => {
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests").into_response();
            if let Some(value) = retry_after
                && let Ok(value) = HeaderValue::from_str(value)
            {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
        Fault::ServerError { status } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = status.canonical_reason().unwrap_or("server error");
            ApiError::new(status, message.to_lowercase()).into_response()
        }
        Fault::ClientError { status, message } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST);
            ApiError::new(status, message.clone()).into_response()
        }
        Fault::SnapshotBuilding => {
            ApiError::new(StatusCode::ACCEPTED, "snapshot currently building").into_response()
        }
        _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "connection dropped").into_response(),
    }
}
