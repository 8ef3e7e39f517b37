//! Integration tests: the real `payroll-sync` binary against the ChartHop emulator over HTTP
//! on 127.0.0.1. One test binary, so it links once.

mod apply;
mod bad_input;
mod bench_data;
mod catalogue;
mod cli_errors;
mod client;
mod conformance;
mod effective;
mod end_to_end;
mod files;
mod former;
mod fuzz_corpus;
mod install;
mod lifecycle;
mod mapping;
mod peak;
mod privacy;
mod read;
mod report_layout;
mod review;
mod review_support;
mod schema;
mod serve;
mod support;
mod tls;
mod walkthrough;
