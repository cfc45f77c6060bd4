//! Decoding more liberal than the spec, where serde alone cannot be.
//!
//! The generated types read, with serde alone, every response the spec allows: missing and
//! `null` fields (`None`), `null` lists (empty), rates `"NaN"` (`Rate`), enumerations as
//! numbers, every timestamp form. [`Lenient`] wraps a serde `Deserializer` for what the spec
//! does not promise but a .NET server might still send, as the SDK's README says:
//! - a struct's keys match its fields case-insensitively, the way .NET binds them
//!   (`memberId` and `MEMBERID` fill `MemberId`; an exact match wins);
//! - an integer may be written as an integral double (`750.0`).

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// Decodes a JSON document the way the client decodes Salesflow's responses: a leading UTF-8
/// byte-order mark is skipped, keys match in any case, integers may be integral doubles
/// (and, as with serde alone, `null` lists are empty and rates may be `"NaN"`). For bodies
/// Salesflow sends elsewhere (a webhook event) or JSON saved from it.
///
/// ```
/// let contact: salesflow::types::Contact =
///     salesflow::from_json(b"\xEF\xBB\xBF{\"memberId\": 7, \"firstName\": \"Ann\"}")?;
/// assert_eq!((contact.member_id, contact.first_name.as_deref()), (7, Some("Ann")));
///
/// let error = salesflow::from_json::<salesflow::types::Contact>(br#"{"MemberId": "x"}"#)
///     .unwrap_err();
/// assert_eq!(error.field(), Some("MemberId"));
/// # Ok::<(), salesflow::JsonError>(())
/// ```
pub fn from_json<T: de::DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    from_slice(bytes).map_err(JsonError)
}

/// Why [`from_json`] failed: where, and what was wrong.
#[derive(Debug)]
pub struct JsonError(Located);

impl JsonError {
    /// The path to the value that failed (`[3].CampaignId`), or `None` for the whole
    /// document (bad syntax, trailing text).
    pub fn field(&self) -> Option<&str> {
        self.0.path.as_deref()
    }

    /// The line the error is on (1-based).
    pub fn line(&self) -> usize {
        self.0.error.line()
    }

    /// The column of that line (1-based).
    pub fn column(&self) -> usize {
        self.0.error.column()
    }

    /// Whether the document ended too early (an empty or cut-off body).
    pub fn is_eof(&self) -> bool {
        self.0.error.is_eof()
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.0.path {
            write!(f, "field `{field}`: ")?;
        }
        // serde_json's message ends with "at line L column C".
        write!(f, "{}", self.0.error)
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.error)
    }
}

/// Decodes `T` from JSON `bytes` leniently; on failure, says where (`[3].CampaignId`).
pub(crate) fn from_slice<T: de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Located> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    match T::deserialize(Lenient(&mut json)).and_then(|value| json.end().map(|()| value)) {
        Ok(value) => Ok(value),
        // Decode again to learn where it failed: tracking the path costs an allocation per
        // key, so only a failure pays for it.
        Err(error) => Err(locate::<T>(bytes, error)),
    }
}

/// A decoding failure and where in the document it happened.
#[derive(Debug)]
pub(crate) struct Located {
    /// The path to the value that failed (`[3].CampaignId`), if not the whole document.
    pub path: Option<String>,
    /// What was wrong.
    pub error: serde_json::Error,
}

pub(crate) fn locate<T: de::DeserializeOwned>(bytes: &[u8], error: serde_json::Error) -> Located {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(Lenient(&mut json)) {
        Err(located) => {
            let path = located.path().to_string();
            Located {
                path: (path != "." && !path.is_empty()).then_some(path),
                error: located.into_inner(),
            }
        }
        Ok(_) => Located { path: None, error },
    }
}

/// A deserializer that reads what a .NET server may send (see the module docs).
pub(crate) struct Lenient<D>(pub D);

/// How a wrapped visitor bends what it is given.
#[derive(Clone, Copy)]
enum Mode {
    /// As it is; nested values are lenient.
    Plain,
    /// An integer: an integral double too.
    Integer,
    /// A struct with these fields: its keys match them case-insensitively.
    Struct(&'static [&'static str]),
}

struct Wrap<V> {
    inner: V,
    mode: Mode,
}

