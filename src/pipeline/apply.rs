//! `apply`: execute a reviewed plan directory under the org's run lock, then verify it landed.

use std::collections::HashSet;
use std::path::Path;

use super::Settings;
use crate::charthop::Client;
use crate::fetch::fetch_roster;
use crate::import::{self, ApplyRecord};
use crate::ledger;
use crate::lock::RunLock;
use crate::pipeline::Error;
use crate::plan::{self, LoadedPlan};
use crate::progress::{Progress, Stage};
use crate::verify::{self, Mismatch};

/// What `apply` did.
#[derive(Debug)]
pub struct Applied {
    pub plan: LoadedPlan,
    pub record: ApplyRecord,
    /// Planned values not found in ChartHop afterwards (empty: everything landed).
    pub missing: Vec<Mismatch>,
}

/// The imports' result and what verification found missing.
type Outcome = (import::Imported, Vec<Mismatch>);

/// How `apply` is asked to run.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// The plan hash a person approved, needed when a guard tripped.
    pub approve: Option<String>,
    /// Check that ChartHop has not moved since planning (skipped by `sync`, which just planned).
    pub check_drift: bool,
    /// The command, for the ledger.
    pub command: &'static str,
}

/// Executes a reviewed plan directory exactly as written, under the org's run lock: checks the
/// guards' approval and that ChartHop has not moved, uploads, waits, then verifies that every
/// planned value landed. Every outcome is appended to the run ledger.
pub async fn apply(
    settings: &Settings,
    client: &Client,
    dir: &Path,
    options: &ApplyOptions,
    progress: &dyn Progress,
) -> Result<Applied, Error> {
    let _lock = RunLock::acquire(&settings.runs_dir, &settings.charthop.org)?;
    apply_holding_lock(settings, client, dir, options, progress).await
}

/// [`apply`] for a caller that already holds the org's run lock.
pub(super) async fn apply_holding_lock(
    settings: &Settings,
    client: &Client,
    dir: &Path,
    options: &ApplyOptions,
    progress: &dyn Progress,
) -> Result<Applied, Error> {
    let plan = LoadedPlan::load(dir)?;
    let result = apply_locked(settings, client, &plan, options, progress).await;
    let (outcome, code, ids, verified, refused) = match &result {
        Ok((imported, missing)) => {
            let record = &imported.record;
            let problem = imported.problem().map(Error::Import);
            let code = match (&problem, missing.is_empty()) {
                (Some(e), _) => e.exit_code(),
                (None, false) => crate::pipeline::exit::PARTIAL,
                (None, true) => crate::pipeline::exit::OK,
            };
            let outcome = if record.uploads.is_empty() {
                "nothing to do".to_string()
            } else if let Some(e) = &problem {
                format!("partial: {e}")
            } else if missing.is_empty() {
                "applied".to_string()
            } else {
                format!("partial: {} value(s) did not land", missing.len())
            };
            (
                outcome,
                code,
                record
                    .uploads
                    .iter()
                    .filter_map(|u| u.process_id.clone())
                    .collect(),
                (!record.uploads.is_empty()).then_some(missing.is_empty()),
                imported
                    .refused
                    .iter()
                    .map(|o| ledger::Refused {
                        file: o.file.clone(),
                        row: o.payroll_row,
                        work_email: o.work_email.clone(),
                        reason: o.error.clone().unwrap_or_default(),
                    })
                    .collect(),
            )
        }
        Err(e) => (
            format!("refused or failed: {e}"),
            e.exit_code(),
            read_process_ids(dir),
            None,
            Vec::new(),
        ),
    };
    ledger::append(
        &settings.runs_dir,
        &ledger::Entry {
            time: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            command: options.command.to_string(),
            plan_dir: dir.display().to_string(),
            input_sha256: plan.doc.input.sha256.clone(),
            plan_sha256: plan.hash.clone(),
            approved_by: options
                .approve
                .as_ref()
                .map(|_| std::env::var("USER").unwrap_or_else(|_| "unknown".into())),
            process_ids: ids,
            outcome,
            exit_code: code,
            summary: plan.doc.summary.clone(),
            verified,
            refused,
        },
    );
    let (imported, missing) = result?;
    if let Some(problem) = imported.problem() {
        return Err(Error::Import(problem));
    }
    if !missing.is_empty() {
        let mut first: Vec<String> = missing.iter().take(5).map(|m| m.to_string()).collect();
        if missing.len() > 5 {
            first.push(format!("and {} more", missing.len() - 5));
        }
        return Err(Error::NotLanded {
            count: missing.len(),
            first: first.join("; "),
            dir: dir.to_path_buf(),
        });
    }
    Ok(Applied {
        plan,
        record: imported.record,
        missing,
    })
}

