//! ChartHop's built-in field codes, to catch typos in `[fields."..."]`. Custom fields have
//! org-specific codes, so a code that is not built in is accepted unless it is within typo
//! distance of a built-in one; `custom = true` on the field says "this really is a custom
//! field".

const BUILT_IN: &[&str] = &[
    "jobId",
    "personId",
    "name",
    "name.first",
    "name.last",
    "name.middle",
    "name.pref",
    "name.prefLast",
    "title",
    "contact.workEmail",
    "contact.homeEmail",
    "contact.workPhone",
    "contact.mobilePhone",
    "contact.homePhone",
    "contact.employee",
    "manager",
    "department",
    "location",
    "employment",
    "startDate",
    "startDateOrg",
    "startDateLifetime",
    "startDateJob",
    "startDatePlanned",
    "endDate",
    "endDateOrg",
    "depart",
    "base",
    "hourly",
    "currency",
    "baseComp",
    "gender",
    "ethnicity",
    "birthdate",
    "company",
    "band",
    "imageurl",
];

const ADDRESS_FAMILIES: &[&str] = &["workAddress", "remoteWorkAddress", "address", "homeAddress"];
const ADDRESS_PARTS: &[&str] = &[
    "street1", "street2", "street3", "city", "state", "country", "postal",
];

/// Every built-in code, the address families expanded.
pub fn built_in() -> Vec<String> {
    let mut out: Vec<String> = BUILT_IN.iter().map(|s| s.to_string()).collect();
    for f in ADDRESS_FAMILIES {
        for p in ADDRESS_PARTS {
            out.push(format!("{f}.{p}"));
        }
    }
    out
}

/// `Ok` for a built-in code (any case: ChartHop ignores it) or a code far from every built-in
/// one; `Err(closest)` for a likely typo of a built-in code.
pub fn check(code: &str) -> Result<(), String> {
    let all = built_in();
    if all.iter().any(|c| c.eq_ignore_ascii_case(code)) {
        return Ok(());
    }
    match crate::suggest::closest(code, all.iter().map(String::as_str)) {
        Some(c) => Err(c.to_string()),
        None => Ok(()),
    }
}

/// ChartHop's own spelling of a built-in code written in another case (`contact.workemail`
/// -> `contact.workEmail`): ChartHop ignores case, the roster's keys and this tool's lookups do
/// not, so every code is kept in one spelling. `None` for a code that is not built in.
pub fn canonical(code: &str) -> Option<String> {
    built_in()
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(code))
}

/// True for the fields a departure writes (`endDate`, `depart`, ...): a mapping describes them
/// with `[departure]`, never as a field, so an update can never depart someone by accident.
pub fn is_departure(code: &str) -> bool {
    matches!(
        code.to_ascii_lowercase().as_str(),
        "enddate" | "enddateorg" | "depart" | "departtype" | "departregret" | "departreason"
    )
}

/// The kind of update (`importDataCsv`'s `updateTypes`: `title, comp, group, relationship,
/// data, other`) a change of field `code` is: `data` for the org's custom fields (any code
/// that is not built in), `other` for the other built-in fields (names, contacts, dates,
/// employment).
pub fn update_type(code: &str) -> &'static str {
    let lower = code.to_ascii_lowercase();
    match lower.as_str() {
        "title" => "title",
        "base" | "hourly" | "currency" | "basecomp" => "comp",
        c if c.starts_with("comp.") => "comp",
        "department" | "location" => "group",
        "manager" => "relationship",
        _ if canonical(code).is_none() && !lower.contains('.') => "data",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn typos_of_built_in_codes_are_caught() {
        assert_eq!(super::check("contact.workEmail"), Ok(()));
        assert_eq!(super::check("contact.workemail"), Ok(()));
        assert_eq!(super::check("workAddress.city"), Ok(()));
        assert_eq!(super::check("startDat"), Err("startDate".into()));
        assert_eq!(
            super::check("contact.workEmial"),
            Err("contact.workEmail".into())
        );
        assert_eq!(super::check("costCenter"), Ok(()), "a custom field");
    }

    #[test]
    fn every_field_has_its_kind_of_update() {
        use super::update_type;
        assert_eq!(update_type("title"), "title");
        assert_eq!(update_type("base"), "comp");
        assert_eq!(update_type("department"), "group");
        assert_eq!(update_type("manager"), "relationship");
        assert_eq!(update_type("perfRating"), "data");
        assert_eq!(update_type("contact.workEmail"), "other");
        assert_eq!(update_type("startDate"), "other");
    }
}
