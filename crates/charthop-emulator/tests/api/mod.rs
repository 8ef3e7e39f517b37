//! The endpoints beyond the first issue (`updateProcess`, `findProcesses`, `findUsers`, the app
//! run and its webhook) and the fault switches, over real HTTP.

use std::io::{Read, Write};
use std::time::Duration;

use charthop_emulator::{Fault, FaultRule};
use serde_json::{Value, json};

use super::{Harness, ORG, TOKEN};

impl Harness {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(TOKEN);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let response = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A one-shot HTTP receiver on 127.0.0.1: returns its URL and a handle yielding the body of
/// the first request it gets (answered 204).
fn receiver() -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}/webhooks/charthop/s3cret",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let handle = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return String::new();
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data);
            if let Some(i) = text.find("\r\n\r\n") {
                let len = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if data.len() >= i + 4 + len {
                    break;
                }
            }
        }
        let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        String::from_utf8_lossy(&data).into_owned()
    });
    (url, handle)
}

#[tokio::test]
async fn app_run_creates_a_pending_process_delivers_the_webhook_and_records_updates() {
    let h = Harness::start();
    let (url, received) = receiver();
    h.emu.set_webhook_url(Some(url.clone()));
    let app = h.emu.app();
    let run = format!("/v1/app/org/{ORG}/install/{}/run", app.app_user_id);
    let (status, process) = h.send(reqwest::Method::POST, &run, None).await;
    assert_eq!(status, 200, "{process}");
    assert_eq!(process["status"], "PENDING");
    assert_eq!(process["appId"], app.app_id.as_str());
    let id = process["id"].as_str().unwrap_or_default().to_string();

    let request = tokio::task::spawn_blocking(move || received.join().unwrap_or_default())
        .await
        .unwrap_or_default();
    assert!(
        request.starts_with("POST /webhooks/charthop/s3cret HTTP/1.1"),
        "{request}"
    );
    let body = request.split("\r\n\r\n").nth(1).unwrap_or_default();
    let envelope: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    assert_eq!(envelope["type"], "process.create.payroll-sync");
    assert_eq!(envelope["entityType"], "process");
    assert_eq!(envelope["entityId"], id.as_str());
    assert_eq!(envelope["processId"], id.as_str());
    for _ in 0..500 {
        if !h.emu.webhooks().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(h.emu.webhooks()[0].status, Some(204));

    let path = format!("/v1/org/{ORG}/process/{id}");
    for (status, progress, message) in [
        ("RUNNING", 0.0, "Reading"),
        ("RUNNING", 0.5, "Importing"),
        ("DONE", 1.0, "3 updated"),
    ] {
        let patch = json!({"status": status, "progress": progress, "message": message});
        let (code, p) = h.send(reqwest::Method::PATCH, &path, Some(patch)).await;
        assert_eq!(code, 200, "{p}");
        assert_eq!(p["status"], status);
    }
    let (_, p) = h.get(&path).await;
    assert_eq!(p["status"], "DONE");
    assert_eq!(p["message"], "3 updated");
    assert!(p["endAt"].is_string());
    let history: Vec<f64> = h
        .emu
        .process_updates(&id)
        .iter()
        .map(|u| u.progress)
        .collect();
    assert_eq!(history, vec![0.0, 0.5, 1.0]);
    let (_, updates) = h.get(&format!("/_emulator/process/{id}/updates")).await;
    assert_eq!(updates.as_array().map(Vec::len), Some(3));

    let (code, e) = h
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"status": "FINISHED"})),
        )
        .await;
    assert_eq!(code, 400);
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("FINISHED")
    );
    let (code, _) = h
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"progress": "half"})),
        )
        .await;
    assert_eq!(code, 400);
    let (code, _) = h
        .send(
            reqwest::Method::POST,
            &format!("/v1/app/org/{ORG}/install/{}/run", "0".repeat(24)),
            None,
        )
        .await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn find_processes_filters_by_status_app_and_search_and_pages() {
    let h = Harness::start();
    let csv = "Work Email,Title\nalan@test.example,CTO\n";
    let (done, _) = h
        .import("upsert=false&importSource=payroll-sync-nightly", csv)
        .await;
    let app = h.emu.app();
    let run = format!("/v1/app/org/{ORG}/install/{}/run", app.app_user_id);
    let (_, pending) = h
        .send(
            reqwest::Method::POST,
            &run,
            Some(json!({"cause": "manual"})),
        )
        .await;
    assert_eq!(pending["options"]["cause"], "manual");

    let list = format!("/v1/org/{ORG}/process");
    let ids = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_str().map(str::to_string))
            .collect()
    };
    let (_, all) = h.get(&list).await;
    assert_eq!(
        ids(&all),
        vec![
            done["id"].as_str().unwrap_or_default(),
            pending["id"].as_str().unwrap_or_default()
        ]
    );
    let (_, r) = h.get(&format!("{list}?statuses=PENDING,RUNNING")).await;
    assert_eq!(ids(&r), ids(&json!({"data": [pending]})));
    let (_, r) = h.get(&format!("{list}?isAppProcess=true")).await;
    assert_eq!(ids(&r).len(), 1);
    let (_, r) = h.get(&format!("{list}?searchValue=NIGHTLY")).await;
    assert_eq!(ids(&r), ids(&json!({"data": [done]})));
    let (_, page1) = h.get(&format!("{list}?limit=1")).await;
    assert_eq!(ids(&page1).len(), 1);
    let next = page1["next"].as_str().unwrap_or_default().to_string();
    let (_, page2) = h.get(&format!("{list}?limit=1&from={next}")).await;
    assert_eq!(ids(&page2), ids(&json!({"data": [pending]})));
    assert!(page2.get("next").is_none());
    let (code, _) = h.get(&format!("{list}?statuses=FINISHED")).await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn find_users_lists_seed_users_and_the_app_user() {
    let h = Harness::start();
    let (code, users) = h.get(&format!("/v1/user?orgId={ORG}")).await;
    assert_eq!(code, 200, "{users}");
    let data = users["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data.len(), 2);
    assert!(
        data.iter()
            .any(|u| u["email"] == "admin@test.example" && u["type"] == "USER")
    );
    assert!(
        data.iter()
            .any(|u| u["type"] == "APP" && u["id"] == h.emu.app().app_user_id.as_str())
    );
    let (_, found) = h.get("/v1/user?q=ADMIN@test").await;
    assert_eq!(found["data"][0]["name"]["first"], "Ada");
    let (_, page) = h.get("/v1/user?limit=1").await;
    assert!(page["next"].is_string());
    let (code, _) = h.get("/v1/user?orgId=elsewhere").await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn fault_switches_through_the_admin_endpoint() {
    let h = Harness::start();
    let admin = h.url("/_emulator/faults");
    let rule = json!({"operation": "findJobs", "times": 1, "fault": {"type": "too_many_requests", "retry_after": "2"}});
    let r = h
        .client
        .post(&admin)
        .json(&rule)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 200);
    let r = h
        .client
        .get(h.url(&format!("/v2/org/{ORG}/job")))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("2")
    );
    let (code, _) = h.get(&format!("/v2/org/{ORG}/job")).await;
    assert_eq!(code, 200, "the rule was spent");
    assert!(h.emu.faults().is_empty());
    let bad = json!({"operation": "deleteEverything", "fault": {"type": "snapshot_building"}});
    let r = h
        .client
        .post(&admin)
        .json(&bad)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 400);
    let forever = json!({"operation": "*", "fault": {"type": "server_error", "status": 503}});
    let _ = h.client.post(&admin).json(&forever).send().await;
    let (code, body) = h.get("/v1/user").await;
    assert_eq!((code, body["code"].as_u64()), (503, Some(503)));
    let _ = h.client.delete(&admin).send().await;
    let (code, _) = h.get("/v1/user").await;
    assert_eq!(code, 200);
    let log = h.emu.requests();
    assert_eq!(log[0].faults, vec!["too_many_requests".to_string()]);
}

