//! The one request loop every ChartHop call goes through: building, sending, judging the
//! answer, retrying.
//!
//! What is retried: reads, on 429, 5xx, 202 "snapshot building" and connection failures, up
//! to the attempts and the total wait of the [`RetryPolicy`](super::RetryPolicy). Uploads only on 429 (ChartHop
//! refused them before reading them); anything else that may have reached ChartHop is
//! reported as [`ApiError::UploadUnknown`], never sent twice. Never retried: 400, 401, 403,
//! 404 and other 4xx answers, nor a refused TLS certificate, which would fail the same way
//! again.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::body::error_message;
use super::client::Client;
use super::error::ApiError;
use super::retry::{jitter, parse_retry_after};

/// Whether a call may be repeated after a failure that may have reached ChartHop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
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
    /// A GET with retries, decoded from JSON (for the calls in sibling modules).
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<T, ApiError> {
        self.call(Method::GET, path, params, Mode::Read, Ok).await
    }

    /// Sends a request, retrying what `mode` allows, and decodes the JSON answer.
    pub(super) async fn call<T, F>(
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
    pub(super) async fn call_bytes<F>(
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
                Err(e) => match super::tls::refusal(&e) {
                    Some(reason) => Outcome::Fail(ApiError::Certificate {
                        method: method.to_string(),
                        url: self.base.clone(),
                        reason,
                    }),
                    None => self.transport_failure(&method, path, &e, mode, attempt),
                },
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
            Ok(b) => Vec::from(b),
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
