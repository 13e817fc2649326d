//! Header signing for API Gateway's `@connections` API with `sign_request`.
//!
//! Expected `Authorization` headers come from botocore 1.44.5 (`SigV4Auth.add_auth` on an
//! `AWSRequest` with the same method, URL, `Content-Type` and body, clock frozen at
//! 2020-01-31T10:02:33Z) and aws-c-auth through awscrt 0.38.1 (`HTTP_REQUEST_HEADERS`, signed
//! body value = SHA-256 of the body); both gave the same values. The canonical paths are
//! the ones API Gateway's own error messages echo (okigan/awscurl#61) and the AWS guide's
//! `awscurl` example uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use sigv4_wss::{Credentials, Error, Scope, Signed, sign_request};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEBYaDHhBTEXAMPLETOKEN+/=";
const API: &str = "https://abc123defg.execute-api.us-east-1.amazonaws.com";

fn t0() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn header<'a>(signed: &'a Signed, name: &str) -> Option<&'a str> {
    signed
        .additions()
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn post(url: &str, token: Option<&str>) -> Signed {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
    sign_request(
        "POST",
        url,
        &[("Content-Type", "text/plain")],
        b"hello world",
        &creds,
        &scope(),
        t0(),
    )
    .unwrap()
}

#[test]
fn post_to_a_connection_id_ending_in_equals() {
    let signed = post(
        &format!("{API}/prod/@connections/R0oXAdfD0kwCH6w="),
        Some(TOKEN),
    );
    assert_eq!(
        header(&signed, "Authorization"),
        Some(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
             Signature=e6b3203e1d94c6ffbfcaa5be8f3d82cf92152418b0e41823659cd176182488b1"
        )
    );
    assert_eq!(header(&signed, "X-Amz-Date"), Some("20200131T100233Z"));
    assert_eq!(header(&signed, "X-Amz-Security-Token"), Some(TOKEN));
    assert_eq!(signed.additions().len(), 3);
    let canonical = signed.canonical_request();
    assert_eq!(
        canonical.canonical_uri(),
        "/prod/%40connections/R0oXAdfD0kwCH6w%3D"
    );
    // SHA-256 of "hello world".
    assert_eq!(
        canonical.payload_hash(),
        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
    );
    // Debug never shows the token.
    assert!(!format!("{signed:?}").contains(TOKEN));
}

#[test]
fn an_encoded_connection_path_is_encoded_once_more() {
    let signed = post(
        &format!("{API}/prod/%40connections/R0oXAdfD0kwCH6w%3D"),
        Some(TOKEN),
    );
    assert_eq!(
        signed.canonical_request().canonical_uri(),
        "/prod/%2540connections/R0oXAdfD0kwCH6w%253D"
    );
    assert!(
        header(&signed, "Authorization").unwrap().ends_with(
            "Signature=83fb89880fc386eaa43d309ffa7d6e0d461ddf328bb1e24679f104eef4ecdc42"
        )
    );
}

#[test]
fn get_and_delete_sign_the_empty_body() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let url = format!("{API}/prod/@connections/R0oXAdfD0kwCH6w=");
    for (method, signature) in [
        (
            "GET",
            "401516ac2d7c4881a48e9a46ab20161e268c0f0d337af99e519c308f30d2619b",
        ),
        (
            "DELETE",
            "f854f50d6bddb1f3c323d158aa0311994110b2314c3de92a914ca9c216a27267",
        ),
    ] {
        let signed = sign_request(method, &url, &[], b"", &creds, &scope(), t0()).unwrap();
        assert_eq!(
            header(&signed, "Authorization").unwrap(),
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature={signature}"
            ),
            "{method}"
        );
        assert_eq!(header(&signed, "X-Amz-Security-Token"), None);
        assert_eq!(
            signed.canonical_request().payload_hash(),
            sigv4_wss::EMPTY_PAYLOAD_SHA256
        );
    }
}

#[test]
fn custom_domain_with_explicit_region() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let signed = sign_request(
        "POST",
        "https://ws.example.com/chat/@connections/R0oXAdfD0kwCH6w=",
        &[("Content-Type", "application/json")],
        br#"{"msg":"hi"}"#,
        &creds,
        &Scope::new("eu-west-1", "execute-api").unwrap(),
        t0(),
    )
    .unwrap();
    assert_eq!(
        header(&signed, "Authorization").unwrap(),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200131/eu-west-1/execute-api/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, \
         Signature=857616ab9098f988403a82c5b10adbe3a71b223387ab597a4f87b75de5ef4cde"
    );
}

#[test]
fn a_host_header_replaces_the_urls_host() {
    // A private API reached through its VPC endpoint name is signed for the API's own host.
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let direct = sign_request(
        "GET",
        &format!("{API}/prod/@connections/abc="),
        &[],
        b"",
        &creds,
        &scope(),
        t0(),
    )
    .unwrap();
    let through_vpce = sign_request(
        "GET",
        "https://vpce-0123456789abcdef0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/prod/@connections/abc=",
        &[("Host", "abc123defg.execute-api.us-east-1.amazonaws.com")],
        b"",
        &creds,
        &scope(),
        t0(),
    )
    .unwrap();
    assert_eq!(direct.signature(), through_vpce.signature());
    assert_eq!(
        direct.canonical_request().headers()[0],
        (
            "host".to_owned(),
            "abc123defg.execute-api.us-east-1.amazonaws.com".to_owned()
        )
    );
}

