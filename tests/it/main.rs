//! Integration tests: the real `payroll-sync` binary against the ChartHop emulator over HTTP
//! on 127.0.0.1. One test binary, so it links once.

mod cli_errors;
mod end_to_end;
mod read;
mod support;
