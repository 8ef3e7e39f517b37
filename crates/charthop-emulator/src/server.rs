//! The router: which handler answers which path, behind the auth-and-log middleware.
//!
//! Layering: the top of the HTTP side. It uses `routes` (the handlers), `middleware` and
//! `shared`; nothing but the crate root (which starts the server) uses it.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::middleware::auth_and_log;
use crate::routes;
use crate::shared::{ApiError, Shared};

/// The emulator's routes: the ChartHop API (authenticated, logged) and `/_emulator/` admin.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/org/{org_id}/job", get(routes::jobs::find_jobs))
        .route(
            "/v2/org/{org_id}/person",
            get(routes::persons::find_persons),
        )
        .route(
            "/v1/org/{org_id}/change",
            get(routes::changes::find_changes),
        )
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
        .route("/v1/user/me", get(routes::users::get_me))
        .route("/v1/org/{org_id}/field", get(routes::fields::find_fields))
        .route(
            "/v1/org/{org_id}/field/built-in",
            get(routes::fields::get_builtin_fields),
        )
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
            "/_emulator/today",
            get(routes::admin::today).post(routes::admin::set_today),
        )
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
