//! `[departures]`: what is done with the departures a mapping's `[departure]` section finds,
//! and how dates are written in the change files (`[import] date_format`).

use serde::Deserialize;

use super::SettingsError;

/// `[departures]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDepartures {
    hold: Option<bool>,
    backfill: Option<toml::Value>,
    default_type: Option<String>,
}

/// What is done with departures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepartureSettings {
    /// `departures.hold`: departures are planned and reported, and `departures.csv` is written
    /// for review, but `apply` does not upload it (default false: the mapping's
    /// `[departure]` decides).
    pub hold: bool,
    /// `departures.backfill`: ChartHop opens a backfill job for each departure (`backfillJob`).
    /// Default false: a payroll sync does not invent open jobs.
    pub backfill: bool,
    /// `departures.default_type`: the `Depart Type` of a departure whose row gives none
    /// (`Voluntary` or `Involuntary`); none by default (the column is then left blank).
    pub default_type: Option<String>,
}

pub(super) fn validate(raw: &RawDepartures) -> Result<DepartureSettings, SettingsError> {
    let backfill = match &raw.backfill {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(toml::Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" => true,
            "no" | "false" => false,
            other => {
                return Err(SettingsError::Invalid(format!(
                    "departures.backfill is `{other}`; it is `yes` or `no`"
                )));
            }
        },
        Some(other) => {
            return Err(SettingsError::Invalid(format!(
                "departures.backfill is `{other}`; it is `yes` or `no`"
            )));
        }
    };
    let default_type = match raw.default_type.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) if t.eq_ignore_ascii_case("voluntary") => Some("Voluntary".to_string()),
        Some(t) if t.eq_ignore_ascii_case("involuntary") => Some("Involuntary".to_string()),
        Some(other) => {
            return Err(SettingsError::Invalid(format!(
                "departures.default_type is `{other}`; ChartHop takes `Voluntary` or `Involuntary`"
            )));
        }
    };
    Ok(DepartureSettings {
        hold: raw.hold.unwrap_or(false),
        backfill,
        default_type,
    })
}

/// How dates are written in the change files (`[import] date_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateLayout {
    /// `m/d/yyyy` (`3/1/2021`), as ChartHop's import documentation writes dates. The default.
    #[default]
    MonthDayYear,
    /// ISO 8601 (`2021-03-01`).
    Iso,
}

impl DateLayout {
    /// Parses the setting: `m/d/yyyy` or `iso`.
    pub fn parse(text: &str) -> Result<DateLayout, SettingsError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "m/d/yyyy" | "" => Ok(DateLayout::MonthDayYear),
            "iso" | "yyyy-mm-dd" => Ok(DateLayout::Iso),
            other => Err(SettingsError::Invalid(format!(
                "import.date_format is `{other}`; it is `m/d/yyyy` (the default) or `iso`"
            ))),
        }
    }

    /// A day in this layout.
    pub fn write(self, day: chrono::NaiveDate) -> String {
        match self {
            DateLayout::MonthDayYear => day.format("%-m/%-d/%Y").to_string(),
            DateLayout::Iso => day.format("%Y-%m-%d").to_string(),
        }
    }
}
