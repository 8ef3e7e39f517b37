use std::path::{Path, PathBuf};

use super::diag::{Diagnostic, render};

/// A mapping file that cannot be used (exit 78).
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("cannot read mapping `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Fields the mapping declares custom (`custom = true`) that the org's catalogue, as the
    /// app's token sees it, does not list: ChartHop hides them from this app (exit 77).
    #[error(
        "the org's fields, as this app's token sees them, have no {}, which the mapping declares custom (`custom = true`): ChartHop hides fields an app may not see",
        fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
    )]
    NotVisible { path: PathBuf, fields: Vec<String> },
    /// Most of the mapping's columns are not in the export: it is another provider's export,
    /// or another mapping's (exit 78). `closest` is the mapping beside it that fits best, with
    /// how many of its columns the export holds.
    #[error(
        "this export does not look like the one mapping `{}` describes: {missing} of its {total} columns are not in the export's header\n  the export's columns: {columns}",
        path.display()
    )]
    ForeignExport {
        path: PathBuf,
        missing: usize,
        total: usize,
        columns: String,
        closest: Option<(PathBuf, usize, usize)>,
    },
    /// Every problem found, each with its place; `rendered` is the compiler-style text.
    #[error("mapping `{}` has {} problem(s):\n{rendered}", path.display(), diagnostics.len())]
    Invalid {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
        rendered: String,
    },
}

impl MappingError {
    pub(crate) fn invalid(path: &Path, text: &str, diagnostics: Vec<Diagnostic>) -> MappingError {
        let rendered = render(&path.display().to_string(), text, &diagnostics);
        MappingError::Invalid {
            path: path.to_path_buf(),
            diagnostics,
            rendered: rendered.trim_end().to_string(),
        }
    }

    /// A line telling the person what to do, when there is one (diagnostics carry their own).
    pub fn hint(&self) -> Option<String> {
        match self {
            MappingError::ForeignExport { closest: Some((path, found, total)), .. } => Some(format!(
                "the closest mapping is `{}` ({found} of its {total} columns are in this export): run with --mapping {}",
                path.display(),
                path.display()
            )),
            MappingError::ForeignExport { .. } => Some(
                "pick the mapping written for this export's payroll system, or write one for it (mappings/README.md); `payroll-sync inspect FILE` lists the export's columns".into(),
            ),
            MappingError::NotVisible { .. } => Some("give the app access to those fields in ChartHop (the app's access level, or the fields' sensitivity), or leave them out of the mapping".into()),
            _ => None,
        }
    }

    /// What kind of failure this is: fields hidden from the app's token are an access
    /// problem (exit 77); everything else is the mapping's (78).
    pub fn failure(&self) -> crate::failure::Failure {
        match self {
            MappingError::NotVisible { .. } => crate::failure::Failure::Auth,
            _ => crate::failure::Failure::Config,
        }
    }

    /// The problems, for tests and tools (empty for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            MappingError::Invalid { diagnostics, .. } => diagnostics,
            MappingError::Io { .. }
            | MappingError::NotVisible { .. }
            | MappingError::ForeignExport { .. } => &[],
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
    /// The cell's text as the export has it (for `check`; personal data, never logged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The person's name as the row gives it (first and last name), so a reviewer knows whose
    /// row it is; `None` when the mapping maps no name or the row has none. Never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Box<str>>,
}
