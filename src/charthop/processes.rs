//! Processes (reading, updating, finding them, and an import's per-row events) and users.

use reqwest::Method;
use serde::Deserialize;

use super::client::Client;
use super::error::ApiError;
use super::transport::Mode;
use super::url::path_segment;
use super::wire::Process;

/// A page of `findProcesses`.
#[derive(Debug, Deserialize)]
struct ProcessPage {
    #[serde(default)]
    data: Vec<Process>,
}

/// One per-row event of an import process (`getProcessEvents`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEvent {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub entity_data: Option<serde_json::Value>,
    #[serde(default)]
    pub updates: Vec<EventUpdate>,
}

/// One update inside a process event.
#[derive(Debug, Clone, Deserialize)]
pub struct EventUpdate {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
}

impl ProcessEvent {
    /// The error message of an `ERROR` event, if this is one.
    pub fn error(&self) -> Option<String> {
        let is_error = self
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("ERROR"))
            || self.updates.iter().any(|u| {
                u.kind
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case("ERROR"))
            });
        if !is_error {
            return None;
        }
        let message = self
            .updates
            .iter()
            .filter_map(|u| {
                u.payload
                    .as_ref()?
                    .get("errorMessage")?
                    .as_str()
                    .map(str::to_string)
            })
            .next();
        Some(message.unwrap_or_else(|| "ChartHop reported an error for this row".into()))
    }

    /// A value of the event's entity data, as text.
    pub fn entity(&self, key: &str) -> Option<String> {
        let v = self.entity_data.as_ref()?.get(key)?;
        match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
struct EventsBody {
    #[serde(default)]
    events: Vec<ProcessEvent>,
}

/// A ChartHop user, as `findUsers` returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UserPage {
    #[serde(default)]
    data: Vec<User>,
}

impl Client {
    /// `getProcess` (`GET /v1/org/{org}/process/{id}`).
    pub async fn get_process(&self, id: &str) -> Result<Process, ApiError> {
        let path = format!("/v1/org/{}/process/{}", self.org_path(), path_segment(id));
        self.call(Method::GET, &path, &[], Mode::Read, Ok).await
    }

    /// `updateProcess` (PATCH): sets a process's status, progress, message, summary or results.
    /// Idempotent, so it is retried like a read. Any 2xx is success (the spec declares none).
    pub async fn update_process(
        &self,
        id: &str,
        update: &serde_json::Value,
    ) -> Result<(), ApiError> {
        let path = format!("/v1/org/{}/process/{}", self.org_path(), path_segment(id));
        let body = update.clone();
        let _: serde_json::Value = self
            .call(Method::PATCH, &path, &[], Mode::Read, move |req| {
                Ok(req.json(&body))
            })
            .await?;
        Ok(())
    }

    /// `findProcesses` with `searchValue` (matched against the process's label and import
    /// source), newest first as ChartHop returns them.
    pub async fn find_processes(&self, search: &str) -> Result<Vec<Process>, ApiError> {
        let path = format!("/v1/org/{}/process", self.org_path());
        let query = [
            ("searchValue", search.to_string()),
            ("limit", "50".to_string()),
        ];
        let page: ProcessPage = self.get_json(&path, &query).await?;
        Ok(page.data)
    }

    /// `getProcessEvents`: what an import did, row by row.
    pub async fn process_events(&self, id: &str) -> Result<Vec<ProcessEvent>, ApiError> {
        let path = format!(
            "/v1/org/{}/process/{}/events",
            self.org_path(),
            path_segment(id)
        );
        let body: EventsBody = self.get_json(&path, &[]).await?;
        Ok(body.events)
    }

    /// `findUsers` for one email: the users of this org whose name or email matches.
    pub async fn find_users(&self, q: &str) -> Result<Vec<User>, ApiError> {
        let query = [
            ("orgId", self.org().to_string()),
            ("q", q.to_string()),
            ("limit", "20".to_string()),
        ];
        let page: UserPage = self.get_json("/v1/user", &query).await?;
        Ok(page.data)
    }
}
