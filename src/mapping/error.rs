use std::path::PathBuf;

/// A mapping file that cannot be used (exit 78).
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("cannot read mapping `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("mapping `{path}`: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("mapping `{path}`, field `{field}`: {message}")]
    Invalid {
        path: PathBuf,
        field: String,
        message: String,
        hint: Option<String>,
    },
    #[error("mapping `{path}`, field `{field}`: the export has no column `{column}`")]
    UnknownColumn {
        path: PathBuf,
        field: String,
        column: String,
        suggestion: Option<String>,
    },
    #[error("mapping `{path}`: {count} embedded test(s) failed:\n{failures}")]
    TestsFailed {
        path: PathBuf,
        count: usize,
        failures: String,
    },
}

impl MappingError {
    /// A line telling the person what to do, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            MappingError::Invalid { hint, .. } => hint.clone(),
            MappingError::UnknownColumn {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            MappingError::UnknownColumn { .. } => {
                Some("check the column names with `payroll-sync inspect FILE`".into())
            }
            _ => None,
        }
    }
}

/// A row the mapping could not map: it is left out and reported, the other rows go on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub row: usize,
    pub column: Option<String>,
    pub field: String,
    pub reason: String,
}
