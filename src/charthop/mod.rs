//! The ChartHop API client: the only module (with the webhook server) that talks to ChartHop.
//!
//! It knows ChartHop's wire shapes and its failure modes (202 "snapshot building", 429, 5xx,
//! dropped connections) and rides through them with bounded, jittered retries. It knows nothing
//! of mappings or payroll files.

mod client;
mod error;
pub mod processes;
pub mod wire;

pub use client::{Client, ClientConfig, ImportFlags};
pub use error::ApiError;
