//! A campaign member's status: the .NET `[Flags]` bit field the API sends as a list of names.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

bitflags::bitflags! {
    /// The bits of a [`MemberStatus`], with the values the docs give.
    ///
    /// Bits no name is known for are kept (a later API version may add some).
    ///
    /// ```
    /// use salesflow::MemberFlags;
    /// let flags = MemberFlags::PENDING | MemberFlags::ERROR;
    /// assert_eq!(flags.bits(), 1025);
    /// assert_eq!((MemberFlags::CONNECTED | MemberFlags::ERROR).state(), MemberFlags::CONNECTED);
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    pub struct MemberFlags: u32 {
        /// `MEMBER_PENDING` (1): waiting to be invited.
        const PENDING = 1;
        /// `MEMBER_INVITATION_SENT` (2): the connection invitation was sent.
        const INVITATION_SENT = 2;
        /// `MEMBER_CONNECTED` (4): the contact accepted the invitation.
        const CONNECTED = 4;
        /// `MEMBER_DISCONNECTED` (8): the contact is no longer connected.
        const DISCONNECTED = 8;
        /// `MEMBER_DELETED` (16): the member was deleted.
        const DELETED = 16;
        /// `MEMBER_IMPORTED` (32): imported, not yet processed.
        const IMPORTED = 32;
        /// `MEMBER_INVITATION_WITHDRAWN` (64): the invitation was withdrawn.
        const INVITATION_WITHDRAWN = 64;
        /// `MEMBER_ERROR` (1024): processing the member failed; set beside a state.
        const ERROR = 1024;
        /// `MEMBER_DUPLICATE` (2048): the member is a duplicate; set beside a state.
        const DUPLICATE = 2048;
        // Keep bits without a name instead of dropping them.
        const _ = !0;
    }
}

impl MemberFlags {
    /// `MEMBER_NOT_SET` (0): no bit set.
    pub const NOT_SET: Self = Self::empty();

    /// The bits that mark a problem beside the state: [`ERROR`](Self::ERROR) and
    /// [`DUPLICATE`](Self::DUPLICATE). The docs say only these may be set beside another.
    pub const MARKERS: Self = Self::ERROR.union(Self::DUPLICATE);

    /// The main state: every bit but the [`MARKERS`](Self::MARKERS).
    pub fn state(self) -> Self {
        self.difference(Self::MARKERS)
    }
}

/// The API's name of each named bit, in increasing order of value (the order .NET prints).
const NAMES: [(MemberFlags, &str); 9] = [
    (MemberFlags::PENDING, "MEMBER_PENDING"),
    (MemberFlags::INVITATION_SENT, "MEMBER_INVITATION_SENT"),
    (MemberFlags::CONNECTED, "MEMBER_CONNECTED"),
    (MemberFlags::DISCONNECTED, "MEMBER_DISCONNECTED"),
    (MemberFlags::DELETED, "MEMBER_DELETED"),
    (MemberFlags::IMPORTED, "MEMBER_IMPORTED"),
    (
        MemberFlags::INVITATION_WITHDRAWN,
        "MEMBER_INVITATION_WITHDRAWN",
    ),
    (MemberFlags::ERROR, "MEMBER_ERROR"),
    (MemberFlags::DUPLICATE, "MEMBER_DUPLICATE"),
];
const NOT_SET_NAME: &str = "MEMBER_NOT_SET";
const KNOWN_BITS: u32 = MemberFlags::PENDING
    .union(MemberFlags::INVITATION_SENT)
    .union(MemberFlags::CONNECTED)
    .union(MemberFlags::DISCONNECTED)
    .union(MemberFlags::DELETED)
    .union(MemberFlags::IMPORTED)
    .union(MemberFlags::INVITATION_WITHDRAWN)
    .union(MemberFlags::ERROR)
    .union(MemberFlags::DUPLICATE)
    .bits();

