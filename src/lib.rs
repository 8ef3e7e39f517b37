//! payroll-sync: keeps a ChartHop organization's roster in step with a payroll export.
//!
//! The pipeline, one module per stage: [`read`] -> [`mapping`] -> [`fetch`] -> [`diff`] ->
//! [`plan`] (emit) -> [`import`] -> [`verify`]. [`pipeline`] strings them together for the
//! commands ([`cli`]) and the webhook server ([`serve`]).
//!
//! Imports follow that direction only: a stage uses the stages before it and the shared
//! leaves, never a later stage. The leaves, which never import a stage: [`settings`] (the one
//! reader of the environment), [`charthop`] (the API client), [`fsutil`] (private files and
//! hashes), [`catalogue`] (the org's field catalogue), [`clock`], [`secret`], [`failure`] (the
//! kinds of failure), [`guard`] (the guard
//! policy: counts against limits), [`progress`] (the progress trait), [`suggest`] and
//! [`textindex`] (text helpers), [`lock`] (the run lock). [`ledger`] (the run log) records a
//! change set's counts, so it sits above [`diff`], used only by [`pipeline`]. Every stage
//! has its own error type; the app-wide [`pipeline::Error`] and the exit-code table
//! ([`pipeline::exit`]) are at the top, where the stages' errors meet.

pub mod catalogue;
pub mod charthop;
pub mod cli;
pub mod clock;
pub mod diff;
pub mod failure;
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
