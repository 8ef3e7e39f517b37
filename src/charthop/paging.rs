//! Walking `findJobs` (or `findPersons`) page by page, without ever looping or losing rows.
//!
//! ChartHop's paging rules: every filter is re-sent on every page with `from=<next>`; an
//! empty page that carries a `next` is followed; only a missing or empty `next` ends the walk;
//! a cursor seen before is an error at once (so a server that repeats itself costs at most one
//! extra request). Pages are handed out one at a time, so callers can stream them.

use std::collections::HashSet;

use super::client::Client;
use super::error::ApiError;
use super::jobs::JobQuery;
use super::persons::PersonQuery;
use super::wire::Row;

/// Just the cursor of a page (the rows are skipped without being built).
#[derive(serde::Deserialize)]
struct Cursor {
    #[serde(default)]
    next: Option<String>,
}

/// What is listed.
#[derive(Debug)]
enum Listing {
    Jobs(JobQuery),
    Persons(PersonQuery),
}

/// The pages of one `findJobs` (or `findPersons`) query, in order.
#[derive(Debug)]
pub struct JobPages<'a> {
    client: &'a Client,
    query: Listing,
    from: Option<String>,
    seen: HashSet<String>,
    pages: u32,
    done: bool,
}

impl<'a> JobPages<'a> {
    /// Starts a walk; nothing is sent until [`JobPages::next_page`].
    pub fn new(client: &'a Client, query: JobQuery) -> JobPages<'a> {
        Self::listing(client, Listing::Jobs(query))
    }

    /// Starts a walk of `findPersons`; only [`JobPages::next_raw`] reads its pages.
    pub fn persons(client: &'a Client, query: PersonQuery) -> JobPages<'a> {
        Self::listing(client, Listing::Persons(query))
    }

    fn listing(client: &'a Client, query: Listing) -> JobPages<'a> {
        JobPages {
            client,
            query,
            from: None,
            seen: HashSet::new(),
            pages: 0,
            done: false,
        }
    }

    /// The next page's rows (possibly none), or `None` once the last page was returned.
    ///
    /// Fails with the client's errors, or [`ApiError::CursorRepeated`] when ChartHop sends a
    /// cursor it sent before; after an error the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Row>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let Listing::Jobs(query) = &self.query else {
            return Err(ApiError::Decode {
                method: "GET".into(),
                path: self.path(),
                message: "people are read as raw pages only".into(),
            });
        };
        let page = self.client.find_jobs(query, self.from.as_deref()).await?;
        self.pages += 1;
        self.follow(page.next)?;
        Ok(Some(page.data))
    }

    /// The next page as ChartHop's JSON bytes, undecoded but for its `next` cursor (read
    /// first, so the following request can go out while the caller parses this page), or
    /// `None` once the last page was returned.
    ///
    /// The cursor is read from the page's end when the page ends with it (see
    /// `tail_cursor`), else from the whole page; the rest of the page is checked by the
    /// caller's parse of it.
    ///
    /// Fails as [`JobPages::next_page`], and with [`ApiError::Decode`] when the answer is not
    /// a JSON object with an optional string `next`.
    pub async fn next_raw(&mut self) -> Result<Option<Vec<u8>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let from = self.from.as_deref();
        let body = match &self.query {
            Listing::Jobs(q) => self.client.find_jobs_raw(q, from).await?,
            Listing::Persons(q) => self.client.find_persons_raw(q, from).await?,
        };
        let next = match tail_cursor(&body) {
            Some(next) => next,
            None => {
                let cursor: Cursor =
                    serde_json::from_slice(&body).map_err(|e| ApiError::Decode {
                        method: "GET".into(),
                        path: self.path(),
                        message: e.to_string(),
                    })?;
                cursor.next
            }
        };
        self.pages += 1;
        self.follow(next)?;
        Ok(Some(body))
    }

