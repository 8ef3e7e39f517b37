//! The change files in ChartHop's import format: `updates.csv` and `new_hires.csv`.
//!
//! Work Email comes first (ChartHop matches rows by it); every cell holds the target value,
//! never an ambiguous blank. Values go to ChartHop exactly as mapped (no formula escaping here:
//! these files are for the import, not for a spreadsheet).

use crate::diff::{Category, ChangeSet, RowChange};
use crate::mapping::Mapping;

const WORK_EMAIL: &str = "contact.workEmail";

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
        "enddate" => "End Date",
        _ => code,
    }
}

/// A change file's content and its number of data rows.
pub struct ChangeFile {
    pub bytes: Vec<u8>,
    pub rows: usize,
}

/// `updates.csv`: Work Email (ChartHop's current one), the key field, then every field that
/// changed for at least one row, in mapping order.
pub fn updates(mapping: &Mapping, changes: &ChangeSet) -> Result<ChangeFile, csv::Error> {
    let rows: Vec<&RowChange> = changes
        .rows
        .iter()
        .filter(|r| r.category == Category::Update)
        .collect();
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
    write(&columns, &rows, |row, code| {
        if code == WORK_EMAIL {
            row.charthop_email.clone().unwrap_or_default()
        } else if let Some(v) = row.target.get(code) {
            v.clone()
        } else if code == key.as_str() {
            row.key.clone().unwrap_or_default()
        } else {
            String::new()
        }
    })
}

/// `departures.csv`: Work Email (ChartHop's), the key field, and the termination date from the
/// export (blank when the export gives a status only), one row per departure in export order.
pub fn departures(mapping: &Mapping, changes: &ChangeSet) -> Result<ChangeFile, csv::Error> {
    let rows: Vec<&RowChange> = changes
        .rows
        .iter()
        .filter(|r| r.category == Category::Departure)
        .collect();
    let key = mapping.key.charthop_field.as_str();
    let mut columns: Vec<&str> = vec![WORK_EMAIL];
    if !key.eq_ignore_ascii_case(WORK_EMAIL) {
        columns.push(key);
    }
    columns.push(END_DATE);
    write(&columns, &rows, |row, code| {
        if code == WORK_EMAIL {
            row.charthop_email.clone().unwrap_or_default()
        } else if code == END_DATE {
            row.termination_date.clone().unwrap_or_default()
        } else {
            row.target.get(code).cloned().unwrap_or_default()
        }
    })
}

/// The departures file's date column.
const END_DATE: &str = "endDate";

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
