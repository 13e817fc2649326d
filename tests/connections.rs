//! Header signing for API Gateway's `@connections` API (`sign_request` of a
//! `CanonicalRequest`), and its server side, `Verifier::verify_headers`.
//!
//! Expected `Authorization` headers come from botocore 1.44.5 (`SigV4Auth.add_auth` on an
//! `AWSRequest` with the same method, URL, headers and body, clock frozen at
//! 2020-01-31T10:02:33Z) and aws-c-auth through awscrt 0.38.1 (`HTTP_REQUEST_HEADERS`, signed
//! body value = SHA-256 of the body), which gave the same values; the `DELETE` with a token and
//! the repeated header come from botocore 1.43.11 the same way. The canonical requests and
//! strings to sign were checked with Python's `hashlib` and `hmac` (they give botocore's
//! signatures), as was the signature of a request whose token is left unsigned. The canonical
//! paths are the ones API Gateway's own error messages echo (okigan/awscurl#61) and the AWS
//! guide's `awscurl` example uses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Duration;

use sigv4_wss::{
    CanonicalRequest, Credentials, EMPTY_PAYLOAD_SHA256, Error, Presigner, Scope, SessionTokenMode,
    SignedRequest, Verified, Verifier, sign_request,
};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEBYaDHhBTEXAMPLETOKEN+/=";
const API: &str = "https://abc123defg.execute-api.us-east-1.amazonaws.com";
const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const TARGET: &str = "/prod/@connections/R0oXAdfD0kwCH6w=";
const CREDENTIAL: &str = "Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request";

/// botocore's `Authorization` for the `POST` of "hello world" with `Content-Type: text/plain`
/// and the token.
const POST_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
    Signature=e6b3203e1d94c6ffbfcaa5be8f3d82cf92152418b0e41823659cd176182488b1";

/// SHA-256 of "hello world".
const HELLO_WORLD_SHA256: &str = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

fn t0() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn creds(token: Option<&str>) -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap()
}

/// The request of `POST` "hello world" as text to `url`.
fn hello_world(url: &str) -> CanonicalRequest<'static> {
    CanonicalRequest::from_url("POST", url)
        .unwrap()
        .with_header("Content-Type", "text/plain")
        .unwrap()
        .with_payload(b"hello world")
}

fn post(url: &str, token: Option<&str>) -> SignedRequest {
    sign_request(&hello_world(url), &creds(token), &scope(), t0()).unwrap()
}

/// The signature at the end of an `Authorization` header.
fn signature_of(authorization: &str) -> &str {
    authorization.rsplit_once("Signature=").unwrap().1
}

