//! The built-in fields: every code the emulator serves on jobs and people, with its label, type,
//! where its value lands, its sensitivity, and, for a computed one, ChartHop's calculation id
//! (`calc`, from the spec's enum). `findFields` and `getBuiltinFields` list them; imports match
//! a stored field's header by its label; a stored MONEY or DATE field's cells are checked by
//! their type.
//!
//! `entity` says where the emulator keeps the value (the stored fields, `base` among them, live
//! on the person and follow them); `sensitive` is `SENSITIVE` for pay and `PERSONAL` for
//! personal contact and demographic data, as ChartHop restricts them. A field with a `calc` is
//! computed (never imported); the others are importable.
//!
//! Plain tables, no lookups beyond them. Layering: above `catalogue` (kinds, entities),
//! `money` (how a MONEY field is served) and `model` (the stored-field table and the enums
//! whose options it lists).

use crate::catalogue::{Entity, Kind, NOT_SENSITIVE};

/// One built-in field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Builtin {
    /// The code, as the emulator spells it.
    pub code: &'static str,
    /// Human-readable name; a stored field's import header may use it.
    pub label: &'static str,
    /// The type.
    pub kind: Kind,
    /// Where the value lands.
    pub entity: Entity,
    /// One of [`crate::catalogue::SENSITIVITY`].
    pub sensitive: &'static str,
    /// ChartHop's calculation id, for a computed field.
    pub calc: Option<&'static str>,
    /// Whether no two jobs (or people) share a value.
    pub unique: bool,
}

const fn field(code: &'static str, label: &'static str, kind: Kind, entity: Entity) -> Builtin {
    Builtin {
        code,
        label,
        kind,
        entity,
        sensitive: NOT_SENSITIVE,
        calc: None,
        unique: false,
    }
}

const fn job(code: &'static str, label: &'static str, kind: Kind) -> Builtin {
    field(code, label, kind, Entity::Job)
}

const fn person(code: &'static str, label: &'static str, kind: Kind) -> Builtin {
    field(code, label, kind, Entity::Person)
}

const fn calc(mut f: Builtin, calc: &'static str) -> Builtin {
    f.calc = Some(calc);
    f
}

const fn unique(mut f: Builtin) -> Builtin {
    f.unique = true;
    f
}

const fn sensitive(mut f: Builtin, level: &'static str) -> Builtin {
    f.sensitive = level;
    f
}

/// Every built-in field: the job field codes, then the person-only ones, then the stored ones
/// (in [`crate::model::STORED`] order).
pub const BUILTIN: [Builtin; 48] = [
    unique(calc(job("jobId", "Job ID", Kind::String), "JOB_ID")),
    unique(calc(job("id", "ID", Kind::String), "JOB_ID")),
    calc(job("personId", "Person ID", Kind::Person), "PERSON_ID"),
    calc(job("open", "Open", Kind::Enum), "OPEN"),
    calc(job("state", "State", Kind::Enum), "STATE"),
    calc(job("upcoming", "Upcoming Changes", Kind::List), "UPCOMING"),
    calc(
        job("personStartDate", "Person Start Date", Kind::Date),
        "START_DATE_ORG",
    ),
    calc(
        job("personEndDate", "Person End Date", Kind::Date),
        "END_DATE_ORG",
    ),
    person("endDate", "End Date", Kind::Date),
    calc(person("name", "Name", Kind::Name), "NAME"),
    person("name.first", "First Name", Kind::String),
    person("name.last", "Last Name", Kind::String),
    person("name.pref", "Pref Name", Kind::String),
    job("title", "Job Title", Kind::String),
    unique(person("contact.workEmail", "Work Email", Kind::Email)),
    sensitive(
        person("contact.homeEmail", "Home Email", Kind::Email),
        "PERSONAL",
    ),
    person("contact.workPhone", "Work Phone", Kind::Phone),
    unique(person("contact.employee", "Employee ID", Kind::String)),
    job("department", "Department", Kind::Group),
    job("department.name", "Department Name", Kind::String),
    job("location", "Location", Kind::Group),
    job("location.name", "Location Name", Kind::String),
    job("manager", "Manager", Kind::Person),
    job("manager.contact.workEmail", "Manager Email", Kind::Email),
    job("startDate", "Start Date", Kind::Date),
    job("employment", "Employment", Kind::Enum),
    calc(job("tenure", "Tenure", Kind::Integer), "TENURE_ORG"),
    calc(
        person("startDateOrg", "Org Start Date", Kind::Date),
        "START_DATE_ORG",
    ),
    calc(
        person("endDateOrg", "Org End Date", Kind::Date),
        "END_DATE_ORG",
    ),
    person("name.middle", "Middle Name", Kind::String),
    person("name.prefLast", "Pref Last", Kind::String),
    sensitive(
        person("contact.mobilePhone", "Mobile Phone", Kind::Phone),
        "PERSONAL",
    ),
    sensitive(
        person("contact.homePhone", "Home Phone", Kind::Phone),
        "PERSONAL",
    ),
    sensitive(person("base", "Base", Kind::Money), "SENSITIVE"),
    sensitive(person("hourly", "Hourly", Kind::Money), "SENSITIVE"),
    sensitive(person("currency", "Currency", Kind::Currency), "SENSITIVE"),
    sensitive(person("birthdate", "Birth Date", Kind::Date), "PERSONAL"),
    sensitive(person("gender", "Gender", Kind::String), "PERSONAL"),
    sensitive(person("ethnicity", "Ethnicity", Kind::String), "PERSONAL"),
    person("band", "Band", Kind::String),
    person("company", "Company", Kind::String),
    person("imageUrl", "Image URL", Kind::Url),
    person("workAddress.street1", "Work Street", Kind::String),
    person("workAddress.city", "Work City", Kind::String),
    person("workAddress.state", "Work State", Kind::String),
    person("workAddress.country", "Work Country", Kind::String),
    person("workAddress.postal", "Work Postal Code", Kind::String),
    person(
        "remoteWorkAddress.country",
        "Remote Work Country",
        Kind::String,
    ),
];

