//! `[serve]`: the webhook server's settings, validated only when `serve` starts.

use std::path::PathBuf;

use serde::Deserialize;

use super::{Settings, SettingsError};
use crate::secret::Secret;

/// `[serve]`: the webhook server.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServe {
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
