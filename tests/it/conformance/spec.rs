//! ChartHop's OpenAPI files, where to find them, and a validator for the JSON-schema subset
//! they use: `$ref`, `type`, `required`, `properties`, `additionalProperties`, `items`, `enum`,
//! `format: date`. Two readings are deliberate and stated here:
//! - a bare `{type: object}` (no properties, no additionalProperties) is how the Swagger
//!   converter renders Java's `Object`, so it accepts any JSON value (e.g. `findJobs` rows
//!   hold strings and numbers under `additionalProperties: {type: object}`);
//! - `Process.status` may be `DONE_WITH_ERRORS`: the schema's enum lists four values, but
//!   ChartHop's own `findProcesses` filter and its UI know a fifth, for an import that skipped
//!   some rows (`skipErrors=true`).
//!
//! The files are ChartHop's, so they are not in this repository: `CHARTHOP_OPENAPI_DIR` names
//! the folder holding them (see [`spec_dir`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use charthop_emulator::RequestRecord;
use serde_json::{Map, Value, json};
use yaml_rust2::{Yaml, YamlLoader};

use crate::support::root;

/// The variable naming the folder of ChartHop's OpenAPI files.
pub const SPEC_DIR_VAR: &str = "CHARTHOP_OPENAPI_DIR";
/// Where the folder is looked for when the variable is not set, from the repository's root.
const DEFAULT_DIR: &str = "../shared/charthop-openapi";

/// The folder of ChartHop's OpenAPI files for the test `test`, or `None` when there is none:
/// the test is then skipped, and says so in one line on stderr (written past libtest's capture,
/// so it shows in a normal run) with how to run it.
///
/// The folder is `CHARTHOP_OPENAPI_DIR` when that is set, and must then exist: a run that sets
/// it (CI's `.ci/run` does) never skips, and fails when the folder is missing. Unset, the
/// folder is `../shared/charthop-openapi` beside the repository, when that exists.
pub fn spec_dir(test: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SPEC_DIR_VAR) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{SPEC_DIR_VAR}=`{}` is not a folder: it must hold ChartHop's OpenAPI files \
             (charthop-*-api-openapi.yml); unset it to skip the conformance tests",
            dir.display()
        );
        return Some(dir);
    }
    let default = root().join(DEFAULT_DIR);
    if default.is_dir() {
        return Some(default);
    }
    let _ = writeln!(
        std::io::stderr(),
        "conformance::{test}: skipped: ChartHop's OpenAPI files are not in {DEFAULT_DIR} beside the \
         repository; run it with {SPEC_DIR_VAR}=/path/to/charthop-openapi"
    );
    None
}

/// One OpenAPI file as JSON.
pub struct Spec {
    name: String,
    doc: Value,
}

/// Reads `file` from `dir`; panics (a test failure) when it is missing or not YAML.
pub fn load(dir: &Path, file: &str) -> Spec {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    Spec {
        name: file.to_string(),
        doc: to_json(docs.first().unwrap_or(&Yaml::Null)),
    }
}

fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(r) => r.parse::<f64>().map(Value::from).unwrap_or(Value::Null),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect::<Map<String, Value>>(),
        ),
        _ => Value::Null,
    }
}

/// An operation: its method, path template and definition.
pub struct Operation<'a> {
    pub method: String,
    pub path: String,
    pub def: &'a Value,
}

