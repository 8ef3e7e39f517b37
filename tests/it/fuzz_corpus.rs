//! Replays every checked-in fuzz corpus file (`fuzz/corpus/<target>/`) through the same entry
//! points the fuzz targets drive (`fuzz/harness.rs`), so CI catches a regression on a known
//! input without a fuzzer or a nightly compiler. Each must return, without panicking.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use crate::support::root;

type Target = fn(&[u8]) -> Result<usize, String>;

const TARGETS: [(&str, Target); 4] = [
    ("csv_reader", harness::csv),
    ("spreadsheet", harness::spreadsheet),
    ("mapping", harness::mapping),
    ("envelope", harness::envelope),
];

#[test]
fn every_fuzz_corpus_file_is_handled_without_a_panic() {
    for (target, run) in TARGETS {
        let dir = root().join("fuzz/corpus").join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(
            files.len() >= 5,
            "{target}: a corpus of a few seeds at least"
        );
        let (mut ok, mut refused) = (0, 0);
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| run(&data));
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            match outcome {
                Ok(Ok(_)) => ok += 1,
                Ok(Err(_)) => refused += 1,
                Err(_) => panic!("{target}: `{name}` panicked"),
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{target}: `{name}` took {:?}",
                started.elapsed()
            );
        }
        eprintln!("{target}: {ok} read, {refused} refused");
        assert!(ok > 0, "{target}: at least one seed is valid input");
    }
}
