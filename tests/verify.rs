//! The verifier: URLs signed by independent presigners are accepted, and every way a URL can
//! be wrong is refused with its own error, never showing a secret.
//!
//! The accepted URLs were printed by the oracles of the project's shared reference material
//! (botocore 1.44.5, @smithy/signature-v4 5.7.5, aws-c-auth through awscrt 0.38.1, Amplify's
//! `Signer.signUrl` from @aws-amplify/core 5.8.19, aws4 1.13.2) for access key `AKIDEXAMPLE`,
//! the AWS documentation's example secret, 2020-01-31T10:02:33Z and 300 s. They put the
//! parameters in different orders, and aws-c-auth puts IoT's unsigned token before the
//! signature.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Mutex;
use std::time::Duration;

use sigv4_wss::{
    CanonicalRequest, Credentials, Error, Presigner, Scope, SessionTokenMode, SigningOptions,
    Verified, Verifier, presign_request,
};
use time::OffsetDateTime;
use time::macros::datetime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of `research/peer-bench.md`.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
/// `TOKEN` as the oracles encode it in a URL.
const ENCODED_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D";

const MAIN: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const IOT: &str = "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt";
const TRANSCRIBE: &str =
    "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket";
const CRED_MAIN: &str = "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request";

fn t0() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn long_term() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn temporary() -> Credentials {
    Credentials::new(AKID, SECRET, Some(TOKEN)).unwrap()
}

/// The main case signed by aws4 (which writes X-Amz-Expires first).
fn main_by_aws4() -> String {
    format!(
        "{MAIN}&X-Amz-Expires=300&X-Amz-Date=20200131T100233Z&X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential={CRED_MAIN}&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"
    )
}

/// The main case as this crate writes it (peer-bench.md, all oracles agree on the signature).
fn main_in_order() -> String {
    format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"
    )
}

fn check(verifier: &Verifier<Credentials>, url: &str) -> Result<Verified, Error> {
    verifier.verify_url(url, t0() + secs(10))
}

// ---- URLs of independent signers are accepted --------------------------------------------

#[test]
fn accepts_the_main_case_from_aws4_and_amplify() {
    let verifier = Verifier::new(long_term());
    let accepted = check(&verifier, &main_by_aws4()).unwrap();
    assert_eq!(accepted.access_key_id(), AKID);
    assert_eq!(
        accepted.scope(),
        &Scope::new("us-east-1", "execute-api").unwrap()
    );
    assert_eq!(accepted.signed_at().date_time(), "20200131T100233Z");
    assert_eq!(accepted.expires(), Some(secs(300)));
    assert!(!accepted.has_session_token());
    assert!(!accepted.session_token_signed());
    // Amplify writes X-Amz-SignedHeaders before X-Amz-Expires.
    let amplify = format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300\
         &X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"
    );
    assert!(check(&verifier, &amplify).is_ok());
}

#[test]
fn accepts_iot_urls_with_the_unsigned_token_before_or_after_the_signature() {
    let verifier = Verifier::new(temporary()).expect_service("iotdevicegateway");
    let head = format!(
        "{IOT}?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Feu-west-1%2Fiotdevicegateway%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300"
    );
    let signature = "63d417eb6f8747880469faa2d3022434a6492723f14e9abe2d05ac8f8c27ac37";
    // aws-c-auth: token, then signature. Amplify: signature, then token.
    let crt = format!("{head}&X-Amz-Security-Token={ENCODED_TOKEN}&X-Amz-Signature={signature}");
    let amplify =
        format!("{head}&X-Amz-Signature={signature}&X-Amz-Security-Token={ENCODED_TOKEN}");
    for url in [crt, amplify] {
        let accepted = check(&verifier, &url).unwrap();
        assert_eq!(accepted.region(), "eu-west-1");
        assert!(accepted.has_session_token());
        assert!(!accepted.session_token_signed());
    }
}

