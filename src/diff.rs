//! Stage 4, diff: desired people (from the mapping) against the roster, into a change set.
//!
//! A pure function: no I/O, deterministic order (export row order; absent people by name).
//! Only fields the mapping owns are compared; values are normalized first (whitespace, email
//! case, dates as dates), and a manager is compared by who the manager is.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::fetch::{Person, Roster};
use crate::mapping::{Desired, Kind, Mapping, Rejection, Value};

/// What happens to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    NewHire,
    Update,
    Unchanged,
    Conflict,
    Rejected,
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The outcome for one export row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChange {
    /// The row number in the export.
    pub row: usize,
    pub category: Category,
    /// The payroll key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Display name (ChartHop's, or first and last name from the export).
    pub name: String,
    /// The matched ChartHop job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The work email ChartHop knows the person by (the import's match key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charthop_email: Option<String>,
    /// How the row was matched, or why it was not.
    pub matched: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// Every owned field's target value (the desired value, else ChartHop's), by field code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub target: BTreeMap<String, String>,
    /// Why a row is a conflict or rejected, and what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A ChartHop person missing from the export: reported, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absent {
    pub job_id: String,
    pub name: String,
    pub charthop_email: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub key: String,
}

/// Counts per category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub new_hires: usize,
    pub updates: usize,
    pub departures: usize,
    pub absent: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// Rows left out by the mapping's `[[skip]]` rules (set by the pipeline).
    #[serde(default)]
    pub skipped: usize,
}

impl Summary {
    /// True when applying the plan would change nothing.
    pub fn is_empty(&self) -> bool {
        self.new_hires == 0 && self.updates == 0 && self.departures == 0
    }
}

/// The diff's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub summary: Summary,
    pub rows: Vec<RowChange>,
    pub absent: Vec<Absent>,
}

/// Diffs desired rows (and the mapping's rejections) against the roster.
pub fn diff(
    mapping: &Mapping,
    desired: &[Desired],
    rejected: &[Rejection],
    roster: &Roster,
) -> ChangeSet {
    Differ::new(mapping, desired, roster).run(rejected)
}

struct Differ<'a> {
    mapping: &'a Mapping,
    desired: &'a [Desired],
    roster: &'a Roster,
    key_code: &'a str,
    email_field: Option<usize>,
    /// Roster indexes: payroll key -> people; lower-cased work email -> people.
    by_key: HashMap<&'a str, Vec<usize>>,
    by_email: HashMap<String, Vec<usize>>,
    /// Export index: payroll key -> row indexes.
    export_keys: HashMap<&'a str, Vec<usize>>,
    export_emails: HashMap<String, Vec<usize>>,
}

const WORK_EMAIL: &str = "contact.workEmail";

impl<'a> Differ<'a> {
    fn new(mapping: &'a Mapping, desired: &'a [Desired], roster: &'a Roster) -> Self {
        let key_code = mapping.key.charthop_field.as_str();
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in roster.people.iter().enumerate() {
            let key = p.get(key_code).trim();
            if !key.is_empty() {
                by_key.entry(key).or_default().push(i);
            }
            let email = p.get(WORK_EMAIL).trim().to_lowercase();
            if !email.is_empty() {
                by_email.entry(email).or_default().push(i);
            }
        }
        let email_field = mapping.field_index(WORK_EMAIL);
        let mut export_keys: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut export_emails: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in desired.iter().enumerate() {
            if let Some(k) = &d.key {
                export_keys.entry(k.as_str()).or_default().push(i);
            }
            if let Some(e) = desired_email(d, email_field) {
                export_emails.entry(e).or_default().push(i);
            }
        }
        Differ {
            mapping,
            desired,
            roster,
            key_code,
            email_field,
            by_key,
            by_email,
            export_keys,
            export_emails,
        }
    }

