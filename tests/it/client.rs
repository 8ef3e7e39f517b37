//! The ChartHop client against the emulator's fault switches: retries, budgets, uploads that
//! must not be repeated, paging, and the `roster` export. Waiting happens on a virtual clock,
//! so "at least 4 s waited" takes milliseconds.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use charthop_emulator::{Emulator, Fault, FaultRule};
use payroll_sync::charthop::{
    ApiError, Client, ClientConfig, ImportFlags, JobPages, JobQuery, VirtualClock,
};
use payroll_sync::fetch::{ROSTER_QUERY, fetch_roster};
use payroll_sync::progress::Silent;
use payroll_sync::secret::Secret;

use crate::support::*;

fn start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default()
}

fn config(emu: &Emulator, max_attempts: u32) -> ClientConfig {
    ClientConfig {
        base_url: emu.base_url(),
        org: emu.org_slug(),
        token: Secret::new(TOKEN),
        max_attempts,
        initial_backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(30),
        retry_budget: Duration::from_secs(300),
        timeout: Duration::from_secs(10),
        ca_file: None,
    }
}

fn client(emu: &Emulator, max_attempts: u32) -> (Client, Arc<VirtualClock>) {
    client_with(config(emu, max_attempts))
}

fn client_with(config: ClientConfig) -> (Client, Arc<VirtualClock>) {
    let clock = Arc::new(VirtualClock::new(start()));
    let client = Client::with_clock(config, clock.clone()).expect("a loopback URL is accepted");
    (client, clock)
}

fn query(limit: u32) -> JobQuery {
    JobQuery {
        fields: vec!["jobId".into(), "contact.workEmail".into()],
        q: "open:filled".into(),
        date: None,
        limit,
    }
}

/// Requests the emulator received for one operation.
fn calls(emu: &Emulator, operation: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some(operation))
        .count()
}

fn fault(emu: &Emulator, rule: FaultRule) {
    emu.add_fault(rule).expect("a valid fault rule");
}

