//! Fuzz target: see `harness::spreadsheet`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::init();
    let _ = harness::spreadsheet(data);
});
