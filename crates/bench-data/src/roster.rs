//! ChartHop's side: the emulator seed (`org.json`, `groups.csv`, `users.csv`, `jobs.csv`, see
//! `fixtures/README.md`) and the `findJobs` pages the emulator answers for the bench mapping,
//! recorded as files.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value};

use crate::people::{DEPARTMENTS, LOCATIONS, job_id, person_id};
use crate::{Person, Spec};

/// The fields `plan` asks `findJobs` for with the bench mapping, in the order it asks: `jobId`,
/// `name`, the key, the fallback, every mapped field not named yet, then what the diff reads of
/// a departure ChartHop records (the bench mapping has a `[departure]` section):
/// `personEndDate` and `upcoming` (unset ones are left out of a row, `upcoming` is always
/// there).
pub const PAGE_FIELDS: [&str; 14] = [
    "jobId",
    "name",
    "contact.employee",
    "contact.workEmail",
    "name.first",
    "name.last",
    "title",
    "department",
    "location",
    "manager",
    "startDate",
    "employment",
    "personEndDate",
    "upcoming",
];

/// The org's slug.
pub const ORG: &str = "bench";

/// Writes the emulator seed of `spec` into `dir`. Fails with the I/O error.
pub fn write_seed(dir: &Path, spec: &Spec) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("org.json"),
        format!(r#"{{"id":"5f0000000000000000000b09","slug":"{ORG}","name":"Bench Co"}}"#),
    )?;
    let mut groups = String::from("type,name\n");
    for d in DEPARTMENTS {
        groups.push_str(&format!("DEPARTMENT,{d}\n"));
    }
    for (l, _, _) in LOCATIONS {
        groups.push_str(&format!("LOCATION,{l}\n"));
    }
    std::fs::write(dir.join("groups.csv"), groups)?;
    std::fs::write(
        dir.join("users.csv"),
        "user_id,email,first_name,last_name\n6c0000000000000000000001,hr@bench.example,Hana,Reyes\n",
    )?;
    let file =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join("jobs.csv"))?);
    let mut w = csv::Writer::from_writer(file);
    w.write_record(charthop_emulator::JOB_COLUMNS)?;
    for p in roster(spec) {
        let manager = p.manager.map(job_id).unwrap_or_default();
        w.write_record([
            p.job_id().as_str(),
            &person_id(p.index),
            &p.employee_id.to_string(),
            p.first.0,
            p.last.0,
            "",
            &p.email(),
            "",
            "",
            p.title,
            p.department_name(),
            p.location_name(),
            &manager,
            &p.hire.to_string(),
            p.employment().1,
        ])?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .flush()
}

/// The people ChartHop has, in job-id order (the order `findJobs` pages through).
fn roster(spec: &Spec) -> impl Iterator<Item = Person> + '_ {
    (0..spec.roster)
        .map(|i| spec.person(i))
        .filter(Person::in_roster)
}

/// One `findJobs` row (`format=minimal`, [`PAGE_FIELDS`]) as the emulator answers it.
fn row(p: &Person) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), Value::String(v));
    };
    put("jobId", p.job_id());
    put("name", format!("{} {}", p.first.0, p.last.0));
    put("contact.employee", p.employee_id.to_string());
    put("contact.workEmail", p.email());
    put("name.first", p.first.0.to_string());
    put("name.last", p.last.0.to_string());
    put("title", p.title.to_string());
    put("department", p.department_name().to_string());
    put("location", p.location_name().to_string());
    if let Some(m) = p.manager {
        put("manager", job_id(m));
    }
    put("startDate", p.hire.to_string());
    put("employment", p.employment().1.to_string());
    m.insert("upcoming".to_string(), Value::Array(Vec::new()));
    Value::Object(m)
}

/// Writes the roster of `spec` as the `findJobs` pages of `page_size` rows the emulator would
/// answer (`page-00000.json`, ...), and `index.json`: the `from` cursor that asks for each
/// page, in order (`null` for the first). Fails with the I/O error.
pub fn write_pages(dir: &Path, spec: &Spec, page_size: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let page_size = page_size.max(1);
    let mut cursors: Vec<Option<String>> = vec![None];
    let mut page: Vec<Value> = Vec::with_capacity(page_size);
    let mut people = roster(spec).peekable();
    loop {
        page.clear();
        let mut last = None;
        for p in people.by_ref().take(page_size) {
            last = Some(p.job_id());
            page.push(row(&p));
        }
        let more = people.peek().is_some();
        let mut body = Map::new();
        body.insert("data".into(), Value::Array(std::mem::take(&mut page)));
        if more && let Some(next) = &last {
            body.insert("next".into(), Value::String(next.clone()));
        }
        let n = cursors.len() - 1;
        let file = std::fs::File::create(dir.join(page_file(n)))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        serde_json::to_writer(&mut w, &Value::Object(body))?;
        w.flush()?;
        if !more {
            break;
        }
        cursors.push(last);
    }
    let index = serde_json::to_vec(&cursors)?;
    std::fs::write(dir.join("index.json"), index)
}

/// The file name of page `n`.
pub fn page_file(n: usize) -> String {
    format!("page-{n:05}.json")
}

/// The `findFields` answer (`builtin=all`, one page) the bench org gives: the built-in fields
/// the bench mapping writes, with their ChartHop types (`employment` an enum of its options).
pub fn catalogue_page() -> String {
    let field = |name: &str, label: &str, kind: &str| {
        serde_json::json!({"id": format!("f-{name}"), "name": name, "label": label, "type": kind,
            "plural": "SINGLE", "isUnique": false, "isRequired": false, "sensitive": "GLOBAL",
            "builtIn": true})
    };
    let mut employment = field("employment", "Employment", "ENUM");
    employment["values"] = serde_json::json!(
        ["FULL", "PART", "TEMP", "CONTRACT", "INTERN"]
            .iter()
            .map(|v| serde_json::json!({"name": v}))
            .collect::<Vec<_>>()
    );
    let data = vec![
        field("contact.workEmail", "Work Email", "EMAIL"),
        field("contact.employee", "Employee ID", "STRING"),
        field("name", "Name", "NAME"),
        field("title", "Title", "STRING"),
        field("department", "Department", "GROUP"),
        field("location", "Location", "GROUP"),
        field("manager", "Manager", "PERSON"),
        field("startDate", "Start Date", "DATE"),
        employment,
    ];
    serde_json::json!({ "data": data }).to_string()
}
