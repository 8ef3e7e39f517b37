//! A small JSON Schema validator for the keywords `schemas/plan.schema.json` uses, and the
//! test that checks it. A keyword it does not know is an error, so the schema can never rely
//! on a rule that is silently skipped.

use serde_json::Value;

const KNOWN: [&str; 15] = [
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "minimum",
    "pattern",
];

/// The plan schema, parsed.
pub fn plan_schema() -> Value {
    let text = std::fs::read_to_string(crate::support::root().join("schemas/plan.schema.json"))
        .expect("schemas/plan.schema.json exists");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// Every violation of `schema` by `doc`, each with its JSON pointer; empty when valid.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "", &mut errors);
    errors
}

fn check(root: &Value, schema: &Value, doc: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(rules) = schema.as_object() else {
        errors.push(format!("{at}: the schema here is not an object"));
        return;
    };
    for key in rules.keys() {
        if !KNOWN.contains(&key.as_str()) {
            errors.push(format!("{at}: unsupported schema keyword `{key}`"));
        }
    }
    if let Some(r) = rules.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix("#/$defs/")
            .and_then(|name| root["$defs"].get(name));
        match target {
            Some(t) => check(root, t, doc, at, errors),
            None => errors.push(format!("{at}: unresolved $ref `{r}`")),
        }
    }
    if let Some(t) = rules.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.iter().any(|t| is_type(doc, t)) {
            errors.push(format!("{at}: expected {types:?}, got {doc}"));
            return;
        }
    }
    if let Some(allowed) = rules.get("enum").and_then(Value::as_array)
        && !allowed.contains(doc)
    {
        errors.push(format!("{at}: {doc} is not one of {allowed:?}"));
    }
    if let Some(c) = rules.get("const")
        && c != doc
    {
        errors.push(format!("{at}: expected {c}, got {doc}"));
    }
    if let (Some(min), Some(n)) = (rules.get("minimum").and_then(Value::as_f64), doc.as_f64())
        && n < min
    {
        errors.push(format!("{at}: {n} is below {min}"));
    }
    if let (Some(p), Some(s)) = (rules.get("pattern").and_then(Value::as_str), doc.as_str()) {
        match regex::Regex::new(p) {
            Ok(re) if re.is_match(s) => {}
            Ok(_) => errors.push(format!("{at}: `{s}` does not match `{p}`")),
            Err(e) => errors.push(format!("{at}: bad pattern `{p}`: {e}")),
        }
    }
    if let Some(obj) = doc.as_object() {
        let props = rules.get("properties").and_then(Value::as_object);
        for name in rules
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(name) {
                errors.push(format!("{at}: missing `{name}`"));
            }
        }
        for (k, v) in obj {
            let here = format!("{at}/{k}");
            match (
                props.and_then(|p| p.get(k)),
                rules.get("additionalProperties"),
            ) {
                (Some(s), _) => check(root, s, v, &here, errors),
                (None, Some(Value::Bool(false))) => {
                    errors.push(format!("{at}: unexpected property `{k}`"))
                }
                (None, Some(s @ Value::Object(_))) => check(root, s, v, &here, errors),
                (None, _) => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (rules.get("items"), doc.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            check(root, items, v, &format!("{at}/{i}"), errors);
        }
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

/// Panics with every violation when `doc` does not follow the plan schema.
pub fn assert_valid_plan(doc: &Value) {
    let errors = validate(&plan_schema(), doc);
    assert!(
        errors.is_empty(),
        "plan.json breaks its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_validator_catches_what_the_schema_forbids() {
    let schema = plan_schema();
    assert!(
        validate(&schema, &schema["$defs"]["row"]).len() > 1,
        "a schema is not a row"
    );
    let good = serde_json::json!({"row": 2, "category": "update", "name": "A", "matched": "m",
        "changes": [{"field": "title", "old": "a", "new": "b"}], "termination_date": "2026-04-30"});
    let row = serde_json::json!({"$ref": "#/$defs/row"});
    let check_row = |v: &Value| {
        let mut e = Vec::new();
        check(&schema, &row, v, "", &mut e);
        e
    };
    assert_eq!(check_row(&good), Vec::<String>::new());
    for (bad, why) in [
        (
            serde_json::json!({"row": 2, "category": "promoted", "name": "A", "matched": "m"}),
            "not one of",
        ),
        (
            serde_json::json!({"row": 0, "category": "update", "name": "A", "matched": "m"}),
            "below",
        ),
        (
            serde_json::json!({"row": 2, "category": "update", "matched": "m"}),
            "missing `name`",
        ),
        (
            serde_json::json!({"row": 2, "category": "update", "name": "A", "matched": "m", "x": 1}),
            "unexpected property",
        ),
        (
            serde_json::json!({"row": 2, "category": "update", "name": "A", "matched": "m", "termination_date": "30/04/2026"}),
            "does not match",
        ),
        (
            serde_json::json!({"row": "2", "category": "update", "name": "A", "matched": "m"}),
            "expected",
        ),
    ] {
        let errors = check_row(&bad);
        assert!(errors.iter().any(|e| e.contains(why)), "{bad}: {errors:?}");
    }
    let unknown = serde_json::json!({"oneOf": []});
    assert!(validate(&unknown, &Value::Null)[0].contains("unsupported"));
}
