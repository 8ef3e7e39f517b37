//! What kind of failure a stage's error is, in the words an operator acts on.
//!
//! Every stage's error type says which [`Failure`] it is; only the top of the program
//! ([`crate::pipeline::exit`]) turns a kind into the number cron, systemd or Kubernetes sees,
//! so the exit-code table lives in one place.

/// The kinds of failure, each with what the operator does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A defect or an unexpected condition (an I/O error on our own files): alert.
    Internal,
    /// A safety guard (or a stale or edited plan) refused; nothing was written: a person
    /// approves or fixes.
    Guard,
    /// The import finished with refused rows, or verification found rows that did not land:
    /// read the report.
    Partial,
    /// The payroll export is unusable (encoding, shape, duplicates, limits): HR fixes it.
    BadInput,
    /// ChartHop unavailable after retries, an import still running at the deadline, a run
    /// already in progress: retry later.
    Temporary,
    /// ChartHop refused the token or the app's access level: fix the token or the access.
    Auth,
    /// A settings or mapping mistake: fix the configuration.
    Config,
}
