//! A point in time, read from every form the API sends (RFC 3339, no offset, .NET `/Date()/`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time from or for the Salesflow API, in UTC.
///
/// Reads every form the API sends:
/// - RFC 3339 with an offset and any number of fraction digits:
///   `2021-02-18T15:33:44.5905705+00:00`, `2025-03-06T15:32:57.8477542Z`;
/// - a date and time **without an offset**, which is taken as **UTC** (the API stores and
///   sends UTC): `2024-04-21T09:41:06.17`;
/// - a space instead of the `T`: `2022-07-29 06:45:15`;
/// - a date alone, taken as midnight UTC: `2024-01-02`;
/// - the .NET JSON form `/Date(1618336539820)/`, milliseconds since the Unix epoch, with or
///   without an offset (`/Date(1618336539820+0100)/`; the milliseconds are UTC already, the
///   offset only says where the value came from).
///
/// Fraction digits beyond nanoseconds are dropped. It is written (`Display`, JSON) the way
/// the API writes times: UTC, without an offset, with up to 7 fraction digits (.NET's 100 ns
/// ticks; finer digits are dropped): `2024-04-21T09:41:06.17`.
///
/// ```
/// use salesflow::Timestamp;
/// use chrono::{TimeZone, Utc};
///
/// let t: Timestamp = "/Date(1618336539820)/".parse()?;
/// assert_eq!(t.to_utc(), Utc.with_ymd_and_hms(2021, 4, 13, 17, 55, 39).unwrap()
///     + chrono::Duration::milliseconds(820));
/// assert_eq!(t.to_string(), "2021-04-13T17:55:39.82");
///
/// let naive: Timestamp = "2024-04-21T09:41:06.17".parse()?;
/// let zulu: Timestamp = "2024-04-21T09:41:06.170Z".parse()?;
/// assert_eq!(naive, zulu);
/// # Ok::<(), salesflow::TimestampError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

