//! `aws-credential-types` feature: the AWS SDK's credentials (from aws-config's provider
//! chain) as the crate's [`Credentials`].

use std::time::{SystemTime, UNIX_EPOCH};

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::credentials::Credentials;
use crate::error::Error;

/// The AWS SDK's credentials (`aws-config`'s provider chain, `aws-sdk-sts`, …) as the crate's:
/// the access key id, secret access key and session token, checked by [`Credentials::new`],
/// and their expiry, if any, as [`Credentials::expiry`]. An empty session token (a profile's
/// `aws_session_token =` with no value) means none, as the AWS CLI reads it.
///
/// An expiry beyond the years ±9999 (which `OffsetDateTime` cannot hold) is kept as the last
/// (or first) time it can: every time the crate signs at (1970 to 9999) compares with it the
/// same way.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use sigv4_wss::Credentials;
///
/// let expires = SystemTime::UNIX_EPOCH + Duration::from_secs(1_580_468_553);
/// let aws = aws_credential_types::Credentials::new(
///     "ASIAEXAMPLE",
///     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
///     Some("session-token".to_owned()),
///     Some(expires),
///     "example",
/// );
/// let credentials = Credentials::try_from(&aws)?;
/// assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
/// assert!(credentials.has_session_token());
/// assert_eq!(credentials.expiry(), Some(time::macros::datetime!(2020-01-31 11:02:33 UTC)));
///
/// // The crate's checks apply: a stray newline is refused here, not answered by a bare 403.
/// let bad = aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret\n", None, None, "file");
/// assert!(matches!(Credentials::try_from(bad), Err(sigv4_wss::Error::InvalidSecretAccessKey { .. })));
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// # Errors
///
/// Those of [`Credentials::new`]: [`Error::InvalidAccessKeyId`],
/// [`Error::InvalidSecretAccessKey`], [`Error::InvalidSessionToken`].
#[cfg_attr(docsrs, doc(cfg(feature = "aws-credential-types")))]
impl TryFrom<&aws_credential_types::Credentials> for Credentials {
    type Error = Error;

    fn try_from(aws: &aws_credential_types::Credentials) -> Result<Self, Error> {
        // A profile's `aws_session_token =` with no value comes as `Some("")`: no token, as
        // the AWS CLI and `Credentials::from_env` read it.
        let token = aws.session_token().filter(|token| !token.is_empty());
        let credentials = Self::new(aws.access_key_id(), aws.secret_access_key(), token)?;
        Ok(match aws.expiry() {
            Some(expiry) => credentials.with_expiry(offset_date_time(expiry)),
            None => credentials,
        })
    }
}

/// As `TryFrom<&aws_credential_types::Credentials>`.
#[cfg_attr(docsrs, doc(cfg(feature = "aws-credential-types")))]
impl TryFrom<aws_credential_types::Credentials> for Credentials {
    type Error = Error;

    fn try_from(aws: aws_credential_types::Credentials) -> Result<Self, Error> {
        Self::try_from(&aws)
    }
}

/// `time`'s `From<SystemTime>` panics outside the years ±9999; this saturates instead.
fn offset_date_time(at: SystemTime) -> OffsetDateTime {
    let nanos = match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
        Err(before) => i128::try_from(before.duration().as_nanos()).map_or(i128::MIN, |n| -n),
    };
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or_else(|_| {
        if nanos < 0 { PrimitiveDateTime::MIN } else { PrimitiveDateTime::MAX }.assume_utc()
    })
}
