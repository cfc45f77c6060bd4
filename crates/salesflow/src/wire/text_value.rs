//! `TextValue`: what a text field of a struct's builder takes.

use std::borrow::Cow;

/// A value for a text field of a builder (`types::ContactUpdateBuilder::occupation`): a
/// `&str`, a `String`, or an `Option` of either, where `None` leaves the field out.
///
/// ```
/// let update: salesflow::types::ContactUpdate = salesflow::types::ContactUpdate::builder()
///     .occupation("CTO")
///     .location(String::from("Berlin"))
///     .email(None::<&str>)
///     .try_into()?;
/// assert_eq!(update.occupation.as_deref(), Some("CTO"));
/// assert_eq!(update.email, None);
/// # Ok::<(), salesflow::types::error::ConversionError>(())
/// ```
pub trait TextValue {
    /// The text, or `None` for no value.
    fn into_text(self) -> Option<String>;
}

impl TextValue for &str {
    fn into_text(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl TextValue for String {
    fn into_text(self) -> Option<String> {
        Some(self)
    }
}

impl TextValue for &String {
    fn into_text(self) -> Option<String> {
        Some(self.clone())
    }
}

impl TextValue for Cow<'_, str> {
    fn into_text(self) -> Option<String> {
        Some(self.into_owned())
    }
}

impl<T: TextValue> TextValue for Option<T> {
    fn into_text(self) -> Option<String> {
        self.and_then(TextValue::into_text)
    }
}
