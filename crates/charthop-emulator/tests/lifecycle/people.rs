//! `findPersons`, `findChanges`, effective dates, the Job ID key, the recorded upload flags,
//! and what the state file keeps.

use serde_json::{Value, json};

use super::{EXTRA, lifecycle_harness, seed_with};
use crate::{Harness, ORG, config};

#[tokio::test]
async fn find_persons_pages_by_person_id_and_include_all_adds_former_people() {
    let dir = seed_with(EXTRA);
    let h = lifecycle_harness(&dir);
    let walk = |include_all: bool| {
        let h = &h;
        async move {
            let (mut ids, mut from, mut pages) = (Vec::new(), String::new(), 0);
            loop {
                let (status, body) = h
                    .get(&format!(
                        "/v2/org/{ORG}/person?fields=id,contact.workEmail&format=minimal&limit=3&includeAll={include_all}&from={from}"
                    ))
                    .await;
                assert_eq!(status, 200, "{body}");
                pages += 1;
                for row in body["data"].as_array().into_iter().flatten() {
                    ids.push(row["id"].as_str().unwrap_or_default().to_string());
                }
                match body["next"].as_str() {
                    Some(next) => from = next.to_string(),
                    None => break,
                }
            }
            (ids, pages)
        }
    };
    let (current, pages) = walk(false).await;
    // 6 seed people + Dora (DEPART) + Stan (START); Olga only with includeAll.
    assert_eq!((current.len(), pages), (8, 3), "{current:?}");
    let (all, _) = walk(true).await;
    assert_eq!(all.len(), 9);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "sorted by person id, no duplicates");
    assert!(
        all.contains(&"7b00000000000000000000d3".to_string())
            && !current.contains(&"7b00000000000000000000d3".to_string())
    );

    let (_, olga) = h
        .get(&format!(
            "/v2/org/{ORG}/person?includeAll=true&q=contact.workEmail%3D%22OLGA%40test.example%22"
        ))
        .await;
    assert_eq!(
        olga["data"],
        json!([{"id": "7b00000000000000000000d3", "name": "Olga Former",
            "contact": {"workEmail": "olga@test.example", "employee": "1103"},
            "startDateOrg": "2018-04-01", "endDateOrg": "2024-06-30", "fields": {}}])
    );
    let (_, none) = h.get(&format!("/v2/org/{ORG}/person?q=endDateOrg:*")).await;
    assert_eq!(
        none["data"].as_array().map(Vec::len),
        Some(1),
        "Dora departs, still current: {none}"
    );
    for bad in [
        "includeAll=maybe",
        "fields=salary",
        "q=is:start",
        "format=xml",
        "limit=0",
    ] {
        let (status, body) = h.get(&format!("/v2/org/{ORG}/person?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let ops: Vec<String> = h
        .emu
        .requests()
        .iter()
        .filter_map(|r| r.operation.clone())
        .collect();
    assert!(
        ops.iter().all(|o| o == "findJobs" || o == "findPersons"),
        "{ops:?}"
    );
}

/// A filter over everyone searches texts the emulator keeps between calls: each import and each
/// move of the clock shows in the next answer.
#[tokio::test]
async fn a_filter_over_everyone_answers_for_the_org_as_it_is_after_each_change() {
    let dir = seed_with(EXTRA);
    let h = lifecycle_harness(&dir);
    let found = |include_all: bool| {
        let h = &h;
        async move {
            let (status, body) = h
                .get(&format!(
                    "/v2/org/{ORG}/person?fields=contact.workEmail&format=minimal&includeAll={include_all}&q=contact.workEmail%3A%22dora%22%2C%22stan%22%2C%22nova%22"
                ))
                .await;
            assert_eq!(status, 200, "{body}");
            let mut emails: Vec<String> = body["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["contact.workEmail"].as_str().map(str::to_string))
                .collect();
            emails.sort();
            emails
        }
    };
    let (dora, stan, nova) = (
        "dora@test.example".to_string(),
        "stan@test.example".to_string(),
        "nova@test.example".to_string(),
    );
    // Asked twice: the second answer comes from the kept texts.
    for _ in 0..2 {
        assert_eq!(found(false).await, [dora.clone(), stan.clone()]);
    }
    let (p, _) = h
        .import(
            "upsert=true&defaultChangeDate=2025-01-13",
            "Work Email,First Name,Last Name,Start Date,Title
             nova@test.example,Nova,Newman,2025-01-13,Engineer
",
        )
        .await;
    assert_eq!(p["status"], "DONE", "{p}");
    assert_eq!(
        found(false).await,
        [dora.clone(), nova.clone(), stan.clone()]
    );
    assert_eq!(
        found(true).await,
        [dora.clone(), nova.clone(), stan.clone()]
    );
    // Dora's last day passes: she is a former person, listed only with `includeAll`.
    assert_eq!(h.set_today(json!({"date": "2025-03-01"})).await.0, 200);
    assert_eq!(found(false).await, [nova.clone(), stan.clone()]);
    assert_eq!(found(true).await, [dora, nova, stan]);
}

#[tokio::test]
async fn find_changes_lists_hires_departures_and_dated_updates() {
    let h = Harness::start();
    let (p, _) = h
        .import(
            "upsert=true&defaultChangeDate=2025-01-10",
            "Work Email,First Name,Last Name,Start Date,Title,End Date,Date\n\
             nova@test.example,Nova,Newman,2025-01-13,Engineer,,\n\
             alan@test.example,,,,CTO,,3/1/2025\n\
             frances@test.example,,,,Sales VP,,\n\
             edsger@test.example,,,,,2025-01-31,\n",
        )
        .await;
    assert_eq!(p["status"], "DONE", "{p}");
    let (status, body) = h.get(&format!("/v1/org/{ORG}/change")).await;
    assert_eq!(status, 200);
    let changes = body["data"].as_array().cloned().unwrap_or_default();
    let summary: Vec<(String, String)> = changes
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap_or_default().into(),
                c["date"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    let pairs = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        summary,
        pairs(&[
            ("HIRE", "2025-01-13"),
            ("UPDATE", "2025-03-01"),
            ("UPDATE", "2025-01-10"),
            ("DEPART", "2025-01-31")
        ])
    );
    // The shape of charthop-api.md 13.2: a Change is a CreateChange plus id and status.
    for c in &changes {
        for key in [
            "id",
            "type",
            "date",
            "personId",
            "jobId",
            "status",
            "createAt",
            "processId",
        ] {
            assert!(c[key].is_string(), "{key} in {c}");
        }
        assert_eq!(c["status"], "ACTIVE");
        assert_eq!(c["processId"], p["id"]);
    }
    assert_eq!(changes[1]["fields"], json!({"title": "CTO"}));
    // The scheduled update waits in upcoming[] and is applied when the clock reaches it.
    assert_eq!(
        h.job("alan@test.example").get("title").map(String::as_str),
        Some("VP Engineering")
    );
    assert!(
        h.job("alan@test.example")
            .get("upcoming")
            .is_some_and(|u| u.contains("UPDATE"))
    );
    assert_eq!(
        h.job("frances@test.example")
            .get("title")
            .map(String::as_str),
        Some("Sales VP")
    );
    h.emu
        .set_today(chrono::NaiveDate::from_ymd_opt(2025, 3, 1))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        h.job("alan@test.example").get("title").map(String::as_str),
        Some("CTO")
    );

    let edsger = "7b0000000000000000000003";
    let (_, departs) = h
        .get(&format!(
            "/v1/org/{ORG}/change?type=depart&personId={edsger}"
        ))
        .await;
    assert_eq!(
        departs["data"].as_array().map(Vec::len),
        Some(1),
        "{departs}"
    );
    let (_, window) = h
        .get(&format!(
            "/v1/org/{ORG}/change?date=2025-01-11&untilDate=2025-01-31"
        ))
        .await;
    assert_eq!(window["data"].as_array().map(Vec::len), Some(2), "{window}");
    let (_, first) = h.get(&format!("/v1/org/{ORG}/change?limit=3")).await;
    let next = first["next"].as_str().unwrap_or_default();
    let (_, rest) = h
        .get(&format!("/v1/org/{ORG}/change?limit=3&from={next}"))
        .await;
    assert_eq!(
        (rest["data"].as_array().map(Vec::len), rest.get("next")),
        (Some(1), None)
    );
    for bad in ["type=MOVEX", "date=1/1/2025", "limit=5000"] {
        let (status, _) = h.get(&format!("/v1/org/{ORG}/change?{bad}")).await;
        assert_eq!(status, 400, "{bad}");
    }
    let (status, _) = h
        .post_csv(
            "defaultChangeDate=1/10/2025",
            "Work Email\nalan@test.example\n",
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_job_id_column_keys_rows_and_sets_the_work_email() {
    let h = Harness::start();
    let (p, _) = h
        .import(
            "skipErrors=true",
            "Job ID,Work Email,Title\n6a0000000000000000000002,alan.turing@test.example,CTO\n6a00000000000000000000ff,x@test.example,\n",
        )
        .await;
    assert_eq!(p["status"], "DONE_WITH_ERRORS", "{p}");
    assert!(
        p["message"]
            .as_str()
            .unwrap_or_default()
            .contains("row 3: no job with id `6a00000000000000000000ff`")
    );
    let alan = h.job("alan.turing@test.example");
    assert_eq!(
        alan.get("jobId").map(String::as_str),
        Some("6a0000000000000000000002")
    );
    assert_eq!(alan.get("title").map(String::as_str), Some("CTO"));
    assert!(h.job("alan@test.example").is_empty());
}

#[tokio::test]
async fn upload_flags_are_recorded() {
    let h = Harness::start();
    let query = "upsert=false&defaultChangeDate=2025-01-15&updateTypes=title,data&disableSyncHireDate=true&disableOverwritePerson=false&parentProcessId=p1";
    let (p, _) = h
        .import(query, "Work Email,Title\nalan@test.example,CTO\n")
        .await;
    assert_eq!(p["options"]["updateTypes"], "title,data");
    assert_eq!(p["options"]["disableSyncHireDate"], true);
    let upload = h.emu.uploads().pop().map(|u| u.flags).unwrap_or_default();
    assert_eq!(upload.default_change_date.as_deref(), Some("2025-01-15"));
    assert_eq!(upload.update_types.as_deref(), Some("title,data"));
    assert!(upload.disable_sync_hire_date && !upload.disable_overwrite_person);
    assert_eq!(upload.parent_process_id.as_deref(), Some("p1"));
    let logged = &h.emu.requests()[0].query_map;
    assert_eq!(
        logged.get("disableOverwritePerson").map(String::as_str),
        Some("false")
    );
    let (status, _) = h
        .post_csv(
            "disableSyncHireDate=sometimes",
            "Work Email\nalan@test.example\n",
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_state_file_keeps_former_people_changes_upcoming_and_the_clock() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = config();
    cfg.state_file = Some(dir.path().join("state.json"));
    let h = Harness::with(cfg.clone());
    let csv = "Work Email,End Date,backfillJob\nedsger@test.example,2025-01-20,no\nalan@test.example,2025-03-31,\n";
    assert_eq!(h.import("", csv).await.0["status"], "DONE");
    assert_eq!(h.set_today(json!({"date": "2025-02-01"})).await.0, 200);
    drop(h);
    // Without --today, the saved setting holds.
    cfg.today = None;
    let again = Harness::with(cfg.clone());
    assert_eq!(again.emu.today().to_string(), "2025-02-01");
    let edsger = again
        .emu
        .people()
        .into_iter()
        .find(|p| p.get("id").map(String::as_str) == Some("7b0000000000000000000003"))
        .unwrap_or_default();
    assert_eq!(
        edsger.get("endDateOrg").map(String::as_str),
        Some("2025-01-20")
    );
    assert!(!edsger.contains_key("jobId"));
    assert_eq!(again.emu.changes().len(), 2);
    let alan = again.job("alan@test.example");
    assert_eq!(alan.get("state").map(String::as_str), Some("DEPART"));
    assert!(
        alan.get("upcoming")
            .is_some_and(|u| u.contains("2025-03-31"))
    );
    drop(again);
    // --today wins over the saved setting, and what it passes takes effect.
    cfg.today = chrono::NaiveDate::from_ymd_opt(2025, 4, 1);
    let later = Harness::with(cfg);
    assert!(later.job("alan@test.example").is_empty());
    let (_, jobs) = later
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=jobId,state&q=jobId:6a0000000000000000000002"
        ))
        .await;
    assert_eq!(
        jobs["data"],
        json!([{"jobId": "6a0000000000000000000002", "state": "OPEN"}])
    );
    let _: Value = jobs;
}
