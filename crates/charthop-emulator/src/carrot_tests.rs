//! Carrot: parsing, matching, and the parts it rejects by name.

use super::*;

use crate::catalogue::{CustomField, Entity, Kind, NOT_SENSITIVE};

fn row(field: FieldCode) -> Vec<String> {
    let texts: &[&str] = match field {
        FieldCode::Open => &["filled"],
        FieldCode::JobId => &["6a01"],
        FieldCode::Department => &["Customer Success"],
        FieldCode::Tenure => &["14"],
        FieldCode::StartDate => &["2020-05-01"],
        FieldCode::State => &["DEPART"],
        FieldCode::Custom(0) => &["GO", "RUST"],
        _ => &[],
    };
    texts.iter().map(|t| t.to_string()).collect()
}

/// A catalogue with one custom field, `skills` (handle 0).
fn catalogue() -> Catalogue {
    Catalogue::new(vec![CustomField {
        id: "5e0000000000000000000001".into(),
        name: "skills".into(),
        label: "Skills".into(),
        description: None,
        kind: Kind::EnumMulti,
        values: Vec::new(),
        entity: Entity::Person,
        sensitive: NOT_SENSITIVE.into(),
        readonly: false,
        calc: None,
        expr: None,
        auto_add: false,
    }])
}

fn parse(q: &str) -> Result<Expr, String> {
    super::parse(q, &catalogue())
}

fn eval(q: &str) -> Result<bool, String> {
    parse(q).map(|e| e.matches(&|f| row(f).into()))
}

#[test]
fn open_and_job_id_filters() {
    assert_eq!(eval("open:filled"), Ok(true));
    assert_eq!(eval("open:open"), Ok(false));
    assert_eq!(eval("open:filled && jobId:6a01"), Ok(true));
    assert_eq!(eval("open:filled AND jobId:6a02"), Ok(false));
}

#[test]
fn comparisons_lists_and_grouping() {
    assert_eq!(eval("tenure>=12"), Ok(true));
    assert_eq!(eval("tenure<12"), Ok(false));
    assert_eq!(eval("startDate<'2021-01-01'"), Ok(true));
    assert_eq!(eval(r#"department="customer success""#), Ok(true));
    assert_eq!(eval("department:eng,success"), Ok(true));
    assert_eq!(eval("title:"), Ok(true));
    assert_eq!(eval("title:* || (open:open or tenure!=14)"), Ok(false));
}

#[test]
fn custom_fields_filter_by_code_and_lists_match_any_of_their_values() {
    assert_eq!(eval("SKILLS=rust"), Ok(true));
    assert_eq!(eval("skills:ru"), Ok(true));
    assert_eq!(eval("skills!=go"), Ok(false));
    assert_eq!(eval("skills!=java"), Ok(true));
    assert_eq!(eval("skills=java"), Ok(false));
    assert!(super::parse("skills=go", &Catalogue::default()).is_err());
}

#[test]
fn is_filters_and_state_match_the_job_state() {
    assert_eq!(eval("is:depart"), Ok(true));
    assert_eq!(eval("IS:Start || is:open"), Ok(false));
    assert_eq!(eval("state:depart && state=DEPART"), Ok(true));
    assert_eq!(eval("open:filled || is:start"), Ok(true));
    let err = parse("is:hire").err().unwrap_or_default();
    assert!(
        err.contains("`is:hire`") && err.contains("is:start"),
        "{err}"
    );
}

#[test]
fn rejects_unknown_and_unsupported_parts_by_name() {
    let err = |q: &str| parse(q).err().unwrap_or_default();
    assert!(err("salary>3").contains("unknown field `salary`"));
    assert!(err("is:manager").contains("is:"));
    assert!(err("startDate<date('2020-01-01')").contains("date"));
    assert!(err("open:filled &&").contains("ends early"));
    assert!(err("!open:filled").contains("`!`"));
}

#[test]
fn match_is_a_substring_match_whatever_the_lengths() {
    // Shorter (a part), equal (the whole value, any case) and longer values.
    assert_eq!(eval("department:custom"), Ok(true));
    assert_eq!(eval(r#"department:"CUSTOMER SUCCESS""#), Ok(true));
    assert_eq!(eval(r#"department:"customer successes""#), Ok(false));
    assert_eq!(eval(r#"department:"customer sucess""#), Ok(false));
    assert_eq!(eval("jobId:6a0,7b"), Ok(true));
    assert_eq!(eval("jobId:6a01x,6a02"), Ok(false));
}
