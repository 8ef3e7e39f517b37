//! Time as the client sees it: "now" (for `Retry-After` dates) and waiting (between retries).
//!
//! Production code uses [`SystemClock`]. Tests use [`VirtualClock`], which never sleeps: it
//! records every wait and moves its "now" forward, so a test can assert "at least 4 s waited"
//! in microseconds of real time. (tokio's paused time does not fit here: the emulator serves
//! HTTP from its own runtime thread, which a paused test clock would not drive.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A future returned by [`Clock::sleep`].
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// The source of "now" and of waiting.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// Waits for `duration` (or pretends to).
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// The real clock: wall time and `tokio::time::sleep`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: sleeping returns at once, records the wait and advances "now".
#[derive(Debug)]
pub struct VirtualClock {
    state: Mutex<(DateTime<Utc>, Vec<Duration>)>,
}

impl VirtualClock {
    /// A clock pinned at `start`.
    pub fn new(start: DateTime<Utc>) -> VirtualClock {
        VirtualClock {
            state: Mutex::new((start, Vec::new())),
        }
    }

    /// Every wait so far, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.lock().1.clone()
    }

    /// The sum of every wait so far.
    pub fn waited(&self) -> Duration {
        self.lock().1.iter().sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (DateTime<Utc>, Vec<Duration>)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.lock().0
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        {
            let mut state = self.lock();
            state.0 += chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX);
            state.1.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn virtual_sleep_records_and_advances() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let clock = VirtualClock::new(start);
        clock.sleep(Duration::from_secs(2)).await;
        clock.sleep(Duration::from_millis(500)).await;
        assert_eq!(clock.waited(), Duration::from_millis(2500));
        assert_eq!(clock.now() - start, chrono::Duration::milliseconds(2500));
        assert_eq!(clock.waits().len(), 2);
    }
}