async fn apply_locked(
    settings: &Settings,
    client: &Client,
    plan: &LoadedPlan,
    options: &ApplyOptions,
    progress: &dyn Progress,
) -> Result<Outcome, Error> {
    check_approval(settings, plan, options.approve.as_deref())?;
    import::check_not_applied(plan)?;
    if plan.doc.files.iter().all(|f| f.rows == 0) {
        return Ok((import::Imported::default(), Vec::new()));
    }
    let fields = verify::fields(&plan.doc);
    // Resuming: part of the plan may already be in ChartHop, so drift is expected.
    let resuming = matches!(import::load_record(&plan.dir), Ok(Some(r)) if r.unfinished());
    if options.check_drift && !resuming && !plan.doc.catalogue.is_unknown() {
        // The fields the plan writes must mean what they meant when it was reviewed.
        let now = crate::catalogue::Catalogue::fetch(client).await?;
        let changed = plan.doc.catalogue.changed_in(&now);
        if !changed.is_empty() {
            return Err(Error::Stale {
                details: format!(
                    "the org's field catalogue changed in {} the plan writes ({})",
                    if changed.len() == 1 {
                        "a field"
                    } else {
                        "fields"
                    },
                    changed
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    if options.check_drift && !resuming {
        progress.stage(Stage::FetchingRoster);
        let now = roster_now(settings, client, &fields, progress).await?;
        let drift = verify::drift(&plan.doc, &now);
        if !drift.is_empty() {
            let mut details: Vec<String> = drift.iter().take(5).map(|m| m.to_string()).collect();
            if drift.len() > 5 {
                details.push(format!("and {} more", drift.len() - 5));
            }
            return Err(Error::Stale {
                details: details.join("; "),
            });
        }
    }
    progress.stage(Stage::Importing);
    let options = import_options(settings, client).await?;
    let imported = import::apply(client, plan, &settings.import, &options, progress).await?;
    progress.stage(Stage::Verifying);
    let after = roster_now(settings, client, &fields, progress).await?;
    let refused: HashSet<usize> = imported
        .refused
        .iter()
        .filter_map(|o| o.payroll_row)
        .collect();
    let missing = verify::missing(&plan.doc, &after, &refused);
    let checked = plan
        .doc
        .rows
        .iter()
        .filter(|r| r.category.is_change() && !refused.contains(&r.row))
        .count();
    let report = serde_json::json!({
        "checked_rows": checked,
        "refused_rows": refused.len(),
        "landed": missing.is_empty(),
        "missing": missing,
    });
    plan::write_json(&plan.dir.join("verify.json"), &report)?;
    Ok((imported, missing))
}

/// A plan with a tripped guard applies only with its own hash as the approval; a given
/// approval must always be this plan's hash.
fn check_approval(
    settings: &Settings,
    plan: &LoadedPlan,
    approve: Option<&str>,
) -> Result<(), Error> {
    // An apply that started (it passed this check then) and did not finish is resumed.
    if let Ok(Some(r)) = import::load_record(&plan.dir)
        && r.unfinished()
        && r.plan_sha256 == plan.hash
        && approve.is_none()
    {
        return Ok(());
    }
    if let Some(given) = approve
        && !given.trim().eq_ignore_ascii_case(&plan.hash)
    {
        return Err(Error::WrongApproval {
            given: given.to_string(),
            dir: plan.dir.clone(),
        });
    }
    let tripped = super::reguard::tripped(settings, plan);
    if !tripped.is_empty() && approve.is_none() {
        return Err(Error::Guard {
            reasons: tripped.join("; "),
            dir: plan.dir.clone(),
            hash: plan.hash.clone(),
        });
    }
    Ok(())
}

/// How this org's imports are sent (the users to notify), for `apply` and for ChartHop's dry
/// run of a plan.
pub(super) async fn import_options(
    settings: &Settings,
    client: &Client,
) -> Result<import::ImportOptions, Error> {
    Ok(import::ImportOptions {
        notify_user_ids: notify_user_ids(client, &settings.import.notify_emails).await?,
    })
}

/// ChartHop's dry run of a plan (`apply --server-dry-run`): the change files uploaded with
/// exactly the flags `apply` sends, and `importDryRun=true`. Changes nothing.
pub async fn server_dry_run(
    settings: &Settings,
    client: &Client,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Vec<import::RowOutcome>, Error> {
    let plan = LoadedPlan::load(dir)?;
    let options = import_options(settings, client).await?;
    Ok(import::server_dry_run(client, &plan, &settings.import, &options, progress).await?)
}

/// The ChartHop user ids of the configured notification emails, through `findUsers`. An email
/// that matches no user is a settings error naming it.
async fn notify_user_ids(client: &Client, emails: &[String]) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    for email in emails {
        let users = client.find_users(email).await?;
        let user = users
            .into_iter()
            .find(|u| {
                u.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .ok_or_else(|| {
                Error::Settings(crate::settings::SettingsError::Invalid(format!(
                    "import.notify_emails: no ChartHop user has the email `{email}`"
                )))
            })?;
        ids.push(user.id);
    }
    Ok(ids)
}

fn read_process_ids(dir: &Path) -> Vec<String> {
    std::fs::read(dir.join(plan::APPLY_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<ApplyRecord>(&b).ok())
        .map(|r| r.uploads.into_iter().filter_map(|u| u.process_id).collect())
        .unwrap_or_default()
}

/// The roster as it is now, with the fields a plan touches, indexed for verification.
async fn roster_now(
    settings: &Settings,
    client: &Client,
    fields: &[String],
    progress: &dyn Progress,
) -> Result<crate::fetch::Roster, Error> {
    Ok(fetch_roster(
        client,
        fields,
        settings.charthop.page_size,
        &verify::INDEXES,
        progress,
    )
    .await?)
}