/// Why a text is not a [`Timestamp`]: it names the text and the forms that are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Long garbage is cut so the error stays one readable line.
        let shown: String = self.text.chars().take(64).collect();
        write!(
            f,
            "{shown:?} is not a Salesflow timestamp: expected a date (2024-01-02), a date and \
             time (2024-04-21T09:41:06.17, optionally with Z or an offset), or /Date(ms)/"
        )
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// The timestamp of a UTC date and time.
    pub fn from_utc(time: DateTime<Utc>) -> Self {
        Self(time)
    }

    /// The point in time, in UTC.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0
    }

    /// The UTC day it falls on.
    pub fn date(self) -> NaiveDate {
        self.0.date_naive()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(time: DateTime<Utc>) -> Self {
        Self(time)
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(time: DateTime<FixedOffset>) -> Self {
        Self(time.to_utc())
    }
}

impl From<NaiveDate> for Timestamp {
    /// Midnight UTC at the start of `date`.
    fn from(date: NaiveDate) -> Self {
        Self(date.and_time(NaiveTime::MIN).and_utc())
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.0
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let parsed = match trimmed.strip_prefix("/Date(") {
            Some(rest) => parse_dotnet(rest),
            None => parse_iso(trimmed.as_bytes()),
        };
        parsed.map(Self).ok_or_else(|| TimestampError {
            text: text.to_owned(),
        })
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        let ticks = t.nanosecond() % 1_000_000_000 / 100;
        if ticks != 0 {
            let digits = format!("{ticks:07}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TimestampVisitor)
    }
}

/// Reads a timestamp from the string where it lies, without copying it.
struct TimestampVisitor;

impl serde::de::Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
        text.parse().map_err(E::custom)
    }
}

/// `1618336539820)/` or `1618336539820+0100)/` (the `/Date(` is already gone).
fn parse_dotnet(rest: &str) -> Option<DateTime<Utc>> {
    let inner = rest.strip_suffix(")/")?;
    // The milliseconds may be negative; an offset, if any, starts at the next sign.
    let sign_len = usize::from(inner.starts_with('-'));
    let end = inner[sign_len..]
        .find(['+', '-'])
        .map_or(inner.len(), |i| i + sign_len);
    let (millis, offset) = inner.split_at(end);
    if !offset.is_empty() {
        let digits = &offset[1..];
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let digits = &millis[sign_len..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    DateTime::from_timestamp_millis(millis.parse().ok()?)
}

/// `YYYY-MM-DD`, optionally `T` or space and `HH:MM[:SS[.f…]]`, optionally `Z` or an offset.
fn parse_iso(text: &[u8]) -> Option<DateTime<Utc>> {
    let mut cursor = Cursor { text, at: 0 };
    let year = cursor.digits(4)?;
    cursor.expect(b'-')?;
    let month = cursor.digits(2)?;
    cursor.expect(b'-')?;
    let day = cursor.digits(2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if cursor.done() {
        return Some(date.and_time(NaiveTime::MIN).and_utc());
    }
    match cursor.next()? {
        b'T' | b't' | b' ' => {}
        _ => return None,
    }
    let hour = cursor.digits(2)?;
    cursor.expect(b':')?;
    let minute = cursor.digits(2)?;
    let (mut second, mut nanos) = (0, 0);
    if cursor.peek() == Some(b':') {
        cursor.next();
        second = cursor.digits(2)?;
        if matches!(cursor.peek(), Some(b'.' | b',')) {
            cursor.next();
            nanos = cursor.fraction()?;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = NaiveDateTime::new(date, time);
    let offset_seconds = cursor.offset()?;
    if !cursor.done() {
        return None;
    }
    if offset_seconds == 0 {
        // UTC, or no offset (taken as UTC): nothing to convert.
        return Some(local.and_utc());
    }
    let offset = FixedOffset::east_opt(offset_seconds)?;
    Some(local.and_local_timezone(offset).single()?.to_utc())
}

/// A forward-only reader over ASCII bytes; every step checks bounds (no panics).
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at == self.text.len()
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// Exactly `count` ASCII digits, as a number.
    fn digits(&mut self, count: usize) -> Option<u32> {
        let mut value = 0;
        for _ in 0..count {
            let byte = self.next()?;
            if !byte.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(byte - b'0');
        }
        Some(value)
    }

    /// One or more fraction digits, as nanoseconds; digits past the ninth are dropped.
    fn fraction(&mut self) -> Option<u32> {
        let (mut nanos, mut scale, mut count) = (0, 100_000_000, 0);
        while let Some(byte) = self.peek().filter(u8::is_ascii_digit) {
            self.at += 1;
            nanos += u32::from(byte - b'0') * scale;
            scale /= 10;
            count += 1;
        }
        (count > 0).then_some(nanos)
    }

    /// Nothing (UTC), `Z`, or `+HH:MM`, `+HHMM`, `+HH` (or `-`), as seconds east of UTC.
    fn offset(&mut self) -> Option<i32> {
        let sign = match self.peek() {
            None => return Some(0),
            Some(b'Z' | b'z') => {
                self.next();
                return Some(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return None,
        };
        self.next();
        let hours = self.digits(2)?;
        let minutes = match self.peek() {
            None => 0,
            Some(b':') => {
                self.next();
                self.digits(2)?
            }
            Some(_) => self.digits(2)?,
        };
        if minutes >= 60 {
            return None;
        }
        Some(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
            + chrono::Duration::nanoseconds(nanos.into())
    }

    #[test]
    fn every_form_in_the_docs_decodes() {
        let table = [
            (
                "2021-02-18T15:33:44.5905705+00:00",
                utc(2021, 2, 18, 15, 33, 44, 590_570_500),
            ),
            (
                "2021-02-18T16:33:44.5905705+00:00",
                utc(2021, 2, 18, 16, 33, 44, 590_570_500),
            ),
            (
                "2025-03-06T15:32:57.8477542Z",
                utc(2025, 3, 6, 15, 32, 57, 847_754_200),
            ),
            (
                "2024-04-21T09:41:06.17",
                utc(2024, 4, 21, 9, 41, 6, 170_000_000),
            ),
            (
                "2020-11-04T16:49:47.507",
                utc(2020, 11, 4, 16, 49, 47, 507_000_000),
            ),
            (
                "2024-07-16T06:59:05.62",
                utc(2024, 7, 16, 6, 59, 5, 620_000_000),
            ),
            ("2024-07-16T05:00:00", utc(2024, 7, 16, 5, 0, 0, 0)),
            ("2022-07-29 06:45:15", utc(2022, 7, 29, 6, 45, 15, 0)),
            ("2024-01-02", utc(2024, 1, 2, 0, 0, 0, 0)),
            (
                "/Date(1618336539820)/",
                utc(2021, 4, 13, 17, 55, 39, 820_000_000),
            ),
            (
                "/Date(1618336539820+0100)/",
                utc(2021, 4, 13, 17, 55, 39, 820_000_000),
            ),
            ("/Date(-1000)/", utc(1969, 12, 31, 23, 59, 59, 0)),
        ];
        for (text, expected) in table {
            let parsed: Timestamp = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.to_utc(), expected, "{text}");
        }
    }

    #[test]
    fn offsets_and_long_fractions_are_applied() {
        let cases = [
            ("2024-01-01T10:00:00+02:00", utc(2024, 1, 1, 8, 0, 0, 0)),
            ("2024-01-01T10:00:00-0130", utc(2024, 1, 1, 11, 30, 0, 0)),
            ("2024-01-01T10:00:00+05", utc(2024, 1, 1, 5, 0, 0, 0)),
            (
                "2024-01-01T10:00:00.123456789123Z",
                utc(2024, 1, 1, 10, 0, 0, 123_456_789),
            ),
            ("2024-01-01T10:00", utc(2024, 1, 1, 10, 0, 0, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(
                text.parse::<Timestamp>().unwrap().to_utc(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_text_is_an_error_that_names_it() {
        for text in [
            "",
            "2024",
            "2024-13-01",
            "2024-02-30",
            "2024-01-01T25:00:00",
            "2024-01-01X10:00",
            "2024-01-01T10:00:00+24:00",
            "2024-01-01T10:00:00.",
            "/Date()/",
            "/Date(12)",
            "/Date(12+01)/",
            "/Date(abc)/",
            "yesterday",
            "2024-01-01T10:00:00Zjunk",
        ] {
            let error = text.parse::<Timestamp>().unwrap_err();
            assert!(error.to_string().contains(&format!("{text:?}")), "{error}");
        }
    }

    #[test]
    fn writes_the_api_form_in_utc_without_offset() {
        let cases = [
            (
                utc(2024, 4, 21, 9, 41, 6, 170_000_000),
                "2024-04-21T09:41:06.17",
            ),
            (utc(2024, 7, 16, 5, 0, 0, 0), "2024-07-16T05:00:00"),
            (
                utc(2021, 2, 18, 15, 33, 44, 590_570_599),
                "2021-02-18T15:33:44.5905705",
            ),
        ];
        for (time, text) in cases {
            assert_eq!(Timestamp::from(time).to_string(), text);
            assert_eq!(
                serde_json::to_string(&Timestamp::from(time)).unwrap(),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn decodes_from_json_and_reports_the_bad_value() {
        let t: Timestamp = serde_json::from_str("\"/Date(0)/\"").unwrap();
        assert_eq!(t.to_utc(), DateTime::UNIX_EPOCH);
        let error = serde_json::from_str::<Timestamp>("\"soon\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("\"soon\" is not a Salesflow timestamp")
        );
    }
}
