//! Per-service rules (the table in `sigv4_wss::service`): API Gateway's URL length limit, IoT's
//! unsigned session token appended last, Transcribe's 300-second limit and signed port 8443,
//! Neptune's port 8182, and `Scope::from_url` for every endpoint family and partition.
//!
//! Every expected signature was produced by independent signers on the same input (access key
//! `AKIDEXAMPLE`, the AWS documentation's example secret, 2020-01-31T10:02:33Z, 300 s):
//! botocore 1.44.5 (`SigV4QueryAuth`), @smithy/signature-v4 5.7.5 and aws-c-auth through
//! awscrt 0.38.1 (told to omit the token for IoT, as the AWS IoT Device SDKs do); each comment
//! names the ones that were run and agreed. URL lengths come from the project's peer measurements (the
//! main case without a token is 333 characters).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Duration;

use sigv4_wss::service::{EXECUTE_API, IOT, KINESIS_VIDEO, MAX_EXPIRES_SECS, NEPTUNE, TRANSCRIBE};
use sigv4_wss::{
    Credentials, Error, Presigner, Scope, SessionTokenMode, Verifier, presign_url, uri_encode,
};
use time::OffsetDateTime;
use time::macros::datetime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of the project's peer measurements.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
const MAIN_URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const IOT_URL: &str = "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt";
const TRANSCRIBE_URL: &str = "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000";
const NEPTUNE_URL: &str =
    "wss://db-neptune-1.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com:8182/gremlin";

const T0: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const FIVE_MINUTES: Duration = Duration::from_secs(300);

fn creds(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token).unwrap()
}

fn presign(url: &str, token: Option<&str>, scope: &Scope) -> Result<String, Error> {
    presign_url(url, &creds(token), scope, T0, FIVE_MINUTES)
        .map(sigv4_wss::PresignedUrl::into_string)
}

/// The value of query parameter `name` (as written in the URL).
fn param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|item| item.strip_prefix(name)?.strip_prefix('='))
}

fn signature(url: &str) -> &str {
    param(url, "X-Amz-Signature").unwrap()
}

/// The query parameter names in the order they appear.
fn param_names(url: &str) -> Vec<&str> {
    let query = url.split_once('?').unwrap().1;
    query.split('&').map(|item| item.split_once('=').map_or(item, |(k, _)| k)).collect()
}

const AUTH_ORDER: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

#[test]
fn service_names_are_the_signing_names() {
    assert_eq!(
        [EXECUTE_API, IOT, TRANSCRIBE, NEPTUNE, KINESIS_VIDEO],
        ["execute-api", "iotdevicegateway", "transcribe", "neptune-db", "kinesisvideo"]
    );
    assert_eq!(MAX_EXPIRES_SECS, 7 * 24 * 3600);
}

// ---- execute-api: the 4096-character limit of WebSocket URLs --------------------------------

/// The main case is 333 characters without a token; a token of `n` unreserved characters
/// adds `&X-Amz-Security-Token=` (22) and `n`, so 3741 characters make exactly 4096.
#[test]
fn execute_api_url_of_4096_characters_is_accepted_and_4097_refused() {
    let scope = Scope::new("us-east-1", EXECUTE_API).unwrap();
    assert_eq!(presign(MAIN_URL, None, &scope).unwrap().len(), 333);

    let at_limit = "A".repeat(3741);
    assert_eq!(presign(MAIN_URL, Some(&at_limit), &scope).unwrap().len(), 4096);

    let over = "A".repeat(3742);
    let err = presign(MAIN_URL, Some(&over), &scope).unwrap_err();
    assert_eq!(
        err,
        Error::UrlTooLong { length: 4097, max: 4096, service: "execute-api".to_owned() }
    );
    let message = err.to_string();
    assert!(message.contains("4097") && message.contains("4096"), "{message}");
    assert!(message.contains("session token"), "{message}");
    assert!(!message.contains("AAAA"), "the token leaked: {message}");

    // A Presigner applies the same limit.
    let presigner = Presigner::new(creds(Some(&over)), scope);
    assert_eq!(presigner.presign(MAIN_URL, T0, FIVE_MINUTES).unwrap_err(), err);
}

