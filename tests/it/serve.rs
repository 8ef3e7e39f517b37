//! Issue 8: the webhook server.

use crate::support::*;

pub const SECRET: &str = "webhook-secret-0123456789abcdef";

pub fn serve_cmd(
    emu: &charthop_emulator::Emulator,
    dir: &std::path::Path,
) -> std::process::Command {
    let mut c = cmd(emu, dir);
    c.env("PAYROLL_SYNC_SERVE_APP_NAME", "payroll-sync")
        .env("PAYROLL_SYNC_SERVE_WEBHOOK_SECRET", SECRET)
        .env("PAYROLL_SYNC_SERVE_INPUT", fixture("payroll/acme.csv"))
        .env("PAYROLL_SYNC_SERVE_MAPPING", mapping("acme.toml"))
        .env("PAYROLL_SYNC_SERVE_FEED_FILE", dir.join("feed.jsonl"));
    c
}

#[test]
fn bad_requests_are_refused_and_start_nothing() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(serve_cmd(&emu, tmp.path()));
    let event = br#"{"type":"process.create.payroll-sync","entityType":"process","entityId":"6b0000000000000000000001"}"#;
    let (status, _) = http(&server.addr, "GET", "/healthz", b"");
    assert_eq!(status, 200);
    let (status, _) = http(
        &server.addr,
        "POST",
        "/webhooks/charthop/wrong-secret-0123456789abcdef",
        event,
    );
    assert_eq!(status, 404);
    let big = format!(
        "{{\"type\":\"job.update\",\"pad\":\"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let (status, _) = http(
        &server.addr,
        "POST",
        &format!("/webhooks/charthop/{SECRET}"),
        big.as_bytes(),
    );
    assert_eq!(status, 413);
    let (status, body) = http(
        &server.addr,
        "POST",
        &format!("/webhooks/charthop/{SECRET}"),
        b"{not json",
    );
    assert_eq!(status, 400);
    assert!(body.contains("not JSON"), "{body}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        emu.requests().is_empty(),
        "nothing reached ChartHop: {:#?}\n{}",
        emu.requests(),
        server.log()
    );
    assert_eq!(server.terminate(), 0);
}

#[test]
fn a_job_event_lands_in_the_outbound_feed() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(serve_cmd(&emu, tmp.path()));
    let job = emu
        .jobs()
        .into_iter()
        .find(|j| {
            j.get("contact.workEmail").map(String::as_str) == Some("ada.lovelace@acme.example")
        })
        .and_then(|j| j.get("jobId").cloned())
        .expect("the fixture has Ada");
    let body = format!(r#"{{"type":"job.update","entityType":"job","entityId":"{job}"}}"#);
    let (status, _) = http(
        &server.addr,
        "POST",
        &format!("/webhooks/charthop/{SECRET}"),
        body.as_bytes(),
    );
    assert_eq!(status, 202);
    let feed = tmp.path().join("feed.jsonl");
    for _ in 0..100 {
        if feed.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&feed).expect("the feed was written");
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(line["event"], "job.update");
    assert_eq!(line["job"]["jobId"], job);
    assert_eq!(
        line["job"]["contact.workEmail"],
        "ada.lovelace@acme.example"
    );
    // An exact filter (issue 18, point 10): `jobId:` would match any id containing it.
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.query_map.get("q").map(String::as_str) == Some(&format!("jobId=\"{job}\"")))
    );
    assert_eq!(server.terminate(), 0);
}

