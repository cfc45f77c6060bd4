//! Analytics periods as inclusive day ranges, made explicit because the API rounds to days.

use std::fmt;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use salesflow::builder::{GetAnalyticsByAccount, GetAnalyticsByCampaign};

/// A period of whole UTC days, both ends included: what the analytics operations can count.
///
/// The API rounds its `from` and `to` parameters down to the beginning of their day
/// (`2024-01-05T10:10:10` is read as `2024-01-05`), so a period can only be whole days, and
/// `to=2024-01-31` would end January at the first instant of the 31st. A `DateRange` is
/// sent as:
/// - `from` = its [`first`](Self::first) day;
/// - `to` = the day **after** its [`last`](Self::last) day, so that the last day counts.
///
/// ```
/// use salesflow_ext::DateRange;
/// use chrono::NaiveDate;
///
/// let january = DateRange::month(2024, 1)?;
/// assert_eq!(january.last(), NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
/// assert_eq!(january.from_param().to_string(), "2024-01-01");
/// assert_eq!(january.to_param().to_string(), "2024-02-01"); // January 31 included
/// # Ok::<(), salesflow_ext::DateRangeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

/// Why a [`DateRange`] could not be made; the message says what to pass instead.
///
/// ```
/// # use salesflow_ext::{DateRange, DateRangeError};
/// let error = DateRange::month(2024, 13).unwrap_err();
/// assert_eq!(error, DateRangeError::NoSuchMonth { year: 2024, month: 13 });
/// assert_eq!(error.to_string(), "there is no month 13 in 2024: months go from 1 to 12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateRangeError {
    /// The last day is before the first.
    Reversed {
        /// The first day asked for.
        first: NaiveDate,
        /// The last day asked for.
        last: NaiveDate,
    },
    /// The month or year does not exist in the calendar.
    NoSuchMonth {
        /// The year asked for.
        year: i32,
        /// The month asked for (1 to 12).
        month: u32,
    },
    /// The period reaches past the last date the calendar can hold.
    OutOfRange,
}

impl fmt::Display for DateRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reversed { first, last } => write!(
                f,
                "date range ends ({last}) before it starts ({first}): pass the earlier day first"
            ),
            Self::NoSuchMonth { year, month } => {
                write!(
                    f,
                    "there is no month {month} in {year}: months go from 1 to 12"
                )
            }
            Self::OutOfRange => f.write_str("date range reaches past the last representable date"),
        }
    }
}

impl std::error::Error for DateRangeError {}

impl DateRange {
    /// The days from `first` to `last`, both included.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// # use chrono::NaiveDate;
    /// let d = |day| NaiveDate::from_ymd_opt(2024, 3, day).unwrap();
    /// assert!(DateRange::days(d(5), d(4)).is_err());
    /// assert_eq!(DateRange::days(d(4), d(5)).unwrap().to_param(), d(6));
    /// ```
    pub fn days(first: NaiveDate, last: NaiveDate) -> Result<Self, DateRangeError> {
        if last < first {
            return Err(DateRangeError::Reversed { first, last });
        }
        // `to_param` must exist.
        last.checked_add_days(Days::new(1))
            .ok_or(DateRangeError::OutOfRange)?;
        Ok(Self { first, last })
    }

    /// One day.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    /// let range = DateRange::day(day).unwrap();
    /// assert_eq!((range.first(), range.last()), (day, day));
    /// ```
    pub fn day(day: NaiveDate) -> Result<Self, DateRangeError> {
        Self::days(day, day)
    }

    /// A calendar month, its last day included.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// assert_eq!(DateRange::month(2024, 2).unwrap().last().to_string(), "2024-02-29");
    /// assert!(DateRange::month(2024, 13).is_err());
    /// ```
    pub fn month(year: i32, month: u32) -> Result<Self, DateRangeError> {
        let no_such_month = DateRangeError::NoSuchMonth { year, month };
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(no_such_month.clone())?;
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .ok_or(DateRangeError::OutOfRange)?;
        Self::days(first, next.pred_opt().ok_or(no_such_month)?)
    }

