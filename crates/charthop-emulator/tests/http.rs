//! The emulator over real HTTP on 127.0.0.1, driven with an async reqwest client.

use std::path::{Path, PathBuf};
use std::time::Duration;

use charthop_emulator::{Config, Emulator};
use serde_json::{Value, json};

mod api;
mod fields;
mod lifecycle;

const TOKEN: &str = "test-token";
const ORG: &str = "acme";

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seed")
}

fn config() -> Config {
    let mut config = Config::new(seed_dir(), TOKEN);
    config.import_step_delay = Duration::from_millis(2);
    config.today = chrono::NaiveDate::from_ymd_opt(2025, 1, 15);
    config
}

struct Harness {
    emu: Emulator,
    client: reqwest::Client,
}

impl Harness {
    fn start() -> Harness {
        Self::with(config())
    }

    fn with(config: Config) -> Harness {
        Self::try_with(config).unwrap_or_else(|e| panic!("start: {e}"))
    }

    fn try_with(config: Config) -> Result<Harness, charthop_emulator::Error> {
        let emu = Emulator::start(config)?;
        Ok(Harness {
            emu,
            client: {
                // The workspace builds reqwest without a built-in TLS provider.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::new()
            },
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await;
        let response = response.unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post_csv(&self, query: &str, csv: &str) -> (u16, Value) {
        let part = reqwest::multipart::Part::text(csv.to_string()).file_name("changes.csv");
        let form = reqwest::multipart::Form::new().part("file", part);
        let path = format!("/v1/org/{ORG}/import/csv/data?{query}");
        let response = self
            .client
            .post(self.url(&path))
            .bearer_auth(TOKEN)
            .multipart(form)
            .send()
            .await;
        let response = response.unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Uploads, then polls until the process ends; returns the final process and every status seen.
    async fn import(&self, query: &str, csv: &str) -> (Value, Vec<String>) {
        let (status, process) = self.post_csv(query, csv).await;
        assert_eq!(status, 200, "{process}");
        assert_eq!(process["status"], "PENDING");
        let id = process["id"].as_str().unwrap_or_default().to_string();
        let mut seen = vec!["PENDING".to_string()];
        for _ in 0..2000 {
            let (_, p) = self.get(&format!("/v1/org/{ORG}/process/{id}")).await;
            let status = p["status"].as_str().unwrap_or_default().to_string();
            if seen.last() != Some(&status) {
                seen.push(status.clone());
            }
            if ["DONE", "DONE_WITH_ERRORS", "ERROR"].contains(&status.as_str()) {
                return (p, seen);
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("process {id} never finished: {seen:?}");
    }

    fn job(&self, email: &str) -> std::collections::BTreeMap<String, String> {
        self.emu
            .jobs()
            .into_iter()
            .find(|j| {
                j.get("contact.workEmail")
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .unwrap_or_default()
    }
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_and_logged() {
    let h = Harness::start();
    let path = format!("/v2/org/{ORG}/job");
    let none = h
        .client
        .get(h.url(&path))
        .send()
        .await
        .map(|r| r.status().as_u16());
    assert_eq!(none.ok(), Some(401));
    let wrong = h.client.get(h.url(&path)).bearer_auth("nope").send().await;
    let body: Value = match wrong {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(body, json!({"code": 401, "message": "not authorized"}));
    let statuses: Vec<u16> = h.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![401, 401]);
}

#[tokio::test]
async fn unknown_org_is_404_and_id_works_like_slug() {
    let h = Harness::start();
    let (status, body) = h.get("/v2/org/globex/job").await;
    assert_eq!(
        (status, body),
        (404, json!({"code": 404, "message": "org not found"}))
    );
    let (status, _) = h.get("/v2/org/5f0000000000000000000a01/job").await;
    assert_eq!(status, 200);
    let (status, _) = h
        .get(&format!("/v1/org/{ORG}/process/5f00000000000000000000aa"))
        .await;
    assert_eq!(status, 404);
    let (status, body) = h.get("/v9/nothing").await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(404)));
    let statuses: Vec<u16> = h.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![404, 200, 404, 404]);
}

#[tokio::test]
async fn paging_returns_every_job_once_and_ends_without_next() {
    let h = Harness::start();
    let mut ids = Vec::new();
    let mut from = String::new();
    let mut pages = 0;
    loop {
        let (status, body) = h
            .get(&format!(
                "/v2/org/{ORG}/job?fields=jobId&format=minimal&limit=3&from={from}"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for row in body["data"].as_array().into_iter().flatten() {
            ids.push(row["jobId"].as_str().unwrap_or_default().to_string());
        }
        match body.get("next").and_then(Value::as_str) {
            Some(next) => from = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "sorted, no duplicates");
    assert_eq!(ids.len(), 7);
    let (status, body) = h.get(&format!("/v2/org/{ORG}/job?limit=10001")).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn minimal_is_flat_json_is_nested_and_keys_keep_client_spelling() {
    let h = Harness::start();
    let q = "q=jobId:6a0000000000000000000002&fields=jobId,contact.WorkEmail,name,manager,department.name,tenure";
    let (_, minimal) = h
        .get(&format!("/v2/org/{ORG}/job?format=minimal&{q}"))
        .await;
    assert_eq!(
        minimal["data"],
        json!([{
            "jobId": "6a0000000000000000000002",
            "contact.WorkEmail": "alan@test.example",
            "name": "Al Turing",
            "manager": "6a0000000000000000000001",
            "department.name": "Engineering",
            "tenure": 60
        }])
    );
    let (_, nested) = h.get(&format!("/v2/org/{ORG}/job?{q}")).await;
    assert_eq!(
        nested["data"][0]["contact"],
        json!({"WorkEmail": "alan@test.example"})
    );
    assert_eq!(
        nested["data"][0]["department"],
        json!({"name": "Engineering"})
    );
    let (status, body) = h
        .get(&format!("/v2/org/{ORG}/job?fields=jobId,salary"))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"code": 400, "message": "unknown field `salary`"})
        )
    );
}

#[tokio::test]
async fn open_filled_excludes_open_jobs_and_bad_filters_are_400() {
    let h = Harness::start();
    let (_, all) = h
        .get(&format!(
            "/v2/org/{ORG}/job?fields=jobId,open&format=minimal"
        ))
        .await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(7));
    let (_, filled) = h
        .get(&format!(
            "/v2/org/{ORG}/job?fields=jobId,open&format=minimal&q=open%3Afilled"
        ))
        .await;
    let rows = filled["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["open"] == "filled"));
    let (_, open) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&q=open:open%20AND%20jobId:6a0000000000000000000004"
        ))
        .await;
    assert_eq!(open["data"].as_array().map(Vec::len), Some(1));
    let (_, tenured) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=jobId&q=tenure%3E%3D12"
        ))
        .await;
    assert_eq!(tenured["data"].as_array().map(Vec::len), Some(4));
    let (status, body) = h.get(&format!("/v2/org/{ORG}/job?q=is:manager")).await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap_or_default().contains("is:"),
        "{body}"
    );
}

#[tokio::test]
async fn import_updates_by_email_ignoring_case_and_empty_cells_keep_values() {
    let mut slow = config();
    slow.import_step_delay = Duration::from_millis(40);
    let h = Harness::with(slow);
    let csv = "Work Email,Job Title,Department,Employee ID\nALAN@Test.Example,CTO,,\n";
    let (process, seen) = h.import("upsert=false", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    assert_eq!(process["progress"], 1.0);
    assert_eq!(
        process["results"],
        json!({"rows": 1, "created": 0, "updated": 1, "errors": 0})
    );
    assert_eq!(
        process["message"],
        "Imported 1 rows: 1 updated, 0 created, 0 errors"
    );
    assert!(process["startAt"].is_string() && process["endAt"].is_string());
    assert!(seen.contains(&"RUNNING".to_string()), "{seen:?}");
    let alan = h.job("alan@test.example");
    assert_eq!(alan.get("title").map(String::as_str), Some("CTO"));
    assert_eq!(
        alan.get("department").map(String::as_str),
        Some("Engineering")
    );
    assert_eq!(
        alan.get("contact.employee").map(String::as_str),
        Some("1002")
    );
}

#[tokio::test]
async fn upsert_creates_people_managed_by_an_earlier_row() {
    let h = Harness::start();
    let csv = "\u{feff}contact.WORKEMAIL, first name ,Last Name,Manager,start date,Employment Type,department.name\n\
        lead@test.example,Lea,Lead,grace@test.example,2/3/2025,Full Time,Sales\n\
        rep@test.example,Rex,Rep,LEAD@test.example,2025-02-10,part,Sales\n";
    let (process, _) = h.import("upsert=true", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    assert_eq!(process["results"]["created"], 2);
    let lead = h.job("lead@test.example");
    let rep = h.job("rep@test.example");
    assert_eq!(
        lead.get("manager").map(String::as_str),
        Some("6a0000000000000000000001")
    );
    assert_eq!(rep.get("manager"), lead.get("jobId"));
    assert_eq!(
        rep.get("manager.contact.workEmail").map(String::as_str),
        Some("lead@test.example")
    );
    assert_eq!(
        lead.get("startDate").map(String::as_str),
        Some("2025-02-03")
    );
    assert_eq!(rep.get("employment").map(String::as_str), Some("PART"));
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    assert_eq!(events["events"][1]["type"], "HIRE");
    assert_eq!(
        events["events"][1]["entityData"],
        json!({"row": 3, "workEmail": "rep@test.example"})
    );
    let updates = events["events"][1]["updates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        updates
            .contains(&json!({"type": "FIELD", "payload": {"key": "name.first", "value": "Rex"}}))
    );
}

#[tokio::test]
async fn unknown_person_without_upsert_fails_and_applies_nothing() {
    let h = Harness::start();
    let csv = "Work Email,Title\nalan@test.example,CTO\nnew@test.example,Engineer\n";
    let (process, _) = h.import("", csv).await;
    assert_eq!(process["status"], "ERROR");
    let message = process["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(
            "row 3: no person with work email `new@test.example`; set upsert=true to create people"
        ),
        "{message}"
    );
    assert_eq!(
        h.job("alan@test.example").get("title").map(String::as_str),
        Some("VP Engineering")
    );
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    assert_eq!(events["events"][1]["type"], "ERROR");
}

#[tokio::test]
async fn unknown_department_needs_create_groups() {
    let h = Harness::start();
    let csv = "Work Email,Department\nalan@test.example,Research\n";
    let (process, _) = h.import("createGroups=false", csv).await;
    assert_eq!(process["status"], "ERROR");
    assert!(
        process["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Research")
    );
    let (process, _) = h.import("createGroups=TRUE", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    assert_eq!(
        h.job("alan@test.example")
            .get("department")
            .map(String::as_str),
        Some("Research")
    );
}

#[tokio::test]
async fn skip_errors_applies_good_rows_and_dry_run_applies_nothing() {
    let h = Harness::start();
    let csv = "Work Email,Title,Employment\nalan@test.example,CTO,\nedsger@test.example,Staff,Sometimes\nalan@test.example,Dup,\n";
    let (dry, _) = h.import("skipErrors=true&importDryRun=true", csv).await;
    assert_eq!(dry["status"], "DONE_WITH_ERRORS", "{dry}");
    assert_eq!(
        dry["results"],
        json!({"rows": 3, "created": 0, "updated": 1, "errors": 2})
    );
    assert_eq!(
        h.job("alan@test.example").get("title").map(String::as_str),
        Some("VP Engineering")
    );

    let (process, _) = h.import("skipErrors=true", csv).await;
    assert_eq!(process["status"], "DONE_WITH_ERRORS");
    let message = process["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("row 3: unknown employment type `Sometimes`"),
        "{message}"
    );
    assert!(
        message.contains("row 4: work email `alan@test.example` appears more than once"),
        "{message}"
    );
    assert_eq!(
        h.job("alan@test.example").get("title").map(String::as_str),
        Some("CTO")
    );
    assert_eq!(
        h.job("edsger@test.example")
            .get("title")
            .map(String::as_str),
        Some("Engineer")
    );
}

#[tokio::test]
async fn bad_uploads_are_rejected_with_400() {
    let h = Harness::start();
    let (status, body) = h.post_csv("", "Work Email,Shoe Size\na@b,9\n").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"code": 400, "message": "unknown column `Shoe Size`"})
        )
    );
    let (status, body) = h.post_csv("", "Title\nCEO\n").await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Work Email")
    );
    let (status, _) = h.post_csv("upsert=maybe", "Work Email\na@b\n").await;
    assert_eq!(status, 400);
    let form = reqwest::multipart::Form::new().text("other", "x");
    let path = h.url(&format!("/v1/org/{ORG}/import/csv/data"));
    let response = h
        .client
        .post(path)
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await;
    assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(400));
    assert!(h.emu.uploads().is_empty());
}