/// Presses "Sync now": the emulator's app run endpoint creates a process and delivers the
/// `process.create.<app>` webhook to the server. Returns the process id.
fn press_sync_now(emu: &charthop_emulator::Emulator) -> String {
    let app = emu.app();
    let addr = emu.addr().to_string();
    let (status, body) = http_auth(
        &addr,
        "POST",
        &format!(
            "/v1/app/org/{}/install/{}/run",
            emu.org_slug(),
            app.app_user_id
        ),
        b"{}",
        Some(TOKEN),
    );
    assert!((200..300).contains(&status), "{status} {body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["id"].as_str().expect("a process id").to_string()
}

/// Waits until process `id` is DONE or ERROR in the emulator.
fn wait_end(emu: &charthop_emulator::Emulator, id: &str) -> serde_json::Value {
    for _ in 0..600 {
        if let Some(p) = emu.process(id)
            && matches!(p["status"].as_str(), Some("DONE") | Some("ERROR"))
        {
            return p;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("process {id} did not end: {:?}", emu.process(id));
}

fn serve_with_webhook(emu: &charthop_emulator::Emulator, c: std::process::Command) -> Server {
    let server = Server::start(c);
    emu.set_webhook_url(Some(format!(
        "http://{}/webhooks/charthop/{SECRET}",
        server.addr
    )));
    server
}

#[test]
fn sync_now_runs_the_sync_and_reports_rising_progress_to_done() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let server = serve_with_webhook(&emu, serve_cmd(&emu, tmp.path()));
    let id = press_sync_now(&emu);
    let end = wait_end(&emu, &id);
    assert_eq!(end["status"], "DONE", "{end:#}\n{}", server.log());
    assert!(
        end["message"]
            .as_str()
            .unwrap()
            .contains("5 hired, 8 updated"),
        "{end:#}"
    );
    assert_eq!(end["results"]["new_hires"], 5);
    // The roster is updated.
    let roster = roster_by_email(&emu);
    assert!(roster.contains_key("renee.gauthier@acme.example"));
    assert_eq!(
        roster["daniel.kowalczyk@acme.example"]["title"],
        "Senior Account Executive, Enterprise"
    );
    // Progress only rises, from 0 to 1, with a message at each stage.
    let updates = emu.process_updates(&id);
    let progress: Vec<f64> = updates.iter().map(|u| u.progress).collect();
    assert_eq!(progress.first().copied(), Some(0.0), "{progress:?}");
    assert_eq!(progress.last().copied(), Some(1.0), "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    let messages: Vec<String> = updates
        .iter()
        .filter_map(|u| u.body["message"].as_str().map(str::to_string))
        .collect();
    for stage in [
        "Reading",
        "Mapping",
        "Fetching the ChartHop roster",
        "Comparing",
        "Importing",
        "Verifying",
        "Done",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(stage)),
            "no `{stage}` message in {messages:#?}"
        );
    }
    assert_eq!(updates.first().map(|u| u.status), Some("RUNNING"));
    // Each import names its phase and its rows.
    assert!(
        messages
            .iter()
            .any(|m| m == "Importing new_hires.csv (phase 1 of 2, 5 rows)"),
        "{messages:#?}"
    );
    assert_eq!(emu.uploads().len(), 2);
    assert_eq!(server.terminate(), 0);
}

#[test]
fn a_bad_export_ends_the_process_in_error_naming_the_file() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("broken-export.csv");
    let mut text = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    text.push_str("1999,Only,Three\r\n");
    std::fs::write(&bad, text).unwrap();
    let mut c = serve_cmd(&emu, tmp.path());
    c.env("PAYROLL_SYNC_SERVE_INPUT", &bad);
    let server = serve_with_webhook(&emu, c);
    let id = press_sync_now(&emu);
    let end = wait_end(&emu, &id);
    assert_eq!(end["status"], "ERROR", "{end:#}");
    let message = end["message"].as_str().unwrap();
    assert!(message.contains("broken-export.csv"), "{message}");
    assert!(message.contains("row 63"), "{message}");
    assert!(emu.uploads().is_empty());
    assert_eq!(server.terminate(), 0);
}

#[test]
fn one_delivery_runs_once_and_two_processes_run_one_after_the_other() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let server = serve_with_webhook(&emu, serve_cmd(&emu, tmp.path()));
    // The same process delivered three more times, at once.
    let first = press_sync_now(&emu);
    let body = format!(
        r#"{{"type":"process.create.payroll-sync","entityType":"process","entityId":"{first}"}}"#
    );
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (addr, body) = (server.addr.clone(), body.clone());
            std::thread::spawn(move || {
                http(
                    &addr,
                    "POST",
                    &format!("/webhooks/charthop/{SECRET}"),
                    body.as_bytes(),
                )
                .0
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 202);
    }
    // A second, different process while the first may still run.
    let second = press_sync_now(&emu);
    let a = wait_end(&emu, &first);
    let b = wait_end(&emu, &second);
    assert_eq!(a["status"], "DONE", "{a:#}");
    assert_eq!(b["status"], "DONE", "{b:#}");
    // The first ran once: one RUNNING start; and the second started after the first ended.
    let ua = emu.process_updates(&first);
    let ub = emu.process_updates(&second);
    assert_eq!(
        ua.iter().filter(|u| u.progress == 0.0).count(),
        1,
        "{ua:#?}"
    );
    let a_end = ua.last().unwrap().at.clone();
    let b_start = ub.first().unwrap().at.clone();
    assert!(
        b_start >= a_end,
        "the second sync started at {b_start}, before the first ended at {a_end}"
    );
    // The second found nothing left to do: exactly one import of each file in all.
    assert_eq!(emu.uploads().len(), 2);
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("0 hired, 0 updated"),
        "{b:#}"
    );
    assert_eq!(server.terminate(), 0);
}

