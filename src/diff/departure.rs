//! A matched person the export says is leaving: a departure (the last day is on or before the
//! plan's as-of date) or a scheduled one (after it), unless ChartHop already records that day.
//!
//! What ChartHop records of a departure: the job's `personEndDate` (set while the job's
//! `state` is DEPART, until the day passes), or an `upcoming` DEPART change with its date. The
//! same day is nothing to do; another day is a departure that moves the date.

use chrono::NaiveDate;

use super::compare::iso_day;
use super::keys::WORK_EMAIL;
use super::matching::Context;
use super::outcome::{iso, reject_with};
use super::{Category, DepartureDetails, RowChange};
use crate::fetch::PersonRef;
use crate::mapping::Desired;

/// The roster fields a departure is compared with (the job's `state` adds nothing to them).
pub const DEPARTURE_FIELDS: [&str; 2] = ["personEndDate", "upcoming"];

/// The roster fields the diff reads besides the mapping's own: when the mapping reads
/// departures, what ChartHop already records of one ([`DEPARTURE_FIELDS`]); none otherwise.
pub fn lifecycle_fields(mapping: &crate::mapping::Mapping) -> impl Iterator<Item = &'static str> {
    let departures = mapping.departure.is_some();
    DEPARTURE_FIELDS.into_iter().filter(move |_| departures)
}

/// The departure (or nothing) for a matched person leaving on `date`.
pub(super) fn departure(
    ctx: &Context<'_>,
    d: &Desired,
    person: PersonRef<'_>,
    date: NaiveDate,
    scheduled: bool,
    current_email: &str,
    mut out: RowChange,
) -> RowChange {
    if let Some(problem) = d.depart.as_ref().and_then(|dd| dd.problem.as_ref()) {
        return reject_with(out, problem);
    }
    let recorded = recorded_end(person);
    if recorded == Some(date) {
        out.matched = format!(
            "{}; ChartHop already records the last day {}",
            out.matched,
            iso(date)
        );
        return out;
    }
    out.category = if scheduled {
        Category::ScheduledDeparture
    } else {
        Category::Departure
    };
    out.termination_date = Some(iso(date));
    let details = d.depart.as_deref();
    out.departure = Some(DepartureDetails {
        depart_type: details.and_then(|x| x.depart_type.clone()),
        regret: details.and_then(|x| x.regret.clone()),
        reason: details.and_then(|x| x.reason.clone()),
        previous_end_date: recorded.map(iso),
        department: ctx
            .mapping
            .department_code()
            .map(|code| person.get(code).trim())
            .filter(|d| !d.is_empty())
            .map(str::to_string),
    });
    if let Some(k) = &d.key {
        out.target.insert(ctx.key_code.to_string(), k.clone());
    }
    out.target
        .insert(WORK_EMAIL.to_string(), current_email.to_string());
    out
}

/// The last day ChartHop already has for this person: the job's `personEndDate`, else the date
/// of an `upcoming` DEPART change.
pub fn recorded_end(person: PersonRef<'_>) -> Option<NaiveDate> {
    if let Some(day) = iso_day(person.get("personEndDate")) {
        return Some(day);
    }
    upcoming_depart(person.get("upcoming"))
}

/// The date of the first DEPART entry in a job's `upcoming` list (JSON text, as the roster
/// keeps arrays).
fn upcoming_depart(json: &str) -> Option<NaiveDate> {
    if json.is_empty() {
        return None;
    }
    let list: Vec<serde_json::Value> = serde_json::from_str(json).ok()?;
    list.iter()
        .filter(|c| {
            c.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.eq_ignore_ascii_case("DEPART"))
        })
        .find_map(|c| c.get("date").and_then(|t| t.as_str()).and_then(iso_day))
}

#[cfg(test)]
mod tests {
    use super::upcoming_depart;

    #[test]
    fn an_upcoming_depart_gives_its_date() {
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            upcoming_depart(
                r#"[{"type":"HIRE","date":"2026-01-05"},{"type":"DEPART","date":"2026-12-31"}]"#
            ),
            day("2026-12-31")
        );
        assert_eq!(
            upcoming_depart(r#"[{"type":"MOVE","date":"2026-01-05"}]"#),
            None
        );
        assert_eq!(upcoming_depart("not json"), None);
        assert_eq!(upcoming_depart(""), None);
    }
}