    /// Continues the walk at `next`, unless it is missing (the end) or was seen before.
    fn follow(&mut self, next: Option<String>) -> Result<(), ApiError> {
        if let Some(next) = next.filter(|n| !n.is_empty()) {
            if !self.seen.insert(next.clone()) {
                return Err(ApiError::CursorRepeated {
                    method: "GET".into(),
                    path: self.path(),
                    cursor: next,
                    page: self.pages,
                });
            }
            self.from = Some(next);
            self.done = false;
        }
        Ok(())
    }

    /// The path the pages come from (for error messages).
    pub fn path(&self) -> String {
        match self.query {
            Listing::Jobs(_) => self.client.jobs_path(),
            Listing::Persons(_) => self.client.persons_path(),
        }
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }
}

/// The `next` cursor of a page whose JSON object ends with it, `…,"next":"X"}` or
/// `…,"next":null}` (white space allowed), read from the last bytes instead of scanning the
/// whole page: `Some(None)` for a `null`, `Some(Some(X))` for a string without escapes.
/// `None` when the end has any other shape (an escaped cursor, `next` elsewhere in the
/// object, not an object): then the page must be read whole.
///
/// Only a member of the outermost object can sit right before its closing brace, so the
/// cursor read here is the one a full parse finds (the page's other bytes are checked when
/// the page itself is parsed).
fn tail_cursor(body: &[u8]) -> Option<Option<String>> {
    let trim = |b: &[u8]| -> usize {
        b.iter()
            .rposition(|c| !c.is_ascii_whitespace())
            .map_or(0, |i| i + 1)
    };
    let mut end = trim(body);
    end = end.checked_sub(1).filter(|&i| body[i] == b'}')?;
    end = trim(&body[..end]);
    let rest = &body[..end];
    let (value, before) = if rest.ends_with(b"null") {
        (None, end - 4)
    } else {
        let close = end.checked_sub(1).filter(|&i| body[i] == b'"')?;
        let open = body[..close].iter().rposition(|&c| c == b'"')?;
        let text = &body[open + 1..close];
        if text.iter().any(|&c| c == b'\\' || c < 0x20) {
            return None;
        }
        (Some(std::str::from_utf8(text).ok()?.to_string()), open)
    };
    let rest = &body[..trim(&body[..before])];
    let rest = rest.strip_suffix(b":")?;
    let rest = &rest[..trim(rest)];
    let rest = rest.strip_suffix(b"\"next\"")?;
    let rest = &rest[..trim(rest)];
    matches!(rest.last(), Some(b',' | b'{')).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::tail_cursor;

    #[test]
    fn the_cursor_at_the_end_of_a_page_is_read_from_there() {
        for (page, next) in [
            (r#"{"data":[{"a":1}],"next":"6a01"}"#, Some(Some("6a01"))),
            (r#"{"data":[] , "next" : "x y" }  "#, Some(Some("x y"))),
            (r#"{"next":null}"#, Some(None)),
            (r#"{"data":[],"next":  null }"#, Some(None)),
            (r#"{"next":""}"#, Some(Some(""))),
            // Shapes left to the full parse.
            (r#"{"data":[],"next":"a\"b"}"#, None),
            (r#"{"next":"6a01","data":[]}"#, None),
            (r#"{"data":[{"next":"x"}]}"#, None),
            (r#"{"data":{"next":"x"}}"#, None),
            (r#"{"data":["next":"x"]"#, None),
            (r#"["next","x"]"#, None),
            (r#"{"data":[],"other":"next"}"#, None),
            (r#"{"data":[],"xnext":"a"}"#, None),
            (r#"{"data":[],"next":1}"#, None),
            (r#"{"data":"x","next":"é"}"#, Some(Some("é"))),
            ("", None),
            ("}", None),
            (r#""next":"x"}"#, None),
        ] {
            let expected = next.map(|n| n.map(str::to_string));
            assert_eq!(tail_cursor(page.as_bytes()), expected, "{page}");
            // Whatever the shape, a cursor read from the end is the one the whole page has.
            if let Some(found) = tail_cursor(page.as_bytes()) {
                let whole: serde_json::Value = serde_json::from_str(page).expect(page);
                assert_eq!(found.as_deref(), whole["next"].as_str(), "{page}");
            }
        }
    }
}
