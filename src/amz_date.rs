//! The signing time in the two forms SigV4 uses: `YYYYMMDD'T'HHMMSS'Z'` and `YYYYMMDD`, in UTC.

use core::fmt;

use time::{OffsetDateTime, UtcOffset};

use crate::error::Error;
use crate::sink::ascii_str;

/// The signing time, formatted once: `X-Amz-Date` (`20200131T100233Z`) and the credential
/// scope's date (`20200131`), both in UTC whatever the offset of the time given.
///
/// Years 1970 to 9999 are accepted: SigV4's formats have four-digit years, and AWS refuses
/// signatures more than a few minutes from its clock anyway.
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
    bytes: [u8; 16],
    unix: i64,
}

impl AmzDate {
    /// Formats `time` (converted to UTC).
    ///
    /// # Errors
    ///
    /// [`Error::TimeOutOfRange`] if the time, in UTC, is before 1970 or after 9999.
    pub fn new(time: OffsetDateTime) -> Result<Self, Error> {
        // Converting can leave the range of `time` only from year 9999 with a negative
        // offset (into 10000) or from year -9999 with a positive one (into -10000).
        let utc = time
            .checked_to_offset(UtcOffset::UTC)
            .ok_or(Error::TimeOutOfRange {
                year: i64::from(time.year()) + if time.offset().is_negative() { 1 } else { -1 },
            })?;
        let year = utc.year();
        if !(1970..=9999).contains(&year) {
            return Err(Error::TimeOutOfRange {
                year: i64::from(year),
            });
        }
        // Each value fits its two digits: year 1970..=9999 in two halves, month 1..=12, day
        // 1..=31, hour 0..=23, minute and second 0..=59 (time never yields a leap second).
        let year = year.unsigned_abs();
        let [y1, y2] = two_digits(year / 100);
        let [y3, y4] = two_digits(year % 100);
        let [m1, m2] = two_digits(u8::from(utc.month()).into());
        let [d1, d2] = two_digits(utc.day().into());
        let [h1, h2] = two_digits(utc.hour().into());
        let [i1, i2] = two_digits(utc.minute().into());
        let [s1, s2] = two_digits(utc.second().into());
        let bytes = [
            y1, y2, y3, y4, m1, m2, d1, d2, b'T', h1, h2, i1, i2, s1, s2, b'Z',
        ];
        Ok(Self {
            bytes,
            unix: utc.unix_timestamp(),
        })
    }

    /// The time whose `YYYYMMDD'T'HHMMSS'Z'` text is `bytes` and whose Unix time is `unix`:
    /// the caller (the verifier's parser) has checked that they agree and that the year is
    /// from 1970 to 9999.
    pub(crate) const fn from_checked_parts(bytes: [u8; 16], unix: i64) -> Self {
        Self { bytes, unix }
    }

    /// `X-Amz-Date`: `YYYYMMDD'T'HHMMSS'Z'`, for example `20200131T100233Z`.
    #[must_use]
    pub fn date_time(&self) -> &str {
        ascii_str(&self.bytes)
    }

    /// The credential scope's date: `YYYYMMDD`, for example `20200131`.
    #[must_use]
    pub fn date(&self) -> &str {
        ascii_str(self.bytes.get(..8).unwrap_or_default())
    }

    /// [`AmzDate::date_time`] as bytes.
    pub(crate) fn date_time_bytes(&self) -> &[u8; 16] {
        &self.bytes
    }

    /// [`AmzDate::date`] as bytes.
    pub(crate) fn date_bytes(&self) -> &[u8] {
        self.bytes.get(..8).unwrap_or_default()
    }

    /// Seconds since the Unix epoch (whole seconds: SigV4 has no sub-second precision).
    #[must_use]
    pub fn unix_timestamp(&self) -> i64 {
        self.unix
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

/// The two decimal digits of `value` (below 100).
fn two_digits(value: u32) -> [u8; 2] {
    usize::try_from(value)
        .ok()
        .and_then(|v| DIGIT_PAIRS.get(v))
        .copied()
        .unwrap_or(*b"00")
}

/// `00` to `99`.
#[allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "in a const block, i < 100"
)]
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_utc() {
        let d = AmzDate::new(datetime!(2015-08-30 12:36:00 UTC)).unwrap();
        assert_eq!(d.date_time(), "20150830T123600Z");
        assert_eq!(d.date(), "20150830");
        assert_eq!(d.to_string(), "20150830T123600Z");
        assert_eq!(format!("{d:?}"), "AmzDate(20150830T123600Z)");
    }

    #[test]
    fn converts_offsets_across_midnight() {
        let d = AmzDate::new(datetime!(2020-01-01 00:30:00 +01:00)).unwrap();
        assert_eq!(d.date_time(), "20191231T233000Z");
    }

    #[test]
    fn sub_seconds_are_dropped() {
        let d = AmzDate::new(datetime!(2020-01-31 10:02:33.999 UTC)).unwrap();
        assert_eq!(d.date_time(), "20200131T100233Z");
    }

    #[test]
    fn times_of_day_and_offsets() {
        for (time, want) in [
            (datetime!(1970-01-01 00:00:00 UTC), "19700101T000000Z"),
            (datetime!(2000-02-29 23:59:59 UTC), "20000229T235959Z"),
            (datetime!(2024-03-01 00:00:00 +00:01), "20240229T235900Z"),
            (datetime!(2099-12-31 09:08:07 UTC), "20991231T090807Z"),
            (datetime!(9999-12-31 23:59:59 +00:00:01), "99991231T235958Z"),
        ] {
            assert_eq!(AmzDate::new(time).unwrap().date_time(), want);
        }
    }

    #[test]
    fn range_is_1970_to_9999() {
        assert!(AmzDate::new(datetime!(1970-01-01 00:00:00 UTC)).is_ok());
        assert!(AmzDate::new(datetime!(9999-12-31 23:59:59 UTC)).is_ok());
        assert!(matches!(
            AmzDate::new(datetime!(1969-12-31 23:59:59 UTC)),
            Err(Error::TimeOutOfRange { year: 1969 })
        ));
        // 9999-12-31 23:00 at -02:00 is year 10000 in UTC: out of range, and no panic.
        assert!(matches!(
            AmzDate::new(datetime!(9999-12-31 23:00:00 -02:00)),
            Err(Error::TimeOutOfRange { year: 10000 })
        ));
        assert!(matches!(
            AmzDate::new(datetime!(-9999-01-01 01:00:00 +02:00)),
            Err(Error::TimeOutOfRange { year: -10000 })
        ));
    }
}