/// A long path or query counts as much as a long token.
#[test]
fn execute_api_limit_counts_the_whole_url() {
    let scope = Scope::new("us-east-1", EXECUTE_API).unwrap();
    // 333 characters, then `&x=` (3) and 3760 more make 4096.
    let url = format!("{MAIN_URL}&x={}", "b".repeat(3760));
    assert_eq!(presign(&url, None, &scope).unwrap().len(), 4096);
    let url = format!("{MAIN_URL}&x={}", "b".repeat(3761));
    assert!(matches!(
        presign(&url, None, &scope),
        Err(Error::UrlTooLong { length: 4097, max: 4096, .. })
    ));
    // The encoded length counts: each space is sent as `%20`, three characters.
    // (Spaces inside the value: a URL parser strips them at the end of the input.)
    let url = format!("{MAIN_URL}&x=a{}b", " ".repeat(1252));
    assert_eq!(presign(&url, None, &scope).unwrap().len(), 333 + 5 + 3 * 1252);
    let url = format!("{MAIN_URL}&x=a{}b", " ".repeat(1253));
    assert!(url.len() < 4096);
    assert!(matches!(
        presign(&url, None, &scope),
        Err(Error::UrlTooLong { length: 4097, max: 4096, .. })
    ));
}

#[test]
fn a_long_sts_token_can_push_an_execute_api_url_over_the_limit() {
    // A token of base64 characters whose `+`, `/` and `=` each take 3 characters in the URL:
    // five copies of the 800-character token (36 of its characters are `+`, `/` or `=`)
    // encode to 5 * 872 = 4360 characters.
    let scope = Scope::new("us-east-1", EXECUTE_API).unwrap();
    let long_token = TOKEN.repeat(5);
    let err = presign(MAIN_URL, Some(&long_token), &scope).unwrap_err();
    assert_eq!(
        err,
        Error::UrlTooLong {
            length: 333 + 22 + 5 * 872,
            max: 4096,
            service: "execute-api".to_owned()
        }
    );
    // The one-token URL of the project's peer measurements is 1227 characters, well within the limit.
    assert_eq!(presign(MAIN_URL, Some(TOKEN), &scope).unwrap().len(), 1227);
}

#[test]
fn the_length_limit_is_for_websocket_urls_of_execute_api_only() {
    let over = "A".repeat(3742);
    let execute_api = Scope::new("us-east-1", EXECUTE_API).unwrap();
    let https = MAIN_URL.replacen("wss://", "https://", 1);
    assert_eq!(presign(&https, Some(&over), &execute_api).unwrap().len(), 4097 + 2);
    let ws = MAIN_URL.replacen("wss://", "ws://", 1);
    // ws:// is one character shorter than wss://: the same token makes exactly 4096.
    assert_eq!(presign(&ws, Some(&over), &execute_api).unwrap().len(), 4096);
    let over_ws = "A".repeat(3743);
    assert!(matches!(
        presign(&ws, Some(&over_ws), &execute_api),
        Err(Error::UrlTooLong { length: 4097, .. })
    ));
    let long = "A".repeat(10_000);
    for service in [IOT, TRANSCRIBE, NEPTUNE, KINESIS_VIDEO] {
        let scope = Scope::new("us-east-1", service).unwrap();
        assert!(presign(MAIN_URL, Some(&long), &scope).is_ok(), "{service}");
    }
}

// ---- iotdevicegateway: the token is appended after signing, last ----------------------------

