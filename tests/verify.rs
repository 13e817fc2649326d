//! The verifier: URLs signed by independent presigners are accepted, and every way a request
//! can be wrong is refused with its own error, never showing a secret.
//!
//! The accepted URLs were printed by the oracles of the project's shared reference material
//! (botocore 1.44.5, @smithy/signature-v4 5.7.5, aws-c-auth through awscrt 0.38.1, Amplify's
//! `Signer.signUrl` from @aws-amplify/core 5.8.19, aws4 1.13.2), most of them in
//! `tests/data/differential.json`, for access key `AKIDEXAMPLE`, the AWS documentation's
//! example secret and 2020-01-31T10:02:33Z. They put the parameters in different orders, and
//! aws-c-auth puts IoT's unsigned token before the signature. Three more URLs (another API id,
//! a 3600 s expiry, a Kinesis Video signaling URL) were printed by botocore 1.43.11 through
//! `botocore_presign.py` of the shared oracles.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sigv4_wss::{
    AmzDate, CanonicalRequest, Credentials, CredentialsLookup, Error, Presigner, Scope,
    SessionTokenMode, Verified, Verifier, lookup_fn,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of the project's peer measurements.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
/// `TOKEN` as the oracles encode it in a URL.
const ENCODED_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D";

const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const MAIN: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const IOT: &str = "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt";
const TRANSCRIBE: &str =
    "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket";
const CRED_MAIN: &str = "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request";
/// The main case's signature (the project's peer measurements; every oracle agrees).
const MAIN_SIGNATURE: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";

fn t0() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

/// The verifier's clock in most tests: ten seconds after signing.
fn now() -> OffsetDateTime {
    t0() + secs(10)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn scope(region: &str, service: &str) -> Scope {
    Scope::new(region, service).unwrap()
}

fn main_scope() -> Scope {
    scope("us-east-1", "execute-api")
}

fn long_term() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn temporary() -> Credentials {
    Credentials::new(AKID, SECRET, Some(TOKEN)).unwrap()
}

fn verifier() -> Verifier<Credentials> {
    Verifier::new(long_term(), &main_scope())
}

/// `url` with the first `from` replaced by `to`; `from` must be there.
fn edit(url: &str, from: &str, to: &str) -> String {
    assert!(url.contains(from), "{from:?} is not in {url}");
    url.replacen(from, to, 1)
}

/// `url` without its query parameter `name`.
fn without(url: &str, name: &str) -> String {
    let (head, query) = url.split_once('?').unwrap();
    let kept: Vec<&str> =
        query.split('&').filter(|p| !p.starts_with(&format!("{name}="))).collect();
    assert_ne!(kept.len(), query.split('&').count(), "{name} is not in {url}");
    format!("{head}?{}", kept.join("&"))
}

/// The main case signed by aws4 (which writes X-Amz-Expires first).
fn main_by_aws4() -> String {
    format!(
        "{MAIN}&X-Amz-Expires=300&X-Amz-Date=20200131T100233Z&X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential={CRED_MAIN}&X-Amz-SignedHeaders=host&X-Amz-Signature={MAIN_SIGNATURE}"
    )
}

/// The main case as botocore writes it.
fn main_in_order() -> String {
    format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Signature={MAIN_SIGNATURE}"
    )
}

/// The main case with X-Amz-Expires=3600 (botocore).
fn main_for_an_hour() -> String {
    format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=0db72f51caa7f9e334eb8c5955f2fa7ceabd2ae2c22ec0925de46273b3d608db"
    )
}

/// The main case's request for another API id of the same region and service (botocore):
/// a valid signature, for another host.
fn other_api_id() -> String {
    format!(
        "wss://zzz999yyyy.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=ce2755bde31a38dd95b85a2373adf893857ffaea841da0448a6f32735653a893"
    )
}

/// The IoT URL of aws-c-auth and Amplify, with the token unsigned; `token_first` puts the
/// token before the signature (aws-c-auth), else after it (Amplify).
fn iot_url(token_first: bool) -> String {
    let head = format!(
        "{IOT}?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Feu-west-1%2Fiotdevicegateway%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300"
    );
    let signature = "63d417eb6f8747880469faa2d3022434a6492723f14e9abe2d05ac8f8c27ac37";
    if token_first {
        format!("{head}&X-Amz-Security-Token={ENCODED_TOKEN}&X-Amz-Signature={signature}")
    } else {
        format!("{head}&X-Amz-Signature={signature}&X-Amz-Security-Token={ENCODED_TOKEN}")
    }
}

/// Transcribe with a signed token, as botocore writes it.
fn transcribe_by_botocore() -> String {
    format!(
        "{TRANSCRIBE}?language-code=en-US&media-encoding=pcm&sample-rate=16000\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-west-2%2Ftranscribe%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token={ENCODED_TOKEN}\
         &X-Amz-Signature=0c57909effab2d9d76ece487f308f4dbe32b294d9dfdbd890ad6a98c717bff6f"
    )
}

/// The `Host` and request target a client sends for `url` (parsed by hand here, not by the
/// crate): the host lowercased without the scheme's default port, and the path and query.
fn as_sent(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(end);
    let mut host = authority.to_ascii_lowercase();
    let default = if matches!(scheme, "wss" | "https") { ":443" } else { ":80" };
    if host.ends_with(default) {
        host.truncate(host.len() - default.len());
    }
    let target = if target.starts_with('/') { target.to_owned() } else { format!("/{target}") };
    (host, target)
}

/// Verifies `url` as a server receives it: its target and `Host`, through `verify_request`.
fn received<L: CredentialsLookup>(
    verifier: &Verifier<L>, url: &str, now: OffsetDateTime,
) -> Result<Verified, Error> {
    let (host, target) = as_sent(url);
    verifier.verify_request("GET", &target, &[("Host", &host)], now)
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn fixture() -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("data/differential.json")).unwrap();
    all["cases"].as_array().unwrap().clone()
}

/// A case of the differential fixture, by name.
fn fixture_case(name: &str) -> Value {
    fixture().into_iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no case {name}"))
}

fn oracle_url(name: &str) -> String {
    fixture_case(name)["oracle_url"].as_str().unwrap().to_owned()
}

// ---- URLs of independent signers are accepted --------------------------------------------

#[test]
fn accepts_the_main_case_from_aws4_botocore_and_amplify() {
    let verifier = verifier();
    let accepted = verifier.verify_url(&main_by_aws4(), now()).unwrap();
    assert_eq!(accepted.access_key_id(), AKID);
    assert_eq!(accepted.scope(), &main_scope());
    assert_eq!(accepted.signed_at().date_time(), "20200131T100233Z");
    assert_eq!(accepted.expires(), Some(secs(300)));
    assert!(!accepted.has_session_token());
    assert!(!accepted.session_token_signed());
    assert_eq!(accepted.host(), HOST);
    assert_eq!(accepted.path(), "/dev");
    assert_eq!(accepted.query(), owned(&[("room", "lobby")]));
    // Amplify writes X-Amz-SignedHeaders before X-Amz-Expires.
    let amplify = format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300\
         &X-Amz-Signature={MAIN_SIGNATURE}"
    );
    for url in [amplify, main_in_order()] {
        assert_eq!(verifier.verify_url(&url, now()), Ok(accepted.clone()), "{url}");
    }
}

#[test]
fn accepts_iot_urls_with_the_unsigned_token_before_or_after_the_signature() {
    let verifier = Verifier::new(temporary(), &scope("eu-west-1", "iotdevicegateway"));
    for token_first in [true, false] {
        let accepted = verifier.verify_url(&iot_url(token_first), now()).unwrap();
        assert_eq!(accepted.scope().region(), "eu-west-1");
        assert!(accepted.has_session_token());
        assert!(!accepted.session_token_signed());
        assert_eq!(accepted.host(), "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com");
        assert_eq!(accepted.path(), "/mqtt");
        assert_eq!(accepted.query(), []);
    }
}

