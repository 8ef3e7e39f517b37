//! Loads the seed directory (`org.json`, `groups.csv`, `users.csv`, `jobs.csv`) into an
//! [`OrgState`], rejecting the first bad value with its file, row and column.
//!
//! Does not read the persisted state file (see `persist`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::error::Error;
use crate::ids;
use crate::state::{Employment, Group, GroupKind, Job, Org, OrgState, Person, User};

/// The columns of a seed's `jobs.csv`, in order: the seed format's one definition (the
/// benchmark data generator writes it too).
pub const JOB_COLUMNS: [&str; 15] = [
    "job_id",
    "person_id",
    "employee_id",
    "first_name",
    "last_name",
    "pref_name",
    "work_email",
    "home_email",
    "work_phone",
    "title",
    "department",
    "location",
    "manager_job_id",
    "start_date",
    "employment",
];

/// Reads and validates the seed in `dir`.
///
/// Fails on an unreadable file, a CSV/JSON syntax error, a missing column, a duplicate or
/// malformed id, an unknown department/location, a dangling manager id, a bad date or
/// employment type.
pub fn load(dir: &Path) -> Result<OrgState, Error> {
    let org_file = dir.join("org.json");
    let text = read(&org_file)?;
    let org: Org = serde_json::from_str(&text).map_err(|source| Error::Json {
        file: org_file,
        source,
    })?;
    let mut state = OrgState::new(org);

    let file = dir.join("groups.csv");
    for row in Table::read(&file, &["type", "name"])? {
        let kind = match row.get("type").to_ascii_uppercase().as_str() {
            "DEPARTMENT" => GroupKind::Department,
            "LOCATION" => GroupKind::Location,
            other => {
                return Err(row.error("type", format!("`{other}` is not DEPARTMENT or LOCATION")));
            }
        };
        let name = row.required("name")?;
        if state.find_group(kind, name).is_some() {
            return Err(row.error("name", format!("duplicate group `{name}`")));
        }
        state.add_group(Group {
            id: ids::new_id(),
            kind,
            name: name.to_string(),
        });
    }

    let file = dir.join("users.csv");
    for row in Table::read(&file, &["user_id", "email", "first_name", "last_name"])? {
        state.add_user(User {
            id: row.id("user_id")?,
            email: row.required("email")?.to_string(),
            first_name: row.get("first_name").to_string(),
            last_name: row.get("last_name").to_string(),
        });
    }

    let file = dir.join("jobs.csv");
    let rows = Table::read(&file, &JOB_COLUMNS)?;
    let mut managers = Vec::new();
    for row in &rows {
        let job = job_from_row(&state, row)?;
        if state.job(&job.id).is_some() {
            return Err(row.error("job_id", format!("duplicate job id `{}`", job.id)));
        }
        if let Some(email) = job.person.as_ref().and_then(|p| p.work_email.as_deref())
            && state.job_by_email(email).is_some()
        {
            return Err(row.error("work_email", format!("duplicate work email `{email}`")));
        }
        managers.push((row, job.manager.clone()));
        state.insert_job(job);
    }
    for (row, manager) in managers {
        if let Some(manager) = manager
            && state.job(&manager).is_none()
        {
            return Err(row.error("manager_job_id", format!("no job with id `{manager}`")));
        }
    }
    Ok(state)
}

fn job_from_row(state: &OrgState, row: &Row) -> Result<Job, Error> {
    let opt = |col: &str| Some(row.get(col).to_string()).filter(|s| !s.is_empty());
    let group = |col: &str, kind: GroupKind| -> Result<Option<String>, Error> {
        match opt(col) {
            None => Ok(None),
            Some(name) => state
                .find_group(kind, &name)
                .map(|g| Some(g.id.clone()))
                .ok_or_else(|| row.error(col, format!("no group named `{name}` in groups.csv"))),
        }
    };
    let person = match opt("person_id") {
        None => None,
        Some(_) => Some(Person {
            id: row.id("person_id")?,
            employee_id: opt("employee_id"),
            first_name: opt("first_name"),
            last_name: opt("last_name"),
            pref_name: opt("pref_name"),
            work_email: opt("work_email"),
            home_email: opt("home_email"),
            work_phone: opt("work_phone"),
            extra: Default::default(),
        }),
    };
    let start_date =
        match opt("start_date") {
            None => None,
            Some(raw) => Some(chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(
                |_| row.error("start_date", format!("`{raw}` is not a YYYY-MM-DD date")),
            )?),
        };
    let employment = match opt("employment") {
        None => None,
        Some(raw) => Some(
            Employment::parse(&raw)
                .ok_or_else(|| row.error("employment", format!("unknown employment `{raw}`")))?,
        ),
    };
    let manager = match opt("manager_job_id") {
        None => None,
        Some(_) => Some(row.id("manager_job_id")?),
    };
    Ok(Job {
        id: row.id("job_id")?,
        person,
        title: opt("title"),
        department: group("department", GroupKind::Department)?,
        location: group("location", GroupKind::Location)?,
        manager,
        start_date,
        employment,
    })
}

