//! The plain data of an org: the org itself, groups, users, people and jobs (with their
//! [`JobState`]), and how they are (de)serialized for the state file, and the table of the
//! built-in fields a person keeps as plain text ([`STORED`]), and where custom field values
//! are kept (`custom` on a person or a job). No lookups, validation or transitions here (see
//! `state` and `lifecycle`).
//!
//! Layering: the bottom of the org side; it uses only `dates` (ISO serde helpers).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The organization itself, as read from `org.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Org {
    /// 24-hex org id.
    pub id: String,
    /// URL slug, accepted in place of the id in paths.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// The kind of a group.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GroupKind {
    /// A department.
    Department,
    /// A work location.
    Location,
}

/// A department or location.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    /// 24-hex group id.
    pub id: String,
    /// Department or location.
    pub kind: GroupKind,
    /// Display name; matched case-insensitively.
    pub name: String,
}

/// A ChartHop user (login), kept for a later `findUsers`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    /// 24-hex user id.
    pub id: String,
    /// Login email.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// The employment type enum of ChartHop jobs.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Employment {
    /// Full time.
    Full,
    /// Part time.
    Part,
    /// Temporary.
    Temp,
    /// Contractor.
    Contract,
    /// Intern.
    Intern,
    /// Ex-pat.
    Expat,
}

impl Employment {
    const ALL: [(Employment, &'static str, &'static str); 6] = [
        (Employment::Full, "FULL", "Full Time"),
        (Employment::Part, "PART", "Part Time"),
        (Employment::Temp, "TEMP", "Temporary"),
        (Employment::Contract, "CONTRACT", "Contract"),
        (Employment::Intern, "INTERN", "Intern"),
        (Employment::Expat, "EXPAT", "Ex-Pat"),
    ];

    /// The API enum spelling, e.g. `FULL`.
    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(e, _, _)| *e == self)
            .map_or("FULL", |(_, code, _)| code)
    }

    /// Every type as `(code, label)`, e.g. `("FULL", "Full Time")`: the field's options.
    pub fn options() -> impl Iterator<Item = (&'static str, &'static str)> {
        Self::ALL.iter().map(|(_, code, label)| (*code, *label))
    }

    /// Parses the enum (`FULL`) or the UI label (`Full Time`), ignoring case; `None` otherwise.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Self::ALL
            .iter()
            .find(|(_, code, label)| {
                raw.eq_ignore_ascii_case(code) || raw.eq_ignore_ascii_case(label)
            })
            .map(|(e, _, _)| *e)
    }
}

/// The other built-in ChartHop fields the emulator keeps as plain text on the person, by
/// code (their labels, types and sensitivity are `builtin`'s). Matched like the others: by
/// code or label, ignoring case, spaces and dots. Custom fields are not here: they are the
/// org's catalogue (`catalogue`), their values `Person::custom` and `Job::custom`.
pub const STORED: [&str; 19] = [
    "name.middle",
    "name.prefLast",
    "contact.mobilePhone",
    "contact.homePhone",
    "base",
    "hourly",
    "currency",
    "birthdate",
    "gender",
    "ethnicity",
    "band",
    "company",
    "imageUrl",
    "workAddress.street1",
    "workAddress.city",
    "workAddress.state",
    "workAddress.country",
    "workAddress.postal",
    "remoteWorkAddress.country",
];

