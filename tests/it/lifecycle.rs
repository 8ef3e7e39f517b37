//! The nightly story on a realistic organization (issue 16): the ADP Workforce Now export
//! `fixtures/payroll/adp-wfn.csv` (509 rows) into the `northwind` seed (460 people, former,
//! departing and announced people among them), night after night, against the outcome per
//! person written in `fixtures/payroll/adp-wfn.expected.csv` by the fixture's generator (not
//! computed by the code under test).
//!
//! Night 1 syncs everything; ChartHop refuses one row (a move into a department no one has and
//! no new hire brings), the other phases still run, the run exits 5 naming that payroll row.
//! Night 2 finds only that row left. After the clock passes a scheduled departure's last day,
//! the person is gone from the roster. Once the department exists, a re-plan has nothing left
//! to upload, while the rows left out (conflicts, rejected) are still reported.

use std::collections::BTreeMap;
use std::path::Path;

use charthop_emulator::{Config, Emulator};

use crate::support::*;

/// The day the fixture is valid for (the emulator's today and the plan's as-of date).
const NIGHT: &str = "2026-12-04";
/// A day after the scheduled departure of 2026-12-11.
const LATER: &str = "2026-12-14";

/// One expected person.
#[derive(Debug, Clone)]
struct Expected {
    row: Option<usize>,
    email: String,
    case: String,
    night1: String,
    refused: bool,
    night2: String,
    after_end: String,
    final_active: bool,
}

fn expected() -> Vec<Expected> {
    let mut rdr = csv::Reader::from_path(fixture("payroll/adp-wfn.expected.csv"))
        .expect("the expected outcomes");
    rdr.records()
        .map(|r| {
            let r = r.expect("a row");
            Expected {
                row: r[0].parse().ok(),
                email: r[2].to_lowercase(),
                case: r[3].to_string(),
                night1: r[4].to_string(),
                refused: &r[5] == "true",
                night2: r[6].to_string(),
                after_end: r[7].to_string(),
                final_active: &r[8] == "true",
            }
        })
        .collect()
}

fn start() -> Emulator {
    let mut config = Config::new(fixture("charthop/northwind"), TOKEN);
    config.import_step_delay = std::time::Duration::from_millis(1);
    config.today = NaiveDate::parse_from_str(NIGHT, "%Y-%m-%d").ok();
    Emulator::start(config).expect("the emulator starts")
}

use chrono::NaiveDate;

/// `payroll-sync` on this night: the as-of date pinned to `day`.
fn night(emu: &Emulator, dir: &Path, day: &str) -> std::process::Command {
    let mut c = cmd(emu, dir);
    c.env("PAYROLL_SYNC_PLAN_NOW", format!("{day}T02:15:00Z"))
        .env("PAYROLL_SYNC_PLAN_RUNS_DIR", dir.join("runs"));
    c
}

fn sync(emu: &Emulator, dir: &Path, day: &str, out: &str) -> std::process::Output {
    run(night(emu, dir, day).args(sync_args(
        fixture("payroll/adp-wfn.csv").to_str().unwrap_or_default(),
        mapping("adp-wfn.toml").to_str().unwrap_or_default(),
        Some(out),
    )))
}

fn plan(emu: &Emulator, dir: &Path, day: &str, out: &str) -> std::process::Output {
    run(night(emu, dir, day).args([
        "plan",
        "--input",
        fixture("payroll/adp-wfn.csv").to_str().unwrap_or_default(),
        "--mapping",
        mapping("adp-wfn.toml").to_str().unwrap_or_default(),
        "--out",
        out,
        "--detailed-exitcode",
    ]))
}

