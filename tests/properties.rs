//! Property tests: `MemberStatus` and `Timestamp` round-trip through their text forms, and
//! their parsers never panic, whatever the input.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use salesflow::{MemberFlags, MemberStatus, RunOn, Timestamp};

/// Names of a kind the API might add, unlike any it has now.
fn unknown_name() -> impl Strategy<Value = String> {
    "MEMBER_X[A-Z_]{0,12}"
}

/// Any instant from year 0001 to 9999, to the 100 ns tick the API's form carries.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let min = -62_135_596_800_i64; // 0001-01-01T00:00:00Z
    let max = 253_402_300_799_i64; // 9999-12-31T23:59:59Z
    (min..=max, 0u32..10_000_000)
        .prop_map(|(seconds, ticks)| DateTime::from_timestamp(seconds, ticks * 100).unwrap())
}

proptest! {
    #[test]
    fn member_status_round_trips(bits in any::<u32>(), mut names in proptest::collection::vec(unknown_name(), 0..3)) {
        names.dedup();
        let mut text = MemberStatus::from_flags(MemberFlags::from_bits_retain(bits)).to_string();
        for name in &names {
            if !text.contains(name.as_str()) {
                text.push_str(", ");
                text.push_str(name);
            }
        }
        let status: MemberStatus = text.parse().unwrap();
        prop_assert_eq!(status.flags().bits(), bits);
        let again: MemberStatus = status.to_string().parse().unwrap();
        prop_assert_eq!(&again, &status);
        let json = serde_json::to_string(&status).unwrap();
        prop_assert_eq!(serde_json::from_str::<MemberStatus>(&json).unwrap(), status);
    }

    #[test]
    fn member_status_parser_never_panics(text in any::<String>()) {
        let status: MemberStatus = text.parse().unwrap();
        let _ = status.to_string();
    }

    #[test]
    fn member_status_json_never_panics(json in any::<String>()) {
        let _ = serde_json::from_str::<MemberStatus>(&json);
    }

    #[test]
    fn timestamp_round_trips_through_its_text(time in instant()) {
        let timestamp = Timestamp::from(time);
        let text = timestamp.to_string();
        prop_assert_eq!(text.parse::<Timestamp>().unwrap(), timestamp);
        let json = serde_json::to_string(&timestamp).unwrap();
        prop_assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap().to_utc(), time);
    }

    #[test]
    fn timestamp_reads_rfc3339_with_any_offset(time in instant(), offset_minutes in -1439i32..=1439) {
        let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let local = time.with_timezone(&offset);
        // chrono writes the offset as +HH:MM and up to 9 fraction digits.
        let text = local.to_rfc3339();
        if let Ok(parsed) = text.parse::<Timestamp>() {
            prop_assert_eq!(parsed.to_utc(), time);
        } else {
            // Only a year outside 0000..=9999 after applying the offset may fail.
            prop_assert!(!(0..=9999).contains(&chrono::Datelike::year(&local)), "{}", text);
        }
    }

    #[test]
    fn timestamp_reads_the_dotnet_form(millis in -62_135_596_800_000_i64..=253_402_300_799_999) {
        let parsed: Timestamp = format!("/Date({millis})/").parse().unwrap();
        prop_assert_eq!(parsed.to_utc().timestamp_millis(), millis);
    }

    #[test]
    fn timestamp_parser_never_panics(text in any::<String>()) {
        let _ = text.parse::<Timestamp>();
    }

    #[test]
    fn timestamp_parser_never_panics_on_near_misses(text in "(/Date\\()?[-+0-9:TZz .,/()]{0,40}") {
        let _ = text.parse::<Timestamp>();
    }

    #[test]
    fn run_on_keeps_every_code(code in any::<i32>()) {
        prop_assert_eq!(RunOn::from(code).code(), code);
        let parsed: RunOn = code.to_string().parse().unwrap();
        prop_assert_eq!(parsed, RunOn::from(code));
    }
}
