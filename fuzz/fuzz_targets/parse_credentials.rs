//! `Credentials::new`, `Scope::new` and `Scope::from_url` on arbitrary strings: no panic, the
//! result follows the documented rules, and `Debug` does not depend on the secret key's or
//! the session token's value (so cannot show them).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sigv4_wss::{Credentials, Error, Scope};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    access_key_id: &'a str,
    secret: &'a str,
    token: Option<&'a str>,
    region: &'a str,
    service: &'a str,
    url: &'a str,
}

fn printable(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

fn scope_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fuzz_target!(|input: Input<'_>| {
    let akid_ok = (1..=128).contains(&input.access_key_id.len())
        && input
            .access_key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match Credentials::new(input.access_key_id, input.secret, input.token) {
        Ok(credentials) => {
            assert!(akid_ok && printable(input.secret));
            assert!(input.token.is_none_or(printable));
            // Debug depends on the access key id and on whether there is a token, never on
            // the secret's or the token's value.
            let other = Credentials::new(input.access_key_id, "S", input.token.map(|_| "T"))
                .expect("valid");
            assert_eq!(format!("{credentials:?}"), format!("{other:?}"));
            assert_eq!(format!("{credentials:#?}"), format!("{other:#?}"));
        }
        Err(e) => {
            match &e {
                Error::InvalidAccessKeyId { .. } => assert!(!akid_ok),
                Error::InvalidSecretAccessKey { .. } => {
                    assert!(akid_ok && !printable(input.secret));
                }
                Error::InvalidSessionToken { .. } => {
                    assert!(akid_ok && printable(input.secret));
                    assert!(!input.token.is_none_or(printable));
                }
                other => panic!("unexpected error {other:?}"),
            }
            // Their reasons are static strings, so these errors cannot hold the values; the
            // message is not empty.
            assert!(!e.to_string().is_empty());
        }
    }

    match Scope::new(input.region, input.service) {
        Ok(scope) => {
            assert!(scope_name(input.region) && scope_name(input.service));
            assert_eq!(
                (scope.region(), scope.service()),
                (input.region, input.service)
            );
        }
        Err(Error::InvalidRegion { .. }) => assert!(!scope_name(input.region)),
        Err(Error::InvalidService { .. }) => {
            assert!(scope_name(input.region) && !scope_name(input.service));
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }

    match Scope::from_url(input.url) {
        Ok(scope) => {
            assert!(scope_name(scope.region()) && scope_name(scope.service()));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