/// The built-in field with exactly this code.
pub fn get(code: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|f| f.code == code)
}

/// The built-in field with this code, ignoring ASCII case and surrounding spaces.
pub fn find(code: &str) -> Option<&'static Builtin> {
    let code = code.trim();
    BUILTIN.iter().find(|f| f.code.eq_ignore_ascii_case(code))
}

/// A stored field's text as served: a MONEY field's (`base`, `hourly`) as the spec's `Money`
/// object, any other (or an amount that does not read, from an older state file) as a string.
pub fn served(code: &str, text: String) -> serde_json::Value {
    match get(code).filter(|f| f.kind == Kind::Money) {
        Some(_) => crate::money::Money::parse(&text)
            .map_or(serde_json::Value::String(text), |m| m.to_value()),
        None => serde_json::Value::String(text),
    }
}

/// The options of a built-in enum field as `(name, label)`; empty for any other field.
pub fn options(code: &str) -> Vec<(&'static str, &'static str)> {
    match code {
        "employment" => crate::model::Employment::options().collect(),
        "state" => crate::model::JobState::codes().map(|c| (c, c)).collect(),
        "open" => vec![("open", "Open"), ("filled", "Filled")],
        _ => Vec::new(),
    }
}

/// The 24-hex id of the built-in field at `index` in [`BUILTIN`]: `5d` then the index + 1.
pub fn id(index: usize) -> String {
    format!("5d{:022x}", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::STORED;

    #[test]
    fn every_stored_field_is_typed_and_codes_are_unique() {
        for code in STORED {
            assert!(get(code).is_some(), "{code} has no built-in entry");
        }
        for (i, f) in BUILTIN.iter().enumerate() {
            assert!(
                BUILTIN[i + 1..]
                    .iter()
                    .all(|g| !g.code.eq_ignore_ascii_case(f.code)),
                "{} twice",
                f.code
            );
            assert_eq!(f.kind.is_enum(), !options(f.code).is_empty(), "{}", f.code);
        }
        assert_eq!(find(" BASE").map(|f| f.kind), Some(Kind::Money));
        assert_eq!(get("base").map(|f| f.sensitive), Some("SENSITIVE"));
        assert_eq!(options("employment")[0], ("FULL", "Full Time"));
        assert_eq!(id(0), "5d0000000000000000000001");
        assert_eq!(served("base", "85000 USD".into())["amount"], 85000);
        assert_eq!(served("base", "TBD".into()), "TBD");
        assert_eq!(served("band", "85000 USD".into()), "85000 USD");
    }
}
