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
        s.insert_job(Job {
            id: id.into(),
            person: Some(person),
            title: None,
            department: None,
            location: None,
            manager: None,
            start_date: None,
            employment: None,
        });
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
