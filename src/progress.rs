//! How the library reports progress. The CLI draws it with indicatif; the webhook server will
//! report it to ChartHop; tests and quiet runs use [`Silent`].

/// The pipeline's stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Mapping,
    FetchingRoster,
    /// Looking for people who left ChartHop (rehires).
    FetchingFormer,
    Diffing,
    Writing,
    Importing,
    Verifying,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "reading the export",
            Stage::Mapping => "mapping rows",
            Stage::FetchingRoster => "fetching the ChartHop roster",
            Stage::FetchingFormer => "looking for people who left ChartHop",
            Stage::Diffing => "comparing",
            Stage::Writing => "writing the plan",
            Stage::Importing => "importing",
            Stage::Verifying => "verifying",
        }
    }
}

/// Receives progress. Every method has a no-op default.
pub trait Progress: Send + Sync {
    /// A stage begins.
    fn stage(&self, _stage: Stage) {}
    /// A roster page arrived; `rows` people so far.
    fn roster_page(&self, _rows: usize) {}
    /// An upload was accepted as a ChartHop process.
    fn import_started(&self, _import: &ImportStart<'_>) {}
    /// The import's progress, 0.0 to 1.0, and ChartHop's message.
    fn import_progress(&self, _file: &str, _fraction: f64, _message: Option<&str>) {}
    /// The import ended with `status`.
    fn import_finished(&self, _file: &str, _status: &str) {}
}

/// An import that ChartHop accepted.
#[derive(Debug, Clone, Copy)]
pub struct ImportStart<'a> {
    /// The change file.
    pub file: &'a str,
    /// ChartHop's process id.
    pub process_id: &'a str,
    /// The file's rows.
    pub rows: usize,
    /// Which phase this is (1-based), of how many the plan uploads.
    pub phase: usize,
    pub phases: usize,
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}
