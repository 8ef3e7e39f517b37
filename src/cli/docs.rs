//! Shell completions and the man page, generated from the command-line definition itself,
//! so they can never disagree with `--help`.

use std::io::Write;

use clap::{Args, CommandFactory, ValueEnum};

use super::Cli;
use crate::pipeline::Error;

/// The shells completions are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// `payroll-sync completions <shell>`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script for `shell` to stdout.
///
/// Fails when stdout cannot be written (a closed pipe).
pub fn completions(args: &CompletionsArgs) -> Result<u8, Error> {
    let mut cmd = Cli::command();
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "payroll-sync", &mut out);
    write_stdout(&out, "the completion script")
}

/// Writes the man page (roff, section 1) to stdout: `payroll-sync man > payroll-sync.1`.
///
/// Fails when stdout cannot be written.
pub fn man() -> Result<u8, Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|source| Error::Io {
            what: "rendering the man page".into(),
            source,
        })?;
    write_stdout(&out, "the man page")
}

fn write_stdout(bytes: &[u8], what: &str) -> Result<u8, Error> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|source| Error::Io {
            what: format!("writing {what} to stdout"),
            source,
        })?;
    Ok(crate::pipeline::exit::OK)
}