fn read(file: &Path) -> Result<String, Error> {
    std::fs::read_to_string(file).map_err(|source| Error::Io {
        action: "reading",
        file: file.to_path_buf(),
        source,
    })
}

/// One data row of a seed CSV, addressable by column name.
struct Row {
    file: PathBuf,
    line: u64,
    record: StringRecord,
    index: std::rc::Rc<HashMap<String, usize>>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    fn required(&self, column: &str) -> Result<&str, Error> {
        Some(self.get(column))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| self.error(column, "value is required".into()))
    }

    fn id(&self, column: &str) -> Result<String, Error> {
        let raw = self.required(column)?;
        if ids::is_valid(raw) {
            Ok(raw.to_string())
        } else {
            Err(self.error(
                column,
                format!("`{raw}` is not 24 lowercase hex characters"),
            ))
        }
    }

    fn error(&self, column: &str, message: String) -> Error {
        Error::Seed {
            file: self.file.clone(),
            row: self.line,
            column: column.to_string(),
            message,
        }
    }
}

struct Table;

impl Table {
    fn read(file: &Path, columns: &[&str]) -> Result<Vec<Row>, Error> {
        let text = read(file)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let csv_err = |source: csv::Error| Error::SeedCsv {
            file: file.to_path_buf(),
            row: source.position().map_or(0, |p| p.line()),
            source,
        };
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = reader.headers().map_err(csv_err)?.clone();
        let index: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
            .collect();
        if let Some(missing) = columns.iter().find(|c| !index.contains_key(**c)) {
            return Err(Error::Seed {
                file: file.to_path_buf(),
                row: 1,
                column: missing.to_string(),
                message: "missing column in the header".into(),
            });
        }
        let index = std::rc::Rc::new(index);
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_err)?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push(Row {
                file: file.to_path_buf(),
                line,
                record,
                index: index.clone(),
            });
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_seed(dir: &Path, jobs: &str) {
        let files = [
            (
                "org.json",
                r#"{"id":"5f0000000000000000000a01","slug":"t","name":"T"}"#.to_string(),
            ),
            (
                "groups.csv",
                "type,name\nDEPARTMENT,Eng\nLOCATION,Remote\n".to_string(),
            ),
            (
                "users.csv",
                "user_id,email,first_name,last_name\n".to_string(),
            ),
            (
                "jobs.csv",
                format!(
                    "job_id,person_id,employee_id,first_name,last_name,pref_name,work_email,home_email,work_phone,title,department,location,manager_job_id,start_date,employment\n{jobs}"
                ),
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap_or_default();
        }
    }

    const J1: &str = "6a0000000000000000000001,7b0000000000000000000001,1,Ada,L,,ada@x.com,,,CEO,Eng,Remote,,2020-01-01,FULL\n";

    #[test]
    fn loads_a_valid_seed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write_seed(
            dir.path(),
            &format!(
                "{J1}6a0000000000000000000002,,,,,,,,,Open req,Eng,,6a0000000000000000000001,,\n"
            ),
        );
        let state = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(state.jobs().count(), 2);
        assert!(state.job_by_email("ADA@x.com").is_some());
    }

    #[test]
    fn errors_name_file_row_and_column() {
        let cases = [
            (
                "6a0000000000000000000002,,,,,,,,,T,Sales,,,,\n",
                "row 3, column `department`",
            ),
            (
                "6a0000000000000000000002,,,,,,,,,T,,,6a00000000000000000000ff,,\n",
                "row 3, column `manager_job_id`",
            ),
            (
                "6a0000000000000000000002,,,,,,,,,T,,,,2020-13-01,\n",
                "row 3, column `start_date`",
            ),
            (
                "6A0000000000000000000002,,,,,,,,,T,,,,,\n",
                "row 3, column `job_id`",
            ),
        ];
        for (extra, want) in cases {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            write_seed(dir.path(), &format!("{J1}{extra}"));
            let err = load(dir.path())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains("jobs.csv") && err.contains(want),
                "{err} should contain {want}"
            );
        }
    }
}