    fn run(self, rejected: &[Rejection]) -> ChangeSet {
        let mut rows: Vec<RowChange> = rejected
            .iter()
            .map(|r| RowChange {
                row: r.row,
                category: Category::Rejected,
                key: None,
                name: String::new(),
                job_id: None,
                charthop_email: None,
                matched: "not mapped".into(),
                changes: vec![],
                target: BTreeMap::new(),
                reason: Some(match &r.column {
                    Some(c) => format!("column `{c}` (field `{}`): {}", r.field, r.reason),
                    None => format!("field `{}`: {}", r.field, r.reason),
                }),
            })
            .collect();
        let mut claimed: HashMap<usize, usize> = HashMap::new();
        let mut involved = vec![false; self.roster.people.len()];
        for (i, d) in self.desired.iter().enumerate() {
            let change = self.row(i, d, &mut claimed);
            if let Some(job) = &change.job_id
                && let Some(&p) = self.roster.by_job.get(job)
            {
                involved[p] = true;
            }
            rows.push(change);
        }
        rows.sort_by_key(|r| r.row);
        let mut absent: Vec<Absent> = self
            .roster
            .people
            .iter()
            .enumerate()
            .filter(|(i, _)| !involved[*i])
            .map(|(_, p)| Absent {
                job_id: p.job_id.clone(),
                name: p.name.clone(),
                charthop_email: p.get(WORK_EMAIL).to_string(),
                key: p.get(self.key_code).to_string(),
            })
            .collect();
        absent.sort_by(|a, b| (&a.name, &a.job_id).cmp(&(&b.name, &b.job_id)));
        let mut summary = Summary {
            absent: absent.len(),
            ..Summary::default()
        };
        for r in &rows {
            match r.category {
                Category::NewHire => summary.new_hires += 1,
                Category::Update => summary.updates += 1,
                Category::Unchanged => summary.unchanged += 1,
                Category::Conflict => summary.conflicts += 1,
                Category::Rejected => summary.rejected += 1,
            }
        }
        ChangeSet {
            summary,
            rows,
            absent,
        }
    }

    fn row(&self, i: usize, d: &Desired, claimed: &mut HashMap<usize, usize>) -> RowChange {
        let mut out = RowChange {
            row: d.row,
            category: Category::Conflict,
            key: d.key.clone(),
            name: self.export_name(d),
            job_id: None,
            charthop_email: None,
            matched: String::new(),
            changes: vec![],
            target: BTreeMap::new(),
            reason: None,
        };
        let conflict = |mut out: RowChange, matched: &str, reason: String| {
            out.category = Category::Conflict;
            out.matched = matched.to_string();
            out.reason = Some(reason);
            out
        };
        if let Some(k) = &d.key
            && let Some(rows) = self.export_keys.get(k.as_str())
            && rows.len() > 1
        {
            let numbers: Vec<String> = rows
                .iter()
                .map(|&r| self.desired[r].row.to_string())
                .collect();
            return conflict(
                out,
                "not matched",
                format!(
                    "the payroll key `{k}` appears on rows {}; fix the export so each person appears once",
                    numbers.join(", ")
                ),
            );
        }
        let email = desired_email(d, self.email_field);
        if let Some(e) = &email
            && let Some(rows) = self.export_emails.get(e)
            && rows.len() > 1
        {
            let numbers: Vec<String> = rows
                .iter()
                .map(|&r| self.desired[r].row.to_string())
                .collect();
            return conflict(
                out,
                "not matched",
                format!(
                    "the work email `{e}` appears on rows {}; each person needs their own",
                    numbers.join(", ")
                ),
            );
        }
        // Match: by key, then by the fallback.
        let mut found: Option<(usize, String)> = None;
        if let Some(k) = &d.key
            && let Some(people) = self.by_key.get(k.as_str())
        {
            if people.len() > 1 {
                return conflict(
                    out,
                    "not matched",
                    format!(
                        "{} ChartHop people have `{}` = `{k}`; correct them in ChartHop",
                        people.len(),
                        self.key_code
                    ),
                );
            }
            found = Some((people[0], format!("matched by {}", self.key_code)));
        }
        if found.is_none()
            && let (Some((_, fallback_code)), Some(f)) = (&self.mapping.key.fallback, &d.fallback)
            && let Some(people) = self.by_email.get(f)
        {
            if people.len() > 1 {
                return conflict(
                    out,
                    "not matched",
                    format!("{} ChartHop people have the work email `{f}`", people.len()),
                );
            }
            let p = &self.roster.people[people[0]];
            let their_key = p.get(self.key_code).trim();
            if let Some(k) = &d.key
                && !their_key.is_empty()
                && their_key != k
            {
                return conflict(
                    out,
                    "not matched",
                    format!(
                        "the work email `{f}` belongs to the ChartHop person with {} `{their_key}`, not `{k}`; check both records",
                        self.key_code
                    ),
                );
            }
            found = Some((people[0], format!("matched by {fallback_code}")));
        }
        let Some((person_index, how)) = found else {
            if let Some(e) = &email
                && self.by_email.contains_key(e)
            {
                return conflict(
                    out,
                    "not matched",
                    format!(
                        "no ChartHop person has this payroll key, but the work email `{e}` is already used in ChartHop"
                    ),
                );
            }
            return self.new_hire(i, d, out);
        };
        if let Some(&other) = claimed.get(&person_index) {
            return conflict(
                out,
                "not matched",
                format!(
                    "row {} already matched the same ChartHop person",
                    self.desired[other].row
                ),
            );
        }
        claimed.insert(person_index, i);
        let person = &self.roster.people[person_index];
        out.job_id = Some(person.job_id.clone());
        out.charthop_email = Some(person.get(WORK_EMAIL).to_string()).filter(|e| !e.is_empty());
        if !person.name.is_empty() {
            out.name = person.name.clone();
        }
        out.matched = how;
        if out.charthop_email.is_none() {
            return conflict(
                out.clone(),
                &out.matched,
                "the ChartHop person has no work email, which the import needs to find them; add it in ChartHop".into(),
            );
        }
        if let (Some(e), Some(current)) = (&email, out.charthop_email.clone())
            && !e.eq_ignore_ascii_case(current.trim())
        {
            let matched = out.matched.clone();
            return conflict(
                out,
                &matched,
                format!(
                    "the work email differs (payroll `{e}`, ChartHop `{current}`); ChartHop matches imports by work email, so change it in ChartHop first"
                ),
            );
        }
        self.update(d, person, out)
    }

