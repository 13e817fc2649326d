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
        let mut bytes = *b"00000000T000000Z";
        // Each value fits its field: year 1970..=9999, month 1..=12, day 1..=31, hour 0..=23,
        // minute and second 0..=59 (time never yields a leap second of 60).
        let fields: [(u32, core::ops::Range<usize>); 6] = [
            (year.unsigned_abs(), 0..4),
            (u32::from(u8::from(utc.month())), 4..6),
            (u32::from(utc.day()), 6..8),
            (u32::from(utc.hour()), 9..11),
            (u32::from(utc.minute()), 11..13),
            (u32::from(utc.second()), 13..15),
        ];
        for (value, range) in fields {
            if let Some(field) = bytes.get_mut(range) {
                write_digits(field, value);
            }
        }
        Ok(Self {
            bytes,
            unix: utc.unix_timestamp(),
        })
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

/// Writes `value` as zero-padded decimal filling `out` (the most significant digits are lost
/// if it does not fit, which the callers rule out).
fn write_digits(out: &mut [u8], mut value: u32) {
    for digit in out.iter_mut().rev() {
        let d = (value % 10) as u8;
        *digit = b'0' + d;
        value /= 10;
    }
}

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
