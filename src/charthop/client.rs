//! The ChartHop client: where ChartHop is, the token, the retry policy, and the HTTP client.
//!
//! The calls live beside it, one file per part of the API ([`jobs`](super::jobs),
//! [`imports`](super::imports), [`processes`](super::processes)), each an `impl Client` block
//! over the one request loop in [`transport`](super::transport). This file only builds the
//! client; it imports none of them (the `impl` blocks are split across files by API area,
//! which is why they use `Client` and not the other way round).

use std::sync::Arc;
use std::time::Duration;

use super::clock::{Clock, SystemClock};
use super::error::ApiError;
use super::retry::RetryPolicy;
use super::url::{check_url, path_segment};
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
    /// A PEM file of certificates trusted beside the system's roots (`charthop.ca_file`): a
    /// private CA, or a TLS-inspecting proxy's.
    pub ca_file: Option<std::path::PathBuf>,
}

/// A ChartHop API client for one org. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    pub(super) config: ClientConfig,
    /// The base URL, without a trailing `/`.
    pub(super) base: String,
    /// What retries wait on.
    pub(super) clock: Arc<dyn Clock>,
}

impl Client {
    /// Builds a client on the system clock. Fails with [`ApiError::InvalidUrl`] when the URL
    /// is not `https://` (plain `http://` is allowed for loopback addresses only, e.g. the
    /// emulator), and with [`ApiError::CaFile`] when `ca_file` is set but holds no readable
    /// certificate.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// Builds a client that waits (and reads "now") through `clock`; tests pass a
    /// [`VirtualClock`](super::clock::VirtualClock). Fails like [`Client::new`].
    pub fn with_clock(config: ClientConfig, clock: Arc<dyn Clock>) -> Result<Client, ApiError> {
        let base = config.base_url.trim_end_matches('/').to_string();
        check_url(&base)?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder();
        let plain = reqwest::Url::parse(&base).is_ok_and(|u| u.scheme() == "http");
        let extra = match &config.ca_file {
            Some(path) => super::tls::extra_roots(path)?,
            None => Vec::new(),
        };
        builder = if plain {
            // Plain http, to a loopback address only (the emulator): no TLS is spoken, so the
            // system's certificate store (a few milliseconds to load) is not read.
            builder.tls_certs_only(extra)
        } else {
            builder.tls_certs_merge(extra)
        };
        let http = builder
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

    /// The org path segment, URL-encoded.
    pub(super) fn org_path(&self) -> String {
        path_segment(&self.config.org)
    }
}
