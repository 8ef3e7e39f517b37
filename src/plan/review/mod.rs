//! The review of a plan: one model for every place a person reads a plan. `report.md`,
//! `report.html` and the terminal's summary render the same [`Review`] (or its
//! [`summary`]), so their words and counts cannot drift apart.
//!
//! The top is what a reviewer decides from: the summary (`+ hires ~ updates - departures`),
//! the safety guards with the headroom to each limit, the plan hash and the command that
//! applies (or approves) exactly this plan, what needs attention, and rollups per field and
//! per department. The detail follows, one section per kind of change, one line per person.
//!
//! Values are final when they enter the model: masked (sensitive fields, unless
//! `--show-sensitive`; national ids never) and neutralized; a renderer only escapes them for
//! its format. Prose in the model marks code with backticks, which Markdown keeps and HTML
//! turns into `<code>`.

mod attention;
mod details;
mod overview;
mod tally;
pub mod words;

pub use details::UNCHANGED_LISTED;
pub use overview::{shell_word, summary};
pub use tally::{NO_DEPARTMENT, REFUSED_LISTED, RefusedAgain, Tally};

use crate::diff::{Absent, RowChange};
use crate::plan::PlanDoc;

/// Which plan a review is of: the hash that approves it, and its directory as the person
/// named it (for the commands the review gives).
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    pub hash: &'a str,
    pub dir: &'a str,
}

/// A summary line's mark, as a plan tool shows one: `+` adds to ChartHop, `~` changes, `-`
/// takes away, `!` is left out and needs a person, a blank is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Add,
    Change,
    Remove,
    LeftOut,
    Info,
}

impl Sign {
    /// The mark: `+`, `~`, `-`, `!` or a blank.
    pub fn mark(self) -> char {
        match self {
            Sign::Add => '+',
            Sign::Change => '~',
            Sign::Remove => '-',
            Sign::LeftOut => '!',
            Sign::Info => ' ',
        }
    }
}

/// One line of the summary: `~ 3,978 people updated (4,928 field changes)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    pub sign: Sign,
    pub count: usize,
    /// What is counted, in its number (`people updated`, `departure`).
    pub what: String,
    /// More about them (prose), possibly empty: `(4,928 field changes)`.
    pub note: String,
    /// The detail section that lists them.
    pub anchor: Option<&'static str>,
}

/// A safety guard's verdict with its headroom.
#[derive(Debug, Clone)]
pub struct GuardLine {
    pub guard: String,
    pub actual: usize,
    pub limit: usize,
    /// The limit is a minimum (the truncated-export guard), not a maximum.
    pub minimum: bool,
    pub tripped: bool,
    /// The guard's own sentence.
    pub explain: String,
    /// What else a reviewer should know of it (prose), e.g. that it does not count departures
    /// that are only reported.
    pub note: Option<String>,
}

impl GuardLine {
    /// How many it may still take before it trips (0 when tripped).
    fn spare(&self) -> usize {
        if self.minimum {
            self.actual.saturating_sub(self.limit)
        } else {
            self.limit.saturating_sub(self.actual)
        }
    }

    /// The limit as the table shows it: `250`, or `at least 800` for a minimum.
    pub fn limit_text(&self) -> String {
        if self.minimum {
            format!("at least {}", words::thousands(self.limit))
        } else {
            words::thousands(self.limit)
        }
    }

    /// `tripped` or `ok`.
    pub fn verdict(&self) -> &'static str {
        if self.tripped { "tripped" } else { "ok" }
    }

    /// How far the plan is from the limit: `22 to spare`, `over by 3`, `short by 100`.
    pub fn headroom(&self) -> String {
        let (over, by) = match (self.minimum, self.actual.cmp(&self.limit)) {
            (false, std::cmp::Ordering::Greater) => (true, self.actual - self.limit),
            (false, _) => (false, self.limit - self.actual),
            (true, std::cmp::Ordering::Less) => (true, self.limit - self.actual),
            (true, _) => (false, self.actual - self.limit),
        };
        match (over, self.minimum) {
            (false, _) => format!("{} to spare", words::thousands(by)),
            (true, false) => format!("over by {}", words::thousands(by)),
            (true, true) => format!("short by {}", words::thousands(by)),
        }
    }
}

/// Something a reviewer should look at before applying (prose), with the section that shows
/// it and, for a list (the largest pay changes), its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    pub text: String,
    pub anchor: Option<&'static str>,
    pub items: Vec<String>,
}

/// How many people a plan changes a field for, and how many of those clear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRollup {
    pub field: String,
    pub people: usize,
    pub cleared: usize,
}

/// A department's share of the plan: the people hired into it, updated in it (moving into it
/// among them), and leaving it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepartmentRollup {
    pub name: String,
    pub hires: usize,
    pub updates: usize,
    pub moving_in: usize,
    pub departures: usize,
}

impl DepartmentRollup {
    /// Its counts, in the rollup's column order: hires, updated, moving in, departures.
    pub fn counts(&self) -> [usize; 4] {
        [self.hires, self.updates, self.moving_in, self.departures]
    }

    /// Everyone the plan touches in the department.
    pub fn total(&self) -> usize {
        self.hires + self.updates + self.departures
    }
}

