//! Query-string helpers shared by the middleware (which logs the decoded parameters) and the
//! handlers.
//!
//! Layering: a leaf; it uses no other module of the crate.

/// Decodes a raw query string; malformed input yields what could be decoded.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let uri = format!("/?{raw}");
    uri.parse::<axum::http::Uri>()
        .ok()
        .and_then(|uri| axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri).ok())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// The last value given for `name` among decoded query pairs (a repeated parameter's last
/// value wins, as in most HTTP frameworks).
pub fn last_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_decode() {
        let pairs = query_pairs(Some("q=open%3Afilled&fields=a,b&x"));
        assert_eq!(pairs[0], ("q".to_string(), "open:filled".to_string()));
        assert_eq!(pairs[1].1, "a,b");
        assert!(query_pairs(None).is_empty());
    }
}
