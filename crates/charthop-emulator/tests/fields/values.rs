//! Custom values through `importDataCsv`: row errors per type, enum options (and the ones a
//! `shouldAutoAddValue` field adds), computed fields and labels in the header, scheduled
//! values, `set_job_field`, `base` as a `Money` object, and persistence.

use serde_json::json;

use super::super::{Harness, ORG, config};

/// The options of custom field `name` as `findFields` lists them.
async fn options(h: &Harness, name: &str) -> Vec<String> {
    let (_, page) = h.get(&format!("/v1/org/{ORG}/field")).await;
    page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["name"] == name)
        .and_then(|f| f["values"].as_array().cloned())
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn each_type_refuses_a_cell_it_cannot_read_with_a_row_error() {
    let h = Harness::start();
    let csv = "Work Email,seniorityDate,signOnBonus,remote,weeklyHours,buddy,workerCategory\n\
        alan@test.example,31/12/2020,,,,,\n\
        edsger@test.example,,a lot,,,,\n\
        barbara@test.example,,,maybe,,,\n\
        donald@test.example,,,,forty,,\n\
        frances@test.example,,,,,nobody@test.example,\n\
        grace@test.example,,,,,,Seasonal\n";
    let (process, _) = h.import("upsert=false&skipErrors=true", csv).await;
    let message = process["message"].as_str().unwrap_or_default().to_string();
    assert_eq!(process["results"]["errors"], 6, "{message}");
    for wanted in [
        "row 2: field `seniorityDate`: `31/12/2020` is not M/D/YYYY or YYYY-MM-DD",
        "row 3: field `signOnBonus`: `a lot` is not an amount of money",
        "row 4: field `remote`: `maybe` is not true or false",
        "row 5: field `weeklyHours`: `forty` is not a number",
        "row 6: field `buddy`: no person with work email `nobody@test.example`",
    ] {
        assert!(message.contains(wanted), "{wanted}\n{message}");
    }
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    let last = &events["events"][5]["updates"][0]["payload"]["errorMessage"];
    assert_eq!(
        last,
        "field `workerCategory`: `Seasonal` is not one of its options (`Full Time`, `Part Time`)"
    );
    assert!(!h.job("alan@test.example").contains_key("seniorityDate"));
}

#[tokio::test]
async fn an_unknown_option_is_added_only_by_a_field_that_allows_it() {
    let h = Harness::start();
    // A dry run adds nothing, not even options.
    let csv = "Work Email,skills\nalan@test.example,Go; Rust ;rust\n";
    let (dry, _) = h.import("importDryRun=true", csv).await;
    assert_eq!(dry["status"], "DONE", "{dry}");
    assert_eq!(options(&h, "skills").await, ["GO"]);
    let (process, _) = h.import("upsert=false", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    assert_eq!(options(&h, "skills").await, ["GO", "Rust"]);
    assert_eq!(
        h.job("alan@test.example").get("skills").map(String::as_str),
        Some("GO;Rust")
    );
    // The new option is one now: by name or label, any case.
    let (again, _) = h
        .import(
            "upsert=false",
            "Work Email,skills\nedsger@test.example,RUST\n",
        )
        .await;
    assert_eq!(again["status"], "DONE");
    assert_eq!(options(&h, "skills").await, ["GO", "Rust"]);
    assert_eq!(
        h.job("edsger@test.example")
            .get("skills")
            .map(String::as_str),
        Some("Rust")
    );
    let (refused, _) = h
        .import(
            "upsert=false",
            "Work Email,workerCategory\nedsger@test.example,Seasonal\n",
        )
        .await;
    assert_eq!(refused["status"], "ERROR", "{refused}");
    assert_eq!(
        options(&h, "workerCategory").await,
        ["FULL_TIME", "PART_TIME"]
    );
}

#[tokio::test]
async fn a_computed_field_or_a_custom_label_in_the_header_refuses_the_file() {
    let h = Harness::start();
    for (csv, wanted) in [
        (
            "Work Email,AnnualCost\nalan@test.example,1\n",
            "column `AnnualCost`: the field `annualCost` cannot be imported: it is computed by ChartHop (expr `base * 1.3`)",
        ),
        (
            "Work Email,National ID\nalan@test.example,1\n",
            "unknown column `National ID`",
        ),
    ] {
        let (status, body) = h.post_csv("upsert=false", csv).await;
        assert_eq!((status, body["message"].as_str()), (400, Some(wanted)));
    }
    assert!(h.emu.uploads().is_empty());
}

#[tokio::test]
async fn person_fields_need_a_person_and_job_fields_stay_with_the_job() {
    let h = Harness::start();
    let (process, _) = h
        .import(
            "upsert=false",
            "Job ID,seniorityDate\n6a0000000000000000000004,2020-01-01\n",
        )
        .await;
    let message = process["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(
            "row 2: job `6a0000000000000000000004` is open: it has no person to set `seniorityDate` on"
        ),
        "{message}"
    );
    let (process, _) = h
        .import(
            "upsert=false",
            "Job ID,workerCategory\n6a0000000000000000000004,Full Time\n",
        )
        .await;
    assert_eq!(
        process["status"], "DONE",
        "a JOB field on an open job: {process}"
    );
    // A new person gets their PERSON fields; a departure leaves the job's with the backfill.
    let (hire, _) = h
        .import(
            "upsert=true",
            "Work Email,First Name,Last Name,Start Date,seniorityDate,workerCategory\n\
             new@test.example,New,Person,2025-01-02,2025-01-02,part time\n",
        )
        .await;
    assert_eq!(hire["status"], "DONE", "{hire}");
    let job_id = h
        .job("new@test.example")
        .get("jobId")
        .cloned()
        .unwrap_or_default();
    let (depart, _) = h
        .import(
            "upsert=false",
            "Work Email,End Date\nnew@test.example,2025-01-10\n",
        )
        .await;
    assert_eq!(depart["status"], "DONE", "{depart}");
    let (_, jobs) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=jobId,state,workerCategory,seniorityDate&q=jobId:{job_id}"
        ))
        .await;
    assert_eq!(
        jobs["data"],
        json!([{"jobId": job_id, "state": "OPEN", "workerCategory": "PART_TIME"}])
    );
    let former: Vec<_> = h
        .emu
        .people()
        .into_iter()
        .filter(|p| p.get("contact.workEmail").map(String::as_str) == Some("new@test.example"))
        .collect();
    assert_eq!(
        former[0].get("seniorityDate").map(String::as_str),
        Some("2025-01-02")
    );
}