#[test]
fn accepts_transcribe_urls_with_a_signed_token_from_botocore_and_smithy() {
    let verifier = Verifier::new(temporary());
    let credential = "AKIDEXAMPLE%2F20200131%2Fus-west-2%2Ftranscribe%2Faws4_request";
    let signature = "0c57909effab2d9d76ece487f308f4dbe32b294d9dfdbd890ad6a98c717bff6f";
    let botocore = format!(
        "{TRANSCRIBE}?language-code=en-US&media-encoding=pcm&sample-rate=16000\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token={ENCODED_TOKEN}&X-Amz-Signature={signature}"
    );
    // smithy sorts every parameter, its own included.
    let smithy = format!(
        "{TRANSCRIBE}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-Security-Token={ENCODED_TOKEN}\
         &X-Amz-Signature={signature}&X-Amz-SignedHeaders=host\
         &language-code=en-US&media-encoding=pcm&sample-rate=16000"
    );
    for url in [botocore, smithy] {
        let accepted = check(&verifier, &url).unwrap();
        assert_eq!(accepted.service(), "transcribe");
        assert!(accepted.session_token_signed());
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
    assert!(check(&Verifier::new(long_term()), &url).is_ok());
}

#[test]
fn a_url_without_x_amz_expires_is_valid_within_the_clock_skew() {
    // Amplify and aws-c-auth, asked for no expiry, agree on this URL.
    let url = format!(
        "{MAIN}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={CRED_MAIN}\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=223ec70406fc1ee5688fb5d1121e891cac7389f609e01e2433e23687af8a7b0e"
    );
    let verifier = Verifier::new(long_term());
    let accepted = verifier.verify_url(&url, t0() + secs(300)).unwrap();
    assert_eq!(accepted.expires(), None);
    assert!(matches!(
        verifier.verify_url(&url, t0() + secs(301)),
        Err(Error::Expired {
            valid_secs: 300,
            ..
        })
    ));
    let strict = Verifier::new(long_term()).clock_skew(secs(60));
    assert!(strict.verify_url(&url, t0() + secs(60)).is_ok());
    assert!(matches!(
        strict.verify_url(&url, t0() + secs(61)),
        Err(Error::Expired { valid_secs: 60, .. })
    ));
}

// ---- round trips with the presigner --------------------------------------------------------

#[test]
fn round_trips_every_service() {
    for (url, region, service, token_signed) in [
        (MAIN, "us-east-1", "execute-api", true),
        (IOT, "eu-west-1", "iotdevicegateway", false),
        (
            "wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000",
            "us-west-2",
            "transcribe",
            true,
        ),
        (
            "wss://db.cluster-c1x2y3z4.us-east-2.neptune.amazonaws.com:8182/gremlin",
            "us-east-2",
            "neptune-db",
            true,
        ),
        (
            "ws://127.0.0.1:8080/dev?a=x+y&b=%7E&c",
            "eu-central-1",
            "execute-api",
            true,
        ),
    ] {
        let scope = Scope::new(region, service).unwrap();
        let signed = Presigner::new(temporary(), scope.clone())
            .presign(url, t0(), secs(300))
            .unwrap();
        let verifier = Verifier::new(temporary()).expect_scope(&scope);
        let accepted = check(&verifier, signed.as_str()).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(accepted.scope(), &scope);
        assert_eq!(accepted.session_token_signed(), token_signed, "{url}");
        // The verifier also accepts the URL as a server receives it.
        let (_, rest) = signed.as_str().split_once("://").unwrap();
        let slash = rest.find('/').unwrap();
        let (host, target) = rest.split_at(slash);
        let received = verifier
            .verify_request("GET", target, &[("Host", host)], t0() + secs(10))
            .unwrap();
        assert_eq!(received, accepted);
    }
}

#[test]
fn verify_request_checks_every_signed_header() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let request = CanonicalRequest::new("GET", "/dev")
        .unwrap()
        .with_header("Host", "abc123defg.execute-api.us-east-1.amazonaws.com")
        .unwrap()
        .with_header("X-Room", "lobby")
        .unwrap();
    let signed = presign_request(
        &request,
        &long_term(),
        &scope,
        t0(),
        secs(300),
        &SigningOptions::default(),
    )
    .unwrap();
    let target = format!("/dev?{}", signed.query_string());
    let verifier = Verifier::new(long_term());
    let now = t0() + secs(1);
    let host = ("host", "abc123defg.execute-api.us-east-1.amazonaws.com");
    assert!(
        verifier
            .verify_request("GET", &target, &[host, ("x-room", " lobby ")], now)
            .is_ok()
    );
    assert_eq!(
        verifier.verify_request("GET", &target, &[host], now),
        Err(Error::MissingHeader {
            name: "x-room".to_owned()
        })
    );
    assert_eq!(
        verifier.verify_request("GET", &target, &[host, ("X-Room", "kitchen")], now),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        verifier.verify_request("POST", &target, &[host, ("X-Room", "lobby")], now),
        Err(Error::SignatureMismatch)
    );
    assert!(matches!(
        verifier.verify_request("GET", "dev", &[host], now),
        Err(Error::InvalidUrl { .. })
    ));
    // A URL carries only the host.
    let url = format!("wss://abc123defg.execute-api.us-east-1.amazonaws.com{target}");
    assert!(matches!(
        verifier.verify_url(&url, now),
        Err(Error::MissingHeader { .. })
    ));
}

