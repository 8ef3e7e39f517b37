//! Recorded `findJobs` pages served over HTTP with no latency, so `plan` (the real binary, or
//! the library in-process) takes its roster from the recording through the real client.
//!
//! `GET /v2/org/{org}/job` is served from the recording: the `from` parameter picks the page
//! that the recording's `index.json` says it asks for; an unknown cursor is a 400.
//! `GET /v2/org/{org}/person` (the former-people lookup of the export's new hires) answers an
//! empty page: the bench org has no former people, so every unmatched row is a new hire.
//! `GET /v1/org/{org}/field` (the field catalogue) answers the bench org's fields
//! ([`bench_data::catalogue_page`]).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The recording, in memory.
pub struct Pages {
    by_cursor: HashMap<Option<String>, Bytes>,
}

impl Pages {
    /// Loads `dir` (`index.json` and `page-NNNNN.json`).
    pub fn load(dir: &Path) -> std::io::Result<Pages> {
        let index: Vec<Option<String>> =
            serde_json::from_slice(&std::fs::read(dir.join("index.json"))?)?;
        let mut by_cursor = HashMap::new();
        for (n, cursor) in index.into_iter().enumerate() {
            let body = std::fs::read(dir.join(bench_data::page_file(n)))?;
            by_cursor.insert(cursor, Bytes::from(body));
        }
        Ok(Pages { by_cursor })
    }
}

async fn find_jobs(State(pages): State<Arc<Pages>>, RawQuery(q): RawQuery) -> Response {
    let from = q
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("from=").map(|v| v.to_string()));
    match pages.by_cursor.get(&from) {
        Some(body) => ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response(),
        None => (StatusCode::BAD_REQUEST, "unknown cursor").into_response(),
    }
}

/// `findPersons`: nobody (see the module doc).
async fn find_persons() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"data":[]}"#,
    )
        .into_response()
}

/// `findFields`: the bench org's catalogue.
async fn find_fields() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        bench_data::catalogue_page(),
    )
        .into_response()
}

/// Serves `pages` on 127.0.0.1 (an ephemeral port) on the current runtime; returns the base
/// URL.
pub async fn serve(pages: Arc<Pages>) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new()
        .route("/v2/org/{org}/job", get(find_jobs))
        .route("/v2/org/{org}/person", get(find_persons))
        .route("/v1/org/{org}/field", get(find_fields))
        .with_state(pages);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}
