//! Carrot: parsing, matching, and the parts it rejects by name.

use super::*;

fn row(field: FieldCode) -> Option<String> {
    match field {
        FieldCode::Open => Some("filled".into()),
        FieldCode::JobId => Some("6a01".into()),
        FieldCode::Department => Some("Customer Success".into()),
        FieldCode::Tenure => Some("14".into()),
        FieldCode::StartDate => Some("2020-05-01".into()),
        FieldCode::State => Some("DEPART".into()),
        _ => None,
    }
}

fn eval(q: &str) -> Result<bool, String> {
    parse(q).map(|e| e.matches(&row))
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
