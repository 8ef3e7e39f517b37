//! The org state: lookups, resolving import values, applying them.

use super::*;

fn org() -> OrgState {
    let mut s = OrgState::new(Org {
        id: "a".repeat(24),
        slug: "t".into(),
        name: "T".into(),
    });
    s.add_group(Group {
        id: "g1".into(),
        kind: GroupKind::Department,
        name: "Engineering".into(),
    });
    for (id, email) in [("j1", "a@x.com"), ("j2", "B@x.com")] {
        let person = Person {
            id: format!("p{id}"),
            work_email: Some(email.into()),
            ..Person::default()
        };
        s.insert_job(Job::new(id.into(), Some(person)));
    }
    s
}

#[test]
fn email_lookup_ignores_case() {
    let s = org();
    assert_eq!(s.job_by_email("b@X.com").map(|j| j.id.as_str()), Some("j2"));
}

#[test]
fn resolve_rejects_unknown_group_and_self_management() {
    let s = org();
    assert!(s.resolve("j1", Attr::Department, "Sales", false).is_err());
    assert!(matches!(
        s.resolve("j1", Attr::Department, "sales", true),
        Ok(Resolved::Group(_, Err(_)))
    ));
    assert!(matches!(
        s.resolve("j1", Attr::Department, "engineering", false),
        Ok(Resolved::Group(_, Ok(_)))
    ));
    assert_eq!(
        s.resolve("j1", Attr::ManagerEmail, "A@x.com", false)
            .err()
            .as_deref(),
        Some("a person cannot manage themself")
    );
}

#[test]
fn apply_creates_groups_once_and_reindexes_email() {
    let mut s = org();
    let v = s
        .resolve("j1", Attr::Department, "Sales", true)
        .unwrap_or(Resolved::Clear(Attr::Title));
    assert!(s.apply("j1", v.clone()));
    assert!(s.apply("j2", v));
    assert_eq!(s.groups.len(), 2);
    assert!(s.apply("j1", Resolved::Text(Attr::WorkEmail, "new@x.com".into())));
    assert!(s.job_by_email("a@x.com").is_none());
    assert_eq!(
        s.job_by_email("NEW@x.com").map(|j| j.id.as_str()),
        Some("j1")
    );
}

#[test]
fn dates_and_employment_parse_both_spellings() {
    assert_eq!(parse_date("1/5/2022"), NaiveDate::from_ymd_opt(2022, 1, 5));
    assert_eq!(
        parse_date("2022-01-05"),
        NaiveDate::from_ymd_opt(2022, 1, 5)
    );
    assert_eq!(parse_date("2022/01/05"), None);
    assert_eq!(Employment::parse("ex-pat"), Some(Employment::Expat));
    assert_eq!(Employment::parse("PART"), Some(Employment::Part));
    assert_eq!(Employment::parse("half"), None);
}

#[test]
fn removing_a_job_hands_its_reports_to_its_manager_and_unindexes_it() {
    let mut s = org();
    s.apply("j2", Resolved::Manager("j1".into()));
    let mut j3 = Job::new("j3".into(), None);
    j3.manager = Some("j2".into());
    s.insert_job(j3);
    assert!(s.remove_job("j2").is_some());
    assert_eq!(s.job("j3").and_then(|j| j.manager.as_deref()), Some("j1"));
    assert!(s.job_by_email("b@x.com").is_none());
    assert!(s.job_by_person("pj2").is_none());
    assert_eq!(s.job_by_person("pj1").map(|j| j.id.as_str()), Some("j1"));
    let people: Vec<&str> = s
        .people_in_jobs_after(None)
        .map(|(p, _)| p.id.as_str())
        .collect();
    assert_eq!(people, vec!["pj1"]);
}
