//! The org's custom fields ([`Catalogue`], [`CustomField`]): each field's code, label, type
//! ([`Kind`]), enum options, where its value lands ([`Entity`]), sensitivity, and whether it is
//! computed. Built-in fields are not here (see `builtin`); values are not here either (they
//! live on jobs and people, see `model`).
//!
//! Plain data with lookups by code (ignoring case, as ChartHop does) and one edit: adding an
//! enum option (`shouldAutoAddValue`). No parsing of seed files or cells (see `seed_fields` and
//! `custom_value`). Layering: a leaf; it uses no other module of the crate.

use serde::{Deserialize, Serialize};

/// A field type, as the spec's `Field.type` spells it.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    /// Short text.
    String,
    /// Long text.
    Text,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A web address.
    Url,
    /// A person's name (an object of parts).
    Name,
    /// A calendar day.
    Date,
    /// A number (the spec's `DECIMAL`; a seed may call it `NUMBER`).
    Decimal,
    /// A whole number.
    Integer,
    /// An amount with its currency.
    Money,
    /// A currency code.
    Currency,
    /// Yes or no.
    Boolean,
    /// One of the field's options.
    Enum,
    /// Several of the field's options.
    EnumMulti,
    /// A person (stored as their person id).
    Person,
    /// A department or location.
    Group,
    /// A list of objects.
    List,
}

impl Kind {
    /// Every kind with its spelling.
    const ALL: [(Kind, &'static str); 17] = [
        (Kind::String, "STRING"),
        (Kind::Text, "TEXT"),
        (Kind::Email, "EMAIL"),
        (Kind::Phone, "PHONE"),
        (Kind::Url, "URL"),
        (Kind::Name, "NAME"),
        (Kind::Date, "DATE"),
        (Kind::Decimal, "DECIMAL"),
        (Kind::Integer, "INTEGER"),
        (Kind::Money, "MONEY"),
        (Kind::Currency, "CURRENCY"),
        (Kind::Boolean, "BOOLEAN"),
        (Kind::Enum, "ENUM"),
        (Kind::EnumMulti, "ENUM_MULTI"),
        (Kind::Person, "PERSON"),
        (Kind::Group, "GROUP"),
        (Kind::List, "LIST"),
    ];

    /// The kinds a custom field may have: those whose cells the emulator can check.
    pub const CUSTOM: [Kind; 10] = [
        Kind::String,
        Kind::Text,
        Kind::Date,
        Kind::Decimal,
        Kind::Integer,
        Kind::Money,
        Kind::Enum,
        Kind::EnumMulti,
        Kind::Person,
        Kind::Boolean,
    ];

    /// The spec's spelling, e.g. `ENUM_MULTI`.
    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("STRING", |(_, code)| code)
    }

    /// Parses a spelling of [`Kind::CUSTOM`], or `NUMBER` (the spec has no such type: it is
    /// `DECIMAL`), ignoring case and surrounding spaces; `None` for any other text.
    pub fn parse_custom(raw: &str) -> Option<Kind> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("NUMBER") {
            return Some(Kind::Decimal);
        }
        Self::CUSTOM
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(raw))
    }

    /// Whether the field has options (`values`).
    pub fn is_enum(self) -> bool {
        matches!(self, Kind::Enum | Kind::EnumMulti)
    }
}

/// Where a field's value lands: on the person (and follows them) or on the job.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Entity {
    /// The person.
    Person,
    /// The job.
    Job,
}

impl Entity {
    /// The spec's spelling, `PERSON` or `JOB`.
    pub fn code(self) -> &'static str {
        match self {
            Entity::Person => "PERSON",
            Entity::Job => "JOB",
        }
    }
}

/// The spec's sensitivity levels (`Field.sensitive`); `GLOBAL` and `ORG` are visible to
/// everyone in the org, the others restrict who may see the value.
pub const SENSITIVITY: [&str; 7] = [
    "GLOBAL",
    "ORG",
    "SENSITIVE",
    "PERSONAL",
    "MANAGER",
    "HIGH",
    "PRIVATE",
];

/// The sensitivity of a field that says none.
pub const NOT_SENSITIVE: &str = "GLOBAL";

/// One enum option.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct EnumValue {
    /// The stored value (`FULL_TIME`).
    pub name: String,
    /// What people read (`Full Time`).
    pub label: String,
}

/// A custom field of the org.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CustomField {
    /// 24-hex field id; `findFields` pages by it.
    pub id: String,
    /// The code: what `fields=`, Carrot and import headers use.
    pub name: String,
    /// Human-readable name.
    pub label: String,
    /// Free-text description, when given.
    #[serde(default)]
    pub description: Option<String>,
    /// The type.
    pub kind: Kind,
    /// The options of an enum field, in order.
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// Where the value lands.
    pub entity: Entity,
    /// One of [`SENSITIVITY`].
    pub sensitive: String,
    /// Not writable by imports.
    #[serde(default)]
    pub readonly: bool,
    /// A native calculation's id (computed: never imported).
    #[serde(default)]
    pub calc: Option<String>,
    /// A Carrot expression (computed: never imported).
    #[serde(default)]
    pub expr: Option<String>,
    /// An unknown enum value is added as an option instead of refused.
    #[serde(default)]
    pub auto_add: bool,
}

