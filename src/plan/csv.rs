//! The change files in ChartHop's import format, one per import phase:
//! `email_changes.csv`, `new_hires.csv` (see `hires`), `updates.csv` and `departures.csv`.
//!
//! A row is found by its first column: Work Email (ChartHop matches people by it), or Job ID
//! in `email_changes.csv`, whose rows give people their new work email. Every cell holds the
//! target value, never an ambiguous blank. Dates are written in one layout (`[import]
//! date_format`: `m/d/yyyy` by default, as ChartHop's import documentation writes them, or
//! ISO). Values go to ChartHop exactly as mapped (no formula escaping here: these files are
//! for the import, not for a spreadsheet).

use crate::diff::compare::iso_day;
use crate::diff::{Category, ChangeSet, RowChange};
use crate::mapping::{Kind, Mapping};
use crate::settings::DateLayout;

const WORK_EMAIL: &str = "contact.workEmail";
/// The column of a row's own effective date (`[effective]`).
pub const DATE: &str = "Date";
/// The departure columns, as ChartHop's import spells them.
pub const END_DATE: &str = "End Date";
pub const DEPART_TYPE: &str = "Depart Type";
pub const BACKFILL: &str = "backfillJob";
pub const DEPART_REGRET: &str = "Depart Regret";
pub const DEPART_REASON: &str = "Depart Reason";
/// The key column of `email_changes.csv`.
pub const JOB_ID: &str = "Job ID";

/// The import header label of a field code: ChartHop's label for built-in fields, the code
/// itself otherwise (ChartHop matches both, ignoring case and spaces).
pub fn label(code: &str) -> &str {
    match code.to_ascii_lowercase().as_str() {
        "contact.workemail" => "Work Email",
        "contact.employee" => "Employee ID",
        "contact.homeemail" => "Home Email",
        "contact.workphone" => "Work Phone",
        "contact.mobilephone" => "Mobile Phone",
        "name.first" => "First Name",
        "name.last" => "Last Name",
        "name.middle" => "Middle Name",
        "name.pref" => "Pref Name",
        "name.preflast" => "Pref Last",
        "title" => "Title",
        "startdate" => "Start Date",
        "manager" => "Manager",
        "department" => "Department",
        "location" => "Location",
        "employment" => "Employment",
        _ => code,
    }
}

/// How cells are written: dates in the plan's layout.
#[derive(Debug, Clone)]
pub struct Cells {
    /// The field codes of the mapping's date fields.
    date_fields: Vec<String>,
    pub layout: DateLayout,
}

impl Cells {
    pub fn new(mapping: &Mapping, layout: DateLayout) -> Cells {
        Cells {
            date_fields: mapping
                .fields
                .iter()
                .filter(|f| f.kind == Kind::Date)
                .map(|f| f.code.clone())
                .collect(),
            layout,
        }
    }

    /// A field's value as the change file holds it (an ISO date in the plan's layout).
    pub fn value(&self, code: &str, value: &str) -> String {
        if self
            .date_fields
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
        {
            self.date(value)
        } else {
            value.to_string()
        }
    }

    /// An ISO day in the plan's layout (anything else as it is).
    pub fn date(&self, iso: &str) -> String {
        match iso_day(iso) {
            Some(day) => self.layout.write(day),
            None => iso.to_string(),
        }
    }
}

/// A change file's content and its number of data rows.
pub struct ChangeFile {
    pub bytes: Vec<u8>,
    pub rows: usize,
}

/// True for a row whose other changes go in `updates.csv`: an update, or an email change that
/// changes more than the email.
fn in_updates(r: &RowChange) -> bool {
    match r.category {
        Category::Update => true,
        Category::EmailChange => r.changes.iter().any(|c| c.field != WORK_EMAIL),
        _ => false,
    }
}

