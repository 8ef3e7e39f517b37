//! Settings: a TOML file, then `PAYROLL_SYNC_<SECTION>_<KEY>` environment variables, then flags.
//!
//! The only module that reads the environment. Raw settings are parsed once, strictly (an
//! unknown key is an error), and validated into [`Settings`]; each stage receives the narrow
//! piece it needs. The ChartHop token comes from `PAYROLL_SYNC_CHARTHOP_TOKEN` or from a file
//! (`charthop.token_file` / `PAYROLL_SYNC_CHARTHOP_TOKEN_FILE`), never from a flag.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::charthop::ClientConfig;
use crate::clock::Clock;
use crate::guard::{Guards, Limit};
use crate::secret::Secret;

/// Sections a `PAYROLL_SYNC_` variable may address.
const SECTIONS: [&str; 6] = ["charthop", "import", "plan", "guards", "serve", "read"];

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
}

/// `[serve]`: the webhook server.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServe {
    listen: Option<String>,
    app_name: Option<String>,
    app_id: Option<String>,
    webhook_secret: Option<Secret>,
    webhook_secret_file: Option<PathBuf>,
    input: Option<PathBuf>,
    mapping: Option<PathBuf>,
    sheet: Option<String>,
    feed_file: Option<PathBuf>,
}

/// The webhook server's settings, validated when `serve` starts.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub listen: String,
    /// The app's short name: the `<appname>` of `process.create.<appname>`.
    pub app_name: String,
    /// When set, a process must belong to this app id.
    pub app_id: Option<String>,
    pub webhook_secret: Secret,
    /// A payroll export, or a folder whose newest export is taken.
    pub input: PathBuf,
    pub mapping: PathBuf,
    pub sheet: Option<String>,
    /// Where change events' jobs are appended as JSON lines.
    pub feed_file: Option<PathBuf>,
}

/// `[guards]`: each category as `<name>_share`, `<name>_floor`, `<name>_max`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuards {
    new_hires_share: Option<f64>,
    new_hires_floor: Option<usize>,
    new_hires_max: Option<usize>,
    updates_share: Option<f64>,
    updates_floor: Option<usize>,
    updates_max: Option<usize>,
    departures_share: Option<f64>,
    departures_floor: Option<usize>,
    departures_max: Option<usize>,
    sensitive_updates_share: Option<f64>,
    sensitive_updates_floor: Option<usize>,
    sensitive_updates_max: Option<usize>,
    min_export_share: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharthop {
    url: Option<String>,
    org: Option<String>,
    token: Option<Secret>,
    token_file: Option<PathBuf>,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    runs_dir: Option<PathBuf>,
    departures: Option<bool>,
    now: Option<String>,
}

