//! payroll-sync: keeps a ChartHop organization's roster in step with a payroll export.
//!
//! The pipeline, one module per stage: [`read`] -> [`mapping`] -> [`fetch`] -> [`diff`] ->
//! [`plan`] (emit) -> [`import`]. [`pipeline`] strings them together for the commands.

pub mod charthop;
pub mod cli;
pub mod clock;
pub mod diff;
pub mod error;
pub mod fetch;
pub mod fsutil;
pub mod guard;
pub mod import;
pub mod ledger;
pub mod lock;
pub mod mapping;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod read;
pub mod secret;
pub mod serve;
pub mod settings;
pub mod suggest;
pub mod textindex;
pub mod verify;