#[test]
fn post_to_a_connection_id_ending_in_equals() {
    let signed = post(&format!("{API}{TARGET}"), Some(TOKEN));
    assert_eq!(signed.authorization(), POST_AUTHORIZATION);
    assert_eq!(signed.x_amz_date(), "20200131T100233Z");
    assert_eq!(signed.session_token(), Some(TOKEN));
    let headers: Vec<(&str, &str)> = signed.headers().collect();
    assert_eq!(
        headers,
        [
            ("X-Amz-Security-Token", TOKEN),
            ("X-Amz-Date", "20200131T100233Z"),
            ("Authorization", POST_AUTHORIZATION),
        ]
    );
    assert_eq!(signed.signature().to_hex(), signature_of(POST_AUTHORIZATION));
    let canonical = signed.canonical_request();
    assert_eq!(canonical.canonical_uri(), "/prod/%40connections/R0oXAdfD0kwCH6w%3D");
    assert_eq!(canonical.signed_headers(), "content-type;host;x-amz-date;x-amz-security-token");
    assert_eq!(canonical.payload_hash(), HELLO_WORLD_SHA256);
    assert_eq!(
        canonical.unredacted(),
        format!(
            "POST\n/prod/%40connections/R0oXAdfD0kwCH6w%3D\n\ncontent-type:text/plain\n\
             host:{HOST}\nx-amz-date:20200131T100233Z\nx-amz-security-token:{TOKEN}\n\n\
             content-type;host;x-amz-date;x-amz-security-token\n{HELLO_WORLD_SHA256}"
        )
    );
    assert_eq!(
        signed.string_to_sign(),
        "AWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n\
         54298a1ee9993d43a0f1d2b0bd00010b5e18c9b340ead0ecaf15ff378a349d48"
    );
    // Display of the canonical request and Debug of the result never show the token, and
    // Debug never shows the signature.
    let shown = format!("{canonical} {signed:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("x-amz-security-token:<redacted>"), "{shown}");
    assert!(!shown.contains("e6b3203e"), "{shown}");
}

#[test]
fn an_encoded_connection_path_is_encoded_once_more() {
    let signed = post(&format!("{API}/prod/%40connections/R0oXAdfD0kwCH6w%3D"), Some(TOKEN));
    assert_eq!(
        signed.canonical_request().canonical_uri(),
        "/prod/%2540connections/R0oXAdfD0kwCH6w%253D"
    );
    assert_eq!(
        signature_of(signed.authorization()),
        "83fb89880fc386eaa43d309ffa7d6e0d461ddf328bb1e24679f104eef4ecdc42"
    );
}

#[test]
fn get_and_delete_sign_the_empty_body() {
    let url = format!("{API}{TARGET}");
    for (method, signature) in [
        ("GET", "401516ac2d7c4881a48e9a46ab20161e268c0f0d337af99e519c308f30d2619b"),
        ("DELETE", "f854f50d6bddb1f3c323d158aa0311994110b2314c3de92a914ca9c216a27267"),
    ] {
        let request = CanonicalRequest::from_url(method, &url).unwrap();
        let signed = sign_request(&request, &creds(None), &scope(), t0()).unwrap();
        assert_eq!(
            signed.authorization(),
            format!(
                "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=host;x-amz-date, \
                 Signature={signature}"
            ),
            "{method}"
        );
        assert_eq!(signed.session_token(), None);
        assert_eq!(signed.headers().count(), 2);
        assert_eq!(signed.canonical_request().payload_hash(), EMPTY_PAYLOAD_SHA256);
    }
    // A DELETE with temporary credentials (botocore 1.43.11).
    let request =
        CanonicalRequest::from_url("DELETE", &format!("{API}/prod/@connections/L0SM9cOFvHcCIhw="))
            .unwrap();
    let signed = sign_request(&request, &creds(Some(TOKEN)), &scope(), t0()).unwrap();
    assert_eq!(
        signed.authorization(),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=host;x-amz-date;x-amz-security-token, \
             Signature=8f8bbcbd220c9eae2a023f46e0fdb930ec5673dc06729bfea53abf489eefae2e"
        )
    );
    assert_eq!(
        signed.canonical_request().unredacted(),
        format!(
            "DELETE\n/prod/%40connections/L0SM9cOFvHcCIhw%3D\n\nhost:{HOST}\n\
             x-amz-date:20200131T100233Z\nx-amz-security-token:{TOKEN}\n\n\
             host;x-amz-date;x-amz-security-token\n{EMPTY_PAYLOAD_SHA256}"
        )
    );
}

