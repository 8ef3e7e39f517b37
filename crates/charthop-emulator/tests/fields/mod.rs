//! The field catalogue over real HTTP (issue 17): `findFields` and `getBuiltinFields`, custom
//! values imported by code and checked per type, served by `findJobs` and `findPersons`,
//! filtered in Carrot. `values.rs` covers row errors, options, computed fields, scheduling,
//! money as ChartHop holds it and persistence; `seed.rs` the seed.
//!
//! The test seed's `fields.json` declares workerCategory (ENUM, JOB), seniorityDate (DATE,
//! PERSON), signOnBonus (MONEY, JOB), skills (ENUM_MULTI, PERSON, auto-add), buddy (PERSON),
//! remote (BOOLEAN, JOB), weeklyHours (NUMBER, JOB), nationalId (STRING, PERSON) and annualCost
//! (computed).

use charthop_emulator::{Fault, FaultRule};
use serde_json::{Value, json};

use super::{Harness, ORG};

mod seed;
mod values;

/// The custom fields of the test seed, in its order.
const CUSTOM: [&str; 9] = [
    "workerCategory",
    "seniorityDate",
    "signOnBonus",
    "skills",
    "buddy",
    "remote",
    "weeklyHours",
    "nationalId",
    "annualCost",
];

/// The names of a `findFields` page's fields.
fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every field `findFields?builtin=…` lists, walking the pages `limit` at a time; with the
/// number of pages.
async fn walk(h: &Harness, builtin: &str, limit: usize) -> (Vec<Value>, usize) {
    let (mut all, mut pages, mut from) = (Vec::new(), 0, String::new());
    loop {
        let (status, page) = h
            .get(&format!(
                "/v1/org/{ORG}/field?builtin={builtin}&limit={limit}&from={from}"
            ))
            .await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        all.extend(page["data"].as_array().cloned().unwrap_or_default());
        match page["next"].as_str() {
            Some(next) => from = next.to_string(),
            None => return (all, pages),
        }
    }
}