/// `updates.csv`: Work Email (ChartHop's current one; for an email change, the new one, which
/// `email_changes.csv` gave them first), the key field, then every field that changed for at
/// least one row, in mapping order; with `[effective]`, each row's own `Date` (blank: the
/// plan's as-of date applies).
pub fn updates(
    mapping: &Mapping,
    changes: &ChangeSet,
    cells: &Cells,
) -> Result<ChangeFile, csv::Error> {
    let rows: Vec<&RowChange> = changes.rows.iter().filter(|r| in_updates(r)).collect();
    let key = &mapping.key.charthop_field;
    let mut columns: Vec<&str> = vec![WORK_EMAIL];
    if !key.eq_ignore_ascii_case(WORK_EMAIL) {
        columns.push(key);
    }
    for f in &mapping.fields {
        let changed = rows
            .iter()
            .any(|r| r.changes.iter().any(|c| c.field == f.code));
        if changed && !columns.iter().any(|c| c.eq_ignore_ascii_case(&f.code)) {
            columns.push(&f.code);
        }
    }
    if mapping.has_effective_date() {
        columns.push(DATE);
    }
    write(&columns, &rows, |row, code| {
        if code == WORK_EMAIL {
            match row.category {
                Category::EmailChange => row.target.get(WORK_EMAIL).cloned().unwrap_or_default(),
                _ => row.charthop_email.clone().unwrap_or_default(),
            }
        } else if code == DATE {
            row.effective_date
                .as_deref()
                .map(|d| cells.date(d))
                .unwrap_or_default()
        } else if let Some(v) = row.target.get(code) {
            cells.value(code, v)
        } else if code == key.as_str() {
            row.key.clone().unwrap_or_default()
        } else {
            String::new()
        }
    })
}

/// `email_changes.csv`: Job ID (the row's key: ChartHop cannot find the person by an email
/// that is changing), the new Work Email, and with `[effective]` the row's `Date`.
pub fn email_changes(
    mapping: &Mapping,
    changes: &ChangeSet,
    cells: &Cells,
) -> Result<ChangeFile, csv::Error> {
    let rows: Vec<&RowChange> = changes
        .rows
        .iter()
        .filter(|r| r.category == Category::EmailChange)
        .collect();
    let mut columns = vec![JOB_ID, WORK_EMAIL];
    if mapping.has_effective_date() {
        columns.push(DATE);
    }
    write(&columns, &rows, |row, code| match code {
        JOB_ID => row.job_id.clone().unwrap_or_default(),
        WORK_EMAIL => row.target.get(WORK_EMAIL).cloned().unwrap_or_default(),
        _ => row
            .effective_date
            .as_deref()
            .map(|d| cells.date(d))
            .unwrap_or_default(),
    })
}

/// What `departures.csv` says besides each row's own details.
#[derive(Debug, Clone)]
pub struct DepartureDefaults<'a> {
    /// `backfillJob`: whether ChartHop opens a backfill job.
    pub backfill: bool,
    /// The `Depart Type` of a row that gives none.
    pub default_type: Option<&'a str>,
}

/// `departures.csv`: Work Email (ChartHop's), the key field, `End Date` (the last day worked),
/// `Depart Type`, `backfillJob`, and `Depart Regret` / `Depart Reason` when a row gives them;
/// one row per departure and scheduled departure, in export order.
pub fn departures(
    mapping: &Mapping,
    changes: &ChangeSet,
    cells: &Cells,
    defaults: &DepartureDefaults<'_>,
) -> Result<ChangeFile, csv::Error> {
    let rows: Vec<&RowChange> = changes
        .rows
        .iter()
        .filter(|r| r.category.is_departure())
        .collect();
    let key = mapping.key.charthop_field.as_str();
    let mut columns: Vec<&str> = vec![WORK_EMAIL];
    if !key.eq_ignore_ascii_case(WORK_EMAIL) {
        columns.push(key);
    }
    columns.extend([END_DATE, DEPART_TYPE, BACKFILL]);
    let any = |f: fn(&crate::diff::DepartureDetails) -> bool| {
        rows.iter().any(|r| r.departure.as_ref().is_some_and(f))
    };
    if any(|d| d.regret.is_some()) {
        columns.push(DEPART_REGRET);
    }
    if any(|d| d.reason.is_some()) {
        columns.push(DEPART_REASON);
    }
    write(&columns, &rows, |row, code| {
        let details = row.departure.as_ref();
        match code {
            WORK_EMAIL => row.charthop_email.clone().unwrap_or_default(),
            END_DATE => row
                .termination_date
                .as_deref()
                .map(|d| cells.date(d))
                .unwrap_or_default(),
            DEPART_TYPE => details
                .and_then(|d| d.depart_type.as_deref())
                .or(defaults.default_type)
                .unwrap_or_default()
                .to_string(),
            BACKFILL => if defaults.backfill { "yes" } else { "no" }.to_string(),
            DEPART_REGRET => details.and_then(|d| d.regret.clone()).unwrap_or_default(),
            DEPART_REASON => details.and_then(|d| d.reason.clone()).unwrap_or_default(),
            _ => row.target.get(code).cloned().unwrap_or_default(),
        }
    })
}

