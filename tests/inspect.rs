//! `inspect` and `inspect_request`: the canonical request and string to sign a server rebuilds
//! from a presigned URL or a received request, with the session token redacted; its `Display`
//! layout; and the errors for requests that cannot be inspected.
//!
//! The canonical request and string to sign of the main case are those of
//! the project's peer measurements (the token elided there as here), and botocore 1.44.5 logs the
//! string to sign of the main case without a token. The fixture's oracle URLs
//! (`tests/data/differential.json`) check the string to sign of every case: signed with the
//! case's secret by an HMAC-SHA256 written here (the `hmac` and `sha2` crates), it gives the
//! oracle's signature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Duration;

use hmac::{KeyInit as _, Mac as _};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use sigv4_wss::{Credentials, Error, Scope, inspect, inspect_request, presign_url};
use time::macros::datetime;

const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of the project's peer measurements, as encoded in a URL.
const ENCODED_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D";
const SIGNATURE: &str = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";
const AUTH: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256\
    &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
    &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host";

/// The request target of the main case with the token, as a server receives it.
fn main_target_with_token() -> String {
    format!(
        "/dev?room=lobby&{AUTH}&X-Amz-Signature={SIGNATURE}&X-Amz-Security-Token={ENCODED_TOKEN}"
    )
}

fn main_url_with_token() -> String {
    format!("wss://{HOST}{}", main_target_with_token())
}

/// The canonical request of the project's peer measurements, token redacted.
const MAIN_CANONICAL_REQUEST: &str = "GET\n/dev\n\
    X-Amz-Algorithm=AWS4-HMAC-SHA256\
    &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
    &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-Security-Token=<redacted>\
    &X-Amz-SignedHeaders=host&room=lobby\n\
    host:abc123defg.execute-api.us-east-1.amazonaws.com\n\
    \n\
    host\n\
    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const MAIN_STRING_TO_SIGN: &str = "AWS4-HMAC-SHA256\n20200131T100233Z\n\
    20200131/us-east-1/execute-api/aws4_request\n\
    373049ebc0b59247b3e219b190d2f391e261bb9e99ddc6b39fc0feb54cf6411b";