#[test]
fn accepts_transcribe_urls_with_a_signed_token_from_botocore_and_smithy() {
    let verifier = Verifier::new(temporary(), &scope("us-west-2", "transcribe"));
    let signature = "0c57909effab2d9d76ece487f308f4dbe32b294d9dfdbd890ad6a98c717bff6f";
    // smithy sorts every parameter, its own included.
    let smithy = format!(
        "{TRANSCRIBE}?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-west-2%2Ftranscribe%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-Security-Token={ENCODED_TOKEN}\
         &X-Amz-Signature={signature}&X-Amz-SignedHeaders=host\
         &language-code=en-US&media-encoding=pcm&sample-rate=16000"
    );
    for url in [transcribe_by_botocore(), smithy] {
        let accepted = verifier.verify_url(&url, now()).unwrap();
        assert_eq!(accepted.scope().service(), "transcribe");
        assert!(accepted.session_token_signed());
        assert_eq!(accepted.host(), "transcribestreaming.us-west-2.amazonaws.com:8443");
        assert_eq!(
            accepted.query(),
            owned(&[
                ("language-code", "en-US"),
                ("media-encoding", "pcm"),
                ("sample-rate", "16000")
            ])
        );
    }
}

#[test]
fn accepts_encoded_paths_and_repeated_user_parameters_from_aws_c_auth() {
    let url = format!(
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev/a%20b/%C3%BC\
         ?q=a%20b&flag=&k=2&k=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300\
         &X-Amz-Signature=6c9d71198d3536d86d1aa6e11756bcbfa35b46b22e935f628e5b62a79d60e84e"
    );
    let accepted = verifier().verify_url(&url, now()).unwrap();
    // The path as received; the query decoded, in canonical order (the signature covers the
    // values of the repeated `k` as a set: `k=2&k=1` and `k=1&k=2` sign the same).
    assert_eq!(accepted.path(), "/dev/a%20b/%C3%BC");
    assert_eq!(accepted.query(), owned(&[("flag", ""), ("k", "1"), ("k", "2"), ("q", "a b")]));
    let swapped = url.replace("k=2&k=1", "k=1&k=2");
    assert_eq!(verifier().verify_url(&swapped, now()).unwrap(), accepted);
}

#[test]
fn accepts_an_x_amz_parameter_that_is_not_an_authentication_one() {
    // Kinesis Video signaling: X-Amz-ChannelARN and X-Amz-ClientId are the request's own.
    let url = "wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/\
        ?X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-west-2%3A123456789012%3Achannel%2Fdemo%2F1234567890123\
        &X-Amz-ClientId=viewer1&X-Amz-Algorithm=AWS4-HMAC-SHA256\
        &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-west-2%2Fkinesisvideo%2Faws4_request\
        &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
        &X-Amz-Signature=5129bef4120b655f89c5379fc4a1a8f138cb30b1322e4d9b6c691ba96f2041c2";
    let verifier = Verifier::new(long_term(), &scope("us-west-2", "kinesisvideo"));
    let accepted = verifier.verify_url(url, now()).unwrap();
    assert_eq!(accepted.path(), "/");
    assert_eq!(
        accepted.query(),
        owned(&[
            (
                "X-Amz-ChannelARN",
                "arn:aws:kinesisvideo:us-west-2:123456789012:channel/demo/1234567890123"
            ),
            ("X-Amz-ClientId", "viewer1"),
        ])
    );
    assert_eq!(received(&verifier, url, now()), Ok(accepted));
}

/// The verifier for a case of the differential fixture, and the case's signing time.
fn fixture_verifier(input: &Value) -> (Verifier<Credentials>, OffsetDateTime) {
    let text = |key: &str| input[key].as_str().unwrap();
    let creds =
        Credentials::new(text("access_key"), text("secret_key"), input["session_token"].as_str())
            .unwrap();
    let mode = match input["session_token_mode"].as_str() {
        None => SessionTokenMode::ServiceDefault,
        Some("signed") => SessionTokenMode::Signed,
        Some("unsigned") => SessionTokenMode::Unsigned,
        Some(other) => panic!("unknown mode {other}"),
    };
    let verifier =
        Verifier::new(creds, &scope(text("region"), text("service"))).session_token(mode);
    let at = OffsetDateTime::parse(text("timestamp"), &Rfc3339).unwrap();
    (verifier, at)
}

#[test]
fn every_oracle_url_of_the_differential_fixture_verifies() {
    let cases = fixture();
    assert!(cases.len() >= 70, "{}", cases.len());
    let mut accepted = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let url = case["oracle_url"].as_str().unwrap();
        let input = &case["input"];
        let (v, signed_at) = fixture_verifier(input);
        let now = signed_at + secs(1);
        let by_url = v.verify_url(url, now);
        let by_request = received(&v, url, now);
        match name {
            // %FF is not UTF-8: the application could read it otherwise than signed.
            "query-invalid-utf8" => {
                assert!(matches!(by_url, Err(Error::AmbiguousQuery { .. })), "{by_url:?}");
                assert_eq!(by_request, by_url);
            }
            // Raw dot segments: a URL parser resolves them as the signer did; a server that
            // receives them raw refuses them.
            "path-dot-dot" => {
                let verified = by_url.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(verified.path(), "/dev/b", "{name}");
                assert!(
                    matches!(by_request, Err(Error::InvalidRequestTarget { .. })),
                    "{name}: {by_request:?}"
                );
            }
            // An empty segment (`//`) is signed as none, so a signature cannot bind the path:
            // refused as a URL (as presigning refuses it) and as a received target.
            "path-double-slash-and-dot" | "path-trailing-double-slash" => {
                assert!(matches!(by_url, Err(Error::InvalidUrl { .. })), "{name}: {by_url:?}");
                assert!(
                    matches!(by_request, Err(Error::InvalidRequestTarget { .. })),
                    "{name}: {by_request:?}"
                );
            }
            _ => {
                let verified = by_url.unwrap_or_else(|e| panic!("{name}: {e} ({url})"));
                assert_eq!(by_request.as_ref(), Ok(&verified), "{name}");
                let (host, target) = as_sent(url);
                assert_eq!(verified.host(), host, "{name}");
                assert_eq!(
                    verified.path(),
                    target.split_once('?').map_or(&*target, |(p, _)| p),
                    "{name}"
                );
                assert_eq!(verified.access_key_id(), input["access_key"], "{name}");
                assert_eq!(verified.scope().region(), input["region"], "{name}");
                assert_eq!(verified.scope().service(), input["service"], "{name}");
                assert_eq!(verified.signed_at(), AmzDate::new(signed_at).unwrap());
                assert_eq!(
                    Some(verified.expires().unwrap().as_secs()),
                    input["expires"].as_u64(),
                    "{name}"
                );
                assert_eq!(
                    verified.has_session_token(),
                    input["session_token"].is_string(),
                    "{name}"
                );
                assert!(verified.query().iter().all(|(k, _)| !matches!(
                    k.as_str(),
                    "X-Amz-Algorithm"
                        | "X-Amz-Credential"
                        | "X-Amz-Date"
                        | "X-Amz-Expires"
                        | "X-Amz-Security-Token"
                        | "X-Amz-Signature"
                        | "X-Amz-SignedHeaders"
                )));
                accepted += 1;
            }
        }
    }
    assert_eq!(accepted, cases.len() - 4);
}

#[test]
fn a_url_without_x_amz_expires_is_valid_within_the_clock_skew() {
    // Amplify and aws-c-auth, asked for no expiry, agree on this URL.
    let url = format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=223ec70406fc1ee5688fb5d1121e891cac7389f609e01e2433e23687af8a7b0e"
    );
    let verifier = verifier();
    let accepted = verifier.verify_url(&url, t0() + secs(300)).unwrap();
    assert_eq!(accepted.expires(), None);
    assert!(matches!(
        verifier.verify_url(&url, t0() + secs(301)),
        Err(Error::Expired { valid_secs: 300, .. })
    ));
    let strict = verifier.clock_skew(secs(60));
    assert!(strict.verify_url(&url, t0() + secs(60)).is_ok());
    assert!(matches!(
        strict.verify_url(&url, t0() + secs(61)),
        Err(Error::Expired { valid_secs: 60, .. })
    ));
}

// ---- round trips with the presigner --------------------------------------------------------

