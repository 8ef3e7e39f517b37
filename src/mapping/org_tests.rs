//! A mapping against an org's field catalogue: codes respelled, unknown, computed, unsupported
//! or mistyped fields refused with their place, enum options enforced, sensitivity learned.

use std::path::Path;

use super::{Mapping, Value};
use crate::catalogue::Catalogue;

fn catalogue() -> Catalogue {
    let fields = serde_json::json!([
        {"name": "contact.workEmail", "label": "Work Email", "type": "EMAIL"},
        {"name": "contact.employee", "label": "Employee ID", "type": "STRING"},
        {"name": "name", "label": "Name", "type": "NAME"},
        {"name": "startDate", "label": "Start Date", "type": "DATE"},
        {"name": "perfRating", "label": "Performance Rating", "type": "ENUM",
         "values": [{"name": "EXCEEDS", "label": "Exceeds"}, {"name": "MEETS", "label": "Meets"}]},
        {"name": "skills", "label": "Skills", "type": "ENUM_MULTI",
         "values": [{"name": "Rust"}, {"name": "Go"}]},
        {"name": "nationalId", "label": "National ID", "type": "STRING", "sensitive": "PRIVATE"},
        {"name": "tenure", "label": "Tenure", "type": "NUMBER", "calc": "TENURE"},
        {"name": "grants", "label": "Grants", "type": "STOCKGRANT"}
    ]);
    Catalogue::new(serde_json::from_value(fields).unwrap_or_else(|e| panic!("{e}")))
}

const HEAD: &str = r#"
[key]
payroll = "Id"
charthop = "contact.EMPLOYEE"
[fields."contact.workemail"]
from = "Email"
[fields."name.first"]
from = "First"
"#;

fn load(extra: &str) -> Mapping {
    Mapping::parse(Path::new("m.toml"), &format!("{HEAD}{extra}")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn codes_take_chart_hops_spelling_and_enums_their_options() {
    let mut m = load(
        r#"
[fields.perfrating]
from = "Rating"
map = { E = "exceeds", M = "Meets" }
[fields.skills]
from = "Skills"
[fields.nationalId]
from = "NID"
"#,
    );
    let adjusted = m
        .against_catalogue(&catalogue())
        .unwrap_or_else(|e| panic!("{e}"));
    let codes: Vec<&str> = m.fields.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "contact.workEmail",
            "name.first",
            "perfRating",
            "skills",
            "nationalId"
        ]
    );
    assert_eq!(m.key.charthop_field, "contact.employee");
    assert!(
        adjusted
            .iter()
            .any(|a| a.contains("`perfrating` is spelled `perfRating`")),
        "{adjusted:?}"
    );
    assert!(m.fields[4].sensitive, "sensitive in ChartHop: masked");
    let header: Vec<String> = ["Id", "Email", "First", "Rating", "Skills", "NID"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let bound = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    let row = |cells: [&str; 6]| bound.map_row(2, &cells.map(str::to_string));
    let d = row(["1", "a@x.com", "A", "E", "rust ; GO", "123"]).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d.values[2], Some(Value::Text("EXCEEDS".into())));
    assert_eq!(d.values[3], Some(Value::Text("Rust;Go".into())));
    let r = row(["1", "a@x.com", "A", "M", "Cobol", "123"])
        .err()
        .unwrap_or_else(|| panic!("refused"));
    assert!(
        r.reason.contains("`Cobol` is not an option of `skills`")
            && r.reason.contains("`Rust`, `Go`"),
        "{}",
        r.reason
    );
}

#[test]
fn unknown_computed_unsupported_and_mistyped_fields_are_refused_with_their_place() {
    let mut m = load(
        r#"
[fields."Performance Rating"]
from = "Rating"
[fields.tenure]
from = "Tenure"
[fields.grants]
from = "Grants"
[fields.startDate]
from = "Hire"
[fields.costCentre]
from = "CC"
"#,
    );
    let e = m
        .against_catalogue(&catalogue())
        .err()
        .unwrap_or_else(|| panic!("refused"));
    let text = e.to_string();
    for needle in [
        "`Performance Rating` is not a field of this ChartHop org",
        "did you mean `perfRating` (\"Performance Rating\")?",
        "`tenure` is computed by ChartHop",
        "`grants` is a `STOCKGRANT` field: not supported yet",
        "`startDate` is a `DATE` field in ChartHop, but the mapping reads it as text",
        "add `type = \"date\"`",
        "`costCentre` is not a field of this ChartHop org",
        "m.toml:",
    ] {
        assert!(text.contains(needle), "`{needle}` not in:\n{text}");
    }
    assert_eq!(e.diagnostics().len(), 5, "{text}");
}

#[test]
fn a_map_giving_values_the_enum_does_not_allow_is_refused_listing_the_allowed_ones() {
    let mut m = load(
        r#"
[fields.perfRating]
from = "Rating"
map = { E = "Exceeds", X = "Outstanding" }
"#,
    );
    let text = m
        .against_catalogue(&catalogue())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        text.contains("gives `Outstanding` that `perfRating` does not allow"),
        "{text}"
    );
    assert!(text.contains("use one of: `EXCEEDS`, `MEETS`"), "{text}");
}

#[test]
fn a_declared_custom_field_the_token_cannot_see_is_an_access_problem() {
    let mut m = load(
        r#"
[fields.salaryBand]
from = "Band"
custom = true
"#,
    );
    let e = m
        .against_catalogue(&catalogue())
        .err()
        .unwrap_or_else(|| panic!("refused"));
    assert_eq!(e.failure(), crate::failure::Failure::Auth, "{e}");
    assert!(
        e.to_string().contains("`salaryBand`") && e.to_string().contains("hides"),
        "{e}"
    );
    assert!(e.hint().is_some_and(|h| h.contains("access")));
}