#[test]
fn custom_domain_with_explicit_region() {
    let request = CanonicalRequest::from_url(
        "POST",
        "https://ws.example.com/chat/@connections/R0oXAdfD0kwCH6w=",
    )
    .unwrap()
    .with_header("Content-Type", "application/json")
    .unwrap()
    .with_payload(br#"{"msg":"hi"}"#);
    let signed = sign_request(
        &request,
        &creds(None),
        &Scope::new("eu-west-1", "execute-api").unwrap(),
        t0(),
    )
    .unwrap();
    assert_eq!(
        signed.authorization(),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200131/eu-west-1/execute-api/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, \
         Signature=857616ab9098f988403a82c5b10adbe3a71b223387ab597a4f87b75de5ef4cde"
    );
}

#[test]
fn the_signed_host_can_be_another_than_the_one_connected_to() {
    // A private API reached through its VPC endpoint name is signed for the API's own host:
    // the request is built from its path and that host.
    let direct =
        CanonicalRequest::from_url("GET", &format!("{API}/prod/@connections/abc=")).unwrap();
    let through_vpce = CanonicalRequest::new("GET", "/prod/@connections/abc=")
        .unwrap()
        .with_header("Host", HOST)
        .unwrap();
    assert_eq!(direct.canonical_uri(), "/prod/%40connections/abc%3D");
    assert_eq!(direct, through_vpce);
    let a = sign_request(&direct, &creds(None), &scope(), t0()).unwrap();
    let b = sign_request(&through_vpce, &creds(None), &scope(), t0()).unwrap();
    assert_eq!(a.signature(), b.signature());
    assert_eq!(a.authorization(), b.authorization());
}

#[test]
fn the_signers_own_headers_and_parameters_are_refused() {
    let url = format!("{API}/prod/@connections/abc=");
    for name in ["Authorization", "X-Amz-Date", "x-amz-security-token"] {
        let request =
            CanonicalRequest::from_url("POST", &url).unwrap().with_header(name, "x").unwrap();
        let expected = Error::ReservedHeader { name: name.to_ascii_lowercase() };
        assert_eq!(sign_request(&request, &creds(None), &scope(), t0()).unwrap_err(), expected);
        let presigner = Presigner::new(creds(Some(TOKEN)), scope());
        assert_eq!(presigner.sign_request(&request, t0()).unwrap_err(), expected);
    }
    // A request that has its Authorization already is one that was signed already.
    let signed = post(&url, None);
    let mut again = hello_world(&url);
    for (name, value) in signed.headers() {
        again = again.with_header(name, value).unwrap();
    }
    assert!(matches!(
        sign_request(&again, &creds(None), &scope(), t0()),
        Err(Error::ReservedHeader { .. })
    ));
    // The query's authentication parameters, in any letter case.
    for query in ["X-Amz-Signature=00", "x-amz-date=20200131T100233Z"] {
        let request = CanonicalRequest::from_url("POST", &format!("{url}?{query}")).unwrap();
        assert!(
            matches!(
                sign_request(&request, &creds(None), &scope(), t0()),
                Err(Error::ReservedParameter { .. })
            ),
            "{query}"
        );
    }
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(CanonicalRequest::from_url("POST /x", API), Err(Error::InvalidMethod { .. })));
    assert_eq!(
        CanonicalRequest::from_url("POST", "/prod/@connections/abc="),
        Err(Error::RelativeUrl)
    );
    let request = CanonicalRequest::from_url("POST", API).unwrap();
    assert!(matches!(
        request.clone().with_header("bad name", "x"),
        Err(Error::InvalidHeaderName { .. })
    ));
    assert!(matches!(request.with_header("x-a", "a\u{1}b"), Err(Error::InvalidHeaderValue { .. })));
    assert!(matches!(
        sign_request(
            &CanonicalRequest::from_url("POST", API).unwrap(),
            &creds(None),
            &scope(),
            datetime!(1969-12-31 23:59:59 UTC)
        ),
        Err(Error::TimeOutOfRange { year: 1969 })
    ));
}

// ---- the server side: Verifier::verify_headers -------------------------------------------

/// The headers botocore sent for the POST above (its Authorization, X-Amz-Date and
/// X-Amz-Security-Token, with the Host and Content-Type of the request).
fn botocore_post_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Host", HOST),
        ("Content-Type", "text/plain"),
        ("X-Amz-Date", "20200131T100233Z"),
        ("X-Amz-Security-Token", TOKEN),
        ("Authorization", POST_AUTHORIZATION),
        // Not signed, so free to differ.
        ("User-Agent", "Boto3/1.0"),
        ("Content-Length", "11"),
    ]
}

fn verifier() -> Verifier<Credentials> {
    Verifier::new(creds(Some(TOKEN)), &scope())
}

/// `headers` with header `name` replaced by `value`, or removed if `None`.
fn with<'a>(
    headers: &[(&'a str, &'a str)], name: &str, value: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    assert!(headers.iter().any(|(n, _)| *n == name), "{name}");
    headers
        .iter()
        .filter_map(|&(n, v)| if n == name { value.map(|value| (n, value)) } else { Some((n, v)) })
        .collect()
}

