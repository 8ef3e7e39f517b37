//! Personal data does not pile up: a `sync` with nothing to change keeps only its ledger line,
//! and finished plan directories under `plan.runs_dir` older than `plan.keep_days` are removed
//! (the ledger keeps their record). An unfinished apply is never touched: the next run resumes
//! it.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::import;

/// Removes `dir`, a plan `sync` made under `runs_dir` that changed nothing. A directory outside
/// `runs_dir` (`--out`) is the caller's and stays. Failures are logged, never fatal.
pub(super) fn drop_empty_plan(runs_dir: &Path, dir: &Path) {
    if dir.parent() != Some(runs_dir) {
        return;
    }
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {
            tracing::info!(plan = %dir.display(), "nothing to change: the plan directory is not kept")
        }
        Err(e) => {
            tracing::warn!(plan = %dir.display(), error = %e, "could not remove the empty plan directory")
        }
    }
}

/// Removes the plan directories directly under `runs_dir` whose apply finished (or that were
/// never applied) and that were last changed more than `keep_days` days ago; 0 keeps all.
/// Returns how many were removed. Failures are logged, never fatal.
pub(super) fn old_plans(runs_dir: &Path, keep_days: u32) -> usize {
    if keep_days == 0 {
        return 0;
    }
    let keep = Duration::from_secs(u64::from(keep_days) * 86_400);
    let now = SystemTime::now();
    let Ok(entries) = std::fs::read_dir(runs_dir) else {
        return 0;
    };
    let mut removed = 0;
    for path in entries.flatten().map(|e| e.path()) {
        let is_plan = path.is_dir() && path.join(crate::plan::PLAN_FILE).exists();
        let unfinished = matches!(import::load_record(&path), Ok(Some(r)) if r.unfinished());
        let age = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok());
        if !is_plan || unfinished || age.is_none_or(|a| a < keep) {
            continue;
        }
        match std::fs::remove_dir_all(&path) {
            Ok(()) => removed += 1,
            Err(e) => {
                tracing::warn!(plan = %path.display(), error = %e, "could not remove an old plan directory")
            }
        }
    }
    if removed > 0 {
        tracing::info!(removed, keep_days, "old plan directories removed");
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_finished_plans_under_the_runs_dir_go() {
        let runs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let plan = |name: &str, apply: Option<&str>| {
            let d = runs.path().join(name);
            std::fs::create_dir_all(&d).unwrap_or_default();
            std::fs::write(d.join("plan.json"), "{}").unwrap_or_default();
            if let Some(a) = apply {
                std::fs::write(d.join("apply.json"), a).unwrap_or_default();
            }
            d
        };
        let done = plan(
            "run-old",
            Some(r#"{"plan_sha256":"x","started_at":"t","finished_at":"t","uploads":[]}"#),
        );
        let open = plan(
            "run-unfinished",
            Some(r#"{"plan_sha256":"x","started_at":"t","uploads":[]}"#),
        );
        let recent = plan("run-new", None);
        let old = SystemTime::now() - Duration::from_secs(40 * 86_400);
        for d in [&done, &open] {
            std::fs::File::open(d)
                .and_then(|f| f.set_modified(old))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(old_plans(runs.path(), 0), 0, "0 keeps everything");
        assert_eq!(old_plans(runs.path(), 30), 1);
        assert!(!done.exists() && open.exists() && recent.exists());
        let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        drop_empty_plan(runs.path(), outside.path());
        assert!(
            outside.path().exists(),
            "a directory outside runs_dir stays"
        );
        drop_empty_plan(runs.path(), &recent);
        assert!(!recent.exists());
    }
}