#[test]
fn round_trips_every_service_and_both_entry_points_agree() {
    for (url, region, service, token_signed, host, path) in [
        (MAIN, "us-east-1", "execute-api", true, HOST, "/dev"),
        (
            IOT,
            "eu-west-1",
            "iotdevicegateway",
            false,
            "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
            "/mqtt",
        ),
        (
            "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000",
            "us-west-2",
            "transcribe",
            true,
            "transcribestreaming.us-west-2.amazonaws.com:8443",
            "/stream-transcription-websocket",
        ),
        (
            "wss://db.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com:8182/gremlin",
            "us-east-2",
            "neptune-db",
            true,
            "db.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com:8182",
            "/gremlin",
        ),
        (
            "ws://127.0.0.1:8080/dev?a=x+y&b=%7E&c",
            "eu-central-1",
            "execute-api",
            true,
            "127.0.0.1:8080",
            "/dev",
        ),
    ] {
        let scope = scope(region, service);
        let signed =
            Presigner::new(temporary(), scope.clone()).presign(url, t0(), secs(300)).unwrap();
        let verifier = Verifier::new(temporary(), &scope);
        let accepted =
            verifier.verify_url(signed.as_str(), now()).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(accepted.scope(), &scope);
        assert_eq!(accepted.session_token_signed(), token_signed, "{url}");
        assert_eq!((accepted.host(), accepted.path()), (host, path), "{url}");
        // The same URL as a server receives it gives the same result.
        assert_eq!(received(&verifier, signed.as_str(), now()), Ok(accepted));
    }
    // The presigner writes a plus as %2B, and the verifier reads it back as a plus.
    let scope = scope("eu-central-1", "execute-api");
    let signed = Presigner::new(long_term(), scope.clone())
        .presign("ws://127.0.0.1:8080/dev?a=x+y&b=%7E&c", t0(), secs(300))
        .unwrap();
    let accepted = Verifier::new(long_term(), &scope).verify_url(signed.as_str(), now()).unwrap();
    assert_eq!(accepted.query(), owned(&[("a", "x+y"), ("b", "~"), ("c", "")]));
}

#[test]
fn verify_request_checks_every_signed_header() {
    let request = CanonicalRequest::new("GET", "/dev")
        .unwrap()
        .with_header("Host", HOST)
        .unwrap()
        .with_header("X-Room", "lobby")
        .unwrap();
    let signed = Presigner::new(long_term(), main_scope())
        .presign_request(&request, t0(), secs(300))
        .unwrap();
    assert!(signed.query().contains("X-Amz-SignedHeaders=host%3Bx-room&"));
    let target = format!("/dev?{}", signed.query());
    let verifier = verifier();
    let host = ("host", HOST);
    let accepted =
        verifier.verify_request("GET", &target, &[host, ("x-room", " lobby ")], now()).unwrap();
    assert_eq!(accepted.query(), []);
    assert_eq!(
        verifier.verify_request("GET", &target, &[("HOST", HOST), ("X-ROOM", "lobby")], now()),
        Ok(accepted)
    );
    assert_eq!(
        verifier.verify_request("GET", &target, &[host], now()),
        Err(Error::MissingHeader { name: "x-room".to_owned() })
    );
    assert_eq!(
        verifier.verify_request("GET", &target, &[("x-room", "lobby")], now()),
        Err(Error::MissingHeader { name: "host".to_owned() })
    );
    assert_eq!(
        verifier.verify_request("GET", &target, &[host, ("X-Room", "kitchen")], now()),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        verifier.verify_request("POST", &target, &[host, ("X-Room", "lobby")], now()),
        Err(Error::SignatureMismatch)
    );
    // A URL carries only the host.
    let url = format!("wss://{HOST}{target}");
    assert_eq!(
        verifier.verify_url(&url, now()),
        Err(Error::MissingHeader { name: "x-room".to_owned() })
    );
}

// ---- every error ---------------------------------------------------------------------------

/// Tells whether an error is the one expected.
type Want = fn(&Error) -> bool;

/// A URL the verifier must refuse: what is wrong, the URL, the verifier, its clock, and the
/// expected error.
struct Failure {
    what: &'static str,
    url: String,
    verifier: Verifier<Credentials>,
    now: OffsetDateTime,
    want: Want,
}