#[test]
fn verifies_botocores_signed_post() {
    let now = t0() + secs(30);
    let verified = verifier()
        .verify_headers("POST", TARGET, &botocore_post_headers(), b"hello world", now)
        .unwrap();
    assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(verified.scope(), &scope());
    assert_eq!(verified.signed_at().date_time(), "20200131T100233Z");
    assert!(verified.has_session_token() && verified.session_token_signed());
    assert_eq!(verified.expires(), None);
    assert_eq!(verified.host(), HOST);
    assert_eq!(verified.path(), TARGET);
    assert_eq!(verified.query(), []);
    let check = |method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]| {
        verifier().verify_headers(method, target, headers, body, now)
    };
    let headers = botocore_post_headers();
    assert_eq!(check("POST", TARGET, &headers, b"hello world!"), Err(Error::SignatureMismatch));
    assert_eq!(check("POST", TARGET, &headers, b""), Err(Error::SignatureMismatch));
    assert_eq!(check("DELETE", TARGET, &headers, b"hello world"), Err(Error::SignatureMismatch));
    assert_eq!(
        check("POST", "/prod/@connections/R0oXAdfD0kwCH6x=", &headers, b"hello world"),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check("POST", "/prod/%40connections/R0oXAdfD0kwCH6w%3D", &headers, b"hello world"),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        check("POST", &format!("{TARGET}?x=1"), &headers, b"hello world"),
        Err(Error::SignatureMismatch)
    );
    for (name, value) in [
        ("Content-Type", "application/json"),
        ("Host", "zzz999yyyy.execute-api.us-east-1.amazonaws.com"),
        ("X-Amz-Date", "20200131T100234Z"),
        ("X-Amz-Security-Token", "FwoGZXIvYXdzEBYaDHhBTEXAMPLETOKEN+/A"),
    ] {
        assert_eq!(
            check("POST", TARGET, &with(&headers, name, Some(value)), b"hello world"),
            Err(Error::SignatureMismatch),
            "{name}"
        );
    }
    // Unsigned headers may change; signed ones are compared after normalization.
    let mut extra = with(&headers, "User-Agent", Some("curl/8"));
    extra.push(("X-Forwarded-For", "10.0.0.1"));
    assert!(check("POST", TARGET, &extra, b"hello world").is_ok());
    let spaced = with(&headers, "Content-Type", Some("  text/plain "));
    assert!(check("POST", TARGET, &spaced, b"hello world").is_ok());
    let lower: Vec<(String, &str)> =
        headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), *v)).collect();
    let lower: Vec<(&str, &str)> = lower.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    assert!(check("POST", TARGET, &lower, b"hello world").is_ok());
    // Signed headers that are not sent.
    for (name, lower) in [
        ("Content-Type", "content-type"),
        ("X-Amz-Security-Token", "x-amz-security-token"),
        ("Host", "host"),
    ] {
        assert_eq!(
            check("POST", TARGET, &with(&headers, name, None), b"hello world"),
            Err(Error::MissingHeader { name: lower.to_owned() }),
            "{name}"
        );
    }
    // Query authentication beside the Authorization header.
    for query in [
        "X-Amz-Signature=00",
        "X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request",
        "X-Amz-Security-Token=abc",
    ] {
        assert_eq!(
            check("POST", &format!("{TARGET}?{query}"), &headers, b"hello world"),
            Err(Error::MixedAuthentication),
            "{query}"
        );
    }
    // Outside the 5-minute skew on either side.
    assert!(check("POST", TARGET, &headers, b"hello world").is_ok());
    let at = |now| verifier().verify_headers("POST", TARGET, &headers, b"hello world", now);
    assert!(at(t0() + secs(300)).is_ok());
    assert!(at(t0() - secs(300)).is_ok());
    assert!(matches!(at(t0() + secs(301)), Err(Error::Expired { valid_secs: 300, .. })));
    assert!(matches!(at(t0() - secs(301)), Err(Error::NotYetValid { skew_secs: 300, .. })));
}

#[test]
fn verify_headers_refuses_another_scope_host_key_or_age() {
    let headers = botocore_post_headers();
    let now = t0() + secs(30);
    let run = |verifier: Verifier<Credentials>| {
        verifier.verify_headers("POST", TARGET, &headers, b"hello world", now)
    };
    assert_eq!(
        run(Verifier::new(creds(Some(TOKEN)), &Scope::new("eu-west-1", "execute-api").unwrap())),
        Err(Error::WrongRegion {
            region: "us-east-1".to_owned(),
            expected: "eu-west-1".to_owned()
        })
    );
    assert_eq!(
        run(Verifier::new(
            creds(Some(TOKEN)),
            &Scope::new("us-east-1", "iotdevicegateway").unwrap()
        )),
        Err(Error::WrongService {
            service: "execute-api".to_owned(),
            expected: "iotdevicegateway".to_owned()
        })
    );
    let any = Verifier::any_scope(creds(Some(TOKEN)));
    assert_eq!(run(any).unwrap().scope(), &scope());
    assert!(run(verifier().expect_host(&HOST.to_ascii_uppercase())).is_ok());
    assert_eq!(
        run(verifier().expect_host("ws.example.com")),
        Err(Error::WrongHost { host: HOST.to_owned(), expected: "ws.example.com".to_owned() })
    );
    assert_eq!(
        run(Verifier::new(Credentials::new("AKIDOTHER", SECRET, Some(TOKEN)).unwrap(), &scope())),
        Err(Error::UnknownAccessKey { access_key_id: "AKIDEXAMPLE".to_owned() })
    );
    assert_eq!(
        run(Verifier::new(
            Credentials::new("AKIDEXAMPLE", "another-secret", Some(TOKEN)).unwrap(),
            &scope()
        )),
        Err(Error::SignatureMismatch)
    );
    assert!(matches!(
        run(Verifier::new(creds(None), &scope())),
        Err(Error::SessionTokenMismatch { .. })
    ));
    assert!(matches!(
        run(verifier().max_age(secs(29))),
        Err(Error::SignedTooLongAgo { max_age_secs: 29, .. })
    ));
    assert!(run(verifier().max_age(secs(30))).is_ok());
}

