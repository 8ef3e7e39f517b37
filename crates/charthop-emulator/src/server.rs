//! The shared server state, the JSON error envelope and the router.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::faults::{Fault, FaultRule};
use crate::webhook::{AppInfo, WebhookDelivery};
use chrono::NaiveDate;

use crate::log::{RequestRecord, auth_and_log};
use crate::process::{Process, ProcessEvent, ProcessUpdate};
use crate::routes;
use crate::state::OrgState;

/// A process and the events its rows produced.
#[derive(Clone, Debug)]
pub struct ProcessEntry {
    /// The process.
    pub process: Process,
    /// Per-row events, filled when the import finishes.
    pub events: Vec<ProcessEvent>,
    /// Every `updateProcess` call, oldest first.
    pub updates: Vec<ProcessUpdate>,
}

impl ProcessEntry {
    /// A new entry with no events and no updates.
    pub fn new(process: Process) -> ProcessEntry {
        ProcessEntry {
            process,
            events: Vec::new(),
            updates: Vec::new(),
        }
    }
}

/// The faults the middleware took for this call and left to the handler (request extension).
#[derive(Clone, Debug, Default)]
pub struct ActiveFaults(pub Vec<Fault>);

impl ActiveFaults {
    /// Whether `fault` is among them.
    pub fn has(&self, fault: &Fault) -> bool {
        self.0.contains(fault)
    }
}

/// Where app-run webhooks go, and what was delivered.
#[derive(Debug, Default)]
pub struct WebhookState {
    /// The target URL (`http://` only); `None`: runs create processes but notify no one.
    pub url: Option<String>,
    /// Every delivery attempt, oldest first.
    pub deliveries: Vec<WebhookDelivery>,
}

/// Everything the handlers share. Locks are never held across an `.await`.
pub struct Shared {
    /// The expected bearer token.
    pub token: String,
    /// The fixed "today", or `None` for the real date.
    pub today: Option<NaiveDate>,
    /// Delay before an import starts running; progress steps sleep a fraction of it.
    pub step_delay: Duration,
    /// Where to persist the org after each applied import.
    pub state_file: Option<PathBuf>,
    /// The org.
    pub org: Mutex<OrgState>,
    /// Processes by id.
    pub processes: Mutex<HashMap<String, ProcessEntry>>,
    /// The request log.
    pub log: Mutex<Vec<RequestRecord>>,
    /// Fault rules in force.
    pub faults: Mutex<Vec<FaultRule>>,
    /// The installed app (the token's user).
    pub app: AppInfo,
    /// The app-run webhook target and deliveries.
    pub webhook: Mutex<WebhookState>,
}

impl Shared {
    /// "Today" for tenure.
    pub fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Checks that `org` is the org's id or slug; 404 `org not found` otherwise.
    pub fn check_org(&self, org: &str) -> Result<(), ApiError> {
        let state = lock(&self.org);
        if org == state.org.id || org.eq_ignore_ascii_case(&state.org.slug) {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::NOT_FOUND, "org not found"))
        }
    }

    /// Updates a process in place; a no-op for an unknown id.
    pub fn update_process(&self, id: &str, f: impl FnOnce(&mut ProcessEntry)) {
        if let Some(entry) = lock(&self.processes).get_mut(id) {
            f(entry);
            entry.process.update_at = crate::process::now_iso();
        }
    }
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An error answered as `{"code": <status>, "message": ...}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// A 400 with this message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "code": self.status.as_u16(), "message": self.message });
        (self.status, Json(body)).into_response()
    }
}

/// The emulator's routes: the ChartHop API (authenticated, logged) and `/_emulator/` admin.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/org/{org_id}/job", get(routes::jobs::find_jobs))
        .route(
            "/v1/org/{org_id}/import/csv/data",
            post(routes::import::import_data_csv),
        )
        .route(
            "/v1/org/{org_id}/process",
            get(routes::process::find_processes),
        )
        .route(
            "/v1/org/{org_id}/process/{process_id}",
            get(routes::process::get_process).patch(routes::process::update_process),
        )
        .route("/v1/user", get(routes::users::find_users))
        .route(
            "/v1/app/org/{org_id}/install/{app_user_id}/run",
            post(routes::app::run_installed_app),
        )
        .route(
            "/v1/org/{org_id}/process/{process_id}/events",
            get(routes::process::get_process_events),
        )
        .route("/_emulator/requests", get(routes::admin::requests))
        .route("/_emulator/jobs", get(routes::admin::jobs))
        .route(
            "/_emulator/faults",
            get(routes::admin::faults)
                .post(routes::admin::add_fault)
                .delete(routes::admin::clear_faults),
        )
        .route(
            "/_emulator/webhook",
            get(routes::admin::webhook).put(routes::admin::set_webhook),
        )
        .route(
            "/_emulator/process/{process_id}/updates",
            get(routes::admin::process_updates),
        )
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not found") })
        .layer(DefaultBodyLimit::max(1 << 30))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            auth_and_log,
        ))
        .with_state(shared)
}
