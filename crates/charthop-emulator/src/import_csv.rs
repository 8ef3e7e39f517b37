//! The CSV side of `importDataCsv`: header matching, and applying one row to an org.
//!
//! Pure and synchronous; the async process around it (progress, status, persistence) lives in
//! `routes::import`. Row numbers are file lines with the header as line 1.

use std::collections::{BTreeMap, HashSet};

use crate::ids;
use crate::state::{Attr, Job, OrgState, Person, Resolved};

/// A CSV upload whose header has been matched to attributes.
#[derive(Clone, Debug)]
pub struct ParsedCsv {
    /// The header cells as written.
    pub headers: Vec<String>,
    /// The attribute of each column.
    pub columns: Vec<Attr>,
    /// The data rows.
    pub rows: Vec<CsvRow>,
}

/// One data row.
#[derive(Clone, Debug)]
pub struct CsvRow {
    /// 1-based file line where the row starts (the first data row is 2).
    pub line: u64,
    /// The cells, as written.
    pub cells: Vec<String>,
}

impl ParsedCsv {
    /// Each row as a header -> cell map, for the upload log.
    pub fn row_maps(&self) -> Vec<BTreeMap<String, String>> {
        self.rows
            .iter()
            .map(|row| {
                self.headers
                    .iter()
                    .cloned()
                    .zip(row.cells.iter().cloned())
                    .collect()
            })
            .collect()
    }
}

/// The attribute a header names, matched by field code or label ignoring case, spaces and dots
/// (`Work Email`, `workemail`, `contact.workEmail` and `contact workemail` are all work email).
pub fn header_attr(header: &str) -> Option<Attr> {
    let key: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.as_str() {
        "workemail" | "contactworkemail" => Attr::WorkEmail,
        "firstname" | "namefirst" => Attr::FirstName,
        "lastname" | "namelast" => Attr::LastName,
        "prefname" | "preferredname" | "namepref" => Attr::PrefName,
        "title" | "jobtitle" => Attr::Title,
        "department" | "departmentname" => Attr::Department,
        "location" | "locationname" => Attr::Location,
        "manager" | "manageremail" | "managercontactworkemail" => Attr::ManagerEmail,
        "startdate" => Attr::StartDate,
        "employment" | "employmenttype" => Attr::Employment,
        "employeeid" | "contactemployee" => Attr::EmployeeId,
        "homeemail" | "contacthomeemail" => Attr::HomeEmail,
        "workphone" | "contactworkphone" => Attr::WorkPhone,
        other => {
            let squash = |s: &str| -> String {
                s.chars()
                    .filter(|c| !c.is_whitespace() && *c != '.')
                    .flat_map(char::to_lowercase)
                    .collect()
            };
            let i = crate::model::STORED
                .iter()
                .position(|(code, label)| squash(code) == other || squash(label) == other)?;
            Attr::Stored(u8::try_from(i).ok()?)
        }
    })
}

/// Parses the CSV text (BOM already stripped) and matches its header.
///
/// Fails, with a message for a 400, on a missing header row, an unknown or duplicate column, a
/// missing Work Email column, or a CSV syntax error (naming its line).
pub fn parse(text: &str) -> Result<ParsedCsv, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("reading the CSV header: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err("the CSV file has no header row".into());
    }
    let mut columns = Vec::with_capacity(headers.len());
    for header in &headers {
        let attr = header_attr(header).ok_or_else(|| format!("unknown column `{header}`"))?;
        if columns.contains(&attr) {
            return Err(format!("duplicate column `{header}`"));
        }
        columns.push(attr);
    }
    if !columns.contains(&Attr::WorkEmail) {
        return Err("missing column `Work Email`".into());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("CSV line {}: {e}", p.line()),
            None => format!("CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        rows.push(CsvRow {
            line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(ParsedCsv {
        headers,
        columns,
        rows,
    })
}

/// What one row did (or would do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Created a person and job.
    Created,
    /// Matched an existing person.
    Updated,
    /// Failed; nothing of the row was applied.
    Failed(String),
}

/// One row's outcome, with the fields it set as `(code, value)`.
#[derive(Clone, Debug)]
pub struct RowOutcome {
    /// The row's file line.
    pub line: u64,
    /// The row's work email cell.
    pub work_email: String,
    /// Created, updated or failed.
    pub kind: RowKind,
    /// Field code and value per cell applied.
    pub updates: Vec<(&'static str, String)>,
}

/// Applies the rows of one file in order, remembering the emails already seen.
pub struct Applier<'a> {
    csv: &'a ParsedCsv,
    upsert: bool,
    create_groups: bool,
    seen: HashSet<String>,
}

impl<'a> Applier<'a> {
    /// An applier for `csv` with the import's `upsert` and `createGroups` flags.
    pub fn new(csv: &'a ParsedCsv, upsert: bool, create_groups: bool) -> Self {
        Applier {
            csv,
            upsert,
            create_groups,
            seen: HashSet::new(),
        }
    }

