//! "Now", in one place: the system clock, or a pinned instant (tests and reproducible plans).
//!
//! Nothing else in the crate calls `Utc::now()` for a time that ends up in a file, so a test can
//! pin the clock and get byte-identical plans and reports.

use chrono::{DateTime, SecondsFormat, Utc};

/// Where the current time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant (`plan.now` in settings, `PAYROLL_SYNC_PLAN_NOW`).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// Parses a pinned instant in RFC 3339 (`2026-05-01T09:00:00Z`).
    ///
    /// Fails with a message naming the text when it is not RFC 3339.
    pub fn fixed(text: &str) -> Result<Clock, String> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Clock::Fixed(t.with_timezone(&Utc)))
            .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))
    }

    /// The current time (UTC).
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }

    /// The plan's as-of date: the UTC calendar day of [`Clock::now`]. "Future" and "past" in a
    /// plan (a scheduled departure, an announced hire) are relative to it.
    pub fn as_of(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }

    /// The current time as written in plan files: RFC 3339, UTC, whole seconds.
    pub fn stamp(&self) -> String {
        self.now().to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_never_moves() {
        let c = Clock::fixed("2026-05-01T09:00:00+02:00").unwrap();
        assert_eq!(c.stamp(), "2026-05-01T07:00:00Z");
        assert_eq!(c.now(), c.now());
        assert!(Clock::fixed("yesterday").unwrap_err().contains("yesterday"));
    }
}