#[test]
fn iot_token_is_appended_after_signing_and_last() {
    let scope = Scope::from_url(IOT_URL).unwrap();
    assert_eq!(scope, Scope::new("eu-west-1", IOT).unwrap());
    let url = presign(IOT_URL, Some(TOKEN), &scope).unwrap();
    // aws-c-auth (omit_session_token, as the IoT Device SDK v2 sets it).
    assert_eq!(signature(&url), "63d417eb6f8747880469faa2d3022434a6492723f14e9abe2d05ac8f8c27ac37");
    // Not in the canonical query: the signature is the one of the same URL without a token.
    let without = presign(IOT_URL, None, &scope).unwrap();
    assert_eq!(signature(&url), signature(&without));
    // Last, right after the signature, encoded with the unreserved set.
    assert_eq!(param_names(&url), AUTH_ORDER);
    let token = param(&url, "X-Amz-Security-Token").unwrap();
    assert_eq!(token.len(), 872);
    assert!(
        url.ends_with(&format!(
            "&X-Amz-Signature={}&X-Amz-Security-Token={token}",
            signature(&url)
        ))
    );
    assert_eq!(token, uri_encode(TOKEN));
    // A Presigner with the default mode does the same.
    let presigner = Presigner::new(creds(Some(TOKEN)), scope.clone())
        .session_token(SessionTokenMode::ServiceDefault);
    assert_eq!(presigner.presign(IOT_URL, T0, FIVE_MINUTES).unwrap().as_str(), url);
    // The IoT rule goes with the scope's service, not the host: a custom domain in front of
    // IoT signed for `iotdevicegateway` leaves the token unsigned too.
    let custom = "wss://mqtt.example.com/mqtt";
    assert_eq!(
        signature(&presign(custom, Some(TOKEN), &scope).unwrap()),
        signature(&presign(custom, None, &scope).unwrap())
    );
}

/// A server for IoT reads the token as unsigned; one that expects it signed does not accept
/// the URL. Where the token stands in the URL does not matter.
#[test]
fn iot_urls_verify_with_the_token_unsigned() {
    let scope = Scope::new("eu-west-1", IOT).unwrap();
    let url = presign(IOT_URL, Some(TOKEN), &scope).unwrap();
    let verified = Verifier::new(creds(Some(TOKEN)), &scope).verify_url(&url, T0).unwrap();
    assert!(verified.has_session_token());
    assert!(!verified.session_token_signed());
    assert_eq!(
        Verifier::new(creds(Some(TOKEN)), &scope)
            .session_token(SessionTokenMode::Signed)
            .verify_url(&url, T0),
        Err(Error::SignatureMismatch)
    );
    // The token moved before the signature, as some clients write it.
    let (head, token) = url.rsplit_once("&X-Amz-Security-Token=").unwrap();
    let (head, sig) = head.rsplit_once("&X-Amz-Signature=").unwrap();
    let moved = format!("{head}&X-Amz-Security-Token={token}&X-Amz-Signature={sig}");
    assert!(Verifier::new(creds(Some(TOKEN)), &scope).verify_url(&moved, T0).is_ok());
    // Another token than the credentials' is refused, although it is not signed.
    let other = url.replace(&uri_encode(TOKEN), "OTHER");
    assert!(matches!(
        Verifier::new(creds(Some(TOKEN)), &scope).verify_url(&other, T0),
        Err(Error::SessionTokenMismatch { .. })
    ));
}

#[test]
fn iot_token_can_be_signed_on_request() {
    let scope = Scope::new("eu-west-1", IOT).unwrap();
    let presigner =
        Presigner::new(creds(Some(TOKEN)), scope.clone()).session_token(SessionTokenMode::Signed);
    let url = presigner.presign(IOT_URL, T0, FIVE_MINUTES).unwrap();
    // botocore and aws-c-auth (told to sign the token) agree.
    assert_eq!(
        signature(url.as_str()),
        "89cba44d5aa2a137c5c129364645fb49deab6f2643f9d789bfb5303b70ae207a"
    );
    assert!(url.as_str().ends_with(&format!("&X-Amz-Security-Token={}", uri_encode(TOKEN))));
    let verified = Verifier::new(creds(Some(TOKEN)), &scope)
        .session_token(SessionTokenMode::Signed)
        .verify_url(url.as_str(), T0)
        .unwrap();
    assert!(verified.session_token_signed());
    // The default verifier for IoT leaves the token out, so this signature does not match.
    assert_eq!(
        Verifier::new(creds(Some(TOKEN)), &scope).verify_url(url.as_str(), T0),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn iot_in_govcloud_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://a1b2c3d4e5f6g7-ats.iot.us-gov-west-1.amazonaws.com/mqtt";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!((scope.region(), scope.service()), ("us-gov-west-1", IOT));
    // aws-c-auth.
    assert_eq!(
        signature(&presign(url, Some(TOKEN), &scope).unwrap()),
        "dd5bcce9eb108ceef2337851b861e2fac1265e77c1b8b21e556b3d999007e552"
    );
}

#[test]
fn iot_fips_endpoint_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://data.iot-fips.us-east-1.amazonaws.com/mqtt";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(scope, Scope::new("us-east-1", IOT).unwrap());
    // aws-c-auth with and without the token (omitted), botocore without.
    let expected = "5522648971bb9d36d513a63c589c2003980ee9618fcd8a8e94ef344c06434e9e";
    assert_eq!(signature(&presign(url, Some(TOKEN), &scope).unwrap()), expected);
    assert_eq!(signature(&presign(url, None, &scope).unwrap()), expected);
}

