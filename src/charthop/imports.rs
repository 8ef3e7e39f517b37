//! `importDataCsv`: uploading a change file.

use reqwest::Method;

use super::client::Client;
use super::error::ApiError;
use super::transport::Mode;
use super::wire::Process;

/// Query flags of an `importDataCsv` upload.
#[derive(Debug, Clone, Default)]
pub struct ImportFlags {
    pub upsert: bool,
    pub create_groups: bool,
    pub skip_errors: bool,
    pub dry_run: bool,
    pub import_source: Option<String>,
    pub notify_app_name: Option<String>,
    /// ChartHop user ids to email when the import ends.
    pub notify_user_ids: Vec<String>,
    /// `defaultChangeDate` (ISO 8601): the date of every row that carries none of its own.
    pub default_change_date: Option<String>,
    /// `updateTypes`: the kinds of update the import may make (`title,comp,...`); `None`: all.
    pub update_types: Option<String>,
    /// `disableSyncHireDate`: ChartHop does not move hire dates.
    pub disable_sync_hire_date: bool,
}

impl Client {
    /// Uploads a change file with `importDataCsv` and returns the process it started.
    ///
    /// Sends all six flags the spec marks required. Only a 429 is retried; a connection failure
    /// before anything was sent is [`ApiError::Unavailable`]; a failure after that, or a 5xx,
    /// is [`ApiError::UploadUnknown`] (the upload may have been applied).
    pub async fn import_csv(
        &self,
        file_name: &str,
        csv: Vec<u8>,
        flags: &ImportFlags,
    ) -> Result<Process, ApiError> {
        let path = format!("/v1/org/{}/import/csv/data", self.org_path());
        let mut params = vec![
            ("upsert", flags.upsert.to_string()),
            ("createGroups", flags.create_groups.to_string()),
            ("skipErrors", flags.skip_errors.to_string()),
            ("importDryRun", flags.dry_run.to_string()),
            (
                "disableSyncHireDate",
                flags.disable_sync_hire_date.to_string(),
            ),
            ("disableOverwritePerson", "false".to_string()),
        ];
        if let Some(s) = &flags.import_source {
            params.push(("importSource", s.clone()));
        }
        if let Some(d) = &flags.default_change_date {
            params.push(("defaultChangeDate", d.clone()));
        }
        if let Some(t) = &flags.update_types {
            params.push(("updateTypes", t.clone()));
        }
        if let Some(s) = &flags.notify_app_name {
            params.push(("notifyAppName", s.clone()));
        }
        if !flags.notify_user_ids.is_empty() {
            params.push(("notifyUserIds", flags.notify_user_ids.join(",")));
        }
        let file_name = file_name.to_string();
        self.call(Method::POST, &path, &params, Mode::Upload, move |req| {
            let part = reqwest::multipart::Part::bytes(csv.clone())
                .file_name(file_name.clone())
                .mime_str("text/csv")
                .map_err(|e| e.to_string())?;
            Ok(req.multipart(reqwest::multipart::Form::new().part("file", part)))
        })
        .await
    }
}
