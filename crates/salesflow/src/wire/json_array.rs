//! The items of a JSON array, decoded one by one as the array's bytes arrive.
//!
//! Salesflow's lists have no pagination: an agency's `listContactsByAccount` is one array of
//! hundreds of megabytes. [`ArrayItems`] takes the body chunk by chunk and hands out each
//! item as soon as its last byte is in, decoded leniently (see `lenient_json`). There is no
//! separate scan for the items' ends: serde_json decodes an item from the chunk where it
//! lies, and an item it finds cut off by the chunk's end is carried over (only that item's
//! bytes are copied). Memory is one chunk and one item, whatever the length of the list.

use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny};

use super::lenient_json::{self, Lenient, Located};

/// How many bytes of a new chunk are joined to an item carried over at first; doubled until
/// the item is whole.
const FIRST_JOIN: usize = 4096;

/// Where the decoder is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the array: an optional byte-order mark (`matched` bytes of it seen), blanks.
    Start { matched: u8 },
    /// After `[` or `,`: blanks, then an item (or `]`).
    BeforeItem,
    /// After an item: blanks, then `,` or `]`.
    AfterItem,
    /// After `]`: blanks only.
    Done,
    /// The body is not a JSON array (`null`, an object): the caller reads it whole.
    NotArray,
}

/// What [`ArrayItems::next`] found.
pub(crate) enum Step<T> {
    /// An item, with its index.
    Item(usize, Item<T>),
    /// The chunk is used up: the next one, please.
    NeedMore,
    /// The body is not an array: from where the decoder stopped in this chunk on, it is to
    /// be read whole.
    NotArray,
}

/// What became of the body so far, for [`ArrayItems::feed`].
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Progress {
    /// Reading on: more items may follow.
    Reading,
    /// The body is not an array; its bytes from `at` in the last chunk on (and every later
    /// chunk) are the whole of it that matters.
    NotArray { at: usize },
}

/// A body that is not well-formed JSON, at a place no later bytes can mend.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    /// The number of items before the error.
    pub items_before: usize,
    /// What serde_json, or the array's own syntax, found wrong.
    pub detail: String,
}

/// One item of the array: decoded, or why not and where.
pub(crate) type Item<T> = Result<T, Located>;