#[test]
fn malformed_authorization_headers_are_refused() {
    let headers = botocore_post_headers();
    let now = t0() + secs(30);
    let signature = signature_of(POST_AUTHORIZATION);
    let good_headers = "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token";
    let malformed = [
        format!("AWS4-HMAC-SHA512 {CREDENTIAL}, {good_headers}, Signature={signature}"),
        format!("Bearer {CREDENTIAL}, {good_headers}, Signature={signature}"),
        format!("AWS4-HMAC-SHA256{CREDENTIAL}, {good_headers}, Signature={signature}"),
        format!("AWS4-HMAC-SHA256 {good_headers}, Signature={signature}"),
        format!("AWS4-HMAC-SHA256 {CREDENTIAL}, Signature={signature}"),
        format!("AWS4-HMAC-SHA256 {CREDENTIAL}, {good_headers}"),
        format!("AWS4-HMAC-SHA256 {CREDENTIAL}, {good_headers}, Signature={signature}, Foo=1"),
        format!("AWS4-HMAC-SHA256 {CREDENTIAL}, {good_headers}, Signature"),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, {CREDENTIAL}, {good_headers}, Signature={signature}"
        ),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, {good_headers}, Signature={}",
            signature.to_ascii_uppercase()
        ),
        format!("AWS4-HMAC-SHA256 {CREDENTIAL}, {good_headers}, Signature={}", &signature[1..]),
        // x-amz-date must be signed, and host.
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=content-type;host;x-amz-security-token, \
             Signature={signature}"
        ),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=content-type;x-amz-date;x-amz-security-token, \
             Signature={signature}"
        ),
        // Sorted, lowercase, each once.
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=host;content-type;x-amz-date;x-amz-security-token, \
             Signature={signature}"
        ),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=Content-Type;host;x-amz-date;x-amz-security-token, \
             Signature={signature}"
        ),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=content-type;host;host;x-amz-date;x-amz-security-token, \
             Signature={signature}"
        ),
        String::new(),
    ];
    for authorization in &malformed {
        let mut sent = with(&headers, "Authorization", None);
        sent.push(("Authorization", authorization));
        let result = verifier().verify_headers("POST", TARGET, &sent, b"hello world", now);
        assert!(
            matches!(result, Err(Error::MalformedAuthorization { .. })),
            "{authorization}: {result:?}"
        );
    }
    // A credential that is not one.
    for credential in [
        "Credential=AKIDEXAMPLE/20200130/us-east-1/execute-api/aws4_request",
        "Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api",
        "Credential=AKIDEXAMPLE/20200131/US-EAST-1/execute-api/aws4_request",
    ] {
        let authorization = POST_AUTHORIZATION.replace(CREDENTIAL, credential);
        let mut sent = with(&headers, "Authorization", None);
        sent.push(("Authorization", &authorization));
        let result = verifier().verify_headers("POST", TARGET, &sent, b"hello world", now);
        assert!(
            matches!(result, Err(Error::MalformedCredential { .. })),
            "{credential}: {result:?}"
        );
    }
    // An X-Amz-Date that is not one.
    let bad_date = with(&headers, "X-Amz-Date", Some("2020-01-31T10:02:33Z"));
    assert!(matches!(
        verifier().verify_headers("POST", TARGET, &bad_date, b"hello world", now),
        Err(Error::MalformedParameter { name: "X-Amz-Date", .. })
    ));
    // An authentication header sent twice.
    for (name, value) in [
        ("authorization", POST_AUTHORIZATION),
        ("x-amz-date", "20200131T100233Z"),
        ("X-AMZ-SECURITY-TOKEN", TOKEN),
    ] {
        let mut twice = headers.clone();
        twice.push((name, value));
        assert!(
            matches!(
                verifier().verify_headers("POST", TARGET, &twice, b"hello world", now),
                Err(Error::MalformedAuthorization { .. })
            ),
            "{name}"
        );
    }
    // Without spaces after the commas, as some signers write it, the header is the same.
    let compact = POST_AUTHORIZATION.replace(", ", ",");
    let sent = with(&headers, "Authorization", Some(&compact));
    assert!(verifier().verify_headers("POST", TARGET, &sent, b"hello world", now).is_ok());
}

