//! Conformance with ChartHop's published API description (its OpenAPI files, found through
//! `CHARTHOP_OPENAPI_DIR`; each test here skips with one line when there are none): the
//! emulator's answers validate against the declared response schemas, and the client's
//! requests use only declared parameters, with the declared types.

mod spec;

use std::sync::Arc;
use std::time::Duration;

use charthop_emulator::Emulator;
use payroll_sync::charthop::{Builtin, Client, ClientConfig, ImportFlags, JobQuery, VirtualClock};
use payroll_sync::secret::Secret;
use serde_json::{Value, json};

use crate::support::*;
use spec::{load, spec_dir};

fn emulator_with_today() -> Emulator {
    let mut config = charthop_emulator::Config::new(fixture("charthop/acme"), TOKEN);
    config.import_step_delay = Duration::from_millis(1);
    Emulator::start(config).expect("the emulator starts")
}

/// The tool's ChartHop client, pointed at `emu`, retrying fast.
fn client_for(emu: &Emulator) -> Client {
    let config = ClientConfig {
        base_url: emu.base_url(),
        org: emu.org_slug(),
        token: Secret::new(TOKEN),
        max_attempts: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        retry_budget: Duration::from_secs(1),
        timeout: Duration::from_secs(10),
        ca_file: None,
    };
    let clock = Arc::new(VirtualClock::new(chrono::Utc::now()));
    Client::with_clock(config, clock).expect("a client")
}

struct Http {
    base: String,
    http: reqwest::Client,
}