/// Decodes the items of a JSON array from chunks of its bytes.
pub(crate) struct ArrayItems<T> {
    phase: Phase,
    /// The bytes of an item cut off by the end of a chunk.
    carry: Vec<u8>,
    /// How many items have been handed out.
    count: usize,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Default for ArrayItems<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: DeserializeOwned> ArrayItems<T> {
    /// A decoder at the start of a body.
    pub(crate) fn new() -> Self {
        Self {
            phase: Phase::Start { matched: 0 },
            carry: Vec::new(),
            count: 0,
            item: PhantomData,
        }
    }

    /// How many items have been handed out.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Whether nothing but blanks (and a byte-order mark) has arrived.
    pub(crate) fn is_blank(&self) -> bool {
        matches!(self.phase, Phase::Start { .. })
    }

    /// Decodes the items that `chunk` completes, handing each to `emit` with its index.
    #[cfg(test)]
    pub(crate) fn feed(
        &mut self,
        chunk: &[u8],
        emit: &mut impl FnMut(usize, Item<T>),
    ) -> Result<Progress, SyntaxError> {
        let mut at = 0;
        loop {
            match self.next(chunk, &mut at)? {
                Step::Item(index, item) => emit(index, item),
                Step::NeedMore => return Ok(Progress::Reading),
                Step::NotArray => return Ok(Progress::NotArray { at }),
            }
        }
    }

    /// The next item that `chunk` completes, from `at` on (moved past it). Call again with
    /// the same chunk until [`Step::NeedMore`], then with the next chunk from 0.
    pub(crate) fn next(&mut self, chunk: &[u8], at: &mut usize) -> Result<Step<T>, SyntaxError> {
        if *at == 0 && !self.carry.is_empty() {
            match self.join(chunk)? {
                Some((next, step)) => {
                    *at = next;
                    return Ok(step);
                }
                None => {
                    *at = chunk.len();
                    return Ok(Step::NeedMore);
                }
            }
        }
        while *at < chunk.len() {
            let byte = chunk[*at];
            match self.phase {
                Phase::Start { matched } => {
                    const BOM: &[u8] = b"\xEF\xBB\xBF";
                    if usize::from(matched) < BOM.len() && byte == BOM[usize::from(matched)] {
                        self.phase = Phase::Start {
                            matched: matched + 1,
                        };
                    } else if (matched > 0 && usize::from(matched) < BOM.len())
                        || (byte != b'[' && !is_blank(byte))
                    {
                        self.phase = Phase::NotArray;
                        return Ok(Step::NotArray);
                    } else if byte == b'[' {
                        self.phase = Phase::BeforeItem;
                    }
                    *at += 1;
                }
                Phase::BeforeItem if is_blank(byte) => *at += 1,
                // `[]`, and (liberal) a trailing comma: `[{...},]`.
                Phase::BeforeItem if byte == b']' => {
                    self.phase = Phase::Done;
                    *at += 1;
                }
                Phase::BeforeItem => match decode::<T>(&chunk[*at..], false) {
                    Attempt::Whole(item, length) => {
                        *at += length;
                        return Ok(self.hand_out(item));
                    }
                    Attempt::CutOff => {
                        self.carry.extend_from_slice(&chunk[*at..]);
                        *at = chunk.len();
                    }
                    Attempt::Broken(error) => return Err(self.syntax(error.to_string())),
                },
                Phase::AfterItem if is_blank(byte) => *at += 1,
                Phase::AfterItem if byte == b',' => {
                    self.phase = Phase::BeforeItem;
                    *at += 1;
                }
                Phase::AfterItem if byte == b']' => {
                    self.phase = Phase::Done;
                    *at += 1;
                }
                Phase::AfterItem => {
                    return Err(self.syntax(format!(
                        "expected `,` or `]` after an item, found {:?}",
                        char::from(byte)
                    )));
                }
                Phase::Done if is_blank(byte) => *at += 1,
                Phase::Done => {
                    return Err(self.syntax(format!(
                        "text after the end of the list: {:?}",
                        char::from(byte)
                    )));
                }
                Phase::NotArray => return Ok(Step::NotArray),
            }
        }
        Ok(Step::NeedMore)
    }

    /// Checks that the body ended where a list can end; returns its last item if that was
    /// a number or a literal cut off by the end of a chunk (whole at the body's end).
    pub(crate) fn end(&mut self) -> Result<Option<(usize, Item<T>)>, SyntaxError> {
        let mut last = None;
        if !self.carry.is_empty() {
            let carried = std::mem::take(&mut self.carry);
            match decode::<T>(&carried, true) {
                Attempt::Whole(item, _) => {
                    if let Step::Item(index, item) = self.hand_out(item) {
                        last = Some((index, item));
                    }
                }
                Attempt::CutOff => {
                    return Err(self.syntax("the response ends inside an item".to_owned()));
                }
                Attempt::Broken(error) => return Err(self.syntax(error.to_string())),
            }
        }
        match self.phase {
            Phase::Done | Phase::Start { .. } | Phase::NotArray => Ok(last),
            Phase::BeforeItem | Phase::AfterItem => {
                Err(self
                    .syntax("the response ends before the list does (no closing `]`)".to_owned()))
            }
        }
    }

    /// Joins the start of `chunk` to the item carried over until that item is whole.
    /// Returns where in `chunk` the bytes after the item begin, and the item; or `None` if
    /// all of `chunk` belongs to the item.
    fn join(&mut self, chunk: &[u8]) -> Result<Option<(usize, Step<T>)>, SyntaxError> {
        let carried = self.carry.len();
        let mut joined: usize = 0;
        let mut step = FIRST_JOIN;
        loop {
            let upto = joined.saturating_add(step).min(chunk.len());
            self.carry.extend_from_slice(&chunk[joined..upto]);
            joined = upto;
            match decode::<T>(&self.carry, false) {
                Attempt::Whole(item, length) => {
                    self.carry.clear();
                    return Ok(Some((length.saturating_sub(carried), self.hand_out(item))));
                }
                Attempt::CutOff if joined == chunk.len() => return Ok(None),
                Attempt::CutOff => step = step.saturating_mul(2),
                Attempt::Broken(error) => {
                    self.carry.clear();
                    return Err(self.syntax(error.to_string()));
                }
            }
        }
    }

    fn hand_out(&mut self, item: Item<T>) -> Step<T> {
        let index = self.count;
        self.count += 1;
        self.phase = Phase::AfterItem;
        Step::Item(index, item)
    }

    fn syntax(&self, detail: String) -> SyntaxError {
        SyntaxError {
            items_before: self.count,
            detail,
        }
    }
}

/// JSON's blanks.
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// What decoding one item from the start of some bytes gave.
enum Attempt<T> {
    /// The item (or why it does not decode, when its JSON is whole) and its length.
    Whole(Item<T>, usize),
    /// The bytes end inside the item.
    CutOff,
    /// The item is not well-formed JSON.
    Broken(serde_json::Error),
}

/// Decodes the item at the start of `bytes`; `last` when no bytes follow them.
fn decode<T: DeserializeOwned>(bytes: &[u8], last: bool) -> Attempt<T> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<LenientValue<T>>();
    match values.next() {
        Some(Ok(LenientValue(value))) => {
            let length = values.byte_offset();
            // A number or a literal that reaches the end of the bytes may go on in the next
            // chunk; an object, an array or a string ends with its own closing byte.
            let delimited = matches!(bytes.first(), Some(b'{' | b'[' | b'"'));
            if length == bytes.len() && !delimited && !last {
                Attempt::CutOff
            } else {
                Attempt::Whole(Ok(value), length)
            }
        }
        Some(Err(error)) if error.is_eof() => Attempt::CutOff,
        Some(Err(error)) => {
            // Whole but not a `T` (a data error), cut off, or broken: skipping the item as
            // any JSON tells which, and where it ends.
            let mut skip = serde_json::Deserializer::from_slice(bytes).into_iter::<IgnoredAny>();
            match skip.next() {
                Some(Ok(_)) => {
                    let length = skip.byte_offset();
                    Attempt::Whole(
                        Err(lenient_json::locate::<T>(&bytes[..length], error)),
                        length,
                    )
                }
                Some(Err(skipped)) if skipped.is_eof() => Attempt::CutOff,
                Some(Err(skipped)) => Attempt::Broken(skipped),
                None => Attempt::CutOff,
            }
        }
        None => Attempt::CutOff,
    }
}

