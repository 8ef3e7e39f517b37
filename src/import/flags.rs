//! The query flags of each upload: the same for the real import and the server's dry run
//! (which differs only in `importDryRun`), least privilege from what the plan writes
//! (`updateTypes`, `disableSyncHireDate`), and the tag that makes an upload findable again.

use crate::charthop::ImportFlags;
use crate::plan::{ChangeFileRef, LoadedPlan};
use crate::settings::ImportSettings;

use super::ImportOptions;

/// The flags of one change file's upload, the same for the real import and the server's dry
/// run (which differs only in `importDryRun`).
pub fn flags(
    plan: &LoadedPlan,
    file: &ChangeFileRef,
    settings: &ImportSettings,
    options: &ImportOptions,
    tag: &str,
    dry_run: bool,
) -> ImportFlags {
    ImportFlags {
        upsert: file.upsert,
        create_groups: file.create_groups,
        skip_errors: settings.skip_errors,
        dry_run,
        import_source: Some(tag.to_string()),
        notify_app_name: settings.notify_app_name.clone(),
        notify_user_ids: options.notify_user_ids.clone(),
        default_change_date: Some(plan.doc.import.default_change_date.clone()),
        update_types: update_types(plan, file),
        disable_sync_hire_date: plan.doc.import.disable_sync_hire_date,
    }
}

/// `updateTypes` for `file`: the plan's kinds of update for updates and email changes (least
/// privilege); `None` (ChartHop's default, all kinds) for new hires and departures, which
/// create or end jobs rather than update fields, and for plans that recorded none.
fn update_types(plan: &LoadedPlan, file: &ChangeFileRef) -> Option<String> {
    let types = &plan.doc.import.update_types;
    let updates =
        file.name == crate::plan::UPDATES_FILE || file.name == crate::plan::EMAIL_CHANGES_FILE;
    (updates && !types.is_empty()).then(|| types.join(","))
}

/// The tag an upload of `file` carries (`importSource`): unique to the plan and the file.
pub(super) fn tag(settings: &ImportSettings, plan: &LoadedPlan, file: &str) -> String {
    format!(
        "{}:{}:{}",
        settings.import_source,
        &plan.hash[..12.min(plan.hash.len())],
        file
    )
}
