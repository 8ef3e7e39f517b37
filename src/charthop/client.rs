//! HTTP calls to ChartHop with bounded, jittered retries.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::wire::{ErrorBody, JobsPage, Process};
use crate::secret::Secret;

/// Where ChartHop is and how patiently to talk to it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://api.charthop.com`. Plain `http` only for loopback addresses.
    pub base_url: String,
    /// Org id or slug.
    pub org: String,
    pub token: Secret,
    /// Attempts per call, the first included (at least 1).
    pub max_attempts: u32,
    /// First retry delay; doubles each retry, with jitter, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Per-request timeout.
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

/// A ChartHop API client for one org.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    base: String,
}

enum Outcome {
    /// Worth another try; the delay the server asked for, if any.
    Retry(String, Option<Duration>),
    Fail(ApiError),
}

impl Client {
    /// Builds a client. Fails with [`ApiError::InvalidUrl`] when the URL is not `https://`
    /// (plain `http://` is allowed for loopback addresses only, e.g. the emulator).
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
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
        Ok(Client { http, config, base })
    }

    /// The org id or slug, as configured.
    pub fn org_id(&self) -> &str {
        &self.config.org
    }

    /// The org path segment, URL-encoded.
    pub(super) fn org_path(&self) -> String {
        let mut out = String::new();
        for b in self.config.org.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// One page of `findJobs` (`GET /v2/org/{org}/job`).
    pub async fn find_jobs(
        &self,
        fields: &[String],
        q: &str,
        limit: u32,
        from: Option<&str>,
    ) -> Result<JobsPage, ApiError> {
        let path = format!("/v2/org/{}/job", self.org_path());
        let mut query = vec![
            ("q".to_string(), q.to_string()),
            ("fields".to_string(), fields.join(",")),
            ("format".to_string(), "minimal".to_string()),
            ("limit".to_string(), limit.to_string()),
        ];
        if let Some(from) = from {
            query.push(("from".to_string(), from.to_string()));
        }
        self.get_json(&path, &query).await
    }

    /// `getProcess`.
    pub async fn get_process(&self, id: &str) -> Result<Process, ApiError> {
        let path = format!("/v1/org/{}/process/{}", self.org_path(), id);
        self.get_json(&path, &[]).await
    }

    /// `updateProcess` (PATCH): sets a process's status, progress, message, summary or results.
    /// Idempotent, so it is retried like a read. Any 2xx is success (the spec declares none).
    pub async fn update_process(
        &self,
        id: &str,
        update: &serde_json::Value,
    ) -> Result<(), ApiError> {
        let path = format!("/v1/org/{}/process/{}", self.org_path(), id);
        let body = update.clone();
        let _: serde_json::Value = self
            .call(Method::PATCH, &path, &[], false, move |req| {
                Ok(req.json(&body))
            })
            .await?;
        Ok(())
    }

    /// Uploads a change file with `importDataCsv` and returns the process it started.
    ///
    /// Only a 429 is retried: any other failure may have reached ChartHop, and uploading twice
    /// would import twice.
    pub async fn import_csv(
        &self,
        file_name: &str,
        csv: Vec<u8>,
        flags: &ImportFlags,
    ) -> Result<Process, ApiError> {
        let path = format!("/v1/org/{}/import/csv/data", self.org_path());
        let mut query = vec![
            ("upsert".to_string(), flags.upsert.to_string()),
            ("createGroups".to_string(), flags.create_groups.to_string()),
            ("skipErrors".to_string(), flags.skip_errors.to_string()),
            ("importDryRun".to_string(), flags.dry_run.to_string()),
            ("disableSyncHireDate".to_string(), "false".to_string()),
            ("disableOverwritePerson".to_string(), "false".to_string()),
        ];
        if let Some(s) = &flags.import_source {
            query.push(("importSource".to_string(), s.clone()));
        }
        if let Some(s) = &flags.notify_app_name {
            query.push(("notifyAppName".to_string(), s.clone()));
        }
        if !flags.notify_user_ids.is_empty() {
            query.push(("notifyUserIds".to_string(), flags.notify_user_ids.join(",")));
        }
        let file_name = file_name.to_string();
        self.call(Method::POST, &path, &query, true, move |req| {
            let part = reqwest::multipart::Part::bytes(csv.clone())
                .file_name(file_name.clone())
                .mime_str("text/csv")
                .map_err(|e| e.to_string())?;
            Ok(req.multipart(reqwest::multipart::Form::new().part("file", part)))
        })
        .await
    }

    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<T, ApiError> {
        self.call(Method::GET, path, query, false, Ok).await
    }

    /// Sends a request, retrying what is safe to retry, and decodes the JSON answer.
    async fn call<T, F>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        only_429: bool,
        build: F,
    ) -> Result<T, ApiError>
    where
        T: DeserializeOwned,
        F: Fn(reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String>,
    {
        let url = format!("{}{}", self.base, path);
        let attempts = self.config.max_attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            let req = self
                .http
                .request(method.clone(), &url)
                .query(query)
                .bearer_auth(self.config.token.expose())
                .header("accept", "application/json");
            let req = build(req).map_err(|message| ApiError::Decode {
                method: method.to_string(),
                path: path.to_string(),
                message,
            })?;
            let outcome = match req.send().await {
                Err(e) => {
                    let text = describe_transport(&e);
                    if only_429 {
                        Outcome::Fail(ApiError::Unavailable {
                            method: method.to_string(),
                            path: path.to_string(),
                            attempts: attempt,
                            last: text,
                        })
                    } else {
                        Outcome::Retry(text, None)
                    }
                }
                Ok(resp) => match self.judge(&method, path, resp, only_429).await {
                    Ok(body) => {
                        let body = if body.iter().all(u8::is_ascii_whitespace) {
                            b"null".to_vec()
                        } else {
                            body
                        };
                        return serde_json::from_slice(&body).map_err(|e| ApiError::Decode {
                            method: method.to_string(),
                            path: path.to_string(),
                            message: e.to_string(),
                        });
                    }
                    Err(o) => o,
                },
            };
            match outcome {
                Outcome::Fail(e) => return Err(e),
                Outcome::Retry(text, after) => {
                    tracing::debug!(%method, path, attempt, reason = %text, "ChartHop call will be retried");
                    last = text;
                    if attempt < attempts {
                        tokio::time::sleep(self.backoff(attempt, after)).await;
                    }
                }
            }
        }
        Err(ApiError::Unavailable {
            method: method.to_string(),
            path: path.to_string(),
            attempts,
            last,
        })
    }

    /// Reads a response: the body when it is a success, or what to do next.
    async fn judge(
        &self,
        method: &Method,
        path: &str,
        resp: reqwest::Response,
        only_429: bool,
    ) -> Result<Vec<u8>, Outcome> {
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        if status == StatusCode::ACCEPTED && !only_429 {
            return Err(Outcome::Retry("202 snapshot building".into(), retry_after));
        }
        if status.is_success() {
            return Ok(body);
        }
        let message = error_message(&body);
        if status == StatusCode::TOO_MANY_REQUESTS || (status.is_server_error() && !only_429) {
            return Err(Outcome::Retry(
                format!("{} {message}", status.as_u16()),
                retry_after,
            ));
        }
        let (method, path, code) = (method.to_string(), path.to_string(), status.as_u16());
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
            _ => ApiError::Status {
                method,
                path,
                status: code,
                message,
            },
        }))
    }

    /// The wait before retry number `attempt` (1-based): the server's `Retry-After` when given
    /// (clamped to `max_backoff`), else exponential backoff with full jitter in its upper half.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(d) = retry_after {
            return d.min(self.config.max_backoff.max(Duration::from_secs(1)));
        }
        let exp = self
            .config
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.config.max_backoff);
        let jitter = 0.5 + 0.5 * pseudo_random();
        exp.mul_f64(jitter)
    }
}

