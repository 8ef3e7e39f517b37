//! The base URL rule (https, or http to loopback only) and path-segment encoding.

use super::error::ApiError;

/// Accepts `https://` anywhere and `http://` only to a loopback host (`localhost`,
/// `127.0.0.0/8`, `::1`), so a token never crosses a network in clear text. Fails with
/// [`ApiError::InvalidUrl`] naming the URL and the reason.
pub fn check_url(url: &str) -> Result<(), ApiError> {
    let bad = |reason: &str| ApiError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(bad(
                    "plain http is refused except to a loopback address; use https://",
                ))
            }
        }
        other => Err(bad(&format!("unsupported scheme `{other}`"))),
    }
}

/// `value` percent-encoded as one path segment (unreserved characters kept), so an org slug
/// or id can never change the path.
pub fn path_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("https://api.charthop.com").is_ok());
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://localhost:1").is_ok());
        assert!(check_url("http://[::1]:1").is_ok());
        assert!(check_url("http://api.charthop.com").is_err());
        assert!(check_url("http://10.0.0.1").is_err());
        assert!(check_url("ftp://x").is_err());
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(path_segment("acme-co"), "acme-co");
        assert_eq!(path_segment("a/../b c"), "a%2F..%2Fb%20c");
        assert_eq!(path_segment(".."), "%2E%2E");
    }
}
