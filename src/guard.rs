//! Safety guards (README.md, Safety): a truncated export or a wrong mapping edit must never
//! become a mass change. Pure: counts in, verdicts out.
//!
//! A category's limit is the larger of a floor (always allowed, so small orgs are not stopped
//! by a share of a handful) and a share of the active roster, capped by an optional absolute
//! maximum. The truncated-export guard trips when the export has far fewer rows than ChartHop
//! has active people.

use serde::{Deserialize, Serialize};

/// One category's limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    /// Share of the active roster allowed (0.05 = 5%).
    pub share: f64,
    /// Always allowed, whatever the share says.
    pub floor: usize,
    /// Never more than this, whatever the share says.
    pub max: Option<usize>,
}

impl Limit {
    /// The largest count allowed for a roster of `active` people.
    pub fn allowed(&self, active: usize) -> usize {
        let by_share = (self.share * active as f64).floor() as usize;
        let allowed = by_share.max(self.floor);
        match self.max {
            Some(m) => allowed.min(m),
            None => allowed,
        }
    }
}

/// The guards' configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guards {
    pub new_hires: Limit,
    /// People who left ChartHop and come back.
    pub rehires: Limit,
    pub updates: Limit,
    /// Work emails changed because the payroll id is trusted (`[key] trust = "payroll"`).
    pub email_changes: Limit,
    /// Departures, scheduled ones included.
    pub departures: Limit,
    /// Updates that touch a sensitive field (compensation, birth date, ...).
    pub sensitive_updates: Limit,
    /// Export rows left out as conflicts or rejected: a share of the roster that says the
    /// export (or the mapping) is broken (a key column Excel turned into dates) rather than
    /// that a few rows need a hand.
    pub left_out: Limit,
    /// The export must have at least this share of the active roster's head count.
    pub min_export_share: f64,
}

impl Default for Guards {
    fn default() -> Self {
        Guards {
            new_hires: Limit {
                share: 0.10,
                floor: 10,
                max: None,
            },
            rehires: Limit {
                share: 0.02,
                floor: 5,
                max: None,
            },
            updates: Limit {
                share: 0.25,
                floor: 25,
                max: None,
            },
            email_changes: Limit {
                share: 0.05,
                floor: 5,
                max: None,
            },
            departures: Limit {
                share: 0.05,
                floor: 5,
                max: None,
            },
            left_out: Limit {
                share: 0.05,
                floor: 10,
                max: None,
            },
            sensitive_updates: Limit {
                share: 0.15,
                floor: 10,
                max: None,
            },
            min_export_share: 0.8,
        }
    }
}

/// What the guards look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Active people in ChartHop.
    pub active: usize,
    /// Data rows in the export.
    pub export_rows: usize,
    pub new_hires: usize,
    pub rehires: usize,
    pub updates: usize,
    pub email_changes: usize,
    /// Departures, scheduled ones included.
    pub departures: usize,
    pub sensitive_updates: usize,
    /// Rows left out as conflicts or rejected.
    pub left_out: usize,
}

/// One guard's verdict, recorded in `plan.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub guard: String,
    /// What the plan has.
    pub actual: usize,
    /// What the guard allows (for the export guard: the fewest rows accepted).
    pub limit: usize,
    pub tripped: bool,
    /// One sentence for people.
    pub explain: String,
}

/// Checks every guard; returns all verdicts, tripped or not.
pub fn check(guards: &Guards, c: &Counts) -> Vec<Verdict> {
    let mut out = Vec::new();
    for (name, what, limit, actual) in [
        ("new_hires", "new hires", guards.new_hires, c.new_hires),
        ("rehires", "rehires", guards.rehires, c.rehires),
        ("updates", "updates", guards.updates, c.updates),
        (
            "email_changes",
            "work email changes",
            guards.email_changes,
            c.email_changes,
        ),
        ("departures", "departures", guards.departures, c.departures),
        (
            "sensitive_updates",
            "updates of sensitive fields",
            guards.sensitive_updates,
            c.sensitive_updates,
        ),
        (
            "left_out",
            "rows left out as conflicts or rejected",
            guards.left_out,
            c.left_out,
        ),
    ] {
        let allowed = limit.allowed(c.active);
        let tripped = actual > allowed;
        out.push(Verdict {
            guard: name.to_string(),
            actual,
            limit: allowed,
            tripped,
            explain: if tripped {
                format!(
                    "{actual} {what} exceed the limit of {allowed} ({:.0}% of {} active people, at least {}) by {}",
                    limit.share * 100.0,
                    c.active,
                    limit.floor,
                    actual - allowed
                )
            } else {
                format!("{actual} {what}, within the limit of {allowed}")
            },
        });
    }
    let needed = (guards.min_export_share * c.active as f64).ceil() as usize;
    let tripped = c.export_rows < needed;
    out.push(Verdict {
        guard: "truncated_export".to_string(),
        actual: c.export_rows,
        limit: needed,
        tripped,
        explain: if tripped {
            format!(
                "the export has {} rows but ChartHop has {} active people: fewer than the {:.0}% expected ({needed}) by {}; is the export truncated?",
                c.export_rows,
                c.active,
                guards.min_export_share * 100.0,
                needed - c.export_rows
            )
        } else {
            format!("the export has {} rows for {} active people", c.export_rows, c.active)
        },
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_take_the_larger_of_floor_and_share_under_the_cap() {
        let l = Limit {
            share: 0.05,
            floor: 5,
            max: Some(100),
        };
        assert_eq!(l.allowed(60), 5);
        assert_eq!(l.allowed(1000), 50);
        assert_eq!(l.allowed(1_000_000), 100);
    }

    #[test]
    fn a_truncated_export_trips_and_says_by_how_much() {
        let v = check(
            &Guards::default(),
            &Counts {
                active: 500,
                export_rows: 300,
                ..Counts::default()
            },
        );
        let t = v.iter().find(|v| v.guard == "truncated_export").unwrap();
        assert!(t.tripped);
        assert_eq!(t.limit, 400);
        assert!(t.explain.contains("by 100"), "{}", t.explain);
        assert!(
            v.iter()
                .filter(|v| v.guard != "truncated_export")
                .all(|v| !v.tripped)
        );
    }

    #[test]
    fn the_fixture_org_passes_the_defaults() {
        let v = check(
            &Guards::default(),
            &Counts {
                active: 60,
                export_rows: 61,
                new_hires: 5,
                updates: 8,
                ..Counts::default()
            },
        );
        assert!(v.iter().all(|v| !v.tripped), "{v:#?}");
    }

    #[test]
    fn too_many_updates_trip() {
        let v = check(
            &Guards::default(),
            &Counts {
                active: 1000,
                export_rows: 1000,
                updates: 251,
                ..Counts::default()
            },
        );
        let u = v.iter().find(|v| v.guard == "updates").unwrap();
        assert!(u.tripped);
        assert_eq!(u.limit, 250);
    }
}
