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

/// Read from settings as a plain string, so raw settings structs never hold the text in a
/// type that prints it.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
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

    #[test]
    fn a_panic_message_formatting_a_secret_carries_only_the_mask() {
        let s = Secret::new("tok-SENTINEL-456");
        let payload =
            std::panic::catch_unwind(|| panic!("while calling with {s:?} / {s}")).unwrap_err();
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(message.contains("Secret(***)"), "{message}");
        assert!(!message.contains("SENTINEL"), "{message}");
    }

    #[test]
    fn deserializes_from_a_string_trimmed() {
        let s: Secret = serde_json::from_str("\"  tok-SENTINEL-789\\n\"").unwrap();
        assert_eq!(s.expose(), "tok-SENTINEL-789");
        assert!(!format!("{s:?}").contains("SENTINEL"));
    }
}
