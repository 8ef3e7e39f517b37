//! Fuzz target: see `harness::mapping`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::init();
    let _ = harness::mapping(data);
});