#[test]
fn other_services_sign_the_token_and_still_put_it_last() {
    let scope = Scope::new("us-east-1", EXECUTE_API).unwrap();
    let url = presign(MAIN_URL, Some(TOKEN), &scope).unwrap();
    // the project's peer measurements: aws-sigv4, botocore, smithy, aws-c-auth and aws4 agree.
    assert_eq!(signature(&url), "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b");
    assert_eq!(param_names(&url)[1..], AUTH_ORDER);
    let verified = Verifier::new(creds(Some(TOKEN)), &scope).verify_url(&url, T0).unwrap();
    assert!(verified.session_token_signed());
    // Unsigned on request: the main case's signature without a token (aws-c-auth).
    let presigner =
        Presigner::new(creds(Some(TOKEN)), scope.clone()).session_token(SessionTokenMode::Unsigned);
    let unsigned = presigner.presign(MAIN_URL, T0, FIVE_MINUTES).unwrap();
    assert_eq!(
        signature(unsigned.as_str()),
        "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"
    );
    assert_eq!(param_names(unsigned.as_str())[1..], AUTH_ORDER);
}

// ---- transcribe: port 8443 and its own parameters signed, expiry at most 300 s --------------

#[test]
fn transcribe_signs_port_8443_and_its_query_parameters() {
    let scope = Scope::from_url(TRANSCRIBE_URL).unwrap();
    assert_eq!(scope, Scope::new("us-west-2", TRANSCRIBE).unwrap());
    let url = presign(TRANSCRIBE_URL, None, &scope).unwrap();
    // botocore and @smithy.
    assert_eq!(signature(&url), "a24304ebdd1bde312b0aa38d9e3cb9d09a9533de708ab980ae454916e343bf14");
    assert!(url.starts_with(
        "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket?\
         language-code=en-US&media-encoding=pcm&sample-rate=16000&X-Amz-Algorithm="
    ));
    // The same URL without the port signs `host` without it, and so differently (botocore).
    let no_port = TRANSCRIBE_URL.replacen(":8443", "", 1);
    assert_eq!(
        signature(&presign(&no_port, None, &scope).unwrap()),
        "9ad27566fbabf9caf6e49ee43daa22c7b12278c21cfd500ed8f4a5c0f41c4769"
    );
    // Each of the service's parameters is covered by the signature.
    for changed in [
        TRANSCRIBE_URL.replacen("en-US", "en-GB", 1),
        TRANSCRIBE_URL.replacen("pcm", "flac", 1),
        TRANSCRIBE_URL.replacen("16000", "8000", 1),
    ] {
        assert_ne!(signature(&presign(&changed, None, &scope).unwrap()), signature(&url));
    }
}

