//! The ChartHop API client: the only module (with the webhook server) that talks to ChartHop.
//!
//! It knows ChartHop's wire shapes and its failure modes (202 "snapshot building", 429, 5xx,
//! dropped connections, misbehaving cursors) and rides through them with bounded, jittered
//! retries. It knows nothing of mappings or payroll files.
//!
//! Layers, each file using only those above it in this list:
//! - [`retry`]: backoff, `Retry-After`, the attempt and time budget (pure); [`clock`]: "now"
//!   and waiting, virtual in tests; `body`, `url`: error bodies into one line, the https rule
//!   and path encoding; [`wire`]: ChartHop's JSON shapes;
//! - `client`: the client itself (where, who, how patiently);
//! - `transport`: the one request loop (send, judge the answer, retry);
//! - the API areas, each an `impl Client` block: `jobs` (`findJobs`), `imports`
//!   (`importDataCsv`), `persons` (`findPersons`), [`fields`] (the field catalogue),
//!   [`processes`] (processes and users);
//! - [`paging`]: walking `findJobs` cursors safely.

mod body;
mod client;
pub mod clock;
mod error;
pub mod fields;
mod imports;
mod jobs;
pub mod paging;
mod persons;
pub mod probe;
pub mod processes;
pub mod retry;
mod tls;
mod transport;
mod url;
pub mod wire;

pub use client::{Client, ClientConfig};
pub use clock::{Clock, SystemClock, VirtualClock};
pub use error::ApiError;
pub use fields::{Builtin, EnumValue, FieldDef};
pub use imports::ImportFlags;
pub use jobs::JobQuery;
pub use paging::JobPages;
pub use persons::PersonQuery;
pub use retry::RetryPolicy;
