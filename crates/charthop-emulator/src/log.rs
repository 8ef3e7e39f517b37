//! The request log: every API request (also the rejected ones) with what came in and the
//! status that went out, plus the CSV uploads. Also the middleware that checks the bearer token.
//!
//! Admin routes (`/_emulator/...`) are neither authenticated nor logged.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::server::{ApiError, Shared, lock};

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
    /// The response status.
    pub status: u16,
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

/// Middleware: checks `Authorization: Bearer <token>` (401 otherwise) and logs the exchange.
pub async fn auth_and_log(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_emulator/") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().map(str::to_string);
    let expected = format!("Bearer {}", shared.token);
    let authorized = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(expected.as_str());
    let mut response = if authorized {
        next.run(request).await
    } else {
        ApiError::new(axum::http::StatusCode::UNAUTHORIZED, "not authorized").into_response()
    };
    let upload = response.extensions_mut().remove::<UploadRecord>();
    let query_map = query_pairs(query.as_deref()).into_iter().collect();
    let record = RequestRecord {
        method,
        path,
        query,
        query_map,
        status: response.status().as_u16(),
        upload,
    };
    lock(&shared.log).push(record);
    response
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
