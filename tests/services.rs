//! Per-service rules (see the table in `sigv4_wss::service`), pinned against independent
//! signers.
//!
//! Every expected signature below was produced by the oracles of the project's shared
//! reference material, run on the same input (access key `AKIDEXAMPLE`, the AWS documentation's
//! example secret, 2020-01-31T10:02:33Z, 300 s): botocore 1.44.5 (`SigV4QueryAuth`),
//! @smithy/signature-v4 5.7.5, aws-c-auth through awscrt 0.38.1 and, for IoT, Amplify's
//! `Signer.signUrl` (@aws-amplify/core 5.8.19). Each value is the one all the listed oracles
//! agreed on. URL lengths come from `research/peer-bench.md` (the main case without a token is
//! 333 characters).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use sigv4_wss::{
    Credentials, Error, Scope, SessionTokenMode, SigningOptions, presign_url,
    presign_url_with_options,
};
use time::OffsetDateTime;
use time::macros::datetime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of `research/peer-bench.md`.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
const MAIN_URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const IOT_URL: &str = "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt";
const TRANSCRIBE_URL: &str = "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000";

fn t0() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

fn creds(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token).unwrap()
}

fn five_minutes() -> Duration {
    Duration::from_secs(300)
}

fn presign(url: &str, token: Option<&str>, scope: &Scope) -> Result<String, Error> {
    presign_url(url, &creds(token), scope, t0(), five_minutes())
        .map(sigv4_wss::PresignedUrl::into_string)
}

/// The value of query parameter `name` (as written in the URL).
fn param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|item| item.strip_prefix(name)?.strip_prefix('='))
}

fn signature(url: &str) -> &str {
    param(url, "X-Amz-Signature").unwrap()
}

/// The query parameter names in the order they appear.
fn param_names(url: &str) -> Vec<&str> {
    let query = url.split_once('?').unwrap().1;
    query
        .split('&')
        .map(|item| item.split_once('=').map_or(item, |(k, _)| k))
        .collect()
}

// ---- execute-api: the 4096-character limit of WebSocket URLs --------------------------------

/// The main case is 333 characters without a token; a token of `n` unreserved characters
/// adds `&X-Amz-Security-Token=` (22) and `n`, so 3741 characters make exactly 4096.
#[test]
fn execute_api_url_of_4096_characters_is_accepted_and_4097_refused() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    assert_eq!(presign(MAIN_URL, None, &scope).unwrap().len(), 333);

    let at_limit = "A".repeat(3741);
    assert_eq!(
        presign(MAIN_URL, Some(&at_limit), &scope).unwrap().len(),
        4096
    );

    let over = "A".repeat(3742);
    let err = presign(MAIN_URL, Some(&over), &scope).unwrap_err();
    assert_eq!(
        err,
        Error::UrlTooLong {
            length: 4097,
            max: 4096,
            service: "execute-api".to_owned()
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("4097") && message.contains("4096"),
        "{message}"
    );
    assert!(message.contains("session token"), "{message}");
    assert!(!message.contains("AAAA"), "the token leaked: {message}");
}

#[test]
fn a_long_sts_token_can_push_an_execute_api_url_over_the_limit() {
    // A token of base64 characters whose `+`, `/` and `=` each take 3 characters in the URL:
    // five copies of the 800-character token (36 of its characters are `+`, `/` or `=`)
    // encode to 5 * 872 = 4360 characters.
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
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
    // The one-token URL of peer-bench.md is 1227 characters, well within the limit.
    assert_eq!(presign(MAIN_URL, Some(TOKEN), &scope).unwrap().len(), 1227);
}

#[test]
fn the_length_limit_is_for_websocket_urls_of_execute_api_only() {
    let over = "A".repeat(3742);
    let execute_api = Scope::new("us-east-1", "execute-api").unwrap();
    let https = MAIN_URL.replacen("wss://", "https://", 1);
    assert_eq!(
        presign(&https, Some(&over), &execute_api).unwrap().len(),
        4097 + 2
    );
    let ws = MAIN_URL.replacen("wss://", "ws://", 1);
    // ws:// is one character shorter than wss://: the same token makes exactly 4096.
    assert_eq!(presign(&ws, Some(&over), &execute_api).unwrap().len(), 4096);
    let over_ws = "A".repeat(3743);
    assert!(matches!(
        presign(&ws, Some(&over_ws), &execute_api),
        Err(Error::UrlTooLong { length: 4097, .. })
    ));
    let iot = Scope::new("us-east-1", "iotdevicegateway").unwrap();
    let long = "A".repeat(10_000);
    assert!(presign(MAIN_URL, Some(&long), &iot).is_ok());
}

// ---- iotdevicegateway: the token is appended after signing, last ----------------------------

