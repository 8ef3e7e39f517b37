//! What an import column or a test can set on a job ([`Attr`]: the built-in fields; custom
//! fields are named by their catalogue handle instead), and a value checked against the org and
//! ready to store ([`Resolved`]).
//!
//! Plain data: the checks and the storing are `state`'s. Layering: above `model` (the
//! [`STORED`](crate::model::STORED) table, group kinds, employment types), `custom_value` (a
//! checked custom value) and `values`; below `state`.

use chrono::NaiveDate;

use crate::custom_value::CustomSet;
use crate::model::{Employment, GroupKind, STORED};

/// An attribute an import column or a test can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attr {
    /// `name.first`
    FirstName,
    /// `name.last`
    LastName,
    /// `name.pref`
    PrefName,
    /// `title`
    Title,
    /// `contact.workEmail`
    WorkEmail,
    /// `contact.homeEmail`
    HomeEmail,
    /// `contact.workPhone`
    WorkPhone,
    /// `contact.employee`
    EmployeeId,
    /// `department` (by group name)
    Department,
    /// `location` (by group name)
    Location,
    /// `manager.contact.workEmail` (the manager's work email)
    ManagerEmail,
    /// `manager` (the manager's job id)
    ManagerJobId,
    /// `startDate`
    StartDate,
    /// `employment`
    Employment,
    /// One of [`crate::model::STORED`], by index.
    Stored(u8),
}

impl Attr {
    /// The field code this attribute is reported under in process events.
    pub fn code(self) -> &'static str {
        match self {
            Attr::FirstName => "name.first",
            Attr::LastName => "name.last",
            Attr::PrefName => "name.pref",
            Attr::Title => "title",
            Attr::WorkEmail => "contact.workEmail",
            Attr::HomeEmail => "contact.homeEmail",
            Attr::WorkPhone => "contact.workPhone",
            Attr::EmployeeId => "contact.employee",
            Attr::Department => "department",
            Attr::Location => "location",
            Attr::ManagerEmail => "manager.contact.workEmail",
            Attr::ManagerJobId => "manager",
            Attr::StartDate => "startDate",
            Attr::Employment => "employment",
            Attr::Stored(i) => STORED.get(usize::from(i)).copied().unwrap_or_default(),
        }
    }
}

/// A validated value, ready for `OrgState::apply`.
#[derive(Clone, Debug)]
pub enum Resolved {
    /// A text attribute set to a value.
    Text(Attr, String),
    /// A group assignment; `Err(name)` means the group is created on apply.
    Group(GroupKind, Result<String, String>),
    /// The manager's job id.
    Manager(String),
    /// A start date.
    Date(NaiveDate),
    /// An employment type.
    Employment(Employment),
    /// Clears the attribute.
    Clear(Attr),
    /// A custom field's value.
    Custom(CustomSet),
}

impl Resolved {
    /// The canonical text of the value, for process events.
    pub fn display(&self) -> String {
        match self {
            Resolved::Text(_, v) | Resolved::Manager(v) => v.clone(),
            Resolved::Group(_, Ok(id) | Err(id)) => id.clone(),
            Resolved::Date(d) => d.to_string(),
            Resolved::Employment(e) => e.code().to_string(),
            Resolved::Clear(_) => String::new(),
            Resolved::Custom(set) => crate::values::text(&set.value),
        }
    }
}

impl Attr {
    /// Every attribute but the stored ones, for [`Attr::from_code`].
    const NAMED: [Attr; 14] = [
        Attr::FirstName,
        Attr::LastName,
        Attr::PrefName,
        Attr::Title,
        Attr::WorkEmail,
        Attr::HomeEmail,
        Attr::WorkPhone,
        Attr::EmployeeId,
        Attr::Department,
        Attr::Location,
        Attr::ManagerEmail,
        Attr::ManagerJobId,
        Attr::StartDate,
        Attr::Employment,
    ];

    /// The attribute reported under `code` (the inverse of [`Attr::code`], exact spelling);
    /// `None` for any other text. Scheduled changes store their fields by code.
    pub fn from_code(code: &str) -> Option<Attr> {
        Self::NAMED
            .into_iter()
            .find(|a| a.code() == code)
            .or_else(|| {
                let i = STORED.iter().position(|c| *c == code)?;
                Some(Attr::Stored(u8::try_from(i).ok()?))
            })
    }

    /// Whether the attribute belongs to the person (names, contacts, stored fields) rather
    /// than to the job.
    pub fn is_person(self) -> bool {
        !matches!(
            self,
            Attr::Title
                | Attr::Department
                | Attr::Location
                | Attr::ManagerEmail
                | Attr::ManagerJobId
                | Attr::StartDate
                | Attr::Employment
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for attr in Attr::NAMED
            .into_iter()
            .chain([Attr::Stored(0), Attr::Stored(4)])
        {
            assert_eq!(Attr::from_code(attr.code()), Some(attr));
        }
        assert_eq!(Attr::from_code("Title"), None);
        assert!(Attr::WorkEmail.is_person() && !Attr::Title.is_person());
    }
}