#[test]
fn events_for_another_app_are_ignored() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(serve_cmd(&emu, tmp.path()));
    let body = br#"{"type":"process.create.other-app","entityType":"process","entityId":"6b0000000000000000000009"}"#;
    let (status, reply) = http(
        &server.addr,
        "POST",
        &format!("/webhooks/charthop/{SECRET}"),
        body,
    );
    assert_eq!(status, 202);
    assert!(reply.contains("\"ignored\":1"), "{reply}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(emu.requests().is_empty());
    assert_eq!(server.terminate(), 0);
}

#[test]
fn a_tripped_guard_ends_the_process_in_error_naming_the_guard_and_the_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rows = write_org(&tmp.path().join("seed"), 100);
    let emu = emulator_from(&tmp.path().join("seed"));
    rows.truncate(50);
    let export = tmp.path().join("export.csv");
    write_export(&export, &rows);
    let mut c = serve_cmd(&emu, tmp.path());
    c.env("PAYROLL_SYNC_SERVE_INPUT", &export);
    let server = serve_with_webhook(&emu, c);
    let id = press_sync_now(&emu);
    let end = wait_end(&emu, &id);
    assert_eq!(end["status"], "ERROR", "{end:#}");
    let message = end["message"].as_str().unwrap();
    assert!(
        message.contains("refused by the safety guards"),
        "{message}"
    );
    assert!(
        message.contains("50 rows but ChartHop has 100 active people"),
        "{message}"
    );
    assert!(message.contains("--approve"), "{message}");
    assert!(emu.uploads().is_empty());
    assert_eq!(server.terminate(), 0);
}

#[test]
fn sigterm_during_a_sync_marks_its_process_error_after_the_grace_period() {
    use charthop_emulator::{Fault, FaultRule};
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    emu.add_fault(FaultRule::always(
        "importDataCsv",
        Fault::ProcessNeverFinishes,
    ))
    .unwrap();
    let server = serve_with_webhook(&emu, serve_cmd(&emu, tmp.path()));
    let id = press_sync_now(&emu);
    // Wait until the sync is importing.
    for _ in 0..200 {
        if !emu.uploads().is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!emu.uploads().is_empty(), "{}", server.log());
    let started = std::time::Instant::now();
    assert_eq!(server.terminate(), 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let p = emu.process(&id).unwrap();
    assert_eq!(p["status"], "ERROR", "{p:#}");
    assert!(
        p["message"].as_str().unwrap().contains("shut down"),
        "{p:#}"
    );
}

/// Issue 18, point 10: a "Sync now" whose process ChartHop cannot confirm for a while is not
/// remembered as seen: ChartHop's redelivery runs it, instead of it staying PENDING forever.
#[test]
fn a_process_that_could_not_be_confirmed_runs_when_delivered_again() {
    use charthop_emulator::{Fault, FaultRule};
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let mut c = serve_cmd(&emu, tmp.path());
    c.env("PAYROLL_SYNC_CHARTHOP_MAX_ATTEMPTS", "2");
    let server = serve_with_webhook(&emu, c);
    emu.add_fault(FaultRule::always(
        "getProcess",
        Fault::ServerError { status: 503 },
    ))
    .unwrap();
    let id = press_sync_now(&emu);
    // The delivery was taken, the confirmation failed: nothing ran.
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(emu.process(&id).unwrap()["status"], "PENDING");
    emu.clear_faults();
    let body = format!(
        r#"{{"type":"process.create.payroll-sync","entityType":"process","entityId":"{id}"}}"#
    );
    let (status, answer) = http(
        &server.addr,
        "POST",
        &format!("/webhooks/charthop/{SECRET}"),
        body.as_bytes(),
    );
    assert_eq!(status, 202, "{answer}");
    assert!(
        answer.contains("\"queued\":1"),
        "run, not ignored as a duplicate: {answer}"
    );
    let end = wait_end(&emu, &id);
    assert_eq!(end["status"], "DONE", "{end:#}");
    assert_eq!(server.terminate(), 0);
}
