//! Where each setting an operator cares about came from: an environment variable, the settings
//! file, or the default, for `doctor`. Values are never shown here (the token's included):
//! only their origin.

use std::path::Path;

/// The settings `doctor` reports the origin of, as `section.key`.
pub const REPORTED: [&str; 11] = [
    "charthop.url",
    "charthop.org",
    "charthop.token",
    "charthop.token_file",
    "charthop.ca_file",
    "plan.runs_dir",
    "plan.now",
    "import.skip_errors",
    "import.date_format",
    "departures.hold",
    "departures.backfill",
];

/// Each of [`REPORTED`] with its origin: `environment (PAYROLL_SYNC_X_Y)`, `file F`, or
/// `default`. The environment wins over the file, as when the settings are loaded. A file
/// that cannot be read or parsed counts as not setting anything (loading reports it).
pub fn origins(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Vec<(&'static str, String)> {
    let env: Vec<String> = env.into_iter().map(|(k, _)| k).collect();
    let table: Option<toml::Table> = file
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|t| t.parse().ok());
    REPORTED
        .iter()
        .map(|key| {
            let (section, name) = key.split_once('.').unwrap_or((key, ""));
            let var = format!(
                "PAYROLL_SYNC_{}_{}",
                section.to_ascii_uppercase(),
                name.to_ascii_uppercase()
            );
            let in_file = table
                .as_ref()
                .and_then(|t| t.get(section))
                .and_then(|s| s.as_table())
                .is_some_and(|s| s.contains_key(name));
            let origin = if env.iter().any(|k| k.eq_ignore_ascii_case(&var)) {
                format!("environment ({var})")
            } else if in_file {
                format!(
                    "file {}",
                    file.map(|f| f.display().to_string()).unwrap_or_default()
                )
            } else {
                "default".to_string()
            };
            (*key, origin)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_environment_wins_over_the_file_and_the_rest_is_default() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("s.toml");
        std::fs::write(&f, "[charthop]\nurl = \"https://x\"\norg = \"acme\"\n").unwrap_or_default();
        let env = [("PAYROLL_SYNC_CHARTHOP_ORG".to_string(), "beta".to_string())];
        let o = super::origins(Some(&f), env);
        let of = |k: &str| o.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        assert_eq!(of("charthop.url"), Some(format!("file {}", f.display())));
        assert_eq!(
            of("charthop.org").as_deref(),
            Some("environment (PAYROLL_SYNC_CHARTHOP_ORG)")
        );
        assert_eq!(of("plan.runs_dir").as_deref(), Some("default"));
    }
}