/// Every way a URL can be wrong, each with its error.
#[allow(clippy::too_many_lines, reason = "one table")]
fn failures() -> Vec<Failure> {
    let url = main_in_order();
    let v = verifier;
    let now = now();
    let case = |what, url: String, want: Want| Failure { what, url, verifier: v(), now, want };
    vec![
        // Missing, repeated and malformed parameters.
        case("no algorithm", without(&url, "X-Amz-Algorithm"), |e| {
            *e == Error::MissingParameter { name: "X-Amz-Algorithm" }
        }),
        case("no credential", without(&url, "X-Amz-Credential"), |e| {
            *e == Error::MissingParameter { name: "X-Amz-Credential" }
        }),
        case("no date", without(&url, "X-Amz-Date"), |e| {
            *e == Error::MissingParameter { name: "X-Amz-Date" }
        }),
        case("no signed headers", without(&url, "X-Amz-SignedHeaders"), |e| {
            *e == Error::MissingParameter { name: "X-Amz-SignedHeaders" }
        }),
        case("no signature", without(&url, "X-Amz-Signature"), |e| {
            *e == Error::MissingParameter { name: "X-Amz-Signature" }
        }),
        case("algorithm twice", format!("{url}&X-Amz-Algorithm=AWS4-HMAC-SHA256"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-Algorithm" }
        }),
        case("credential twice", format!("{url}&X-Amz-Credential={CRED_MAIN}"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-Credential" }
        }),
        case("date twice", format!("{url}&X-Amz-Date=20200131T100233Z"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-Date" }
        }),
        case("expires twice", format!("{url}&X-Amz-Expires=300"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-Expires" }
        }),
        case("signed headers twice", format!("{url}&X-Amz-SignedHeaders=host"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-SignedHeaders" }
        }),
        case("signature twice", format!("{url}&X-Amz-Signature={MAIN_SIGNATURE}"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-Signature" }
        }),
        case(
            "signature twice, once with an encoded hyphen",
            format!("{url}&X%2DAmz-Signature={MAIN_SIGNATURE}"),
            |e| *e == Error::RepeatedParameter { name: "X-Amz-Signature" },
        ),
        case("token twice", format!("{url}&X-Amz-Security-Token=a&X-Amz-Security-Token=a"), |e| {
            *e == Error::RepeatedParameter { name: "X-Amz-Security-Token" }
        }),
        case("another algorithm", edit(&url, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Algorithm", .. })
        }),
        case("algorithm in lowercase", edit(&url, "AWS4-HMAC-SHA256", "aws4-hmac-sha256"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Algorithm", .. })
        }),
        case(
            "date in ISO 8601 extended form",
            edit(&url, "=20200131T100233Z", "=2020-01-31T10:02:33Z"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Date", .. }),
        ),
        case(
            "date that does not exist",
            edit(&url, "=20200131T100233Z", "=20200231T100233Z"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Date", .. }),
        ),
        case("date without Z", edit(&url, "=20200131T100233Z", "=20200131T100233"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Date", .. })
        }),
        case(
            "signed header in uppercase",
            edit(&url, "SignedHeaders=host", "SignedHeaders=Host"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-SignedHeaders", .. }),
        ),
        case("host not signed", edit(&url, "SignedHeaders=host", "SignedHeaders=x-room"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-SignedHeaders", .. })
        }),
        case(
            "signed headers unsorted",
            edit(&url, "SignedHeaders=host", "SignedHeaders=x-room%3Bhost"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-SignedHeaders", .. }),
        ),
        case(
            "signed header listed twice",
            edit(&url, "SignedHeaders=host", "SignedHeaders=host%3Bhost"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-SignedHeaders", .. }),
        ),
        case("no signed header", edit(&url, "SignedHeaders=host", "SignedHeaders="), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-SignedHeaders", .. })
        }),
        case("signature in uppercase", edit(&url, "Signature=dffa", "Signature=DFFA"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Signature", .. })
        }),
        case("signature one digit short", edit(&url, "Signature=dffa", "Signature=dff"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Signature", .. })
        }),
        case("expiry with a unit", edit(&url, "Expires=300", "Expires=5m"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Expires", .. })
        }),
        case("expiry with a sign", edit(&url, "Expires=300", "Expires=%2B300"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Expires", .. })
        }),
        case("expiry of eleven digits", edit(&url, "Expires=300", "Expires=00000000300"), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Expires", .. })
        }),
        case("expiry over 7 days", edit(&url, "Expires=300", "Expires=604801"), |e| {
            *e == Error::ExpiresOutOfRange {
                seconds: 604_801,
                max: 604_800,
                service: "execute-api".to_owned(),
            }
        }),
        case("expiry of zero", edit(&url, "Expires=300", "Expires=0"), |e| {
            *e == Error::ExpiresOutOfRange {
                seconds: 0,
                max: 604_800,
                service: "execute-api".to_owned(),
            }
        }),
        case("expiry of ten digits", edit(&url, "Expires=300", "Expires=9999999999"), |e| {
            *e == Error::ExpiresOutOfRange {
                seconds: 9_999_999_999,
                max: 604_800,
                service: "execute-api".to_owned(),
            }
        }),
        Failure {
            verifier: Verifier::new(temporary(), &scope("us-west-2", "transcribe")),
            ..case(
                "transcribe expiry over 300 s",
                edit(&transcribe_by_botocore(), "Expires=300", "Expires=301"),
                |e| {
                    *e == Error::ExpiresOutOfRange {
                        seconds: 301,
                        max: 300,
                        service: "transcribe".to_owned(),
                    }
                },
            )
        },
        case("credential of another date", edit(&url, "%2F20200131%2F", "%2F20200130%2F"), |e| {
            matches!(e, Error::MalformedCredential { .. })
        }),
        case("credential of four parts", edit(&url, "%2Faws4_request", ""), |e| {
            matches!(e, Error::MalformedCredential { .. })
        }),
        case(
            "credential with another terminator",
            edit(&url, "%2Faws4_request", "%2Faws4_reques"),
            |e| matches!(e, Error::MalformedCredential { .. }),
        ),
        case(
            "credential with an uppercase region",
            edit(&url, "%2Fus-east-1%2F", "%2FUS-EAST-1%2F"),
            |e| matches!(e, Error::MalformedCredential { .. }),
        ),
        case(
            "credential with a hyphen in the access key id",
            edit(&url, "Credential=AKIDEXAMPLE", "Credential=AKID-EXAMPLE"),
            |e| matches!(e, Error::MalformedCredential { .. }),
        ),
        case(
            "credential without access key id",
            edit(&url, "Credential=AKIDEXAMPLE", "Credential="),
            |e| matches!(e, Error::MalformedCredential { .. }),
        ),
        // Authentication parameter names in another letter case.
        case("x-amz-signature", edit(&url, "X-Amz-Signature=", "x-amz-signature="), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Signature", .. })
        }),
        case("X-Amz-SignAture", edit(&url, "X-Amz-Signature=", "X-Amz-SignAture="), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Signature", .. })
        }),
        case("X-AMZ-ALGORITHM", edit(&url, "X-Amz-Algorithm=", "X-AMZ-ALGORITHM="), |e| {
            matches!(e, Error::MalformedParameter { name: "X-Amz-Algorithm", .. })
        }),
        case(
            "a lowercase token after the signature",
            format!("{url}&x-amz-security-token=abc"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Security-Token", .. }),
        ),
        case(
            "a lowercase expiry before the others",
            edit(&url, "?room=lobby&", "?x-amz-expires=300&room=lobby&"),
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Expires", .. }),
        ),
        // Ambiguous queries.
        case("a raw plus", edit(&url, "room=lobby", "room=lob+by"), |e| {
            matches!(e, Error::AmbiguousQuery { .. })
        }),
        case("a raw semicolon", edit(&url, "room=lobby", "room=lob;by"), |e| {
            matches!(e, Error::AmbiguousQuery { .. })
        }),
        case("a value that is not UTF-8", edit(&url, "room=lobby", "room=%FF"), |e| {
            matches!(e, Error::AmbiguousQuery { .. })
        }),
        case("a key that is not UTF-8", edit(&url, "room=lobby", "%C3%28=lobby"), |e| {
            matches!(e, Error::AmbiguousQuery { .. })
        }),
        // Signed for something else.
        case("unknown access key", url.replace("AKIDEXAMPLE", "AKIDOTHER"), |e| {
            *e == Error::UnknownAccessKey { access_key_id: "AKIDOTHER".to_owned() }
        }),
        Failure {
            verifier: Verifier::new(long_term(), &scope("eu-west-1", "execute-api")),
            ..case("another region", url.clone(), |e| {
                *e == Error::WrongRegion {
                    region: "us-east-1".to_owned(),
                    expected: "eu-west-1".to_owned(),
                }
            })
        },
        Failure {
            verifier: Verifier::new(long_term(), &scope("us-east-1", "iotdevicegateway")),
            ..case("another service", url.clone(), |e| {
                *e == Error::WrongService {
                    service: "execute-api".to_owned(),
                    expected: "iotdevicegateway".to_owned(),
                }
            })
        },
        Failure {
            verifier: v().expect_host("other.example.com"),
            ..case("another host", url.clone(), |e| {
                *e == Error::WrongHost {
                    host: HOST.to_owned(),
                    expected: "other.example.com".to_owned(),
                }
            })
        },
        case(
            "a signed header that is not sent",
            edit(&url, "SignedHeaders=host", "SignedHeaders=host%3Bx-room"),
            |e| *e == Error::MissingHeader { name: "x-room".to_owned() },
        ),
        // Outside its validity.
        Failure {
            now: t0() + secs(301),
            ..case("expired", url.clone(), |e| {
                *e == Error::Expired {
                    signed_at: AmzDate::new(t0()).unwrap(),
                    valid_secs: 300,
                    now: AmzDate::new(t0() + secs(301)).unwrap(),
                }
            })
        },
        Failure {
            now: t0() - secs(301),
            ..case("not yet valid", url.clone(), |e| {
                *e == Error::NotYetValid {
                    signed_at: AmzDate::new(t0()).unwrap(),
                    now: AmzDate::new(t0() - secs(301)).unwrap(),
                    skew_secs: 300,
                }
            })
        },
        Failure {
            verifier: v().max_age(secs(300)),
            now: t0() + secs(301),
            ..case("signed too long ago", main_for_an_hour(), |e| {
                *e == Error::SignedTooLongAgo {
                    signed_at: AmzDate::new(t0()).unwrap(),
                    max_age_secs: 300,
                    now: AmzDate::new(t0() + secs(301)).unwrap(),
                }
            })
        },
        // Not what was signed.
        case("own parameter changed", edit(&url, "room=lobby", "room=kitchen"), |e| {
            *e == Error::SignatureMismatch
        }),
        Failure {
            verifier: Verifier::new(
                Credentials::new(AKID, "wrongsecret", None).unwrap(),
                &main_scope(),
            ),
            ..case("another secret", url.clone(), |e| *e == Error::SignatureMismatch)
        },
        Failure {
            verifier: Verifier::new(temporary(), &main_scope()),
            ..case("no token for temporary credentials", url.clone(), |e| {
                matches!(e, Error::SessionTokenMismatch { .. })
            })
        },
    ]
}

#[test]
fn each_way_of_being_wrong_has_its_error() {
    let failures = failures();
    assert_eq!(failures.len(), 58);
    for failure in failures {
        let Failure { what, url, verifier, now, want } = failure;
        let err = verifier.verify_url(&url, now).unwrap_err();
        assert!(want(&err), "{what}: got {err:?} for {url}");
        // A server that receives the same request gives the same answer.
        assert_eq!(received(&verifier, &url, now), Err(err), "{what}");
    }
}

#[test]
fn errors_never_show_a_secret() {
    for Failure { what, url, verifier, now, .. } in failures() {
        let err = verifier.verify_url(&url, now).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET) && !shown.contains("wrongsecret"), "{what}: {shown}");
        assert!(!shown.contains("dffa095e"), "{what}: a signature in {shown}");
        assert!(!shown.contains(&TOKEN[..40]), "{what}: {shown}");
    }
    let verifier = Verifier::new(temporary(), &main_scope());
    let shown = format!("{verifier:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(&TOKEN[..40]), "{shown}");
    // Nor does a token that is not the lookup's.
    let wrong_token = edit(&iot_url(false), ENCODED_TOKEN, "SOMEOTHERTOKEN");
    let err = Verifier::new(temporary(), &scope("eu-west-1", "iotdevicegateway"))
        .verify_url(&wrong_token, now())
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::SessionTokenMismatch { .. }), "{shown}");
    assert!(!shown.contains("SOMEOTHERTOKEN") && !shown.contains(&TOKEN[..40]));
}

