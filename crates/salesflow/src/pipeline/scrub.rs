//! Removes the token from text a server sent back, in every encoding it may have used.
//!
//! A server's error page may repeat the request URL: raw, percent-encoded (upper or lower
//! hex, as .NET's `HttpUtility.UrlEncode` writes it, reserved characters encoded or not,
//! even twice), form-encoded (a space as `+`), JSON-escaped (`\/`, `\"`, `\\`, `\u002B`),
//! as HTML character references, or quoted by serde's messages (`invalid type: string
//! "..."`, Rust's escapes: `\"`, `\\`, `\u{1b}`). Each character of the token may take any
//! of its forms, so the token is matched by a pattern built from it, not by a list of whole
//! encodings.
//!
//! The pattern is built once per client, the first time a text needs it
//! ([`LazyScrubber`]), and shared by the client's clones.

use std::fmt::Write;
use std::sync::{Arc, OnceLock};

use regex::Regex;

use crate::ApiToken;

/// Replaces the token, in any of its forms, with `***`.
pub(crate) struct Scrubber {
    pattern: Option<Regex>,
}

/// A client's [`Scrubber`], built when a text first needs it. Its `Debug` shows nothing of
/// the pattern (which holds the token).
#[derive(Clone, Default)]
pub(crate) struct LazyScrubber(Arc<OnceLock<Scrubber>>);

impl LazyScrubber {
    /// The scrubber of `token`, built on the first call.
    pub(crate) fn get(&self, token: &ApiToken) -> &Scrubber {
        self.0.get_or_init(|| Scrubber::new(token.expose()))
    }
}

impl std::fmt::Debug for LazyScrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrubber(***)")
    }
}

impl Scrubber {
    pub(crate) fn new(token: &str) -> Self {
        if token.is_empty() {
            return Self { pattern: None };
        }
        let mut pattern = String::new();
        for c in token.chars() {
            pattern.push_str("(?:");
            pattern.push_str(&forms(c).join("|"));
            pattern.push(')');
        }
        Self {
            // Every piece is escaped or a fixed class: the pattern always compiles, and the
            // regex crate guarantees time linear in the text.
            pattern: Regex::new(&pattern).ok(),
        }
    }

    /// `text` with every occurrence of the token replaced by `***`.
    pub(crate) fn clean(&self, text: &str) -> String {
        match &self.pattern {
            Some(pattern) => pattern.replace_all(text, "***").into_owned(),
            None => text.to_owned(),
        }
    }
}

/// The regex alternatives that stand for `c` in a URL, a form, JSON or HTML.
fn forms(c: char) -> Vec<String> {
    let mut forms = vec![regex::escape(&c.to_string())];
    let mut utf8 = [0; 4];
    let bytes = c.encode_utf8(&mut utf8).as_bytes();
    // Percent-encoded, in either case, once or twice (`%2B`, `%2b`, `%252B`).
    let percent: String = bytes
        .iter()
        .map(|b| format!("%{}", hex_class(*b)))
        .collect();
    let twice: String = bytes
        .iter()
        .map(|b| format!("%25{}", hex_class(*b)))
        .collect();
    forms.push(percent);
    forms.push(twice);
    let code = u32::from(c);
    if c == ' ' {
        forms.push(regex::escape("+"));
    }
    // Short escapes: JSON's and Rust's (`\"`, `\\`), JSON's `\/`, and the control
    // characters both write as letters.
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '/' => Some("\\/"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    };
    forms.extend(short.map(regex::escape));
    // Rust's `\u{1b}`, as `Debug` writes what it does not print.
    let mut braces = String::from(r"\\u\{0*");
    for nibble in format!("{code:x}").chars() {
        braces.push_str(&char_class(nibble));
    }
    braces.push_str(r"\}");
    forms.push(braces);
    if code < 0x1_0000 {
        // JSON's `\u002B`, any case.
        let mut escape = String::from(r"\\u");
        for nibble in format!("{code:04x}").chars() {
            escape.push_str(&char_class(nibble));
        }
        forms.push(escape);
    }
    // HTML character references: `&#43;`, `&#x2B;`, and the named ones.
    forms.push(format!("&#0*{code};"));
    let mut hex = String::from("&#[xX]0*");
    for nibble in format!("{code:x}").chars() {
        hex.push_str(&char_class(nibble));
    }
    hex.push(';');
    forms.push(hex);
    let named = match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        _ => None,
    };
    forms.extend(named.map(regex::escape));
    forms
}

/// The two hex digits of `byte`, each in either case.
fn hex_class(byte: u8) -> String {
    let mut out = String::new();
    for nibble in format!("{byte:02x}").chars() {
        out.push_str(&char_class(nibble));
    }
    out
}

/// A hex digit as a class that matches both cases (`[bB]`), or the digit.
fn char_class(nibble: char) -> String {
    if nibble.is_ascii_alphabetic() {
        let mut class = String::new();
        let _ = write!(
            class,
            "[{}{}]",
            nibble.to_ascii_lowercase(),
            nibble.to_ascii_uppercase()
        );
        class
    } else {
        nibble.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Scrubber;

    #[test]
    fn every_encoding_of_every_character_is_removed() {
        let token = "tokSECRET+/=12345== ~*";
        let scrub = Scrubber::new(token);
        let forms = [
            token.to_owned(),
            "tokSECRET%2B%2F%3D12345%3D%3D%20%7E%2A".to_owned(),
            "tokSECRET%2b%2f%3d12345%3d%3d+~*".to_owned(),
            "tokSECRET%2b/=12345==%20~*".to_owned(),
            "tokSECRET%252B%252F%253D12345%253D%253D%2520~*".to_owned(),
            r"tokSECRET\u002B\/=12345\u003d= ~*".to_owned(),
            "tokSECRET&#43;&#x2F;=12345== ~*".to_owned(),
            "%74okSECRET+/=12345== ~*".to_owned(),
        ];
        for form in forms {
            let text = format!("GET /api/x?token={form}&a=1 failed");
            assert_eq!(
                scrub.clean(&text),
                "GET /api/x?token=***&a=1 failed",
                "{form}"
            );
        }
    }

    #[test]
    fn short_escapes_of_json_and_rust_are_removed() {
        let token = "a\"b\\c\u{1}d";
        let scrub = Scrubber::new(token);
        for form in [
            r#"a\"b\\c\u0001d"#, // JSON
            r#"a\"b\\c\u{1}d"#,  // Rust's Debug, as serde's messages quote strings
            "a&quot;b%5Cc%01d",  // HTML and a URL
        ] {
            assert_eq!(
                scrub.clean(&format!("string \"{form}\" x")),
                "string \"***\" x",
                "{form}"
            );
        }
        let debug = format!("{:?}", super::LazyScrubber::default());
        assert_eq!(debug, "Scrubber(***)");
    }

    #[test]
    fn other_text_is_left_alone() {
        let scrub = Scrubber::new("abc+def");
        assert_eq!(scrub.clean("abc def abcxdef"), "abc def abcxdef");
        assert_eq!(Scrubber::new("").clean("text"), "text");
    }
}
