//! `importDataCsv`: `POST /v1/org/{orgId}/import/csv/data`, and the async process that applies
//! the upload.
//!
//! The upload is checked synchronously (flags, multipart `file`, UTF-8, header) and answered
//! with a PENDING process; rows are applied later by [`run`], first to a scratch copy (for
//! progress), then all at once to a fresh copy that replaces the live org only if the import
//! is to be applied. So a failed import never leaves half its rows behind.

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;

use crate::faults::Fault;
use crate::import_csv::{self, ParsedCsv};
use crate::import_row::{Applier, ImportContext, RowKind, RowOutcome};
use crate::log::{ImportFlags, UploadRecord};
use crate::process::{EMULATOR_USER_ID, ImportResults, Process, ProcessEvent, Status, now_iso};
use crate::query::{last_param, query_pairs};
use crate::shared::{ActiveFaults, ApiError, ProcessEntry, Shared, lock};
use crate::{ids, persist};

/// How many row errors a failed process's message lists.
const LISTED_ERRORS: usize = 5;

/// Accepts an upload and starts its process. 400 for a bad flag value, a missing `file` part,
/// a non-UTF-8 file or a bad header (among them a custom field that cannot be imported);
/// 404 for another org. With the `process_never_finishes`
/// fault the process goes RUNNING and stays there, applying nothing.
pub async fn import_data_csv(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
    faults: Option<Extension<ActiveFaults>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let stuck = faults.is_some_and(|Extension(f)| f.has(&Fault::ProcessNeverFinishes));
    shared.check_org(&org_id)?;
    let flags = parse_flags(&query_pairs(raw.as_deref()))?;
    let mut multipart =
        multipart.map_err(|e| ApiError::bad_request(format!("expected a multipart body: {e}")))?;
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("reading the multipart body: {e}")))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_string);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::bad_request(format!("reading the `file` part: {e}")))?;
            file = Some((name, bytes));
        }
    }
    let (file_name, bytes) =
        file.ok_or_else(|| ApiError::bad_request("missing multipart part `file`"))?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("the file is not UTF-8"))?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let csv = import_csv::parse(&text, &crate::shared::read(&shared.org).catalogue)
        .map_err(ApiError::bad_request)?;

    let id = ids::new_id();
    let mut process = Process::pending(
        id.clone(),
        crate::shared::read(&shared.org).org.id.clone(),
        format!("Import {}", file_name.as_deref().unwrap_or("CSV data")),
        "import",
        EMULATOR_USER_ID,
        options(&flags),
    );
    process.parent_process_id = flags.parent_process_id.clone();
    lock(&shared.processes).insert(id.clone(), ProcessEntry::new(process.clone()));
    let upload = UploadRecord {
        process_id: id.clone(),
        flags: flags.clone(),
        file_name,
        csv: text,
        rows: csv.row_maps(),
    };
    if stuck {
        tokio::spawn(run_stuck(shared, id));
    } else {
        tokio::spawn(run(shared, id, csv, flags));
    }
    let mut response = Json(process).into_response();
    response.extensions_mut().insert(upload);
    Ok(response)
}

fn parse_flags(params: &[(String, String)]) -> Result<ImportFlags, ApiError> {
    let get = |name: &str| last_param(params, name).map(str::to_string);
    let flag = |name: &str| match get(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "`{name}` must be true or false, not `{v}`"
        ))),
    };
    let default_change_date = get("defaultChangeDate").filter(|d| !d.is_empty());
    if let Some(d) = &default_change_date
        && crate::dates::parse_iso(d).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "`defaultChangeDate` must be YYYY-MM-DD, not `{d}`"
        )));
    }
    Ok(ImportFlags {
        upsert: flag("upsert")?,
        create_groups: flag("createGroups")?,
        skip_errors: flag("skipErrors")?,
        import_dry_run: flag("importDryRun")?,
        notify_user_ids: get("notifyUserIds"),
        notify_app_name: get("notifyAppName"),
        import_source: get("importSource"),
        parent_process_id: get("parentProcessId"),
        default_change_date,
        update_types: get("updateTypes"),
        disable_sync_hire_date: flag("disableSyncHireDate")?,
        disable_overwrite_person: flag("disableOverwritePerson")?,
    })
}

