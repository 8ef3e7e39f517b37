//! Fault switches: ways to make the emulator misbehave like ChartHop on a bad day, set by
//! tests through [`Emulator::add_fault`](crate::Emulator::add_fault) and by people through
//! `POST /_emulator/faults`.
//!
//! A [`FaultRule`] names an operation (`findJobs`, `importDataCsv`, ..., or `*`), a
//! [`Fault`], and how many calls it affects. A call consumes one use of the first matching
//! rule that answers in its place (429, 5xx, 202, dropped upload), so such rules queue up in
//! the order they were added, and one use of every other matching rule (slow, handler
//! faults). This module decides which faults a call gets; the middleware (`middleware`) and
//! the handlers act on them.
//!
//! Layering: a leaf; it uses no other module of the crate.

use serde::{Deserialize, Serialize};

/// One way to misbehave.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Answer 429 `{"code":429,"message":"too many requests"}` with this `Retry-After`
    /// (delta-seconds such as `"2"`, or an HTTP date); no header when `None`.
    TooManyRequests {
        /// The `Retry-After` header value.
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// Answer this 5xx status with a `{code, message}` body.
    ServerError {
        /// 500..=599.
        status: u16,
    },
    /// Answer this 4xx status with a `{code, message}` body (e.g. 403 "permission denied" for a
    /// token without the access level, 400 "invalid data" for an import ChartHop rejects).
    ClientError {
        /// 400..=499.
        status: u16,
        /// The message in the body.
        message: String,
    },
    /// Answer 202 "snapshot currently building" (ChartHop's answer to reads while it rebuilds).
    SnapshotBuilding,
    /// Wait this long before handling the call (the call is then handled normally).
    Slow {
        /// Milliseconds.
        delay_ms: u64,
    },
    /// Answer no sooner than this long after the call arrived: a server whose response time
    /// is `ms`, its own work included (the work runs first, then the rest of the time is
    /// waited). What a benchmark's "pages x latency" assumes.
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// `importDataCsv`: the upload is accepted, but its process stays RUNNING forever and the
    /// rows are never applied.
    ProcessNeverFinishes,
    /// `importDataCsv`: the connection is dropped before the upload is read; nothing is
    /// applied and the client gets no answer.
    DropMidUpload,
    /// `importDataCsv`: the upload is accepted and its process runs (the rows ARE applied),
    /// but the connection is dropped instead of answering.
    DropAfterProcessCreated,
    /// `findJobs`, `findPersons`, `findFields`: answer an empty page whose `next` still leads
    /// on (no rows are lost).
    EmptyPage,
    /// `findJobs`, `findPersons`, `findFields`: answer with `next` equal to the `from` the
    /// client sent (a looping cursor).
    RepeatCursor,
}

impl Fault {
    /// Whether the middleware answers instead of the handler.
    pub fn short_circuits(&self) -> bool {
        matches!(
            self,
            Fault::TooManyRequests { .. }
                | Fault::ServerError { .. }
                | Fault::ClientError { .. }
                | Fault::SnapshotBuilding
                | Fault::DropMidUpload
        )
    }

    /// A short name for the request log, e.g. `server_error`.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::TooManyRequests { .. } => "too_many_requests",
            Fault::ServerError { .. } => "server_error",
            Fault::ClientError { .. } => "client_error",
            Fault::SnapshotBuilding => "snapshot_building",
            Fault::Slow { .. } => "slow",
            Fault::Latency { .. } => "latency",
            Fault::ProcessNeverFinishes => "process_never_finishes",
            Fault::DropMidUpload => "drop_mid_upload",
            Fault::DropAfterProcessCreated => "drop_after_process_created",
            Fault::EmptyPage => "empty_page",
            Fault::RepeatCursor => "repeat_cursor",
        }
    }

    /// Checks values a rule could not work with: a status outside 500..=599.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Fault::ServerError { status } if !(500..=599).contains(status) => Err(format!(
                "server_error status must be 500..=599, not {status}"
            )),
            Fault::ClientError { status, .. }
                if !(400..=499).contains(status) || *status == 429 =>
            {
                Err(format!(
                    "client_error status must be 400..=499 (429 is too_many_requests), not {status}"
                ))
            }
            _ => Ok(()),
        }
    }
}

/// A fault for some calls of one operation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// An operation id (`findJobs`, `findPersons`, `findChanges`, `importDataCsv`,
    /// `getProcess`, `updateProcess`, `getProcessEvents`, `findProcesses`, `findUsers`, `getMe`,
    /// `runInstalledApp`, `findFields`, `getBuiltinFields`) or `*` for all.
    pub operation: String,
    /// What happens.
    pub fault: Fault,
    /// How many more calls it affects; `None` for every call until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule for the next `times` calls of `operation`.
    pub fn new(operation: impl Into<String>, fault: Fault, times: u32) -> FaultRule {
        FaultRule {
            operation: operation.into(),
            fault,
            times: Some(times),
        }
    }

    /// A rule for every call of `operation` until cleared.
    pub fn always(operation: impl Into<String>, fault: Fault) -> FaultRule {
        FaultRule {
            operation: operation.into(),
            fault,
            times: None,
        }
    }
}

