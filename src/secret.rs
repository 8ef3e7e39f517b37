//! A secret string (API token, webhook secret) that never prints.
//!
//! `Debug` and `Display` show a fixed mask, so a secret can sit inside settings structs that are
//! logged or shown in errors without leaking. The only way to the text is [`Secret::expose`],
//! which is called where the value goes on the wire.

use std::fmt;

/// A secret value. Its `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value, trimming surrounding whitespace (a token file usually ends with a newline).
    pub fn new(value: impl Into<String>) -> Self {
        let value: String = value.into();
        Secret(value.trim().to_string())
    }

    /// The secret text, for the one place it is sent (an `Authorization` header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is empty after trimming.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let s = Secret::new("tok-SENTINEL-123\n");
        assert_eq!(s.expose(), "tok-SENTINEL-123");
        assert!(!format!("{s:?}").contains("SENTINEL"));
        assert!(!format!("{s}").contains("SENTINEL"));
        assert!(!format!("{:?}", Some(&s)).contains("SENTINEL"));
    }
}
