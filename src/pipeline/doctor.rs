//! `payroll-sync doctor`: everything an operator checks before the first night, one finding
//! each. It reads settings, files and ChartHop, and sends ChartHop nothing that changes it
//! (the access check is a header-only `importDryRun` upload, which applies nothing).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Error, exit};
use crate::catalogue::Catalogue;
use crate::charthop::{ApiError, Client, ImportFlags};
use crate::mapping::Mapping;
use crate::mapping::check::Checker;
use crate::read::{self, ReadOptions};
use crate::settings::Settings;

/// How a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    /// Worth fixing; does not stop a run.
    Warn,
    /// A run would fail.
    Fail,
}

/// One line of the doctor's report.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub level: Level,
    pub detail: String,
    /// What to do, for a warning or a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The exit code this finding alone would give (0 unless it fails).
    pub exit: u8,
}

impl Finding {
    fn ok(check: &'static str, detail: impl Into<String>) -> Finding {
        Finding {
            check,
            level: Level::Ok,
            detail: detail.into(),
            fix: None,
            exit: exit::OK,
        }
    }

    fn warn(check: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            check,
            level: Level::Warn,
            detail: detail.into(),
            fix: Some(fix.into()),
            exit: exit::OK,
        }
    }

    fn fail(
        check: &'static str,
        detail: impl Into<String>,
        fix: Option<String>,
        code: u8,
    ) -> Finding {
        Finding {
            check,
            level: Level::Fail,
            detail: detail.into(),
            fix,
            exit: code,
        }
    }

    fn error(check: &'static str, e: &Error) -> Finding {
        Finding::fail(check, e.to_string(), e.hint(), e.exit_code())
    }
}

/// What to examine besides the settings and ChartHop.
#[derive(Debug, Clone, Default)]
pub struct DoctorRequest {
    pub config: Option<PathBuf>,
    pub mapping: Option<PathBuf>,
    pub input: Option<PathBuf>,
    pub sheet: Option<String>,
}

/// The worst exit code among `findings` (0 when none fails): 77 before 78 before 65 before 75.
pub fn exit_code(findings: &[Finding]) -> u8 {
    let rank = |c: u8| match c {
        exit::AUTH => 5,
        exit::CONFIG => 4,
        exit::BAD_INPUT => 3,
        exit::TEMPORARY => 2,
        exit::OK => 0,
        _ => 1,
    };
    findings
        .iter()
        .map(|f| f.exit)
        .max_by_key(|&c| rank(c))
        .unwrap_or(exit::OK)
}

/// Runs every check; a check that cannot run because an earlier one failed is left out (its
/// cause is already a finding). Never fails: problems are findings.
pub async fn doctor(req: &DoctorRequest) -> Vec<Finding> {
    let mut out = Vec::new();
    let origins = crate::settings::sources::origins(req.config.as_deref(), std::env::vars());
    let settings = match Settings::load(req.config.as_deref()) {
        Ok(s) => {
            out.push(Finding::ok(
                "settings",
                format!("resolved: {}", origin_summary(&origins)),
            ));
            Some(s)
        }
        Err(e) => {
            out.push(Finding::error("settings", &e.into()));
            None
        }
    };
    let mapping = req.mapping.as_ref().map(|p| Mapping::load(p));
    if let Some(settings) = &settings {
        out.extend(files(settings));
        if let Some(client) = chart_hop(settings, &mut out).await {
            out.push(access(&client).await);
            if let Some(Ok(m)) = &mapping {
                out.push(catalogue(&client, m.clone()).await);
            }
        }
    }
    match (&mapping, &req.input) {
        (Some(Err(e)), _) => out.push(Finding::fail("mapping", e.to_string(), None, exit::CONFIG)),
        (Some(Ok(m)), Some(input)) => out.push(export(m, input, req)),
        (Some(Ok(m)), None) => out.push(Finding::ok(
            "mapping",
            format!("{}: {} field(s), valid", m.path.display(), m.fields.len()),
        )),
        (None, _) => {}
    }
    out
}