/// A `T` decoded through [`Lenient`], so that serde_json's stream decoder (which tells
/// where a value ends) decodes it the way the client decodes whole responses.
struct LenientValue<T>(T);

impl<'de, T: DeserializeOwned> de::Deserialize<'de> for LenientValue<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(Lenient(deserializer)).map(LenientValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Row {
        #[serde(rename = "Id")]
        id: i64,
        #[serde(rename = "Name")]
        name: Option<String>,
    }

    /// Feeds `body` in chunks of `size` bytes; the items (or the paths that failed).
    fn items_in(body: &[u8], size: usize) -> Result<Vec<Result<Row, String>>, String> {
        let mut items = ArrayItems::<Row>::new();
        let mut out = Vec::new();
        let mut emit = |index: usize, item: Item<Row>| {
            assert_eq!(index, out.len());
            out.push(item.map_err(|e| e.path.unwrap_or_default()));
        };
        for chunk in body.chunks(size.max(1)) {
            match items.feed(chunk, &mut emit) {
                Ok(Progress::Reading) => {}
                Ok(Progress::NotArray { .. }) => return Err("not an array".to_owned()),
                Err(error) => return Err(format!("{} after {}", error.detail, error.items_before)),
            }
        }
        if let Some((index, item)) = items.end().map_err(|e| e.detail)? {
            emit(index, item);
        }
        Ok(out)
    }

    fn row(id: i64, name: &str) -> Result<Row, String> {
        Ok(Row {
            id,
            name: Some(name.to_owned()),
        })
    }

    #[test]
    fn every_chunking_gives_the_same_items() {
        let body = "\u{FEFF} [ {\"Id\": 1, \"Name\": \"Ann \\\"A\\\" \u{e9}\"},\n{\"id\":2,\"name\":\"B]},[\"} ,{\"ID\": 3.0, \"Name\": \"C\", \"New\": {\"x\": [1, {}]}} ]\r\n";
        let expected = vec![row(1, "Ann \"A\" \u{e9}"), row(2, "B]},["), row(3, "C")];
        for size in 1..=body.len() {
            assert_eq!(
                items_in(body.as_bytes(), size).unwrap(),
                expected,
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn an_item_that_does_not_decode_names_its_field_and_the_rest_still_come() {
        let body = br#"[{"Id": 1}, {"Id": "seven", "Name": "x"}, {"Id": 3}]"#;
        for size in [1, 5, 17, body.len()] {
            let items = items_in(body, size).unwrap();
            assert_eq!(items.len(), 3, "chunks of {size}");
            assert_eq!(items[1], Err("Id".to_owned()));
            assert_eq!(items[2].as_ref().unwrap().id, 3);
        }
    }

    #[test]
    fn empty_lists_and_bodies_that_are_not_lists() {
        for body in ["[]", " [ ] ", "[\n]", ""] {
            assert_eq!(items_in(body.as_bytes(), 1).unwrap(), vec![], "{body:?}");
        }
        for body in ["null", "{\"Status\": 500}", "\u{FEFF}null", "\u{EF}x"] {
            assert_eq!(
                items_in(body.as_bytes(), 2),
                Err("not an array".to_owned()),
                "{body:?}"
            );
        }
    }

    #[test]
    fn broken_and_cut_off_lists_are_errors() {
        let cut = items_in(br#"[{"Id": 1}, {"Id": 2"#, 4).unwrap_err();
        assert!(cut.contains("inside an item"), "{cut}");
        let open = items_in(br#"[{"Id": 1}"#, 3).unwrap_err();
        assert!(open.contains("no closing"), "{open}");
        let broken = items_in(br#"[{"Id": 1}, {"Id": 2,,}]"#, 64).unwrap_err();
        assert!(broken.ends_with("after 1"), "{broken}");
        let missing_comma = items_in(br#"[{"Id": 1} {"Id": 2}]"#, 64).unwrap_err();
        assert!(missing_comma.contains("expected `,`"), "{missing_comma}");
        let trailing = items_in(br#"[{"Id": 1}] x"#, 64).unwrap_err();
        assert!(trailing.contains("after the end"), "{trailing}");
    }

    #[test]
    fn numbers_cut_by_a_chunk_are_read_whole() {
        let mut items = ArrayItems::<i64>::new();
        let mut out = Vec::new();
        let mut emit = |_: usize, item: Item<i64>| out.push(item.unwrap());
        for chunk in [&b"[12"[..], b"34, 5", b"6]"] {
            items.feed(chunk, &mut emit).unwrap();
        }
        if let Some((index, item)) = items.end().unwrap() {
            emit(index, item);
        }
        assert_eq!(out, vec![1234, 56]);
    }
}
