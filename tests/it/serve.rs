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
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.query_map.get("q").map(String::as_str) == Some(&format!("jobId:{job}")))
    );
    assert_eq!(server.terminate(), 0);
}