#[tokio::test]
async fn request_log_records_upload_flags_and_rows() {
    let h = Harness::start();
    let csv = "Work Email,Title\nalan@test.example,CTO\n";
    let (process, _) = h
        .import(
            "upsert=false&skipErrors=true&importSource=payroll-sync&parentProcessId=abc",
            csv,
        )
        .await;
    assert_eq!(process["parentProcessId"], "abc");
    assert_eq!(process["options"]["importSource"], "payroll-sync");
    let uploads = h.emu.uploads();
    assert_eq!(uploads.len(), 1);
    let upload = &uploads[0];
    assert_eq!(Some(upload.process_id.as_str()), process["id"].as_str());
    assert!(upload.flags.skip_errors && !upload.flags.upsert);
    assert_eq!(upload.flags.import_source.as_deref(), Some("payroll-sync"));
    assert_eq!(upload.file_name.as_deref(), Some("changes.csv"));
    assert_eq!(upload.rows[0].get("Title").map(String::as_str), Some("CTO"));
    let first = &h.emu.requests()[0];
    assert_eq!((first.method.as_str(), first.status), ("POST", 200));
    assert_eq!(
        first.query_map.get("importSource").map(String::as_str),
        Some("payroll-sync")
    );
    // Admin routes answer without a token and are not logged.
    let admin = reqwest::get(h.url("/_emulator/jobs"))
        .await
        .map(|r| r.status().as_u16());
    assert_eq!(admin.ok(), Some(200));
    let logged = h.emu.requests().len();
    let (_, log) = match reqwest::get(h.url("/_emulator/requests")).await {
        Ok(r) => (r.status(), r.json::<Value>().await.unwrap_or(Value::Null)),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(log.as_array().map(Vec::len), Some(logged));
}

#[tokio::test]
async fn state_is_persisted_and_reloaded() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = config();
    cfg.state_file = Some(dir.path().join("state.json"));
    let h = Harness::with(cfg.clone());
    let (process, _) = h
        .import(
            "upsert=true",
            "Work Email,First Name,Last Name\nnew@test.example,New,Person\n",
        )
        .await;
    assert_eq!(process["status"], "DONE", "{process}");
    h.emu
        .set_job_field("alan@test.example", "title", "Chief Scientist")
        .unwrap_or_else(|e| panic!("{e}"));
    drop(h);
    let again = Harness::with(cfg);
    assert_eq!(
        again
            .job("new@test.example")
            .get("name")
            .map(String::as_str),
        Some("New Person")
    );
    assert_eq!(
        again
            .job("alan@test.example")
            .get("title")
            .map(String::as_str),
        Some("Chief Scientist")
    );
    assert_eq!(again.emu.jobs().len(), 7);
}

