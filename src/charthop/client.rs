//! HTTP calls to ChartHop: one request builder, one retry loop, one way to read answers.
//!
//! What is retried: reads, on 429, 5xx, 202 "snapshot building" and connection failures, up
//! to the attempts and the total wait of the [`RetryPolicy`]. Uploads only on 429 (ChartHop
//! refused them before reading them); anything else that may have reached ChartHop is
//! reported as [`ApiError::UploadUnknown`], never sent twice. Never retried: 400, 401, 403,
//! 404 and other 4xx answers, which would fail the same way again.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::body::error_message;
use super::clock::{Clock, SystemClock};
use super::error::ApiError;
use super::paging::JobQuery;
use super::retry::{RetryPolicy, jitter, parse_retry_after};
use super::url::{check_url, path_segment};
use super::wire::{JobsPage, Process};
use crate::secret::Secret;

/// Where ChartHop is and how patiently to talk to it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://api.charthop.com`. Plain `http` only for loopback addresses.
    pub base_url: String,
    /// Org id or slug.
    pub org: String,
    /// The bearer token; prints as `***`.
    pub token: Secret,
    /// Attempts per call, the first included (at least 1).
    pub max_attempts: u32,
    /// First retry delay; doubles each retry, with jitter, up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest single wait; also caps a server's `Retry-After`.
    pub max_backoff: Duration,
    /// The most one call may spend waiting between its attempts.
    pub retry_budget: Duration,
    /// Per-request timeout (connecting, sending and reading the answer).
    pub timeout: Duration,
}

/// Query flags of an `importDataCsv` upload.
#[derive(Debug, Clone, Default)]
pub struct ImportFlags {
    pub upsert: bool,
    pub create_groups: bool,
    pub skip_errors: bool,
    pub dry_run: bool,
    pub import_source: Option<String>,
    pub notify_app_name: Option<String>,
    /// ChartHop user ids to email when the import ends.
    pub notify_user_ids: Vec<String>,
}

/// A ChartHop API client for one org. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    base: String,
    clock: Arc<dyn Clock>,
}

/// Whether a call may be repeated after a failure that may have reached ChartHop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Safe to repeat (GET).
    Read,
    /// Repeating could apply it twice (an import upload): only a 429 is retried.
    Upload,
}

/// What a failed attempt means.
enum Outcome {
    /// Worth another try: why, and the wait the server asked for, if any.
    Retry(String, Option<Duration>),
    Fail(ApiError),
}

