//! People's lifecycle over real HTTP: the clock, departures, announced hires, rehires,
//! effective dates and the seed's lifecycle columns. `people.rs` covers `findPersons`,
//! `findChanges` and persistence.

use serde_json::{Value, json};

use super::{Harness, ORG, config, seed_dir};

mod people;

/// Dora departs on 2025-01-31 (DEPART), Stan starts on 2025-02-03 (START), Olga left on
/// 2024-06-30 (a former person); the seed's today is 2025-01-15.
const EXTRA: &str = "\
6a00000000000000000000d1,7b00000000000000000000d1,1101,Dora,Depart,,dora@test.example,,,Engineer,Engineering,Remote,6a0000000000000000000002,2021-01-04,FULL,,2025-01-31
6a00000000000000000000d2,7b00000000000000000000d2,1102,Stan,Start,,stan@test.example,,,Engineer,Engineering,Remote,6a0000000000000000000002,2025-02-03,FULL,,
,7b00000000000000000000d3,1103,Olga,Former,,olga@test.example,,,,,,,2018-04-01,,,2024-06-30
";

/// The test seed plus `extra` rows (columns as the seed's, then `end_date`) in a temp dir.
fn seed_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for name in ["org.json", "groups.csv", "users.csv"] {
        let _ = std::fs::copy(seed_dir().join(name), dir.path().join(name));
    }
    let base = std::fs::read_to_string(seed_dir().join("jobs.csv")).unwrap_or_default();
    let mut jobs: String = base.lines().map(|l| format!("{l},\n")).collect();
    jobs = jobs.replacen("state,\n", "state,end_date\n", 1);
    jobs.push_str(extra);
    let _ = std::fs::write(dir.path().join("jobs.csv"), jobs);
    dir
}

fn lifecycle_harness(dir: &tempfile::TempDir) -> Harness {
    let mut cfg = config();
    cfg.seed_dir = dir.path().to_path_buf();
    Harness::with(cfg)
}

