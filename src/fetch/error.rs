//! What can be wrong with a roster's data.

/// A problem with the roster's data.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("the page is not the JSON findJobs returns: {0}")]
    Json(#[from] serde_json::Error),
    #[error("a value of field `{field}` is longer than 64 MiB")]
    ValueTooLong { field: String },
    #[error("the roster holds more than 4 GiB of text")]
    TooLarge,
}
