//! `runInstalledApp`: `POST /v1/app/org/{orgId}/install/{appUserId}/run`, which creates a
//! PENDING process for the app (what ChartHop's "Sync now" button does) and notifies the app
//! with a `process.create.<app>` webhook. The process then waits for the app to drive it with
//! `updateProcess`; the emulator never finishes it on its own.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::ids;
use crate::process::Process;
use crate::shared::{ApiError, ProcessEntry, Shared, lock};
use crate::webhook::{WebhookDelivery, post_json};

/// Creates the run's process and, when a webhook URL is set, delivers the event in the
/// background. The optional JSON body becomes the process's `options`. 404 for another org or
/// an `appUserId` that is not the installed app's user; 400 for a body that is not a JSON
/// object.
pub async fn run_installed_app(
    State(shared): State<Arc<Shared>>,
    Path((org_id, app_user_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Process>, ApiError> {
    shared.check_org(&org_id)?;
    let app = shared.app.clone();
    if app_user_id != app.app_user_id {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no app installed as user `{app_user_id}`"),
        ));
    }
    let options = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
        if !v.is_object() {
            return Err(ApiError::bad_request("the body must be a JSON object"));
        }
        v
    };
    let id = ids::new_id();
    let org_id = crate::shared::read(&shared.org).org.id.clone();
    let mut process = Process::pending(
        id.clone(),
        org_id.clone(),
        format!("Sync {}", app.name),
        "app",
        &app.app_user_id,
        options,
    );
    process.app_id = Some(app.app_id.clone());
    lock(&shared.processes).insert(id.clone(), ProcessEntry::new(process.clone()));
    let url = lock(&shared.webhook).url.clone();
    if let Some(url) = url {
        let code = format!("process.create.{}", app.name);
        let envelope = json!({
            "id": ids::new_id(),
            "type": code,
            "code": code,
            "entityType": "process",
            "entityId": id,
            "processId": id,
            "orgId": org_id,
            "appId": app.app_id,
            "appName": app.name,
            "userId": app.app_user_id,
            "at": chrono::Utc::now().timestamp_millis(),
        });
        tokio::spawn(async move {
            let result = post_json(&url, &envelope).await;
            if let Err(e) = &result {
                tracing::warn!("webhook delivery to {url} failed: {e}");
            }
            let delivery = WebhookDelivery {
                url,
                body: envelope,
                status: result.as_ref().ok().copied(),
                error: result.err(),
            };
            lock(&shared.webhook).deliveries.push(delivery);
        });
    }
    Ok(Json(process))
}
