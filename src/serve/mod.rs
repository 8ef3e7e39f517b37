//! `payroll-sync serve`: the webhook server for ChartHop's "Sync now" button and change events
//! (README.md, "Sync now": the webhook server).
//!
//! `POST /webhooks/charthop/{secret}` answers at once and works in the background: a
//! `process.create.<app>` event queues a sync (one at a time, each process once), a `job.*`,
//! `person.*` or `change.*` event appends the job to the outbound feed. `GET /healthz` says the
//! server is up. SIGTERM stops taking webhooks and lets a running sync finish (or marks its
//! process ERROR after the grace period).

pub mod envelope;
mod feed;
mod reporter;
pub mod secret;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use tokio::sync::watch;

pub use reporter::ProcessReporter;
pub use worker::newest_export;

use crate::charthop::Client;
use crate::pipeline::Error;
use crate::settings::{ServeSettings, Settings};

/// The largest webhook body accepted.
pub const MAX_BODY: usize = 64 * 1024;

struct AppState {
    serve: ServeSettings,
    client: Client,
    queue: worker::Queue,
    feed: feed::Limiter,
}

/// Serves until SIGINT or SIGTERM. `ready` receives the bound address (for `--listen` port 0).
pub async fn run(
    settings: Settings,
    client: Client,
    grace: Duration,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), Error> {
    let serve = settings.serve()?;
    let listener = tokio::net::TcpListener::bind(&serve.listen)
        .await
        .map_err(|source| Error::Io {
            what: format!("listening on `{}`", serve.listen),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Io {
        what: "reading the listening address".into(),
        source,
    })?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let (queue, worker_task) = worker::start(
        worker::Worker {
            settings,
            serve: serve.clone(),
            client: client.clone(),
            grace,
        },
        stop_rx,
    );
    let state = Arc::new(AppState {
        serve,
        client,
        queue,
        feed: feed::Limiter::new(),
    });
    let app = router(state);
    ready(addr);
    tracing::info!(%addr, "serving ChartHop webhooks");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            shutdown_signal().await;
            tracing::info!("shutting down: no new webhooks; a running sync may finish");
        })
        .await
        .map_err(|source| Error::Io {
            what: "serving webhooks".into(),
            source,
        })?;
    let _ = stop_tx.send(true);
    let _ = worker_task.await;
    Ok(())
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/webhooks/charthop/{secret}", post(webhook))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

async fn webhook(
    State(state): State<Arc<AppState>>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Response {
    if !secret::matches(
        secret.as_bytes(),
        state.serve.webhook_secret.expose().as_bytes(),
    ) {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"code": 404, "message": "not found"})),
        )
            .into_response();
    }
    let events = match envelope::parse(&body) {
        Ok(e) => e,
        Err(e) => {
            tracing::info!(error = %e, "rejected a malformed webhook");
            return (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({"code": 400, "message": e.to_string()})),
            )
                .into_response();
        }
    };
    let mut queued = 0;
    let mut feed = 0;
    let mut ignored = 0;
    let mut busy = 0;
    for event in events {
        if let Some(id) = event.process_to_run(&state.serve.app_name) {
            match state.queue.offer(id) {
                worker::Offer::Queued => queued += 1,
                worker::Offer::Duplicate => ignored += 1,
                worker::Offer::Busy => busy += 1,
            }
        } else if let (Some(job), Some(path)) =
            (event.job_to_fetch(), state.serve.feed_file.clone())
        {
            // At most FEED_WAITING fetches wait (FEED_FETCHES at once): a flood of change
            // events never becomes a flood of reads.
            let Some(slot) = state.feed.try_claim() else {
                busy += 1;
                continue;
            };
            feed += 1;
            let client = state.client.clone();
            let (code, job) = (event.code.clone(), job.to_string());
            tokio::spawn(async move {
                let _permit = slot.fetching().await;
                if let Err(e) = feed::append_job(&client, &path, &code, &job).await {
                    tracing::warn!(job = %job, error = %e, "could not fetch a changed job for the feed");
                }
            });
        } else {
            ignored += 1;
        }
    }
    // Something could not be taken now: ask ChartHop to deliver it again later.
    let status = if busy > 0 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::ACCEPTED
    };
    (
        status,
        Json(serde_json::json!({"queued": queued, "feed": feed, "ignored": ignored, "busy": busy})),
    )
        .into_response()
}