#[test]
fn invalid_methods_and_request_targets_are_refused() {
    let url = main_in_order();
    let (_, target) = as_sent(&url);
    let host = [("Host", HOST)];
    let v = verifier();
    assert!(v.verify_request("GET", &target, &host, now()).is_ok());
    assert!(matches!(
        v.verify_request("GET /dev", &target, &host, now()),
        Err(Error::InvalidMethod { .. })
    ));
    assert!(matches!(
        v.verify_request("", &target, &host, now()),
        Err(Error::InvalidMethod { .. })
    ));
    for bad in [
        target.trim_start_matches('/').to_owned(),
        url.clone(),
        format!("*{target}"),
        format!("{target}#frag"),
        String::new(),
    ] {
        assert!(
            matches!(
                v.verify_request("GET", &bad, &host, now()),
                Err(Error::InvalidRequestTarget { .. })
            ),
            "{bad}"
        );
    }
    // A fragment in a URL is dropped before sending, as clients do.
    assert!(v.verify_url(&format!("{url}#frag"), now()).is_ok());
}

#[test]
fn validity_boundaries_are_inclusive_and_the_skew_works_both_ways() {
    let verifier = verifier();
    let url = main_in_order();
    assert!(verifier.verify_url(&url, t0() + secs(300)).is_ok());
    assert!(verifier.verify_url(&url, t0() - secs(300)).is_ok());
    assert!(matches!(verifier.verify_url(&url, t0() - secs(301)), Err(Error::NotYetValid { .. })));
    // The skew widens the start only: X-Amz-Expires bounds the end.
    let wide = Verifier::new(long_term(), &main_scope()).clock_skew(secs(600));
    assert!(wide.verify_url(&url, t0() - secs(600)).is_ok());
    assert!(matches!(
        wide.verify_url(&url, t0() - secs(601)),
        Err(Error::NotYetValid { skew_secs: 600, .. })
    ));
    assert!(wide.verify_url(&url, t0() + secs(300)).is_ok());
    assert!(matches!(
        wide.verify_url(&url, t0() + secs(301)),
        Err(Error::Expired { valid_secs: 300, .. })
    ));
    let no_skew = Verifier::new(long_term(), &main_scope()).clock_skew(Duration::ZERO);
    assert!(no_skew.verify_url(&url, t0()).is_ok());
    assert!(matches!(
        no_skew.verify_url(&url, t0() - secs(1)),
        Err(Error::NotYetValid { skew_secs: 0, .. })
    ));
    // A clock with an offset is the same instant.
    let paris = datetime!(2020-01-31 11:02:43 +01:00);
    assert!(no_skew.verify_url(&url, paris).is_ok());
}

#[test]
fn max_age_refuses_old_signatures_whatever_x_amz_expires_says() {
    let url = main_for_an_hour();
    let plain = verifier();
    assert!(plain.verify_url(&url, t0() + secs(3600)).is_ok());
    let young = verifier().max_age(secs(300));
    assert!(young.verify_url(&url, t0() + secs(300)).is_ok());
    assert!(matches!(
        young.verify_url(&url, t0() + secs(301)),
        Err(Error::SignedTooLongAgo { max_age_secs: 300, .. })
    ));
    // The expiry still applies when it is the shorter limit.
    let old = verifier().max_age(secs(7200));
    assert!(matches!(
        old.verify_url(&url, t0() + secs(3601)),
        Err(Error::Expired { valid_secs: 3600, .. })
    ));
    assert!(matches!(
        verifier().max_age(secs(60)).verify_url(&main_in_order(), t0() + secs(61)),
        Err(Error::SignedTooLongAgo { max_age_secs: 60, .. })
    ));
}

// A server may set a huge skew or age to mean "no limit": the sums with the signing time
// must not overflow (the crate is documented as panic-free).

#[test]
fn a_very_long_clock_skew_is_not_a_panic() {
    let huge = Duration::from_secs(u64::MAX);
    let verifier = verifier().clock_skew(huge);
    assert!(verifier.verify_url(&main_in_order(), now()).is_ok());
}

#[test]
fn a_very_long_max_age_is_not_a_panic() {
    let huge = Duration::from_secs(u64::MAX);
    let verifier = verifier().max_age(huge);
    assert!(verifier.verify_url(&main_in_order(), now()).is_ok());
}

#[test]
fn a_clock_before_1970_is_an_error() {
    assert_eq!(
        verifier().verify_url(&main_in_order(), datetime!(1969-12-31 23:59:59 UTC)),
        Err(Error::TimeOutOfRange { year: 1969 })
    );
}

#[test]
fn a_clock_at_the_end_of_9999_is_not_a_panic() {
    // The last second of 9999 is a valid time (TimeOutOfRange is for times outside 1970 to
    // 9999): the URL has expired, no more.
    let url = main_in_order();
    let last = datetime!(9999-12-31 23:59:59 UTC);
    assert_eq!(
        verifier().verify_url(&url, last),
        Err(Error::Expired {
            signed_at: AmzDate::new(t0()).unwrap(),
            valid_secs: 300,
            now: AmzDate::new(last).unwrap(),
        })
    );
}

#[test]
fn tampering_with_any_part_is_refused() {
    let verifier = verifier();
    let url = main_in_order();
    assert!(verifier.verify_url(&url, now()).is_ok());
    for tampered in [
        edit(&url, "/dev?", "/Dev?"),
        edit(&url, "/dev?", "/dev/?"),
        edit(&url, "abc123defg.", "abc123defh."),
        edit(&url, ".com/", ".com:444/"),
        edit(&url, "room=lobby", "room=lobby&x=1"),
        edit(&url, "room=lobby", "room=lobby&room=lobby"),
        edit(&url, "room=lobby", "room=lobby&room"),
        edit(&url, "room=lobby&", ""),
        edit(&url, "Date=20200131T100233Z", "Date=20200131T100234Z"),
        edit(&url, "Expires=300", "Expires=301"),
        edit(&url, "dffa095e", "dffa095f"),
    ] {
        assert_eq!(
            verifier.verify_url(&tampered, now()),
            Err(Error::SignatureMismatch),
            "{tampered}"
        );
    }
}

// ---- scope and host ----------------------------------------------------------------------

#[test]
fn the_scope_is_required_unless_the_verifier_accepts_any() {
    let main = main_in_order();
    let iot = iot_url(false);
    let iot_scope = scope("eu-west-1", "iotdevicegateway");
    let strict = Verifier::new(temporary(), &main_scope());
    assert!(matches!(strict.verify_url(&iot, now()), Err(Error::WrongRegion { .. })));
    let strict_iot = Verifier::new(temporary(), &scope("eu-west-1", "execute-api"));
    assert_eq!(
        strict_iot.verify_url(&iot, now()),
        Err(Error::WrongService {
            service: "iotdevicegateway".to_owned(),
            expected: "execute-api".to_owned()
        })
    );
    // Any scope: each is accepted, and the result tells which.
    let lookup =
        lookup_fn(|id| (id == AKID).then(|| Credentials::new(AKID, SECRET, Some(TOKEN)).unwrap()));
    let any = Verifier::any_scope(lookup);
    assert_eq!(any.verify_url(&iot, now()).unwrap().scope(), &iot_scope);
    let transcribe = any.verify_url(&transcribe_by_botocore(), now()).unwrap();
    assert_eq!(transcribe.scope(), &scope("us-west-2", "transcribe"));
    // The main URL has no token, and these credentials have one.
    assert!(matches!(any.verify_url(&main, now()), Err(Error::SessionTokenMismatch { .. })));
    let any_long_term = Verifier::any_scope(long_term());
    assert_eq!(any_long_term.verify_url(&main, now()).unwrap().scope(), &main_scope());
}

