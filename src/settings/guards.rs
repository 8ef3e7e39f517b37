//! `[guards]`: the safety guards' limits, each a share of the roster with a floor and a cap.

use serde::Deserialize;

use super::SettingsError;
use crate::guard::{Guards, Limit};

/// `[guards]`: each category as `<name>_share`, `<name>_floor`, `<name>_max`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGuards {
    new_hires_share: Option<f64>,
    new_hires_floor: Option<usize>,
    new_hires_max: Option<usize>,
    rehires_share: Option<f64>,
    rehires_floor: Option<usize>,
    rehires_max: Option<usize>,
    email_changes_share: Option<f64>,
    email_changes_floor: Option<usize>,
    email_changes_max: Option<usize>,
    updates_share: Option<f64>,
    updates_floor: Option<usize>,
    updates_max: Option<usize>,
    departures_share: Option<f64>,
    departures_floor: Option<usize>,
    departures_max: Option<usize>,
    sensitive_updates_share: Option<f64>,
    sensitive_updates_floor: Option<usize>,
    sensitive_updates_max: Option<usize>,
    left_out_share: Option<f64>,
    left_out_floor: Option<usize>,
    left_out_max: Option<usize>,
    min_export_share: Option<f64>,
}

pub(super) fn validate_guards(g: &RawGuards) -> Result<Guards, SettingsError> {
    let d = Guards::default();
    let limit = |name: &str,
                 base: Limit,
                 share: Option<f64>,
                 floor: Option<usize>,
                 max: Option<usize>| {
        let share = share.unwrap_or(base.share);
        if !(0.0..=1.0).contains(&share) {
            return Err(SettingsError::Invalid(format!(
                "guards.{name}_share is {share}; it is a share of the roster between 0 and 1 (0.05 = 5%)"
            )));
        }
        Ok(Limit {
            share,
            floor: floor.unwrap_or(base.floor),
            max: max.or(base.max),
        })
    };
    let min_export_share = g.min_export_share.unwrap_or(d.min_export_share);
    if !(0.0..=1.0).contains(&min_export_share) {
        return Err(SettingsError::Invalid(format!(
            "guards.min_export_share is {min_export_share}; it must be between 0 and 1"
        )));
    }
    Ok(Guards {
        new_hires: limit(
            "new_hires",
            d.new_hires,
            g.new_hires_share,
            g.new_hires_floor,
            g.new_hires_max,
        )?,
        rehires: limit(
            "rehires",
            d.rehires,
            g.rehires_share,
            g.rehires_floor,
            g.rehires_max,
        )?,
        email_changes: limit(
            "email_changes",
            d.email_changes,
            g.email_changes_share,
            g.email_changes_floor,
            g.email_changes_max,
        )?,
        updates: limit(
            "updates",
            d.updates,
            g.updates_share,
            g.updates_floor,
            g.updates_max,
        )?,
        departures: limit(
            "departures",
            d.departures,
            g.departures_share,
            g.departures_floor,
            g.departures_max,
        )?,
        sensitive_updates: limit(
            "sensitive_updates",
            d.sensitive_updates,
            g.sensitive_updates_share,
            g.sensitive_updates_floor,
            g.sensitive_updates_max,
        )?,
        left_out: limit(
            "left_out",
            d.left_out,
            g.left_out_share,
            g.left_out_floor,
            g.left_out_max,
        )?,
        min_export_share,
    })
}