/// The settings' origins in one line: each key set from somewhere, by where; the rest default.
fn origin_summary(origins: &[(&'static str, String)]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (key, origin) in origins.iter().filter(|(_, o)| o != "default") {
        let place = origin.split(" (").next().unwrap_or(origin);
        match groups.iter_mut().find(|(p, _)| *p == place) {
            Some((_, keys)) => keys.push(key),
            None => groups.push((place, vec![key])),
        }
    }
    let mut parts: Vec<String> = groups
        .iter()
        .map(|(place, keys)| format!("{} from the {place}", keys.join(", ")))
        .collect();
    parts.push("the rest default".into());
    parts.join("; ")
}

/// The token, the org and the connection (with ChartHop's clock); the client when they work.
async fn chart_hop(settings: &Settings, out: &mut Vec<Finding>) -> Option<Client> {
    let client = match super::client(settings) {
        Ok(c) => c,
        Err(e) => {
            out.push(Finding::error("token", &e));
            return None;
        }
    };
    let url = &settings.charthop.url;
    let org = &settings.charthop.org;
    let probe = client.probe().await;
    let finding = match probe.status {
        None => Finding::fail(
            "chart_hop",
            format!("no answer from {url}: {}", probe.error.unwrap_or_default()),
            Some("check charthop.url and this machine's network (proxy, firewall)".into()),
            exit::TEMPORARY,
        ),
        Some(401) => Finding::fail(
            "token",
            format!("ChartHop refused the token at {url}"),
            Some("create a new app token in ChartHop and set PAYROLL_SYNC_CHARTHOP_TOKEN_FILE to the file holding it".into()),
            exit::AUTH,
        ),
        Some(403) => Finding::fail(
            "token",
            format!("ChartHop denied this token access to org `{org}`"),
            Some("install the app in this org, or use a token of an app installed there".into()),
            exit::AUTH,
        ),
        Some(404) => Finding::fail(
            "org",
            format!("no org `{org}` at {url}"),
            Some("set charthop.org to the org's id or slug (as in its ChartHop URL)".into()),
            exit::CONFIG,
        ),
        Some(s) if (200..300).contains(&s) => Finding::ok(
            "token",
            format!("accepted; org `{org}` found at {url}"),
        ),
        Some(s) => Finding::fail(
            "chart_hop",
            format!("ChartHop answered {s} at {url}"),
            Some("try again later; if it persists, ask ChartHop support".into()),
            exit::TEMPORARY,
        ),
    };
    let ok = finding.level == Level::Ok;
    out.push(finding);
    if let Some(theirs) = probe.server_date {
        let skew = (chrono::Utc::now() - theirs).num_seconds();
        out.push(if skew.abs() > 300 {
            Finding::warn(
                "clock",
                format!("this machine's clock is {skew} s off ChartHop's"),
                "set up time sync (NTP): the plan's as-of date and every change's date come from this clock",
            )
        } else {
            Finding::ok("clock", format!("within {} s of ChartHop's", skew.abs().max(1)))
        });
    }
    ok.then_some(client)
}

/// Whether the app may import: a header-only CSV with `importDryRun=true`, which ChartHop
/// validates and applies nothing of.
async fn access(client: &Client) -> Finding {
    let flags = ImportFlags {
        dry_run: true,
        import_source: Some("payroll-sync:doctor".into()),
        ..ImportFlags::default()
    };
    match client
        .import_csv("doctor-access-check.csv", b"Work Email\r\n".to_vec(), &flags)
        .await
    {
        Ok(_) => Finding::ok(
            "import_access",
            "the app may import (a header-only dry-run import was accepted; it changes nothing)",
        ),
        Err(e @ (ApiError::Forbidden { .. } | ApiError::Unauthorized { .. })) => Finding::fail(
            "import_access",
            e.to_string(),
            Some("an app imports only with the \"Primary Editor\" access level: ask a ChartHop admin to give the app that level (Settings, Apps)".into()),
            exit::AUTH,
        ),
        Err(e) => Finding::error("import_access", &e.into()),
    }
}

/// The mapping against the org's field catalogue.
async fn catalogue(client: &Client, mut mapping: Mapping) -> Finding {
    let catalogue = match Catalogue::fetch(client).await {
        Ok(c) => c,
        Err(e) => return Finding::error("fields", &e.into()),
    };
    match mapping.against_catalogue(&catalogue) {
        Ok(adjusted) => Finding::ok(
            "fields",
            format!(
                "every mapped field is one of the org's {} fields{}",
                catalogue.len(),
                if adjusted.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", adjusted.join("; "))
                }
            ),
        ),
        Err(e) => Finding::fail("fields", e.to_string(), None, exit::CONFIG),
    }
}