#[tokio::test]
async fn a_dated_custom_value_waits_for_its_day_and_set_job_field_checks_by_type() {
    let h = Harness::start();
    let (process, _) = h
        .import(
            "upsert=false",
            "Work Email,workerCategory,Date\nalan@test.example,Full Time,2025-02-01\n",
        )
        .await;
    assert_eq!(process["status"], "DONE", "{process}");
    assert!(!h.job("alan@test.example").contains_key("workerCategory"));
    let (_, scheduled) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=upcoming&q=jobId:6a0000000000000000000002"
        ))
        .await;
    assert_eq!(scheduled["data"][0]["upcoming"][0]["type"], "UPDATE");
    h.emu
        .set_today(chrono::NaiveDate::from_ymd_opt(2025, 2, 1))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        h.job("alan@test.example")
            .get("workerCategory")
            .map(String::as_str),
        Some("FULL_TIME")
    );

    h.emu
        .set_job_field("alan@test.example", "SKILLS", "go")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        h.job("alan@test.example").get("skills").map(String::as_str),
        Some("GO")
    );
    let err = h
        .emu
        .set_job_field("alan@test.example", "remote", "perhaps")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("`perhaps` is not true or false"), "{err}");
    h.emu
        .set_job_field("alan@test.example", "skills", "")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !h.job("alan@test.example").contains_key("skills"),
        "cleared"
    );
}

#[tokio::test]
async fn custom_values_and_added_options_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = config();
    cfg.state_file = Some(dir.path().join("state.json"));
    let h = Harness::with(cfg.clone());
    let (process, _) = h
        .import(
            "upsert=false",
            "Work Email,skills,signOnBonus\nalan@test.example,Zig,1200.50 EUR\n",
        )
        .await;
    assert_eq!(process["status"], "DONE", "{process}");
    drop(h);
    let again = Harness::with(cfg);
    assert_eq!(options(&again, "skills").await, ["GO", "Zig"]);
    let alan = again.job("alan@test.example");
    assert_eq!(alan.get("skills").map(String::as_str), Some("Zig"));
    assert_eq!(
        alan.get("signOnBonus").map(String::as_str),
        Some("1200.50 EUR")
    );
    let (_, body) = again
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=signOnBonus&q=signOnBonus:*"
        ))
        .await;
    assert_eq!(
        body["data"][0]["signOnBonus"],
        json!({"amount": 1200.5, "currency": "EUR", "places": 2})
    );
}

#[tokio::test]
async fn base_is_served_as_the_spec_money_object_and_checked_on_import() {
    let h = Harness::start();
    let (process, _) = h
        .import(
            "upsert=false&skipErrors=true",
            "Work Email,Base,hourly\nalan@test.example,85000,\nedsger@test.example,lots,31.5 usd\n",
        )
        .await;
    assert_eq!(process["status"], "DONE_WITH_ERRORS", "{process}");
    let message = process["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("row 3: `base` `lots` is not an amount of money"),
        "{message}"
    );
    let (_, body) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=jobId,base,hourly&q=base:*"
        ))
        .await;
    assert_eq!(
        body["data"],
        json!([{"jobId": "6a0000000000000000000002", "base": {"amount": 85000, "currency": "USD", "places": 0}}])
    );
    let (_, people) = h
        .get(&format!(
            "/v2/org/{ORG}/person?format=minimal&fields=base&q=id=7b0000000000000000000002"
        ))
        .await;
    assert_eq!(people["data"][0]["base"]["amount"], 85000);
    assert_eq!(
        h.job("alan@test.example").get("base").map(String::as_str),
        Some("85000 USD")
    );
}
