//! The ChartHop connection's settings put to use: the token (from the environment or a private
//! file) and the client's configuration.

use std::path::Path;

use super::{CharthopSettings, SettingsError};
use crate::charthop::ClientConfig;
use crate::secret::Secret;

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
            ca_file: self.ca_file.clone(),
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