#[test]
fn expect_host_accepts_only_the_hosts_given() {
    let url = main_in_order();
    let accepted = verifier().verify_url(&url, now()).unwrap();
    // One name, in any letter case; or several.
    for verifier in [
        verifier().expect_host(HOST),
        verifier().expect_host(&HOST.to_ascii_uppercase()),
        verifier()
            .expect_host("other.example.com")
            .expect_host("Abc123defg.Execute-Api.US-East-1.amazonaws.com"),
    ] {
        assert_eq!(verifier.verify_url(&url, now()), Ok(accepted.clone()));
        assert_eq!(received(&verifier, &url, now()), Ok(accepted.clone()));
    }
    // The Host header compared ignoring case.
    let (_, target) = as_sent(&url);
    let upper_header = [("Host", HOST)];
    assert!(
        verifier().expect_host(HOST).verify_request("GET", &target, &upper_header, now()).is_ok()
    );
    let refused =
        |verifier: Verifier<Credentials>, url: &str| verifier.verify_url(url, now()).unwrap_err();
    assert_eq!(
        refused(
            verifier().expect_host("Other.Example.com").expect_host("x.example.com:8443"),
            &url
        ),
        Error::WrongHost {
            host: HOST.to_owned(),
            expected: "other.example.com, x.example.com:8443".to_owned()
        }
    );
    // A client never sends the default port, so a name with :443 is another name.
    assert!(matches!(
        refused(verifier().expect_host(&format!("{HOST}:443")), &url),
        Error::WrongHost { .. }
    ));
    // With a port: the port is part of the name.
    let transcribe = Verifier::new(temporary(), &scope("us-west-2", "transcribe"));
    let with_port = transcribe.expect_host("transcribestreaming.us-west-2.amazonaws.com:8443");
    assert!(with_port.verify_url(&transcribe_by_botocore(), now()).is_ok());
    let without_port = Verifier::new(temporary(), &scope("us-west-2", "transcribe"))
        .expect_host("transcribestreaming.us-west-2.amazonaws.com");
    assert_eq!(
        without_port.verify_url(&transcribe_by_botocore(), now()),
        Err(Error::WrongHost {
            host: "transcribestreaming.us-west-2.amazonaws.com:8443".to_owned(),
            expected: "transcribestreaming.us-west-2.amazonaws.com".to_owned()
        })
    );
    // A URL minted for another API id of the same service and region carries a valid
    // signature: only the host tells it apart.
    assert_eq!(
        verifier().verify_url(&other_api_id(), now()).unwrap().host(),
        "zzz999yyyy.execute-api.us-east-1.amazonaws.com"
    );
    let expected = Error::WrongHost {
        host: "zzz999yyyy.execute-api.us-east-1.amazonaws.com".to_owned(),
        expected: HOST.to_owned(),
    };
    let ours = verifier().expect_host(HOST);
    assert_eq!(ours.verify_url(&other_api_id(), now()), Err(expected.clone()));
    assert_eq!(received(&ours, &other_api_id(), now()), Err(expected));
    // Sent to our host with its own Host header, it no longer matches its signature.
    let (_, target) = as_sent(&other_api_id());
    assert_eq!(
        ours.verify_request("GET", &target, &[("Host", HOST)], now()),
        Err(Error::SignatureMismatch)
    );
}

// ---- session tokens ----------------------------------------------------------------------

