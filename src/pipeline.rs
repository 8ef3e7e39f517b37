//! The pipeline's entry points: `plan` (dry run), `apply` (a reviewed plan) and `sync` (both,
//! for cron). Each strings the stages together; none of them prints.

use std::path::{Path, PathBuf};

use crate::charthop::Client;
use crate::diff::{self, ChangeSet};
use crate::error::Error;
use crate::fetch::{Roster, fetch_roster};
use crate::guard;
use crate::import::{self, ApplyRecord};
use crate::ledger;
use crate::lock::RunLock;
use crate::mapping::{Mapping, Outcome};
use crate::plan::{self, CharthopRef, InputRef, LoadedPlan, PlanDoc, PlanInputs, RosterRef};
use crate::progress::{Progress, Stage};
use crate::read::{self, ReadOptions};
use crate::settings::Settings;
use crate::verify::{self, Mismatch};

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub input: PathBuf,
    pub mapping: PathBuf,
    pub out: PathBuf,
    /// Overrides the mapping's `[source] sheet`.
    pub sheet: Option<String>,
    /// Reports show sensitive fields (national ids stay hidden).
    pub show_sensitive: bool,
    /// Also plan with this (old) mapping and write what differs (`mapping-diff.md`).
    pub compare_mapping: Option<PathBuf>,
}

/// A written plan.
#[derive(Debug)]
pub struct Planned {
    pub dir: PathBuf,
    pub doc: PlanDoc,
    /// With `compare_mapping`: the comparison, as written to `mapping-diff.md`.
    pub mapping_diff: Option<String>,
}

/// The ChartHop client the settings describe. Fails when the token is missing (77) or the URL
/// is not acceptable (78).
pub fn client(settings: &Settings) -> Result<Client, Error> {
    Ok(Client::new(settings.charthop.client_config()?)?)
}

/// An export mapped with one mapping.
struct Mapped {
    mapping: Mapping,
    mapping_sha256: String,
    desired: Vec<crate::mapping::Desired>,
    rejected: Vec<crate::mapping::Rejection>,
    /// Rows left out by `[[skip]]` rules.
    skipped: usize,
    input: InputRef,
}

/// Reads a mapping file and maps the whole export with it.
fn map_export(
    mapping_path: &Path,
    input: &Path,
    sheet: Option<&str>,
    limits: read::Limits,
    progress: &dyn Progress,
) -> Result<Mapped, Error> {
    let mapping_bytes = std::fs::read(mapping_path).map_err(|source| {
        Error::Mapping(crate::mapping::MappingError::Io {
            path: mapping_path.to_path_buf(),
            source,
        })
    })?;
    let mapping = Mapping::parse(mapping_path, &String::from_utf8_lossy(&mapping_bytes))?;
    progress.stage(Stage::Reading);
    let options = ReadOptions {
        sheet: sheet.map(str::to_string).or_else(|| mapping.sheet.clone()),
        delimiter: mapping.delimiter,
        encoding: mapping.encoding,
        header_row: mapping.header_row,
        limits,
    };
    let input_sha256 = hash_file(input)?;
    let mut table = read::open(input, &options)?;
    let bound = mapping.bind(&table.header)?;
    progress.stage(Stage::Mapping);
    let mut desired = Vec::new();
    let mut rejected = Vec::new();
    let mut rows = 0;
    let mut skipped = 0;
    for row in table.by_ref() {
        let row = row?;
        rows += 1;
        match bound.outcome(row.row, &row.cells) {
            Outcome::Mapped(d) => desired.push(d),
            Outcome::Skipped(_) => skipped += 1,
            Outcome::Rejected(r) => rejected.push(r),
        }
    }
    let input = InputRef {
        path: input.display().to_string(),
        sha256: input_sha256,
        format: format!("{:?}", table.info.format).to_lowercase(),
        sheet: table.info.sheet.clone(),
        header_row: table.info.header_row,
        rows,
        blank_rows: table.blank_rows,
    };
    Ok(Mapped {
        mapping_sha256: plan::sha256(&mapping_bytes),
        mapping,
        desired,
        rejected,
        skipped,
        input,
    })
}

