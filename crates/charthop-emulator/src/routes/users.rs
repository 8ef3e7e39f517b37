//! `findUsers`: `GET /v1/user` with `orgId`, `ids`, `q`, `sort`, `from`, `limit`; and
//! `getMe`: `GET /v1/user/me`, the token's user (the installed app's).
//!
//! Users are the seed's people logins plus the installed app's user (type `APP`). Every user
//! has joined (`inviteStatus=JOINED` keeps them all; `INVITED`/`NOT_INVITED` none).

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::query::{last_param, query_pairs};
use crate::shared::{ApiError, Shared};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// `{"data":[User], "next"?}`, sorted by `sort` (default `id`; see [`SORT_KEYS`]). 400 for a
/// bad `limit`, `sort` or `inviteStatus`; 404 when `orgId` names another org.
pub async fn find_users(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = query_pairs(raw.as_deref());
    let param = |name: &str| last_param(&params, name);
    if let Some(org) = param("orgId") {
        shared.check_org(org)?;
    }
    let limit = super::limit(param("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let joined = match param("inviteStatus")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("JOINED") => true,
        Some("INVITED" | "NOT_INVITED") => false,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "inviteStatus `{other}` must be INVITED, JOINED or NOT_INVITED"
            )));
        }
    };
    let mut users = all_users(&shared);
    if !joined {
        users.clear();
    }
    if let Some(ids) = param("ids") {
        let wanted: Vec<&str> = ids.split(',').map(str::trim).collect();
        users.retain(|u| wanted.contains(&text(u, "id").as_str()));
    }
    if let Some(q) = param("q").map(str::to_lowercase).filter(|q| !q.is_empty()) {
        users.retain(|u| {
            let name = format!("{} {}", text(&u["name"], "first"), text(&u["name"], "last"));
            name.to_lowercase().contains(&q) || text(u, "email").to_lowercase().contains(&q)
        });
    }
    sort(&mut users, param("sort").unwrap_or("id"))?;
    if let Some(from) = param("from").filter(|f| !f.is_empty()) {
        match users.iter().position(|u| text(u, "id") == from) {
            Some(i) => drop(users.drain(..=i)),
            None => users.clear(),
        }
    }
    let more = users.len() > limit;
    users.truncate(limit);
    let mut body = json!({ "data": users });
    if more
        && let Some(last) = body["data"]
            .as_array()
            .and_then(|d| d.last())
            .map(|u| text(u, "id"))
    {
        body["next"] = Value::String(last);
    }
    Ok(Json(body))
}

/// Every user as a `User` object.
/// `getMe`: the user the token belongs to, which is the installed app's user (a `User` with
/// `type` `APP`). Needs no org: a client asks it to tell a wrong org from a wrong base URL.
pub async fn get_me(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let app_user = shared.app.app_user_id.clone();
    let me = all_users(&shared)
        .into_iter()
        .find(|u| text(u, "id") == app_user)
        .unwrap_or_else(|| json!({"id": app_user, "type": "APP"}));
    Json(me)
}

fn all_users(shared: &Shared) -> Vec<Value> {
    let state = crate::shared::read(&shared.org);
    let org_id = state.org.id.clone();
    let mut users: Vec<Value> = state
        .users()
        .iter()
        .map(|u| {
            json!({
                "id": u.id,
                "name": {"first": u.first_name, "last": u.last_name},
                "email": u.email,
                "type": "USER",
                "status": "NORMAL",
                "orgs": [{"orgId": org_id, "access": "MEMBER"}],
            })
        })
        .collect();
    let app = &shared.app;
    users.push(json!({
        "id": app.app_user_id,
        "appId": app.app_id,
        "name": {"first": app.name, "last": "(app)"},
        "type": "APP",
        "status": "NORMAL",
        "orgs": [{"orgId": org_id, "access": "PRIMARY"}],
    }));
    users
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The sort keys the spec documents for `findUsers`.
const SORT_KEYS: [&str; 6] = [
    "id",
    "name",
    "email",
    "inviteStatus",
    "activeAt",
    "updateAt",
];

/// Sorts by one of [`SORT_KEYS`] (`name`: last, then first name), ties in id order; a leading
/// `-` reverses. Every user here has joined and none carries an activity or update time, so
/// `inviteStatus`, `activeAt` and `updateAt` leave the id order. 400 for any other key.
fn sort(users: &mut [Value], spec: &str) -> Result<(), ApiError> {
    let (desc, key) = match spec.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, spec),
    };
    if !SORT_KEYS.contains(&key) {
        return Err(ApiError::bad_request(format!(
            "sort `{spec}` must be one of {} (with `-` for descending)",
            SORT_KEYS.join(", ")
        )));
    }
    let key_of = |u: &Value| -> String {
        match key {
            "name" => format!(
                "{}\u{1f}{}",
                text(&u["name"], "last").to_lowercase(),
                text(&u["name"], "first").to_lowercase()
            ),
            "email" => text(u, "email").to_lowercase(),
            "id" => String::new(),
            other => text(u, other),
        }
    };
    users.sort_by_cached_key(|u| (key_of(u), text(u, "id")));
    if desc {
        users.reverse();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_sort_key_is_accepted_and_others_are_not() {
        let mut users = vec![
            json!({"id": "b", "name": {"first": "Zoe", "last": "Adams"}, "email": "z@x"}),
            json!({"id": "a", "name": {"first": "Al", "last": "Young"}, "email": "a@x"}),
        ];
        let ids = |u: &[Value]| u.iter().map(|u| text(u, "id")).collect::<Vec<_>>();
        for (spec, want) in [
            ("id", ["a", "b"]),
            ("-id", ["b", "a"]),
            ("name", ["b", "a"]),
            ("email", ["a", "b"]),
            ("inviteStatus", ["a", "b"]),
            ("-activeAt", ["b", "a"]),
            ("updateAt", ["a", "b"]),
        ] {
            sort(&mut users, spec).unwrap_or_else(|e| panic!("{spec}: {e:?}"));
            assert_eq!(ids(&users), want, "{spec}");
        }
        assert!(sort(&mut users, "loginAt").is_err());
    }
}