// ---- every error ---------------------------------------------------------------------------

/// Every error of the verifier, with the URL that caused it.
fn failures() -> Vec<(String, Error)> {
    let url = main_in_order();
    let without = |name: &str| {
        let (head, query) = url.split_once('?').unwrap();
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.starts_with(&format!("{name}=")))
            .collect();
        format!("{head}?{}", kept.join("&"))
    };
    let verifier = Verifier::new(long_term());
    let now = t0() + secs(10);
    let run = |verifier: &Verifier<Credentials>, url: &str, now| {
        (url.to_owned(), verifier.verify_url(url, now).unwrap_err())
    };
    let mut out = Vec::new();
    for name in [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    ] {
        out.push(run(&verifier, &without(name), now));
    }
    out.push(run(
        &verifier,
        &format!("{url}&X-Amz-Date=20200131T100233Z"),
        now,
    ));
    out.push(run(&verifier, &format!("{url}&X-Amz-Expires=300"), now));
    out.push(run(
        &verifier,
        &url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
        now,
    ));
    out.push(run(
        &verifier,
        &url.replace("=20200131T100233Z", "=2020-01-31T10:02:33Z"),
        now,
    ));
    out.push(run(
        &verifier,
        &url.replace("Signature=dffa", "Signature=DFFA"),
        now,
    ));
    out.push(run(
        &verifier,
        &url.replace("SignedHeaders=host", "SignedHeaders=Host"),
        now,
    ));
    out.push(run(
        &verifier,
        &url.replace("Expires=300", "Expires=5m"),
        now,
    ));
    out.push(run(
        &verifier,
        &url.replace("Expires=300", "Expires=604801"),
        now,
    ));
    out.push(run(
        &verifier,
        &url.replace("%2F20200131%2F", "%2F20200130%2F"),
        now,
    ));
    out.push(run(&verifier, &url.replace("%2Faws4_request", ""), now));
    out.push(run(
        &verifier,
        &url.replace("AKIDEXAMPLE", "AKIDOTHER"),
        now,
    ));
    out.push(run(
        &Verifier::new(long_term()).expect_region("eu-west-1"),
        &url,
        now,
    ));
    out.push(run(
        &Verifier::new(long_term()).expect_service("iotdevicegateway"),
        &url,
        now,
    ));
    out.push(run(&verifier, &url, t0() + secs(301)));
    out.push(run(&verifier, &url, t0() - secs(301)));
    out.push(run(
        &verifier,
        &url.replace("room=lobby", "room=kitchen"),
        now,
    ));
    out.push(run(
        &Verifier::new(Credentials::new(AKID, "wrongsecret", None).unwrap()),
        &url,
        now,
    ));
    out.push(run(&Verifier::new(temporary()), &url, now));
    out
}