impl Spec {
    pub fn operation(&self, id: &str) -> Operation<'_> {
        let paths = self.doc["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, def) in item.as_object().into_iter().flatten() {
                if def["operationId"] == id {
                    return Operation {
                        method: method.to_uppercase(),
                        path: path.clone(),
                        def,
                    };
                }
            }
        }
        panic!("{}: no operation `{id}`", self.name)
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r
                    .strip_prefix("#/components/schemas/")
                    .expect("a local $ref");
                let target = &self.doc["components"]["schemas"][name];
                assert!(!target.is_null(), "{}: dangling $ref {r}", self.name);
                self.resolve(target)
            }
            None => schema,
        }
    }

    /// Every way `value` breaks `schema`, as `path: problem` lines.
    pub fn validate(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let is_bare_object = schema["type"] == "object"
            && schema.get("properties").is_none()
            && schema.get("additionalProperties").is_none();
        if is_bare_object {
            return;
        }
        if let Some(options) = schema["enum"].as_array() {
            let status_extra = value == "DONE_WITH_ERRORS"
                && options.contains(&json!("DONE"))
                && options.contains(&json!("ERROR"));
            if !options.contains(value) && !status_extra {
                errors.push(format!("{at}: {value} not in {options:?}"));
            }
        }
        let ok = match schema["type"].as_str() {
            None => true,
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            Some(other) => panic!("{at}: schema type `{other}` is not handled"),
        };
        if !ok {
            errors.push(format!("{at}: expected {}, got {value}", schema["type"]));
            return;
        }
        if schema["format"] == "date"
            && let Some(s) = value.as_str()
            && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
        {
            errors.push(format!("{at}: `{s}` is not a date"));
        }
        if let Some(obj) = value.as_object() {
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap_or_default();
                if !obj.contains_key(key) {
                    errors.push(format!("{at}: missing required `{key}`"));
                }
            }
            let props = schema["properties"].as_object();
            for (key, v) in obj {
                let sub = format!("{at}.{key}");
                match props.and_then(|p| p.get(key)) {
                    Some(s) => self.validate(s, v, &sub, errors),
                    None => match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            errors.push(format!("{sub}: not a declared property"))
                        }
                        Some(s) if s.is_object() => self.validate(s, v, &sub, errors),
                        _ => {}
                    },
                }
            }
        }
        if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
            for (i, v) in values.iter().enumerate() {
                self.validate(items, v, &format!("{at}[{i}]"), errors);
            }
        }
    }

    /// Checks a 2xx answer of operation `id` against its declared JSON schema.
    pub fn check_response(&self, id: &str, status: u16, body: &Value) {
        let op = self.operation(id);
        let response = &op.def["responses"][status.to_string()];
        assert!(
            !response.is_null(),
            "{id}: status {status} is not declared in {}",
            self.name
        );
        let schema = &response["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "{id} {status}: no JSON schema declared");
        let mut errors = Vec::new();
        self.validate(schema, body, id, &mut errors);
        assert!(errors.is_empty(), "{id} {status}:\n{}", errors.join("\n"));
    }

    /// Checks a logged request against operation `id`: method, path shape, and every query
    /// parameter declared, typed as declared, and the required ones present.
    pub fn check_request(&self, id: &str, r: &RequestRecord) {
        let op = self.operation(id);
        assert_eq!(r.method, op.method, "{id}");
        let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = r.path.trim_matches('/').split('/').collect();
        assert_eq!(
            template.len(),
            actual.len(),
            "{id}: {} vs {}",
            r.path,
            op.path
        );
        for (t, a) in template.iter().zip(&actual) {
            assert!(
                t.starts_with('{') || t == a,
                "{id}: {} vs {}",
                r.path,
                op.path
            );
        }
        let params: Vec<&Value> = op.def["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .collect();
        for (name, value) in &r.query_map {
            let declared = params
                .iter()
                .find(|p| p["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{id}: query parameter `{name}` is not declared"));
            let schema = &declared["schema"];
            let ok = match schema["type"].as_str() {
                Some("boolean") => value == "true" || value == "false",
                Some("integer") => value.parse::<i32>().is_ok(),
                Some("string") if schema["format"] == "date" => {
                    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
                }
                Some("string") => schema["enum"]
                    .as_array()
                    .is_none_or(|e| e.contains(&json!(value))),
                other => panic!("{id}: parameter type {other:?} is not handled"),
            };
            assert!(ok, "{id}: `{name}={value}` is not a valid {schema}");
        }
        for p in params.iter().filter(|p| p["required"] == true) {
            let name = p["name"].as_str().unwrap_or_default();
            assert!(
                r.query_map.contains_key(name),
                "{id}: required query parameter `{name}` was not sent"
            );
        }
    }
}