/// A section of the detail: one kind of row, as a table.
#[derive(Debug)]
pub struct Section<'a> {
    /// Its anchor; for a section of people, also the category the page filters by.
    pub id: &'static str,
    pub title: String,
    /// Paragraphs (prose) before the table.
    pub intro: Vec<String>,
    pub columns: Vec<&'static str>,
    pub lines: Vec<Line<'a>>,
    /// Shown open (the unchanged people are folded away).
    pub open: bool,
}

/// A table line, and whom it is about (the page searches and filters by it).
#[derive(Debug)]
pub struct Line<'a> {
    pub who: Who<'a>,
    pub cells: Vec<Cell>,
}

/// Whom a line is about.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    Row(&'a RowChange),
    Absent(&'a Absent),
    Nobody,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// An export row number or a count.
    Number(usize),
    /// A value (from the export or ChartHop, or a mask), shown as it is.
    Value(String),
    /// Our words (may mark code with backticks).
    Prose(String),
    /// A person's field changes, old -> new each.
    Changes(Vec<Change>),
}

/// One field's change, as shown (masked when the field is sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// Everything a report shows of a plan, in the order it shows it.
#[derive(Debug)]
pub struct Review<'a> {
    /// What the plan was made from, one sentence (prose).
    pub intro: String,
    pub nothing_to_change: bool,
    pub summary: Vec<SummaryLine>,
    /// How sensitive fields are shown (prose), when the plan has any.
    pub sensitive: Option<String>,
    pub hash: String,
    pub guards: Vec<GuardLine>,
    /// What to run next (a command): apply, or approve when a guard tripped.
    pub next_step: String,
    pub attention: Vec<Attention>,
    pub by_field: Vec<FieldRollup>,
    /// The department rollup's busiest departments, and how many others it leaves out.
    pub by_department: Vec<DepartmentRollup>,
    pub other_departments: usize,
    /// Departures are counted but not sent (`departures.hold`).
    pub departures_reported_only: bool,
    pub sections: Vec<Section<'a>>,
}

impl<'a> Review<'a> {
    /// The review of `plan` (the document the reports list: every update and departure, the
    /// first rows of the other categories), identified by `stamp`, with what was counted over
    /// all its rows (`tally`: the departments, the people ChartHop refused last time).
    pub fn of(plan: &'a PlanDoc, stamp: Stamp<'_>, tally: &Tally) -> Review<'a> {
        let guards = overview::guards(plan);
        let refused = guards.iter().any(|g| g.tripped);
        let (by_department, other_departments) = overview::departments(plan, tally);
        Review {
            intro: overview::intro(plan),
            nothing_to_change: plan.summary.is_empty(),
            summary: summary(plan),
            sensitive: overview::sensitive(plan),
            hash: stamp.hash.to_string(),
            next_step: overview::next_step(stamp, refused),
            attention: attention::attention(plan, &guards, tally),
            guards,
            by_field: overview::by_field(plan),
            by_department,
            other_departments,
            departures_reported_only: plan.import.departures_held,
            sections: details::sections(plan),
        }
    }

    /// True when a safety guard tripped.
    pub fn refused(&self) -> bool {
        self.guards.iter().any(|g| g.tripped)
    }

    /// The department rollup's columns: the department, then its counts, in
    /// [`DepartmentRollup::counts`] order.
    pub fn department_columns(&self) -> [&'static str; 5] {
        let departures = if self.departures_reported_only {
            "Departures (reported only)"
        } else {
            "Departures"
        };
        ["Department", "Hires", "Updated", "Moving in", departures]
    }

    /// The sentence under the department rollup when it leaves departments out.
    pub fn more_departments(&self) -> Option<String> {
        (self.other_departments > 0).then(|| {
            format!(
                "And {} more.",
                words::counted(self.other_departments, "department", "departments")
            )
        })
    }

    /// Where an anchor leads: its id and the title of what is there (a detail section, or
    /// the guards), when the review has it.
    pub fn link(&self, anchor: &str) -> Option<(&str, String)> {
        if anchor == "guards" && !self.guards.is_empty() {
            return Some(("guards", "Safety guards".to_string()));
        }
        self.sections
            .iter()
            .find(|s| s.id == anchor)
            .map(|s| (s.id, s.title.clone()))
    }

    /// The guards in one sentence (prose): which tripped, or that all are within their
    /// limits and which is closest to its own.
    pub fn guard_summary(&self) -> String {
        let tripped: Vec<String> = self
            .guards
            .iter()
            .filter(|g| g.tripped)
            .map(|g| format!("`{}` ({})", g.guard, g.headroom()))
            .collect();
        if !tripped.is_empty() {
            return format!(
                "{} of {} tripped: {}.",
                tripped.len(),
                self.guards.len(),
                tripped.join(", ")
            );
        }
        // Closest as a share of its own limit: 440 of 4,977 is closer than 0 of 1,990.
        let room = |g: &GuardLine| g.spare() as f64 / g.limit.max(1) as f64;
        match self
            .guards
            .iter()
            .min_by(|a, b| room(a).total_cmp(&room(b)))
        {
            Some(g) => format!(
                "All {} are within their limits; the closest is `{}` ({}).",
                self.guards.len(),
                g.guard,
                g.headroom()
            ),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests;
