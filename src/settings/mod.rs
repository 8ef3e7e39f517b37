//! Settings: a TOML file, then `PAYROLL_SYNC_<SECTION>_<KEY>` environment variables, then flags.
//!
//! The only module that reads the environment. Raw settings are parsed once, strictly (an
//! unknown key is an error), and validated into [`Settings`]; each stage receives the narrow
//! piece it needs. The ChartHop token comes from `PAYROLL_SYNC_CHARTHOP_TOKEN` or from a file
//! (`charthop.token_file` / `PAYROLL_SYNC_CHARTHOP_TOKEN_FILE`), never from a flag.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::clock::Clock;
use crate::guard::Guards;
use crate::secret::Secret;

mod charthop;
mod departures;
mod guards;
mod read;
mod serve;
pub mod sources;
mod state_dir;

use crate::failure::Failure;
use departures::RawDepartures;
pub use departures::{DateLayout, DepartureSettings};
use guards::{RawGuards, validate_guards};
pub use read::ReadLimits;
use serve::RawServe;
pub use serve::ServeSettings;

/// Sections a `PAYROLL_SYNC_` variable may address.
const SECTIONS: [&str; 7] = [
    "charthop",
    "import",
    "plan",
    "guards",
    "serve",
    "read",
    "departures",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    charthop: RawCharthop,
    #[serde(default)]
    import: RawImport,
    #[serde(default)]
    plan: RawPlan,
    #[serde(default)]
    guards: RawGuards,
    #[serde(default)]
    serve: RawServe,
    #[serde(default)]
    read: RawRead,
    #[serde(default)]
    departures: RawDepartures,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharthop {
    url: Option<String>,
    org: Option<String>,
    token: Option<Secret>,
    token_file: Option<PathBuf>,
    ca_file: Option<PathBuf>,
    page_size: Option<u32>,
    max_attempts: Option<u32>,
    retry_initial_ms: Option<u64>,
    retry_max_ms: Option<u64>,
    retry_budget_secs: Option<u64>,
    timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImport {
    poll_interval_ms: Option<u64>,
    deadline_secs: Option<u64>,
    import_source: Option<String>,
    notify_app_name: Option<String>,
    /// Comma-separated emails of ChartHop users to notify when an import ends.
    notify_emails: Option<String>,
    skip_errors: Option<bool>,
    /// `m/d/yyyy` (default) or `iso`: how dates are written in the change files.
    date_format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    runs_dir: Option<PathBuf>,
    departures: Option<bool>,
    now: Option<String>,
    keep_days: Option<u32>,
}

/// Caps on what the reader takes (`[read]`); defaults in [`ReadLimits`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRead {
    max_rows: Option<usize>,
    max_columns: Option<usize>,
    max_cells: Option<u64>,
    max_unzipped_mb: Option<u64>,
    max_field_bytes: Option<usize>,
    max_record_bytes: Option<usize>,
}

/// A settings problem (exit 78), or a missing token (exit 77).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("settings: {0}")]
    Invalid(String),
    #[error(
        "no ChartHop token: neither PAYROLL_SYNC_CHARTHOP_TOKEN nor a token file (PAYROLL_SYNC_CHARTHOP_TOKEN_FILE / `charthop.token_file`) is set"
    )]
    NoToken,
    #[error("cannot read the token file `{path}`: {source}")]
    TokenFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl SettingsError {
    /// What kind of failure this is (the exit code is chosen at the top).
    pub fn failure(&self) -> Failure {
        match self {
            SettingsError::NoToken | SettingsError::TokenFile { .. } => Failure::Auth,
            SettingsError::Invalid(_) => Failure::Config,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            SettingsError::NoToken => Some(
                "export PAYROLL_SYNC_CHARTHOP_TOKEN=... or point PAYROLL_SYNC_CHARTHOP_TOKEN_FILE at a file holding it".into(),
            ),
            SettingsError::Invalid(_) => Some("see README.md, section Settings".into()),
            SettingsError::TokenFile { .. } => None,
        }
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub charthop: CharthopSettings,
    pub import: ImportSettings,
    /// Where `sync` writes its plan directories, the run ledger and the run lock.
    pub runs_dir: PathBuf,
    /// `plan.keep_days`: finished plan directories under `runs_dir` older than this are
    /// removed after each `sync` (they hold personal data); 0 keeps them all.
    pub keep_days: u32,
    pub guards: Guards,
    serve: RawServe,
    /// `[departures]`: what is done with the departures a mapping finds.
    pub departures: DepartureSettings,
    /// `plan.now`: pins the time plans record (RFC 3339); the system clock otherwise.
    pub clock: Clock,
    /// Caps on the size of the payroll exports read.
    pub read: ReadLimits,
}

/// How to reach ChartHop. The token is resolved lazily: commands that never call ChartHop do
/// not need one.
#[derive(Debug, Clone)]
pub struct CharthopSettings {
    pub url: String,
    pub org: String,
    token: Option<Secret>,
    token_file: Option<PathBuf>,
    /// `charthop.ca_file`: a PEM file of certificates trusted beside the system's roots.
    pub ca_file: Option<PathBuf>,
    pub page_size: u32,
    pub max_attempts: u32,
    pub retry_initial: Duration,
    pub retry_max: Duration,
    /// The most one ChartHop call may spend waiting between retries (default 5 minutes).
    pub retry_budget: Duration,
    pub timeout: Duration,
}

/// How imports are run and watched.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    pub poll_interval: Duration,
    pub deadline: Duration,
    pub import_source: String,
    pub notify_app_name: Option<String>,
    /// Emails of ChartHop users to notify; resolved to user ids with `findUsers`.
    pub notify_emails: Vec<String>,
    /// `skipErrors`: a row ChartHop refuses does not stop the others (the run then ends with
    /// exit 5 and the refused rows named). Default true.
    pub skip_errors: bool,
    /// How dates are written in the change files.
    pub date_format: DateLayout,
}