/// Caps on what the reader takes (`[read]`); defaults in [`crate::read::Limits`].
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
    pub fn exit_code(&self) -> u8 {
        match self {
            SettingsError::NoToken | SettingsError::TokenFile { .. } => 77,
            SettingsError::Invalid(_) => 78,
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
    pub guards: Guards,
    serve: RawServe,
    /// `plan.departures`: write `departures.csv` for departures found in the export (default
    /// false: departures are reported only).
    pub departures: bool,
    /// `plan.now`: pins the time plans record (RFC 3339); the system clock otherwise.
    pub clock: Clock,
    /// Caps on the size of the payroll exports read.
    pub read: crate::read::Limits,
}

/// How to reach ChartHop. The token is resolved lazily: commands that never call ChartHop do
/// not need one.
#[derive(Debug, Clone)]
pub struct CharthopSettings {
    pub url: String,
    pub org: String,
    token: Option<Secret>,
    token_file: Option<PathBuf>,
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
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            if !path.exists() {
                return Err(SettingsError::Invalid(format!(
                    "the settings file `{}` does not exist",
                    path.display()
                )));
            }
            builder = builder.add_source(
                config::File::from(path.to_path_buf()).format(config::FileFormat::Toml),
            );
        }
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
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> Result<Settings, SettingsError> {
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
        Ok(Settings {
            serve: raw.serve,
            guards,
            charthop: CharthopSettings {
                url: c.url.unwrap_or_else(|| "https://api.charthop.com".into()),
                org,
                token: c.token.filter(|t| !t.is_empty()),
                token_file: c.token_file,
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
                notify_emails: raw
                    .import
                    .notify_emails
                    .unwrap_or_default()
                    .split(',')
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect(),
            },
            runs_dir: raw.plan.runs_dir.unwrap_or_else(|| PathBuf::from("runs")),
            departures: raw.plan.departures.unwrap_or(false),
            clock: match raw.plan.now.as_deref().map(str::trim) {
                None | Some("") => Clock::System,
                Some(text) => Clock::fixed(text)
                    .map_err(|m| SettingsError::Invalid(format!("plan.now: {m}")))?,
            },
            read,
        })
    }

    /// The reader's caps: the `[read]` section over the defaults. Each must be at least 1.
    fn read_limits(raw: &RawRead) -> Result<crate::read::Limits, SettingsError> {
        let d = crate::read::Limits::default();
        let limits = crate::read::Limits {
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
    pub fn load_read_limits(file: Option<&Path>) -> Result<crate::read::Limits, SettingsError> {
        let invalid = |e: config::ConfigError| SettingsError::Invalid(e.to_string());
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            if !path.exists() {
                return Err(SettingsError::Invalid(format!(
                    "the settings file `{}` does not exist",
                    path.display()
                )));
            }
            builder = builder.add_source(
                config::File::from(path.to_path_buf()).format(config::FileFormat::Toml),
            );
        }
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

impl Settings {
    /// Overrides `serve.listen` (the `--listen` flag).
    pub fn set_serve_listen(&mut self, listen: String) {
        self.serve.listen = Some(listen);
    }

    /// The webhook server's settings. Fails (78) when a required one is missing.
    pub fn serve(&self) -> Result<ServeSettings, SettingsError> {
        let s = &self.serve;
        let need = |v: &Option<String>, key: &str| {
            v.clone().filter(|x| !x.trim().is_empty()).ok_or_else(|| {
                SettingsError::Invalid(format!(
                    "serve.{key} is not set (PAYROLL_SYNC_SERVE_{})",
                    key.to_ascii_uppercase()
                ))
            })
        };
        let secret = match (&s.webhook_secret, &s.webhook_secret_file) {
            (Some(v), _) if !v.is_empty() => v.clone(),
            (_, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    SettingsError::Invalid(format!(
                        "cannot read serve.webhook_secret_file `{}`: {e}",
                        path.display()
                    ))
                })?;
                Secret::new(text)
            }
            _ => Secret::new(""),
        };
        if secret.expose().len() < 16 {
            return Err(SettingsError::Invalid(
                "the webhook secret (PAYROLL_SYNC_SERVE_WEBHOOK_SECRET or serve.webhook_secret_file) must be set and at least 16 characters: it is the only thing guarding the webhook URL".into(),
            ));
        }
        let path = |v: &Option<PathBuf>, key: &str| {
            v.clone().ok_or_else(|| {
                SettingsError::Invalid(format!(
                    "serve.{key} is not set (PAYROLL_SYNC_SERVE_{})",
                    key.to_ascii_uppercase()
                ))
            })
        };
        Ok(ServeSettings {
            listen: s.listen.clone().unwrap_or_else(|| "127.0.0.1:8787".into()),
            app_name: need(&s.app_name, "app_name")?,
            app_id: s.app_id.clone(),
            webhook_secret: secret,
            input: path(&s.input, "input")?,
            mapping: path(&s.mapping, "mapping")?,
            sheet: s.sheet.clone(),
            feed_file: s.feed_file.clone(),
        })
    }
}

fn validate_guards(g: &RawGuards) -> Result<Guards, SettingsError> {
    let d = Guards::default();
    let limit = |name: &str,
                 base: Limit,
                 share: Option<f64>,
                 floor: Option<usize>,
                 max: Option<usize>| {
        let share = share.unwrap_or(base.share);
        if !(0.0..=1.0).contains(&share) {
            return Err(SettingsError::Invalid(format!(
                "guards.{name}_share is {share}; it is a share of the roster between 0 and 1 (0.05 = 5%)"
            )));
        }
        Ok(Limit {
            share,
            floor: floor.unwrap_or(base.floor),
            max: max.or(base.max),
        })
    };
    let min_export_share = g.min_export_share.unwrap_or(d.min_export_share);
    if !(0.0..=1.0).contains(&min_export_share) {
        return Err(SettingsError::Invalid(format!(
            "guards.min_export_share is {min_export_share}; it must be between 0 and 1"
        )));
    }
    Ok(Guards {
        new_hires: limit(
            "new_hires",
            d.new_hires,
            g.new_hires_share,
            g.new_hires_floor,
            g.new_hires_max,
        )?,
        updates: limit(
            "updates",
            d.updates,
            g.updates_share,
            g.updates_floor,
            g.updates_max,
        )?,
        departures: limit(
            "departures",
            d.departures,
            g.departures_share,
            g.departures_floor,
            g.departures_max,
        )?,
        sensitive_updates: limit(
            "sensitive_updates",
            d.sensitive_updates,
            g.sensitive_updates_share,
            g.sensitive_updates_floor,
            g.sensitive_updates_max,
        )?,
        min_export_share,
    })
}

impl CharthopSettings {
    /// The token: the environment variable first, else the token file.
    pub fn token(&self) -> Result<Secret, SettingsError> {
        if let Some(t) = &self.token {
            return Ok(t.clone());
        }
        let path = self.token_file.as_ref().ok_or(SettingsError::NoToken)?;
        warn_if_shared(path);
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::TokenFile {
            path: path.clone(),
            source,
        })?;
        let token = Secret::new(text);
        if token.is_empty() {
            return Err(SettingsError::NoToken);
        }
        Ok(token)
    }

    /// The client configuration, with the token resolved.
    pub fn client_config(&self) -> Result<ClientConfig, SettingsError> {
        Ok(ClientConfig {
            base_url: self.url.clone(),
            org: self.org.clone(),
            token: self.token()?,
            max_attempts: self.max_attempts,
            initial_backoff: self.retry_initial,
            max_backoff: self.retry_max,
            retry_budget: self.retry_budget,
            timeout: self.timeout,
        })
    }
}