fn wrap<V>(inner: V, mode: Mode) -> Wrap<V> {
    Wrap { inner, mode }
}

macro_rules! forward_plain {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(wrap(visitor, Mode::Plain))
        }
    )*};
}

macro_rules! forward_bare {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(visitor)
        }
    )*};
}

macro_rules! forward_mode {
    ($($method:ident => $mode:expr),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(wrap(visitor, $mode))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    forward_plain!(
        deserialize_any,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_map,
        deserialize_seq,
    );

    // A visitor of these is handed a scalar, never a nested value: nothing to bend, and
    // not wrapping it saves work on every string of every response.
    forward_bare!(
        deserialize_bool,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_unit,
        deserialize_identifier,
    );

    forward_mode!(
        deserialize_i8 => Mode::Integer,
        deserialize_i16 => Mode::Integer,
        deserialize_i32 => Mode::Integer,
        deserialize_i64 => Mode::Integer,
        deserialize_i128 => Mode::Integer,
        deserialize_u8 => Mode::Integer,
        deserialize_u16 => Mode::Integer,
        deserialize_u32 => Mode::Integer,
        deserialize_u64 => Mode::Integer,
        deserialize_u128 => Mode::Integer,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_unit_struct(name, wrap(visitor, Mode::Plain))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_newtype_struct(name, wrap(visitor, Mode::Plain))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, wrap(visitor, Mode::Plain))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_tuple_struct(name, len, wrap(visitor, Mode::Plain))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_struct(name, fields, wrap(visitor, Mode::Struct(fields)))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_enum(name, variants, wrap(visitor, Mode::Plain))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// The index of the field of `fields` that `key` names: exactly, else ignoring ASCII case.
fn field_index(fields: &'static [&'static str], key: &str) -> Option<usize> {
    fields.iter().position(|field| *field == key).or_else(|| {
        fields
            .iter()
            .position(|field| field.eq_ignore_ascii_case(key))
    })
}

/// The order of the keys of the last records decoded on this thread, by kind of record. A
/// server writes the keys of a record in the same order every time, so in a list the key
/// at a place mostly names the field the key at that place of the record before named:
/// one comparison instead of a search through the fields. A record takes the order of its
/// kind when it starts and gives it back when it ends; its keys touch no thread-local.
mod key_order {
    use std::cell::Cell;

    /// Places remembered per kind.
    const PLACES: usize = 48;
    /// Kinds remembered at once (a list of records that hold lists of others).
    const KINDS: usize = 4;
    /// A place whose field is not known.
    const UNKNOWN: u8 = u8::MAX;

    thread_local! {
        /// Per kind: the address of its fields, and the field index of each place.
        static ORDERS: [Cell<(usize, [u8; PLACES])>; KINDS] =
            const { [const { Cell::new((0, [UNKNOWN; PLACES])) }; KINDS] };
        /// The slot the next new kind takes.
        static NEXT: Cell<usize> = const { Cell::new(0) };
    }

    /// The order of one record while it is read.
    pub(super) struct Order {
        fields: &'static [&'static str],
        field_at: [Cell<u8>; PLACES],
        changed: Cell<bool>,
    }

    fn address(fields: &'static [&'static str]) -> usize {
        fields.as_ptr() as usize
    }

    impl Order {
        /// The order the last record of this kind had.
        pub(super) fn of(fields: &'static [&'static str]) -> Self {
            let known = ORDERS
                .try_with(|orders| {
                    orders
                        .iter()
                        .map(Cell::get)
                        .find(|(kind, _)| *kind == address(fields))
                        .map(|(_, field_at)| field_at)
                })
                .ok()
                .flatten()
                .unwrap_or([UNKNOWN; PLACES]);
            Self {
                fields,
                field_at: known.map(Cell::new),
                changed: Cell::new(false),
            }
        }

        /// The field `key`, the key at `place`, names: the one the order expects if it is
        /// that, else the one found (and remembered).
        pub(super) fn field(&self, place: usize, key: &str) -> Option<&'static str> {
            let slot = self.field_at.get(place);
            if let Some(expected) = slot.and_then(|slot| self.fields.get(usize::from(slot.get())))
                && *expected == key
            {
                return Some(expected);
            }
            let index = super::field_index(self.fields, key)?;
            if let (Some(slot), Ok(index)) = (slot, u8::try_from(index)) {
                slot.set(index);
                self.changed.set(true);
            }
            Some(self.fields[index])
        }
    }

    impl Drop for Order {
        /// Gives the order back for the next record of the kind.
        fn drop(&mut self) {
            if !self.changed.get() {
                return;
            }
            let field_at = std::array::from_fn(|place| self.field_at[place].get());
            let kind = address(self.fields);
            let _ = ORDERS.try_with(|orders| {
                let slot = match orders.iter().position(|order| order.get().0 == kind) {
                    Some(slot) => slot,
                    None => NEXT
                        .try_with(|next| {
                            let slot = next.get();
                            next.set((slot + 1) % KINDS);
                            slot
                        })
                        .unwrap_or(0),
                };
                orders[slot].set((kind, field_at));
            });
        }
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
            self.inner.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(formatter)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        let integral = value.fract() == 0.0 && value.abs() < 9.007_199_254_740_992e15;
        match self.mode {
            // Exactly representable: no rounding hides here.
            #[allow(clippy::cast_possible_truncation)]
            Mode::Integer if integral => self.inner.visit_i64(value as i64),
            _ => self.inner.visit_f64(value),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Lenient(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Lenient(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(LenientSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let order = match self.mode {
            Mode::Struct(fields) => Some(key_order::Order::of(fields)),
            _ => None,
        };
        self.inner.visit_map(LenientMap {
            map,
            order,
            place: 0,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(LenientEnum(data))
    }
}

/// A seed whose value is read leniently.
struct LenientSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for LenientSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Lenient(deserializer))
    }
}

struct LenientSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for LenientSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(LenientSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct LenientMap<A> {
    map: A,
    /// The order of a struct's keys, for a struct.
    order: Option<key_order::Order>,
    /// The place of the next key.
    place: usize,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for LenientMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match &self.order {
            Some(order) => {
                let place = self.place;
                self.place += 1;
                self.map.next_key_seed(KeySeed {
                    seed,
                    at: KeyPlace { order, place },
                })
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(LenientSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Where a key stands: the order of its record, and its place in it.
#[derive(Clone, Copy)]
struct KeyPlace<'o> {
    order: &'o key_order::Order,
    place: usize,
}

impl KeyPlace<'_> {
    fn field(self, key: &str) -> Option<&'static str> {
        self.order.field(self.place, key)
    }
}

/// A struct's key, matched to its fields case-insensitively.
struct KeySeed<'o, K> {
    seed: K,
    at: KeyPlace<'o>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer {
            inner: deserializer,
            at: self.at,
        })
    }
}