impl Settings {
    /// Loads settings from `file` (when given), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        Self::load_from(file, std::env::vars())
    }

    /// Loads settings from `file` and the given environment (tests pass their own).
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, SettingsError> {
        let invalid = |e: config::ConfigError| SettingsError::Invalid(e.to_string());
        let mut builder = file_source(file)?;
        let env: Vec<(String, String)> = env.into_iter().collect();
        let state_dir = state_dir::default_state_dir(&env);
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("PAYROLL_SYNC_") else {
                continue;
            };
            let rest = rest.to_ascii_lowercase();
            let Some((section, key)) = rest.split_once('_') else {
                continue;
            };
            if !SECTIONS.contains(&section) {
                continue;
            }
            builder = builder
                .set_override(format!("{section}.{key}"), value)
                .map_err(invalid)?;
        }
        let raw: Raw = builder
            .build()
            .map_err(invalid)?
            .try_deserialize()
            .map_err(invalid)?;
        Self::validate(raw, state_dir)
    }

    fn validate(raw: Raw, state_dir: Option<PathBuf>) -> Result<Settings, SettingsError> {
        let c = raw.charthop;
        let page_size = c.page_size.unwrap_or(1000);
        if page_size == 0 || page_size > 10_000 {
            return Err(SettingsError::Invalid(format!(
                "charthop.page_size is {page_size}; it must be between 1 and 10000"
            )));
        }
        let read = Self::read_limits(&raw.read)?;
        let org = c.org.unwrap_or_default();
        if org.trim().is_empty() {
            return Err(SettingsError::Invalid(
                "no ChartHop org: set PAYROLL_SYNC_CHARTHOP_ORG (or `charthop.org`) to the org id or slug".into(),
            ));
        }
        let guards = validate_guards(&raw.guards)?;
        if raw.plan.departures.is_some() {
            return Err(SettingsError::Invalid(
                "plan.departures is gone: a mapping with a `[departure]` section has its departures imported; to plan and report them without uploading, set `departures.hold = true`".into(),
            ));
        }
        let date_format = match raw.import.date_format.as_deref() {
            Some(text) => DateLayout::parse(text)?,
            None => DateLayout::default(),
        };
        Ok(Settings {
            serve: raw.serve,
            guards,
            charthop: CharthopSettings {
                url: c.url.unwrap_or_else(|| "https://api.charthop.com".into()),
                org,
                token: c.token.filter(|t| !t.is_empty()),
                token_file: c.token_file,
                ca_file: c.ca_file,
                page_size,
                max_attempts: c.max_attempts.unwrap_or(6).max(1),
                retry_initial: Duration::from_millis(c.retry_initial_ms.unwrap_or(500)),
                retry_max: Duration::from_millis(c.retry_max_ms.unwrap_or(30_000)),
                retry_budget: Duration::from_secs(c.retry_budget_secs.unwrap_or(300)),
                timeout: Duration::from_secs(c.timeout_secs.unwrap_or(120)),
            },
            import: ImportSettings {
                poll_interval: Duration::from_millis(raw.import.poll_interval_ms.unwrap_or(2000)),
                deadline: Duration::from_secs(raw.import.deadline_secs.unwrap_or(75 * 60)),
                import_source: raw
                    .import
                    .import_source
                    .unwrap_or_else(|| "payroll-sync".into()),
                notify_app_name: raw.import.notify_app_name,
                skip_errors: raw.import.skip_errors.unwrap_or(true),
                date_format,
                notify_emails: raw
                    .import
                    .notify_emails
                    .unwrap_or_default()
                    .split(',')
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect(),
            },
            runs_dir: state_dir::runs_dir(raw.plan.runs_dir, state_dir)?,
            keep_days: raw.plan.keep_days.unwrap_or(30),
            departures: departures::validate(&raw.departures)?,
            clock: match raw.plan.now.as_deref().map(str::trim) {
                None | Some("") => Clock::System,
                Some(text) => Clock::fixed(text)
                    .map_err(|m| SettingsError::Invalid(format!("plan.now: {m}")))?,
            },
            read,
        })
    }

    /// The reader's caps: the `[read]` section over the defaults. Each must be at least 1.
    fn read_limits(raw: &RawRead) -> Result<ReadLimits, SettingsError> {
        let d = ReadLimits::default();
        let limits = ReadLimits {
            max_rows: raw.max_rows.unwrap_or(d.max_rows),
            max_columns: raw.max_columns.unwrap_or(d.max_columns),
            max_cells: raw.max_cells.unwrap_or(d.max_cells),
            max_unzipped_bytes: raw
                .max_unzipped_mb
                .map_or(d.max_unzipped_bytes, |mb| mb.saturating_mul(1 << 20)),
            max_field_bytes: raw.max_field_bytes.unwrap_or(d.max_field_bytes),
            max_record_bytes: raw.max_record_bytes.unwrap_or(d.max_record_bytes),
        };
        if limits.max_rows == 0
            || limits.max_columns == 0
            || limits.max_cells == 0
            || limits.max_unzipped_bytes == 0
            || limits.max_field_bytes == 0
            || limits.max_record_bytes == 0
        {
            return Err(SettingsError::Invalid(
                "read.max_rows, read.max_columns, read.max_cells, read.max_unzipped_mb, read.max_field_bytes and read.max_record_bytes must each be at least 1".into(),
            ));
        }
        Ok(limits)
    }

    /// The reader's caps alone, for commands that need no ChartHop settings (`inspect`):
    /// `[read]` from `file`, then `PAYROLL_SYNC_READ_*` variables.
    pub fn load_read_limits(file: Option<&Path>) -> Result<ReadLimits, SettingsError> {
        let invalid = |e: config::ConfigError| SettingsError::Invalid(e.to_string());
        let mut builder = file_source(file)?;
        for (name, value) in std::env::vars() {
            if let Some(key) = name.strip_prefix("PAYROLL_SYNC_READ_") {
                builder = builder
                    .set_override(format!("read.{}", key.to_ascii_lowercase()), value)
                    .map_err(invalid)?;
            }
        }
        let raw: Raw = builder
            .build()
            .map_err(invalid)?
            .try_deserialize()
            .map_err(invalid)?;
        Self::read_limits(&raw.read)
    }
}

/// A settings builder reading `file` (TOML) when one is named. Fails when the named file does
/// not exist (a typo must not silently mean "defaults").
fn file_source(
    file: Option<&Path>,
) -> Result<config::ConfigBuilder<config::builder::DefaultState>, SettingsError> {
    let builder = config::Config::builder();
    let Some(path) = file else {
        return Ok(builder);
    };
    if !path.exists() {
        return Err(SettingsError::Invalid(format!(
            "the settings file `{}` does not exist",
            path.display()
        )));
    }
    Ok(builder.add_source(config::File::from(path.to_path_buf()).format(config::FileFormat::Toml)))
}

#[cfg(test)]
mod tests;
