//! Human output on stderr: summaries, errors with hints.

use std::io::{IsTerminal, Write};

use super::Global;
use crate::pipeline::Error;

/// How to talk to the person at the terminal.
pub struct Ui {
    pub quiet: bool,
    pub progress: super::progress::Mode,
    color: bool,
}

impl Ui {
    pub fn new(global: &Global) -> Ui {
        let color = super::use_color(global.color);
        Ui {
            quiet: global.quiet,
            progress: match (global.quiet, std::io::stderr().is_terminal()) {
                (true, _) => super::progress::Mode::Off,
                (false, true) if global.no_progress => super::progress::Mode::Off,
                (false, true) => super::progress::Mode::Bars,
                (false, false) => super::progress::Mode::Lines,
            },
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

    /// The plan's counts, aligned: every category that writes to ChartHop is listed when it has
    /// rows (new hires, updates and departures always), then the rows left out, then the
    /// plan's notes (a department ChartHop will refuse, a work-email domain move), one line
    /// each. Row contents never appear: counts, row numbers and the notes' own words.
    pub fn summary(&self, plan: &crate::plan::PlanDoc) {
        let s = &plan.summary;
        for (label, n, note) in [
            ("new hires", s.new_hires, ""),
            (
                "rehires",
                s.rehires,
                "  (former ChartHop people coming back)",
            ),
            ("updates", s.updates, ""),
            (
                "email changes",
                s.email_changes,
                "  (new work emails, by payroll id)",
            ),
            ("departures", s.departures, ""),
            (
                "scheduled",
                s.scheduled_departures,
                "  (departures after the as-of date: active until their last day)",
            ),
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
                "  {label:<13}{n:>6}{}",
                if n > 0 { note } else { "" }
            ));
        }
        if plan.import.departures_held && s.departures + s.scheduled_departures > 0 {
            self.say("  departures are held back (`departures.hold`): departures.csv is for review, not uploaded");
        }
        for note in &plan.notes {
            self.say(&format!("note: {}", note.message));
        }
    }
}
