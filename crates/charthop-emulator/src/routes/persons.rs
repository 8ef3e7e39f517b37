//! `findPersons`: `GET /v2/org/{orgId}/person` with `q`, `fields`, `from`, `limit`,
//! `includeAll` and `format`, paged like `findJobs` (by person id).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use crate::carrot::{self, Texts};
use crate::carrot_rows::{RowTexts, joined_texts};
use crate::faults::Fault;
use crate::people::{
    DEFAULT_FIELDS, PersonField, custom_values, people_after, people_matching_after,
};
use crate::query::{last_param, query_pairs};
use crate::routes::jobs::{is_minimal, parse_codes, shape, with_custom};
use crate::shared::{ActiveFaults, ApiError, Shared};
use crate::values::texts;

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 10_000;

/// Answers `{"data":[rows], "next": last person id}` (`next` only when more rows remain), rows
/// sorted by person id and strictly after `from`: people in a job (FILLED, DEPART or START),
/// and with `includeAll=true` former people too. The org's PERSON custom fields are codes like
/// the built-in ones; without `fields=`, a row is a full person object with its custom values
/// under `fields`. 400 on an unknown field (a JOB custom field among them), a bad `format`,
/// `limit`, `includeAll` or `q` (Carrot over person fields; no `is:` filters).
///
/// Faults, as for `findJobs`: `empty_page` answers no rows with a `next` that still leads to
/// them; `repeat_cursor` answers `next` equal to the `from` sent.
pub async fn find_persons(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
    faults: Option<Extension<ActiveFaults>>,
) -> Result<Response, ApiError> {
    let faults = faults.map(|Extension(f)| f).unwrap_or_default();
    shared.check_org(&org_id)?;
    let params = query_pairs(raw.as_deref());
    let param = |name: &str| last_param(&params, name);
    let (state, _) = shared.org_read();
    let catalogue = &state.catalogue;
    let full = param("fields").is_none();
    let fields = parse_codes(param("fields").unwrap_or(DEFAULT_FIELDS), |code| {
        PersonField::parse_in(code, catalogue)
    })?;
    let minimal = is_minimal(param("format"))?;
    let limit = super::limit(param("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let include_all = match param("includeAll") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(v) => {
            return Err(ApiError::bad_request(format!(
                "`includeAll` must be true or false, not `{v}`"
            )));
        }
    };
    let filter = param("q")
        .filter(|q| !q.trim().is_empty())
        .map(|q| carrot::parse_for(q, &|name| PersonField::parse_in(name, catalogue)))
        .transpose()
        .map_err(ApiError::bad_request)?;
    let from = param("from").filter(|f| !f.is_empty());
    if faults.has(&Fault::EmptyPage) {
        return Ok(Json(super::empty_page(from)).into_response());
    }

    let (page, more) = match &filter {
        // Filtered: one pass over everyone, then the matches in order.
        Some(f) => {
            let generation = shared.generation();
            let mut rows = people_matching_after(&state, from, include_all, |listed| {
                let lookup = |i: usize, code: PersonField| {
                    let row = listed[i];
                    match code.plain_text(row) {
                        Some(text) => Texts::One(text),
                        None => code
                            .value(row, catalogue)
                            .map_or_else(Vec::new, |v| texts(&v))
                            .into(),
                    }
                };
                // Everyone listed (no `from`): the same texts under the same generation, kept.
                let joined = |code| {
                    from.is_none().then(|| {
                        shared
                            .texts
                            .get_or_build(generation, include_all, code, || {
                                joined_texts(listed.len(), code, &lookup)
                            })
                    })
                };
                f.matching_rows(&RowTexts {
                    rows: listed.len(),
                    lookup: &lookup,
                    joined: &joined,
                })
            });
            let more = rows.len() > limit;
            rows.truncate(limit);
            (rows, more)
        }
        None => {
            let mut all = people_after(&state, from, include_all);
            let page: Vec<_> = all.by_ref().take(limit).collect();
            (page, all.next().is_some())
        }
    };
    let row = |i: usize| {
        let row = page[i];
        let values = fields
            .iter()
            .filter_map(|(key, code)| Some((key.as_str(), code.value(row, catalogue)?)));
        let mut shaped = shape(values, minimal);
        if full {
            with_custom(&mut shaped, custom_values(row.person, catalogue));
        }
        shaped
    };
    let last = page
        .last()
        .filter(|_| more)
        .map(|row| row.person.id.clone());
    super::page(page.len(), row, last, from, &faults)
}
