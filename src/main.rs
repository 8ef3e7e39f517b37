//! The `payroll-sync` binary: parse arguments, set up logging, run one command, exit with its
//! code. Everything else lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = payroll_sync::cli::Cli::parse();
    payroll_sync::cli::init_logging(&cli.global);
    let code = payroll_sync::cli::run(cli);
    std::process::ExitCode::from(code)
}
