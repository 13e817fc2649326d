//! The `http` feature: `Presigner::sign_http_request`, `Presigner::presign_uri`,
//! `TryFrom<PresignedUrl> for http::Uri`, `Verifier::verify_http_request` and
//! `Verifier::verify_http_headers`.
//!
//! Expected `Authorization` values come from two independent sources: the AWS SigV4 test suite
//! (`tests/data/aws-sigv4-test-suite`, each case whose request `http` can hold), and botocore
//! 1.44.5 (`SigV4Auth.add_auth` on an `AWSRequest` with the same method, URL, headers and body,
//! the clock frozen at 2020-01-31T10:02:33Z as `tests/oracles/botocore_presign.py` freezes it;
//! a repeated header set twice on `AWSRequest.headers`, which appends:
//! `tests/oracles/botocore_http_feature.py`, which CI re-runs). Each is also checked
//! against the crate's own `sign_request` on the equivalent `CanonicalRequest`.
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::PathBuf;
use std::time::Duration;

use http::{HeaderValue, Request, Uri};
use serde_json::Value;
use sigv4_wss::{
    CanonicalRequest, Credentials, Error, Presigner, Scope, SessionTokenMode, Verifier,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEBYaDHhBTEXAMPLETOKEN+/=";
const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const CONNECTION: &str =
    "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=";
const BODY: &[u8] = br#"{"message":"hello"}"#;
const AT: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);

/// botocore: `POST` of `BODY` to `CONNECTION` with `Content-Type: application/json`,
/// `User-Agent: my-app/1.0`, a `traceparent`, `X-Custom: a` and `X-Custom: b`, and `TOKEN`.
const BOTOCORE_POST: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, \
    Signature=0c683f47a773acfe15c95e77bcb61b88199e9818ee849f928fb14ac02361cd2c";

/// botocore: the same `POST` with `Host: ws.example.com` and `Content-Type:
/// application/json` only, long-term credentials.
const BOTOCORE_HOST_HEADER: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date, \
    Signature=ab30ef100a3210b4ade457b4af83789d1dea10914e94aa830173dd808a294e33";

/// botocore: `GET` of `CONNECTION` with `X-Name: Zoë` (UTF-8 bytes), long-term credentials.
const BOTOCORE_UTF8_HEADER: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request, \
    SignedHeaders=host;x-amz-date;x-name, \
    Signature=4cbbff0b4d55126e3fb0fe744447aa20193088044da323d0f4858b1fc741137b";

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn creds(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token).unwrap()
}