/// The export read and mapped with the mapping, as `check --input` does.
fn export(mapping: &Mapping, input: &Path, req: &DoctorRequest) -> Finding {
    let run = || -> Result<String, Error> {
        let options = ReadOptions {
            sheet: req.sheet.clone().or_else(|| mapping.sheet.clone()),
            delimiter: mapping.delimiter,
            encoding: mapping.encoding,
            header_row: mapping.header_row,
            limits: Settings::load_read_limits(req.config.as_deref())?,
        };
        let mut table = read::open(input, &options)?;
        let bound = mapping.bind(&table.header)?;
        let mut checker = Checker::new(&bound, &table.header);
        for row in table.by_ref() {
            let row = row?;
            checker.row(row.row, &row.cells);
        }
        let r = checker.finish();
        Ok(format!(
            "{}: {} row(s), {} mapped, {} skipped, {} rejected (see `payroll-sync check --input` for each)",
            input.display(),
            r.rows,
            r.mapped,
            r.skipped_total(),
            r.rejected.len()
        ))
    };
    match run() {
        Ok(detail) => Finding::ok("export", detail),
        Err(e) => Finding::error("export", &e),
    }
}

/// `plan.runs_dir` (absolute, writable), the run lock and unfinished applies in it.
fn files(settings: &Settings) -> Vec<Finding> {
    let dir = &settings.runs_dir;
    let mut out = Vec::new();
    let probe = crate::fsutil::create_private_dir(dir)
        .and_then(|()| tempfile::NamedTempFile::new_in(dir).map(|_| ()));
    out.push(match (probe, dir.is_absolute()) {
        (Err(e), _) => Finding::fail(
            "runs_dir",
            format!("cannot write in `{}`: {e}", dir.display()),
            Some("set plan.runs_dir to a directory this user can write".into()),
            exit::CONFIG,
        ),
        (Ok(()), false) => Finding::warn(
            "runs_dir",
            format!("`{}` is relative: where plans go depends on the directory the run starts in (cron's is the home directory)", dir.display()),
            "set plan.runs_dir to an absolute path",
        ),
        (Ok(()), true) => Finding::ok("runs_dir", format!("`{}` is writable", dir.display())),
    });
    out.push(match crate::lock::holder(dir, &settings.charthop.org) {
        Some(who) => Finding::fail(
            "lock",
            format!("another run holds the lock: {who}"),
            Some(
                "wait for it to finish; a lock left by a crashed run is taken over automatically"
                    .into(),
            ),
            exit::TEMPORARY,
        ),
        None => Finding::ok("lock", "free"),
    });
    let unfinished: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(crate::import::load_record(p), Ok(Some(r)) if r.unfinished()))
        .map(|p| p.display().to_string())
        .collect();
    out.push(if unfinished.is_empty() {
        Finding::ok("imports", "no unfinished apply")
    } else {
        Finding::warn(
            "imports",
            format!("{} unfinished apply: {}", unfinished.len(), unfinished.join(", ")),
            "the next `sync` (or `apply` of that directory) follows or resumes it; nothing to do unless it keeps coming back",
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_finding_gives_the_exit_code() {
        let f = |code| Finding::fail("x", "", None, code);
        assert_eq!(exit_code(&[Finding::ok("a", "")]), 0);
        assert_eq!(
            exit_code(&[f(exit::TEMPORARY), f(exit::CONFIG)]),
            exit::CONFIG
        );
        assert_eq!(
            exit_code(&[f(exit::CONFIG), f(exit::AUTH), f(exit::BAD_INPUT)]),
            exit::AUTH
        );
        assert_eq!(exit_code(&[Finding::warn("w", "", "")]), 0);
    }
}