/// The signed `Host` has the port: a server that answers for `host:8443` accepts the URL, one
/// that expects the name alone does not; a changed parameter is refused.
#[test]
fn transcribe_urls_verify_with_the_port_in_the_host() {
    let scope = Scope::new("us-west-2", TRANSCRIBE).unwrap();
    let url = presign(TRANSCRIBE_URL, Some(TOKEN), &scope).unwrap();
    let host = "transcribestreaming.us-west-2.amazonaws.com";
    let verified = Verifier::new(creds(Some(TOKEN)), &scope)
        .expect_host(&format!("{host}:8443"))
        .verify_url(&url, T0)
        .unwrap();
    assert_eq!(verified.host(), format!("{host}:8443"));
    assert_eq!(verified.path(), "/stream-transcription-websocket");
    assert_eq!(
        verified.query(),
        [
            ("language-code".to_owned(), "en-US".to_owned()),
            ("media-encoding".to_owned(), "pcm".to_owned()),
            ("sample-rate".to_owned(), "16000".to_owned()),
        ]
    );
    assert!(matches!(
        Verifier::new(creds(Some(TOKEN)), &scope).expect_host(host).verify_url(&url, T0),
        Err(Error::WrongHost { .. })
    ));
    assert_eq!(
        Verifier::new(creds(Some(TOKEN)), &scope)
            .verify_url(&url.replacen("sample-rate=16000", "sample-rate=8000", 1), T0),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn transcribe_with_a_session_token_signs_it() {
    let scope = Scope::new("us-west-2", TRANSCRIBE).unwrap();
    let url = presign(TRANSCRIBE_URL, Some(TOKEN), &scope).unwrap();
    // botocore.
    assert_eq!(signature(&url), "0c57909effab2d9d76ece487f308f4dbe32b294d9dfdbd890ad6a98c717bff6f");
    assert_eq!(param_names(&url)[3..], AUTH_ORDER);
}

#[test]
fn transcribe_expiry_is_at_most_300_seconds() {
    let scope = Scope::new("us-west-2", TRANSCRIBE).unwrap();
    let sign =
        |secs| presign_url(TRANSCRIBE_URL, &creds(None), &scope, T0, Duration::from_secs(secs));
    assert!(sign(300).is_ok());
    assert!(sign(1).is_ok());
    let err = sign(301).unwrap_err();
    assert_eq!(
        err,
        Error::ExpiresOutOfRange { seconds: 301, max: 300, service: "transcribe".to_owned() }
    );
    assert!(err.to_string().contains("1 to 300"), "{err}");
    assert!(matches!(sign(0), Err(Error::ExpiresOutOfRange { seconds: 0, max: 300, .. })));
    // A Presigner applies the same limit.
    let presigner = Presigner::new(creds(None), scope.clone());
    assert_eq!(presigner.presign(TRANSCRIBE_URL, T0, Duration::from_secs(301)).unwrap_err(), err);
    // Other services allow up to 7 days, not a second more.
    for service in [EXECUTE_API, IOT, NEPTUNE] {
        let other = Scope::new("us-east-1", service).unwrap();
        let sign =
            |secs| presign_url(MAIN_URL, &creds(None), &other, T0, Duration::from_secs(secs));
        assert!(sign(604_800).is_ok(), "{service}");
        assert_eq!(
            sign(604_801).unwrap_err(),
            Error::ExpiresOutOfRange {
                seconds: 604_801,
                max: 604_800,
                service: service.to_owned()
            }
        );
    }
}

/// A verifier applies the service's limit to `X-Amz-Expires` before it looks at the signature.
#[test]
fn a_verifier_refuses_a_transcribe_url_valid_for_longer_than_300_seconds() {
    let scope = Scope::new("us-west-2", TRANSCRIBE).unwrap();
    let url = presign(TRANSCRIBE_URL, None, &scope).unwrap();
    let longer = url.replacen("X-Amz-Expires=300", "X-Amz-Expires=301", 1);
    assert_eq!(
        Verifier::new(creds(None), &scope).verify_url(&longer, T0),
        Err(Error::ExpiresOutOfRange { seconds: 301, max: 300, service: "transcribe".to_owned() })
    );
}

#[test]
fn transcribe_dual_stack_endpoint_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://transcribestreaming.us-east-1.api.aws:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(scope, Scope::new("us-east-1", TRANSCRIBE).unwrap());
    // botocore, @smithy and aws-c-auth.
    assert_eq!(
        signature(&presign(url, None, &scope).unwrap()),
        "e992c475ee24f618560fae3d6a024f1f08ac0ecc1c6e328d38fae72bc5960027"
    );
}

// ---- neptune-db: port 8182 ----------------------------------------------------------------

#[test]
fn neptune_signs_port_8182() {
    let scope = Scope::from_url(NEPTUNE_URL).unwrap();
    assert_eq!(scope, Scope::new("us-east-2", NEPTUNE).unwrap());
    let signed = presign(NEPTUNE_URL, None, &scope).unwrap();
    // botocore.
    assert_eq!(
        signature(&signed),
        "07efc34380918ccf186066c38f4d1dac2440ec1b13924a2863842ee2ee40653c"
    );
    assert!(signed.starts_with(&format!("{NEPTUNE_URL}?X-Amz-Algorithm=")));
    let host = "db-neptune-1.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com";
    let verifier = Verifier::new(creds(None), &scope);
    assert_eq!(verifier.verify_url(&signed, T0).unwrap().host(), format!("{host}:8182"));
    // Sent to another port, the signed Host differs.
    let other_port = signed.replacen(":8182/", ":8183/", 1);
    assert_eq!(verifier.verify_url(&other_port, T0), Err(Error::SignatureMismatch));
}

// ---- custom domains need an explicit scope ------------------------------------------------

#[test]
fn custom_domain_needs_an_explicit_scope() {
    let url = "wss://chat.example.com/v1?room=lobby";
    let err = Scope::from_url(url).unwrap_err();
    assert_eq!(err, Error::UnknownEndpoint { host: "chat.example.com".to_owned() });
    let message = err.to_string();
    assert!(message.contains("chat.example.com"), "{message}");
    assert!(message.contains("explicitly") && message.contains("custom domains"), "{message}");

    let scope = Scope::new("eu-central-1", EXECUTE_API).unwrap();
    // botocore.
    assert_eq!(
        signature(&presign(url, None, &scope).unwrap()),
        "1047e8d9a7b155ac27e74fd6fef492daf16e5a8f2c689e8a78d397edc8bf6326"
    );
}

// ---- China, GovCloud, dual-stack ----------------------------------------------------------

#[test]
fn china_endpoint_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/dev";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(scope, Scope::new("cn-north-1", EXECUTE_API).unwrap());
    // botocore.
    assert_eq!(
        signature(&presign(url, None, &scope).unwrap()),
        "101a4107ff9829dbec2ba5529b0c3fb9eca2c77141d5c4cbf290af0ddc40b73a"
    );
}