    fn new_hire(&self, _i: usize, d: &Desired, mut out: RowChange) -> RowChange {
        out.category = Category::NewHire;
        out.matched = "no match: new hire".into();
        for (field, value) in self.mapping.fields.iter().zip(&d.values) {
            if let Some(v) = value {
                out.target.insert(field.code.clone(), v.render());
            }
        }
        if let Some(m) = self.manager_field() {
            match self.resolve_manager(d) {
                Ok(Some((email, _))) => {
                    out.target
                        .insert(self.mapping.fields[m].code.clone(), email);
                }
                Ok(None) => {}
                Err(reason) => return reject(out, reason),
            }
        }
        out
    }

    fn update(&self, d: &Desired, person: &Person, mut out: RowChange) -> RowChange {
        for (field, value) in self.mapping.fields.iter().zip(&d.values) {
            if field.resolve_manager {
                continue;
            }
            let current = person.get(&field.code);
            match value {
                None => {
                    out.target.insert(field.code.clone(), current.to_string());
                }
                Some(v) => {
                    if !same(field.kind, &field.code, current, v) {
                        out.changes.push(FieldChange {
                            field: field.code.clone(),
                            old: current.to_string(),
                            new: v.render(),
                        });
                    }
                    out.target.insert(field.code.clone(), v.render());
                }
            }
        }
        if let Some(m) = self.manager_field() {
            let code = &self.mapping.fields[m].code;
            let current_job = person.get(code);
            let current_email = self
                .roster
                .by_job
                .get(current_job)
                .map(|&i| self.roster.people[i].get(WORK_EMAIL).to_string())
                .unwrap_or_default();
            match self.resolve_manager(d) {
                Err(reason) => return reject(out, reason),
                Ok(None) => {
                    out.target.insert(code.clone(), current_email);
                }
                Ok(Some((email, job))) => {
                    let same_manager = match &job {
                        Some(j) => j == current_job,
                        None => email.eq_ignore_ascii_case(&current_email),
                    };
                    if !same_manager {
                        out.changes.push(FieldChange {
                            field: code.clone(),
                            old: current_email,
                            new: email.clone(),
                        });
                    }
                    out.target.insert(code.clone(), email);
                }
            }
        }
        out.category = if out.changes.is_empty() {
            Category::Unchanged
        } else {
            Category::Update
        };
        out
    }