#[test]
fn a_request_without_authorization_or_x_amz_date_lacks_a_header() {
    // Documented: MissingHeader without Authorization or X-Amz-Date.
    let headers = botocore_post_headers();
    let now = t0() + secs(30);
    for (name, lower) in [("Authorization", "authorization"), ("X-Amz-Date", "x-amz-date")] {
        assert_eq!(
            verifier().verify_headers(
                "POST",
                TARGET,
                &with(&headers, name, None),
                b"hello world",
                now
            ),
            Err(Error::MissingHeader { name: lower.to_owned() }),
            "{name}"
        );
    }
}

#[test]
fn a_repeated_header_is_signed_and_checked_as_one_comma_joined_value() {
    // botocore 1.43.11, with X-Tag: a,b.
    let url = format!("{API}/prod/@connections/abc%3D?x=1");
    let body = br#"{"msg":1}"#;
    let request = CanonicalRequest::from_url("POST", &url)
        .unwrap()
        .with_header("X-Tag", "a")
        .unwrap()
        .with_header("x-tag", "b")
        .unwrap()
        .with_payload(body);
    let signed = sign_request(&request, &creds(None), &scope(), t0()).unwrap();
    assert_eq!(
        signed.authorization(),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=host;x-amz-date;x-tag, \
             Signature=50071627dac497a3531bd75089648640e19a95c93311ccd28f2ec474c957efca"
        )
    );
    assert_eq!(
        signed.canonical_request().unredacted(),
        format!(
            "POST\n/prod/%40connections/abc%253D\nx=1\nhost:{HOST}\nx-amz-date:20200131T100233Z\n\
             x-tag:a,b\n\nhost;x-amz-date;x-tag\n\
             a2e3bd9b2d88363fa711f3302ceaceb1224637f18963058adc5303e059632fea"
        )
    );
    let target = "/prod/@connections/abc%3D?x=1";
    let verifier = Verifier::new(creds(None), &scope());
    let check = |tags: &[(&'static str, &'static str)]| {
        let mut headers = vec![("Host", HOST)];
        headers.extend(signed.headers());
        headers.extend_from_slice(tags);
        verifier.verify_headers("POST", target, &headers, body, t0())
    };
    let accepted = check(&[("X-Tag", "a"), ("X-Tag", "b")]).unwrap();
    assert_eq!(accepted.path(), "/prod/@connections/abc%3D");
    assert_eq!(accepted.query(), [("x".to_owned(), "1".to_owned())]);
    assert!(check(&[("x-tag", "a,b")]).is_ok());
    assert_eq!(check(&[("X-Tag", "b"), ("X-Tag", "a")]), Err(Error::SignatureMismatch));
    assert_eq!(check(&[("X-Tag", "a")]), Err(Error::SignatureMismatch));
}

/// What a server receives for `signed`: `Host` and the signed request's headers.
fn received<'a>(
    signed: &'a SignedRequest, extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut headers = vec![("Host", HOST)];
    headers.extend_from_slice(extra);
    // Pushed one by one: the names are `&'static str`, which `extend` would require of all.
    for header in signed.headers() {
        headers.push(header);
    }
    headers
}

