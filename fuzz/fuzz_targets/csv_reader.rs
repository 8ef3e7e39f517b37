//! Fuzz target: see `harness::csv`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::init();
    let _ = harness::csv(data);
});
