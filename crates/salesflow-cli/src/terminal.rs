//! Text from Salesflow or from a prospect, made safe to print on a terminal.

use std::borrow::Cow;

/// `text` with every control character (ESC, CR, LF, TAB, the C1 range) and every
/// bidirectional override shown escaped (`\u{1b}`, `\r`, `\u{202e}`), so that a name or
/// a reply cannot move the cursor, rewrite the line, change colours or reverse what
/// follows it.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn control_characters_are_shown_not_run() {
        assert_eq!(safe("Jane Doe"), "Jane Doe");
        assert_eq!(safe("\u{1b}[31mred\u{1b}[0m"), "\\u{1b}[31mred\\u{1b}[0m");
        assert_eq!(safe("a\rb\tc\nd"), "a\\rb\\tc\\nd");
        assert_eq!(safe("\u{9b}x\u{7f}"), "\\u{9b}x\\u{7f}");
        assert_eq!(safe("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(safe("Mar\u{ed}a M\u{fc}ller"), "Mar\u{ed}a M\u{fc}ller");
    }
}
