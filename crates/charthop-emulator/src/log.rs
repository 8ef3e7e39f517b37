//! The request log: every API request (also the rejected ones) with what came in and the
//! status that went out, plus the CSV uploads. Also the middleware that checks the bearer token.
//!
//! Admin routes (`/_emulator/...`) are neither authenticated nor logged. Fault rules apply to
//! authenticated calls only (a bad token is always a 401).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::conn::KillSwitch;
use crate::faults::{self, Fault};
use crate::server::{ActiveFaults, ApiError, Shared, lock};

/// One request as the emulator saw it.
#[derive(Clone, Debug, Serialize)]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// The path, e.g. `/v2/org/acme/job`.
    pub path: String,
    /// The raw query string (still percent-encoded), if any.
    pub query: Option<String>,
    /// The decoded query parameters; for a repeated name, the last value.
    pub query_map: BTreeMap<String, String>,
    /// The operation id (`findJobs`, `importDataCsv`, ...), when the path is one the emulator
    /// implements.
    pub operation: Option<String>,
    /// The response status (what the handler answered, even when the connection was dropped);
    /// 499 when the client went away before the answer was ready (e.g. it timed out).
    pub status: u16,
    /// The fault switches that affected this call, by name (e.g. `too_many_requests`).
    pub faults: Vec<String>,
    /// Whether a fault dropped the connection instead of answering.
    pub dropped: bool,
    /// For an accepted `importDataCsv`, what was uploaded.
    pub upload: Option<UploadRecord>,
}

/// The flags of an `importDataCsv` call: the four it acts on and the ones it only records.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ImportFlags {
    /// `upsert`
    pub upsert: bool,
    /// `createGroups`
    pub create_groups: bool,
    /// `skipErrors`
    pub skip_errors: bool,
    /// `importDryRun`
    pub import_dry_run: bool,
    /// `notifyUserIds` (recorded only)
    pub notify_user_ids: Option<String>,
    /// `notifyAppName` (recorded only)
    pub notify_app_name: Option<String>,
    /// `importSource` (recorded only)
    pub import_source: Option<String>,
    /// `parentProcessId` (echoed on the process)
    pub parent_process_id: Option<String>,
    /// `defaultChangeDate` (recorded only)
    pub default_change_date: Option<String>,
}

/// One accepted CSV upload.
#[derive(Clone, Debug, Serialize)]
pub struct UploadRecord {
    /// The id of the process created for it.
    pub process_id: String,
    /// The query flags.
    pub flags: ImportFlags,
    /// The multipart file name, if the client sent one.
    pub file_name: Option<String>,
    /// The CSV text (BOM stripped).
    pub csv: String,
    /// The data rows as raw header -> cell maps.
    pub rows: Vec<BTreeMap<String, String>>,
}

/// Decodes a raw query string; malformed input yields what could be decoded.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let uri = format!("/?{raw}");
    uri.parse::<axum::http::Uri>()
        .ok()
        .and_then(|uri| axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri).ok())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// The last value given for `name` among decoded query pairs (a repeated parameter's last
/// value wins, as in most HTTP frameworks).
pub fn last_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

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
    if let Some(mut record) = guard.record.take() {
        record.upload = response.extensions_mut().remove::<UploadRecord>();
        record.status = response.status().as_u16();
        record.dropped = dropped;
        lock(&shared.log).push(record);
    }
    response
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_decode() {
        let pairs = query_pairs(Some("q=open%3Afilled&fields=a,b&x"));
        assert_eq!(pairs[0], ("q".to_string(), "open:filled".to_string()));
        assert_eq!(pairs[1].1, "a,b");
        assert!(query_pairs(None).is_empty());
    }
}
