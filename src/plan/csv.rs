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

/// `new_hires.csv`: Work Email, first and last name, title, start date, manager, then the other
/// mapped fields; a new hire who manages another new hire comes first.
pub fn new_hires(mapping: &Mapping, changes: &ChangeSet) -> Result<ChangeFile, csv::Error> {
    let hires: Vec<&RowChange> = changes
        .rows
        .iter()
        .filter(|r| r.category == Category::NewHire)
        .collect();
    let mut columns: Vec<&str> = Vec::new();
    for code in [
        WORK_EMAIL,
        "name.first",
        "name.last",
        "title",
        "startDate",
        "manager",
    ] {
        if let Some(i) = mapping.field_index(code) {
            columns.push(&mapping.fields[i].code);
        }
    }
    for f in &mapping.fields {
        if !columns.iter().any(|c| c.eq_ignore_ascii_case(&f.code)) {
            columns.push(&f.code);
        }
    }
    let ordered = managers_first(&hires, mapping);
    write(&columns, &ordered, |row, code| {
        row.target.get(code).cloned().unwrap_or_default()
    })
}

/// Orders new hires so that each comes after any new hire who manages them, otherwise keeping
/// export order.
///
/// Each round places, in order, every pending hire whose manager is not a new hire still to be
/// placed; sets of e-mails keep a round linear, and there are as many rounds as the longest
/// chain of new hires listed before their new-hire managers.
fn managers_first<'a>(hires: &[&'a RowChange], mapping: &Mapping) -> Vec<&'a RowChange> {
    use std::collections::HashSet;
    let manager_code = mapping
        .fields
        .iter()
        .find(|f| f.resolve_manager)
        .map(|f| f.code.as_str());
    let email = |r: &RowChange| r.target.get(WORK_EMAIL).map(|e| e.to_lowercase());
    let hire_emails: HashSet<String> = hires.iter().filter_map(|h| email(h)).collect();
    let mut placed_emails: HashSet<String> = HashSet::with_capacity(hires.len());
    let mut placed: Vec<&RowChange> = Vec::with_capacity(hires.len());
    let mut pending: Vec<&RowChange> = hires.to_vec();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for r in pending {
            let own = email(r);
            let manager = manager_code
                .and_then(|c| r.target.get(c))
                .map(|m| m.to_lowercase());
            let waits = manager.is_some_and(|m| {
                hire_emails.contains(&m)
                    && !placed_emails.contains(&m)
                    && own.as_deref() != Some(m.as_str())
            });
            if waits {
                rest.push(r);
            } else {
                placed.push(r);
                if let Some(e) = own {
                    placed_emails.insert(e);
                }
            }
        }
        if rest.len() == before {
            // A cycle among new hires: keep export order for the rest.
            placed.extend(rest);
            break;
        }
        pending = rest;
    }
    placed
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