    /// Applies `row` to `state` atomically: all its cells, or (on any error) none of them.
    pub fn apply(&mut self, state: &mut OrgState, row: &CsvRow) -> RowOutcome {
        let email_col = self.csv.columns.iter().position(|a| *a == Attr::WorkEmail);
        let email = email_col
            .and_then(|i| row.cells.get(i))
            .map_or("", |s| s.trim())
            .to_string();
        let mut outcome = RowOutcome {
            line: row.line,
            work_email: email,
            kind: RowKind::Updated,
            updates: Vec::new(),
        };
        if let Err(message) = self.try_apply(state, row, &mut outcome) {
            outcome.kind = RowKind::Failed(message);
            outcome.updates.clear();
        }
        outcome
    }

    fn try_apply(
        &mut self,
        state: &mut OrgState,
        row: &CsvRow,
        out: &mut RowOutcome,
    ) -> Result<(), String> {
        let email = out.work_email.clone();
        if row.cells.len() != self.csv.columns.len() {
            return Err(format!(
                "row has {} cells but the header has {}",
                row.cells.len(),
                self.csv.columns.len()
            ));
        }
        if email.is_empty() {
            return Err("work email is empty".into());
        }
        if !self.seen.insert(email.to_lowercase()) {
            return Err(format!(
                "work email `{email}` appears more than once in the file"
            ));
        }
        let cell = |attr: Attr| {
            let i = self.csv.columns.iter().position(|a| *a == attr)?;
            row.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty())
        };
        let (job_id, created) = match state.job_by_email(&email) {
            Some(job) => (job.id.clone(), false),
            None if self.upsert => {
                if cell(Attr::FirstName).is_none() || cell(Attr::LastName).is_none() {
                    return Err(format!(
                        "first and last name are required to create `{email}`"
                    ));
                }
                (ids::new_id(), true)
            }
            None => {
                return Err(format!(
                    "no person with work email `{email}`; set upsert=true to create people"
                ));
            }
        };
        let mut resolved = Vec::new();
        for (attr, raw) in self.csv.columns.iter().zip(&row.cells) {
            let raw = raw.trim();
            if *attr == Attr::WorkEmail || raw.is_empty() {
                continue;
            }
            if *attr == Attr::ManagerEmail && raw.eq_ignore_ascii_case(&email) {
                return Err("a person cannot manage themself".into());
            }
            let value = state.resolve(&job_id, *attr, raw, self.create_groups)?;
            let shown = match &value {
                Resolved::Date(_) | Resolved::Employment(_) => value.display(),
                _ => raw.to_string(),
            };
            resolved.push((*attr, value, shown));
        }
        if created {
            let person = Person {
                id: ids::new_id(),
                work_email: Some(email.clone()),
                ..Person::default()
            };
            state.insert_job(Job {
                id: job_id.clone(),
                person: Some(person),
                title: None,
                department: None,
                location: None,
                manager: None,
                start_date: None,
                employment: None,
            });
            out.kind = RowKind::Created;
            out.updates.push((Attr::WorkEmail.code(), email));
        }
        for (attr, value, shown) in resolved {
            state.apply(&job_id, value);
            out.updates.push((attr.code(), shown));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_codes_and_labels_loosely() {
        assert_eq!(header_attr(" Work  EMAIL "), Some(Attr::WorkEmail));
        assert_eq!(header_attr("contact.WorkEmail"), Some(Attr::WorkEmail));
        assert_eq!(header_attr("contact workemail"), Some(Attr::WorkEmail));
        assert_eq!(header_attr("Preferred Name"), Some(Attr::PrefName));
        assert_eq!(header_attr("Employment Type"), Some(Attr::Employment));
        assert_eq!(header_attr("Manager Email"), Some(Attr::ManagerEmail));
        assert_eq!(header_attr("Salary"), None);
    }

    #[test]
    fn other_built_in_fields_match_by_code_or_label() {
        let base = crate::model::STORED
            .iter()
            .position(|(c, _)| *c == "base")
            .unwrap() as u8;
        assert_eq!(header_attr("Base"), Some(Attr::Stored(base)));
        assert_eq!(header_attr("base"), Some(Attr::Stored(base)));
        assert_eq!(header_attr("Middle Name"), header_attr("name.middle"));
        assert_eq!(
            header_attr("workAddress.country"),
            header_attr("Work Country")
        );
        assert!(header_attr("End Date").is_some());
        assert_eq!(Attr::Stored(base).code(), "base");
    }

    #[test]
    fn parse_rejects_bad_headers_by_name() {
        assert_eq!(
            parse("Work Email,Salary\n").err().as_deref(),
            Some("unknown column `Salary`")
        );
        assert_eq!(
            parse("Title\nx\n").err().as_deref(),
            Some("missing column `Work Email`")
        );
        assert!(
            parse("workemail,Work Email\n")
                .err()
                .unwrap_or_default()
                .contains("duplicate")
        );
        let ok = parse("Work Email,Title\na@x,T\nb@x,\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ok.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(ok.row_maps()[0].get("Title").map(String::as_str), Some("T"));
    }
}
