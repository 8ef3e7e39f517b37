//! Loading seeds: valid ones, errors naming file, row and column, and lifecycle columns.

use super::*;
use crate::state::JobState;

fn write_seed(dir: &Path, jobs: &str) {
    let files = [
        (
            "org.json",
            r#"{"id":"5f0000000000000000000a01","slug":"t","name":"T"}"#.to_string(),
        ),
        (
            "groups.csv",
            "type,name\nDEPARTMENT,Eng\nLOCATION,Remote\n".to_string(),
        ),
        (
            "users.csv",
            "user_id,email,first_name,last_name\n".to_string(),
        ),
        (
            "jobs.csv",
            format!(
                "job_id,person_id,employee_id,first_name,last_name,pref_name,work_email,home_email,work_phone,title,department,location,manager_job_id,start_date,employment\n{jobs}"
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap_or_default();
    }
}

fn today() -> NaiveDate {
    crate::dates::parse_iso("2025-01-15").unwrap_or_default()
}

const J1: &str = "6a0000000000000000000001,7b0000000000000000000001,1,Ada,L,,ada@x.com,,,CEO,Eng,Remote,,2020-01-01,FULL\n";

#[test]
fn loads_a_valid_seed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_seed(
        dir.path(),
        &format!("{J1}6a0000000000000000000002,,,,,,,,,Open req,Eng,,6a0000000000000000000001,,\n"),
    );
    let state = load(dir.path(), today()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state.jobs().count(), 2);
    assert!(state.job_by_email("ADA@x.com").is_some());
}

#[test]
fn errors_name_file_row_and_column() {
    let cases = [
        (
            "6a0000000000000000000002,,,,,,,,,T,Sales,,,,\n",
            "row 3, column `department`",
        ),
        (
            "6a0000000000000000000002,,,,,,,,,T,,,6a00000000000000000000ff,,\n",
            "row 3, column `manager_job_id`",
        ),
        (
            "6a0000000000000000000002,,,,,,,,,T,,,,2020-13-01,\n",
            "row 3, column `start_date`",
        ),
        (
            "6A0000000000000000000002,,,,,,,,,T,,,,,\n",
            "row 3, column `job_id`",
        ),
    ];
    for (extra, want) in cases {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write_seed(dir.path(), &format!("{J1}{extra}"));
        let err = load(dir.path(), today())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("jobs.csv") && err.contains(want),
            "{err} should contain {want}"
        );
    }
}

#[test]
fn a_departure_already_past_at_load_leaves_an_open_backfill_and_a_former_person() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_seed(dir.path(), "");
    let jobs = "job_id,person_id,work_email,title,start_date,end_date,state\n\
        6a0000000000000000000001,7b0000000000000000000001,ada@x.com,CEO,2020-01-01,,\n\
        6a0000000000000000000002,7b0000000000000000000002,bo@x.com,Eng,2020-01-01,2025-01-10,DEPART\n";
    let full: String = jobs
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let extra = if i == 0 {
                "employee_id,first_name,last_name,pref_name,home_email,work_phone,department,location,manager_job_id,employment"
            } else {
                ",,,,,,,,,"
            };
            format!("{l},{extra}\n")
        })
        .collect();
    std::fs::write(dir.path().join("jobs.csv"), full).unwrap_or_default();
    let state = load(dir.path(), today()).unwrap_or_else(|e| panic!("{e}"));
    let job = state.job("6a0000000000000000000002");
    assert_eq!(
        job.map(|j| (j.state, j.person.is_none())),
        Some((JobState::Open, true))
    );
    let bo = state.history.former("7b0000000000000000000002");
    assert_eq!(
        bo.and_then(|p| p.end_date),
        crate::dates::parse_iso("2025-01-10")
    );
    assert_eq!(
        state.job("6a0000000000000000000001").map(|j| j.state),
        Some(JobState::Filled)
    );
}

#[test]
fn a_stored_field_column_seeds_the_person() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write_seed(dir.path(), "");
    let jobs = "job_id,person_id,employee_id,first_name,last_name,pref_name,work_email,home_email,work_phone,title,department,location,manager_job_id,start_date,employment,base\n\
        6a0000000000000000000001,7b0000000000000000000001,1,Ada,L,,ada@x.com,,,CEO,Eng,Remote,,2020-01-01,FULL,170000 USD\n";
    std::fs::write(dir.path().join("jobs.csv"), jobs).unwrap_or_default();
    let state = load(dir.path(), today()).unwrap_or_else(|e| panic!("{e}"));
    let person = state
        .job_by_email("ada@x.com")
        .and_then(|j| j.person.as_ref())
        .map(|p| p.extra.get("base").cloned());
    assert_eq!(person, Some(Some("170000 USD".to_string())));
}