/// The person filling a job. Unset values are `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Person {
    /// 24-hex person id.
    pub id: String,
    /// Payroll employee id (`contact.employee`).
    pub employee_id: Option<String>,
    /// `name.first`.
    pub first_name: Option<String>,
    /// `name.last`.
    pub last_name: Option<String>,
    /// `name.pref`.
    pub pref_name: Option<String>,
    /// `contact.workEmail`: the import key, unique among filled jobs (case-insensitive).
    pub work_email: Option<String>,
    /// `contact.homeEmail`.
    pub home_email: Option<String>,
    /// `contact.workPhone`.
    pub work_phone: Option<String>,
    /// The other built-in fields the emulator stores as text ([`STORED`]),
    /// by canonical code.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub extra: std::collections::BTreeMap<String, String>,
    /// The values of the org's PERSON custom fields, by canonical code, as served (a string,
    /// number, boolean, `Money` object or list of option names).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom: std::collections::BTreeMap<String, serde_json::Value>,
    /// The last day worked: set while departing (job state DEPART) and on a former person
    /// (`personEndDate`, `endDateOrg`); cleared by a rehire.
    #[serde(
        default,
        with = "crate::dates::iso_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<NaiveDate>,
    /// A former person's last start date (`startDateOrg`); while in a job, the job's start date
    /// is theirs and this is `None`.
    #[serde(
        default,
        with = "crate::dates::iso_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date_org: Option<NaiveDate>,
}

/// Where a job stands: ChartHop's `state` (`OPEN | FILLED | DEPART | START`).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum JobState {
    /// No person (an open req or a backfill).
    Open,
    /// A person works in it.
    #[default]
    Filled,
    /// Its person is leaving: their end date is today or later.
    Depart,
    /// An announced hire holds it: their start date is after today.
    Start,
}

impl JobState {
    const ALL: [(JobState, &'static str); 4] = [
        (JobState::Open, "OPEN"),
        (JobState::Filled, "FILLED"),
        (JobState::Depart, "DEPART"),
        (JobState::Start, "START"),
    ];

    /// The API spelling, e.g. `DEPART`.
    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("FILLED", |(_, code)| code)
    }

    /// Every state's API spelling, in order.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(|(_, code)| *code)
    }

    /// Parses the API spelling ignoring case and surrounding spaces; `None` otherwise.
    pub fn parse(raw: &str) -> Option<JobState> {
        let raw = raw.trim();
        Self::ALL
            .iter()
            .find(|(_, code)| raw.eq_ignore_ascii_case(code))
            .map(|(s, _)| *s)
    }

    /// The `open` field: `filled` for FILLED and DEPART (someone works there today), `open` for
    /// OPEN and START.
    pub fn open_field(self) -> &'static str {
        match self {
            JobState::Filled | JobState::Depart => "filled",
            JobState::Open | JobState::Start => "open",
        }
    }
}

/// A job: a seat in the org chart, open when `person` is `None`. A person in a job lives in it;
/// a person without one (a former person) is kept by `history`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    /// 24-hex job id; rows are served sorted by it.
    pub id: String,
    /// The person in the job, `None` for an open job.
    pub person: Option<Person>,
    /// Job title.
    pub title: Option<String>,
    /// Department group id.
    pub department: Option<String>,
    /// Location group id.
    pub location: Option<String>,
    /// The manager's job id.
    pub manager: Option<String>,
    /// Start date: the person's org start on a job with a person (a rehire's new start), the
    /// planned date on an open job.
    #[serde(with = "crate::dates::iso_opt")]
    pub start_date: Option<NaiveDate>,
    /// Employment type.
    pub employment: Option<Employment>,
    /// OPEN, FILLED, DEPART or START (missing in older state files: made consistent with
    /// `person` when loaded).
    #[serde(default)]
    pub state: JobState,
    /// The values of the org's JOB custom fields, by canonical code, as served; they stay with
    /// the job when its person leaves.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom: std::collections::BTreeMap<String, serde_json::Value>,
}

impl Job {
    /// A job with this id and person and nothing else set: FILLED with a person, OPEN without.
    pub fn new(id: String, person: Option<Person>) -> Job {
        let state = if person.is_some() {
            JobState::Filled
        } else {
            JobState::Open
        };
        Job {
            id,
            person,
            title: None,
            department: None,
            location: None,
            manager: None,
            start_date: None,
            employment: None,
            state,
            custom: std::collections::BTreeMap::new(),
        }
    }
}