/// A number in [0, 1) that differs between calls, for jitter (not for anything secret).
fn pseudo_random() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` as seconds or as an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// ChartHop's `{code, message}` error body, or the plain text, shortened.
fn error_message(body: &[u8]) -> String {
    if let Ok(ErrorBody { message: Some(m) }) = serde_json::from_slice::<ErrorBody>(body) {
        return m;
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(no message)".into();
    }
    text.chars().take(300).collect()
}

fn describe_transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        "connection failed".into()
    }
}

/// `https://` anywhere; `http://` only to a loopback host.
fn check_url(url: &str) -> Result<(), ApiError> {
    let bad = |reason: &str| ApiError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(bad(
                    "plain http is refused except to a loopback address; use https://",
                ))
            }
        }
        other => Err(bad(&format!("unsupported scheme `{other}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("https://api.charthop.com").is_ok());
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://localhost:1").is_ok());
        assert!(check_url("http://[::1]:1").is_ok());
        assert!(check_url("http://api.charthop.com").is_err());
        assert!(check_url("ftp://x").is_err());
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            error_message(br#"{"code":400,"message":"invalid data"}"#),
            "invalid data"
        );
        assert_eq!(error_message(b"oops"), "oops");
        assert_eq!(error_message(b""), "(no message)");
    }
}
