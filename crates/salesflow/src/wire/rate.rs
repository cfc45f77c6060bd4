//! A rate (a percentage or a score) as the .NET server writes a `double`.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A rate of the analytics (a percentage, 0 to 100, or a score), a .NET `double`. Newtonsoft
/// writes a double that is not finite as a string, `"NaN"` (a rate of nothing, 0/0),
/// `"Infinity"` or `"-Infinity"`: each reads as the number it stands for, and is written
/// back the same way. It derefs to the `f64`.
///
/// ```
/// use salesflow::Rate;
///
/// let rates: Vec<Rate> = serde_json::from_str(r#"[19.5, "NaN", 7]"#)?;
/// assert_eq!(*rates[0], 19.5);
/// assert!(rates[1].is_nan());
/// assert_eq!(f64::from(rates[2]), 7.0);
/// assert_eq!(serde_json::to_string(&rates)?, r#"[19.5,"NaN",7.0]"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Rate(pub f64);

impl Rate {
    /// The number.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl Deref for Rate {
    type Target = f64;

    fn deref(&self) -> &f64 {
        &self.0
    }
}

impl From<Rate> for f64 {
    fn from(rate: Rate) -> Self {
        rate.0
    }
}

impl From<f64> for Rate {
    fn from(value: f64) -> Self {
        Self(value)
    }
}

impl PartialEq<f64> for Rate {
    fn eq(&self, other: &f64) -> bool {
        self.0 == *other
    }
}

/// A double's text as Newtonsoft writes it: a number, or `NaN`, `Infinity`, `-Infinity`.
fn parse(text: &str) -> Option<f64> {
    match text.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        other => other.parse().ok().filter(|number: &f64| number.is_finite()),
    }
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
            .map(Self)
            .ok_or_else(|| format!("{text:?} is not a rate: a number, NaN, Infinity or -Infinity"))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            value if value.is_nan() => f.write_str("NaN"),
            f64::INFINITY => f.write_str("Infinity"),
            f64::NEG_INFINITY => f.write_str("-Infinity"),
            value => write!(f, "{value}"),
        }
    }
}

impl Serialize for Rate {
    /// A number; a non-finite one as Newtonsoft writes it (`"NaN"`), which JSON's numbers
    /// cannot hold.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.serialize_f64(self.0)
        } else {
            serializer.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Number;
        impl Visitor<'_> for Number {
            type Value = Rate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or \"NaN\", \"Infinity\" or \"-Infinity\"")
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Rate, E> {
                Ok(Rate(value))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Rate, E> {
                Ok(Rate(value as f64))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Rate, E> {
                Ok(Rate(value as f64))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Rate, E> {
                parse(text)
                    .map(Rate)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_any(Number)
    }
}

#[cfg(test)]
mod tests {
    use super::Rate;

    #[test]
    fn every_form_newtonsoft_writes_reads_and_is_written_back() {
        let read: Vec<Rate> = serde_json::from_str(
            r#"[0, 19.066666666666666, "NaN", "Infinity", "-Infinity", "12.5"]"#,
        )
        .unwrap();
        assert_eq!(read[1], 19.066666666666666);
        assert!(read[2].is_nan());
        assert_eq!(read[3], f64::INFINITY);
        assert_eq!(read[4], f64::NEG_INFINITY);
        assert_eq!(read[5], 12.5);
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"[0.0,19.066666666666666,"NaN","Infinity","-Infinity",12.5]"#
        );
        assert!(serde_json::from_str::<Rate>(r#""lots""#).is_err());
        assert!(serde_json::from_str::<Rate>("true").is_err());
        assert_eq!("NaN".parse::<Rate>().unwrap().to_string(), "NaN");
    }
}
