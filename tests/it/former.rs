//! Looking up former people (`FormerLookup`) against the emulator: queries leave while the
//! rows are still being told, each person found is found once, and a lookup that must walk
//! everyone drops the queries it sent early.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use charthop_emulator::{Emulator, Fault, FaultRule};
use payroll_sync::charthop::{Client, ClientConfig};
use payroll_sync::fetch::{FORMER_LOOKUP_BATCH, FormerLookup};
use payroll_sync::secret::Secret;
use payroll_sync::textindex::Fold;

use crate::support::*;

fn client(emu: &Emulator) -> Client {
    Client::new(ClientConfig {
        base_url: emu.base_url(),
        org: emu.org_slug(),
        token: Secret::new(TOKEN),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        retry_budget: Duration::from_secs(30),
        timeout: Duration::from_secs(10),
        ca_file: None,
    })
    .expect("a loopback URL is accepted")
}

const INDEXES: [(&str, Fold); 2] = [
    ("contact.employee", Fold::Trim),
    ("contact.workEmail", Fold::TrimLower),
];

/// The `findPersons` requests the emulator received: (with a `q`, without).
fn lookups(emu: &Emulator) -> (usize, usize) {
    let persons: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some("findPersons"))
        .collect();
    let filtered = persons
        .iter()
        .filter(|r| r.query_map.contains_key("q"))
        .count();
    (filtered, persons.len() - filtered)
}

/// Waits (up to 20 s) until the emulator has received `n` filtered `findPersons` requests.
async fn wait_for_lookups(emu: &Emulator, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while lookups(emu).0 < n {
        assert!(
            Instant::now() < deadline,
            "only {:?} lookups were sent before the lookup was finished",
            lookups(emu)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The emulator's people with both a payroll key and a work email: (person id, key, email).
fn people(emu: &Emulator) -> Vec<(String, String, String)> {
    emu.people()
        .into_iter()
        .filter_map(|p| {
            Some((
                p.get("id")?.clone(),
                p.get("contact.employee")?.clone(),
                p.get("contact.workEmail")?.clone(),
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_sends_its_full_batches_while_rows_are_still_told_and_finds_each_person_once() {
    let emu = emulator();
    let known = people(&emu);
    assert!(known.len() >= 3, "the fixture org has people: {known:?}");
    let (by_key, by_email, last) = (&known[0], &known[1], &known[2]);
    let mut lookup = FormerLookup::new(&client(&emu), "contact.employee", 100_000, 1000, &INDEXES);
    let rows = 2 * FORMER_LOOKUP_BATCH + 50;
    for i in 0..rows {
        let (key, email) = (format!("nobody-{i}"), format!("nobody-{i}@nowhere.example"));
        match i {
            10 => lookup.row(Some(&by_key.1), None),
            150 => lookup.row(None, Some(&by_email.2)),
            240 => lookup.row(Some(&last.1), Some(&last.2)),
            _ => lookup.row(Some(&key), Some(&email)),
        }
    }
    // Two batches were full: their queries left before `finish`.
    wait_for_lookups(&emu, 2).await;
    assert_eq!(lookups(&emu), (2, 0), "the third batch is not full yet");
    let found = lookup.finish(false).await.expect("looks up");
    assert_eq!(lookups(&emu), (3, 0), "one query per batch, no walk");
    let ids: Vec<&str> = found.iter().map(|p| p.job_id()).collect();
    let expected: BTreeSet<&str> = [&by_key.0, &by_email.0, &last.0]
        .into_iter()
        .map(String::as_str)
        .collect();
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    assert_eq!(ids.len(), 3, "each found once: {ids:?}");
    // With the fields the diff tells a rehire by.
    for (id, key, email) in [by_key, by_email, last] {
        let p = found.iter().find(|p| p.job_id() == id).expect("found");
        assert_eq!(
            (p.get("contact.employee"), p.get("contact.workEmail")),
            (key.as_str(), email.as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_that_must_walk_everyone_drops_its_early_queries_and_lists_each_person_once() {
    let emu = emulator();
    let known = people(&emu);
    let everyone: BTreeSet<String> = known.iter().map(|p| p.0.clone()).collect();
    let all = emu.people().len();
    // An org of 1,000 walked 100 a page: 11 pages. 12 batches of rows cost more: walk.
    let mut lookup = FormerLookup::new(&client(&emu), "contact.employee", 1000, 100, &INDEXES);
    for i in 0..12 * FORMER_LOOKUP_BATCH {
        // Each early query finds someone: kept, they would be listed twice.
        match known
            .get(i / FORMER_LOOKUP_BATCH)
            .filter(|_| i % FORMER_LOOKUP_BATCH == 7)
        {
            Some(p) => lookup.row(Some(&p.1), None),
            None => lookup.row(Some(&format!("nobody-{i}")), None),
        }
    }
    // At most half the walk's pages are risked early (5 here).
    wait_for_lookups(&emu, 5).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(lookups(&emu), (5, 0));
    let found = lookup.finish(false).await.expect("walks");
    let (filtered, walked) = lookups(&emu);
    assert_eq!(filtered, 5, "no query sent after the walk was decided");
    assert_eq!(walked, all.div_ceil(100).max(1), "one walk, page by page");
    let ids: Vec<&str> = found.iter().map(|p| p.job_id()).collect();
    assert_eq!(
        ids.len(),
        all,
        "everyone once, nobody from the early queries twice"
    );
    let ids: BTreeSet<&str> = ids.into_iter().collect();
    assert!(everyone.iter().all(|id| ids.contains(id.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_told_to_walk_everyone_sends_no_named_query() {
    let emu = emulator();
    let all = emu.people().len();
    let mut lookup = FormerLookup::new(&client(&emu), "contact.employee", 100_000, 1000, &INDEXES);
    // Fewer rows than a batch: nothing leaves early, and `everyone` walks.
    for i in 0..FORMER_LOOKUP_BATCH - 1 {
        lookup.row(Some(&format!("nobody-{i}")), None);
    }
    let found = lookup.finish(true).await.expect("walks");
    assert_eq!(lookups(&emu), (0, 1));
    assert_eq!(found.len(), all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_querys_error_ends_the_lookup_unless_the_lookup_walks_everyone() {
    let refused = || Fault::ClientError {
        status: 400,
        message: "invalid query".into(),
    };
    // Named: the first query (sent early) is refused, and so is the lookup.
    let emu = emulator();
    emu.add_fault(FaultRule::new("findPersons", refused(), 1))
        .expect("a valid fault rule");
    let mut lookup = FormerLookup::new(&client(&emu), "contact.employee", 100_000, 1000, &INDEXES);
    for i in 0..FORMER_LOOKUP_BATCH + 1 {
        lookup.row(Some(&format!("nobody-{i}")), None);
    }
    wait_for_lookups(&emu, 1).await;
    let err = lookup.finish(false).await.expect_err("the refusal ends it");
    assert!(err.to_string().contains("400"), "{err}");

    // Walking everyone: the early query's refusal does not count, the walk finds everyone.
    let emu = emulator();
    let all = emu.people().len();
    emu.add_fault(FaultRule::new("findPersons", refused(), 1))
        .expect("a valid fault rule");
    let mut lookup = FormerLookup::new(&client(&emu), "contact.employee", 1000, 100, &INDEXES);
    for i in 0..12 * FORMER_LOOKUP_BATCH {
        lookup.row(Some(&format!("nobody-{i}")), None);
    }
    wait_for_lookups(&emu, 1).await;
    let found = lookup.finish(false).await.expect("walks");
    assert_eq!(found.len(), all);
}