#[test]
fn set_job_field_reports_unknown_people_and_fields() {
    let emu = Emulator::start(config()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        emu.set_job_field("nobody@x", "title", "X"),
        Err(charthop_emulator::Error::UnknownPerson(_))
    ));
    assert!(
        emu.set_job_field("alan@test.example", "tenure", "3")
            .is_err()
    );
    assert!(
        emu.set_job_field("alan@test.example", "startDate", "soon")
            .is_err()
    );
    assert!(
        emu.set_job_field("alan@test.example", "manager", "6a0000000000000000000002")
            .is_err()
    );
    assert_eq!(emu.org_slug(), "acme");
    emu.shutdown();
}

#[test]
fn bad_seed_fails_to_start_naming_the_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for name in ["org.json", "groups.csv", "users.csv", "jobs.csv"] {
        let _ = std::fs::copy(seed_dir().join(name), dir.path().join(name));
    }
    let _ = std::fs::write(dir.path().join("groups.csv"), "type,name\nTEAM,X\n");
    let err = Emulator::start(Config::new(dir.path(), TOKEN))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("groups.csv") && err.contains("row 2, column `type`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_latency_fault_holds_every_answer_for_its_response_time() {
    let h = Harness::start();
    h.emu
        .add_fault(charthop_emulator::FaultRule::always(
            "findJobs",
            charthop_emulator::Fault::Latency { ms: 300 },
        ))
        .unwrap_or_else(|e| panic!("fault: {e}"));
    let started = std::time::Instant::now();
    let (status, body) = h.get(&format!("/v2/org/{ORG}/job?fields=jobId")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().map(Vec::len), Some(7), "{body}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "held for its latency"
    );
    assert_eq!(
        h.emu.requests().last().map(|r| r.faults.clone()),
        Some(vec!["latency".to_string()])
    );
}