/// Each export row's category in a plan, by row number; `absent` for the roster's absent
/// people, by email.
fn categories(dir: &Path) -> (BTreeMap<usize, String>, Vec<String>, serde_json::Value) {
    let doc = plan_json(dir);
    let rows = doc["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| {
                    Some((
                        r["row"].as_u64()? as usize,
                        r["category"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let absent = doc["absent"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some(p["charthop_email"].as_str()?.to_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    (rows, absent, doc)
}

/// Every person's category in the plan in `dir` against the expected one (`pick` chooses the
/// night); skipped rows are counted, not listed.
fn check_night(dir: &Path, people: &[Expected], pick: impl Fn(&Expected) -> &str) {
    let (rows, absent, doc) = categories(dir);
    let mut wrong = Vec::new();
    let mut skipped = 0;
    for p in people {
        let want = pick(p);
        let got = match p.row {
            Some(row) => rows.get(&row).map_or("skipped", String::as_str),
            None if absent.contains(&p.email) => "absent",
            None => "(not reported)",
        };
        if want == "skipped" {
            skipped += 1;
        }
        if got != want {
            let why = p
                .row
                .and_then(|row| {
                    doc["rows"]
                        .as_array()?
                        .iter()
                        .find(|r| r["row"].as_u64() == Some(row as u64))
                        .map(|r| format!("{} {}", r["matched"], r["reason"]))
                })
                .unwrap_or_default();
            wrong.push(format!(
                "row {:?} {} ({}): expected {want}, got {got}: {why}",
                p.row, p.email, p.case
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(doc["summary"]["skipped"].as_u64(), Some(skipped));
}

/// The people in a filled job (FILLED, or DEPART until their last day), by work email:
/// announced hires (START) are not active yet.
fn active(emu: &Emulator) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut people = roster_by_email(emu);
    people.retain(|_, job| job.get("state").map(String::as_str) != Some("START"));
    people
}

#[test]
fn the_nightly_story_converges_night_after_night() {
    let people = expected();
    let emu = start();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();

    // Night 1: everything is planned as expected; one row is refused; every phase still ran.
    let out = sync(&emu, dir, NIGHT, "night1");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    check_night(&dir.join("night1"), &people, |p| &p.night1);
    let refused: Vec<&Expected> = people.iter().filter(|p| p.refused).collect();
    assert_eq!(refused.len(), 1, "the fixture has one refused row");
    let refused_row = refused[0].row.expect("a payroll row");
    let err = stderr(&out);
    // The refusal was foretold at plan time, with its real cause.
    assert!(
        err.lines().any(|l| l.starts_with("note: ")
            && l.contains("no new hire brings")
            && l.contains("will refuse")),
        "the plan warns of the department ChartHop will refuse: {err}"
    );
    assert!(
        err.contains(&format!("payroll row {refused_row}")),
        "the terminal names the refused payroll row: {err}"
    );
    let outcomes: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("night1/outcomes.json")).expect("outcomes.json"),
    )
    .expect("json");
    let refused_rows: Vec<u64> = outcomes
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["ok"] == false)
        .filter_map(|o| o["payroll_row"].as_u64())
        .collect();
    assert_eq!(refused_rows, vec![refused_row as u64], "{outcomes:#}");
    let reason = outcomes[0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !reason.is_empty(),
        "ChartHop's reason is kept: {outcomes:#}"
    );
    let ledger = std::fs::read_to_string(dir.join("runs/runs.jsonl")).expect("ledger");
    assert!(
        ledger.contains(&format!("\"row\":{refused_row}")) && ledger.contains("\"refused\""),
        "{ledger}"
    );
    // The upload flags: upsert only for hires, every upload dated by the as-of date.
    let uploads: Vec<_> = emu.uploads();
    assert_eq!(uploads.len(), 4, "four phases: {uploads:#?}");
    for u in &uploads {
        let name = u.file_name.as_deref().unwrap_or_default();
        assert_eq!(u.flags.upsert, name.starts_with("new_hires"), "{u:#?}");
        assert_eq!(
            u.flags.default_change_date.as_deref(),
            Some(NIGHT),
            "{u:#?}"
        );
    }

    // Every change night 1 made is dated as ChartHop records it: a hire by its start date, a
    // departure by the last day, an update by the plan's as-of date (defaultChangeDate).
    let plan1 = plan_json(&dir.join("night1"));
    let rows = plan1["rows"].as_array().cloned().unwrap_or_default();
    let by_person: BTreeMap<String, &serde_json::Value> = rows
        .iter()
        .filter_map(|r| {
            let email = r["charthop_email"]
                .as_str()
                .or(r["target"]["contact.workEmail"].as_str())?;
            Some((email.to_lowercase(), r))
        })
        .collect();
    let emails: BTreeMap<String, String> = emu
        .people()
        .into_iter()
        .filter_map(|p| {
            Some((
                p.get("id")?.clone(),
                p.get("contact.workEmail")?.to_lowercase(),
            ))
        })
        .collect();
    let processes: Vec<String> = emu.uploads().iter().map(|u| u.process_id.clone()).collect();
    let mut dated = 0;
    for c in emu.changes() {
        if !processes.iter().any(|p| c["processId"].as_str() == Some(p)) {
            continue;
        }
        let Some(row) = c["personId"]
            .as_str()
            .and_then(|id| emails.get(id))
            .and_then(|e| by_person.get(e))
        else {
            continue;
        };
        let want = match (c["type"].as_str(), row["category"].as_str()) {
            (Some("HIRE"), _) => row["target"]["startDate"].as_str(),
            (Some("DEPART"), _) => row["termination_date"].as_str(),
            (Some("UPDATE"), Some("update" | "email_change")) => Some(NIGHT),
            _ => continue,
        };
        assert_eq!(c["date"].as_str(), want, "{c:#} for {row:#}");
        dated += 1;
    }
    assert!(dated > 50, "{dated} changes checked");
    // The org's custom fields landed for the new hires: the enum as its option's name, the
    // date on the person.
    let jobs = roster_by_email(&emu);
    let people_by_email: BTreeMap<String, BTreeMap<String, String>> = emu
        .people()
        .into_iter()
        .filter_map(|p| Some((p.get("contact.workEmail")?.to_lowercase(), p)))
        .collect();
    let hires: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["category"] == "new_hire")
        .collect();
    assert!(hires.len() > 30);
    for r in hires {
        let email = r["target"]["contact.workEmail"]
            .as_str()
            .unwrap_or_default();
        let category = r["target"]["workerCategory"].as_str().unwrap_or_default();
        assert!(
            category.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
            "{r:#}"
        );
        assert_eq!(
            jobs[email].get("workerCategory").map(String::as_str),
            Some(category)
        );
        assert_eq!(
            people_by_email[email]
                .get("seniorityDate")
                .map(String::as_str),
            r["target"]["seniorityDate"].as_str(),
            "{email}"
        );
    }

    // The rehire brought the same ChartHop person back: one person with that email, the one
    // who had left.
    let rehire = rows
        .iter()
        .find(|r| r["category"] == "rehire")
        .expect("a rehire row");
    let email = rehire["target"]["contact.workEmail"]
        .as_str()
        .unwrap_or_default();
    let same: Vec<&String> = emails
        .iter()
        .filter(|(_, e)| *e == email)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        same,
        vec![rehire["person_id"].as_str().unwrap_or_default()],
        "{email}"
    );

    // The rehire was found by looking up only the rows no roster person matches: a few
    // findPersons queries naming their keys and emails, never a walk of the whole org.
    let lookups: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some("findPersons"))
        .collect();
    assert!(!lookups.is_empty() && lookups.len() <= 3, "{lookups:#?}");
    for r in &lookups {
        let q = r.query_map.get("q").map(String::as_str).unwrap_or_default();
        assert!(
            q.contains("contact.workEmail:\"chloe.haddad@northwind.example\"") || q.contains("||"),
            "{q}"
        );
        assert_eq!(
            r.query_map.get("includeAll").map(String::as_str),
            Some("true")
        );
    }

    // Night 2: only the refused row is left to upload.
    let out = sync(&emu, dir, NIGHT, "night2");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    check_night(&dir.join("night2"), &people, |p| &p.night2);

    // The scheduled departure's day passes: they leave the roster.
    emu.set_today(NaiveDate::parse_from_str(LATER, "%Y-%m-%d").ok())
        .expect("the clock moves");
    let out = plan(&emu, dir, LATER, "later");
    assert!(matches!(code(&out), 0 | 3), "{}", stderr(&out));
    check_night(&dir.join("later"), &people, |p| &p.after_end);
    let now = active(&emu);
    for p in people.iter().filter(|p| p.case != "skipped") {
        assert_eq!(
            now.contains_key(&p.email),
            p.final_active || (p.refused && now.contains_key(&p.email)),
            "{} ({}) active in ChartHop",
            p.email,
            p.case
        );
    }

    // HR creates the missing department in ChartHop and moves the person there: nothing is
    // left to upload, and the rows left out are still reported.
    let person = &refused[0].email;
    let department = emu_department_of_refused(dir, refused_row);
    emu.set_job_field(person, "department", &department)
        .expect("HR moves the person");
    let out = plan(&emu, dir, LATER, "replan");
    assert_eq!(code(&out), 0, "nothing to upload: {}", stderr(&out));
    let (_, _, doc) = categories(&dir.join("replan"));
    assert!(doc["summary"]["conflicts"].as_u64().unwrap_or(0) > 0);
    assert!(doc["summary"]["rejected"].as_u64().unwrap_or(0) > 0);
}

/// The department night 1 planned for the refused row.
fn emu_department_of_refused(dir: &Path, row: usize) -> String {
    let doc = plan_json(&dir.join("night1"));
    doc["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["row"].as_u64() == Some(row as u64))
        .and_then(|r| r["target"]["department"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The rows whose lifecycle cells cannot be read, or contradict each other, each get a reason
/// that names the column, the value and what to do; every other row is planned.
#[test]
fn unreadable_or_contradictory_lifecycle_rows_say_which_cell_and_what_to_do() {
    let people = expected();
    let emu = start();
    let tmp = tempfile::tempdir().expect("tmp");
    let out = plan(&emu, tmp.path(), NIGHT, "plan");
    assert_eq!(code(&out), 3, "changes are pending: {}", stderr(&out));
    let doc = plan_json(&tmp.path().join("plan"));
    let row_of = |case: &str| {
        people
            .iter()
            .find(|p| p.case == case)
            .and_then(|p| p.row)
            .unwrap_or_else(|| panic!("the fixture has a {case} row"))
    };
    let reason = |case: &str| -> (String, String) {
        let row = row_of(case) as u64;
        let r = doc["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["row"].as_u64() == Some(row))
            .unwrap_or_else(|| panic!("row {row} is in the plan"));
        (
            r["category"].as_str().unwrap_or_default().to_string(),
            r["reason"].as_str().unwrap_or_default().to_string(),
        )
    };
    for (case, category, needles) in [
        (
            "rejected_bad_termination_date",
            "rejected",
            &["column `Termination Date`", "`13/45/2026`", "fix the cell"][..],
        ),
        (
            "rejected_unknown_termination_reason",
            "rejected",
            &["column `Termination Reason Code`", "`NCNS`", "add it there"][..],
        ),
        (
            "conflict_rehire_before_termination",
            "conflict",
            &[
                "column `Termination Date`",
                "column `Rehire Date`",
                "give the rehire date",
            ][..],
        ),
        (
            "conflict_future_start_for_active_person",
            "conflict",
            &["column `Hire Date`", "2027-01-15", "fix the hire date"][..],
        ),
        (
            "conflict_departure_without_date",
            "conflict",
            &[
                "column `Position Status`",
                "column `Termination Date`",
                "fill in the termination date",
            ][..],
        ),
    ] {
        let (got, why) = reason(case);
        assert_eq!(got, category, "{case}: {why}");
        for n in needles {
            assert!(why.contains(n), "{case}: `{n}` not in: {why}");
        }
    }
    // The other rows go on: every new hire and update of night 1 is planned.
    let s = &doc["summary"];
    let count = |night1: &str| people.iter().filter(|p| p.night1 == night1).count() as u64;
    assert_eq!(s["new_hires"].as_u64(), Some(count("new_hire")));
    assert_eq!(s["updates"].as_u64(), Some(count("update")));
}
