//! Where runs keep their state (`plan.runs_dir`: plan directories, the ledger, the run lock):
//! always an absolute directory, so every run of an org, wherever it starts, shares one lock,
//! one ledger and one set of unfinished applies.

use std::path::PathBuf;

use super::SettingsError;

/// Where runs keep their state by default: `$STATE_DIRECTORY` (systemd's `StateDirectory=`,
/// the first of a list), else `$XDG_STATE_HOME/payroll-sync`, else
/// `$HOME/.local/state/payroll-sync`; `None` when none is set (or none is absolute).
pub(super) fn default_state_dir(env: &[(String, String)]) -> Option<PathBuf> {
    let var = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let absolute = |p: PathBuf| p.is_absolute().then_some(p);
    var("STATE_DIRECTORY")
        .and_then(|v| v.split(':').next().map(PathBuf::from))
        .and_then(absolute)
        .or_else(|| {
            var("XDG_STATE_HOME").and_then(|v| absolute(PathBuf::from(v).join("payroll-sync")))
        })
        .or_else(|| {
            var("HOME").and_then(|v| absolute(PathBuf::from(v).join(".local/state/payroll-sync")))
        })
}

/// `plan.runs_dir`: absolute, as given or the default state directory (without one, the
/// working directory's `runs`, made absolute). A relative one is refused: the lock, the ledger and the unfinished applies would follow the directory each
/// run happens to start in.
pub(super) fn runs_dir(
    given: Option<PathBuf>,
    default: Option<PathBuf>,
) -> Result<PathBuf, SettingsError> {
    match (given, default) {
        (Some(p), _) if p.is_absolute() => Ok(p),
        (Some(p), _) => Err(SettingsError::Invalid(format!(
            "plan.runs_dir `{}` is relative: where runs keep their lock, ledger and unfinished imports would depend on the directory each run starts in; give an absolute path (for example `{}`)",
            p.display(),
            std::env::current_dir()
                .map(|d| d.join(&p).display().to_string())
                .unwrap_or_else(|_| "/var/lib/payroll-sync".into())
        ))),
        (None, Some(d)) => Ok(d),
        // No HOME at all (a bare container): the working directory's `runs`, made absolute
        // now; `doctor` says to set one.
        (None, None) => std::env::current_dir()
            .map(|d| d.join("runs"))
            .map_err(|e| {
                SettingsError::Invalid(format!(
                    "no place for the runs' state: set plan.runs_dir (PAYROLL_SYNC_PLAN_RUNS_DIR) to an absolute directory (none of $STATE_DIRECTORY, $XDG_STATE_HOME, $HOME is set, and the working directory is unknown: {e})"
                ))
            }),
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
    fn the_state_directory_is_absolute_and_a_relative_one_is_refused() {
        let d = |pairs: &[(&str, &str)]| default_state_dir(&env(pairs));
        assert_eq!(
            d(&[("STATE_DIRECTORY", "/var/lib/ps:/other")]),
            Some("/var/lib/ps".into())
        );
        assert_eq!(
            d(&[("XDG_STATE_HOME", "/h/s"), ("HOME", "/h")]),
            Some("/h/s/payroll-sync".into())
        );
        assert_eq!(
            d(&[("HOME", "/h")]),
            Some("/h/.local/state/payroll-sync".into())
        );
        assert_eq!(d(&[("HOME", "relative")]), None);
        assert_eq!(runs_dir(Some("/r".into()), None).ok(), Some("/r".into()));
        assert_eq!(runs_dir(None, Some("/s".into())).ok(), Some("/s".into()));
        let e = runs_dir(Some("runs".into()), Some("/s".into()))
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("`runs` is relative")));
        assert!(runs_dir(None, None).is_ok_and(|p| p.is_absolute()));
    }
}