    fn manager_field(&self) -> Option<usize> {
        self.mapping.fields.iter().position(|f| f.resolve_manager)
    }

    /// The manager named by a row: their work email, and their ChartHop job when they have one.
    /// `Ok(None)` when the row names no manager.
    fn resolve_manager(&self, d: &Desired) -> Result<Option<(String, Option<String>)>, String> {
        let Some(reference) = d.manager_ref.as_deref().filter(|r| !r.is_empty()) else {
            return Ok(None);
        };
        if d.key.as_deref() == Some(reference) {
            return Err(format!(
                "the row names itself (`{reference}`) as its own manager"
            ));
        }
        let in_roster = self
            .by_key
            .get(reference)
            .filter(|p| p.len() == 1)
            .map(|p| p[0]);
        if let Some(rows) = self.export_keys.get(reference)
            && let Some(email) = desired_email(&self.desired[rows[0]], self.email_field)
        {
            let job = self
                .by_email
                .get(&email)
                .filter(|p| p.len() == 1)
                .map(|p| self.roster.people[p[0]].job_id.clone())
                .or_else(|| in_roster.map(|i| self.roster.people[i].job_id.clone()));
            return Ok(Some((email, job)));
        }
        if let Some(i) = in_roster {
            let p = &self.roster.people[i];
            let email = p.get(WORK_EMAIL).trim().to_lowercase();
            if !email.is_empty() {
                return Ok(Some((email, Some(p.job_id.clone()))));
            }
        }
        Err(format!(
            "the manager `{reference}` is neither in the export nor in ChartHop (`{}`)",
            self.key_code
        ))
    }

    fn export_name(&self, d: &Desired) -> String {
        let get = |code: &str| {
            self.mapping
                .field_index(code)
                .and_then(|i| d.values[i].as_ref())
                .map(Value::render)
        };
        match (get("name.first"), get("name.last")) {
            (Some(f), Some(l)) => format!("{} {}", f.trim(), l.trim()),
            (Some(f), None) => f,
            (None, Some(l)) => l,
            (None, None) => d.key.clone().unwrap_or_default(),
        }
    }
}

fn reject(mut out: RowChange, reason: String) -> RowChange {
    out.category = Category::Rejected;
    out.reason = Some(reason);
    out.changes.clear();
    out.target.clear();
    out
}

fn desired_email(d: &Desired, email_field: Option<usize>) -> Option<String> {
    email_field
        .and_then(|i| d.values[i].as_ref())
        .map(|v| v.render().trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .or_else(|| d.fallback.clone())
}

/// Whether ChartHop's text `current` already holds `desired`, after normalization.
fn same(kind: Kind, code: &str, current: &str, desired: &Value) -> bool {
    match (kind, desired) {
        (_, Value::Clear) => current.trim().is_empty(),
        (Kind::Number, Value::Number(n)) => {
            crate::mapping::Decimal::parse_plain(current, '.').is_some_and(|c| c == *n)
        }
        (Kind::Money, Value::Money { amount, currency }) => {
            crate::mapping::parse_money_loose(current).is_some_and(|(a, c)| {
                a == *amount && c.is_none_or(|c| c.eq_ignore_ascii_case(currency))
            })
        }
        (Kind::Boolean, Value::Boolean(b)) => crate::mapping::parse_bool(current) == Some(*b),
        (Kind::Date, Value::Date(d)) => {
            let c = current.trim();
            let day = c.get(..10).unwrap_or(c);
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok_and(|cd| cd == *d)
        }
        _ => {
            let a = normalize_text(current);
            let b = normalize_text(&desired.render());
            if code.to_ascii_lowercase().contains("email") {
                a.eq_ignore_ascii_case(&b) || a.to_lowercase() == b.to_lowercase()
            } else {
                a == b
            }
        }
    }
}

/// Trimmed, with runs of whitespace as one space.
fn normalize_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