/// Warns when a secret's file can be read by users other than its owner.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    "the token file `{}` is readable by other users (mode {mode:o}); restrict it with `chmod 600`",
                    path.display()
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn environment_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(&file, "[charthop]\norg = \"file-org\"\npage_size = 50\n").unwrap();
        let s = Settings::load_from(
            Some(&file),
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
                ("PAYROLL_SYNC_CHARTHOP_TOKEN", "t0k"),
                ("PAYROLL_SYNC_CHARTHOP_URL", "http://127.0.0.1:9"),
                ("PAYROLL_SYNC_IMPORT_POLL_INTERVAL_MS", "10"),
            ]),
        )
        .unwrap();
        assert_eq!(s.charthop.org, "acme");
        assert_eq!(s.charthop.page_size, 50);
        assert_eq!(s.import.poll_interval, Duration::from_millis(10));
        assert_eq!(s.charthop.token().unwrap().expose(), "t0k");
        assert!(!format!("{s:?}").contains("t0k"));
    }

    #[test]
    fn token_from_file_and_missing_token() {
        let dir = tempfile::tempdir().unwrap();
        let tf = dir.path().join("token");
        std::fs::write(&tf, "secret-value\n").unwrap();
        let s = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
                ("PAYROLL_SYNC_CHARTHOP_TOKEN_FILE", tf.to_str().unwrap()),
            ]),
        )
        .unwrap();
        assert_eq!(s.charthop.token().unwrap().expose(), "secret-value");
        let s = Settings::load_from(None, env(&[("PAYROLL_SYNC_CHARTHOP_ORG", "acme")])).unwrap();
        let e = s.charthop.token().unwrap_err();
        assert_eq!(e.exit_code(), 77);
        assert!(e.to_string().contains("PAYROLL_SYNC_CHARTHOP_TOKEN"));
    }

    #[test]
    fn departures_and_the_clock_come_from_the_plan_section() {
        let s = Settings::load_from(None, env(&[("PAYROLL_SYNC_CHARTHOP_ORG", "a")])).unwrap();
        assert!(!s.departures);
        assert_eq!(s.clock, Clock::System);
        let s = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "a"),
                ("PAYROLL_SYNC_PLAN_DEPARTURES", "true"),
                ("PAYROLL_SYNC_PLAN_NOW", "2026-05-01T09:00:00Z"),
            ]),
        )
        .unwrap();
        assert!(s.departures);
        assert_eq!(s.clock.stamp(), "2026-05-01T09:00:00Z");
        let e = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "a"),
                ("PAYROLL_SYNC_PLAN_NOW", "soon"),
            ]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("plan.now"), "{e}");
    }

    #[test]
    fn read_caps_come_from_the_read_section() {
        let s = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
                ("PAYROLL_SYNC_READ_MAX_ROWS", "12"),
                ("PAYROLL_SYNC_READ_MAX_UNZIPPED_MB", "3"),
            ]),
        )
        .unwrap();
        assert_eq!(s.read.max_rows, 12);
        assert_eq!(s.read.max_unzipped_bytes, 3 << 20);
        assert_eq!(
            s.read.max_columns,
            crate::read::Limits::default().max_columns
        );
        let e = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
                ("PAYROLL_SYNC_READ_MAX_CELLS", "0"),
            ]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("read.max_cells"), "{e}");
    }

    #[test]
    fn debug_output_of_settings_never_carries_a_secret() {
        let s = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
                ("PAYROLL_SYNC_CHARTHOP_TOKEN", "tok-SENTINEL-1"),
                (
                    "PAYROLL_SYNC_SERVE_WEBHOOK_SECRET",
                    "hook-SENTINEL-2-long-enough",
                ),
                ("PAYROLL_SYNC_SERVE_INPUT", "export.csv"),
                ("PAYROLL_SYNC_SERVE_APP_NAME", "payroll-sync"),
                ("PAYROLL_SYNC_SERVE_MAPPING", "mapping.toml"),
            ]),
        )
        .unwrap();
        let config = s.charthop.client_config().unwrap();
        assert_eq!(config.token.expose(), "tok-SENTINEL-1");
        for shown in [format!("{s:?}"), format!("{s:#?}"), format!("{config:?}")] {
            assert!(!shown.contains("SENTINEL"), "{shown}");
        }
        let serve = s.serve().unwrap();
        assert_eq!(serve.webhook_secret.expose(), "hook-SENTINEL-2-long-enough");
        assert!(!format!("{serve:?}").contains("SENTINEL"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = Settings::load_from(
            None,
            env(&[
                ("PAYROLL_SYNC_CHARTHOP_ORG", "a"),
                ("PAYROLL_SYNC_CHARTHOP_PAGESIZE", "5"),
            ]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("pagesize"), "{e}");
        assert_eq!(e.exit_code(), 78);
    }
}