    /// The whole days that the instants from `start` to `end` touch: `start`'s day through
    /// `end`'s day, but not `end`'s day when `end` is exactly its midnight (an end at
    /// midnight covers nothing of that day).
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// use chrono::{TimeZone, Utc};
    /// let start = Utc.with_ymd_and_hms(2024, 1, 5, 10, 10, 10).unwrap();
    /// let end = Utc.with_ymd_and_hms(2024, 1, 7, 0, 0, 0).unwrap();
    /// let range = DateRange::covering(start, end).unwrap();
    /// assert_eq!(range.first().to_string(), "2024-01-05"); // rounded down, as the API does
    /// assert_eq!(range.last().to_string(), "2024-01-06");
    /// ```
    pub fn covering(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, DateRangeError> {
        let first = start.date_naive();
        let mut last = end.date_naive();
        if end.time() == NaiveTime::MIN && last > first {
            last = last.pred_opt().ok_or(DateRangeError::OutOfRange)?;
        }
        Self::days(first, last)
    }

    /// The first day of the period.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// assert_eq!(DateRange::month(2024, 3).unwrap().first().to_string(), "2024-03-01");
    /// ```
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last day of the period (included).
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// assert_eq!(DateRange::month(2024, 3).unwrap().last().to_string(), "2024-03-31");
    /// ```
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// How many days the period holds.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// assert_eq!(DateRange::month(2023, 2).unwrap().len_days(), 28);
    /// ```
    pub fn len_days(&self) -> u64 {
        (self.last - self.first).num_days().unsigned_abs() + 1
    }

    /// Whether `day` is in the period.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// let march = DateRange::month(2024, 3).unwrap();
    /// assert!(march.contains("2024-03-31".parse().unwrap()));
    /// assert!(!march.contains("2024-04-01".parse().unwrap()));
    /// ```
    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.first..=self.last).contains(&day)
    }

    /// What is sent as `from`: the first day.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// assert_eq!(DateRange::month(2024, 3).unwrap().from_param().to_string(), "2024-03-01");
    /// ```
    pub fn from_param(&self) -> NaiveDate {
        self.first
    }

    /// What is sent as `to`: the day after the last day.
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// assert_eq!(DateRange::month(2024, 3).unwrap().to_param().to_string(), "2024-04-01");
    /// ```
    pub fn to_param(&self) -> NaiveDate {
        self.last
            .checked_add_days(Days::new(1))
            .expect("checked when the range was made")
    }

    /// The same period a year earlier, for year-over-year comparisons (February 29 maps to
    /// February 28).
    ///
    /// ```
    /// # use salesflow_ext::DateRange;
    /// let q = DateRange::month(2024, 2).unwrap().a_year_earlier().unwrap();
    /// assert_eq!((q.first().to_string(), q.last().to_string()), ("2023-02-01".into(), "2023-02-28".into()));
    /// ```
    pub fn a_year_earlier(&self) -> Result<Self, DateRangeError> {
        let back = |day: NaiveDate| {
            day.with_year(day.year() - 1)
                .or_else(|| day.pred_opt()?.with_year(day.year() - 1))
                .ok_or(DateRangeError::OutOfRange)
        };
        Self::days(back(self.first)?, back(self.last)?)
    }
}

impl fmt::Display for DateRange {
    /// `2024-01-01..=2024-01-31`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.first, self.last)
    }
}

/// Sets both `from` and `to` of an analytics request from a [`DateRange`].
///
/// ```no_run
/// use salesflow_ext::{AnalyticsPeriod, Client, DateRange};
/// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
/// let january = DateRange::month(2024, 1)?;
/// // Sends from=2024-01-01&to=2024-02-01.
/// let analytics = client
///     .get_analytics_by_campaign()
///     .account_id(321)
///     .campaign_id(10)
///     .period(january)
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
pub trait AnalyticsPeriod: Sized {
    /// Sends `from` = [`range.from_param()`](DateRange::from_param) and `to` =
    /// [`range.to_param()`](DateRange::to_param).
    fn period(self, range: DateRange) -> Self;
}

impl AnalyticsPeriod for GetAnalyticsByCampaign<'_> {
    fn period(self, range: DateRange) -> Self {
        self.from(range.from_param()).to(range.to_param())
    }
}

impl AnalyticsPeriod for GetAnalyticsByAccount<'_> {
    fn period(self, range: DateRange) -> Self {
        self.from(range.from_param()).to(range.to_param())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_month_ends_on_its_last_day_and_sends_the_next_first() {
        let table = [
            (2024, 1, d(2024, 1, 31), d(2024, 2, 1)),
            (2024, 2, d(2024, 2, 29), d(2024, 3, 1)),
            (2023, 2, d(2023, 2, 28), d(2023, 3, 1)),
            (2024, 12, d(2024, 12, 31), d(2025, 1, 1)),
        ];
        for (year, month, last, to) in table {
            let range = DateRange::month(year, month).unwrap();
            assert_eq!(range.first(), d(year, month, 1));
            assert_eq!(
                (range.last(), range.to_param()),
                (last, to),
                "{year}-{month}"
            );
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let reversed = DateRange::days(d(2024, 2, 1), d(2024, 1, 1)).unwrap_err();
        assert_eq!(
            reversed.to_string(),
            "date range ends (2024-01-01) before it starts (2024-02-01): pass the earlier day first"
        );
        assert_eq!(
            DateRange::month(2024, 0).unwrap_err(),
            DateRangeError::NoSuchMonth {
                year: 2024,
                month: 0
            }
        );
        assert_eq!(
            DateRange::day(NaiveDate::MAX).unwrap_err(),
            DateRangeError::OutOfRange
        );
    }

    #[test]
    fn covering_rounds_the_start_down_and_keeps_a_partial_last_day() {
        let start = Utc.with_ymd_and_hms(2024, 1, 5, 10, 10, 10).unwrap();
        let end = Utc.with_ymd_and_hms(2024, 1, 6, 0, 0, 1).unwrap();
        let range = DateRange::covering(start, end).unwrap();
        assert_eq!(
            (range.first(), range.last()),
            (d(2024, 1, 5), d(2024, 1, 6))
        );
        let same_midnight = Utc.with_ymd_and_hms(2024, 1, 5, 0, 0, 0).unwrap();
        let range = DateRange::covering(same_midnight, same_midnight).unwrap();
        assert_eq!(range.len_days(), 1);
        assert!(DateRange::covering(end, start).is_err());
    }

    #[test]
    fn contains_len_and_display() {
        let range = DateRange::days(d(2024, 1, 30), d(2024, 2, 2)).unwrap();
        assert_eq!(range.len_days(), 4);
        assert!(range.contains(d(2024, 2, 2)));
        assert!(!range.contains(d(2024, 2, 3)));
        assert_eq!(range.to_string(), "2024-01-30..=2024-02-02");
    }
}