#[test]
fn iot_token_is_appended_after_signing_and_last() {
    let scope = Scope::from_url(IOT_URL).unwrap();
    assert_eq!(scope, Scope::new("eu-west-1", "iotdevicegateway").unwrap());
    let url = presign(IOT_URL, Some(TOKEN), &scope).unwrap();
    // aws-c-auth (omit_session_token, as the IoT Device SDK v2 sets it) and Amplify agree.
    assert_eq!(
        signature(&url),
        "63d417eb6f8747880469faa2d3022434a6492723f14e9abe2d05ac8f8c27ac37"
    );
    // Not in the canonical query: the signature is the one of the same URL without a token
    // (botocore, smithy and aws-c-auth agree on that one).
    let without = presign(IOT_URL, None, &scope).unwrap();
    assert_eq!(signature(&url), signature(&without));
    // Last, right after the signature, encoded with the unreserved set.
    assert_eq!(
        param_names(&url),
        [
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
            "X-Amz-Security-Token"
        ]
    );
    let token = param(&url, "X-Amz-Security-Token").unwrap();
    assert_eq!(token.len(), 872);
    assert!(url.ends_with(token));
    assert_eq!(token, sigv4_wss::uri_encode(TOKEN));
}

#[test]
fn iot_token_can_be_signed_on_request() {
    let scope = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let options = SigningOptions::default().session_token(SessionTokenMode::Signed);
    let url = presign_url_with_options(
        IOT_URL,
        &creds(Some(TOKEN)),
        &scope,
        t0(),
        five_minutes(),
        &options,
    )
    .unwrap();
    // botocore, smithy and aws-c-auth (told to sign the token) agree.
    assert_eq!(
        signature(url.as_str()),
        "89cba44d5aa2a137c5c129364645fb49deab6f2643f9d789bfb5303b70ae207a"
    );
    assert!(url.as_str().ends_with(&sigv4_wss::uri_encode(TOKEN)));
}

#[test]
fn iot_in_govcloud_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://a1b2c3d4e5f6g7-ats.iot.us-gov-west-1.amazonaws.com/mqtt";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(
        (scope.region(), scope.service()),
        ("us-gov-west-1", "iotdevicegateway")
    );
    // aws-c-auth and Amplify.
    assert_eq!(
        signature(&presign(url, Some(TOKEN), &scope).unwrap()),
        "dd5bcce9eb108ceef2337851b861e2fac1265e77c1b8b21e556b3d999007e552"
    );
}

#[test]
fn other_services_sign_the_token_and_still_put_it_last() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let url = presign(MAIN_URL, Some(TOKEN), &scope).unwrap();
    // peer-bench.md: aws-sigv4, botocore, smithy, aws-c-auth and aws4 agree.
    assert_eq!(
        signature(&url),
        "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b"
    );
    assert_eq!(param_names(&url).last(), Some(&"X-Amz-Security-Token"));
}

// ---- transcribe: port 8443 and its own parameters signed, expiry at most 300 s --------------

#[test]
fn transcribe_signs_port_8443_and_its_query_parameters() {
    let scope = Scope::from_url(TRANSCRIBE_URL).unwrap();
    assert_eq!(scope, Scope::new("us-west-2", "transcribe").unwrap());
    let url = presign(TRANSCRIBE_URL, None, &scope).unwrap();
    assert_eq!(
        signature(&url),
        "a24304ebdd1bde312b0aa38d9e3cb9d09a9533de708ab980ae454916e343bf14"
    );
    assert!(url.starts_with(
        "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket?\
         language-code=en-US&media-encoding=pcm&sample-rate=16000&X-Amz-Algorithm="
    ));
    // The same URL without the port signs `host` without it, and so differently
    // (the oracles agree on both).
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
        assert_ne!(
            signature(&presign(&changed, None, &scope).unwrap()),
            signature(&url)
        );
    }
}

#[test]
fn transcribe_with_a_session_token_signs_it() {
    let scope = Scope::new("us-west-2", "transcribe").unwrap();
    let url = presign(TRANSCRIBE_URL, Some(TOKEN), &scope).unwrap();
    assert_eq!(
        signature(&url),
        "0c57909effab2d9d76ece487f308f4dbe32b294d9dfdbd890ad6a98c717bff6f"
    );
}

#[test]
fn transcribe_expiry_is_at_most_300_seconds() {
    let scope = Scope::new("us-west-2", "transcribe").unwrap();
    let sign = |secs| {
        presign_url(
            TRANSCRIBE_URL,
            &creds(None),
            &scope,
            t0(),
            Duration::from_secs(secs),
        )
    };
    assert!(sign(300).is_ok());
    assert!(sign(1).is_ok());
    let err = sign(301).unwrap_err();
    assert_eq!(
        err,
        Error::ExpiresOutOfRange {
            seconds: 301,
            max: 300,
            service: "transcribe".to_owned()
        }
    );
    assert!(err.to_string().contains("1 to 300"), "{err}");
    // Other services allow up to 7 days.
    let execute_api = Scope::new("us-east-1", "execute-api").unwrap();
    let week = presign_url(
        MAIN_URL,
        &creds(None),
        &execute_api,
        t0(),
        Duration::from_secs(604_800),
    );
    assert!(week.is_ok());
}

// ---- neptune-db: port 8182 ----------------------------------------------------------------