impl Http {
    fn new(emu: &Emulator) -> Http {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Http {
            base: emu.base_url(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("the emulator answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn upload(&self, query: &str, csv: &str) -> (u16, Value) {
        let part = reqwest::multipart::Part::text(csv.to_string()).file_name("c.csv");
        let resp = self
            .http
            .post(format!("{}/v1/org/acme/import/csv/data?{query}", self.base))
            .bearer_auth(TOKEN)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("the emulator answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn finished(&self, id: &str) -> Value {
        for _ in 0..500 {
            let (_, p) = self
                .send(
                    reqwest::Method::GET,
                    &format!("/v1/org/acme/process/{id}"),
                    None,
                )
                .await;
            if !["PENDING", "RUNNING"].contains(&p["status"].as_str().unwrap_or("PENDING")) {
                return p;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("process {id} never finished");
    }
}

#[tokio::test]
async fn every_emulated_operation_answers_as_the_spec_declares() {
    let Some(dir) = spec_dir("every_emulated_operation_answers_as_the_spec_declares") else {
        return;
    };
    let (jobs, import, process, user, app) = (
        load(&dir, "charthop-job-api-openapi.yml"),
        load(&dir, "charthop-import-api-openapi.yml"),
        load(&dir, "charthop-process-api-openapi.yml"),
        load(&dir, "charthop-user-api-openapi.yml"),
        load(&dir, "charthop-app-api-openapi.yml"),
    );
    let emu = emulator_with_today();
    let h = Http::new(&emu);
    use reqwest::Method;

    for query in [
        "format=minimal&q=open:filled&limit=25&fields=jobId,name,contact.workEmail,manager,tenure,startDate",
        "fields=jobId,name,name.first,contact.workEmail,department.name",
        "",
    ] {
        let (status, body) = h
            .send(Method::GET, &format!("/v2/org/acme/job?{query}"), None)
            .await;
        jobs.check_response("findJobs", status, &body);
        assert!(!body["data"].as_array().is_some_and(Vec::is_empty));
    }

    let (status, pending) = h
        .upload(
            "upsert=false&importSource=payroll-sync",
            "Work Email,Title\nmargaret.okonkwo@acme.example,CEO\n",
        )
        .await;
    import.check_response("importDataCsv", status, &pending);
    let id = pending["id"].as_str().unwrap_or_default().to_string();
    let done = h.finished(&id).await;
    assert_eq!(done["status"], "DONE");
    process.check_response("getProcess", 200, &done);
    let (status, events) = h
        .send(
            Method::GET,
            &format!("/v1/org/acme/process/{id}/events"),
            None,
        )
        .await;
    process.check_response("getProcessEvents", status, &events);
    assert!(!events["events"].as_array().is_some_and(Vec::is_empty));

    let (_, partial) = h
        .upload(
            "skipErrors=true",
            "Work Email,Title\nnobody@acme.example,X\nmargaret.okonkwo@acme.example,CEO\n",
        )
        .await;
    let partial = h.finished(partial["id"].as_str().unwrap_or_default()).await;
    assert_eq!(partial["status"], "DONE_WITH_ERRORS");
    process.check_response("getProcess", 200, &partial);
    let (_, events) = h
        .send(
            Method::GET,
            &format!(
                "/v1/org/acme/process/{}/events",
                partial["id"].as_str().unwrap_or_default()
            ),
            None,
        )
        .await;
    process.check_response("getProcessEvents", 200, &events);

    let app_user = emu.app().app_user_id;
    let (status, run) = h
        .send(
            Method::POST,
            &format!("/v1/app/org/acme/install/{app_user}/run"),
            Some(json!({})),
        )
        .await;
    app.check_response("runInstalledApp", status, &run);
    let run_id = run["id"].as_str().unwrap_or_default();

    // updateProcess declares no success body; the request body must fit `UpdateProcess`, and
    // the emulator's answer (the process) must still be a valid `Process`.
    let patch = json!({"status": "RUNNING", "progress": 0.4, "message": "Importing", "results": {"rows": 3}});
    let mut errors = Vec::new();
    let schema = &process.operation("updateProcess").def["requestBody"]["content"]["application/json"]
        ["schema"];
    process.validate(schema, &patch, "UpdateProcess", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let (status, updated) = h
        .send(
            Method::PATCH,
            &format!("/v1/org/acme/process/{run_id}"),
            Some(patch),
        )
        .await;
    assert_eq!(status, 200);
    process.check_response("getProcess", 200, &updated);

    let (status, list) = h
        .send(Method::GET, "/v1/org/acme/process?limit=2", None)
        .await;
    process.check_response("findProcesses", status, &list);
    assert!(list["next"].is_string());
    let (status, users) = h.send(Method::GET, "/v1/user?orgId=acme", None).await;
    user.check_response("findUsers", status, &users);
    let (status, me) = h.send(Method::GET, "/v1/user/me", None).await;
    user.check_response("getMe", status, &me);
    assert_eq!(me["type"], "APP", "the token's user is the app's: {me}");
    let (status, persons) = h
        .send(Method::GET, "/v2/org/acme/person?includeAll=true", None)
        .await;
    load(&dir, "charthop-person-api-openapi.yml").check_response("findPersons", status, &persons);
    // findChanges has no OpenAPI file here; its shape is tested in the emulator's own tests.
    let (status, _) = h.send(Method::GET, "/v1/org/acme/change", None).await;
    assert_eq!(status, 200);
    let field = load(&dir, "charthop-field-api-openapi.yml");
    for query in ["", "builtin=all&limit=1000", "builtin=builtin&limit=5"] {
        let (status, body) = h
            .send(Method::GET, &format!("/v1/org/acme/field?{query}"), None)
            .await;
        field.check_response("findFields", status, &body);
        assert!(
            !body["data"].as_array().is_some_and(Vec::is_empty),
            "{query}"
        );
    }
    let (status, body) = h
        .send(Method::GET, "/v1/org/acme/field/built-in", None)
        .await;
    field.check_response("getBuiltinFields", status, &body);

    // Every operation the emulator implements was exercised above.
    let seen: std::collections::BTreeSet<String> = emu
        .requests()
        .iter()
        .filter_map(|r| r.operation.clone())
        .collect();
    let all: std::collections::BTreeSet<String> = charthop_emulator::OPERATIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(seen, all);
}

#[tokio::test]
async fn the_clients_requests_use_declared_parameters_with_declared_types() {
    let Some(dir) = spec_dir("the_clients_requests_use_declared_parameters_with_declared_types")
    else {
        return;
    };
    let (jobs, import, process) = (
        load(&dir, "charthop-job-api-openapi.yml"),
        load(&dir, "charthop-import-api-openapi.yml"),
        load(&dir, "charthop-process-api-openapi.yml"),
    );
    let emu = emulator_with_today();
    let client = client_for(&emu);
    let query = JobQuery {
        fields: vec!["jobId".into(), "contact.workEmail".into()],
        q: "open:filled".into(),
        date: Some("2025-01-15".into()),
        limit: 30,
    };
    let first = client.find_jobs(&query, None).await.expect("page 1");
    client
        .find_jobs(&query, first.next.as_deref())
        .await
        .expect("page 2");
    let flags = ImportFlags {
        upsert: true,
        create_groups: true,
        skip_errors: false,
        dry_run: true,
        import_source: Some("payroll-sync".into()),
        notify_app_name: Some("Payroll Sync".into()),
        notify_user_ids: vec!["6c0000000000000000000001".into()],
        default_change_date: Some("2026-12-04".into()),
        update_types: Some("title".into()),
        disable_sync_hire_date: true,
    };
    let csv = b"Work Email,Title\nmargaret.okonkwo@acme.example,CEO\n".to_vec();
    let p = client
        .import_csv("updates.csv", csv, &flags)
        .await
        .expect("accepted");
    client.get_process(&p.id).await.expect("getProcess");

    let requests = emu.requests();
    assert_eq!(requests.len(), 4);
    for r in &requests {
        match r.operation.as_deref() {
            Some("findJobs") => jobs.check_request("findJobs", r),
            Some("importDataCsv") => import.check_request("importDataCsv", r),
            Some("getProcess") => process.check_request("getProcess", r),
            other => panic!("unexpected request {other:?}"),
        }
    }
    assert!(requests[1].query_map.contains_key("from"));
    // The CSV travels in the multipart part the spec declares.
    let body = &import.operation("importDataCsv").def["requestBody"]["content"]["multipart/form-data"]
        ["schema"];
    assert_eq!(body["properties"]["file"]["format"], "binary");
    let upload = emu.uploads();
    assert_eq!(upload[0].file_name.as_deref(), Some("updates.csv"));
}

#[test]
fn the_validator_rejects_what_the_spec_forbids() {
    let Some(dir) = spec_dir("the_validator_rejects_what_the_spec_forbids") else {
        return;
    };
    let process = load(&dir, "charthop-process-api-openapi.yml");
    let schema = json!({"$ref": "#/components/schemas/Process"});
    let good = json!({
        "id": "a", "orgId": "o", "label": "l", "type": "import", "status": "DONE",
        "runUserId": "u", "createId": "u", "createAt": "2025-01-01T00:00:00Z", "options": {},
        "progress": 1.0
    });
    let errors_of = |v: &Value| {
        let mut errors = Vec::new();
        process.validate(&schema, v, "Process", &mut errors);
        errors
    };
    assert!(errors_of(&good).is_empty());
    let mut bad = good.clone();
    bad["status"] = json!("FINISHED");
    bad["progress"] = json!("1");
    bad.as_object_mut().map(|o| o.remove("orgId"));
    let errors = errors_of(&bad);
    assert_eq!(errors.len(), 3, "{errors:?}");
    let events = json!({"events": [{"type": "UPDATE", "updates": [], "at": 1700000000000i64}]});
    let mut errors = Vec::new();
    let schema = json!({"$ref": "#/components/schemas/ProcessEventResponse"});
    process.validate(&schema, &events, "events", &mut errors);
    assert_eq!(errors.len(), 1, "`at` is a string in the spec: {errors:?}");
}

/// An emulator on the acme seed whose clock is 2027-02-01 (after every seed start date).
fn emulator_in_2027() -> Emulator {
    let mut config = charthop_emulator::Config::new(fixture("charthop/acme"), TOKEN);
    config.import_step_delay = Duration::from_millis(1);
    config.today = chrono::NaiveDate::from_ymd_opt(2027, 2, 1);
    Emulator::start(config).expect("the emulator starts")
}

#[tokio::test]
async fn find_persons_answers_and_is_asked_as_the_person_api_declares() {
    let Some(dir) = spec_dir("find_persons_answers_and_is_asked_as_the_person_api_declares") else {
        return;
    };
    let person = load(&dir, "charthop-person-api-openapi.yml");
    let emu = emulator_in_2027();
    let h = Http::new(&emu);
    // Two people leave at once (their last day has passed): former people.
    let (_, p) = h
        .upload(
            "upsert=false",
            "Work Email,End Date,Depart Type\nada.lovelace@acme.example,1/15/2027,Voluntary\nkwame.mensah@acme.example,2027-01-31,Involuntary\n",
        )
        .await;
    assert_eq!(
        h.finished(p["id"].as_str().unwrap_or_default()).await["status"],
        "DONE"
    );
    let fields =
        "id,name,name.first,name.last,contact.workEmail,contact.employee,startDateOrg,endDateOrg";
    let mut former = 0;
    for format in ["minimal", "json"] {
        let mut from = String::new();
        loop {
            let (status, body) = h
                .send(
                    reqwest::Method::GET,
                    &format!(
                        "/v2/org/acme/person?includeAll=true&limit=25&format={format}&fields={fields}&q=contact.workEmail:acme.example&from={from}"
                    ),
                    None,
                )
                .await;
            person.check_response("findPersons", status, &body);
            for row in body["data"].as_array().into_iter().flatten() {
                let end = &row["endDateOrg"];
                if let Some(end) = end.as_str() {
                    former += 1;
                    assert!(
                        chrono::NaiveDate::parse_from_str(end, "%Y-%m-%d").is_ok(),
                        "{row}"
                    );
                }
                if format == "minimal" {
                    let flat = row
                        .as_object()
                        .into_iter()
                        .flatten()
                        .all(|(_, v)| v.is_string());
                    assert!(flat, "minimal rows are flat strings: {row}");
                }
            }
            match body["next"].as_str() {
                Some(next) => from = next.to_string(),
                None => break,
            }
        }
    }
    assert_eq!(former, 4, "two former people, in both formats");
    let requests = emu.requests();
    assert!(
        requests
            .iter()
            .filter(|r| r.operation.as_deref() == Some("findPersons"))
            .count()
            >= 6
    );
    for r in requests
        .iter()
        .filter(|r| r.operation.as_deref() == Some("findPersons"))
    {
        person.check_request("findPersons", r);
    }
}

#[tokio::test]
async fn job_state_and_upcoming_fit_the_find_jobs_response() {
    let Some(dir) = spec_dir("job_state_and_upcoming_fit_the_find_jobs_response") else {
        return;
    };
    let jobs = load(&dir, "charthop-job-api-openapi.yml");
    let emu = emulator_in_2027();
    let h = Http::new(&emu);
    let (_, p) = h
        .upload(
            "upsert=true&defaultChangeDate=2027-02-01",
            "Work Email,First Name,Last Name,Start Date,End Date,Title,Date\n\
             new.person@acme.example,New,Person,4/1/2027,,Engineer,\n\
             ada.lovelace@acme.example,,,,2027-03-31,,\n\
             margaret.okonkwo@acme.example,,,,,Chair,2027-05-01\n",
        )
        .await;
    assert_eq!(
        h.finished(p["id"].as_str().unwrap_or_default()).await["status"],
        "DONE"
    );
    // The job-api file declares findJobs rows as free-form objects; these are the job fields'
    // shapes as ChartHop's Job/PartialJob schemas give them (charthop-api.md 2.4 and 13.3).
    let row = json!({"type": "object", "properties": {
        "state": {"type": "string", "enum": ["OPEN", "FILLED", "DEPART", "START"]},
        "personId": {"type": "string"},
        "startDate": {"type": "string", "format": "date"},
        "personStartDate": {"type": "string", "format": "date"},
        "personEndDate": {"type": "string", "format": "date"},
        "upcoming": {"type": "array", "items": {"type": "object",
            "required": ["id", "type", "date", "personId"],
            "properties": {
                "id": {"type": "string"},
                "type": {"type": "string", "enum": ["HIRE", "DEPART", "MOVE", "UPCOMING", "CREATE",
                    "UPDATE", "DATA", "DELETE", "RELATE", "BACKFILL"]},
                "date": {"type": "string", "format": "date"},
                "announceDate": {"type": "string", "format": "date"},
                "personId": {"type": "string"}}}}}});
    let mut states = std::collections::BTreeMap::new();
    for format in ["minimal", "json"] {
        let (status, body) = h
            .send(
                reqwest::Method::GET,
                &format!(
                    "/v2/org/acme/job?format={format}&limit=1000&fields=jobId,personId,state,startDate,personStartDate,personEndDate,upcoming"
                ),
                None,
            )
            .await;
        jobs.check_response("findJobs", status, &body);
        for r in body["data"].as_array().into_iter().flatten() {
            let mut errors = Vec::new();
            jobs.validate(&row, r, "job", &mut errors);
            assert!(errors.is_empty(), "{errors:?}");
            let upcoming: Vec<String> = r["upcoming"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|u| u["type"].as_str().unwrap_or_default().to_string())
                .collect();
            *states
                .entry((
                    r["state"].as_str().unwrap_or_default().to_string(),
                    upcoming,
                ))
                .or_insert(0) += 1;
        }
    }
    let count = |state: &str, upcoming: &[&str]| {
        states
            .get(&(
                state.to_string(),
                upcoming.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ))
            .copied()
    };
    assert_eq!(count("START", &["HIRE"]), Some(2), "{states:?}");
    assert_eq!(count("DEPART", &["DEPART"]), Some(2), "{states:?}");
    assert_eq!(count("FILLED", &["UPDATE"]), Some(2), "{states:?}");
    assert_eq!(count("OPEN", &[]), Some(6), "{states:?}");
}

#[tokio::test]
async fn the_field_catalogue_answers_and_is_asked_as_the_field_api_declares() {
    let Some(dir) = spec_dir("the_field_catalogue_answers_and_is_asked_as_the_field_api_declares")
    else {
        return;
    };
    let field = load(&dir, "charthop-field-api-openapi.yml");
    let jobs = load(&dir, "charthop-job-api-openapi.yml");
    let emu = emulator_with_today();
    let h = Http::new(&emu);
    // Every page of every field, custom ones with options, computed ones and money among them.
    let mut from = String::new();
    let mut seen = Vec::new();
    loop {
        let (status, page) = h
            .send(
                reqwest::Method::GET,
                &format!("/v1/org/acme/field?builtin=all&limit=7&from={from}"),
                None,
            )
            .await;
        field.check_response("findFields", status, &page);
        seen.extend(page["data"].as_array().cloned().unwrap_or_default());
        match page["next"].as_str() {
            Some(next) => from = next.to_string(),
            None => break,
        }
    }
    let kinds: std::collections::BTreeSet<&str> =
        seen.iter().filter_map(|f| f["type"].as_str()).collect();
    for kind in [
        "ENUM",
        "ENUM_MULTI",
        "MONEY",
        "DATE",
        "PERSON",
        "DECIMAL",
        "EMAIL",
    ] {
        assert!(kinds.contains(kind), "{kind} in {kinds:?}");
    }
    // A custom value and base, as findJobs serves them.
    let (_, p) = h
        .upload(
            "upsert=false",
            "Work Email,workerCategory,skills,Base\nmargaret.okonkwo@acme.example,Full Time,Rust;SQL,300000 USD\n",
        )
        .await;
    assert_eq!(
        h.finished(p["id"].as_str().unwrap_or_default()).await["status"],
        "DONE"
    );
    for query in [
        "format=minimal&fields=jobId,workerCategory,skills,base&q=workerCategory:*",
        "q=workerCategory:*",
    ] {
        let (status, body) = h
            .send(
                reqwest::Method::GET,
                &format!("/v2/org/acme/job?{query}"),
                None,
            )
            .await;
        jobs.check_response("findJobs", status, &body);
        let row = &body["data"][0];
        let category = if row["fields"].is_object() {
            &row["fields"]["workerCategory"]
        } else {
            &row["workerCategory"]
        };
        assert_eq!(category, "FULL_TIME", "{row}");
    }
    // The spec's Money schema (app-api) holds the served base.
    let app = load(&dir, "charthop-app-api-openapi.yml");
    let (_, body) = h
        .send(
            reqwest::Method::GET,
            "/v2/org/acme/job?format=minimal&fields=base&q=base:*",
            None,
        )
        .await;
    let mut errors = Vec::new();
    let money = json!({"$ref": "#/components/schemas/Money"});
    app.validate(&money, &body["data"][0]["base"], "base", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");

    // The client asks with declared parameters only.
    let client = client_for(&emu);
    let all = client
        .find_fields(Builtin::All, 20)
        .await
        .expect("findFields");
    assert_eq!(all.len(), seen.len());
    let builtin = client.builtin_fields().await.expect("getBuiltinFields");
    assert_eq!(
        builtin.len(),
        seen.iter().filter(|f| f["builtIn"] == true).count()
    );
    let mut asked = 0;
    for r in emu.requests() {
        if let Some(op @ ("findFields" | "getBuiltinFields")) = r.operation.as_deref() {
            field.check_request(op, &r);
            asked += 1;
        }
    }
    // The test's pages of 7, the client's of 20, and one getBuiltinFields.
    assert_eq!(asked, seen.len().div_ceil(7) + seen.len().div_ceil(20) + 1);
}
