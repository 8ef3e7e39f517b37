//! The ChartHop API client: the only module (with the webhook server) that talks to ChartHop.
//!
//! It knows ChartHop's wire shapes and its failure modes (202 "snapshot building", 429, 5xx,
//! dropped connections, misbehaving cursors) and rides through them with bounded, jittered
//! retries. It knows nothing of mappings or payroll files.
//!
//! - [`client`]: requests, the retry loop, reading answers;
//! - [`retry`]: backoff, `Retry-After`, the attempt and time budget (pure);
//! - [`clock`]: "now" and waiting, virtual in tests;
//! - [`paging`]: walking `findJobs` cursors safely;
//! - `body`, `url`: error bodies into one line; the https rule and path encoding.

mod body;
mod client;
pub mod clock;
mod error;
pub mod paging;
pub mod processes;
pub mod retry;
mod url;
pub mod wire;

pub use client::{Client, ClientConfig, ImportFlags};
pub use clock::{Clock, SystemClock, VirtualClock};
pub use error::ApiError;
pub use paging::{JobPages, JobQuery};
pub use retry::RetryPolicy;
