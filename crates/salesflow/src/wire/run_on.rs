//! `RunOn`: the event a webhook attachment fires on, an open enum of integer codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The event a webhook attachment fires on (`runOn`), sent as an integer.
///
/// ```
/// use salesflow::RunOn;
/// assert_eq!(RunOn::from(2), RunOn::ReplyDetected);
/// assert_eq!(RunOn::InvitationWithdrawn.code(), 7);
/// assert_eq!("MEMBER_CONNECTED".parse(), Ok(RunOn::MemberConnected));
/// assert_eq!("7".parse(), Ok(RunOn::InvitationWithdrawn));
/// assert_eq!(RunOn::from(9), RunOn::Other(9));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RunOn {
    /// 1, `MEMBER_CONNECTED`: a campaign member's status changed to connected.
    MemberConnected,
    /// 2, `REPLY_DETECTED`: an incoming message from the contact (not for muted contacts).
    ReplyDetected,
    /// 7, `INVITATION_WITHDRAWN`: an invitation to the contact was withdrawn.
    InvitationWithdrawn,
    /// A code this version of the SDK does not know, kept as sent.
    Other(i32),
}

impl RunOn {
    /// The kinds the docs list, in the order of their codes.
    pub const KNOWN: [RunOn; 3] = [
        Self::MemberConnected,
        Self::ReplyDetected,
        Self::InvitationWithdrawn,
    ];

    /// The integer the API uses.
    pub fn code(self) -> i32 {
        match self {
            Self::MemberConnected => 1,
            Self::ReplyDetected => 2,
            Self::InvitationWithdrawn => 7,
            Self::Other(code) => code,
        }
    }

    /// The docs' name of the kind (`MEMBER_CONNECTED`, ...), or `None` for an unknown code.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::MemberConnected => Some("MEMBER_CONNECTED"),
            Self::ReplyDetected => Some("REPLY_DETECTED"),
            Self::InvitationWithdrawn => Some("INVITATION_WITHDRAWN"),
            Self::Other(_) => None,
        }
    }

    /// Whether the code is one the docs list.
    pub fn is_known(self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl From<i32> for RunOn {
    fn from(code: i32) -> Self {
        match code {
            1 => Self::MemberConnected,
            2 => Self::ReplyDetected,
            7 => Self::InvitationWithdrawn,
            other => Self::Other(other),
        }
    }
}

impl From<RunOn> for i32 {
    fn from(kind: RunOn) -> Self {
        kind.code()
    }
}

/// Why a text is not a [`RunOn`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOnError(String);

impl fmt::Display for RunOnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.0.chars().take(64).collect();
        write!(
            f,
            "{shown:?} is not a webhook event kind: use 1 or MEMBER_CONNECTED, 2 or \
             REPLY_DETECTED, 7 or INVITATION_WITHDRAWN"
        )
    }
}

impl std::error::Error for RunOnError {}

impl FromStr for RunOn {
    type Err = RunOnError;

    /// Reads a code (`2`) or a docs name (`REPLY_DETECTED`, any case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(code) = text.parse::<i32>() {
            return Ok(Self::from(code));
        }
        Self::KNOWN
            .into_iter()
            .find(|kind| {
                kind.name()
                    .is_some_and(|name| name.eq_ignore_ascii_case(text))
            })
            .ok_or_else(|| RunOnError(text.to_owned()))
    }
}

impl fmt::Display for RunOn {
    /// Writes the code, as the API's query string and JSON carry it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.code().fmt(f)
    }
}

impl Serialize for RunOn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.code())
    }
}

impl<'de> Deserialize<'de> for RunOn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i32::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_on_codes_round_trip_and_unknown_codes_are_kept() {
        for code in [1, 2, 7, 0, 3, 9, -1, i32::MAX] {
            let kind = RunOn::from(code);
            assert_eq!(kind.code(), code);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, code.to_string());
            assert_eq!(serde_json::from_str::<RunOn>(&json).unwrap(), kind);
        }
        assert!(!RunOn::from(3).is_known());
    }

    #[test]
    fn run_on_reads_names_and_rejects_other_words() {
        assert_eq!("reply_detected".parse(), Ok(RunOn::ReplyDetected));
        let error = "SOMETIMES".parse::<RunOn>().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("\"SOMETIMES\" is not a webhook event kind")
        );
    }
}
