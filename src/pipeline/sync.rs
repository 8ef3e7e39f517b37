//! `sync`: plan and apply under one hold of the run lock, after finishing any apply an earlier
//! run left unfinished.

use std::path::PathBuf;

use super::apply::apply_holding_lock;
use super::{Applied, ApplyOptions, PlanRequest, Planned, Settings, plan};
use crate::charthop::Client;
use crate::import;
use crate::ledger;
use crate::lock::RunLock;
use crate::pipeline::Error;
use crate::progress::Progress;

/// `sync`: plan and apply under one hold of the org's run lock, so two runs can never plan the
/// same changes and both upload them. ChartHop is not re-checked for drift: the plan is seconds
/// old and the lock keeps other runs of this tool out. `before_apply` is told the written plan
/// just before it is applied (the CLI prints its summary there).
pub async fn sync(
    settings: &Settings,
    client: &Client,
    req: &PlanRequest,
    progress: &dyn Progress,
    before_apply: &(dyn Fn(&Planned) + Sync),
) -> Result<(Planned, Applied), Error> {
    let _lock = RunLock::acquire(&settings.runs_dir, &settings.charthop.org)?;
    resume_unfinished(settings, client, progress).await?;
    let planned = plan(settings, client, req, progress).await?;
    let options = ApplyOptions {
        approve: None,
        check_drift: false,
        command: "sync",
    };
    before_apply(&planned);
    let applied = apply_holding_lock(settings, client, &planned.dir, &options, progress).await?;
    if planned.doc.summary.is_empty() && planned.doc.summary.left_out() == 0 {
        super::prune::drop_empty_plan(&settings.runs_dir, &planned.dir);
    }
    super::prune::old_plans(&settings.runs_dir, settings.keep_days);
    Ok((planned, applied))
}

/// Finishes any apply an earlier run left unfinished under `runs_dir` (it died, or its import
/// was still running at the deadline), so its changes are never planned and uploaded again.
async fn resume_unfinished(
    settings: &Settings,
    client: &Client,
    progress: &dyn Progress,
) -> Result<(), Error> {
    // Plans under runs_dir, and any other plan directory the ledger names (`sync --out DIR`).
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&settings.runs_dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.extend(ledger::plan_dirs(&settings.runs_dir));
    dirs.retain(|p| p.is_dir() && matches!(import::load_record(p), Ok(Some(r)) if r.unfinished()));
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        tracing::info!(plan = %dir.display(), "resuming an unfinished apply before planning");
        let options = ApplyOptions {
            approve: None,
            check_drift: false,
            command: "sync (resume)",
        };
        apply_holding_lock(settings, client, &dir, &options, progress).await?;
    }
    Ok(())
}