/// The status of a campaign member, as the API sends it: `"MEMBER_PENDING, MEMBER_ERROR"`,
/// a single name, `"MEMBER_NOT_SET"`, or the number of the bit field.
///
/// Decoding never fails: names this version does not know are kept in
/// [`unknown_names`](Self::unknown_names) and bits without a name in the flags, and both are
/// encoded back.
///
/// ```
/// use salesflow::{MemberFlags, MemberStatus};
///
/// let status: MemberStatus = "MEMBER_PENDING, MEMBER_ERROR".parse().unwrap();
/// assert!(status.has_error());
/// assert!(!status.is_connected());
/// assert_eq!(status.state(), MemberFlags::PENDING);
/// assert_eq!(status.to_string(), "MEMBER_PENDING, MEMBER_ERROR");
///
/// let newer: MemberStatus = "MEMBER_CONNECTED, MEMBER_ARCHIVED".parse().unwrap();
/// assert!(newer.is_connected());
/// assert_eq!(newer.unknown_names(), ["MEMBER_ARCHIVED"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MemberStatus {
    flags: MemberFlags,
    unknown_names: Vec<String>,
}

impl MemberStatus {
    /// `MEMBER_NOT_SET`: no bit set.
    pub const NOT_SET: Self = Self {
        flags: MemberFlags::NOT_SET,
        unknown_names: Vec::new(),
    };

    /// The status made of `flags`.
    pub fn from_flags(flags: MemberFlags) -> Self {
        Self {
            flags,
            unknown_names: Vec::new(),
        }
    }

    /// The bits set, named or not.
    pub fn flags(&self) -> MemberFlags {
        self.flags
    }

    /// The main state, without the [`ERROR`](MemberFlags::ERROR) and
    /// [`DUPLICATE`](MemberFlags::DUPLICATE) markers.
    pub fn state(&self) -> MemberFlags {
        self.flags.state()
    }

    /// Whether the contact is connected (`MEMBER_CONNECTED`).
    pub fn is_connected(&self) -> bool {
        self.flags.contains(MemberFlags::CONNECTED)
    }

    /// Whether processing the member failed (`MEMBER_ERROR`).
    pub fn has_error(&self) -> bool {
        self.flags.contains(MemberFlags::ERROR)
    }

    /// Whether the member is a duplicate (`MEMBER_DUPLICATE`).
    pub fn is_duplicate(&self) -> bool {
        self.flags.contains(MemberFlags::DUPLICATE)
    }

    /// Whether no bit is set (`MEMBER_NOT_SET`) and no unknown name was sent.
    pub fn is_not_set(&self) -> bool {
        self.flags.is_empty() && self.unknown_names.is_empty()
    }

    /// The names this version of the SDK does not know, in the order they were sent.
    pub fn unknown_names(&self) -> &[String] {
        &self.unknown_names
    }

    fn push_part(&mut self, part: &str) {
        if part.is_empty() || part == NOT_SET_NAME {
            return;
        }
        if let Some((flag, _)) = NAMES.iter().find(|(_, name)| *name == part) {
            self.flags |= *flag;
        } else if let Ok(bits) = part.parse::<u32>() {
            self.flags |= MemberFlags::from_bits_retain(bits);
        } else if !self.unknown_names.iter().any(|known| known == part) {
            self.unknown_names.push(part.to_owned());
        }
    }
}

impl From<MemberFlags> for MemberStatus {
    fn from(flags: MemberFlags) -> Self {
        Self::from_flags(flags)
    }
}

impl FromStr for MemberStatus {
    type Err = std::convert::Infallible;

    /// Reads the API's forms; never fails.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut status = Self::NOT_SET;
        // .NET writes `A, B`; ASCII blanks are all a server puts around the names.
        for part in text.split(',') {
            status.push_part(part.trim_ascii());
        }
        Ok(status)
    }
}

impl fmt::Display for MemberStatus {
    /// Writes the form .NET writes: the names of the set bits in increasing order, or the
    /// number when a bit has no name; unknown names follow.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<&str> = Vec::new();
        let number;
        if self.flags.bits() & !KNOWN_BITS != 0 {
            number = self.flags.bits().to_string();
            parts.push(&number);
        } else {
            parts.extend(
                NAMES
                    .iter()
                    .filter(|(flag, _)| self.flags.contains(*flag))
                    .map(|(_, name)| *name),
            );
        }
        parts.extend(self.unknown_names.iter().map(String::as_str));
        if parts.is_empty() {
            return f.write_str(NOT_SET_NAME);
        }
        f.write_str(&parts.join(", "))
    }
}