#[test]
fn verify_headers_round_trips_sign_request() {
    for token in [None, Some(TOKEN)] {
        let creds = creds(token);
        let verifier = Verifier::new(creds.clone(), &scope()).expect_host(HOST);
        for (method, target, body) in [
            ("POST", "/prod/@connections/R0oXAdfD0kwCH6w=", &br#"{"msg":1}"#[..]),
            ("POST", "/prod/@connections/abc%3D?x=1", &b"hello"[..]),
            ("GET", "/prod/@connections/L0SM9cOFvHcCIhw=", &b""[..]),
            ("DELETE", "/prod/@connections/Zz0AbCdEfGhIjk==", &b""[..]),
        ] {
            let request = CanonicalRequest::from_url(method, &format!("{API}{target}"))
                .unwrap()
                .with_payload(body);
            let signed = sign_request(&request, &creds, &scope(), t0()).unwrap();
            let headers = received(&signed, &[]);
            let accepted: Verified = verifier
                .verify_headers(method, target, &headers, body, t0() + secs(1))
                .unwrap_or_else(|e| panic!("{method} {target}: {e}"));
            assert_eq!(accepted.has_session_token(), token.is_some(), "{method}");
            assert_eq!(accepted.session_token_signed(), token.is_some(), "{method}");
            assert_eq!(accepted.path(), target.split('?').next().unwrap());
            assert_eq!(
                verifier.verify_headers(method, target, &headers, b"x", t0()),
                Err(Error::SignatureMismatch),
                "{method}"
            );
        }
    }
}

#[test]
fn a_token_left_unsigned_is_compared_with_the_lookups() {
    let presigner =
        Presigner::new(creds(Some(TOKEN)), scope()).session_token(SessionTokenMode::Unsigned);
    let request = hello_world(&format!("{API}{TARGET}"));
    let signed = presigner.sign_request(&request, t0()).unwrap();
    // Computed with Python's hmac and hashlib from the canonical request without the token.
    assert_eq!(
        signed.authorization(),
        format!(
            "AWS4-HMAC-SHA256 {CREDENTIAL}, SignedHeaders=content-type;host;x-amz-date, \
             Signature=1b2df5ea31624916d268ae7fb55442dc6c9ecabe621251ef8b4cb588afef95d2"
        )
    );
    // The token is sent all the same.
    assert_eq!(signed.session_token(), Some(TOKEN));
    let content_type = [("Content-Type", "text/plain")];
    let headers = received(&signed, &content_type);
    assert!(headers.contains(&("X-Amz-Security-Token", TOKEN)));
    let verified =
        verifier().verify_headers("POST", TARGET, &headers, b"hello world", t0()).unwrap();
    assert!(verified.has_session_token() && !verified.session_token_signed());
    // Not signed, so changing it leaves the signature valid: the lookup's token decides.
    let other: Vec<(&str, &str)> = headers
        .iter()
        .map(|&(n, v)| if n == "X-Amz-Security-Token" { (n, "another-token") } else { (n, v) })
        .collect();
    assert!(matches!(
        verifier().verify_headers("POST", TARGET, &other, b"hello world", t0()),
        Err(Error::SessionTokenMismatch { .. })
    ));
    let dropped: Vec<(&str, &str)> =
        headers.iter().copied().filter(|(n, _)| *n != "X-Amz-Security-Token").collect();
    assert!(matches!(
        verifier().verify_headers("POST", TARGET, &dropped, b"hello world", t0()),
        Err(Error::SessionTokenMismatch { .. })
    ));
}

#[test]
fn the_request_target_rules_apply_to_header_authentication_too() {
    let headers = botocore_post_headers();
    let now = t0() + secs(30);
    let check =
        |target: &str| verifier().verify_headers("POST", target, &headers, b"hello world", now);
    for target in [
        "/prod/x/../@connections/R0oXAdfD0kwCH6w=",
        "/prod/%2e/@connections/R0oXAdfD0kwCH6w=",
        "prod/@connections/R0oXAdfD0kwCH6w=",
        "/prod/@connections/R0oXAdfD0kwCH6w=#x",
    ] {
        assert!(matches!(check(target), Err(Error::InvalidRequestTarget { .. })), "{target}");
    }
    for target in [
        "/prod/@connections/R0oXAdfD0kwCH6w=?a=b+c",
        "/prod/@connections/R0oXAdfD0kwCH6w=?a=b;c",
        "/prod/@connections/R0oXAdfD0kwCH6w=?a=%FF",
    ] {
        assert!(matches!(check(target), Err(Error::AmbiguousQuery { .. })), "{target}");
    }
    assert!(matches!(
        check("/prod/@connections/R0oXAdfD0kwCH6w=?x-amz-signature=00"),
        Err(Error::MalformedParameter { name: "X-Amz-Signature", .. })
    ));
}
