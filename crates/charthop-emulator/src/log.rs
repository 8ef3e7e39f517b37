//! The request log's records: every API request (also the rejected ones) with what came in
//! and the status that went out, plus the CSV uploads. The middleware that fills it is
//! `middleware`; `shared` holds it.
//!
//! Layering: plain data, a leaf; it uses no other module of the crate.

use std::collections::BTreeMap;

use serde::Serialize;

/// One request as the emulator saw it.
#[derive(Clone, Debug, Serialize)]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// The path, e.g. `/v2/org/acme/job`.
    pub path: String,
    /// The raw query string (still percent-encoded), if any.
    pub query: Option<String>,
    /// The decoded query parameters; for a repeated name, the last value.
    pub query_map: BTreeMap<String, String>,
    /// The operation id (`findJobs`, `importDataCsv`, ...), when the path is one the emulator
    /// implements.
    pub operation: Option<String>,
    /// The response status (what the handler answered, even when the connection was dropped);
    /// 499 when the client went away before the answer was ready (e.g. it timed out).
    pub status: u16,
    /// The fault switches that affected this call, by name (e.g. `too_many_requests`).
    pub faults: Vec<String>,
    /// Whether a fault dropped the connection instead of answering.
    pub dropped: bool,
    /// For an accepted `importDataCsv`, what was uploaded.
    pub upload: Option<UploadRecord>,
}

/// The flags of an `importDataCsv` call: the ones it acts on (`upsert`, `createGroups`,
/// `skipErrors`, `importDryRun`, `defaultChangeDate`) and the ones it only records.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ImportFlags {
    /// `upsert`
    pub upsert: bool,
    /// `createGroups`
    pub create_groups: bool,
    /// `skipErrors`
    pub skip_errors: bool,
    /// `importDryRun`
    pub import_dry_run: bool,
    /// `notifyUserIds` (recorded only)
    pub notify_user_ids: Option<String>,
    /// `notifyAppName` (recorded only)
    pub notify_app_name: Option<String>,
    /// `importSource` (recorded only)
    pub import_source: Option<String>,
    /// `parentProcessId` (echoed on the process)
    pub parent_process_id: Option<String>,
    /// `defaultChangeDate` (ISO): the effective date of rows without a `Date` column
    pub default_change_date: Option<String>,
    /// `updateTypes` (recorded only)
    pub update_types: Option<String>,
    /// `disableSyncHireDate` (recorded only)
    pub disable_sync_hire_date: bool,
    /// `disableOverwritePerson` (recorded only)
    pub disable_overwrite_person: bool,
}

/// One accepted CSV upload.
#[derive(Clone, Debug, Serialize)]
pub struct UploadRecord {
    /// The id of the process created for it.
    pub process_id: String,
    /// The query flags.
    pub flags: ImportFlags,
    /// The multipart file name, if the client sent one.
    pub file_name: Option<String>,
    /// The CSV text (BOM stripped).
    pub csv: String,
    /// The data rows as raw header -> cell maps.
    pub rows: Vec<BTreeMap<String, String>>,
}