#[test]
fn session_tokens_must_be_the_lookups() {
    let now = now();
    let with_token = oracle_url("main-case-bench-token");
    assert!(with_token.contains(&format!("X-Amz-Security-Token={ENCODED_TOKEN}")));
    let temporary_verifier = Verifier::new(temporary(), &main_scope());
    assert!(temporary_verifier.verify_url(&with_token, now).is_ok());
    let reason = |result: Result<Verified, Error>| match result {
        Err(Error::SessionTokenMismatch { reason }) => reason,
        other => panic!("{other:?}"),
    };
    // Missing: temporary credentials, and the URL has no token.
    let missing = reason(temporary_verifier.verify_url(&main_in_order(), now));
    // Unexpected: long-term credentials, and the URL carries a token.
    let unexpected = reason(verifier().verify_url(&with_token, now));
    // Different: the lookup's token is another one; the URL is signed with its own.
    let other = Credentials::new(AKID, SECRET, Some("other-token")).unwrap();
    let different =
        reason(Verifier::new(other.clone(), &main_scope()).verify_url(&with_token, now));
    assert!(missing != unexpected && unexpected != different && missing != different);
    // A signed token (execute-api) swapped for the lookup's: the signature no longer matches.
    let forged = edit(&with_token, ENCODED_TOKEN, "other-token");
    assert_eq!(
        Verifier::new(other, &main_scope()).verify_url(&forged, now),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn iot_tokens_are_unsigned_by_default_and_the_mode_changes_that() {
    let now = now();
    let iot_scope = scope("eu-west-1", "iotdevicegateway");
    let default = Verifier::new(temporary(), &iot_scope);
    let signed = Verifier::new(temporary(), &iot_scope).session_token(SessionTokenMode::Signed);
    let unsigned = Verifier::new(temporary(), &iot_scope).session_token(SessionTokenMode::Unsigned);
    let url = iot_url(false);
    assert!(!default.verify_url(&url, now).unwrap().session_token_signed());
    assert!(!unsigned.verify_url(&url, now).unwrap().session_token_signed());
    assert_eq!(signed.verify_url(&url, now), Err(Error::SignatureMismatch));

    // IoT's token is not signed: replacing or dropping it keeps the signature valid, so the
    // comparison with the lookup's token is what refuses it.
    let swapped = edit(&url, ENCODED_TOKEN, "other-token");
    assert!(matches!(default.verify_url(&swapped, now), Err(Error::SessionTokenMismatch { .. })));
    let dropped = edit(&url, &format!("&X-Amz-Security-Token={ENCODED_TOKEN}"), "");
    assert!(matches!(default.verify_url(&dropped, now), Err(Error::SessionTokenMismatch { .. })));

    // aws-c-auth's IoT URL with the token signed (on request): refused by default.
    let case = fixture_case("iot-token-signed-on-request");
    let (fixture_signed, at) = fixture_verifier(&case["input"]);
    let url = case["oracle_url"].as_str().unwrap();
    let creds = || {
        Credentials::new(AKID, SECRET, Some(case["input"]["session_token"].as_str().unwrap()))
            .unwrap()
    };
    let iot_east = scope("us-east-1", "iotdevicegateway");
    let verified = fixture_signed.verify_url(url, at).unwrap();
    assert!(verified.session_token_signed());
    assert_eq!(
        Verifier::new(creds(), &iot_east).verify_url(url, at),
        Err(Error::SignatureMismatch)
    );
    // And an execute-api URL with its token appended after signing (aws-c-auth on request):
    // refused by default, accepted when told the token is unsigned.
    let case = fixture_case("token-unsigned-on-request");
    let url = case["oracle_url"].as_str().unwrap();
    let token = case["input"]["session_token"].as_str().unwrap();
    let creds = Credentials::new(AKID, SECRET, Some(token)).unwrap();
    assert_eq!(
        Verifier::new(creds.clone(), &main_scope()).verify_url(url, at),
        Err(Error::SignatureMismatch)
    );
    let verified = Verifier::new(creds, &main_scope())
        .session_token(SessionTokenMode::Unsigned)
        .verify_url(url, at)
        .unwrap();
    assert!(verified.has_session_token() && !verified.session_token_signed());
}

#[test]
fn an_equivalent_encoding_of_the_token_is_the_same_token() {
    // Lowercase hex escapes decode to the same token: the canonical query, and so the
    // signature and the token comparison, are unchanged (signed and unsigned tokens alike).
    for (url, scope) in [
        (oracle_url("main-case-bench-token"), main_scope()),
        (iot_url(false), scope("eu-west-1", "iotdevicegateway")),
    ] {
        let lowercase = url.replace(ENCODED_TOKEN, &ENCODED_TOKEN.replace("%2F", "%2f"));
        assert_ne!(lowercase, url);
        let verifier = Verifier::new(temporary(), &scope);
        assert!(verifier.verify_url(&lowercase, now()).is_ok(), "{url}");
        // A token that differs by one character is refused either way.
        let other = edit(&url, "%3D%3D", "%3D%3E");
        assert!(verifier.verify_url(&other, now()).is_err(), "{url}");
        // A raw '+' in the token is ambiguous (a form decoder reads a space).
        let raw_plus = url.replace("%2B", "+");
        assert!(
            matches!(verifier.verify_url(&raw_plus, now()), Err(Error::AmbiguousQuery { .. })),
            "{url}"
        );
    }
}

// ---- the new refusals: dot segments, ambiguous queries, case variants -------------------

#[test]
fn dot_segments_are_refused_raw_and_resolved_in_a_url() {
    let url = main_in_order();
    let (_, target) = as_sent(&url);
    let query = target.strip_prefix("/dev?").unwrap();
    let host = [("Host", HOST)];
    let v = verifier().expect_host(HOST);
    assert!(v.verify_request("GET", &target, &host, now()).is_ok());
    // Received raw, each of these would canonicalize to /dev (and so match the signature).
    for path in [
        "/x/../dev",
        "/./dev",
        "/dev/.",
        "/dev/./",
        "/x/%2e%2e/dev",
        "/x/%2E%2E/dev",
        "/x/%2e%2E/dev",
        "/x/.%2e/dev",
        "/%2e/dev",
        "/%2E/dev",
        "/a/b/..//../dev",
        "/dev/x/..",
        "/..",
    ] {
        assert!(
            matches!(
                v.verify_request("GET", &format!("{path}?{query}"), &host, now()),
                Err(Error::InvalidRequestTarget { .. })
            ),
            "{path}"
        );
    }
    // In a URL, the parser resolves them first (as every client does), then the resolved
    // request is verified: these resolve to /dev, the signed path.
    for path in ["/x/../dev", "/./dev", "/x/%2e%2e/dev", "/x/%2E%2e/dev", "/x/.%2E/dev"] {
        let verified = v
            .verify_url(&format!("wss://{HOST}{path}?{query}"), now())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(verified.path(), "/dev", "{path}");
    }
    // These resolve to another path than was signed: /dev/ and /a/dev.
    for path in ["/dev/.", "/dev/%2E", "/a/b/..//../dev"] {
        assert_eq!(
            v.verify_url(&format!("wss://{HOST}{path}?{query}"), now()),
            Err(Error::SignatureMismatch),
            "{path}"
        );
    }
    // A URL presigned with dot segments is signed as resolved, and verifies as resolved.
    let presigned = Presigner::new(long_term(), main_scope())
        .presign(&format!("wss://{HOST}/a/b/..//../dev"), t0(), secs(300))
        .unwrap();
    let (_, sent) = as_sent(presigned.as_str());
    assert!(sent.starts_with("/a/dev?"), "{sent}");
    let verified = v.verify_url(presigned.as_str(), now()).unwrap();
    assert_eq!(verified.path(), "/a/dev");
    assert_eq!(received(&v, presigned.as_str(), now()), Ok(verified));
    // Names that only start with dots are not dot segments; dots in the query are not either.
    let presigned = Presigner::new(long_term(), main_scope())
        .presign(&format!("wss://{HOST}/dev/.well-known/.../x.?p=../a&q=."), t0(), secs(300))
        .unwrap();
    let verified = received(&v, presigned.as_str(), now()).unwrap();
    assert_eq!(verified.path(), "/dev/.well-known/.../x.");
    assert_eq!(verified.query(), owned(&[("p", "../a"), ("q", ".")]));
    assert_eq!(v.verify_url(presigned.as_str(), now()), Ok(verified));
}

#[test]
fn a_raw_plus_or_semicolon_in_the_query_is_ambiguous() {
    // Oracle URLs with an encoded '+' (smithy) and ';' (botocore) are accepted; the same
    // URLs with the character raw are refused, by both entry points.
    for (name, encoded, raw) in [("query-plus", "%2B", "+"), ("query-semicolon", "%3B", ";")] {
        let case = fixture_case(name);
        let (verifier, at) = fixture_verifier(&case["input"]);
        let url = case["oracle_url"].as_str().unwrap();
        let now = at + secs(1);
        assert!(verifier.verify_url(url, now).is_ok(), "{name}");
        let raw_url = edit(url, encoded, raw);
        assert!(
            matches!(verifier.verify_url(&raw_url, now), Err(Error::AmbiguousQuery { .. })),
            "{raw_url}"
        );
        assert!(
            matches!(received(&verifier, &raw_url, now), Err(Error::AmbiguousQuery { .. })),
            "{raw_url}"
        );
    }
    // In an authentication parameter too.
    let url = edit(&main_in_order(), "X-Amz-Expires=300", "X-Amz-Expires=+300");
    assert!(matches!(verifier().verify_url(&url, now()), Err(Error::AmbiguousQuery { .. })));
    // In the path, a '+' and a ';' are plain characters.
    let presigned = Presigner::new(long_term(), main_scope())
        .presign(&format!("wss://{HOST}/dev/a+b;c"), t0(), secs(300))
        .unwrap();
    assert_eq!(verifier().verify_url(presigned.as_str(), now()).unwrap().path(), "/dev/a+b;c");
}

#[test]
fn an_own_parameter_that_is_not_utf8_is_ambiguous() {
    let signer = Presigner::new(long_term(), main_scope());
    let v = verifier();
    for query in ["b=%FF", "%FF=1", "a=%C3", "a=%ED%A0%80"] {
        let presigned =
            signer.presign(&format!("wss://{HOST}/dev?{query}"), t0(), secs(300)).unwrap();
        assert!(
            matches!(v.verify_url(presigned.as_str(), now()), Err(Error::AmbiguousQuery { .. })),
            "{query}"
        );
        assert!(
            matches!(received(&v, presigned.as_str(), now()), Err(Error::AmbiguousQuery { .. })),
            "{query}"
        );
    }
    // A NUL and a four-byte character are UTF-8.
    let presigned =
        signer.presign(&format!("wss://{HOST}/dev?a=%00&e=%F0%9F%99%82"), t0(), secs(300)).unwrap();
    let verified = v.verify_url(presigned.as_str(), now()).unwrap();
    assert_eq!(verified.query(), owned(&[("a", "\0"), ("e", "🙂")]));
    // The path is given as received, so bytes that are not UTF-8 in it are no ambiguity.
    let presigned = signer.presign(&format!("wss://{HOST}/dev/%FF"), t0(), secs(300)).unwrap();
    assert_eq!(v.verify_url(presigned.as_str(), now()).unwrap().path(), "/dev/%FF");
}

#[test]
fn authentication_parameter_names_are_case_sensitive() {
    let url = main_in_order();
    for (from, to, name) in [
        ("X-Amz-Signature=", "x-amz-signature=", "X-Amz-Signature"),
        ("X-Amz-Signature=", "X-Amz-SignAture=", "X-Amz-Signature"),
        ("X-Amz-Credential=", "X-AMZ-CREDENTIAL=", "X-Amz-Credential"),
        ("X-Amz-Date=", "x-amz-date=", "X-Amz-Date"),
        ("X-Amz-Expires=", "X-Amz-expires=", "X-Amz-Expires"),
        ("X-Amz-SignedHeaders=", "X-Amz-Signedheaders=", "X-Amz-SignedHeaders"),
    ] {
        let changed = edit(&url, from, to);
        for result in
            [verifier().verify_url(&changed, now()), received(&verifier(), &changed, now())]
        {
            assert!(
                matches!(result, Err(Error::MalformedParameter { name: n, .. }) if n == name),
                "{to}: {result:?}"
            );
        }
    }
    // The same name, percent-encoded, is the name itself.
    let encoded = edit(&url, "X-Amz-Signature=", "X-Amz-Signatur%65=");
    assert!(verifier().verify_url(&encoded, now()).is_ok());
}

// ---- lookups and the key cache -----------------------------------------------------------

/// A URL of the main case signed by `AKIDOTHER` with another secret.
fn other_key() -> Credentials {
    Credentials::new("AKIDOTHER", "otherSecretKey/EXAMPLE", None).unwrap()
}

fn signed_by_other() -> String {
    Presigner::new(other_key(), main_scope()).presign(MAIN, t0(), secs(300)).unwrap().into_string()
}

/// Checks a verifier whose lookup knows `AKIDEXAMPLE` and, if `knows_other`, `AKIDOTHER`.
fn check_lookup<L: CredentialsLookup>(verifier: &Verifier<L>, knows_other: bool) {
    let main = verifier.verify_url(&main_in_order(), now()).unwrap();
    assert_eq!(main.access_key_id(), AKID);
    let other = verifier.verify_url(&signed_by_other(), now());
    if knows_other {
        assert_eq!(other.unwrap().access_key_id(), "AKIDOTHER");
    } else {
        assert_eq!(other, Err(Error::UnknownAccessKey { access_key_id: "AKIDOTHER".to_owned() }));
    }
    let nobody = main_in_order().replace(AKID, "AKIDNOBODY");
    assert_eq!(
        verifier.verify_url(&nobody, now()),
        Err(Error::UnknownAccessKey { access_key_id: "AKIDNOBODY".to_owned() })
    );
    // Asked again after another key, the first is still right.
    assert_eq!(verifier.verify_url(&main_in_order(), now()), Ok(main));
}

#[test]
fn every_form_of_lookup_works() {
    let scope = main_scope();
    let map: HashMap<String, Credentials> =
        [(AKID.to_owned(), long_term()), ("AKIDOTHER".to_owned(), other_key())].into();
    check_lookup(&Verifier::new(long_term(), &scope), false);
    check_lookup(&Verifier::new(Arc::new(long_term()), &scope), false);
    check_lookup(&Verifier::new(map.clone(), &scope), true);
    check_lookup(&Verifier::new(&map, &scope), true);
    check_lookup(&Verifier::new(Arc::new(map.clone()), &scope), true);
    let by_str: HashMap<&str, Credentials> =
        [(AKID, long_term()), ("AKIDOTHER", other_key())].into();
    check_lookup(&Verifier::new(by_str, &scope), true);
    let tree: BTreeMap<String, Credentials> = map.clone().into_iter().collect();
    check_lookup(&Verifier::new(tree, &scope), true);
    check_lookup(&Verifier::new(lookup_fn(|id| map.get(id).cloned()), &scope), true);
    check_lookup(&Verifier::new(lookup_fn(|id| (id == AKID).then(long_term)), &scope), false);
}

#[test]
fn the_lookup_is_asked_on_every_verification() {
    let keys: Arc<Mutex<HashMap<String, Credentials>>> = Arc::default();
    keys.lock().unwrap().insert(AKID.to_owned(), long_term());
    let shared = Arc::clone(&keys);
    let verifier =
        Verifier::new(lookup_fn(move |id| shared.lock().unwrap().get(id).cloned()), &main_scope());
    let url = main_in_order();
    assert!(verifier.verify_url(&url, now()).is_ok());
    assert!(verifier.verify_url(&url, now()).is_ok());
    // Revoked: refused at once, although its key is cached.
    keys.lock().unwrap().remove(AKID);
    assert_eq!(
        verifier.verify_url(&url, now()),
        Err(Error::UnknownAccessKey { access_key_id: AKID.to_owned() })
    );
    keys.lock().unwrap().insert(AKID.to_owned(), long_term());
    assert!(verifier.verify_url(&url, now()).is_ok());
}

#[test]
fn a_rotated_secret_is_not_served_from_the_key_cache() {
    let secret = Mutex::new(SECRET.to_owned());
    let verifier = Verifier::new(
        lookup_fn(|id| {
            (id == AKID).then(|| Credentials::new(AKID, &secret.lock().unwrap(), None).unwrap())
        }),
        &main_scope(),
    );
    let url = main_in_order();
    assert!(verifier.verify_url(&url, now()).is_ok());
    assert!(verifier.verify_url(&url, now()).is_ok());
    *secret.lock().unwrap() = "rotated-secret".to_owned();
    assert_eq!(verifier.verify_url(&url, now()), Err(Error::SignatureMismatch));
    // And a URL signed with the new secret is accepted.
    let rotated = Credentials::new(AKID, "rotated-secret", None).unwrap();
    let new_url = Presigner::new(rotated, main_scope()).presign(MAIN, t0(), secs(300)).unwrap();
    assert!(verifier.verify_url(new_url.as_str(), now()).is_ok());
    *secret.lock().unwrap() = SECRET.to_owned();
    assert!(verifier.verify_url(&url, now()).is_ok());
    assert_eq!(verifier.verify_url(new_url.as_str(), now()), Err(Error::SignatureMismatch));
}

#[test]
fn the_key_cache_follows_the_scope_and_date() {
    let verifier = Verifier::any_scope(long_term());
    for (region, day) in [
        ("us-east-1", t0()),
        ("eu-west-1", t0()),
        ("eu-west-1", t0() + Duration::from_secs(86_400)),
        ("eu-west-1", t0()),
        ("us-east-1", t0()),
    ] {
        let scope = scope(region, "execute-api");
        let url = Presigner::new(long_term(), scope.clone()).presign(MAIN, day, secs(300)).unwrap();
        let accepted = verifier.verify_url(url.as_str(), day).unwrap();
        assert_eq!(accepted.scope(), &scope);
        assert_eq!(accepted.signed_at(), AmzDate::new(day).unwrap());
    }
}

#[test]
fn a_shared_verifier_gives_each_thread_the_right_answer() {
    fn shared<T: Send + Sync>(_: &T) {}
    let keys: HashMap<String, Credentials> =
        [(AKID.to_owned(), long_term()), ("AKIDOTHER".to_owned(), other_key())].into();
    // Two credentials, two scopes, two dates, and a URL that claims one key and was signed
    // with the other's secret.
    let other_scope = scope("eu-west-1", "execute-api");
    let urls = [
        main_in_order(),
        Presigner::new(other_key(), other_scope.clone())
            .presign(MAIN, t0(), secs(300))
            .unwrap()
            .into_string(),
        main_in_order().replace(AKID, "AKIDOTHER"),
        Presigner::new(long_term(), main_scope())
            .presign(MAIN, t0() - secs(86_400), secs(604_800))
            .unwrap()
            .into_string(),
        Presigner::new(other_key(), other_scope.clone())
            .presign(MAIN, t0() - secs(86_400), secs(604_800))
            .unwrap()
            .into_string(),
    ];
    // Each answer from a fresh verifier, which has nothing cached.
    let expected: Vec<Result<Verified, Error>> =
        urls.iter().map(|url| Verifier::any_scope(keys.clone()).verify_url(url, now())).collect();
    assert_eq!(expected[0].as_ref().unwrap().access_key_id(), AKID);
    assert_eq!(expected[1].as_ref().unwrap().scope(), &other_scope);
    assert_eq!(expected[2], Err(Error::SignatureMismatch));
    assert_eq!(expected[3].as_ref().unwrap().signed_at().date(), "20200130");
    assert_eq!(expected[4].as_ref().unwrap().access_key_id(), "AKIDOTHER");
    let verifier = Verifier::any_scope(keys);
    shared(&verifier);
    let revocable = Arc::new(Mutex::new(HashMap::<String, Credentials>::new()));
    let lookup = Arc::clone(&revocable);
    shared(&Verifier::new(
        lookup_fn(move |id| lookup.lock().unwrap().get(id).cloned()),
        &main_scope(),
    ));
    std::thread::scope(|threads| {
        for start in 0..4 {
            let (verifier, urls, expected) = (&verifier, &urls, &expected);
            threads.spawn(move || {
                for i in 0..300 {
                    let k = (start + i) % urls.len();
                    assert_eq!(verifier.verify_url(&urls[k], now()), expected[k], "{k}");
                }
            });
        }
    });
}