impl Client {
    /// Builds a client on the system clock. Fails with [`ApiError::InvalidUrl`] when the URL
    /// is not `https://` (plain `http://` is allowed for loopback addresses only, e.g. the
    /// emulator).
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// Builds a client that waits (and reads "now") through `clock`; tests pass a
    /// [`VirtualClock`](super::clock::VirtualClock). Fails like [`Client::new`].
    pub fn with_clock(config: ClientConfig, clock: Arc<dyn Clock>) -> Result<Client, ApiError> {
        let base = config.base_url.trim_end_matches('/').to_string();
        check_url(&base)?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("payroll-sync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::InvalidUrl {
                url: base.clone(),
                reason: e.to_string(),
            })?;
        Ok(Client {
            http,
            config,
            base,
            clock,
        })
    }

    /// The org id or slug this client works on.
    pub fn org(&self) -> &str {
        &self.config.org
    }

    /// The retry policy of every call.
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.config.max_attempts.max(1),
            initial_backoff: self.config.initial_backoff,
            max_backoff: self.config.max_backoff,
            budget: self.config.retry_budget,
        }
    }

    /// One page of `findJobs` (`GET /v2/org/{org}/job`) with `format=minimal`, every filter of
    /// `query`, and `from` when continuing. Use [`JobPages`](super::JobPages) to walk them all.
    pub async fn find_jobs(
        &self,
        query: &JobQuery,
        from: Option<&str>,
    ) -> Result<JobsPage, ApiError> {
        let path = format!("/v2/org/{}/job", path_segment(&self.config.org));
        let params = jobs_params(query, from);
        self.call(Method::GET, &path, &params, Mode::Read, Ok).await
    }

    /// `findJobs` as [`Client::find_jobs`], answering the page's JSON bytes undecoded (for
    /// parsing straight into the roster).
    pub async fn find_jobs_raw(
        &self,
        query: &JobQuery,
        from: Option<&str>,
    ) -> Result<Vec<u8>, ApiError> {
        let path = format!("/v2/org/{}/job", path_segment(&self.config.org));
        let params = jobs_params(query, from);
        self.call_bytes(Method::GET, &path, &params, Mode::Read, Ok)
            .await
    }

    /// `getProcess` (`GET /v1/org/{org}/process/{id}`).
    pub async fn get_process(&self, id: &str) -> Result<Process, ApiError> {
        let path = format!(
            "/v1/org/{}/process/{}",
            path_segment(&self.config.org),
            path_segment(id)
        );
        self.call(Method::GET, &path, &[], Mode::Read, Ok).await
    }

    /// Uploads a change file with `importDataCsv` and returns the process it started.
    ///
    /// Sends all six flags the spec marks required. Only a 429 is retried; a connection failure
    /// before anything was sent is [`ApiError::Unavailable`]; a failure after that, or a 5xx,
    /// is [`ApiError::UploadUnknown`] (the upload may have been applied).
    pub async fn import_csv(
        &self,
        file_name: &str,
        csv: Vec<u8>,
        flags: &ImportFlags,
    ) -> Result<Process, ApiError> {
        let path = format!("/v1/org/{}/import/csv/data", path_segment(&self.config.org));
        let mut params = vec![
            ("upsert", flags.upsert.to_string()),
            ("createGroups", flags.create_groups.to_string()),
            ("skipErrors", flags.skip_errors.to_string()),
            ("importDryRun", flags.dry_run.to_string()),
            ("disableSyncHireDate", "false".to_string()),
            ("disableOverwritePerson", "false".to_string()),
        ];
        if let Some(s) = &flags.import_source {
            params.push(("importSource", s.clone()));
        }
        if let Some(s) = &flags.notify_app_name {
            params.push(("notifyAppName", s.clone()));
        }
        if !flags.notify_user_ids.is_empty() {
            params.push(("notifyUserIds", flags.notify_user_ids.join(",")));
        }
        let file_name = file_name.to_string();
        self.call(Method::POST, &path, &params, Mode::Upload, move |req| {
            let part = reqwest::multipart::Part::bytes(csv.clone())
                .file_name(file_name.clone())
                .mime_str("text/csv")
                .map_err(|e| e.to_string())?;
            Ok(req.multipart(reqwest::multipart::Form::new().part("file", part)))
        })
        .await
    }

    /// `updateProcess` (PATCH): sets a process's status, progress, message, summary or results.
    /// Idempotent, so it is retried like a read. Any 2xx is success (the spec declares none).
    pub async fn update_process(
        &self,
        id: &str,
        update: &serde_json::Value,
    ) -> Result<(), ApiError> {
        let path = format!(
            "/v1/org/{}/process/{}",
            path_segment(&self.config.org),
            path_segment(id)
        );
        let body = update.clone();
        let _: serde_json::Value = self
            .call(Method::PATCH, &path, &[], Mode::Read, move |req| {
                Ok(req.json(&body))
            })
            .await?;
        Ok(())
    }

    /// A GET with retries, decoded from JSON (for the calls in sibling modules).
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<T, ApiError> {
        self.call(Method::GET, path, params, Mode::Read, Ok).await
    }

    /// The org path segment, URL-encoded.
    pub(super) fn org_path(&self) -> String {
        path_segment(&self.config.org)
    }

    /// Sends a request, retrying what `mode` allows, and decodes the JSON answer.
    async fn call<T, F>(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        mode: Mode,
        build: F,
    ) -> Result<T, ApiError>
    where
        T: DeserializeOwned,
        F: Fn(reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String>,
    {
        let body = self
            .call_bytes(method.clone(), path, params, mode, build)
            .await?;
        // An empty 2xx body (e.g. 204) reads as JSON `null`.
        let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &body
        };
        serde_json::from_slice(body).map_err(|e| ApiError::Decode {
            method: method.to_string(),
            path: path.to_string(),
            message: e.to_string(),
        })
    }

    /// Sends a request, retrying what `mode` allows; the successful answer's body.
    async fn call_bytes<F>(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        mode: Mode,
        build: F,
    ) -> Result<Vec<u8>, ApiError>
    where
        F: Fn(reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String>,
    {
        let url = format!("{}{}", self.base, path);
        let policy = self.policy();
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let req = self
                .http
                .request(method.clone(), &url)
                .query(params)
                .bearer_auth(self.config.token.expose())
                .header("accept", "application/json");
            let req = build(req).map_err(|message| ApiError::Decode {
                method: method.to_string(),
                path: path.to_string(),
                message,
            })?;
            let outcome = match req.send().await {
                Err(e) => self.transport_failure(&method, path, &e, mode, attempt),
                Ok(resp) => match self.judge(&method, path, resp, mode).await {
                    Ok(body) => return Ok(body),
                    Err(outcome) => outcome,
                },
            };
            let (reason, retry_after) = match outcome {
                Outcome::Fail(e) => return Err(e),
                Outcome::Retry(reason, after) => (reason, after),
            };
            let wait = policy.delay(attempt, retry_after, jitter());
            if !policy.allows(attempt, waited, wait) {
                let last = if attempt < policy.max_attempts {
                    format!(
                        "{reason} (retry budget of {}s spent)",
                        policy.budget.as_secs()
                    )
                } else {
                    reason
                };
                return Err(ApiError::Unavailable {
                    method: method.to_string(),
                    path: path.to_string(),
                    attempts: attempt,
                    last,
                });
            }
            tracing::info!(
                %method, path, attempt, wait_ms = wait.as_millis() as u64, %reason,
                "ChartHop call failed; retrying"
            );
            self.clock.sleep(wait).await;
            waited += wait;
        }
    }

    /// A request that got no answer: retried for reads; for uploads, `Unavailable` when the
    /// connection never opened (nothing was sent), `UploadUnknown` otherwise.
    fn transport_failure(
        &self,
        method: &Method,
        path: &str,
        e: &reqwest::Error,
        mode: Mode,
        attempt: u32,
    ) -> Outcome {
        let text = describe_transport(e);
        match mode {
            Mode::Read => Outcome::Retry(text, None),
            Mode::Upload if e.is_connect() => Outcome::Fail(ApiError::Unavailable {
                method: method.to_string(),
                path: path.to_string(),
                attempts: attempt,
                last: text,
            }),
            Mode::Upload => Outcome::Fail(ApiError::UploadUnknown {
                method: method.to_string(),
                path: path.to_string(),
                reason: text,
            }),
        }
    }

    /// Reads a response: the body when it is a success, or what to do next.
    async fn judge(
        &self,
        method: &Method,
        path: &str,
        resp: reqwest::Response,
        mode: Mode,
    ) -> Result<Vec<u8>, Outcome> {
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, self.clock.now()));
        let (method, path, code) = (method.to_string(), path.to_string(), status.as_u16());
        let body = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if mode == Mode::Read => {
                return Err(Outcome::Retry(
                    format!("{code}, then {}", describe_transport(&e)),
                    None,
                ));
            }
            Err(e) => {
                return Err(Outcome::Fail(ApiError::UploadUnknown {
                    method,
                    path,
                    reason: format!("{code}, then {}", describe_transport(&e)),
                }));
            }
        };
        if status == StatusCode::ACCEPTED && mode == Mode::Read {
            return Err(Outcome::Retry(
                "202 snapshot currently building".into(),
                retry_after,
            ));
        }
        if status.is_success() {
            return Ok(body);
        }
        let message = error_message(&body);
        if status == StatusCode::TOO_MANY_REQUESTS
            || (status.is_server_error() && mode == Mode::Read)
        {
            return Err(Outcome::Retry(format!("{code} {message}"), retry_after));
        }
        Err(Outcome::Fail(match status {
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized {
                method,
                path,
                status: code,
                message,
            },
            StatusCode::FORBIDDEN => ApiError::Forbidden {
                method,
                path,
                status: code,
                message,
            },
            s if s.is_server_error() => ApiError::UploadUnknown {
                method,
                path,
                reason: format!("{code} {message}"),
            },
            _ => ApiError::Status {
                method,
                path,
                status: code,
                message,
            },
        }))
    }
}

/// A transport failure in a few words (reqwest's own text can be long and names the URL).
fn describe_transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer".into()
    } else {
        "the connection failed".into()
    }
}

/// `findJobs`'s query parameters: every filter, re-sent on every page, and the cursor.
fn jobs_params(query: &JobQuery, from: Option<&str>) -> Vec<(&'static str, String)> {
    let mut params = vec![
        ("q", query.q.clone()),
        ("fields", query.fields.join(",")),
        ("format", "minimal".to_string()),
        ("limit", query.limit.to_string()),
    ];
    if let Some(date) = &query.date {
        params.push(("date", date.clone()));
    }
    if let Some(from) = from {
        params.push(("from", from.to_string()));
    }
    params
}