#[tokio::test]
async fn retry_after_twice_then_success_makes_three_requests_and_waits_four_seconds() {
    let emu = emulator();
    let retry_after = Some("2".to_string());
    fault(
        &emu,
        FaultRule::new("findJobs", Fault::TooManyRequests { retry_after }, 2),
    );
    let (client, clock) = client(&emu, 6);
    let page = client.find_jobs(&query(1000), None).await;
    let page = page.expect("the third attempt succeeds");
    assert_eq!(page.data.len(), 60);
    assert_eq!(calls(&emu, "findJobs"), 3);
    assert!(
        clock.waited() >= Duration::from_secs(4),
        "{:?}",
        clock.waits()
    );
    assert_eq!(clock.waits(), vec![Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured_and_clamped() {
    let emu = emulator();
    let in_7s = (start() + chrono::Duration::seconds(7))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    fault(
        &emu,
        FaultRule::new(
            "findJobs",
            Fault::TooManyRequests {
                retry_after: Some(in_7s),
            },
            1,
        ),
    );
    fault(
        &emu,
        FaultRule::new(
            "findJobs",
            Fault::TooManyRequests {
                retry_after: Some("86400".into()),
            },
            1,
        ),
    );
    let (client, clock) = client(&emu, 6);
    let page = client.find_jobs(&query(10), None).await;
    assert!(page.is_ok(), "{page:?}");
    // The first 429 and its date; the second asked for a day and got the 30 s cap.
    assert_eq!(
        clock.waits(),
        vec![Duration::from_secs(7), Duration::from_secs(30)]
    );
}

#[tokio::test]
async fn server_errors_forever_stop_after_the_configured_attempts() {
    let emu = emulator();
    fault(
        &emu,
        FaultRule::always("findJobs", Fault::ServerError { status: 503 }),
    );
    let (client, clock) = client(&emu, 4);
    let err = client
        .find_jobs(&query(10), None)
        .await
        .expect_err("503 forever fails");
    assert!(
        matches!(err, ApiError::Unavailable { attempts: 4, .. }),
        "{err:?}"
    );
    assert_eq!(payroll_sync::pipeline::exit::code(err.failure()), 75);
    let text = err.to_string();
    assert!(text.contains("GET /v2/org/acme/job"), "{text}");
    assert!(text.contains("503 service unavailable"), "{text}");
    assert_eq!(
        calls(&emu, "findJobs"),
        4,
        "no request after the last attempt"
    );
    // Three waits, growing: 250-500 ms, 500-1000 ms, 1-2 s.
    let waits = clock.waits();
    assert_eq!(waits.len(), 3);
    assert!(waits[0] >= Duration::from_millis(250) && waits[0] < Duration::from_millis(500));
    assert!(waits[2] >= Duration::from_secs(1) && waits[2] < Duration::from_secs(2));
}

#[tokio::test]
async fn the_total_retry_budget_stops_retries_before_another_request() {
    let emu = emulator();
    let retry_after = Some("10".to_string());
    fault(
        &emu,
        FaultRule::always("findJobs", Fault::TooManyRequests { retry_after }),
    );
    let mut config = config(&emu, 100);
    config.retry_budget = Duration::from_secs(25);
    let (client, clock) = client_with(config);
    let err = client.find_jobs(&query(10), None).await.expect_err("fails");
    // 10 s + 10 s fit in 25 s; a third wait would not, so there is no fourth request.
    assert_eq!(calls(&emu, "findJobs"), 3);
    assert_eq!(clock.waited(), Duration::from_secs(20));
    assert!(
        err.to_string().contains("retry budget of 25s spent"),
        "{err}"
    );
    assert_eq!(payroll_sync::pipeline::exit::code(err.failure()), 75);
}

#[tokio::test]
async fn snapshot_building_is_waited_out_not_taken_as_an_empty_roster() {
    let emu = emulator();
    fault(&emu, FaultRule::new("findJobs", Fault::SnapshotBuilding, 2));
    let (client, clock) = client(&emu, 6);
    let page = client
        .find_jobs(&query(1000), None)
        .await
        .expect("succeeds");
    assert_eq!(page.data.len(), 60);
    assert_eq!(calls(&emu, "findJobs"), 3);
    assert_eq!(clock.waits().len(), 2);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_read_is_retried() {
    let emu = emulator();
    fault(
        &emu,
        FaultRule::new("getProcess", Fault::Slow { delay_ms: 1500 }, 1),
    );
    let mut config = config(&emu, 3);
    config.timeout = Duration::from_millis(300);
    let (client, _clock) = client_with(config);
    let err = client.get_process("000000000000000000000000").await;
    // The retry is answered (a 404: no such process), so the timeout was retried once.
    assert!(
        matches!(err, Err(ApiError::Status { status: 404, .. })),
        "{err:?}"
    );
    // The emulator logs the slow call when it ends, after the client gave up on it.
    for _ in 0..300 {
        if calls(&emu, "getProcess") == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(calls(&emu, "getProcess"), 2);
    assert!(
        emu.requests().iter().any(|r| r.status == 499),
        "the abandoned call is logged"
    );
}

const BAD_CSV: &[u8] = b"Work Email,Salary\nada@acme.example,1\n";
const GOOD_CSV: &[u8] =
    b"Work Email,Title\nmargaret.okonkwo@acme.example,Chief Executive Officer\n";

#[tokio::test]
async fn a_400_on_import_is_one_request_with_the_servers_message() {
    let emu = emulator();
    let (client, clock) = client(&emu, 6);
    let err = client
        .import_csv("updates.csv", BAD_CSV.to_vec(), &ImportFlags::default())
        .await
        .expect_err("an unknown column is refused");
    assert_eq!(calls(&emu, "importDataCsv"), 1);
    assert!(clock.waits().is_empty());
    let text = err.to_string();
    assert!(
        text.contains("POST /v1/org/acme/import/csv/data failed: 400 unknown column `Salary`"),
        "{text}"
    );
    assert_eq!(payroll_sync::pipeline::Error::from(err).exit_code(), 1);
}

#[tokio::test]
async fn an_upload_is_retried_on_429_only() {
    let emu = emulator();
    fault(
        &emu,
        FaultRule::new(
            "importDataCsv",
            Fault::TooManyRequests {
                retry_after: Some("1".into()),
            },
            1,
        ),
    );
    let (client, _) = client(&emu, 6);
    let process = client
        .import_csv("updates.csv", GOOD_CSV.to_vec(), &ImportFlags::default())
        .await
        .expect("accepted on the second try");
    assert_eq!(calls(&emu, "importDataCsv"), 2);
    assert_eq!(emu.uploads().len(), 1);
    assert_eq!(emu.process_ids(), vec![process.id]);

    fault(
        &emu,
        FaultRule::new("importDataCsv", Fault::ServerError { status: 502 }, 1),
    );
    let err = client
        .import_csv("updates.csv", GOOD_CSV.to_vec(), &ImportFlags::default())
        .await
        .expect_err("a 502 on an upload is not retried");
    assert!(matches!(err, ApiError::UploadUnknown { .. }), "{err:?}");
    assert_eq!(payroll_sync::pipeline::exit::code(err.failure()), 75);
    assert_eq!(calls(&emu, "importDataCsv"), 3);
}

#[tokio::test]
async fn a_connection_dropped_mid_upload_is_not_retried_and_nothing_is_applied() {
    let emu = emulator();
    fault(
        &emu,
        FaultRule::new("importDataCsv", Fault::DropMidUpload, 1),
    );
    let (client, _) = client(&emu, 6);
    let err = client
        .import_csv("updates.csv", GOOD_CSV.to_vec(), &ImportFlags::default())
        .await
        .expect_err("no answer");
    assert!(matches!(err, ApiError::UploadUnknown { .. }), "{err:?}");
    assert!(err.hint().unwrap_or_default().contains("imported twice"));
    assert_eq!(calls(&emu, "importDataCsv"), 1);
    assert!(emu.process_ids().is_empty(), "the upload was not applied");
    assert!(emu.requests()[0].dropped);
}

#[tokio::test]
async fn a_connection_dropped_after_the_process_was_created_leaves_the_import_applied() {
    let emu = emulator();
    fault(
        &emu,
        FaultRule::new("importDataCsv", Fault::DropAfterProcessCreated, 1),
    );
    let (client, _) = client(&emu, 6);
    let err = client
        .import_csv("updates.csv", GOOD_CSV.to_vec(), &ImportFlags::default())
        .await
        .expect_err("no answer");
    assert!(matches!(err, ApiError::UploadUnknown { .. }), "{err:?}");
    assert_eq!(calls(&emu, "importDataCsv"), 1, "not sent twice");
    let ids = emu.process_ids();
    assert_eq!(ids.len(), 1, "ChartHop did create the process");
    // And runs it to the end.
    for _ in 0..200 {
        if emu.process(&ids[0]).is_some_and(|p| p["status"] == "DONE") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the import never finished: {:?}", emu.process(&ids[0]));
}

/// Every job id of a full walk, and the number of pages.
async fn walk(client: &Client, limit: u32) -> Result<(Vec<String>, u32), ApiError> {
    let mut pages = JobPages::new(client, query(limit));
    let mut ids = Vec::new();
    while let Some(rows) = pages.next_page().await? {
        ids.extend(
            rows.iter()
                .filter_map(|r| r.get("jobId")?.as_str().map(str::to_string)),
        );
    }
    Ok((ids, pages.pages()))
}

fn seed_filled_ids() -> BTreeSet<String> {
    seed_rows()
        .into_iter()
        .filter(|r| !r["person_id"].is_empty())
        .map(|r| r["job_id"].clone())
        .collect()
}

#[tokio::test]
async fn three_pages_then_no_next_return_every_row_once() {
    let emu = emulator();
    let (client, _) = client(&emu, 3);
    let (ids, pages) = walk(&client, 20).await.expect("walks");
    assert_eq!(pages, 3);
    assert_eq!(calls(&emu, "findJobs"), 3);
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "no row twice");
    assert_eq!(unique, seed_filled_ids(), "no row lost");
    // Every page re-sent every filter.
    for r in emu.requests() {
        assert_eq!(r.query_map["q"], "open:filled");
        assert_eq!(r.query_map["limit"], "20");
        assert_eq!(r.query_map["format"], "minimal");
    }
}

#[tokio::test]
async fn an_empty_page_with_a_next_goes_on() {
    let emu = emulator();
    fault(&emu, FaultRule::new("findJobs", Fault::EmptyPage, 2));
    let (client, _) = client(&emu, 3);
    let (ids, pages) = walk(&client, 25).await.expect("walks");
    assert_eq!(pages, 5);
    assert_eq!(
        ids.iter().cloned().collect::<BTreeSet<_>>(),
        seed_filled_ids()
    );
    assert_eq!(ids.len(), 60);
}

#[tokio::test]
async fn a_repeated_cursor_fails_within_one_extra_request() {
    let emu = emulator();
    fault(&emu, FaultRule::always("findJobs", Fault::RepeatCursor));
    let (client, _) = client(&emu, 3);
    let err = walk(&client, 20).await.expect_err("a loop is refused");
    assert!(
        matches!(err, ApiError::CursorRepeated { page: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("GET /v2/org/acme/job"), "{err}");
    assert_eq!(calls(&emu, "findJobs"), 2);
}

/// The roster as `plan` fetches it: its pages walked on a task of their own and parsed as
/// they are handed on.
#[tokio::test]
async fn the_fetched_roster_holds_every_row_of_the_walk_once_in_as_many_requests() {
    let emu = emulator();
    let (client, _) = client(&emu, 3);
    let fields = vec!["contact.workEmail".to_string()];
    let roster = fetch_roster(&client, &fields, 20, &[], &Silent)
        .await
        .expect("fetches");
    let fetching = calls(&emu, "findJobs");
    let ids: Vec<&str> = roster.iter().map(|p| p.job_id()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no row twice");
    // The same query walked page by page here.
    let mut pages = JobPages::new(
        &client,
        JobQuery {
            fields: vec!["jobId".into(), "name".into(), "contact.workEmail".into()],
            q: ROSTER_QUERY.into(),
            date: None,
            limit: 20,
        },
    );
    let mut walked = BTreeSet::new();
    while let Some(rows) = pages.next_page().await.expect("walks") {
        walked.extend(
            rows.iter()
                .filter_map(|r| r.get("jobId")?.as_str().map(str::to_string)),
        );
    }
    assert_eq!(
        unique,
        walked.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        "no row lost"
    );
    assert!(pages.pages() >= 3, "several pages: {}", pages.pages());
    assert_eq!(fetching, pages.pages() as usize, "one request a page");
}

#[tokio::test]
async fn a_fetch_stops_at_the_first_error_of_its_walk() {
    let emu = emulator();
    fault(&emu, FaultRule::always("findJobs", Fault::RepeatCursor));
    let (client, _) = client(&emu, 3);
    let err = fetch_roster(&client, &[], 20, &[], &Silent)
        .await
        .expect_err("a loop is refused");
    assert!(
        matches!(err, ApiError::CursorRepeated { page: 2, .. }),
        "{err:?}"
    );
    // Nothing is asked after the error, even a little later.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(calls(&emu, "findJobs"), 2);
}

#[test]
fn the_binary_exits_75_after_the_configured_attempts_and_sends_nothing_more() {
    let emu = emulator();
    fault(
        &emu,
        FaultRule::always("findJobs", Fault::ServerError { status: 503 }),
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_MAX_ATTEMPTS", "3")
        .args(["roster"]));
    assert_eq!(code(&out), 75);
    let err = stderr(&out);
    assert!(err.contains("failed 3 time(s)"), "{err}");
    assert!(err.contains("503"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert_eq!(calls(&emu, "findJobs"), 3);
    assert!(out.stdout.is_empty() || String::from_utf8_lossy(&out.stdout).lines().count() <= 1);
}

// ---- the roster export -------------------------------------------------------------------

/// The seed's jobs.csv rows as column -> cell.
fn seed_rows() -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(fixture("charthop/acme/jobs.csv")).expect("seed");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a seed row");
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// What the default export should say for each filled seed job, keyed by job id.
fn expected_export() -> BTreeMap<String, BTreeMap<&'static str, String>> {
    seed_rows()
        .into_iter()
        .filter(|r| !r["person_id"].is_empty())
        .map(|r| {
            let first = if r["pref_name"].is_empty() {
                &r["first_name"]
            } else {
                &r["pref_name"]
            };
            let row = BTreeMap::from([
                ("jobId", r["job_id"].clone()),
                ("name", format!("{first} {}", r["last_name"])),
                ("name.first", r["first_name"].clone()),
                ("name.last", r["last_name"].clone()),
                ("title", r["title"].clone()),
                ("contact.workEmail", r["work_email"].clone()),
                ("contact.employee", r["employee_id"].clone()),
                ("department", r["department"].clone()),
                ("location", r["location"].clone()),
                ("manager", r["manager_job_id"].clone()),
                ("startDate", r["start_date"].clone()),
                ("employment", r["employment"].clone()),
            ]);
            (r["job_id"].clone(), row)
        })
        .collect()
}

#[test]
fn roster_csv_on_stdout_matches_the_seed_streamed_over_pages() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_PAGE_SIZE", "7")
        .args(["roster", "--format", "csv"]));
    assert_eq!(code(&out), 0);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        headers.join(","),
        payroll_sync::fetch::export::DEFAULT_FIELDS
    );
    let mut got = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a CSV row");
        let row: BTreeMap<String, String> = headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_string))
            .collect();
        assert!(
            got.insert(row["jobId"].clone(), row).is_none(),
            "a row twice"
        );
    }
    let expected: BTreeMap<String, BTreeMap<String, String>> = expected_export()
        .into_iter()
        .map(|(id, row)| {
            (
                id,
                row.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // 60 filled jobs, 7 a page: 9 pages, each asked for once.
    assert_eq!(calls(&emu, "findJobs"), 9);
}

#[test]
fn roster_json_to_a_private_file_matches_the_seed() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(cmd(&emu, tmp.path()).args(["roster", "--format", "json", "-o", "roster.json"]));
    assert_eq!(code(&out), 0);
    assert!(out.stdout.is_empty(), "data went to the file only");
    assert!(stderr(&out).contains("Wrote 60 job(s)"), "{}", stderr(&out));
    let file = tmp.path().join("roster.json");
    let mode = std::fs::metadata(&file)
        .expect("written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("a JSON array");
    let expected = expected_export();
    assert_eq!(rows.len(), expected.len());
    for row in &rows {
        let id = row["jobId"].as_str().expect("a job id");
        let want = &expected[id];
        for (field, value) in want {
            let got = row[*field].as_str().unwrap_or_default();
            assert_eq!(got, value, "{id} {field}");
        }
    }
    assert_eq!(
        std::fs::read_dir(tmp.path()).expect("dir").count(),
        1,
        "no temp file left"
    );
}

#[test]
fn roster_filters_fields_and_dates_reach_chart_hop() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(cmd(&emu, tmp.path()).args([
        "roster",
        "--fields",
        "jobId,tenure",
        "--q",
        "department:engineering",
        "--date",
        "2025-01-15",
        "--format",
        "json",
    ]));
    assert_eq!(code(&out), 0);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let engineering = seed_rows()
        .iter()
        .filter(|r| !r["person_id"].is_empty() && r["department"] == "Engineering")
        .count();
    assert_eq!(rows.len(), engineering);
    assert!(rows.iter().all(|r| r["tenure"].is_number()), "{rows:?}");
    let request = &emu.requests()[0];
    assert_eq!(
        request.query_map["q"],
        "open:filled && (department:engineering)"
    );
    assert_eq!(request.query_map["date"], "2025-01-15");

    let out = run(cmd(&emu, tmp.path()).args(["roster", "--q", "open:open", "--format", "json"]));
    assert_eq!(code(&out), 0);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(rows.len(), 3, "the open reqs, as asked");

    let out = run(cmd(&emu, tmp.path()).args(["roster", "--date", "15/01/2025"]));
    assert_eq!(code(&out), 2, "a bad date is a usage error");
}

/// Issue 18, point 11: `roster --format csv` neutralizes a value a spreadsheet would run (a
/// title someone typed as `=HYPERLINK(..)` in ChartHop); `--raw` gives it as ChartHop holds it.
#[test]
fn roster_csv_neutralizes_formulas_unless_raw() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    emu.set_job_field(
        "kwame.mensah@acme.example",
        "title",
        "=HYPERLINK(\"http://x.example\")",
    )
    .unwrap();
    let csv = |raw: bool| {
        let mut c = cmd(&emu, tmp.path());
        c.args([
            "roster",
            "--format",
            "csv",
            "--fields",
            "contact.workEmail,title",
        ]);
        if raw {
            c.arg("--raw");
        }
        let out = run(&mut c);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        csv(false).contains("kwame.mensah@acme.example,\"'=HYPERLINK("),
        "{}",
        csv(false)
    );
    assert!(
        csv(true).contains("kwame.mensah@acme.example,\"=HYPERLINK("),
        "{}",
        csv(true)
    );
}