impl Serialize for MemberStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MemberStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MemberStatusVisitor)
    }
}

struct MemberStatusVisitor;

impl Visitor<'_> for MemberStatusVisitor {
    type Value = MemberStatus;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member status: names like \"MEMBER_PENDING, MEMBER_ERROR\", or a number")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<MemberStatus, E> {
        Ok(text.parse().unwrap_or_default())
    }

    fn visit_u64<E: de::Error>(self, bits: u64) -> Result<MemberStatus, E> {
        u32::try_from(bits)
            .map(|bits| MemberStatus::from_flags(MemberFlags::from_bits_retain(bits)))
            .map_err(|_| E::custom(format!("member status {bits} does not fit in 32 bits")))
    }

    fn visit_i64<E: de::Error>(self, bits: i64) -> Result<MemberStatus, E> {
        u64::try_from(bits)
            .map_err(|_| E::custom(format!("member status {bits} is negative")))
            .and_then(|bits| self.visit_u64(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> MemberStatus {
        text.parse().unwrap()
    }

    #[test]
    fn every_documented_name_reads_as_its_bit_and_back() {
        for (flag, name) in NAMES {
            let status = parse(name);
            assert_eq!(status.flags(), flag, "{name}");
            assert_eq!(status.to_string(), name);
        }
    }

    #[test]
    fn the_docs_forms_decode() {
        let table: [(&str, u32, &[&str]); 7] = [
            ("MEMBER_PENDING, MEMBER_ERROR", 1025, &[]),
            ("MEMBER_NOT_SET", 0, &[]),
            ("MEMBER_IMPORTED", 32, &[]),
            ("MEMBER_CONNECTED,MEMBER_DUPLICATE", 2052, &[]),
            ("4096", 4096, &[]),
            ("MEMBER_PENDING, MEMBER_SNOOZED", 1, &["MEMBER_SNOOZED"]),
            ("", 0, &[]),
        ];
        for (text, bits, unknown) in table {
            let status = parse(text);
            assert_eq!(status.flags().bits(), bits, "{text:?}");
            assert_eq!(status.unknown_names(), unknown, "{text:?}");
        }
    }

    #[test]
    fn json_strings_and_numbers_decode() {
        let status: MemberStatus =
            serde_json::from_str("\"MEMBER_PENDING, MEMBER_ERROR\"").unwrap();
        assert_eq!(status.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
        let status: MemberStatus = serde_json::from_str("1028").unwrap();
        assert!(status.is_connected() && status.has_error());
        assert!(serde_json::from_str::<MemberStatus>("-1").is_err());
        assert!(serde_json::from_str::<MemberStatus>("true").is_err());
    }

    #[test]
    fn helpers_answer_what_users_ask() {
        let status = parse("MEMBER_CONNECTED, MEMBER_DUPLICATE");
        assert!(status.is_connected());
        assert!(status.is_duplicate());
        assert!(!status.has_error());
        assert_eq!(status.state(), MemberFlags::CONNECTED);
        assert!(MemberStatus::NOT_SET.is_not_set());
        assert_eq!(MemberStatus::NOT_SET.to_string(), "MEMBER_NOT_SET");
    }

    #[test]
    fn unknown_bits_encode_as_the_number_like_dotnet() {
        let status = MemberStatus::from_flags(MemberFlags::from_bits_retain(4096 | 1));
        assert_eq!(status.to_string(), "4097");
        assert_eq!(parse("4097"), status);
    }

    #[test]
    fn encodes_as_a_json_string() {
        let status = parse("MEMBER_PENDING, MEMBER_ERROR");
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            "\"MEMBER_PENDING, MEMBER_ERROR\""
        );
    }
}