#[test]
fn neptune_signs_port_8182() {
    let url = "wss://db-neptune-1.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com:8182/gremlin";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(scope, Scope::new("us-east-2", "neptune-db").unwrap());
    let signed = presign(url, None, &scope).unwrap();
    assert_eq!(
        signature(&signed),
        "07efc34380918ccf186066c38f4d1dac2440ec1b13924a2863842ee2ee40653c"
    );
    assert!(signed.starts_with(
        "wss://db-neptune-1.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com:8182/gremlin?"
    ));
}

// ---- custom domains need an explicit scope ------------------------------------------------

#[test]
fn custom_domain_needs_an_explicit_scope() {
    let url = "wss://chat.example.com/v1?room=lobby";
    let err = Scope::from_url(url).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownEndpoint {
            host: "chat.example.com".to_owned()
        }
    );
    let message = err.to_string();
    assert!(message.contains("chat.example.com"), "{message}");
    assert!(message.contains("give region and service"), "{message}");

    let scope = Scope::new("eu-central-1", "execute-api").unwrap();
    assert_eq!(
        signature(&presign(url, None, &scope).unwrap()),
        "1047e8d9a7b155ac27e74fd6fef492daf16e5a8f2c689e8a78d397edc8bf6326"
    );
}

// ---- China and GovCloud --------------------------------------------------------------------

#[test]
fn china_endpoint_is_inferred_and_signed_like_the_oracles() {
    let url = "wss://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/dev";
    let scope = Scope::from_url(url).unwrap();
    assert_eq!(scope, Scope::new("cn-north-1", "execute-api").unwrap());
    assert_eq!(
        signature(&presign(url, None, &scope).unwrap()),
        "101a4107ff9829dbec2ba5529b0c3fb9eca2c77141d5c4cbf290af0ddc40b73a"
    );
}

#[test]
fn host_inference_covers_the_partitions() {
    for (url, region, service) in [
        (
            "wss://abc123defg.execute-api.us-gov-west-1.amazonaws.com/prod",
            "us-gov-west-1",
            "execute-api",
        ),
        (
            "wss://abc123defg.execute-api.us-gov-east-1.amazonaws.com/prod",
            "us-gov-east-1",
            "execute-api",
        ),
        (
            "wss://abc123defg.execute-api.cn-northwest-1.amazonaws.com.cn/prod",
            "cn-northwest-1",
            "execute-api",
        ),
        // China's ATS endpoints have a dot where the other partitions have a hyphen.
        (
            "wss://a2du5f95w7oz2a.ats.iot.cn-north-1.amazonaws.com.cn/mqtt",
            "cn-north-1",
            "iotdevicegateway",
        ),
        (
            "wss://a2du5f95w7oz2a-ats.iot.cn-northwest-1.amazonaws.com.cn/mqtt",
            "cn-northwest-1",
            "iotdevicegateway",
        ),
        (
            "wss://a2du5f95w7oz2a.iot.us-east-1.amazonaws.com/mqtt",
            "us-east-1",
            "iotdevicegateway",
        ),
        (
            "wss://data.iot-fips.us-east-1.amazonaws.com/mqtt",
            "us-east-1",
            "iotdevicegateway",
        ),
        (
            "wss://transcribestreaming.cn-north-1.amazonaws.com.cn:8443/stream-transcription-websocket",
            "cn-north-1",
            "transcribe",
        ),
        (
            "wss://transcribestreaming-fips.us-gov-west-1.amazonaws.com:8443/stream-transcription-websocket",
            "us-gov-west-1",
            "transcribe",
        ),
        (
            "wss://transcribestreaming.us-east-1.api.aws:8443/stream-transcription-websocket",
            "us-east-1",
            "transcribe",
        ),
        (
            "wss://db.cluster-ro-c1x2y3z4.cn-north-1.neptune.amazonaws.com.cn:8182/gremlin",
            "cn-north-1",
            "neptune-db",
        ),
        (
            "wss://db.cluster-c1x2y3z4.us-gov-west-1.neptune.amazonaws.com:8182/gremlin",
            "us-gov-west-1",
            "neptune-db",
        ),
    ] {
        let scope = Scope::from_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(
            (scope.region(), scope.service()),
            (region, service),
            "{url}"
        );
    }
}

#[test]
fn host_inference_refuses_look_alikes() {
    for url in [
        "wss://abc.execute-api.us-east-1.amazonaws.com.cn.example.com/dev",
        "wss://abc.execute-api.us-east-1.example.com/dev",
        "wss://iot.us-east-1.amazonaws.com/mqtt",
        "wss://iot.cn-north-1.amazonaws.com.cn/mqtt",
        "wss://transcribestreaming.amazonaws.com/",
        "wss://cluster.us-east-1.neptune.amazonaws.com:8182/gremlin",
        "wss://amazonaws.com.cn/",
    ] {
        let result = Scope::from_url(url);
        assert!(
            matches!(result, Err(Error::UnknownEndpoint { .. })),
            "{url}: {result:?}"
        );
    }
}
