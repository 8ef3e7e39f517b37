//! What a reviewer should know of a plan as a whole, learned as its rows go by:
//! - people moved into (or hired into) a department no one in ChartHop is in, and whether the
//!   import can create it: new hires may (`[import] create_groups`), updates never do, so an
//!   update into a department that no new hire brings is refused by ChartHop;
//! - a plan where most work emails change the same way (a domain move), said once;
//! - values the plan clears (`on_empty = "clear"`), which ChartHop may keep: said once, with
//!   the fields, because verification will report every clear ChartHop kept.

use std::collections::{BTreeMap, HashSet};

use super::matching::Context;
use super::{Category, ConflictKind, Note, RowChange};

/// Collects the notes while the rows are decided.
pub(super) struct Notes {
    departments: Option<Departments>,
    create_groups: bool,
    /// (old domain, new domain) -> rows, for email changes (applied or conflicts).
    domains: BTreeMap<(String, String), Vec<usize>>,
    email_changes: usize,
    /// Field -> rows that clear it.
    clears: BTreeMap<String, Vec<usize>>,
}

/// The department field and what ChartHop has.
struct Departments {
    code: String,
    /// Department names people are in, lower-cased.
    known: HashSet<String>,
    /// New department -> rows of new hires and of updates moving people into it.
    hires: BTreeMap<String, Vec<usize>>,
    moves: BTreeMap<String, Vec<usize>>,
}

impl Notes {
    pub(super) fn new(ctx: &Context<'_>) -> Notes {
        let departments = ctx.mapping.field_index("department").map(|i| {
            let code = ctx.mapping.fields[i].code.clone();
            let known = match ctx.field_cols[i] {
                Some(c) => {
                    // Few names among many people: lower-case each distinct one once.
                    let distinct: HashSet<&str> = ctx
                        .roster
                        .iter()
                        .map(|p| p.value(c).trim())
                        .filter(|v| !v.is_empty())
                        .collect();
                    distinct.into_iter().map(str::to_lowercase).collect()
                }
                None => HashSet::new(),
            };
            Departments {
                code,
                known,
                hires: BTreeMap::new(),
                moves: BTreeMap::new(),
            }
        });
        Notes {
            departments,
            create_groups: ctx.mapping.create_groups,
            domains: BTreeMap::new(),
            email_changes: 0,
            clears: BTreeMap::new(),
        }
    }

    /// Looks at one decided row; `export_email` is the row's work email in the export.
    pub(super) fn row(&mut self, r: &RowChange, export_email: Option<&str>) {
        if let Some(dep) = &mut self.departments {
            let new_department = |target: Option<&String>| {
                target
                    .map(|t| t.trim())
                    .filter(|t| !t.is_empty() && !dep.known.contains(&t.to_lowercase()))
                    .map(str::to_string)
            };
            match r.category {
                Category::NewHire | Category::Rehire => {
                    if let Some(d) = new_department(r.target.get(&dep.code)) {
                        dep.hires.entry(d).or_default().push(r.row);
                    }
                }
                Category::Update | Category::EmailChange
                    if r.changes.iter().any(|c| c.field == dep.code) =>
                {
                    if let Some(d) = new_department(r.target.get(&dep.code)) {
                        dep.moves.entry(d).or_default().push(r.row);
                    }
                }
                _ => {}
            }
        }
        if matches!(r.category, Category::Update | Category::EmailChange) {
            for c in r.changes.iter().filter(|c| c.new.trim().is_empty()) {
                self.clears.entry(c.field.clone()).or_default().push(r.row);
            }
        }
        let change = match r.category {
            Category::EmailChange => r.changes.first().map(|c| (c.old.as_str(), c.new.as_str())),
            Category::Conflict if r.conflict == Some(ConflictKind::EmailChange) => {
                r.charthop_email.as_deref().zip(export_email)
            }
            _ => None,
        };
        if let Some((old, new)) = change {
            self.email_changes += 1;
            if let (Some(a), Some(b)) = (domain(old), domain(new))
                && a != b
            {
                self.domains.entry((a, b)).or_default().push(r.row);
            }
        }
    }

    /// The notes, in a stable order.
    pub(super) fn finish(self) -> Vec<Note> {
        let mut out = Vec::new();
        if let Some(dep) = self.departments {
            for (name, rows) in &dep.moves {
                let hired_into = dep.hires.contains_key(name);
                let message = if hired_into && self.create_groups {
                    format!(
                        "{} moving into `{name}`, which no one in ChartHop is in yet: the new-hire import creates it (`[import] create_groups`), and updates are imported after the new hires",
                        people(rows.len())
                    )
                } else {
                    format!(
                        "{} moving into `{name}`, which no one in ChartHop is in and {}: ChartHop creates departments only for new hires, so it will refuse {}; create `{name}` in ChartHop first, or check the department's spelling",
                        people(rows.len()),
                        if hired_into {
                            "`[import] create_groups` is off"
                        } else {
                            "no new hire brings"
                        },
                        if rows.len() == 1 {
                            "that row"
                        } else {
                            "those rows"
                        }
                    )
                };
                out.push(Note {
                    kind: "department".into(),
                    rows: rows.clone(),
                    message,
                });
            }
            if !self.create_groups {
                for (name, rows) in &dep.hires {
                    out.push(Note {
                        kind: "department".into(),
                        rows: rows.clone(),
                        message: format!(
                            "{} hired into `{name}`, which no one in ChartHop is in: with `[import] create_groups` off, ChartHop refuses them unless the department exists; create it in ChartHop, or allow new hires to create departments",
                            people(rows.len())
                        ),
                    });
                }
            }
        }
        if let Some(((from, to), rows)) = self.domains.iter().max_by_key(|(_, rows)| rows.len())
            && rows.len() >= 3
            && rows.len() * 2 > self.email_changes
        {
            out.push(Note {
                kind: "email_domain".into(),
                rows: rows.clone(),
                message: format!(
                    "{} of the {} work email changes move from `@{from}` to `@{to}`: a domain move",
                    rows.len(),
                    self.email_changes
                ),
            });
        }
        if !self.clears.is_empty() {
            let mut rows: Vec<usize> = self.clears.values().flatten().copied().collect();
            rows.sort_unstable();
            rows.dedup();
            let fields: Vec<String> = self
                .clears
                .iter()
                .map(|(f, r)| format!("`{f}` ({})", r.len()))
                .collect();
            out.push(Note {
                kind: "clear".into(),
                message: format!(
                    "{} {} a value cleared: {}. ChartHop's spreadsheet import is not documented to erase a value from an empty cell; apply sends the empty cell, and verification reports each clear ChartHop kept (exit 5)",
                    people(rows.len()),
                    if rows.len() == 1 { "has" } else { "have" },
                    fields.join(", ")
                ),
                rows,
            });
        }
        out
    }
}

/// An email's domain, lower-cased.
fn domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_lowercase())
        .filter(|d| !d.is_empty())
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}