#[test]
fn each_way_of_being_wrong_has_its_error() {
    let got: Vec<Error> = failures().into_iter().map(|(_, e)| e).collect();
    let missing = |name| Error::MissingParameter { name };
    let malformed = |name| move |e: &Error| matches!(e, Error::MalformedParameter { name: n, .. } if *n == name);
    assert_eq!(got[0], missing("X-Amz-Algorithm"));
    assert_eq!(got[1], missing("X-Amz-Credential"));
    assert_eq!(got[2], missing("X-Amz-Date"));
    assert_eq!(got[3], missing("X-Amz-SignedHeaders"));
    assert_eq!(got[4], missing("X-Amz-Signature"));
    assert_eq!(got[5], Error::RepeatedParameter { name: "X-Amz-Date" });
    assert_eq!(
        got[6],
        Error::RepeatedParameter {
            name: "X-Amz-Expires"
        }
    );
    assert!(malformed("X-Amz-Algorithm")(&got[7]), "{:?}", got[7]);
    assert!(malformed("X-Amz-Date")(&got[8]), "{:?}", got[8]);
    assert!(malformed("X-Amz-Signature")(&got[9]), "{:?}", got[9]);
    assert!(malformed("X-Amz-SignedHeaders")(&got[10]), "{:?}", got[10]);
    assert!(malformed("X-Amz-Expires")(&got[11]), "{:?}", got[11]);
    assert_eq!(
        got[12],
        Error::ExpiresOutOfRange {
            seconds: 604_801,
            max: 604_800,
            service: "execute-api".to_owned()
        }
    );
    assert!(
        matches!(got[13], Error::MalformedCredential { .. }),
        "{:?}",
        got[13]
    );
    assert!(
        matches!(got[14], Error::MalformedCredential { .. }),
        "{:?}",
        got[14]
    );
    assert_eq!(
        got[15],
        Error::UnknownAccessKey {
            access_key_id: "AKIDOTHER".to_owned()
        }
    );
    assert_eq!(
        got[16],
        Error::WrongRegion {
            region: "us-east-1".to_owned(),
            expected: "eu-west-1".to_owned()
        }
    );
    assert_eq!(
        got[17],
        Error::WrongService {
            service: "execute-api".to_owned(),
            expected: "iotdevicegateway".to_owned()
        }
    );
    assert!(
        matches!(&got[18], Error::Expired { valid_secs: 300, signed_at, now }
            if signed_at.date_time() == "20200131T100233Z" && now.date_time() == "20200131T100734Z"),
        "{:?}",
        got[18]
    );
    assert!(
        matches!(&got[19], Error::NotYetValid { skew_secs: 300, now, .. }
            if now.date_time() == "20200131T095732Z"),
        "{:?}",
        got[19]
    );
    assert_eq!(got[20], Error::SignatureMismatch);
    assert_eq!(got[21], Error::SignatureMismatch);
    assert!(
        matches!(got[22], Error::SessionTokenMismatch { .. }),
        "{:?}",
        got[22]
    );
    assert_eq!(got.len(), 23);
}

#[test]
fn errors_never_show_a_secret() {
    for (url, err) in failures() {
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("wrongsecret"),
            "{shown}"
        );
        assert!(
            !shown.contains("dffa095e"),
            "a signature in {shown} ({url})"
        );
    }
    let verifier = Verifier::new(temporary());
    assert!(!format!("{verifier:?}").contains(SECRET));
    assert!(!format!("{verifier:?}").contains(TOKEN));
}

#[test]
fn validity_boundaries_are_inclusive() {
    let verifier = Verifier::new(long_term());
    let url = main_in_order();
    assert!(verifier.verify_url(&url, t0() + secs(300)).is_ok());
    assert!(verifier.verify_url(&url, t0() - secs(300)).is_ok());
    let no_skew = Verifier::new(long_term()).clock_skew(Duration::ZERO);
    assert!(no_skew.verify_url(&url, t0()).is_ok());
    assert!(matches!(
        no_skew.verify_url(&url, t0() - secs(1)),
        Err(Error::NotYetValid { .. })
    ));
}

#[test]
fn tampering_with_any_part_is_refused() {
    let verifier = Verifier::new(long_term());
    let url = main_in_order();
    let now = t0() + secs(10);
    assert!(verifier.verify_url(&url, now).is_ok());
    for tampered in [
        url.replace("/dev?", "/Dev?"),
        url.replace("/dev?", "/dev/?"),
        url.replace("abc123defg.", "abc123defh."),
        url.replace(
            "wss://abc123defg.execute-api.us-east-1.amazonaws.com",
            "wss://abc123defg.execute-api.us-east-1.amazonaws.com:444",
        ),
        url.replace("room=lobby", "room=lobby&x=1"),
        url.replace("room=lobby", "room=lobby&room=lobby"),
        url.replace("room=lobby&", ""),
        url.replace("Date=20200131T100233Z", "Date=20200131T100234Z"),
        url.replace("Expires=300", "Expires=301"),
        url.replace("dffa095e", "dffa095f"),
    ] {
        let result = verifier.verify_url(&tampered, now);
        assert!(result.is_err(), "{tampered}");
    }
}

