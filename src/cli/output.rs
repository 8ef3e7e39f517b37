//! Human output on stderr: summaries, errors with hints.

use std::io::{IsTerminal, Write};

use super::Global;
use crate::diff::Summary;
use crate::pipeline::Error;

/// How to talk to the person at the terminal.
pub struct Ui {
    pub quiet: bool,
    pub progress: bool,
    color: bool,
}

impl Ui {
    pub fn new(global: &Global) -> Ui {
        let color = super::use_color(global.color);
        Ui {
            quiet: global.quiet,
            progress: !global.no_progress && !global.quiet && std::io::stderr().is_terminal(),
            color,
        }
    }

    /// A line for people, unless `--quiet`.
    pub fn say(&self, line: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }

    /// An error and its hint; always shown.
    pub fn error(&self, e: &Error) {
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

    /// The plan's counts, aligned.
    pub fn summary(&self, s: &Summary) {
        for (label, n, note) in [
            ("new hires", s.new_hires, ""),
            ("updates", s.updates, ""),
            ("departures", s.departures, ""),
            ("unchanged", s.unchanged, ""),
            (
                "absent",
                s.absent,
                "  (in ChartHop, not in the export: reported, not changed)",
            ),
            ("conflicts", s.conflicts, "  (left out: see the report)"),
            ("rejected", s.rejected, "  (left out: see the report)"),
            (
                "skipped",
                s.skipped,
                "  (left out by the mapping's [[skip]] rules)",
            ),
        ] {
            if n == 0 && !note.is_empty() && label != "absent" {
                continue;
            }
            self.say(&format!(
                "  {label:<11}{n:>6}{}",
                if n > 0 { note } else { "" }
            ));
        }
    }
}
