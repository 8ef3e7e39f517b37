//! Reading ChartHop's error bodies into one line a person can act on.
//!
//! ChartHop answers errors as `{"code": <status>, "message": "<text>"}`; proxies and outages
//! answer with plain text or HTML, and some errors have no body at all. This module never
//! fails: whatever came back becomes a short, printable line.

use super::wire::ErrorBody;

/// The longest server message kept, in characters.
const MAX_CHARS: usize = 300;

/// The `message` of a `{code, message}` body; else the body as text (control characters
/// replaced, shortened to 300 characters); `(no message)` for an empty body.
pub fn error_message(body: &[u8]) -> String {
    if let Ok(ErrorBody { message: Some(m) }) = serde_json::from_slice::<ErrorBody>(body)
        && !m.trim().is_empty()
    {
        return printable(&m);
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(no message)".into();
    }
    printable(text)
}

/// One line, no control characters (a hostile body cannot move the terminal's cursor), at
/// most [`MAX_CHARS`] characters with an ellipsis when cut.
fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CHARS)
        .collect();
    if text.chars().count() > MAX_CHARS {
        out.push('…');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_envelope_plain_text_and_empty() {
        assert_eq!(
            error_message(br#"{"code":400,"message":"invalid data"}"#),
            "invalid data"
        );
        assert_eq!(error_message(b"Bad Gateway\n"), "Bad Gateway");
        assert_eq!(error_message(b""), "(no message)");
        assert_eq!(error_message(br#"{"code":500}"#), r#"{"code":500}"#);
    }

    #[test]
    fn hostile_bodies_are_one_short_line() {
        assert_eq!(error_message(b"a\x1b[2Jb\r\nc"), "a [2Jb  c");
        let long = "x".repeat(1000);
        let m = error_message(long.as_bytes());
        assert_eq!(m.chars().count(), MAX_CHARS + 1);
        assert!(m.ends_with('…'));
    }
}