#[test]
fn session_tokens_must_be_the_lookups() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let with_token = Presigner::new(temporary(), scope.clone())
        .presign(MAIN, t0(), secs(300))
        .unwrap();
    let now = t0() + secs(10);
    // The lookup's credentials have no token: a URL carrying one is refused.
    assert!(matches!(
        Verifier::new(long_term()).verify_url(with_token.as_str(), now),
        Err(Error::SessionTokenMismatch { .. })
    ));
    // Another token, signed (execute-api): the signature no longer matches.
    let other = Credentials::new(AKID, SECRET, Some("other-token")).unwrap();
    let forged = with_token.as_str().replace(ENCODED_TOKEN, "other-token");
    assert_eq!(
        Verifier::new(other).verify_url(&forged, now),
        Err(Error::SignatureMismatch)
    );
    // IoT's token is not signed: replacing it keeps the signature valid, so the comparison
    // with the lookup's token is what refuses it.
    let iot = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let iot_url = Presigner::new(temporary(), iot)
        .presign(IOT, t0(), secs(300))
        .unwrap();
    let swapped = iot_url.as_str().replace(ENCODED_TOKEN, "other-token");
    let err = Verifier::new(temporary())
        .verify_url(&swapped, now)
        .unwrap_err();
    assert!(matches!(err, Error::SessionTokenMismatch { .. }), "{err}");
    let dropped = iot_url
        .as_str()
        .replace(&format!("&X-Amz-Security-Token={ENCODED_TOKEN}"), "");
    assert!(matches!(
        Verifier::new(temporary()).verify_url(&dropped, now),
        Err(Error::SessionTokenMismatch { .. })
    ));
    // Told that the token is signed, the verifier refuses IoT's URL.
    let signed_rule = Verifier::new(temporary()).session_token(SessionTokenMode::Signed);
    assert_eq!(
        signed_rule.verify_url(iot_url.as_str(), now),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn a_rotated_secret_is_not_served_from_the_key_cache() {
    let secret = Mutex::new(SECRET.to_owned());
    let lookup = |id: &str| {
        (id == AKID).then(|| Credentials::new(AKID, &secret.lock().unwrap(), None).unwrap())
    };
    let verifier = Verifier::new(lookup);
    let url = main_in_order();
    let now = t0() + secs(10);
    assert!(verifier.verify_url(&url, now).is_ok());
    assert!(verifier.verify_url(&url, now).is_ok());
    *secret.lock().unwrap() = "rotated-secret".to_owned();
    assert_eq!(
        verifier.verify_url(&url, now),
        Err(Error::SignatureMismatch)
    );
    *secret.lock().unwrap() = SECRET.to_owned();
    assert!(verifier.verify_url(&url, now).is_ok());
}

#[test]
fn the_key_cache_follows_the_scope_and_date() {
    let verifier = Verifier::new(long_term());
    for (region, day) in [
        ("us-east-1", t0()),
        ("eu-west-1", t0()),
        ("eu-west-1", t0() + Duration::from_secs(86_400)),
        ("us-east-1", t0()),
    ] {
        let scope = Scope::new(region, "execute-api").unwrap();
        let url = Presigner::new(long_term(), scope)
            .presign(MAIN, day, secs(300))
            .unwrap();
        let accepted = verifier.verify_url(url.as_str(), day).unwrap();
        assert_eq!(accepted.region(), region);
    }
}

#[test]
fn an_equivalent_encoding_of_the_token_is_the_same_token() {
    // Lowercase hex escapes decode to the same token: the canonical query, and so the
    // signature and the token comparison, are unchanged (signed and unsigned tokens alike).
    let now = t0() + secs(10);
    for (url, scope) in [
        (MAIN, Scope::new("us-east-1", "execute-api").unwrap()),
        (IOT, Scope::new("eu-west-1", "iotdevicegateway").unwrap()),
    ] {
        let signed = Presigner::new(temporary(), scope)
            .presign(url, t0(), secs(300))
            .unwrap();
        let lowercase = signed
            .as_str()
            .replace(ENCODED_TOKEN, &ENCODED_TOKEN.replace("%2F", "%2f"));
        assert_ne!(lowercase, signed.as_str());
        let verifier = Verifier::new(temporary());
        assert!(verifier.verify_url(&lowercase, now).is_ok(), "{url}");
        // A token that differs by one character is refused either way.
        let other = signed.as_str().replace("%3D%3D", "%3D%3E");
        assert!(verifier.verify_url(&other, now).is_err(), "{url}");
    }
}

#[test]
fn a_map_of_credentials_is_a_lookup() {
    let mut keys = std::collections::HashMap::new();
    keys.insert(AKID.to_owned(), long_term());
    keys.insert(
        "AKIDOTHER".to_owned(),
        Credentials::new("AKIDOTHER", "other", None).unwrap(),
    );
    let verifier = Verifier::new(keys);
    let now = t0() + secs(10);
    assert!(verifier.verify_url(&main_in_order(), now).is_ok());
    let unknown = main_in_order().replace("AKIDEXAMPLE", "AKIDNOBODY");
    assert!(matches!(
        verifier.verify_url(&unknown, now),
        Err(Error::UnknownAccessKey { .. })
    ));
}
