//! [`Bound::outcome_into`] against [`Bound::outcome`]: one [`MappedRow`] reused over a stream
//! of rows must give each row exactly the fate and values that mapping it afresh gives.

use std::path::Path;

use proptest::prelude::*;

use super::{Bound, MappedRow, Outcome, Verdict};
use crate::mapping::Mapping;

/// Every kind, source, step and rule that the per-row path has a branch for.
const MAPPING: &str = r#"
[source]
date_formats = ["%m/%d/%Y", "%d %b %Y"]
currency = "USD"

[key]
payroll = "Id"
charthop = "contact.employee"
fallback = { payroll = "Email", charthop = "contact.workEmail" }

[fields."contact.workEmail"]
from = "Email"
transform = ["trim", "lower"]

[fields."name.first"]
from = ["Pref", "First"]
transform = ["trim"]
required = true

[fields.name]
template = "{First} {Last}"

[fields.title]
from = "Title"
transform = ["trim", "upper"]
on_empty = "clear"

[fields.startDate]
from = "Date"
type = "date"

[fields.base]
from = "Amount"
type = "money"

[fields.costCenter]
custom = true
from = "Amount"
type = "number"
when = { column = "Type", is_not = "INT" }

[fields.employment]
from = "Type"
transform = ["trim", "upper"]
map = { FT = "FULL", PT = "PART", INT = "INTERN" }

[fields.manager]
from = "Manager"
resolve = "manager"

[fields.remote]
custom = true
from = "Flag"
type = "boolean"
default = "no"

[departure]
from = "Status"
values = ["Terminated"]
date = "End"

[[skip]]
reason = "test accounts"
when = { column = "Id", is = "TEST" }
"#;

const HEADER: [&str; 13] = [
    "Id", "Email", "Pref", "First", "Last", "Title", "Date", "Amount", "Type", "Manager", "Flag",
    "Status", "End",
];

/// Each column's values: mostly ones that map (blanks, padding, mixed case, every date
/// layout), and some that skip or reject the row (a test account, a bad date, an unmapped
/// type, an amount that is not one).
const CELLS: [&[&str]; 13] = [
    &["1", " 42 ", "7", "", "TEST"],
    &["Ada@Example.COM", " b@x.io", "ÉLODIE@EXAMPLE.FR", ""],
    &["", " ", "Bo"],
    &["Ada", "  Zoë Lee ", "", "x"],
    &["Lovelace", "", " Ng "],
    &["cto", " Head of People ", "", "ÉQUIPE"],
    &["2021-03-01", "03/01/2021", "07 Mar 2019", "", "31/02/2021"],
    &["85000", "1,234.50", "$85,000.00", "", "lots"],
    &["ft", "INT", " pt ", "", "CTR"],
    &["100001", " 7 ", ""],
    &["yes", "", "0", "maybe"],
    &["Active", "Terminated", "", " terminated "],
    &["", "2024-01-31", "12/31/2023", "soon"],
];

fn bound(m: &Mapping) -> Bound<'_> {
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    m.bind(&header).unwrap_or_else(|e| panic!("{e}"))
}

fn mapping() -> Mapping {
    Mapping::parse(Path::new("reuse.toml"), MAPPING).unwrap_or_else(|e| panic!("{e}"))
}

/// Maps every row both ways; fails at the first row where they differ.
fn same_both_ways(b: &Bound<'_>, rows: &[Vec<String>]) -> Result<(), TestCaseError> {
    let mut out = MappedRow::default();
    for (i, cells) in rows.iter().enumerate() {
        let fresh = b.outcome(i + 2, cells);
        let reused = b.outcome_into(i + 2, cells, &mut out);
        match (fresh, reused) {
            (Outcome::Mapped(d), Verdict::Mapped) => prop_assert_eq!(&d, &out.desired),
            (Outcome::Skipped(a), Verdict::Skipped(b)) => prop_assert_eq!(a, b),
            (Outcome::Rejected(a), Verdict::Rejected(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "row {}: {:?} then {:?}", i + 2, a, b),
        }
    }
    Ok(())
}

#[test]
fn the_mapping_covers_every_fate() {
    let m = mapping();
    let b = bound(&m);
    let row = |cells: [&str; 13]| cells.map(str::to_string).to_vec();
    let mapped = row([
        "1",
        "A@X.IO",
        "",
        "Ada",
        "Lee",
        "cto",
        "07 Mar 2019",
        "5",
        "ft",
        "9",
        "",
        "",
        "",
    ]);
    let d = match b.outcome(2, &mapped) {
        Outcome::Mapped(d) => d,
        other => panic!("not mapped: {other:?}"),
    };
    assert_eq!(d.fallback.as_deref(), Some("a@x.io"));
    assert_eq!(d.manager_ref.as_deref(), Some("9"));
    let skipped = row(["TEST", "", "", "A", "", "", "", "", "", "", "", "", ""]);
    assert_eq!(b.outcome(3, &skipped), Outcome::Skipped(0));
    let rejected = row(["1", "", "", "A", "", "", "", "", "CTR", "", "", "", ""]);
    assert!(matches!(b.outcome(4, &rejected), Outcome::Rejected(_)));
    let rows = [mapped, skipped, rejected.clone(), rejected];
    if let Err(e) = same_both_ways(&b, &rows) {
        panic!("{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_reused_row_maps_as_a_fresh_one(
        rows in proptest::collection::vec(
            CELLS.map(proptest::sample::select).to_vec(),
            1..24,
        )
    ) {
        let m = mapping();
        let b = bound(&m);
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        same_both_ways(&b, &rows)?;
    }
}