fn options(flags: &ImportFlags) -> serde_json::Value {
    let mut options = json!({
        "upsert": flags.upsert,
        "createGroups": flags.create_groups,
        "skipErrors": flags.skip_errors,
        "importDryRun": flags.import_dry_run,
        "disableSyncHireDate": flags.disable_sync_hire_date,
        "disableOverwritePerson": flags.disable_overwrite_person,
    });
    let extra = [
        ("notifyUserIds", &flags.notify_user_ids),
        ("notifyAppName", &flags.notify_app_name),
        ("importSource", &flags.import_source),
        ("parentProcessId", &flags.parent_process_id),
        ("defaultChangeDate", &flags.default_change_date),
        ("updateTypes", &flags.update_types),
    ];
    if let Some(map) = options.as_object_mut() {
        for (key, value) in extra {
            if let Some(value) = value {
                map.insert(key.into(), json!(value));
            }
        }
    }
    options
}

/// Starts an import that never ends: RUNNING at 50% forever, nothing applied.
async fn run_stuck(shared: Arc<Shared>, id: String) {
    tokio::time::sleep(shared.step_delay).await;
    shared.update_process(&id, |e| {
        e.process.status = Status::Running;
        e.process.start_at = Some(now_iso());
        e.process.progress = 0.5;
        e.process.message = Some("Importing".into());
    });
}

/// Runs an accepted import to completion: PENDING -> RUNNING (progress 0..1) -> DONE,
/// DONE_WITH_ERRORS or ERROR. A dry run never applies and never ends in ERROR.
async fn run(shared: Arc<Shared>, id: String, csv: ParsedCsv, flags: ImportFlags) {
    tokio::time::sleep(shared.step_delay).await;
    shared.update_process(&id, |e| {
        e.process.status = Status::Running;
        e.process.start_at = Some(now_iso());
    });

    let (mut scratch, today) = {
        let (org, today) = shared.org_now();
        (org.clone(), today)
    };
    let ctx = ImportContext {
        upsert: flags.upsert,
        create_groups: flags.create_groups,
        default_change_date: flags
            .default_change_date
            .as_deref()
            .and_then(crate::dates::parse_iso),
        today,
        process_id: Some(id.clone()),
    };
    let total = csv.rows.len();
    let step = (total / 10).max(1);
    let mut applier = Applier::new(&csv, ctx.clone());
    for (i, row) in csv.rows.iter().enumerate() {
        applier.apply(&mut scratch, row);
        if (i + 1) % step == 0 || i + 1 == total {
            // Capped below 1.0 until the outcome is final.
            let progress = ((i + 1) as f64 / total as f64).min(0.99);
            shared.update_process(&id, |e| e.process.progress = progress);
            tokio::time::sleep(shared.step_delay).await;
        }
    }
    drop(scratch);

    let (outcomes, applied, save_error) = {
        let (mut live, today) = shared.org_now();
        let mut next = live.clone();
        let mut applier = Applier::new(&csv, ImportContext { today, ..ctx });
        let outcomes: Vec<RowOutcome> = csv
            .rows
            .iter()
            .map(|row| applier.apply(&mut next, row))
            .collect();
        let failed = outcomes
            .iter()
            .any(|o| matches!(o.kind, RowKind::Failed(_)));
        let applied = !flags.import_dry_run && (!failed || flags.skip_errors);
        let mut save_error = None;
        if applied {
            *live = next;
            if let Some(file) = &shared.state_file {
                save_error = persist::save(file, &live).err();
            }
        }
        (outcomes, applied, save_error)
    };
    if let Some(e) = &save_error {
        tracing::warn!("{e}");
    }
    let (status, results, mut message) = summarize(&outcomes, &flags, applied);
    if let Some(e) = save_error {
        message.push_str(&format!("; state file not written: {e}"));
    }
    let events = outcomes.iter().map(event).collect();
    shared.update_process(&id, |e| {
        e.process.status = status;
        e.process.progress = 1.0;
        e.process.results = serde_json::to_value(results).ok();
        e.process.summary = Some(message.clone());
        e.process.message = Some(message);
        e.process.end_at = Some(now_iso());
        e.events = events;
    });
}

