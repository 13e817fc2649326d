//! The `aws-credential-types` feature: `TryFrom<aws_credential_types::Credentials>` for the
//! crate's `Credentials` keeps the access key id, the secret, the session token and the
//! expiry, applies the crate's checks, and shows no secret.
#![cfg(feature = "aws-credential-types")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sigv4_wss::{Credentials, Error, Presigner, Scope};
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3Qt+MSJHMEUCIQ==";
const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";

fn aws(token: Option<&str>, expiry: Option<SystemTime>) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        "ASIAEXAMPLE",
        SECRET,
        token.map(str::to_owned),
        expiry,
        "test",
    )
}

/// A URL presigned with `credentials`: equal URLs mean equal key id, secret and token.
fn presigned(credentials: Credentials) -> String {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    Presigner::new(credentials, scope)
        .presign(URL, datetime!(2020-01-31 10:02:33 UTC), Duration::from_secs(300))
        .unwrap()
        .into_string()
}

#[test]
fn the_key_id_secret_token_and_expiry_are_kept() {
    // 2020-01-31T11:02:33.25Z
    let expiry = UNIX_EPOCH + Duration::from_millis(1_580_468_553_250);
    let from_aws = Credentials::try_from(aws(Some(TOKEN), Some(expiry))).unwrap();
    assert_eq!(from_aws.access_key_id(), "ASIAEXAMPLE");
    assert!(from_aws.has_session_token());
    assert_eq!(from_aws.expiry(), Some(datetime!(2020-01-31 11:02:33.25 UTC)));
    let direct = Credentials::new("ASIAEXAMPLE", SECRET, Some(TOKEN)).unwrap();
    assert_eq!(direct.expiry(), None);
    let url = presigned(from_aws);
    assert_eq!(url, presigned(direct));
    assert!(url.ends_with(&format!("&X-Amz-Security-Token={}", sigv4_wss::uri_encode(TOKEN))));

    // By reference too; long-term keys have neither token nor expiry.
    let long_term = Credentials::try_from(&aws(None, None)).unwrap();
    assert!(!long_term.has_session_token());
    assert_eq!(long_term.expiry(), None);
    assert_eq!(
        presigned(long_term),
        presigned(Credentials::new("ASIAEXAMPLE", SECRET, None).unwrap())
    );
}

#[test]
fn an_expiry_beyond_what_time_holds_saturates() {
    let before_1970 = UNIX_EPOCH - Duration::from_secs(1);
    let converted = Credentials::try_from(aws(None, Some(before_1970))).unwrap();
    assert_eq!(converted.expiry(), Some(datetime!(1969-12-31 23:59:59 UTC)));
    // Around the year 12,700, and the furthest a SystemTime goes.
    let far = UNIX_EPOCH + Duration::from_secs(340_000_000_000);
    let converted = Credentials::try_from(aws(None, Some(far))).unwrap();
    assert_eq!(converted.expiry(), Some(datetime!(9999-12-31 23:59:59.999_999_999 UTC)));
    let furthest = UNIX_EPOCH.checked_add(Duration::from_secs(u64::MAX / 4)).unwrap();
    let converted = Credentials::try_from(aws(None, Some(furthest))).unwrap();
    assert_eq!(converted.expiry(), Some(datetime!(9999-12-31 23:59:59.999_999_999 UTC)));
    let earliest = UNIX_EPOCH - Duration::from_secs(400_000_000_000);
    let converted = Credentials::try_from(aws(None, Some(earliest))).unwrap();
    assert_eq!(converted.expiry(), Some(datetime!(-9999-01-01 00:00:00 UTC)));
}

#[test]
fn the_crates_checks_apply_and_errors_show_no_secret() {
    let bad_secret =
        aws_credential_types::Credentials::new("AKID", "SECRETVALUE\n", None, None, "t");
    let err = Credentials::try_from(bad_secret).unwrap_err();
    assert!(matches!(err, Error::InvalidSecretAccessKey { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("SECRETVALUE"));

    let bad_token = aws(Some("TOKEN VALUE"), None);
    let err = Credentials::try_from(&bad_token).unwrap_err();
    assert!(matches!(err, Error::InvalidSessionToken { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("TOKEN"));

    let bad_id = aws_credential_types::Credentials::new("AKID/1", SECRET, None, None, "t");
    assert!(matches!(Credentials::try_from(bad_id), Err(Error::InvalidAccessKeyId { .. })));
}

#[test]
fn debug_shows_the_key_id_and_expiry_only() {
    let expiry = UNIX_EPOCH + Duration::from_secs(1_580_468_553);
    let converted = Credentials::try_from(aws(Some(TOKEN), Some(expiry))).unwrap();
    let shown = format!("{converted:?} {converted:#?}");
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("ASIAEXAMPLE") && shown.contains("2020-01-31 11:02:33"), "{shown}");
}

#[test]
fn an_empty_session_token_is_none() {
    // What aws-config's profile provider gives for `aws_session_token =` with no value.
    let from_aws = Credentials::try_from(aws(Some(""), None)).unwrap();
    assert!(!from_aws.has_session_token());
    let direct = Credentials::new("ASIAEXAMPLE", SECRET, None).unwrap();
    assert_eq!(presigned(from_aws), presigned(direct));
}