#[tokio::test]
async fn find_fields_lists_custom_fields_by_default_and_pages_every_field_by_id() {
    let h = Harness::start();
    let (status, custom) = h.get(&format!("/v1/org/{ORG}/field")).await;
    assert_eq!(status, 200, "{custom}");
    assert_eq!(names(&custom), CUSTOM, "custom only, in id order");
    assert!(custom.get("next").is_none());
    let category = &custom["data"][0];
    assert_eq!(
        (
            &category["type"],
            &category["entityType"],
            &category["builtIn"]
        ),
        (&json!("ENUM"), &json!("JOB"), &json!(false))
    );
    assert_eq!(
        category["values"],
        json!([{"name": "FULL_TIME", "label": "Full Time"}, {"name": "PART_TIME", "label": "Part Time"}])
    );
    assert_eq!(category["orgId"], "5f0000000000000000000a01");
    let hours = &custom["data"][6];
    assert_eq!(hours["type"], "DECIMAL", "the spec calls NUMBER DECIMAL");
    let cost = &custom["data"][8];
    assert_eq!(
        (&cost["expr"], &cost["readonly"]),
        (&json!("base * 1.3"), &json!(true))
    );
    assert_eq!(custom["data"][7]["sensitive"], "PRIVATE");
    for f in custom["data"].as_array().into_iter().flatten() {
        for key in [
            "id",
            "name",
            "label",
            "type",
            "plural",
            "isUnique",
            "isRequired",
            "sensitive",
        ] {
            assert!(f.get(key).is_some(), "{key} in {f}");
        }
    }

    let (all, pages) = walk(&h, "all", 10).await;
    let ids: Vec<&str> = all.iter().filter_map(|f| f["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "id order, each once");
    let (builtin, _) = walk(&h, "BUILTIN", 1000).await;
    assert_eq!(all.len(), builtin.len() + CUSTOM.len());
    assert_eq!(pages, all.len().div_ceil(10));
    assert!(builtin.iter().all(|f| f["builtIn"] == true));
    let base = builtin.iter().find(|f| f["name"] == "base").cloned();
    assert_eq!(
        base.map(|b| (b["type"].clone(), b["sensitive"].clone())),
        Some((json!("MONEY"), json!("SENSITIVE")))
    );

    let wanted = format!("{},{}", ids[0], ids[3]);
    let (_, picked) = h
        .get(&format!("/v1/org/{ORG}/field?builtin=all&ids={wanted}"))
        .await;
    assert_eq!(picked["data"].as_array().map(Vec::len), Some(2));
    let (_, table) = h.get(&format!("/v1/org/{ORG}/field?table=reviews")).await;
    assert_eq!(table["data"], json!([]), "the org has no tables");
    let (status, bad) = h.get(&format!("/v1/org/{ORG}/field?builtin=some")).await;
    assert_eq!(status, 400);
    assert!(
        bad["message"]
            .as_str()
            .unwrap_or_default()
            .contains("custom, builtin or all")
    );
    let (status, _) = h.get("/v1/org/globex/field").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn get_builtin_fields_answers_every_built_in_field_as_a_partial_field() {
    let h = Harness::start();
    let (status, body) = h.get(&format!("/v1/org/{ORG}/field/built-in")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("next").is_none(), "one answer");
    let fields = body["data"].as_array().cloned().unwrap_or_default();
    let (listed, _) = walk(&h, "builtin", 1000).await;
    assert_eq!(fields.len(), listed.len());
    let by_name = |name: &str| fields.iter().find(|f| f["name"] == name).cloned();
    let tenure = by_name("tenure").unwrap_or_default();
    assert_eq!(
        (&tenure["calc"], &tenure["type"]),
        (&json!("TENURE_ORG"), &json!("INTEGER"))
    );
    assert!(tenure.get("readonly").is_none() && tenure.get("builtIn").is_none());
    let employment = by_name("employment").unwrap_or_default();
    assert_eq!(
        employment["values"][0],
        json!({"name": "FULL", "label": "Full Time"})
    );
    let email = by_name("contact.workEmail").unwrap_or_default();
    assert_eq!(
        (&email["type"], &email["entityType"]),
        (&json!("EMAIL"), &json!("PERSON"))
    );
    assert!(
        by_name("title").is_some_and(|t| t.get("calc").is_none()),
        "importable"
    );
    assert!(
        by_name("nationalId").is_none(),
        "a custom field, not a built-in"
    );
}

#[tokio::test]
async fn find_fields_is_an_operation_with_faults_and_a_log() {
    let h = Harness::start();
    h.emu
        .add_fault(FaultRule::new("findFields", Fault::RepeatCursor, 1))
        .unwrap_or_else(|e| panic!("{e}"));
    h.emu
        .add_fault(FaultRule::new(
            "getBuiltinFields",
            Fault::SnapshotBuilding,
            1,
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let from = "5d0000000000000000000001";
    let (_, looping) = h
        .get(&format!(
            "/v1/org/{ORG}/field?builtin=all&limit=2&from={from}"
        ))
        .await;
    assert_eq!(looping["next"], from);
    let (status, _) = h.get(&format!("/v1/org/{ORG}/field/built-in")).await;
    assert_eq!(status, 202);
    h.emu
        .add_fault(FaultRule::new("findFields", Fault::EmptyPage, 1))
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, empty) = h.get(&format!("/v1/org/{ORG}/field?from={from}")).await;
    assert_eq!(
        (empty["data"].clone(), empty["next"].clone()),
        (json!([]), json!(format!("{from}0")))
    );
    let ops: Vec<Option<String>> = h.emu.requests().into_iter().map(|r| r.operation).collect();
    assert_eq!(
        ops,
        ["findFields", "getBuiltinFields", "findFields"].map(|o| Some(o.to_string()))
    );
}

/// An import of every custom type, by code in any case; returns the final process.
async fn import_custom(h: &Harness) -> Value {
    let csv = "Work Email,WORKERCATEGORY,seniorityDate,signOnBonus,skills,buddy,remote,weeklyHours,nationalid\n\
        alan@test.example, part time ,3/1/2020,5000 usd,go,grace@test.example,yes,37.5,AB123\n\
        edsger@test.example,FULL_TIME,2024-06-01,2500,,,false,40,\n";
    let (process, _) = h.import("upsert=false", csv).await;
    assert_eq!(process["status"], "DONE", "{process}");
    process
}

#[tokio::test]
async fn custom_values_import_by_code_and_find_jobs_serves_them_flat_by_code() {
    let h = Harness::start();
    let process = import_custom(&h).await;
    let id = process["id"].as_str().unwrap_or_default();
    let (_, events) = h.get(&format!("/v1/org/{ORG}/process/{id}/events")).await;
    let keys: Vec<&str> = events["events"][0]["updates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["payload"]["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "workerCategory",
            "seniorityDate",
            "signOnBonus",
            "skills",
            "buddy",
            "remote",
            "weeklyHours",
            "nationalId"
        ],
        "stored under the canonical code"
    );
    let fields =
        "jobId,workerCategory,SeniorityDate,signOnBonus,skills,buddy,remote,weeklyHours,nationalId";
    for format in ["minimal", "json"] {
        let (status, body) = h
            .get(&format!(
                "/v2/org/{ORG}/job?format={format}&fields={fields}&q=jobId:6a0000000000000000000002"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["data"][0],
            json!({
                "jobId": "6a0000000000000000000002",
                "workerCategory": "PART_TIME",
                "SeniorityDate": "2020-03-01",
                "signOnBonus": {"amount": 5000, "currency": "USD", "places": 0},
                "skills": ["GO"],
                "buddy": "7b0000000000000000000001",
                "remote": true,
                "weeklyHours": 37.5,
                "nationalId": "AB123"
            }),
            "{format}"
        );
    }
    let edsger = h.job("edsger@test.example");
    assert_eq!(
        edsger.get("signOnBonus").map(String::as_str),
        Some("2500 USD")
    );
    assert_eq!(edsger.get("remote").map(String::as_str), Some("false"));
    assert_eq!(edsger.get("weeklyHours").map(String::as_str), Some("40"));
    assert!(!edsger.contains_key("skills"), "a blank cell sets nothing");
}

#[tokio::test]
async fn full_objects_hold_custom_values_under_fields_and_find_persons_serves_person_ones() {
    let h = Harness::start();
    import_custom(&h).await;
    let (_, jobs) = h
        .get(&format!(
            "/v2/org/{ORG}/job?q=jobId:6a0000000000000000000002"
        ))
        .await;
    let custom = &jobs["data"][0]["fields"];
    assert_eq!(
        custom["workerCategory"], "PART_TIME",
        "a JOB field: {custom}"
    );
    assert_eq!(
        custom["seniorityDate"], "2020-03-01",
        "its person's PERSON field"
    );
    let (_, open) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&q=jobId:6a0000000000000000000004"
        ))
        .await;
    assert_eq!(
        open["data"][0]["fields"],
        json!({}),
        "always there in a full object"
    );

    let (status, people) = h
        .get(&format!(
            "/v2/org/{ORG}/person?format=minimal&fields=id,seniorityDate,skills&q=skills=go"
        ))
        .await;
    assert_eq!(status, 200, "{people}");
    assert_eq!(
        people["data"],
        json!([{"id": "7b0000000000000000000002", "seniorityDate": "2020-03-01", "skills": ["GO"]}])
    );
    let (_, full) = h
        .get(&format!(
            "/v2/org/{ORG}/person?q=id=7b0000000000000000000002"
        ))
        .await;
    let person_fields = &full["data"][0]["fields"];
    assert_eq!(person_fields["nationalId"], "AB123");
    assert!(
        person_fields.get("workerCategory").is_none(),
        "JOB fields are the job's: {person_fields}"
    );
    let (status, body) = h
        .get(&format!("/v2/org/{ORG}/person?fields=id,workerCategory"))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "unknown field `workerCategory`");
}

#[tokio::test]
async fn carrot_filters_custom_fields_by_code_and_money_by_its_amount() {
    let h = Harness::start();
    import_custom(&h).await;
    let ids = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["jobId"].as_str().map(|s| s[22..].to_string()))
            .collect()
    };
    for (q, want) in [
        ("workerCategory=PART_TIME", vec!["02"]),
        ("WORKERCATEGORY:time", vec!["02", "03"]),
        ("signOnBonus>3000", vec!["02"]),
        ("remote=false", vec!["03"]),
        ("skills!=go%20%26%26%20weeklyHours>=40", vec!["03"]),
        ("nationalId:*", vec!["02"]),
    ] {
        let (status, body) = h
            .get(&format!(
                "/v2/org/{ORG}/job?format=minimal&fields=jobId&q={q}"
            ))
            .await;
        assert_eq!(status, 200, "{q}: {body}");
        assert_eq!(ids(&body), want, "{q}");
    }
}
