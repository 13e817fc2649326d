//! `inspect`: the canonical request and string to sign of a presigned URL, token redacted.
//!
//! The expected canonical request and string to sign of the main case are those of
//! `research/peer-bench.md` (the token elided there as here); the URLs were printed by the
//! oracles (botocore, aws-c-auth, Amplify) on the same input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use sigv4_wss::{Error, inspect};

/// The 800-character session token of `research/peer-bench.md`, as encoded in a URL.
const ENCODED_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D";
const SIGNATURE: &str = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";

fn main_url_with_token() -> String {
    format!(
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Signature={SIGNATURE}&X-Amz-Security-Token={ENCODED_TOKEN}"
    )
}

#[test]
fn shows_the_canonical_request_and_string_to_sign_of_peer_bench() {
    let inspection = inspect(&main_url_with_token()).unwrap();
    assert_eq!(
        inspection.canonical_request(),
        "GET\n/dev\n\
         X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-Security-Token=<redacted>\
         &X-Amz-SignedHeaders=host&room=lobby\n\
         host:abc123defg.execute-api.us-east-1.amazonaws.com\n\
         \n\
         host\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        inspection.string_to_sign(),
        "AWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n\
         373049ebc0b59247b3e219b190d2f391e261bb9e99ddc6b39fc0feb54cf6411b"
    );
    assert_eq!(
        inspection.credential_scope(),
        "20200131/us-east-1/execute-api/aws4_request"
    );
    assert_eq!(inspection.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(inspection.signed_at().date_time(), "20200131T100233Z");
    assert_eq!(inspection.expires_secs(), Some(300));
    assert_eq!(inspection.signed_headers(), "host");
    assert_eq!(inspection.scope().service(), "execute-api");
}

#[test]
fn the_string_to_sign_without_a_token_is_botocores() {
    // botocore 1.44.5 logs this string to sign for the main case without a token.
    let url = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
               &X-Amz-Algorithm=AWS4-HMAC-SHA256\
               &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
               &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
               &X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";
    let inspection = inspect(url).unwrap();
    assert_eq!(
        inspection.string_to_sign(),
        "AWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n\
         8e368dc4b825781dd4e637516e75fe1ef426a703228dfe65e446f564455dfba2"
    );
    assert!(inspection.to_string().contains("Session token:    none"));
}

#[test]
fn display_shows_everything_but_the_token_and_signature() {
    let inspection = inspect(&main_url_with_token()).unwrap();
    let shown = format!("{inspection}\n{inspection:?}");
    assert!(!shown.contains(&ENCODED_TOKEN[..40]), "{shown}");
    assert!(!shown.contains(SIGNATURE), "{shown}");
    for part in [
        "Credential scope: 20200131/us-east-1/execute-api/aws4_request",
        "Signed at:        20200131T100233Z for 300 s",
        "Session token:    present, signed",
        "Canonical request:\nGET\n/dev\n",
        "String to sign:\nAWS4-HMAC-SHA256\n",
        "373049ebc0b59247b3e219b190d2f391e261bb9e99ddc6b39fc0feb54cf6411b",
    ] {
        assert!(shown.contains(part), "{part:?} not in\n{shown}");
    }
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
    assert!(a.to_string().contains("appended after signing"));
    assert!(b.to_string().contains("Session token:    none"));
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
        inspect("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev"),
        Err(Error::MissingParameter {
            name: "X-Amz-Algorithm"
        })
    );
    assert_eq!(inspect("/dev"), Err(Error::RelativeUrl));
}
