//! When and how long to wait before trying a ChartHop call again.
//!
//! Pure: no I/O and no sleeping (the caller waits through its [`Clock`](super::clock::Clock)).
//! It does not decide *whether* an answer is retryable; the client does (429, 5xx, 202
//! "snapshot building" and connection errors for reads; only 429 for uploads).

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How patiently one call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (at least 1).
    pub max_attempts: u32,
    /// The first computed delay; doubles each retry (with jitter), up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest single wait, also the clamp for a server's `Retry-After`.
    pub max_backoff: Duration,
    /// The most one call may spend waiting in total. A retry whose wait would pass it is not
    /// made: the call fails at once instead of sending a request it would not wait for.
    pub budget: Duration,
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 = the first retry): the server's `Retry-After`
    /// when given, clamped to `max_backoff`; otherwise `initial_backoff * 2^(retry-1)`, capped
    /// at `max_backoff`, scaled by `jitter` (expected in `[0, 1)`) into its upper half, so
    /// clients that failed together do not retry together.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_backoff);
        exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// Whether another attempt may follow attempt number `attempt` (1-based) after waiting
    /// `wait`, given `waited` so far.
    pub fn allows(&self, attempt: u32, waited: Duration, wait: Duration) -> bool {
        attempt < self.max_attempts.max(1) && waited.saturating_add(wait) <= self.budget
    }
}

/// Parses `Retry-After` as delta-seconds or as an HTTP date (RFC 7231 IMF-fixdate, also
/// RFC 2822), relative to `now`. A date in the past means "now" (zero). `None` when the value
/// is neither.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(value, "%a, %d %b %Y %H:%M:%S GMT")
                .ok()
                .map(|d| d.and_utc())
        })?;
    Some(
        when.signed_duration_since(now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A number in `[0, 1)` that differs between calls, for jitter (not for anything secret).
pub fn jitter() -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            budget: Duration::from_secs(60),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_in_the_upper_half_and_is_capped() {
        let p = policy();
        assert_eq!(p.delay(1, None, 0.0), Duration::from_millis(250));
        assert_eq!(p.delay(1, None, 0.999_999).as_millis(), 499);
        assert_eq!(p.delay(3, None, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay(30, None, 0.0), Duration::from_secs(15));
    }

    #[test]
    fn retry_after_wins_and_is_clamped() {
        let p = policy();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2)), 0.3),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3600)), 0.3),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn attempts_and_budget_bound_retries() {
        let p = policy();
        assert!(p.allows(3, Duration::ZERO, Duration::from_secs(1)));
        assert!(!p.allows(4, Duration::ZERO, Duration::from_secs(1)));
        assert!(p.allows(1, Duration::from_secs(50), Duration::from_secs(10)));
        assert!(!p.allows(1, Duration::from_secs(50), Duration::from_secs(11)));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(parse_retry_after(" 2 ", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
