//! How to start an emulator.
//!
//! Layering: a leaf but for `tls` (the HTTPS identity's type).

use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;

use crate::tls::TlsIdentity;

/// How to start an emulator.
#[derive(Clone)]
pub struct Config {
    /// Directory with `org.json`, `groups.csv`, `users.csv`, `jobs.csv`, and optionally
    /// `fields.json` (the org's custom fields).
    pub seed_dir: PathBuf,
    /// The bearer token clients must send.
    pub token: String,
    /// If set: loaded instead of the seed when it exists, rewritten after each applied import.
    pub state_file: Option<PathBuf>,
    /// Delay before an import runs, and between its progress steps. Default 30 ms.
    pub import_step_delay: Duration,
    /// The clock's explicit setting (`--today`): "today" for every date-dependent rule
    /// (tenure, announced hires, departures, scheduled changes). It wins over a state file's
    /// saved setting; `None` keeps that one, or else follows the system's UTC date.
    pub today: Option<NaiveDate>,
    /// The installed app's short name: webhooks say `process.create.<app_name>`.
    pub app_name: String,
    /// Where `runInstalledApp` delivers its webhook (`http://` only); `None`: nowhere.
    pub webhook_url: Option<String>,
    /// Serve HTTPS with this identity instead of plain HTTP.
    pub tls: Option<TlsIdentity>,
}

impl Config {
    /// A config with no state file, a 30 ms import step delay, no fixed today, an app named
    /// `payroll-sync` with no webhook URL, served over plain HTTP.
    pub fn new(seed_dir: impl Into<PathBuf>, token: impl Into<String>) -> Self {
        Config {
            seed_dir: seed_dir.into(),
            token: token.into(),
            state_file: None,
            import_step_delay: Duration::from_millis(30),
            today: None,
            app_name: "payroll-sync".into(),
            webhook_url: None,
            tls: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("seed_dir", &self.seed_dir)
            .field("token", &"****")
            .field("state_file", &self.state_file)
            .field("import_step_delay", &self.import_step_delay)
            .field("today", &self.today)
            .field("app_name", &self.app_name)
            .field("webhook_url", &self.webhook_url)
            .field("tls", &self.tls)
            .finish()
    }
}