#[test]
fn shows_the_canonical_request_and_string_to_sign_of_peer_bench() {
    let inspection = inspect(&main_url_with_token()).unwrap();
    assert_eq!(inspection.canonical_request(), MAIN_CANONICAL_REQUEST);
    assert_eq!(inspection.string_to_sign(), MAIN_STRING_TO_SIGN);
    assert_eq!(inspection.credential_scope(), "20200131/us-east-1/execute-api/aws4_request");
    assert_eq!(inspection.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(inspection.signed_at().date_time(), "20200131T100233Z");
    assert_eq!(inspection.signed_at().time(), datetime!(2020-01-31 10:02:33 UTC));
    assert_eq!(inspection.expires_secs(), Some(300));
    assert_eq!(inspection.signed_headers(), "host");
    assert_eq!(inspection.scope(), &Scope::new("us-east-1", "execute-api").unwrap());
}

#[test]
fn the_string_to_sign_without_a_token_is_botocores() {
    // botocore 1.44.5 logs this string to sign for the main case without a token.
    let url = format!("wss://{HOST}/dev?room=lobby&{AUTH}&X-Amz-Signature={}", "d".repeat(64));
    let inspection = inspect(&url).unwrap();
    assert_eq!(
        inspection.string_to_sign(),
        "AWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n\
         8e368dc4b825781dd4e637516e75fe1ef426a703228dfe65e446f564455dfba2"
    );
    assert!(inspection.to_string().contains("\nSession token:    none\n"));
    // Without a token nothing is redacted: the last line is the canonical request's hash.
    let hash = hex::encode(Sha256::digest(inspection.canonical_request()));
    assert!(inspection.string_to_sign().ends_with(&hash));
}

#[test]
fn display_layout() {
    let inspection = inspect(&main_url_with_token()).unwrap();
    assert_eq!(
        inspection.to_string(),
        format!(
            "Access key id:    AKIDEXAMPLE\n\
             Credential scope: 20200131/us-east-1/execute-api/aws4_request\n\
             Signed at:        20200131T100233Z for 300 s\n\
             Signed headers:   host\n\
             Session token:    present, signed (shown as <redacted>)\n\
             \n\
             Canonical request:\n\
             {MAIN_CANONICAL_REQUEST}\n\
             \n\
             String to sign:\n\
             {MAIN_STRING_TO_SIGN}"
        )
    );
}

#[test]
fn display_and_debug_show_neither_token_nor_signature() {
    let inspection = inspect(&main_url_with_token()).unwrap();
    let shown = format!("{inspection}\n{inspection:?}");
    assert!(!shown.contains(&ENCODED_TOKEN[..40]), "{shown}");
    assert!(!shown.contains("IQoJb3JpZ2luX2VjEJr"), "{shown}");
    assert!(!shown.contains(SIGNATURE), "{shown}");
    assert!(shown.contains("X-Amz-Security-Token=<redacted>"), "{shown}");
    // The hash of the real canonical request, token included, is shown.
    assert!(shown.contains("373049ebc0b59247b3e219b190d2f391e261bb9e99ddc6b39fc0feb54cf6411b"));
}

/// An Amplify-style URL has no `X-Amz-Expires`.
#[test]
fn a_url_without_x_amz_expires() {
    let auth = AUTH.replace("&X-Amz-Expires=300", "");
    let url = format!("wss://{HOST}/dev?{auth}&X-Amz-Signature={SIGNATURE}");
    let inspection = inspect(&url).unwrap();
    assert_eq!(inspection.expires_secs(), None);
    assert!(!inspection.canonical_request().contains("X-Amz-Expires"));
    assert!(
        inspection
            .to_string()
            .contains("\nSigned at:        20200131T100233Z (no X-Amz-Expires)\n"),
        "{inspection}"
    );
}

#[test]
fn iot_token_is_left_out_of_the_canonical_request() {
    let head = "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Feu-west-1%2Fiotdevicegateway%2Faws4_request\
                &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300";
    let signature = "63d417eb6f8747880469faa2d3022434a6492723f14e9abe2d05ac8f8c27ac37";
    // aws-c-auth's URL with the token and botocore's without: one string to sign.
    let with_token =
        format!("{head}&X-Amz-Security-Token={ENCODED_TOKEN}&X-Amz-Signature={signature}");
    let without = format!("{head}&X-Amz-Signature={signature}");
    let a = inspect(&with_token).unwrap();
    let b = inspect(&without).unwrap();
    assert!(!a.canonical_request().contains("X-Amz-Security-Token"));
    assert_eq!(a.canonical_request(), b.canonical_request());
    assert_eq!(a.string_to_sign(), b.string_to_sign());
    assert!(
        a.to_string().contains(
            "\nSession token:    present, appended after signing (not in the canonical request)\n"
        ),
        "{a}"
    );
    assert!(b.to_string().contains("\nSession token:    none\n"));
    assert_ne!(a, b);
    // The signature of that string to sign is aws-c-auth's.
    assert_eq!(sign(SECRET, a.string_to_sign()), signature);
}

/// `inspect` of a URL and `inspect_request` of the target and `Host` a client sends for it
/// give the same inspection, whatever order the server receives the parameters in.
#[test]
fn inspect_and_inspect_request_agree() {
    for (url, target, host) in [
        (main_url_with_token(), main_target_with_token(), HOST.to_owned()),
        // Default port, uppercase host, a raw space and UTF-8 in the path, a fragment.
        (
            format!(
                "WSS://{}:443/dev/a b/ü?q=x%2By&{AUTH}&X-Amz-Signature={SIGNATURE}#frag",
                HOST.to_uppercase()
            ),
            format!("/dev/a%20b/%C3%BC?q=x%2By&{AUTH}&X-Amz-Signature={SIGNATURE}"),
            HOST.to_owned(),
        ),
        // A port that is signed.
        (
            format!("wss://{HOST}:8443/dev?{AUTH}&X-Amz-Signature={SIGNATURE}"),
            format!("/dev?{AUTH}&X-Amz-Signature={SIGNATURE}"),
            format!("{HOST}:8443"),
        ),
        // No path.
        (
            format!("wss://{HOST}?{AUTH}&X-Amz-Signature={SIGNATURE}"),
            format!("/?{AUTH}&X-Amz-Signature={SIGNATURE}"),
            HOST.to_owned(),
        ),
    ] {
        let from_url = inspect(&url).unwrap();
        assert_eq!(inspect_request(&target, &host).unwrap(), from_url, "{url}");
        // The same parameters received in reverse order.
        let (path, query) = target.split_once('?').unwrap();
        let reversed: Vec<&str> = query.split('&').rev().collect();
        let reversed = format!("{path}?{}", reversed.join("&"));
        assert_eq!(inspect_request(&reversed, &host).unwrap(), from_url, "{reversed}");
    }
    // The Host header matters: another port, another request.
    let url = format!("wss://{HOST}:8443/dev?{AUTH}&X-Amz-Signature={SIGNATURE}");
    let target = format!("/dev?{AUTH}&X-Amz-Signature={SIGNATURE}");
    assert_ne!(inspect_request(&target, HOST).unwrap(), inspect(&url).unwrap());
}

/// Inspecting what the crate presigned gives the string to sign it signed: signed with the
/// secret, it is the URL's signature (token signed or not).
#[test]
fn inspecting_a_presigned_url_gives_its_string_to_sign() {
    for (url, service, token) in [
        (
            "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=a%20b",
            "execute-api",
            None,
        ),
        (
            "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?k=2&k=1",
            "execute-api",
            Some("T"),
        ),
        (
            "wss://a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com/mqtt",
            "iotdevicegateway",
            Some("T"),
        ),
    ] {
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
        let scope = Scope::new("us-east-1", service).unwrap();
        let time = datetime!(2020-01-31 10:02:33 UTC);
        let signed = presign_url(url, &creds, &scope, time, Duration::from_secs(60)).unwrap();
        let inspection = inspect(signed.as_str()).unwrap();
        assert_eq!(inspection.scope(), &scope);
        assert_eq!(inspection.expires_secs(), Some(60));
        let signature = signed.as_str().split("X-Amz-Signature=").nth(1).unwrap();
        assert_eq!(sign(SECRET, inspection.string_to_sign()), signature[..64], "{url}");
    }
}

/// HMAC-SHA256 signature of `string_to_sign` with the key derived from `secret` and the
/// credential scope on its third line, written from the SigV4 specification.
fn sign(secret: &str, string_to_sign: &str) -> String {
    type Hmac = hmac::Hmac<Sha256>;
    let hmac = |key: &[u8], data: &str| {
        let mut mac = Hmac::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let scope = string_to_sign.lines().nth(2).unwrap();
    let parts: Vec<&str> = scope.split('/').collect();
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in &parts[..4] {
        key = hmac(&key, part);
    }
    hex::encode(hmac(&key, string_to_sign))
}

/// Every oracle URL of the differential fixture: its string to sign, signed with the case's
/// secret, is the oracle's signature. The two cases that set a session-token mode against the
/// service's default are left out (`inspect` follows the service's rule), and the two whose
/// path has an empty segment are refused, as presigning refuses them.
#[test]
fn the_string_to_sign_of_every_oracle_url_gives_its_signature() {
    let fixture: Value = serde_json::from_str(include_str!("data/differential.json")).unwrap();
    let mut checked = 0;
    for case in fixture["cases"].as_array().unwrap() {
        let (name, input) = (case["name"].as_str().unwrap(), &case["input"]);
        let url = case["oracle_url"].as_str().unwrap();
        if input.get("session_token_mode").is_some() {
            continue;
        }
        if name.contains("double-slash") {
            let refused = inspect(url);
            assert!(matches!(refused, Err(Error::InvalidUrl { .. })), "{name}: {refused:?}");
            continue;
        }
        let inspection = inspect(url).unwrap_or_else(|e| panic!("case {name}: {e}"));
        let signature = url.split("X-Amz-Signature=").nth(1).unwrap();
        let secret = input["secret_key"].as_str().unwrap();
        assert_eq!(
            sign(secret, inspection.string_to_sign()),
            signature[..64],
            "case {name}:\n{inspection}"
        );
        assert_eq!(inspection.scope().service(), input["service"].as_str().unwrap(), "{name}");
        assert_eq!(inspection.expires_secs().map(u64::from), input["expires"].as_u64(), "{name}");
        checked += 1;
    }
    assert_eq!(checked, fixture["cases"].as_array().unwrap().len() - 4);
}

#[test]
fn malformed_urls_say_what_is_wrong() {
    let url = main_url_with_token();
    assert_eq!(
        inspect(&url.replace("&X-Amz-Date=20200131T100233Z", "")),
        Err(Error::MissingParameter { name: "X-Amz-Date" })
    );
    assert!(matches!(
        inspect(&url.replace("%2F20200131%2F", "%2F20200101%2F")),
        Err(Error::MalformedCredential { .. })
    ));
    assert_eq!(
        inspect(&format!("wss://{HOST}/dev")),
        Err(Error::MissingParameter { name: "X-Amz-Algorithm" })
    );
    assert_eq!(inspect("/dev"), Err(Error::RelativeUrl));
    assert_eq!(inspect(&url.replacen("wss://", "wss://user:pw@", 1)), Err(Error::UserInfoInUrl));
    assert!(matches!(
        inspect(&url.replacen("wss", "ftp", 1)),
        Err(Error::UnsupportedScheme { .. })
    ));
    assert!(matches!(
        inspect(&url.replace("X-Amz-Date=20200131T100233Z", "X-Amz-Date=2020-01-31")),
        Err(Error::MalformedParameter { name: "X-Amz-Date", .. })
    ));
    assert!(matches!(
        inspect(&url.replace("X-Amz-Expires=300", "X-Amz-Expires=604801")),
        Err(Error::ExpiresOutOfRange { seconds: 604_801, .. })
    ));
    assert!(matches!(
        inspect(&url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")),
        Err(Error::MalformedParameter { name: "X-Amz-Algorithm", .. })
    ));
    assert!(matches!(
        inspect(&url.replace(SIGNATURE, &SIGNATURE.to_uppercase())),
        Err(Error::MalformedParameter { name: "X-Amz-Signature", .. })
    ));
}

#[test]
fn received_requests_that_are_refused() {
    let target = main_target_with_token();
    let query = target.strip_prefix("/dev?").unwrap();
    for (target, expected) in [
        // Not in origin form.
        (target.trim_start_matches('/').to_owned(), "InvalidRequestTarget"),
        (format!("{target}#frag"), "InvalidRequestTarget"),
        // Dot segments, also percent-encoded.
        (format!("/dev/../x?{query}"), "InvalidRequestTarget"),
        (format!("/dev/./x?{query}"), "InvalidRequestTarget"),
        (format!("/dev/%2e%2E/x?{query}"), "InvalidRequestTarget"),
        (format!("/dev/%2E?{query}"), "InvalidRequestTarget"),
        // A raw `+` or `;` in the query.
        (format!("/dev?a=x+y&{query}"), "AmbiguousQuery"),
        (format!("/dev?a=x;y&{query}"), "AmbiguousQuery"),
        // An authentication parameter in another letter case.
        (target.replace("X-Amz-Signature=", "x-amz-signature="), "MalformedParameter"),
        // Repeated.
        (format!("{target}&X-Amz-Date=20200131T100233Z"), "RepeatedParameter"),
        // A signed header the request does not have.
        (
            target.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx-foo"),
            "MissingHeader",
        ),
        // Host not signed.
        (
            target.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-foo"),
            "MalformedParameter",
        ),
    ] {
        let result = inspect_request(&target, HOST);
        let name = match &result {
            Err(Error::InvalidRequestTarget { .. }) => "InvalidRequestTarget",
            Err(Error::AmbiguousQuery { .. }) => "AmbiguousQuery",
            Err(Error::MalformedParameter { .. }) => "MalformedParameter",
            Err(Error::RepeatedParameter { .. }) => "RepeatedParameter",
            Err(Error::MissingHeader { .. }) => "MissingHeader",
            _ => "something else",
        };
        assert_eq!(name, expected, "{target}: {result:?}");
    }
    assert_eq!(
        inspect_request(&format!("{target}&X-Amz-Date=20200131T100233Z"), HOST),
        Err(Error::RepeatedParameter { name: "X-Amz-Date" })
    );
    assert_eq!(
        inspect_request(
            &target.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx-foo"),
            HOST
        ),
        Err(Error::MissingHeader { name: "x-foo".to_owned() })
    );
    // The crate's own encoding of those characters is accepted.
    assert!(inspect_request(&format!("/dev?a=x%2By%3Bz&{query}"), HOST).is_ok());
}