fn write<F>(columns: &[&str], rows: &[&RowChange], cell: F) -> Result<ChangeFile, csv::Error>
where
    F: Fn(&RowChange, &str) -> String,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(columns.iter().map(|c| label(c)))?;
    for row in rows {
        w.write_record(columns.iter().map(|c| cell(row, c)))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(ChangeFile {
        bytes,
        rows: rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::diff::{DepartureDetails, FieldChange};

    const MAPPING: &str = r#"
[key]
payroll = "Id"
charthop = "contact.employee"
[fields."contact.workEmail"]
from = "Email"
[fields.title]
from = "Title"
[fields.startDate]
from = "Start"
type = "date"
[effective]
from = "Effective"
"#;

    fn row(n: usize, category: Category) -> RowChange {
        RowChange {
            row: n,
            category,
            key: Some(format!("E{n}")),
            name: format!("P{n}"),
            job_id: Some(format!("j{n}")),
            charthop_email: Some(format!("p{n}@x.example")),
            matched: "matched by contact.employee".into(),
            changes: vec![],
            target: BTreeMap::new(),
            termination_date: None,
            departure: None,
            effective_date: None,
            person_id: None,
            conflict: None,
            reason: None,
        }
    }

    fn text(f: ChangeFile) -> String {
        String::from_utf8(f.bytes).unwrap_or_default()
    }

    #[test]
    fn every_phase_file_has_its_key_first_and_dates_in_the_layout() {
        let m = Mapping::parse(Path::new("m.toml"), MAPPING).expect("mapping");
        let mut update = row(2, Category::Update);
        update.changes.push(FieldChange {
            field: "startDate".into(),
            old: "2020-01-01".into(),
            new: "2020-03-01".into(),
        });
        update
            .target
            .insert("startDate".into(), "2020-03-01".into());
        update.effective_date = Some("2026-12-01".into());
        let mut email = row(3, Category::EmailChange);
        email.changes.push(FieldChange {
            field: "contact.workEmail".into(),
            old: "p3@x.example".into(),
            new: "new3@x.example".into(),
        });
        email
            .target
            .insert("contact.workEmail".into(), "new3@x.example".into());
        let mut leaver = row(4, Category::ScheduledDeparture);
        leaver.termination_date = Some("2027-01-15".into());
        leaver.target.insert("contact.employee".into(), "E4".into());
        leaver.departure = Some(DepartureDetails {
            depart_type: None,
            reason: Some("Resignation".into()),
            ..DepartureDetails::default()
        });
        let set = ChangeSet {
            rows: vec![update, email, leaver],
            ..ChangeSet::default()
        };
        let mdy = Cells::new(&m, DateLayout::MonthDayYear);
        assert_eq!(
            text(updates(&m, &set, &mdy).expect("updates")),
            "Work Email,Employee ID,Start Date,Date\r\np2@x.example,E2,3/1/2020,12/1/2026\r\n"
        );
        assert_eq!(
            text(email_changes(&m, &set, &Cells::new(&m, DateLayout::Iso)).expect("emails")),
            "Job ID,Work Email,Date\r\nj3,new3@x.example,\r\n"
        );
        let defaults = DepartureDefaults {
            backfill: false,
            default_type: Some("Voluntary"),
        };
        assert_eq!(
            text(departures(&m, &set, &mdy, &defaults).expect("departures")),
            "Work Email,Employee ID,End Date,Depart Type,backfillJob,Depart Reason\r\np4@x.example,E4,1/15/2027,Voluntary,no,Resignation\r\n"
        );
    }
}
