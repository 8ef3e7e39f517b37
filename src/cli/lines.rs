//! One line for people on stderr, as prose or, with `--log-format json`, as a JSON object
//! shaped like the log's own events.

use std::io::Write;

/// Writes a line for people on stderr: as it is, or as a JSON object (`json`) with a
/// timestamp, the level and `fields` beside the message.
pub fn emit(json: bool, level: &str, message: &str, fields: Option<serde_json::Value>) {
    let mut err = std::io::stderr().lock();
    if !json {
        let _ = writeln!(err, "{message}");
        return;
    }
    let mut object = serde_json::Map::new();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    object.insert("timestamp".into(), now.into());
    object.insert("level".into(), level.into());
    object.insert("message".into(), message.into());
    if let Some(serde_json::Value::Object(extra)) = fields {
        object.extend(extra);
    }
    let _ = writeln!(err, "{}", serde_json::Value::Object(object));
}
