//! Comparing the webhook secret in constant time.

/// True when `given` equals `expected`; the time taken depends only on the lengths, never on
/// where the first difference is.
pub fn matches(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = given.len() ^ expected.len();
    for (i, e) in expected.iter().enumerate() {
        let g = given.get(i).copied().unwrap_or(0);
        diff |= usize::from(g ^ e);
    }
    diff == 0 && !expected.is_empty()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn compares_whole_values() {
        assert!(matches(b"s3cret", b"s3cret"));
        assert!(!matches(b"s3cre", b"s3cret"));
        assert!(!matches(b"s3cretX", b"s3cret"));
        assert!(!matches(b"x3cret", b"s3cret"));
        assert!(!matches(b"", b""));
    }
}