#[test]
fn execute_api_dual_stack_endpoint_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://abc123defg.execute-api.eu-west-3.api.aws/dev";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(scope, Scope::new("eu-west-3", EXECUTE_API).unwrap());
    // botocore and @smithy, with the token signed.
    assert_eq!(
        signature(&presign(url, Some(TOKEN), &scope).unwrap()),
        "722898fb04c83bed41c732b34f78f10d3ceddd9e426aac6c53fa2daa580342a1"
    );
}

#[test]
fn host_inference_covers_the_partitions() {
    for (url, region, service) in [
        ("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev", "us-east-1", EXECUTE_API),
        (
            "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/x",
            "us-east-1",
            EXECUTE_API,
        ),
        (
            "wss://abc123defg.execute-api.us-gov-west-1.amazonaws.com/prod",
            "us-gov-west-1",
            EXECUTE_API,
        ),
        (
            "wss://abc123defg.execute-api.us-gov-east-1.amazonaws.com/prod",
            "us-gov-east-1",
            EXECUTE_API,
        ),
        (
            "wss://abc123defg.execute-api.cn-northwest-1.amazonaws.com.cn/prod",
            "cn-northwest-1",
            EXECUTE_API,
        ),
        ("wss://abc123defg.execute-api.ap-southeast-2.api.aws/prod", "ap-southeast-2", EXECUTE_API),
        // Case and port do not matter.
        ("WSS://ABC123DEFG.EXECUTE-API.EU-WEST-1.AMAZONAWS.COM:8443/dev", "eu-west-1", EXECUTE_API),
        ("wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt", "eu-west-1", IOT),
        ("wss://a2du5f95w7oz2a.iot.us-east-1.amazonaws.com/mqtt", "us-east-1", IOT),
        ("wss://a1b2c3d4e5f6g7-ats.iot.us-gov-east-1.amazonaws.com/mqtt", "us-gov-east-1", IOT),
        // China's ATS endpoints have a dot where the other partitions have a hyphen.
        ("wss://a2du5f95w7oz2a.ats.iot.cn-north-1.amazonaws.com.cn/mqtt", "cn-north-1", IOT),
        (
            "wss://a2du5f95w7oz2a-ats.iot.cn-northwest-1.amazonaws.com.cn/mqtt",
            "cn-northwest-1",
            IOT,
        ),
        ("wss://data.iot-fips.us-east-1.amazonaws.com/mqtt", "us-east-1", IOT),
        ("wss://data.iot-fips.us-gov-west-1.amazonaws.com/mqtt", "us-gov-west-1", IOT),
        (
            "wss://transcribestreaming.cn-north-1.amazonaws.com.cn:8443/stream-transcription-websocket",
            "cn-north-1",
            TRANSCRIBE,
        ),
        (
            "wss://transcribestreaming-fips.us-gov-west-1.amazonaws.com:8443/stream-transcription-websocket",
            "us-gov-west-1",
            TRANSCRIBE,
        ),
        (
            "wss://transcribestreaming-fips.ca-central-1.amazonaws.com:8443/stream-transcription-websocket",
            "ca-central-1",
            TRANSCRIBE,
        ),
        (
            "wss://transcribestreaming.us-east-1.api.aws:8443/stream-transcription-websocket",
            "us-east-1",
            TRANSCRIBE,
        ),
        (
            "wss://db.cluster-ro-c1x2y3z4.cn-north-1.neptune.amazonaws.com.cn:8182/gremlin",
            "cn-north-1",
            NEPTUNE,
        ),
        (
            "wss://db.cluster-c1x2y3z4.us-gov-west-1.neptune.amazonaws.com:8182/gremlin",
            "us-gov-west-1",
            NEPTUNE,
        ),
        (
            "https://my-db.cluster-c1a2b3c4d5e6.us-east-1.neptune.amazonaws.com:8182/openCypher",
            "us-east-1",
            NEPTUNE,
        ),
        // Kinesis Video signaling endpoints as GetSignalingChannelEndpoint returns them: `m-`
        // for a master, `v-` for a viewer, no path.
        ("wss://v-a1b2c3d4.kinesisvideo.us-west-2.amazonaws.com", "us-west-2", KINESIS_VIDEO),
        (
            "wss://m-b94e17e0.kinesisvideo.us-gov-west-1.amazonaws.com?X-Amz-ChannelARN=x",
            "us-gov-west-1",
            KINESIS_VIDEO,
        ),
        ("wss://m-a1b2c3d4.kinesisvideo.cn-north-1.amazonaws.com.cn/", "cn-north-1", KINESIS_VIDEO),
    ] {
        let scope = Scope::from_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!((scope.region(), scope.service()), (region, service), "{url}");
    }
}

