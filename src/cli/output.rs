//! Human output on stderr: summaries, errors with hints. With `--log-format json` every line
//! is a JSON object like the log's own (`timestamp`, `level`, `message`; an error adds `hint`
//! and `exit_code`), so a collector reading stderr gets nothing but JSON.

use std::io::{IsTerminal, Write};

use super::Global;
use crate::pipeline::Error;

/// How to talk to the person at the terminal.
pub struct Ui {
    pub quiet: bool,
    pub progress: super::progress::Mode,
    color: bool,
    /// `--log-format json`.
    pub json: bool,
}

impl Ui {
    pub fn new(global: &Global) -> Ui {
        let color = super::use_color(global.color);
        let json = global.log_format == super::LogFormat::Json;
        Ui {
            quiet: global.quiet,
            progress: match (global.quiet, std::io::stderr().is_terminal()) {
                (true, _) => super::progress::Mode::Off,
                (false, _) if json => super::progress::Mode::Lines,
                (false, true) if global.no_progress => super::progress::Mode::Off,
                (false, true) => super::progress::Mode::Bars,
                (false, false) => super::progress::Mode::Lines,
            },
            color: color && !json,
            json,
        }
    }

    /// The progress display for a command, as this terminal and the options want it.
    pub fn bars(&self) -> super::progress::Bars {
        super::progress::Bars::new(self.progress, self.json)
    }

    /// A line for people, unless `--quiet`.
    pub fn say(&self, line: &str) {
        if !self.quiet {
            super::lines::emit(self.json, "INFO", line, None);
        }
    }

    /// An error and its hint; always shown.
    pub fn error(&self, e: &Error) {
        if self.json {
            let fields = serde_json::json!({
                "hint": e.hint(),
                "exit_code": e.exit_code(),
            });
            super::lines::emit(true, "ERROR", &e.to_string(), Some(fields));
            return;
        }
        let label = if self.color {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{label}: {e}");
        if let Some(h) = e.hint() {
            let hint = if self.color {
                "\x1b[1;36mhint\x1b[0m"
            } else {
                "hint"
            };
            let _ = writeln!(err, "{hint}: {h}");
        }
    }

    /// The plan's summary, as the reports begin (see [`crate::plan::review::summary`]): one
    /// line per kind of change, `+` added, `~` changed, `-` taken away, `!` left out, then
    /// what is only reported, with departures that are not sent saying so on their line; then
    /// the plan's notes (a department ChartHop will refuse, a work-email domain move), one line
    /// each. Row contents never appear: counts and the notes' own words.
    pub fn summary(&self, plan: &crate::plan::PlanDoc) {
        for line in summary_lines(plan) {
            self.say(&line);
        }
    }
}

/// The terminal's summary lines of `plan`.
pub fn summary_lines(plan: &crate::plan::PlanDoc) -> Vec<String> {
    use crate::plan::review::words::thousands;
    let mut out: Vec<String> = crate::plan::review::summary(plan)
        .iter()
        .map(|l| {
            let note = if l.note.is_empty() {
                String::new()
            } else {
                format!("  {}", l.note)
            };
            format!(
                "  {} {:>7}  {}{note}",
                l.sign.mark(),
                thousands(l.count),
                l.what
            )
        })
        .collect();
    out.extend(plan.notes.iter().map(|n| format!("note: {}", n.message)));
    out
}
