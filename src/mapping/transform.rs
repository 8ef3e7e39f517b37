//! Text transforms applied to a cell before typing, in the order the mapping lists them.

/// One transform step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// Removes leading and trailing whitespace: `"  Ada "` -> `"Ada"`. Never fails.
    Trim,
    /// Lower-cases (Unicode): `"Ada@Example.COM"` -> `"ada@example.com"`. Never fails.
    Lower,
    /// Upper-cases (Unicode): `"gb"` -> `"GB"`. Never fails.
    Upper,
}

/// The names a mapping may use, for parsing and for "did you mean" hints.
pub const NAMES: [&str; 3] = ["trim", "lower", "upper"];

impl Transform {
    /// The transform with this name, or `None`.
    pub fn parse(name: &str) -> Option<Transform> {
        match name {
            "trim" => Some(Transform::Trim),
            "lower" => Some(Transform::Lower),
            "upper" => Some(Transform::Upper),
            _ => None,
        }
    }

    /// Applies the transform in place.
    pub fn apply(self, text: &mut String) {
        match self {
            Transform::Trim => {
                let trimmed = text.trim();
                if trimmed.len() != text.len() {
                    *text = trimmed.to_string();
                }
            }
            Transform::Lower => {
                if text.chars().any(char::is_uppercase) {
                    *text = text.to_lowercase();
                }
            }
            Transform::Upper => {
                if text.chars().any(char::is_lowercase) {
                    *text = text.to_uppercase();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms() {
        let mut s = "  Ada@Example.COM ".to_string();
        Transform::Trim.apply(&mut s);
        Transform::Lower.apply(&mut s);
        assert_eq!(s, "ada@example.com");
        Transform::Upper.apply(&mut s);
        assert_eq!(s, "ADA@EXAMPLE.COM");
        assert_eq!(Transform::parse("lowr"), None);
    }
}