impl Harness {
    async fn set_today(&self, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/_emulator/today"))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The findJobs row (minimal) of the job with this id, with the lifecycle fields.
    async fn job_row(&self, job_id: &str) -> Value {
        let (status, body) = self
            .get(&format!(
                "/v2/org/{ORG}/job?format=minimal&q=jobId={job_id}&fields=jobId,personId,open,state,startDate,personStartDate,personEndDate,upcoming"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        body["data"][0].clone()
    }

    /// The work emails `q` lists (findJobs, minimal).
    async fn emails(&self, q: &str) -> Vec<String> {
        let (status, body) = self
            .get(&format!(
                "/v2/org/{ORG}/job?format=minimal&fields=contact.workEmail&limit=1000&q={}",
                q.replace(' ', "%20")
                    .replace('|', "%7C")
                    .replace('&', "%26")
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["contact.workEmail"].as_str().map(str::to_string))
            .collect()
    }
}

#[tokio::test]
async fn the_clock_is_read_and_moved_through_the_admin_route() {
    let h = Harness::start();
    let get = reqwest::get(h.url("/_emulator/today")).await;
    let body: Value = match get {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(body, json!({"date": "2025-01-15", "explicit": true}));
    assert_eq!(h.set_today(json!({"date": "2025-03-01"})).await.0, 200);
    assert_eq!(h.emu.today().to_string(), "2025-03-01");
    let (status, body) = h.set_today(json!({"date": "3/1/2025"})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = h.set_today(json!({"date": null})).await;
    assert_eq!(status, 200);
    let utc = chrono::Utc::now().date_naive().to_string();
    assert_eq!(body, json!({"date": utc, "explicit": false}));
    assert!(h.emu.requests().is_empty(), "admin calls are not logged");
    // Tenure follows the clock.
    h.emu
        .set_today(chrono::NaiveDate::from_ymd_opt(2026, 1, 15))
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, alan) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=tenure&q=jobId:6a0000000000000000000002"
        ))
        .await;
    assert_eq!(alan["data"][0]["tenure"], 72);
}

#[tokio::test]
async fn a_departure_holds_the_job_until_the_day_after_the_end_date() {
    let h = Harness::start();
    let csv = "Work Email,End Date,Depart Type,Depart Regret,Depart Reason,backfillJob\n\
        edsger@test.example,1/31/2025,Voluntary,Non-regret,Moved away,yes\n\
        barbara@test.example,2025-02-14,involuntary,,,no\n";
    let (process, _) = h.import("upsert=false", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    let edsger = h.job_row("6a0000000000000000000003").await;
    assert_eq!(edsger["state"], "DEPART");
    assert_eq!(edsger["open"], "filled");
    assert_eq!(edsger["personEndDate"], "2025-01-31");
    let upcoming = edsger["upcoming"].as_array().cloned().unwrap_or_default();
    assert_eq!(upcoming.len(), 1, "{edsger}");
    assert_eq!(upcoming[0]["type"], "DEPART");
    assert_eq!(upcoming[0]["date"], "2025-01-31");
    assert_eq!(upcoming[0]["personId"], "7b0000000000000000000003");
    assert!(
        h.emails("open:filled")
            .await
            .contains(&"edsger@test.example".to_string())
    );
    assert!(
        h.emails("is:depart")
            .await
            .contains(&"barbara@test.example".to_string())
    );
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    assert_eq!(events["events"][0]["type"], "DEPART");
    let updates = events["events"][0]["updates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(updates.contains(
        &json!({"type": "FIELD", "payload": {"key": "departType", "value": "VOLUNTARY"}})
    ));

    // The end date itself is still a working day.
    h.set_today(json!({"date": "2025-01-31"})).await;
    assert_eq!(
        h.job_row("6a0000000000000000000003").await["state"],
        "DEPART"
    );
    h.set_today(json!({"date": "2025-02-01"})).await;
    let backfill = h.job_row("6a0000000000000000000003").await;
    assert_eq!(backfill["state"], "OPEN");
    assert!(backfill.get("personId").is_none(), "{backfill}");
    assert!(
        !h.emails("open:filled")
            .await
            .contains(&"edsger@test.example".to_string())
    );
    // Without a backfill the job goes on the day after Barbara's last day.
    h.set_today(json!({"date": "2025-02-15"})).await;
    assert!(h.job_row("6a0000000000000000000005").await.is_null());
    let former = h
        .emu
        .people()
        .into_iter()
        .find(|p| p.get("contact.workEmail").map(String::as_str) == Some("barbara@test.example"))
        .unwrap_or_default();
    assert_eq!(
        former.get("endDateOrg").map(String::as_str),
        Some("2025-02-14")
    );
    assert_eq!(
        former.get("contact.employee").map(String::as_str),
        Some("1005")
    );
    assert!(!former.contains_key("jobId"));
}

#[tokio::test]
async fn bad_departure_rows_are_refused_and_the_others_go_on() {
    let h = Harness::start();
    let csv = "Work Email,End Date,Depart Type\n\
        edsger@test.example,31.01.2025,Voluntary\n\
        alan@test.example,2025-01-31,Quit\n\
        new@test.example,2025-01-31,Voluntary\n\
        frances@test.example,2025-01-31,\n";
    let (process, _) = h.import("upsert=true&skipErrors=true", csv).await;
    assert_eq!(process["status"], "DONE_WITH_ERRORS", "{process}");
    assert_eq!(process["results"]["errors"], 3);
    let message = process["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("row 2: end date `31.01.2025` is not M/D/YYYY or YYYY-MM-DD"),
        "{message}"
    );
    assert!(
        message.contains("row 3: depart type `Quit` is not Voluntary or Involuntary"),
        "{message}"
    );
    assert!(
        message.contains("row 4: no person with work email `new@test.example`"),
        "{message}"
    );
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    assert_eq!(events["events"][1]["type"], "ERROR");
    assert_eq!(events["events"][1]["entityData"]["row"], 3);
    assert_eq!(events["events"][3]["type"], "DEPART");
    assert_eq!(
        h.job("frances@test.example")
            .get("state")
            .map(String::as_str),
        Some("DEPART")
    );
    assert_eq!(
        h.job("alan@test.example").get("state").map(String::as_str),
        Some("FILLED")
    );
}

#[tokio::test]
async fn a_future_hire_holds_a_start_job_until_the_start_date() {
    let h = Harness::start();
    let csv = "Work Email,First Name,Last Name,Start Date,Manager\nnova@test.example,Nova,Newman,2/3/2025,alan@test.example\n";
    let (process, _) = h.import("upsert=true", csv).await;
    assert_eq!(process["results"]["created"], 1, "{process}");
    let nova = h.job("nova@test.example");
    let job_id = nova.get("jobId").cloned().unwrap_or_default();
    let row = h.job_row(&job_id).await;
    assert_eq!(
        (row["state"].as_str(), row["open"].as_str()),
        (Some("START"), Some("open"))
    );
    assert!(row["personId"].is_string());
    assert_eq!(row["startDate"], "2025-02-03");
    assert_eq!(row["personStartDate"], "2025-02-03");
    assert_eq!(row["upcoming"][0]["type"], "HIRE");
    assert_eq!(row["upcoming"][0]["announceDate"], "2025-01-15");
    assert!(
        !h.emails("open:filled")
            .await
            .contains(&"nova@test.example".to_string())
    );
    assert!(
        h.emails("open:filled || is:start")
            .await
            .contains(&"nova@test.example".to_string())
    );
    assert_eq!(
        h.emails("state=START").await,
        vec!["nova@test.example".to_string()]
    );
    // A later import matches the announced hire by email.
    let (again, _) = h.import("upsert=true", csv).await;
    assert_eq!(
        (
            again["results"]["created"].as_u64(),
            again["results"]["updated"].as_u64()
        ),
        (Some(0), Some(1))
    );
    h.set_today(json!({"date": "2025-02-03"})).await;
    let row = h.job_row(&job_id).await;
    assert_eq!(row["state"], "FILLED");
    assert_eq!(row["upcoming"], json!([]));
}

#[tokio::test]
async fn the_seed_holds_departing_starting_and_former_people() {
    let dir = seed_with(EXTRA);
    let h = lifecycle_harness(&dir);
    let dora = h.job_row("6a00000000000000000000d1").await;
    assert_eq!(
        (dora["state"].as_str(), dora["personEndDate"].as_str()),
        (Some("DEPART"), Some("2025-01-31"))
    );
    assert_eq!(dora["upcoming"][0]["type"], "DEPART");
    let stan = h.job_row("6a00000000000000000000d2").await;
    assert_eq!(stan["state"], "START");
    assert_eq!(
        h.emails("is:start").await,
        vec!["stan@test.example".to_string()]
    );
    let olga = h
        .emu
        .people()
        .into_iter()
        .find(|p| p.get("name").map(String::as_str) == Some("Olga Former"))
        .unwrap_or_default();
    assert_eq!(
        olga.get("endDateOrg").map(String::as_str),
        Some("2024-06-30")
    );
    assert_eq!(
        olga.get("startDateOrg").map(String::as_str),
        Some("2018-04-01")
    );

    // Rehire: the same person, in a new job, from the row's start date.
    let csv = "Work Email,Start Date,Title,Department\nolga@test.example,1/20/2025,Analyst,Sales\n";
    let (process, _) = h.import("upsert=true", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    let back = h.job("olga@test.example");
    assert_eq!(
        back.get("personId").map(String::as_str),
        Some("7b00000000000000000000d3")
    );
    assert_eq!(
        back.get("startDate").map(String::as_str),
        Some("2025-01-20")
    );
    assert_eq!(
        back.get("personStartDate").map(String::as_str),
        Some("2025-01-20")
    );
    assert_eq!(back.get("state").map(String::as_str), Some("START"));
    assert!(!back.contains_key("personEndDate"));
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    assert_eq!(events["events"][0]["type"], "HIRE");
}

#[tokio::test]
async fn seed_states_that_contradict_the_row_fail_to_start() {
    let cases = [
        (
            "6a00000000000000000000e1,,,,,,,,,Req,,,,,,FILLED,\n",
            "column `state`",
        ),
        (
            "6a00000000000000000000e1,7b00000000000000000000e1,,A,B,,a@test.example,,,T,,,,2020-01-01,,DEPART,\n",
            "needs an end_date",
        ),
        (
            ",7b00000000000000000000e1,,A,B,,a@test.example,,,,,,,,,,2025-02-01\n",
            "column `end_date`",
        ),
        (
            ",7b00000000000000000000e1,,A,B,,a@test.example,,,,,,,,,,\n",
            "column `job_id`",
        ),
        (
            "6a00000000000000000000e1,7b00000000000000000000e1,,A,B,,a@test.example,,,T,,,,2020-01-01,,SOON,\n",
            "not OPEN, FILLED, DEPART or START",
        ),
        (
            ",7b0000000000000000000001,,A,B,,x@test.example,,,,,,,,,,2024-01-01\n",
            "duplicate person id",
        ),
    ];
    for (row, want) in cases {
        // Each row has the seed's columns, then `state` and `end_date`.
        let dir = seed_with(row);
        let mut cfg = config();
        cfg.seed_dir = dir.path().to_path_buf();
        let err = charthop_emulator::Emulator::start(cfg)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("jobs.csv") && err.contains(want),
            "{row}: {err}"
        );
    }
}