#[test]
fn the_signers_own_headers_are_refused() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    for name in ["Authorization", "X-Amz-Date", "x-amz-security-token"] {
        let err = sign_request(
            "POST",
            &format!("{API}/prod/@connections/abc="),
            &[(name, "x")],
            b"",
            &creds,
            &scope(),
            t0(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::ReservedHeader {
                name: name.to_ascii_lowercase()
            }
        );
    }
}

#[test]
fn bad_input_is_an_error() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let sign = |method: &str, url: &str, headers: &[(&str, &str)]| {
        sign_request(method, url, headers, b"", &creds, &scope(), t0())
    };
    assert!(matches!(
        sign("POST /x", API, &[]),
        Err(Error::InvalidMethod { .. })
    ));
    assert_eq!(
        sign("POST", "/prod/@connections/abc=", &[]),
        Err(Error::RelativeUrl)
    );
    assert!(matches!(
        sign("POST", API, &[("bad name", "x")]),
        Err(Error::InvalidHeaderName { .. })
    ));
    assert!(matches!(
        sign("POST", API, &[("x-a", "a\u{1}b")]),
        Err(Error::InvalidHeaderValue { .. })
    ));
}

// ---- the server side: Verifier::verify_headers -------------------------------------------

/// The headers botocore sent for the first POST above (its Authorization, X-Amz-Date and
/// X-Amz-Security-Token, with the Host and Content-Type of the request).
fn botocore_post_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Host", "abc123defg.execute-api.us-east-1.amazonaws.com"),
        ("Content-Type", "text/plain"),
        ("X-Amz-Date", "20200131T100233Z"),
        ("X-Amz-Security-Token", TOKEN),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
             Signature=e6b3203e1d94c6ffbfcaa5be8f3d82cf92152418b0e41823659cd176182488b1",
        ),
        // Not signed, so free to differ.
        ("User-Agent", "Boto3/1.0"),
        ("Content-Length", "11"),
    ]
}

fn verifier() -> sigv4_wss::Verifier<Credentials> {
    sigv4_wss::Verifier::new(Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN)).unwrap())
        .expect_scope(&scope())
}

#[test]
fn verifies_botocores_signed_post() {
    let target = "/prod/@connections/R0oXAdfD0kwCH6w=";
    let now = t0() + std::time::Duration::from_secs(30);
    let verified = verifier()
        .verify_headers(
            "POST",
            target,
            &botocore_post_headers(),
            b"hello world",
            now,
        )
        .unwrap();
    assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
    assert!(verified.session_token_signed());
    assert_eq!(verified.expires(), None);

    let check = |method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]| {
        verifier().verify_headers(method, target, headers, body, now)
    };
    let headers = botocore_post_headers();
    assert_eq!(
        check("POST", target, &headers, b"hello world!"),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check("DELETE", target, &headers, b"hello world"),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check(
            "POST",
            "/prod/@connections/R0oXAdfD0kwCH6x=",
            &headers,
            b"hello world"
        ),
        Err(Error::SignatureMismatch)
    );
    let mut other_type = headers.clone();
    other_type[1] = ("Content-Type", "application/json");
    assert_eq!(
        check("POST", target, &other_type, b"hello world"),
        Err(Error::SignatureMismatch)
    );
    let without_type: Vec<_> = headers
        .iter()
        .copied()
        .filter(|(n, _)| *n != "Content-Type")
        .collect();
    assert_eq!(
        check("POST", target, &without_type, b"hello world"),
        Err(Error::MissingHeader {
            name: "content-type".to_owned()
        })
    );
    let without_auth: Vec<_> = headers
        .iter()
        .copied()
        .filter(|(n, _)| *n != "Authorization")
        .collect();
    assert_eq!(
        check("POST", target, &without_auth, b"hello world"),
        Err(Error::MissingHeader {
            name: "authorization".to_owned()
        })
    );
    let mixed = format!("{target}?X-Amz-Signature=00");
    assert_eq!(
        check("POST", &mixed, &headers, b"hello world"),
        Err(Error::MixedAuthentication)
    );
    // Outside the 5-minute skew on either side.
    let late = t0() + std::time::Duration::from_secs(301);
    assert!(matches!(
        verifier().verify_headers("POST", target, &headers, b"hello world", late),
        Err(Error::Expired { .. })
    ));
    let early = t0() - std::time::Duration::from_secs(301);
    assert!(matches!(
        verifier().verify_headers("POST", target, &headers, b"hello world", early),
        Err(Error::NotYetValid { .. })
    ));
}

#[test]
fn verify_headers_round_trips_sign_request() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    for (method, body) in [
        ("POST", &b"{\"msg\":1}"[..]),
        ("GET", &b""[..]),
        ("DELETE", &b""[..]),
    ] {
        let url = format!("{API}/prod/@connections/abc%3D?x=1");
        let signed = sign_request(method, &url, &[], body, &creds, &scope(), t0()).unwrap();
        let mut headers = vec![("host", "abc123defg.execute-api.us-east-1.amazonaws.com")];
        headers.extend(signed.additions().iter().map(|(n, v)| (*n, v.as_str())));
        let verified = sigv4_wss::Verifier::new(creds.clone())
            .verify_headers(
                method,
                "/prod/@connections/abc%3D?x=1",
                &headers,
                body,
                t0(),
            )
            .unwrap();
        assert!(!verified.has_session_token(), "{method}");
    }
}