/// The operation ids the emulator implements.
pub const OPERATIONS: [&str; 13] = [
    "findJobs",
    "findPersons",
    "findChanges",
    "importDataCsv",
    "getProcess",
    "updateProcess",
    "getProcessEvents",
    "findProcesses",
    "findUsers",
    "getMe",
    "runInstalledApp",
    "findFields",
    "getBuiltinFields",
];

/// Checks a rule before it is stored: a known operation (or `*`) and a valid fault.
pub fn check(rule: &FaultRule) -> Result<(), String> {
    if rule.operation != "*" && !OPERATIONS.contains(&rule.operation.as_str()) {
        return Err(format!(
            "unknown operation `{}`; expected one of {} or `*`",
            rule.operation,
            OPERATIONS.join(", ")
        ));
    }
    rule.fault.validate()
}

/// Takes one use of the first matching short-circuiting rule and of every other matching
/// rule, and returns their faults in the order the rules were added; spent rules are removed.
pub fn take(rules: &mut Vec<FaultRule>, operation: &str) -> Vec<Fault> {
    let mut hit = Vec::new();
    let mut answered = false;
    for rule in rules.iter_mut() {
        if rule.operation != "*" && rule.operation != operation {
            continue;
        }
        if rule.times == Some(0) || (answered && rule.fault.short_circuits()) {
            continue;
        }
        answered |= rule.fault.short_circuits();
        match &mut rule.times {
            Some(0) => continue,
            Some(n) => *n -= 1,
            None => {}
        }
        hit.push(rule.fault.clone());
    }
    rules.retain(|r| r.times != Some(0));
    hit
}

/// The operation id of an API request, from its method and path; `None` for anything else.
pub fn operation(method: &str, path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match (method, segs.as_slice()) {
        ("GET", ["v2", "org", _, "job"]) => "findJobs",
        ("GET", ["v2", "org", _, "person"]) => "findPersons",
        ("GET", ["v1", "org", _, "change"]) => "findChanges",
        ("POST", ["v1", "org", _, "import", "csv", "data"]) => "importDataCsv",
        ("GET", ["v1", "org", _, "process"]) => "findProcesses",
        ("GET", ["v1", "org", _, "process", _]) => "getProcess",
        ("PATCH", ["v1", "org", _, "process", _]) => "updateProcess",
        ("GET", ["v1", "org", _, "process", _, "events"]) => "getProcessEvents",
        ("GET", ["v1", "user"]) => "findUsers",
        ("GET", ["v1", "user", "me"]) => "getMe",
        ("POST", ["v1", "app", "org", _, "install", _, "run"]) => "runInstalledApp",
        ("GET", ["v1", "org", _, "field"]) => "findFields",
        ("GET", ["v1", "org", _, "field", "built-in"]) => "getBuiltinFields",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_consumed_per_call_and_removed_when_spent() {
        let mut rules = vec![
            FaultRule::new("findJobs", Fault::SnapshotBuilding, 2),
            FaultRule::always("*", Fault::Slow { delay_ms: 1 }),
        ];
        assert_eq!(take(&mut rules, "findJobs").len(), 2);
        assert_eq!(
            take(&mut rules, "getProcess"),
            vec![Fault::Slow { delay_ms: 1 }]
        );
        assert_eq!(take(&mut rules, "findJobs").len(), 2);
        assert_eq!(
            take(&mut rules, "findJobs"),
            vec![Fault::Slow { delay_ms: 1 }]
        );
        assert_eq!(rules.len(), 1);
    }

    #[test]
    fn answering_rules_queue_up() {
        let mut rules = vec![
            FaultRule::new("*", Fault::SnapshotBuilding, 1),
            FaultRule::new("*", Fault::ServerError { status: 500 }, 1),
        ];
        assert_eq!(take(&mut rules, "findJobs"), vec![Fault::SnapshotBuilding]);
        assert_eq!(
            take(&mut rules, "findJobs"),
            vec![Fault::ServerError { status: 500 }]
        );
        assert!(take(&mut rules, "findJobs").is_empty());
    }

    #[test]
    fn operations_from_paths() {
        assert_eq!(operation("GET", "/v2/org/acme/job"), Some("findJobs"));
        assert_eq!(
            operation("PATCH", "/v1/org/a/process/p1"),
            Some("updateProcess")
        );
        assert_eq!(
            operation("POST", "/v1/app/org/a/install/u1/run"),
            Some("runInstalledApp")
        );
        assert_eq!(operation("GET", "/v1/user"), Some("findUsers"));
        assert_eq!(operation("GET", "/v2/org/a/person"), Some("findPersons"));
        assert_eq!(operation("GET", "/v1/org/a/change"), Some("findChanges"));
        assert_eq!(operation("GET", "/v1/org/a/field"), Some("findFields"));
        assert_eq!(
            operation("GET", "/v1/org/a/field/built-in"),
            Some("getBuiltinFields")
        );
        assert_eq!(operation("GET", "/v1/org/a/field/5e01"), None);
        assert_eq!(operation("DELETE", "/v2/org/acme/job"), None);
    }

    #[test]
    fn rules_parse_from_json_and_are_checked() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"operation":"findJobs","times":2,"fault":{"type":"too_many_requests","retry_after":"2"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rule.times, Some(2));
        assert!(check(&rule).is_ok());
        assert!(check(&FaultRule::new("nope", Fault::EmptyPage, 1)).is_err());
        assert!(check(&FaultRule::new("*", Fault::ServerError { status: 404 }, 1)).is_err());
    }
}
