//! The installed app and its event webhook: what `runInstalledApp` notifies, and how.
//!
//! Deliveries are plain HTTP/1.1 POSTs of a JSON envelope to an `http://` URL (tests and local
//! runs listen on 127.0.0.1); `https://` targets are refused, since the emulator carries no TLS
//! client. A delivery is tried once and recorded with the status it got or why it failed;
//! ChartHop's own retry policy is undocumented, so none is invented here.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The app id of the installed app.
pub const APP_ID: &str = "5f00000000000000000000a9";

/// The installed app the emulator's token belongs to.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's short name, the `<app>` in `process.create.<app>`.
    pub name: String,
    /// The app id.
    pub app_id: String,
    /// The app's user id (the `{appUserId}` of the run endpoint, and the token's user).
    pub app_user_id: String,
}

/// One webhook delivery attempt.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WebhookDelivery {
    /// Where it was sent.
    pub url: String,
    /// The JSON envelope sent.
    pub body: Value,
    /// The HTTP status the receiver answered, if it answered.
    pub status: Option<u16>,
    /// Why it failed, if it did (no answer, bad URL).
    pub error: Option<String>,
}

/// How long a receiver gets to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// POSTs `body` as JSON to `url` and returns the status line's code. Fails with a message for
/// a non-`http://` URL, a connection failure, a timeout or an unreadable answer.
pub async fn post_json(url: &str, body: &Value) -> Result<u16, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!("webhook URL `{url}` must start with http:// (the emulator has no TLS)")
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(format!("webhook URL `{url}` has no host"));
    }
    let addr = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let payload = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nUser-Agent: charthop-emulator\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(&addr)
            .await
            .map_err(|e| format!("connecting to {addr}: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("sending to {addr}: {e}"))?;
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        while !answer.windows(2).any(|w| w == b"\r\n") {
            let n = stream
                .read(&mut buf)
                .await
                .map_err(|e| format!("reading from {addr}: {e}"))?;
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
        let line = String::from_utf8_lossy(&answer);
        line.split_whitespace()
            .nth(1)
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| format!("no HTTP status from {addr}"))
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| format!("{url} did not answer within {}s", TIMEOUT.as_secs()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refuses_https_and_reports_unreachable_targets() {
        let body = serde_json::json!({});
        let e = post_json("https://example.com/x", &body).await.err();
        assert!(e.unwrap_or_default().contains("http://"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1);
        let e = post_json(&format!("http://127.0.0.1:{port}/hook"), &body).await;
        assert!(e.is_err());
    }
}