fn summarize(
    outcomes: &[RowOutcome],
    flags: &ImportFlags,
    applied: bool,
) -> (Status, ImportResults, String) {
    let count = |f: fn(&RowKind) -> bool| outcomes.iter().filter(|o| f(&o.kind)).count();
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| match &o.kind {
            RowKind::Failed(m) => Some(format!("row {}: {m}", o.line)),
            _ => None,
        })
        .collect();
    let mut results = ImportResults {
        rows: outcomes.len(),
        created: count(|k| matches!(k, RowKind::Created | RowKind::Rehired)),
        updated: count(|k| matches!(k, RowKind::Updated | RowKind::Departed)),
        errors: errors.len(),
    };
    let mut listed = errors
        .iter()
        .take(LISTED_ERRORS)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if errors.len() > LISTED_ERRORS {
        listed.push_str(&format!("; and {} more", errors.len() - LISTED_ERRORS));
    }
    let counts = format!(
        "{} rows: {} updated, {} created, {} errors",
        results.rows, results.updated, results.created, results.errors
    );
    let with_errors = |text: String| {
        if errors.is_empty() {
            text
        } else {
            format!("{text}: {listed}")
        }
    };
    let status = if errors.is_empty() {
        Status::Done
    } else {
        Status::DoneWithErrors
    };
    if flags.import_dry_run {
        (
            status,
            results,
            with_errors(format!("Dry run of {counts}; nothing applied")),
        )
    } else if applied {
        (status, results, with_errors(format!("Imported {counts}")))
    } else {
        let message = format!(
            "Import failed: {} of {} rows have errors, nothing applied: {listed}",
            results.errors, results.rows
        );
        results.created = 0;
        results.updated = 0;
        (Status::Error, results, message)
    }
}

fn event(outcome: &RowOutcome) -> ProcessEvent {
    let (kind, updates) = match &outcome.kind {
        RowKind::Failed(message) => ("ERROR", vec![json!({"type": "ERROR", "payload": {"errorMessage": message}})]),
        other => (
            match other {
                RowKind::Created | RowKind::Rehired => "HIRE",
                RowKind::Departed => "DEPART",
                _ => "UPDATE",
            },
            outcome
                .updates
                .iter()
                .map(|(key, value)| json!({"type": "FIELD", "payload": {"key": key, "value": value}}))
                .collect(),
        ),
    };
    ProcessEvent {
        id: ids::new_id(),
        kind,
        entity_data: json!({"row": outcome.line, "workEmail": outcome.work_email}),
        updates,
        at: now_iso(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn flags_parse_case_insensitively_and_reject_other_values() {
        let flags = parse_flags(&pairs(&[
            ("upsert", "TRUE"),
            ("skipErrors", "False"),
            ("importSource", "ps"),
        ]));
        let flags = flags.unwrap_or_default();
        assert!(flags.upsert && !flags.skip_errors && !flags.create_groups);
        assert_eq!(flags.import_source.as_deref(), Some("ps"));
        assert!(parse_flags(&pairs(&[("createGroups", "yes")])).is_err());
    }

    #[test]
    fn failed_import_lists_first_errors() {
        let outcomes: Vec<RowOutcome> = (2..10)
            .map(|line| RowOutcome {
                line,
                work_email: String::new(),
                kind: RowKind::Failed("bad".into()),
                updates: vec![],
            })
            .collect();
        let (status, results, message) = summarize(&outcomes, &ImportFlags::default(), false);
        assert_eq!(status, Status::Error);
        assert_eq!(results.errors, 8);
        assert!(
            message.starts_with("Import failed: 8 of 8 rows"),
            "{message}"
        );
        assert!(
            message.contains("row 2: bad") && message.ends_with("and 3 more"),
            "{message}"
        );
    }
}
