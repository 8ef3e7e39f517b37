//! What a row's departure evidence means on the plan's as-of date: an active person, a
//! departure (the last day is on or before the as-of date), a scheduled one (after it), or
//! dates that contradict each other.
//!
//! The rules, for payroll exports as the big providers write them (ADP shows a scheduled
//! termination as Active with a future date, and keeps the old termination date on a rehire):
//! - a status that means "left": a departure on the termination date, scheduled when that is
//!   after the as-of date; no date is a conflict (never an undated departure);
//! - otherwise a termination date after the as-of date: a scheduled departure, whatever the
//!   status says;
//! - a past termination date followed by a later hire or rehire date: history, the person is
//!   active;
//! - a past termination date and no later hire date: a departure when the row's status is
//!   blank or the mapping has no status column (the date alone says "left"), a contradiction
//!   when the status says anything else (active, on leave).

use chrono::NaiveDate;

use super::ConflictKind;
use super::matching::Context;
use crate::mapping::{Desired, Value};

/// A row's place in the lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Life {
    Active,
    /// Leaving on `date` (the last day worked); `scheduled` when that is after the as-of date.
    Leaving {
        date: NaiveDate,
        scheduled: bool,
    },
    /// The evidence cannot be read without guessing: a conflict with this kind and reason.
    Unclear(ConflictKind, String),
}

impl Context<'_> {
    /// The row's place in the lifecycle on the plan's as-of date (see the module's rules).
    pub(super) fn life(&self, d: &Desired) -> Life {
        if self.mapping.departure.is_none() {
            return Life::Active;
        }
        let as_of = self.as_of;
        let hired = self.latest_hire(d);
        let leaving = |date: NaiveDate| Life::Leaving {
            date,
            scheduled: date > as_of,
        };
        let day = |t: NaiveDate| t.format("%Y-%m-%d").to_string();
        let m = self.mapping;
        let named = |c: Option<&str>, what: &str| {
            c.map_or_else(|| what.to_string(), |c| format!("{what} (column `{c}`)"))
        };
        // Only a row whose lifecycle is unclear needs these words.
        let status = || named(m.status_column(), "the status");
        let term = || named(m.termination_column(), "the termination date");
        let hire = |h: NaiveDate| {
            let col = if d.rehire_date == Some(h) {
                m.rehire_column()
            } else {
                self.start_field.and_then(|i| m.fields[i].column.as_deref())
            };
            named(col, &format!("the hire or rehire date {}", day(h)))
        };
        match (d.left_status, d.termination_date) {
            (true, None) => Life::Unclear(
                ConflictKind::DepartureWithoutDate,
                format!(
                    "{} says the person left, but {} is blank: ChartHop needs the last day worked, and a departure is never sent undated; fill in the termination date",
                    status(),
                    term()
                ),
            ),
            (true, Some(t)) => match hired {
                Some(h) if h > t => Life::Unclear(
                    ConflictKind::ContradictoryDates,
                    format!(
                        "{} says the person left, on {} by {}, but {} is later; fix the status (a rehire is active) or the dates",
                        status(),
                        day(t),
                        term(),
                        hire(h)
                    ),
                ),
                _ => leaving(t),
            },
            (false, Some(t)) if t > as_of => leaving(t),
            (false, Some(t)) => match hired {
                Some(h) if h > t => Life::Active,
                _ if !d.status_active => leaving(t),
                _ => Life::Unclear(
                    ConflictKind::ContradictoryDates,
                    format!(
                        "{} says active, but {}, {}, is past and no later hire or rehire date follows it{}: if the person was rehired, give the rehire date (it is missing or before the termination); if they left, fix the status",
                        status(),
                        term(),
                        day(t),
                        hired.map_or(String::new(), |h| format!(" (the latest is {})", hire(h)))
                    ),
                ),
            },
            (false, None) => Life::Active,
        }
    }

    /// The row's latest hire date: its start date (the mapped `startDate`) or its rehire date,
    /// whichever is later.
    pub(super) fn latest_hire(&self, d: &Desired) -> Option<NaiveDate> {
        let start = self.start_field.and_then(|i| match d.values.get(i) {
            Some(Some(Value::Date(t))) => Some(*t),
            _ => None,
        });
        start.max(d.rehire_date)
    }
}