struct KeyDeserializer<'o, D> {
    inner: D,
    at: KeyPlace<'o>,
}

macro_rules! forward_key {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method(KeyVisitor { inner: visitor, at: self.at })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    forward_key!(
        deserialize_any,
        deserialize_str,
        deserialize_string,
        deserialize_identifier,
    );

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

/// Hands a struct's visitor the name of the field a key names, in whatever case it came.
struct KeyVisitor<'o, V> {
    inner: V,
    at: KeyPlace<'o>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<V::Value, E> {
        match self.at.field(key) {
            Some(field) => self.inner.visit_str(field),
            None => self.inner.visit_str(key),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<V::Value, E> {
        match self.at.field(key) {
            Some(field) => self.inner.visit_str(field),
            None => self.inner.visit_borrowed_str(key),
        }
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<V::Value, E> {
        match self.at.field(&key) {
            Some(field) => self.inner.visit_str(field),
            None => self.inner.visit_string(key),
        }
    }
}

struct LenientEnum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for LenientEnum<A> {
    type Error = A::Error;
    type Variant = LenientVariant<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, LenientVariant(variant)))
    }
}

struct LenientVariant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for LenientVariant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.0.newtype_variant_seed(LenientSeed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, wrap(visitor, Mode::Plain))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0
            .struct_variant(fields, wrap(visitor, Mode::Struct(fields)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        #[serde(rename = "Rate")]
        rate: Option<crate::Rate>,
    }

    /// As the generated types are: a nullable list reads `null` as empty by itself.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Record {
        #[serde(rename = "MemberId")]
        member_id: i64,
        #[serde(
            rename = "Items",
            default,
            deserialize_with = "crate::wire::null_list::null_as_empty"
        )]
        items: Vec<i64>,
        #[serde(rename = "Inner")]
        inner: Option<Inner>,
    }

    fn read(json: &str) -> Record {
        from_slice(json.as_bytes()).unwrap_or_else(|e| panic!("{json}: {e:?}"))
    }

    #[test]
    fn keys_match_in_any_case() {
        let expected = Record {
            member_id: 5,
            items: vec![1],
            inner: Some(Inner {
                rate: Some(crate::Rate(0.5)),
            }),
        };
        for json in [
            r#"{"MemberId": 5, "Items": [1], "Inner": {"Rate": 0.5}}"#,
            r#"{"memberId": 5, "items": [1], "inner": {"rate": 0.5}}"#,
            r#"{"MEMBERID": 5, "ITEMS": [1], "INNER": {"RATE": 0.5}}"#,
        ] {
            assert_eq!(read(json), expected, "{json}");
        }
    }

    #[test]
    fn keys_in_a_new_order_or_case_from_one_record_to_the_next_still_match() {
        // The order of the record before is the first guess for each place: a record with
        // another order, other cases, or an unknown key in between must not be misread.
        let list = r#"[
            {"MemberId": 1, "Items": [1], "Inner": {"Rate": 0.5}},
            {"Inner": {"Rate": 0.25}, "MemberId": 2, "Items": [2]},
            {"items": [3], "$id": "x", "memberId": 3, "inner": null},
            {"MemberId": 4, "Items": [4], "Inner": {"Rate": 1.0}}
        ]"#;
        let records: Vec<Record> = from_slice(list.as_bytes()).unwrap();
        let ids: Vec<i64> = records.iter().map(|r| r.member_id).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        let items: Vec<Vec<i64>> = records.iter().map(|r| r.items.clone()).collect();
        assert_eq!(items, [[1], [2], [3], [4]]);
        assert_eq!(records[1].inner.as_ref().unwrap().rate.unwrap(), 0.25);
        assert_eq!(records[2].inner, None);
        assert_eq!(records[3].inner.as_ref().unwrap().rate.unwrap(), 1.0);
    }

    #[test]
    fn null_lists_are_empty_and_missing_fields_absent_with_serde_alone_too() {
        for json in [r#"{"MemberId": 5, "Items": null}"#, r#"{"MemberId": 5}"#] {
            let lenient = read(json);
            let plain: Record = serde_json::from_str(json).unwrap();
            assert_eq!(lenient, plain, "{json}");
            assert_eq!(lenient.items, Vec::<i64>::new());
            assert_eq!(lenient.inner, None);
        }
    }

    #[test]
    fn rates_read_newtonsoft_names_and_integers_read_integral_doubles() {
        let rate = |json: &str| f64::from(read(json).inner.unwrap().rate.unwrap());
        assert!(rate(r#"{"MemberId": 1, "Inner": {"Rate": "NaN"}}"#).is_nan());
        assert_eq!(
            rate(r#"{"MemberId": 1, "Inner": {"Rate": "Infinity"}}"#),
            f64::INFINITY
        );
        assert_eq!(
            rate(r#"{"MemberId": 1, "Inner": {"Rate": "-Infinity"}}"#),
            f64::NEG_INFINITY
        );
        assert_eq!(rate(r#"{"MemberId": 1, "Inner": {"Rate": 7}}"#), 7.0);
        // What the spec does not promise, the wrapper alone reads.
        assert_eq!(read(r#"{"MemberId": 750.0}"#).member_id, 750);
        assert!(serde_json::from_str::<Record>(r#"{"MemberId": 750.0}"#).is_err());
    }

    #[test]
    fn what_cannot_be_read_still_fails_with_its_place() {
        let error = from_slice::<Vec<Record>>(br#"[{"MemberId": 1}, {"MemberId": 1.5}]"#)
            .expect_err("1.5 is no member id");
        assert_eq!(error.path.as_deref(), Some("[1].MemberId"));
        let error = from_slice::<Record>(br#"{"MemberId": 1, "Items": "x"}"#).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("Items"));
        assert!(from_slice::<Record>(br#"{"MemberId": 1} trailing"#).is_err());
    }
}