#[test]
fn host_inference_refuses_look_alikes() {
    for url in [
        "wss://abc.execute-api.us-east-1.amazonaws.com.cn.example.com/dev",
        "wss://abc.execute-api.us-east-1.example.com/dev",
        "wss://execute-api.us-east-1.amazonaws.com/dev",
        "wss://abc.execute-api.amazonaws.com/dev",
        "wss://abc.execute-api.us-east-1.api.aws.example/dev",
        "wss://iot.us-east-1.amazonaws.com/mqtt",
        "wss://iot.cn-north-1.amazonaws.com.cn/mqtt",
        "wss://transcribestreaming.amazonaws.com/",
        "wss://transcribe.us-east-1.amazonaws.com/",
        "wss://cluster.us-east-1.neptune.amazonaws.com:8182/gremlin",
        "wss://v-a1b2c3d4.kinesisvideo.amazonaws.com/",
        "wss://v-a1b2c3d4.kinesisvideo.us-west-2.example.com/",
        "wss://amazonaws.com.cn/",
        "wss://api.aws/",
        "wss://127.0.0.1/",
    ] {
        let result = Scope::from_url(url);
        assert!(matches!(result, Err(Error::UnknownEndpoint { .. })), "{url}: {result:?}");
    }
}

/// `Scope::from_url` reads the URL as `presign_url` does, with the same refusals.
#[test]
fn host_inference_refuses_urls_that_cannot_be_presigned() {
    assert_eq!(Scope::from_url("/dev"), Err(Error::RelativeUrl));
    assert_eq!(
        Scope::from_url("wss://user:pw@abc.execute-api.us-east-1.amazonaws.com/dev"),
        Err(Error::UserInfoInUrl)
    );
    assert!(matches!(
        Scope::from_url("ftp://abc.execute-api.us-east-1.amazonaws.com/"),
        Err(Error::UnsupportedScheme { .. })
    ));
    // A region label that is not a valid region name is not inferred.
    assert!(matches!(
        Scope::from_url("wss://abc.execute-api.us_east_1.amazonaws.com/dev"),
        Err(Error::UnknownEndpoint { .. })
    ));
}