fn presigner(token: Option<&str>) -> Presigner {
    Presigner::new(creds(token), scope())
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The botocore request of [`BOTOCORE_POST`].
fn connection_post() -> Request<Vec<u8>> {
    Request::post(CONNECTION)
        .header("Content-Type", "application/json")
        .header("User-Agent", "my-app/1.0")
        .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .header("X-Custom", "a")
        .header("X-Custom", "b")
        .body(BODY.to_vec())
        .unwrap()
}

fn authorization<B>(request: &Request<B>) -> &str {
    request.headers()["authorization"].to_str().unwrap()
}

#[test]
fn a_connections_post_is_signed_as_botocore_and_sign_request_sign_it() {
    let mut request = connection_post();
    let signed = presigner(Some(TOKEN)).sign_http_request(&mut request, AT).unwrap();
    assert_eq!(authorization(&request), BOTOCORE_POST);
    assert_eq!(signed.authorization(), BOTOCORE_POST);
    assert_eq!(request.headers()["x-amz-date"], "20200131T100233Z");
    assert_eq!(request.headers()["x-amz-security-token"], TOKEN);
    assert!(request.headers()["authorization"].is_sensitive());
    assert!(request.headers()["x-amz-security-token"].is_sensitive());
    assert!(!request.headers()["x-amz-date"].is_sensitive());
    // Nothing else changed: the body, the URI and the other headers are as they were.
    assert_eq!(request.body(), BODY);
    assert_eq!(request.uri(), CONNECTION);
    assert_eq!(request.headers().len(), 5 + 3);

    // The crate's own header signing of the same request, headers listed by hand.
    let canonical = CanonicalRequest::from_url("POST", CONNECTION)
        .unwrap()
        .with_header("content-type", "application/json")
        .unwrap()
        .with_header("x-custom", "a")
        .unwrap()
        .with_header("x-custom", "b")
        .unwrap()
        .with_payload(BODY);
    let by_hand = presigner(Some(TOKEN)).sign_request(&canonical, AT).unwrap();
    assert_eq!(by_hand.authorization(), BOTOCORE_POST);
    assert_eq!(signed.canonical_request(), by_hand.canonical_request());

    // Neither the request's Debug (http hides sensitive values) nor the result's shows a
    // secret.
    let shown = format!("{request:?} {signed:?}");
    for secret in
        [SECRET, TOKEN, "0c683f47a773acfe15c95e77bcb61b88199e9818ee849f928fb14ac02361cd2c"]
    {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn a_host_header_is_signed_in_place_of_the_uris_host() {
    let mut request = Request::post(CONNECTION)
        .header("host", "ws.example.com")
        .header("content-type", "application/json")
        .body(BODY)
        .unwrap();
    presigner(None).sign_http_request(&mut request, AT).unwrap();
    assert_eq!(authorization(&request), BOTOCORE_HOST_HEADER);
    assert_eq!(request.headers().get("x-amz-security-token"), None);
}

#[test]
fn header_values_are_signed_as_their_utf8_bytes() {
    let mut request = Request::get(CONNECTION)
        .header("x-name", HeaderValue::from_bytes("Zoë".as_bytes()).unwrap())
        .body(Vec::new())
        .unwrap();
    presigner(None).sign_http_request(&mut request, AT).unwrap();
    assert_eq!(authorization(&request), BOTOCORE_UTF8_HEADER);
}

#[test]
fn a_signed_header_that_is_not_utf8_is_refused_an_unsigned_one_is_ignored() {
    let latin1 = HeaderValue::from_bytes(b"Zo\xeb").unwrap();
    let mut request =
        Request::get(CONNECTION).header("x-name", latin1.clone()).body(Vec::new()).unwrap();
    let err = presigner(None).sign_http_request(&mut request, AT).unwrap_err();
    assert_eq!(err, Error::InvalidHeaderValue { name: "x-name".to_owned() });
    assert!(err.to_string().contains("UTF-8"), "{err}");
    assert_eq!(request.headers().len(), 1, "a refused request is left as it was");

    let mut with = Request::get(CONNECTION).header("user-agent", latin1).body(Vec::new()).unwrap();
    let mut without = Request::get(CONNECTION).body(Vec::new()).unwrap();
    presigner(None).sign_http_request(&mut with, AT).unwrap();
    presigner(None).sign_http_request(&mut without, AT).unwrap();
    assert_eq!(authorization(&with), authorization(&without));
    assert!(authorization(&with).contains("SignedHeaders=host;x-amz-date,"));
}

#[test]
fn unsignable_requests_get_the_crates_errors() {
    let mut relative = Request::post("/prod/@connections/abc").body(Vec::new()).unwrap();
    assert_eq!(
        presigner(None).sign_http_request(&mut relative, AT).unwrap_err(),
        Error::RelativeUrl
    );
    let mut signed_already =
        Request::post(CONNECTION).header("authorization", "x").body(Vec::new()).unwrap();
    assert_eq!(
        presigner(None).sign_http_request(&mut signed_already, AT).unwrap_err(),
        Error::ReservedHeader { name: "authorization".to_owned() }
    );
    let mut far = connection_post();
    let err = presigner(None).sign_http_request(&mut far, datetime!(1969-12-31 23:59:59 UTC));
    assert!(matches!(err, Err(Error::TimeOutOfRange { year: 1969 })), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// The AWS test suite, header variant, through `http::Request`.

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws-sigv4-test-suite/v4")
}

fn suite_file(case: &str, file: &str) -> String {
    std::fs::read_to_string(suite_dir().join(case).join(file)).unwrap().replace("\r\n", "\n")
}

/// A suite request file: request line, `Name:value` headers, a blank line, the body.
fn parse_suite_request(text: &str) -> (String, String, Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let (method, rest) = lines.next().unwrap().split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let value = &mut headers.last_mut().unwrap().1;
            value.push('\n');
            value.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    (method.to_owned(), target.to_owned(), headers, body.to_owned())
}

/// Why `http` cannot hold a suite case's request (or the case has no `context.json`).
fn does_not_fit(case: &str) -> Option<&'static str> {
    Some(match case {
        "double-encode-path" | "double-url-encode" => "smithy-rs case without context.json",
        "get-header-value-multiline" => "http::HeaderValue refuses a line break",
        // (get-slash-normalized and get-slashes-normalized have `//` in the path, which the
        // crate's URL reading refuses: checked below.)
        "get-space-normalized" | "get-utf8" | "get-vanilla-utf8-query" => {
            "http::Uri refuses a raw space or non-ASCII character"
        }
        _ if suite_file(case, "context.json").contains("\"normalize\": false") => {
            "S3-style unnormalized path; sign_http_request normalizes, as every service but S3"
        }
        _ => return None,
    })
}

#[test]
fn every_suite_request_http_can_hold_is_signed_as_the_suite_says() {
    let mut signed_cases = Vec::new();
    let mut cases: Vec<String> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    cases.sort();
    for case in &cases {
        if does_not_fit(case).is_some() {
            continue;
        }
        let context: Value = serde_json::from_str(&suite_file(case, "context.json")).unwrap();
        let c = &context["credentials"];
        let credentials = Credentials::new(
            c["access_key_id"].as_str().unwrap(),
            c["secret_access_key"].as_str().unwrap(),
            c["token"].as_str(),
        )
        .unwrap();
        let scope =
            Scope::new(context["region"].as_str().unwrap(), context["service"].as_str().unwrap())
                .unwrap();
        let mode = if context["omit_session_token"].as_bool() == Some(true) {
            SessionTokenMode::Unsigned
        } else {
            SessionTokenMode::Signed
        };
        let presigner = Presigner::new(credentials, scope).session_token(mode);
        let time = OffsetDateTime::parse(context["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();

        let (method, target, mut headers, body) =
            parse_suite_request(&suite_file(case, "request.txt"));
        let signed_request = suite_file(case, "header-signed-request.txt");
        let line = |prefix: &str| {
            signed_request.lines().find_map(|l| l.strip_prefix(prefix)).map(str::to_owned)
        };
        if context["sign_body"].as_bool() == Some(true) {
            // The suite's signer added the body's hash as a header; here it is the caller's.
            headers.push(("x-amz-content-sha256".into(), line("x-amz-content-sha256:").unwrap()));
        }
        let expected = line("Authorization:").unwrap();

        let host = &headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("host")).unwrap().1;
        let mut builder =
            Request::builder().method(method.as_str()).uri(format!("https://{host}{target}"));
        for (name, value) in &headers {
            builder = builder.header(name, value);
        }
        let mut request = builder.body(body.clone().into_bytes()).unwrap();
        let signed = presigner.sign_http_request(&mut request, time);
        if matches!(case.as_str(), "get-slash-normalized" | "get-slashes-normalized") {
            // As presign_url and CanonicalRequest::from_url refuse it.
            assert!(matches!(signed, Err(Error::InvalidUrl { .. })), "{case}");
            continue;
        }
        signed.unwrap();
        assert_eq!(authorization(&request), expected, "{case}");

        // The crate's own signing of the same request.
        let mut canonical = CanonicalRequest::new(&method, target.split('?').next().unwrap())
            .unwrap()
            .with_query(target.split_once('?').map_or("", |(_, q)| q))
            .with_payload(body.as_bytes());
        for (name, value) in &headers {
            canonical = canonical.with_header(name, value).unwrap();
        }
        assert_eq!(presigner.sign_request(&canonical, time).unwrap().authorization(), expected);
        signed_cases.push(case.as_str());
    }
    // The cases left out are exactly those listed, each with its reason.
    let left_out: Vec<&str> =
        cases.iter().map(String::as_str).filter(|c| !signed_cases.contains(c)).collect();
    let refused = ["get-slash-normalized", "get-slashes-normalized"];
    let listed = |c: &&str| does_not_fit(c).is_some() || refused.contains(c);
    assert!(left_out.iter().all(listed), "{left_out:?}");
    assert_eq!((left_out.len(), signed_cases.len()), (15, 25), "{signed_cases:?}");
}

// ---------------------------------------------------------------------------------------
// Presigning a URI, and verifying an `http::Request`.

const WSS: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";

/// The README's URL (checked there against four other signers).
const README_URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
    &X-Amz-Algorithm=AWS4-HMAC-SHA256\
    &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
    &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
    &X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";

fn verifier() -> Verifier<Credentials> {
    Verifier::new(creds(None), &scope()).expect_host(HOST)
}

/// The handshake as tungstenite's server callback receives it: origin-form target, `Host`.
fn handshake(target: &str) -> Request<()> {
    Request::get(target)
        .header("host", HOST)
        .header("upgrade", "websocket")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .body(())
        .unwrap()
}

fn target_of(url: &str) -> &str {
    url.strip_prefix(&format!("wss://{HOST}")).unwrap()
}

#[test]
fn a_presigned_uri_is_the_presigned_url_and_converts_to_an_http_uri() {
    let uri: Uri = WSS.parse().unwrap();
    let presigned = presigner(None).presign_uri(&uri, AT, secs(300)).unwrap();
    assert_eq!(presigned.as_str(), README_URL);
    let direct = presigner(Some(TOKEN)).presign(WSS, AT, secs(300)).unwrap();
    let via_uri = presigner(Some(TOKEN)).presign_uri(&uri, AT, secs(300)).unwrap();
    assert_eq!(direct.as_str(), via_uri.as_str());
    assert_eq!(via_uri.expires_at(), datetime!(2020-01-31 10:07:33 UTC));

    let converted = Uri::try_from(presigned).unwrap();
    assert_eq!(converted.to_string(), README_URL);
    assert_eq!(converted.host(), Some(HOST));

    let relative: Uri = "/dev?room=lobby".parse().unwrap();
    let err = presigner(None).presign_uri(&relative, AT, secs(300)).unwrap_err();
    assert_eq!(err, Error::RelativeUrl);
}

#[test]
fn a_uri_http_refuses_is_an_error_that_does_not_show_it() {
    // Over http's 65534-byte limit (no service limit applies to https URLs).
    let long = format!("https://{HOST}/dev?pad={}", "a".repeat(70_000));
    let presigned = presigner(Some(TOKEN)).presign(&long, AT, secs(300)).unwrap();
    let signature = presigned.as_str().rsplit_once("X-Amz-Signature=").unwrap().1[..64].to_owned();
    let err = Uri::try_from(presigned).unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("http::Uri refuses it"), "{shown}");
    assert!(!shown.contains(&signature) && !shown.contains("aaaa") && !shown.contains("FwoG"));
}

#[test]
fn a_presigned_url_in_an_http_request_verifies_and_one_byte_changed_does_not() {
    let presigned = presigner(None).presign(WSS, AT, secs(300)).unwrap();
    let target = target_of(presigned.as_str());
    let now = AT + secs(5);
    let verified = verifier().verify_http_request(&handshake(target), now).unwrap();
    assert_eq!((verified.host(), verified.path()), (HOST, "/dev"));
    assert_eq!(verified.query(), [("room".to_owned(), "lobby".to_owned())]);

    // One byte of the room, of the signature, of the date, of the host: refused.
    let signature_at = target.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    for (at, byte) in
        [(target.find("lobby").unwrap() + 4, b'z'), (signature_at, b'0'), (signature_at + 63, b'f')]
    {
        let mut changed = target.as_bytes().to_vec();
        changed[at] = if changed[at] == byte { b'1' } else { byte };
        let changed = String::from_utf8(changed).unwrap();
        let err = verifier().verify_http_request(&handshake(&changed), now).unwrap_err();
        assert_eq!(err, Error::SignatureMismatch, "{changed}");
    }
    let dated = target.replace("T100233Z", "T100234Z");
    assert_eq!(
        verifier().verify_http_request(&handshake(&dated), now),
        Err(Error::SignatureMismatch)
    );
    let mut other_host = handshake(target);
    other_host
        .headers_mut()
        .insert("host", HeaderValue::from_static("abc123defh.execute-api.us-east-1.amazonaws.com"));
    let err = verifier().verify_http_request(&other_host, now).unwrap_err();
    assert!(matches!(err, Error::WrongHost { .. }), "{err:?}");
    let any_host = Verifier::new(creds(None), &scope());
    assert_eq!(any_host.verify_http_request(&other_host, now), Err(Error::SignatureMismatch));
}

#[test]
fn the_host_is_the_uris_authority_when_it_has_one() {
    // HTTP/2's `:authority` (and an absolute-form target) arrives in the URI (RFC 9112
    // 3.2.2, RFC 9113 8.3.1); a `Host` header beside it must name the same host.
    let presigned = presigner(None).presign(WSS, AT, secs(300)).unwrap();
    let absolute = Request::get(presigned.as_str()).body(()).unwrap();
    assert!(verifier().verify_http_request(&absolute, AT).is_ok());
    let with_host = |host: &'static str| {
        let mut request = Request::get(presigned.as_str()).body(()).unwrap();
        request.headers_mut().insert("host", HeaderValue::from_static(host));
        verifier().verify_http_request(&request, AT)
    };
    assert!(with_host("ABC123defg.execute-api.us-east-1.amazonaws.com").is_ok());
    assert_eq!(
        with_host("other.example.com"),
        Err(Error::InvalidRequestTarget {
            reason: "its authority and its Host header name different hosts"
        })
    );
    // A user name in the authority is refused, as the signer refuses it.
    let userinfo = presigned.as_str().replace("wss://", "wss://user:pw@");
    let userinfo = Request::get(userinfo).body(()).unwrap();
    assert_eq!(verifier().verify_http_request(&userinfo, AT), Err(Error::UserInfoInUrl));
    // An absolute-form target without a path asks for `/`.
    let root = presigner(None).presign(&format!("wss://{HOST}?room=lobby"), AT, secs(300)).unwrap();
    assert!(root.as_str().contains(".com/?room=lobby&"));
    let pathless = Request::get(root.as_str().replace(".com/?", ".com?")).body(()).unwrap();
    assert_eq!(pathless.uri().path_and_query().unwrap().as_str().as_bytes()[0], b'?');
    assert_eq!(verifier().verify_http_request(&pathless, AT).unwrap().path(), "/");
    // With neither, there is nothing to check the signed host against.
    let bare = Request::get(target_of(presigned.as_str())).body(()).unwrap();
    assert_eq!(
        verifier().verify_http_request(&bare, AT),
        Err(Error::MissingHeader { name: "host".to_owned() })
    );
}

#[test]
fn a_header_that_is_not_utf8_is_refused_where_the_check_reads_it() {
    let latin1 = HeaderValue::from_bytes(b"caf\xe9").unwrap();
    let presigned = presigner(None).presign(WSS, AT, secs(300)).unwrap();
    let target = target_of(presigned.as_str());

    // Not signed, not read: it plays no part.
    let mut cookie = handshake(target);
    cookie.headers_mut().insert("cookie", latin1.clone());
    assert!(verifier().verify_http_request(&cookie, AT).is_ok());

    // Signed (host) or read (authorization): refused, naming the header.
    let mut host = Request::get(target).body(()).unwrap();
    host.headers_mut().insert("host", latin1.clone());
    let mut authorization = handshake(target);
    authorization.headers_mut().insert("authorization", latin1.clone());
    for (request, name) in [(host, "host"), (authorization, "authorization")] {
        let err = verifier().verify_http_request(&request, AT).unwrap_err();
        assert_eq!(err, Error::InvalidHeaderValue { name: name.to_owned() });
    }

    // A header the presigned request says is signed.
    let canonical =
        CanonicalRequest::from_url("GET", WSS).unwrap().with_header("x-name", "café").unwrap();
    let query = presigner(None).presign_request(&canonical, AT, secs(300)).unwrap();
    let signed_target = format!("/dev?room=lobby&{}", query.query());
    let mut readable = handshake(&signed_target);
    readable.headers_mut().insert("x-name", HeaderValue::from_bytes("café".as_bytes()).unwrap());
    assert!(verifier().verify_http_request(&readable, AT).is_ok());
    let mut unreadable = handshake(&signed_target);
    unreadable.headers_mut().insert("x-name", latin1);
    let err = verifier().verify_http_request(&unreadable, AT).unwrap_err();
    assert_eq!(err, Error::InvalidHeaderValue { name: "x-name".to_owned() });
}

/// What a server receives for a request signed by `sign_http_request`: an origin-form
/// target, a `Host` header, the same other headers and body.
fn as_received(signed: &Request<Vec<u8>>) -> Request<Vec<u8>> {
    let target = signed.uri().path_and_query().unwrap().as_str();
    let mut received = Request::builder().method(signed.method()).uri(target);
    received = received.header("host", signed.uri().host().unwrap());
    for (name, value) in signed.headers() {
        received = received.header(name, value);
    }
    received.body(signed.body().clone()).unwrap()
}

#[test]
fn a_request_signed_with_headers_verifies_with_its_body() {
    let mut request = connection_post();
    presigner(Some(TOKEN)).sign_http_request(&mut request, AT).unwrap();
    let verifier = Verifier::new(creds(Some(TOKEN)), &scope()).expect_host(HOST);
    let received = as_received(&request);
    let accepted = verifier.verify_http_headers(&received, AT).unwrap();
    assert_eq!(accepted.path(), "/prod/@connections/R0oXAdfD0kwCH6w=");

    let mut changed_body = as_received(&request);
    changed_body.body_mut()[3] = b'M';
    assert_eq!(verifier.verify_http_headers(&changed_body, AT), Err(Error::SignatureMismatch));

    let latin1 = HeaderValue::from_bytes(b"caf\xe9").unwrap();
    let mut unsigned = as_received(&request);
    unsigned.headers_mut().insert("user-agent", latin1.clone());
    assert!(verifier.verify_http_headers(&unsigned, AT).is_ok());
    for name in ["x-custom", "x-amz-security-token", "x-amz-date", "authorization"] {
        let mut unreadable = as_received(&request);
        unreadable.headers_mut().insert(name, latin1.clone());
        let err = verifier.verify_http_headers(&unreadable, AT).unwrap_err();
        assert_eq!(err, Error::InvalidHeaderValue { name: name.to_owned() });
        // The refusal names the header, never its value or the signature.
        assert!(!format!("{err} {err:?}").contains("0c683f47"));
    }
    let mut unsigned_request = as_received(&request);
    unsigned_request.headers_mut().remove("authorization");
    assert_eq!(
        verifier.verify_http_headers(&unsigned_request, AT),
        Err(Error::MissingHeader { name: "authorization".to_owned() })
    );
}

#[test]
fn the_uri_is_rewritten_to_what_was_signed() {
    // `Target` reads the URI as clients send a URL (host lowercased, `.`/`..` resolved, `|`
    // percent-encoded); the request then carries that URI, so what is sent is what was
    // signed, and the verifier accepts it as received.
    let uri =
        "https://ABC123defg.execute-api.us-east-1.amazonaws.com/prod/a|b/../@connections/R0o=";
    let mut request = Request::post(uri).body(BODY.to_vec()).unwrap();
    presigner(None).sign_http_request(&mut request, AT).unwrap();
    assert_eq!(request.uri(), &format!("https://{HOST}/prod/@connections/R0o=")[..]);
    let verifier = Verifier::new(creds(None), &scope()).expect_host(HOST);
    assert!(verifier.verify_http_headers(&as_received(&request), AT).is_ok());
    let mut request = Request::post(format!("https://{HOST}/p/a|b")).body(Vec::new()).unwrap();
    presigner(None).sign_http_request(&mut request, AT).unwrap();
    assert_eq!(request.uri(), &format!("https://{HOST}/p/a%7Cb")[..]);
    assert!(verifier.verify_http_headers(&as_received(&request), AT).is_ok());
    // A raw `+` or `;` in the query is refused, as the verifier refuses it, and nothing is
    // added to the request.
    for query in ["a+b=c", "a=b;c"] {
        let mut request =
            Request::post(format!("https://{HOST}/p?{query}")).body(Vec::new()).unwrap();
        let err = presigner(None).sign_http_request(&mut request, AT).unwrap_err();
        assert!(matches!(err, Error::InvalidUrl { .. }), "{err:?}");
        assert!(request.headers().is_empty());
    }
}

#[test]
fn every_host_header_sent_is_signed() {
    // Sent twice, `Host` is signed as SigV4 signs any repeated header (the suite's
    // get-header-key-duplicate): its values joined by `,`, as the server will read them.
    let mut request = Request::post(format!("https://{HOST}/p"))
        .header("host", "a.example.com")
        .header("host", "b.example.com")
        .body(Vec::new())
        .unwrap();
    let signed = presigner(None).sign_http_request(&mut request, AT).unwrap();
    let canonical = signed.canonical_request().to_string();
    assert!(canonical.contains("\nhost:a.example.com,b.example.com\n"), "{canonical}");
}
