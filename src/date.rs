//! The signing time in the two forms SigV4 uses: `YYYYMMDD'T'HHMMSS'Z'` and `YYYYMMDD`, in UTC.

use core::fmt;

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::error::Error;

/// `X-Amz-Date`'s format.
const AMZ_DATE: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// The signing time, formatted once: `X-Amz-Date` (`20200131T100233Z`) and the credential
/// scope's date (`20200131`), both in UTC whatever the offset of the time given. Fractions of
/// a second are dropped.
///
/// Years 1970 to 9999 are accepted: SigV4's formats have four-digit years.
///
/// ```
/// use sigv4_wss::AmzDate;
/// use time::macros::datetime;
///
/// let date = AmzDate::new(datetime!(2020-01-31 11:02:33 +01:00))?;
/// assert_eq!(date.date_time(), "20200131T100233Z");
/// assert_eq!(date.date(), "20200131");
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AmzDate {
    time: OffsetDateTime,
    text: [u8; 16],
}

impl AmzDate {
    /// Formats `time`, converted to UTC.
    ///
    /// # Errors
    ///
    /// [`Error::TimeOutOfRange`] if the time, in UTC, is before 1970 or after 9999.
    pub fn new(time: OffsetDateTime) -> Result<Self, Error> {
        // Converting leaves `time`'s range only from year 9999 with a negative offset (into
        // 10000) or from year -9999 with a positive one.
        let out_of_range = |year: i64| Error::TimeOutOfRange { year };
        let utc = time.checked_to_offset(UtcOffset::UTC).ok_or_else(|| {
            out_of_range(i64::from(time.year()) + if time.offset().is_negative() { 1 } else { -1 })
        })?;
        if !(1970..=9999).contains(&utc.year()) {
            return Err(out_of_range(utc.year().into()));
        }
        let time = utc.replace_nanosecond(0).unwrap_or(utc);
        let (hour, minute, second) = time.to_hms();
        let mut text = *b"00000000T000000Z";
        let fields = [
            (0, 4, time.year().unsigned_abs()),
            (4, 2, u8::from(time.month()).into()),
            (6, 2, time.day().into()),
            (9, 2, hour.into()),
            (11, 2, minute.into()),
            (13, 2, second.into()),
        ];
        for (at, width, mut value) in fields {
            for digit in text.iter_mut().skip(at).take(width).rev() {
                *digit = b'0' + u8::try_from(value % 10).unwrap_or_default();
                value /= 10;
            }
        }
        Ok(Self { time, text })
    }

    /// Parses `X-Amz-Date`: exactly `YYYYMMDD'T'HHMMSS'Z'`, a valid time from 1970 to 9999.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        let date = Self::new(PrimitiveDateTime::parse(value, AMZ_DATE).ok()?.assume_utc()).ok()?;
        (date.date_time() == value).then_some(date)
    }

    /// `X-Amz-Date`: `YYYYMMDD'T'HHMMSS'Z'`, for example `20200131T100233Z`.
    pub fn date_time(&self) -> &str {
        // Always ASCII: the format writes digits, `T` and `Z` only.
        core::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The credential scope's date: `YYYYMMDD`, for example `20200131`.
    pub fn date(&self) -> &str {
        self.date_time().get(..8).unwrap_or_default()
    }

    /// The time, in UTC.
    pub fn time(&self) -> OffsetDateTime {
        self.time
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.date_time())
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmzDate({})", self.date_time())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_utc_dropping_offsets_and_fractions() {
        for (time, want) in [
            (datetime!(1970-01-01 00:00:00 UTC), "19700101T000000Z"),
            (datetime!(2000-02-29 23:59:59 UTC), "20000229T235959Z"),
            (datetime!(2020-01-01 00:30:00 +01:00), "20191231T233000Z"),
            (datetime!(2020-01-31 10:02:33.999 UTC), "20200131T100233Z"),
            (datetime!(9999-12-31 23:59:59 +00:00:01), "99991231T235958Z"),
        ] {
            let date = AmzDate::new(time).unwrap();
            assert_eq!(date.date_time(), want);
            assert_eq!(date.date(), &want[..8]);
            assert_eq!(format!("{date} {date:?}"), format!("{want} AmzDate({want})"));
        }
    }

    #[test]
    fn range_is_1970_to_9999() {
        assert!(matches!(
            AmzDate::new(datetime!(1969-12-31 23:59:59 UTC)),
            Err(Error::TimeOutOfRange { year: 1969 })
        ));
        assert!(matches!(
            AmzDate::new(datetime!(9999-12-31 23:00:00 -02:00)),
            Err(Error::TimeOutOfRange { year: 10000 })
        ));
        assert!(matches!(
            AmzDate::new(datetime!(-9999-01-01 01:00:00 +02:00)),
            Err(Error::TimeOutOfRange { year: -10000 })
        ));
    }

    #[test]
    fn parses_exactly_its_own_format() {
        let date = AmzDate::parse("20200229T235959Z").unwrap();
        assert_eq!(date.time(), datetime!(2020-02-29 23:59:59 UTC));
        for bad in [
            "",
            "20190229T000000Z",
            "20200131T240000Z",
            "20200131T100233",
            "20200131t100233Z",
            "2020-01-31T10:02:33Z",
            "19691231T235959Z",
            "+20200131T100233Z",
            "20200131T100233Z ",
            "２０200131T100233Z",
        ] {
            assert_eq!(AmzDate::parse(bad), None, "{bad:?}");
        }
    }
}