/// The roster with exactly the fields a mapping owns (and its keys).
async fn roster_for(
    settings: &Settings,
    client: &Client,
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<Roster, Error> {
    progress.stage(Stage::FetchingRoster);
    let fields = roster_fields(mapping);
    Ok(fetch_roster(client, &fields, settings.charthop.page_size, progress).await?)
}

/// The fields a mapping compares: its key, its fallback and every mapped field.
fn roster_fields(mapping: &Mapping) -> Vec<String> {
    let mut fields = vec![mapping.key.charthop_field.clone()];
    if let Some((_, f)) = &mapping.key.fallback {
        fields.push(f.clone());
    }
    fields.extend(mapping.fields.iter().map(|f| f.code.clone()));
    fields
}

/// Dry run: read, map, fetch, diff, and write the plan directory. Sends ChartHop only reads.
///
/// With `compare_mapping`, the export is also planned with that (old) mapping against a roster
/// fetched for it, and `mapping-diff.md` in the plan directory says what differs.
pub async fn plan(
    settings: &Settings,
    client: &Client,
    req: &PlanRequest,
    progress: &dyn Progress,
) -> Result<Planned, Error> {
    let mapped = map_export(
        &req.mapping,
        &req.input,
        req.sheet.as_deref(),
        settings.read,
        progress,
    )?;
    let roster = roster_for(settings, client, &mapped.mapping, progress).await?;
    let fetched_at = settings.clock.stamp();
    progress.stage(Stage::Diffing);
    let mut changes: ChangeSet =
        diff::diff(&mapped.mapping, &mapped.desired, &mapped.rejected, &roster);
    changes.summary.skipped = mapped.skipped;
    let compared = match &req.compare_mapping {
        None => None,
        Some(old_path) => {
            let old = map_export(
                old_path,
                &req.input,
                req.sheet.as_deref(),
                settings.read,
                progress,
            )?;
            let old_roster = roster_for(settings, client, &old.mapping, progress).await?;
            progress.stage(Stage::Diffing);
            let mut old_changes =
                diff::diff(&old.mapping, &old.desired, &old.rejected, &old_roster);
            old_changes.summary.skipped = old.skipped;
            let mut sensitive = plan::safe::sensitive_fields(&old.mapping);
            sensitive.extend(plan::safe::sensitive_fields(&mapped.mapping));
            Some(plan::mapping_diff::markdown(
                &plan::report::file_name(&old_path.display().to_string()),
                &plan::report::file_name(&req.mapping.display().to_string()),
                &old_changes,
                &changes,
                &sensitive,
                req.show_sensitive,
            ))
        }
    };
    let counts = guard::Counts {
        active: roster.people.len(),
        export_rows: mapped.input.rows,
        new_hires: changes.summary.new_hires,
        updates: changes.summary.updates,
        departures: changes.summary.departures,
        sensitive_updates: changes
            .rows
            .iter()
            .filter(|r| r.changes.iter().any(|c| guard::is_sensitive(&c.field)))
            .count(),
    };
    let verdicts = guard::check(&settings.guards, &counts);
    progress.stage(Stage::Writing);
    let inputs = PlanInputs {
        mapping: &mapped.mapping,
        mapping_sha256: mapped.mapping_sha256.clone(),
        input: mapped.input.clone(),
        charthop: CharthopRef {
            url: settings.charthop.url.clone(),
            org: settings.charthop.org.clone(),
        },
        guards: verdicts,
        roster: RosterRef {
            fields: roster_fields(&mapped.mapping),
            people: roster.people.len(),
            sha256: roster.fingerprint(),
            fetched_at,
        },
        created_at: settings.clock.stamp(),
        departures: settings.departures,
        show_sensitive: req.show_sensitive,
    };
    let doc = plan::write(&req.out, inputs, changes)?;
    if let Some(text) = &compared {
        let path = req.out.join(plan::MAPPING_DIFF_FILE);
        crate::fsutil::write_atomic(&path, text.as_bytes()).map_err(|source| {
            Error::Plan(plan::PlanError::Write {
                path: path.clone(),
                source,
            })
        })?;
    }
    Ok(Planned {
        dir: req.out.clone(),
        doc,
        mapping_diff: compared,
    })
}

/// What `apply` did.
#[derive(Debug)]
pub struct Applied {
    pub plan: LoadedPlan,
    pub record: ApplyRecord,
    /// Planned values not found in ChartHop afterwards (empty: everything landed).
    pub missing: Vec<Mismatch>,
}

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
async fn apply_holding_lock(
    settings: &Settings,
    client: &Client,
    dir: &Path,
    options: &ApplyOptions,
    progress: &dyn Progress,
) -> Result<Applied, Error> {
    let plan = LoadedPlan::load(dir)?;
    let result = apply_locked(settings, client, &plan, options, progress).await;
    let (outcome, code, ids, verified) = match &result {
        Ok((record, missing)) => (
            if record.uploads.is_empty() {
                "nothing to do".to_string()
            } else if missing.is_empty() {
                "applied".to_string()
            } else {
                format!("partial: {} value(s) did not land", missing.len())
            },
            if missing.is_empty() {
                0
            } else {
                crate::error::exit::PARTIAL
            },
            record
                .uploads
                .iter()
                .filter_map(|u| u.process_id.clone())
                .collect(),
            (!record.uploads.is_empty()).then_some(missing.is_empty()),
        ),
        Err(e) => (
            format!("refused or failed: {e}"),
            e.exit_code(),
            read_process_ids(dir),
            None,
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
        },
    );
    let (record, missing) = result?;
    if !missing.is_empty() {
        return Err(Error::NotLanded {
            count: missing.len(),
            dir: dir.to_path_buf(),
        });
    }
    Ok(Applied {
        plan,
        record,
        missing,
    })
}

async fn apply_locked(
    settings: &Settings,
    client: &Client,
    plan: &LoadedPlan,
    options: &ApplyOptions,
    progress: &dyn Progress,
) -> Result<(ApplyRecord, Vec<Mismatch>), Error> {
    check_approval(plan, options.approve.as_deref())?;
    import::check_not_applied(plan)?;
    if plan.doc.summary.is_empty() {
        return Ok((ApplyRecord::default(), Vec::new()));
    }
    let fields = verify::fields(&plan.doc);
    // Resuming: part of the plan may already be in ChartHop, so drift is expected.
    let resuming = matches!(import::load_record(&plan.dir), Ok(Some(r)) if r.unfinished());
    if options.check_drift && !resuming {
        progress.stage(Stage::FetchingRoster);
        let now = fetch_roster(client, &fields, settings.charthop.page_size, progress).await?;
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
    let options = import::ImportOptions {
        create_groups: plan.doc.create_groups,
        notify_user_ids: notify_user_ids(client, &settings.import.notify_emails).await?,
    };
    let record = import::apply(client, plan, &settings.import, &options, progress).await?;
    progress.stage(Stage::Verifying);
    let after = fetch_roster(client, &fields, settings.charthop.page_size, progress).await?;
    let missing = verify::missing(&plan.doc, &after);
    let report = serde_json::json!({
        "checked_rows": plan.doc.summary.new_hires + plan.doc.summary.updates,
        "landed": missing.is_empty(),
        "missing": missing,
    });
    let path = plan.dir.join("verify.json");
    crate::fsutil::write_atomic(&path, report.to_string().as_bytes())
        .map_err(|source| Error::Plan(plan::PlanError::Write { path, source }))?;
    Ok((record, missing))
}

/// A plan with a tripped guard applies only with its own hash as the approval; a given
/// approval must always be this plan's hash.
fn check_approval(plan: &LoadedPlan, approve: Option<&str>) -> Result<(), Error> {
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
    let tripped: Vec<String> = plan.doc.tripped().map(|v| v.explain.clone()).collect();
    if !tripped.is_empty() && approve.is_none() {
        return Err(Error::Guard {
            reasons: tripped.join("; "),
            dir: plan.dir.clone(),
            hash: plan.hash.clone(),
        });
    }
    Ok(())
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

/// `sync`: plan and apply under one hold of the org's run lock, so two runs can never plan the
/// same changes and both upload them. ChartHop is not re-checked for drift: the plan is seconds
/// old and the lock keeps other runs of this tool out.
pub async fn sync(
    settings: &Settings,
    client: &Client,
    req: &PlanRequest,
    progress: &dyn Progress,
) -> Result<(Planned, Applied), Error> {
    let _lock = RunLock::acquire(&settings.runs_dir, &settings.charthop.org)?;
    resume_unfinished(settings, client, progress).await?;
    let planned = plan(settings, client, req, progress).await?;
    let options = ApplyOptions {
        approve: None,
        check_drift: false,
        command: "sync",
    };
    let applied = apply_holding_lock(settings, client, &planned.dir, &options, progress).await?;
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

/// A new plan directory under `runs_dir`, named by the current UTC time.
pub fn run_dir(settings: &Settings) -> PathBuf {
    let stamp = settings.clock.now().format("%Y%m%dT%H%M%S%.3fZ");
    settings.runs_dir.join(format!("run-{stamp}"))
}

fn hash_file(path: &Path) -> Result<String, Error> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|source| {
        Error::Read(crate::read::ReadError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|source| {
            Error::Read(crate::read::ReadError::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::fetch::hex(&hasher.finalize()))
}