#[tokio::test]
async fn a_process_that_never_finishes_stays_running_and_applies_nothing() {
    let h = Harness::start();
    h.emu
        .add_fault(FaultRule::new(
            "importDataCsv",
            Fault::ProcessNeverFinishes,
            1,
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, p) = h
        .post_csv("upsert=false", "Work Email,Title\nalan@test.example,CTO\n")
        .await;
    assert_eq!(code, 200);
    let id = p["id"].as_str().unwrap_or_default().to_string();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, p) = h.get(&format!("/v1/org/{ORG}/process/{id}")).await;
    assert_eq!(p["status"], "RUNNING");
    assert_eq!(h.job("alan@test.example")["title"], "VP Engineering");
}

#[tokio::test]
async fn carrot_tenure_job_id_and_grouping_over_http() {
    let h = Harness::start();
    let ids = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["jobId"].as_str().map(str::to_string))
            .collect()
    };
    // Today is pinned at 2025-01-15: Alan started 2020-01-15 (60 months), Edsger 2024-06-01 (7).
    let q = |q: &str| {
        format!(
            "/v2/org/{ORG}/job?fields=jobId&q={}",
            q.replace('&', "%26")
                .replace(' ', "%20")
                .replace('>', "%3E")
                .replace('=', "%3D")
        )
    };
    let (_, r) = h.get(&q("tenure>=12 && department:eng")).await;
    assert_eq!(ids(&r), vec!["6a0000000000000000000002"]);
    let (_, r) = h.get(&q("jobId:6a0000000000000000000003")).await;
    assert_eq!(ids(&r), vec!["6a0000000000000000000003"]);
    // Knuth starts 2025-03-01: a negative tenure, so below 12 too.
    let (_, r) = h.get(&q("(tenure<12 or title:vp) and open:filled")).await;
    let want = [
        "6a0000000000000000000002",
        "6a0000000000000000000003",
        "6a0000000000000000000006",
    ];
    assert_eq!(ids(&r), want);
    let (_, r) = h
        .get(&format!(
            "/v2/org/{ORG}/job?fields=jobId,tenure&date=2020-07-15&q=jobId:6a0000000000000000000002"
        ))
        .await;
    assert_eq!(r["data"][0]["tenure"], 6);
    let (code, _) = h.get(&format!("/v2/org/{ORG}/job?date=15/07/2020")).await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn find_users_accepts_every_sort_key_the_spec_documents() {
    let h = Harness::start();
    for key in [
        "id",
        "name",
        "email",
        "inviteStatus",
        "activeAt",
        "updateAt",
    ] {
        for spec in [key.to_string(), format!("-{key}")] {
            let (status, body) = h.get(&format!("/v1/user?orgId={ORG}&sort={spec}")).await;
            assert_eq!(status, 200, "{spec}: {body}");
        }
    }
    let (_, by_id) = h.get(&format!("/v1/user?orgId={ORG}&sort=-activeAt")).await;
    let (_, desc) = h.get(&format!("/v1/user?orgId={ORG}&sort=-id")).await;
    assert_eq!(by_id["data"], desc["data"], "no activity times: id order");
    let (status, body) = h.get(&format!("/v1/user?orgId={ORG}&sort=loginAt")).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("inviteStatus")
    );
}
