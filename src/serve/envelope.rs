//! ChartHop's webhook envelope, parsed leniently: ChartHop documents it only loosely, so any
//! casing of the documented names is accepted, the event code is derived from whatever parts
//! are present, and a body may hold one event or a list.

use serde_json::Value;

/// One event, reduced to what the server acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `entity.type[.subtype]`, lower-cased, e.g. `process.create.payroll-sync`.
    pub code: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub process_id: Option<String>,
    pub job_id: Option<String>,
}

impl Event {
    /// For a `process.create.<app>` event: the process id (`entityId`, else `processId`).
    pub fn process_to_run(&self, app_name: &str) -> Option<&str> {
        let wanted = format!("process.create.{}", app_name.to_ascii_lowercase());
        if self.code == wanted {
            self.entity_id.as_deref().or(self.process_id.as_deref())
        } else {
            None
        }
    }

    /// For a `process.create.*` event of another app.
    pub fn is_other_app_process(&self) -> bool {
        self.code.starts_with("process.create.")
    }

    /// For `job.*`, `person.*` and `change.*` events: the job to fetch.
    pub fn job_to_fetch(&self) -> Option<&str> {
        let entity = self.code.split('.').next().unwrap_or("");
        if !matches!(entity, "job" | "person" | "change") {
            return None;
        }
        self.job_id.as_deref().or(if entity == "job" {
            self.entity_id.as_deref()
        } else {
            None
        })
    }
}

/// Why a body is not an event.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body is neither an event object nor a list of them")]
    NotAnEvent,
}

/// Parses a webhook body into events. Never panics, whatever the bytes.
pub fn parse(body: &[u8]) -> Result<Vec<Event>, EnvelopeError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| EnvelopeError::NotJson(e.to_string()))?;
    match value {
        Value::Object(_) => Ok(vec![event(&value)?]),
        Value::Array(items) => items.iter().map(event).collect(),
        _ => Err(EnvelopeError::NotAnEvent),
    }
}

fn event(v: &Value) -> Result<Event, EnvelopeError> {
    let Value::Object(map) = v else {
        return Err(EnvelopeError::NotAnEvent);
    };
    // Keys compared without case, `_` or `-`: `entityType`, `entitytype`, `entity_type`.
    let get = |names: &[&str]| -> Option<String> {
        map.iter().find_map(|(k, v)| {
            let k: String = k
                .chars()
                .filter(|c| *c != '_' && *c != '-')
                .collect::<String>()
                .to_ascii_lowercase();
            if names.contains(&k.as_str()) {
                match v {
                    Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            } else {
                None
            }
        })
    };
    let entity_type = get(&["entitytype"]);
    let kind = get(&["type", "eventtype"]);
    let subtype = get(&["subtype"]);
    let code = match (get(&["code"]), &kind) {
        (Some(code), _) => code,
        (None, Some(t)) if t.contains('.') => t.clone(),
        (None, Some(t)) => {
            let mut parts: Vec<&str> = Vec::new();
            if let Some(e) = &entity_type {
                parts.push(e);
            }
            parts.push(t);
            if let Some(s) = &subtype {
                parts.push(s);
            }
            parts.join(".")
        }
        (None, None) => return Err(EnvelopeError::NotAnEvent),
    };
    Ok(Event {
        code: code.to_ascii_lowercase(),
        entity_type: entity_type.map(|e| e.to_ascii_lowercase()),
        entity_id: get(&["entityid"]),
        process_id: get(&["processid"]),
        job_id: get(&["jobid"]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_shapes_in_any_casing() {
        let e = parse(
            br#"{"type":"process.create.payroll-sync","entityType":"process","entityId":"p1"}"#,
        )
        .unwrap();
        assert_eq!(e[0].process_to_run("payroll-sync"), Some("p1"));
        let e = parse(br#"{"Type":"CREATE","EntityType":"PROCESS","subtype":"Payroll-Sync","process_id":"p2"}"#).unwrap();
        assert_eq!(e[0].code, "process.create.payroll-sync");
        assert_eq!(e[0].process_to_run("payroll-sync"), Some("p2"));
        let e = parse(
            br#"[{"code":"job.update","entityId":"j1"},{"type":"person.update","jobId":"j2"}]"#,
        )
        .unwrap();
        assert_eq!(e[0].job_to_fetch(), Some("j1"));
        assert_eq!(e[1].job_to_fetch(), Some("j2"));
    }

    #[test]
    fn other_apps_and_junk() {
        let e = parse(br#"{"code":"process.create.other-app","entityId":"p"}"#).unwrap();
        assert_eq!(e[0].process_to_run("payroll-sync"), None);
        assert!(e[0].is_other_app_process());
        assert!(matches!(
            parse(b"{not json"),
            Err(EnvelopeError::NotJson(_))
        ));
        assert_eq!(parse(b"42"), Err(EnvelopeError::NotAnEvent));
        assert_eq!(
            parse(br#"{"hello":"world"}"#),
            Err(EnvelopeError::NotAnEvent)
        );
    }
}