impl CustomField {
    /// Why an import cannot write this field (`readonly`, or computed by `calc`/`expr`);
    /// `None` when it can.
    pub fn not_importable(&self) -> Option<String> {
        let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        if set(&self.expr) {
            Some(format!(
                "it is computed by ChartHop (expr `{}`)",
                self.expr.as_deref().unwrap_or_default()
            ))
        } else if set(&self.calc) {
            Some(format!(
                "it is computed by ChartHop (calc `{}`)",
                self.calc.as_deref().unwrap_or_default()
            ))
        } else if self.readonly {
            Some("it is read-only".into())
        } else {
            None
        }
    }

    /// The option whose name or label is `raw`, ignoring case and surrounding spaces.
    pub fn option(&self, raw: &str) -> Option<&EnumValue> {
        let raw = raw.trim();
        self.values
            .iter()
            .find(|v| v.name.trim().eq_ignore_ascii_case(raw))
            .or_else(|| {
                self.values
                    .iter()
                    .find(|v| v.label.trim().eq_ignore_ascii_case(raw))
            })
    }
}

/// The org's custom fields, in seed order (the index is a field's handle: fields are never
/// removed, so it is stable).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Catalogue {
    fields: Vec<CustomField>,
}

impl Catalogue {
    /// A catalogue of these fields (checked by the seed: unique codes and ids).
    pub fn new(fields: Vec<CustomField>) -> Catalogue {
        Catalogue { fields }
    }

    /// Every custom field with its handle, in seed order.
    pub fn fields(&self) -> impl Iterator<Item = (u16, &CustomField)> {
        self.fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((u16::try_from(i).ok()?, f)))
    }

    /// The field with this handle.
    pub fn get(&self, handle: u16) -> Option<&CustomField> {
        self.fields.get(usize::from(handle))
    }

    /// The field whose code is `code`, ignoring ASCII case and surrounding spaces.
    pub fn find(&self, code: &str) -> Option<(u16, &CustomField)> {
        let code = code.trim();
        self.fields()
            .find(|(_, f)| f.name.eq_ignore_ascii_case(code))
    }

    /// Adds `option` to the field's options unless one with its name is there already.
    pub fn add_option(&mut self, handle: u16, option: EnumValue) {
        if let Some(field) = self.fields.get_mut(usize::from(handle))
            && !field
                .values
                .iter()
                .any(|v| v.name.eq_ignore_ascii_case(&option.name))
        {
            field.values.push(option);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, kind: Kind) -> CustomField {
        CustomField {
            id: "5e0000000000000000000001".into(),
            name: name.into(),
            label: name.into(),
            description: None,
            kind,
            values: vec![EnumValue {
                name: "FULL_TIME".into(),
                label: "Full Time".into(),
            }],
            entity: Entity::Job,
            sensitive: NOT_SENSITIVE.into(),
            readonly: false,
            calc: None,
            expr: None,
            auto_add: false,
        }
    }

    #[test]
    fn fields_are_found_by_code_and_options_by_name_or_label() {
        let mut c = Catalogue::new(vec![field("workerCategory", Kind::Enum)]);
        let (handle, f) = c
            .find(" WORKERcategory ")
            .unwrap_or_else(|| panic!("found"));
        assert_eq!(handle, 0);
        assert_eq!(
            f.option("full time").map(|v| v.name.as_str()),
            Some("FULL_TIME")
        );
        assert_eq!(
            f.option(" full_time").map(|v| v.name.as_str()),
            Some("FULL_TIME")
        );
        assert!(f.option("Part Time").is_none());
        let part = EnumValue {
            name: "Part Time".into(),
            label: "Part Time".into(),
        };
        c.add_option(0, part.clone());
        c.add_option(0, part);
        assert_eq!(c.get(0).map(|f| f.values.len()), Some(2));
        assert!(c.find("nationalId").is_none());
    }

    #[test]
    fn kinds_parse_and_computed_fields_say_why() {
        assert_eq!(Kind::parse_custom("enum_multi"), Some(Kind::EnumMulti));
        assert_eq!(Kind::parse_custom("Number"), Some(Kind::Decimal));
        assert_eq!(Kind::Decimal.code(), "DECIMAL");
        assert_eq!(Kind::parse_custom("ADDRESS"), None);
        assert_eq!(Kind::parse_custom("EMAIL"), None, "not a custom kind");
        assert_eq!(Kind::Money.code(), "MONEY");
        let mut f = field("annualCost", Kind::Money);
        assert_eq!(f.not_importable(), None);
        f.expr = Some("base * 1.3".into());
        assert!(
            f.not_importable()
                .unwrap_or_default()
                .contains("expr `base * 1.3`")
        );
        f.expr = None;
        f.readonly = true;
        assert_eq!(f.not_importable().as_deref(), Some("it is read-only"));
    }
}
