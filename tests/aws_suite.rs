//! The AWS SigV4 test suite (`tests/data/aws-sigv4-test-suite/v4`), one named test per case and
//! variant, each checking the layers in turn so that a failure names the one at fault: (1) the
//! canonical request, (2) the string to sign, (3) the signature, (4) the signed request, and
//! (5) the verifier on the suite's signed request.
//!
//! The query variant signs with [`Presigner::presign_request`], the header variant with
//! [`Presigner::sign_request`]; both take the request as the suite gives it (method, raw target,
//! headers, body). Where the request is one that [`presign_url`] can express (a `GET` with only a
//! `Host` header and a normalized path), the query variant also checks `presign_url` on the
//! equivalent URL, and that a reusable [`Presigner`] gives the same URL.
//!
//! Layer 5 gives the suite's `query-signed-request.txt` to [`Verifier::verify_request`] and
//! `header-signed-request.txt` to [`Verifier::verify_headers`], at the case's timestamp. A request
//! the verifier accepts must stop verifying when one byte of its signature changes, and when one
//! byte of anything it signs changes (path, each query value, each header value, the body). The
//! verifier always normalizes the path, as every service but S3 does, and refuses some targets by
//! design; [`Verdict`] lists which cases it refuses and why.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use sigv4_wss::{
    CanonicalRequest, Credentials, Error, Presigner, Scope, SessionTokenMode, Signature, Verified,
    Verifier, presign_url,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws-sigv4-test-suite/v4")
}

/// Reads a suite file; Windows checkouts may have turned `\n` into `\r\n`.
fn read(name: &str, file: &str) -> String {
    let path = suite_dir().join(name).join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n")
}

/// A request file (`request.txt`, `*-signed-request.txt`): a request line whose target may hold
/// raw spaces and UTF-8 (so the method ends at the first space and the version starts at the
/// last), header lines `Name:value` where a line starting with whitespace continues the previous
/// header, and an optional body after a blank line.
#[derive(Clone)]
struct Request {
    method: String,
    target: String,
    /// `None` when the request line has no ` HTTP/1.1` (smithy-rs's `double-url-encode`).
    version: Option<String>,
    header_lines: Vec<String>,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn parse(text: &str) -> Self {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let request_line = lines.next().unwrap();
        let (method, rest) = request_line.split_once(' ').unwrap();
        let (target, version) = match rest.strip_suffix(" HTTP/1.1") {
            Some(target) => (target, Some("HTTP/1.1".to_owned())),
            None => (rest, None),
        };
        let mut header_lines = Vec::new();
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            header_lines.push(line.to_owned());
            if line.starts_with([' ', '\t']) {
                let (_, value) = headers.last_mut().unwrap();
                value.push('\n');
                value.push_str(line);
            } else {
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
        Self {
            method: method.to_owned(),
            target: target.to_owned(),
            version,
            header_lines,
            headers,
            body: body.to_owned(),
        }
    }

    fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The value of header `name` (the first, trimmed).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }

    /// The value of query parameter `name` (raw, as in the target).
    fn param(&self, name: &str) -> Option<&str> {
        self.query().split('&').find_map(|item| item.strip_prefix(name)?.strip_prefix('='))
    }

    fn canonical(&self, normalize: bool) -> CanonicalRequest<'_> {
        let mut request = CanonicalRequest::new(&self.method, self.path())
            .unwrap()
            .with_path_normalization(normalize)
            .with_query(self.query())
            .with_payload(self.body.as_bytes());
        for (name, value) in &self.headers {
            request = request.with_header(name, value).unwrap();
        }
        request
    }
}

/// `context.json`, or the parameters a smithy-rs case was made with.
struct Context {
    credentials: Credentials,
    /// The session token, to check that `Display` redacts it.
    token: Option<String>,
    scope: Scope,
    time: OffsetDateTime,
    expires: Duration,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
}

impl Context {
    fn load(name: &str) -> Self {
        let v: Value = serde_json::from_str(&read(name, "context.json")).unwrap();
        let creds = &v["credentials"];
        let token = creds["token"].as_str();
        Self {
            credentials: Credentials::new(
                creds["access_key_id"].as_str().unwrap(),
                creds["secret_access_key"].as_str().unwrap(),
                token,
            )
            .unwrap(),
            token: token.map(str::to_owned),
            scope: Scope::new(v["region"].as_str().unwrap(), v["service"].as_str().unwrap())
                .unwrap(),
            time: time(v["timestamp"].as_str().unwrap()),
            expires: Duration::from_secs(v["expiration_in_seconds"].as_u64().unwrap()),
            normalize: v["normalize"].as_bool().unwrap(),
            sign_body: v["sign_body"].as_bool().unwrap(),
            omit_session_token: v["omit_session_token"].as_bool().unwrap_or(false),
        }
    }

    /// A smithy-rs case's parameters (long-term credentials, header signing only).
    fn smithy(akid: &str, secret: &str, region: &str, service: &str, at: &str) -> Self {
        Self {
            credentials: Credentials::new(akid, secret, None).unwrap(),
            token: None,
            scope: Scope::new(region, service).unwrap(),
            time: time(at),
            expires: Duration::from_secs(3600),
            normalize: true,
            sign_body: false,
            omit_session_token: false,
        }
    }

    fn token_mode(&self) -> SessionTokenMode {
        if self.omit_session_token { SessionTokenMode::Unsigned } else { SessionTokenMode::Signed }
    }

    fn presigner(&self) -> Presigner {
        Presigner::new(self.credentials.clone(), self.scope.clone())
            .session_token(self.token_mode())
    }

    fn verifier(&self) -> Verifier<Credentials> {
        Verifier::new(self.credentials.clone(), &self.scope).session_token(self.token_mode())
    }
}

fn time(rfc3339: &str) -> OffsetDateTime {
    OffsetDateTime::parse(rfc3339, &Rfc3339).unwrap()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Query,
    Header,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Query => "query",
            Self::Header => "header",
        })
    }
}

/// What the verifier does with a suite request.
#[derive(Clone, Copy, Debug)]
enum Verdict {
    /// Accepts it at the case's timestamp, and refuses it once one signed byte changes.
    Accepts,
    /// `InvalidRequestTarget`: the target has a `.` or `..` segment (`/example/..`, `/./`,
    /// `/./example`) or an empty one (`//`, `//example//`). Clients resolve dot segments before
    /// sending, and the canonical URI drops empty ones, so the signature covers several paths;
    /// a proxy forwarding the target raw could reach another path than was signed, so the
    /// verifier refuses them by design.
    RefusedTarget,
    /// `SignatureMismatch`: query authentication of a `POST` whose 13-byte body is signed
    /// (its hash is the canonical request's last line). `verify_request` takes no body and
    /// checks the empty payload's hash, that of every presigned URL.
    SignedBody,
}

/// Checks layers 1 to 3 against the suite's files.
fn check_layers(
    name: &str, variant: Variant, ctx: &Context, canonical: &CanonicalRequest<'_>,
    string_to_sign: &str, signature: &Signature,
) {
    assert_eq!(
        canonical.unredacted(),
        read(name, &format!("{variant}-canonical-request.txt")),
        "{name} ({variant}): layer 1, canonical request"
    );
    if let Some(token) = &ctx.token {
        // Both tokens start with ten letters and digits, the same encoded or not.
        let start = &token[..10];
        let shown = canonical.to_string();
        assert!(
            !shown.contains(start)
                && shown.contains("<redacted>") == canonical.unredacted().contains(start),
            "{name} ({variant}): layer 1, Display shows the session token"
        );
    }
    assert_eq!(
        string_to_sign,
        read(name, &format!("{variant}-string-to-sign.txt")).trim_end(),
        "{name} ({variant}): layer 2, string to sign"
    );
    assert_eq!(
        signature.to_hex(),
        read(name, &format!("{variant}-signature.txt")).trim_end(),
        "{name} ({variant}): layer 3, signature"
    );
}

/// The query parameters of a target, sorted, so that two orders compare equal (the suite's
/// files use aws-c-auth's order, which is not the canonical one).
fn sorted_params(query: &str) -> Vec<&str> {
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    params.sort_unstable();
    params
}

fn check_query_variant(name: &str, verdict: Verdict) {
    let ctx = Context::load(name);
    let request = Request::parse(&read(name, "request.txt"));
    let signed = ctx
        .presigner()
        .presign_request(&request.canonical(ctx.normalize), ctx.time, ctx.expires)
        .unwrap();
    check_layers(
        name,
        Variant::Query,
        &ctx,
        signed.canonical_request(),
        signed.string_to_sign(),
        signed.signature(),
    );

    // Layer 4: the signed request line carries the original target verbatim plus the added
    // parameters (compared as a set); headers and body are unchanged.
    let expected = Request::parse(&read(name, "query-signed-request.txt"));
    assert_eq!(
        (expected.method.as_str(), expected.version.as_deref()),
        (request.method.as_str(), Some("HTTP/1.1")),
        "{name}: layer 4, method and version"
    );
    assert_eq!(expected.path(), request.path(), "{name}: layer 4, path");
    let our_query = [request.query(), signed.query()]
        .iter()
        .filter(|q| !q.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        sorted_params(&our_query),
        sorted_params(expected.query()),
        "{name}: layer 4, signed request's query"
    );
    assert_eq!(
        (&expected.header_lines, &expected.body),
        (&request.header_lines, &request.body),
        "{name}: layer 4, headers and body"
    );

    check_presign_url(name, &ctx, &request);
    check_verifier(name, Variant::Query, &ctx, &expected, verdict);
}

/// `presign_url`'s signatures for the two URL cases whose path a client sends encoded, with
/// their canonical URI: `tests/data/url-signatures.txt` says why they differ from the suite's.
fn wire_signature(name: &str) -> Option<(&'static str, &'static str)> {
    include_str!("data/url-signatures.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split(' ').collect::<Vec<_>>())
        .find(|fields| fields[0] == name)
        .map(|fields| (fields[1], fields[2]))
}

/// The URL layer: `presign_url` on `https://{host}{target}`, for requests a URL can express.
fn check_presign_url(name: &str, ctx: &Context, request: &Request) {
    let only_host = request.headers.len() == 1 && request.headers[0].0.eq_ignore_ascii_case("host");
    if request.method != "GET" || !only_host || !ctx.normalize {
        // A URL is presigned for a GET with only `Host` signed, its path normalized (as every
        // service but S3 does); the other cases are covered by `presign_request` above.
        return;
    }
    let url = format!("https://{}{}", request.headers[0].1, request.target);
    let result = presign_url(&url, &ctx.credentials, &ctx.scope, ctx.time, ctx.expires);
    if request.path().contains("//") {
        // An empty path segment is signed as none: presign refuses such a URL.
        assert!(matches!(result, Err(Error::InvalidUrl { .. })), "{name}: {result:?}");
        return;
    }
    let presigned = result.unwrap();
    // The reusable signer gives the same URL: on first use (key derived) and warm (cached).
    let reusable = Presigner::new(ctx.credentials.clone(), ctx.scope.clone());
    for use_ in ["first use", "warm"] {
        assert_eq!(
            reusable.presign(&url, ctx.time, ctx.expires).unwrap().as_str(),
            presigned.as_str(),
            "{name}: Presigner, {use_}"
        );
    }
    let (_, query) = presigned.as_str().split_once('?').unwrap();
    let signature = query.split('&').find_map(|p| p.strip_prefix("X-Amz-Signature=")).unwrap();
    let expected = match wire_signature(name) {
        Some((canonical_uri, signature)) => {
            let (_, after_host) = presigned.as_str().split_once("amazonaws.com").unwrap();
            let wire_path = after_host.split_once('?').unwrap().0;
            assert_ne!(wire_path, request.path(), "{name}: the path is sent encoded");
            assert_eq!(
                CanonicalRequest::from_url("GET", &url).unwrap().canonical_uri(),
                canonical_uri,
                "{name}: URL layer, canonical URI"
            );
            signature.to_owned()
        }
        None => read(name, "query-signature.txt").trim_end().to_owned(),
    };
    assert_eq!(signature, expected, "{name}: URL layer, presign_url's signature");
    let verified = ctx.verifier().verify_url(presigned.as_str(), ctx.time);
    assert!(verified.is_ok(), "{name}: URL layer, verify_url: {verified:?}");
}

fn check_header_variant(name: &str, verdict: Verdict) {
    let ctx = Context::load(name);
    let request = Request::parse(&read(name, "request.txt"));
    let mut canonical = request.canonical(ctx.normalize);
    if ctx.sign_body {
        // `sign_body` (an S3 convention) adds and signs `x-amz-content-sha256`.
        let hash = canonical.payload_hash().to_owned();
        canonical = canonical.with_header("x-amz-content-sha256", &hash).unwrap().into_owned();
    }
    let signed = ctx.presigner().sign_request(&canonical, ctx.time).unwrap();
    check_layers(
        name,
        Variant::Header,
        &ctx,
        signed.canonical_request(),
        signed.string_to_sign(),
        signed.signature(),
    );

    // Layer 4: the original request plus the added headers (compared as a set of lines:
    // header order carries no meaning), then the body.
    let text = read(name, "header-signed-request.txt");
    let (expected_head, expected_body) = text.split_once("\n\n").unwrap();
    let mut expected_lines: Vec<&str> = expected_head.lines().collect();
    let mut our_lines: Vec<String> = request.header_lines.clone();
    if ctx.sign_body {
        our_lines.push(format!("x-amz-content-sha256:{}", canonical.payload_hash()));
    }
    our_lines.extend(signed.headers().map(|(n, v)| format!("{n}:{v}")));
    let request_line = format!("{} {} HTTP/1.1", request.method, request.target);
    assert_eq!(expected_lines.remove(0), request_line, "{name}: layer 4, request line");
    expected_lines.sort_unstable();
    our_lines.sort_unstable();
    assert_eq!(our_lines, expected_lines, "{name}: layer 4, headers");
    assert_eq!(expected_body, request.body, "{name}: layer 4, body");

    let sent = Request::parse(&text);
    check_verifier(name, Variant::Header, &ctx, &sent, verdict);
}

/// Layer 5: the verifier on the suite's signed request `sent`.
fn check_verifier(name: &str, variant: Variant, ctx: &Context, sent: &Request, verdict: Verdict) {
    let verifier = ctx.verifier();
    let result = verify(&verifier, variant, sent, ctx.time);
    let label = format!("{name} ({variant}): layer 5, verifier");
    match verdict {
        Verdict::Accepts => {
            let accepted = result.unwrap_or_else(|e| panic!("{label}: refused: {e:?}"));
            check_verified(&label, variant, ctx, sent, &accepted);
            check_tampered(&label, variant, ctx, &verifier, sent);
        }
        Verdict::RefusedTarget => assert!(
            matches!(result, Err(Error::InvalidRequestTarget { .. })),
            "{label}: expected InvalidRequestTarget, got {result:?}"
        ),
        Verdict::SignedBody => {
            assert_eq!(result.unwrap_err(), Error::SignatureMismatch, "{label}: {verdict:?}");
        }
    }
}

fn verify(
    verifier: &Verifier<Credentials>, variant: Variant, sent: &Request, now: OffsetDateTime,
) -> Result<Verified, Error> {
    let headers: Vec<(&str, &str)> =
        sent.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    match variant {
        Variant::Query => verifier.verify_request(&sent.method, &sent.target, &headers, now),
        Variant::Header => {
            verifier.verify_headers(&sent.method, &sent.target, &headers, sent.body.as_bytes(), now)
        }
    }
}

/// The authentication parameters, which `Verified::query` leaves out.
const AUTH_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
];

/// What an accepted request's `Verified` says, against the case and the request itself.
fn check_verified(label: &str, variant: Variant, ctx: &Context, sent: &Request, v: &Verified) {
    let has_token = ctx.token.is_some();
    let mut own_query: Vec<(String, String)> = sent
        .query()
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| item.split_once('=').unwrap_or((item, "")))
        .filter(|(key, _)| !AUTH_PARAMS.contains(key))
        .map(|(key, value)| (percent_decode(key), percent_decode(value)))
        .collect();
    // `Verified::query` lists them in canonical order: by encoded key, then value.
    own_query
        .sort_by_key(|(key, value)| (sigv4_wss::uri_encode(key), sigv4_wss::uri_encode(value)));
    assert_eq!(
        (
            v.access_key_id(),
            v.scope(),
            v.signed_at().time(),
            v.expires(),
            v.has_session_token(),
            v.session_token_signed(),
            v.host(),
            v.path(),
            v.query(),
        ),
        (
            ctx.credentials.access_key_id(),
            &ctx.scope,
            ctx.time,
            (variant == Variant::Query).then_some(ctx.expires),
            has_token,
            has_token && !ctx.omit_session_token,
            sent.header("host").unwrap(),
            sent.path(),
            own_query.as_slice(),
        ),
        "{label}: Verified"
    );
}

/// Percent-decodes `s` (a `+` stays a plus) and reads the bytes as UTF-8.
fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next().unwrap(), bytes.next().unwrap()];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap()
}

/// `s` with one byte changed: its last ASCII digit (or, without one, its last ASCII letter)
/// replaced by the next of its kind; without either, its last non-ASCII character replaced by
/// the next one (`ሴ`, E1 88 B4, becomes `ስ`, E1 88 B5).
fn tweak(s: &str) -> Option<String> {
    let Some(at) = s
        .bytes()
        .rposition(|b| b.is_ascii_digit())
        .or_else(|| s.bytes().rposition(|b| b.is_ascii_alphabetic()))
    else {
        let (at, c) = s.char_indices().rfind(|(_, c)| !c.is_ascii())?;
        let next = char::from_u32(u32::from(c) + 1)?;
        return Some(format!("{}{next}{}", &s[..at], &s[at + c.len_utf8()..]));
    };
    let mut bytes = s.as_bytes().to_vec();
    bytes[at] = match bytes[at] {
        b'9' => b'0',
        b'z' => b'a',
        b'Z' => b'A',
        b => b + 1,
    };
    String::from_utf8(bytes).ok()
}

/// A 64-hex-digit signature with its first digit changed to another hex digit.
fn tweak_hex(signature: &str) -> String {
    let first = match signature.as_bytes()[0] {
        b'9' => 'a',
        b'f' => '0',
        b => char::from(b + 1),
    };
    format!("{first}{}", &signature[1..])
}

/// What a changed request gives.
#[derive(Debug)]
enum Tampered {
    /// `SignatureMismatch`: the byte is signed.
    Mismatch,
    /// `SessionTokenMismatch`: the byte is in a session token that is not signed.
    TokenMismatch,
}

/// The request's signed header names: `X-Amz-SignedHeaders` or `Authorization`'s field.
fn signed_header_names(variant: Variant, sent: &Request) -> Vec<String> {
    let list = match variant {
        Variant::Query => sent.param("X-Amz-SignedHeaders").unwrap().replace("%3B", ";"),
        Variant::Header => {
            let authorization = sent.header("authorization").unwrap();
            let (_, rest) = authorization.split_once("SignedHeaders=").unwrap();
            rest.split(',').next().unwrap().to_owned()
        }
    };
    list.split(';').map(str::to_owned).collect()
}

/// An accepted request changed in one byte: its signature, its path, each query value, each
/// header value and its body (header variant), each on its own.
fn check_tampered(
    label: &str, variant: Variant, ctx: &Context, verifier: &Verifier<Credentials>, sent: &Request,
) {
    let signed_headers = signed_header_names(variant, sent);
    let mut cases: Vec<(String, Request, Tampered)> = Vec::new();
    let with_target = |target: String| Request { target, ..sent.clone() };

    // The signature.
    match variant {
        Variant::Query => {
            let signature = sent.param("X-Amz-Signature").unwrap();
            let target = sent.target.replace(signature, &tweak_hex(signature));
            cases.push(("signature".into(), with_target(target), Tampered::Mismatch));
        }
        Variant::Header => {
            let mut changed = sent.clone();
            let (_, value) = changed
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .unwrap();
            let (head, signature) = value.split_once("Signature=").unwrap();
            *value = format!("{head}Signature={}", tweak_hex(signature));
            cases.push(("signature".into(), changed, Tampered::Mismatch));
        }
    }
    // The path.
    if let Some(path) = tweak(sent.path()) {
        let query = sent.target.strip_prefix(sent.path()).unwrap();
        cases.push(("path".into(), with_target(path + query), Tampered::Mismatch));
    }
    // Each query parameter's value (its key if the value has no letter or digit), but those
    // whose change is refused for its form before the signature is checked.
    let items: Vec<&str> = sent.query().split('&').collect();
    for (i, item) in items.iter().enumerate() {
        let (key, value) = item.split_once('=').unwrap_or((item, ""));
        if item.is_empty()
            || matches!(
                key,
                "X-Amz-Algorithm" | "X-Amz-Credential" | "X-Amz-SignedHeaders" | "X-Amz-Signature"
            )
        {
            continue;
        }
        let changed = match tweak(value) {
            Some(value) => format!("{key}={value}"),
            None => format!("{}={value}", tweak(key).unwrap()),
        };
        let mut new_items = items.clone();
        new_items[i] = &changed;
        let target = format!("{}?{}", sent.path(), new_items.join("&"));
        let expect = if key == "X-Amz-Security-Token" && ctx.omit_session_token {
            Tampered::TokenMismatch
        } else {
            Tampered::Mismatch
        };
        cases.push((format!("query parameter {key}"), with_target(target), expect));
    }
    // Each header's value but Authorization's.
    for (i, (name, value)) in sent.headers.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" {
            continue;
        }
        let expect = if signed_headers.contains(&lower) {
            Tampered::Mismatch
        } else {
            assert_eq!(lower, "x-amz-security-token", "{label}: an unsigned header");
            Tampered::TokenMismatch
        };
        let mut changed = sent.clone();
        changed.headers[i].1 = tweak(value).unwrap();
        cases.push((format!("header {name}"), changed, expect));
    }
    // The body, which only header authentication signs here.
    if variant == Variant::Header && !sent.body.is_empty() {
        let changed = Request { body: tweak(&sent.body).unwrap(), ..sent.clone() };
        cases.push(("body".into(), changed, Tampered::Mismatch));
    }

    assert!(cases.len() >= 3, "{label}: too few changes to try");
    for (what, changed, expect) in cases {
        let result = verify(verifier, variant, &changed, ctx.time);
        let ok = match expect {
            Tampered::Mismatch => matches!(result, Err(Error::SignatureMismatch)),
            Tampered::TokenMismatch => matches!(result, Err(Error::SessionTokenMismatch { .. })),
        };
        assert!(ok, "{label}: one byte of the {what} changed: expected {expect:?}, got {result:?}");
    }
}

macro_rules! suite {
    ($($module:ident => $case:literal, query: $query:ident, header: $header:ident;)*) => {
        $(
            mod $module {
                #[test]
                fn query() {
                    super::check_query_variant($case, super::Verdict::$query);
                }

                #[test]
                fn header() {
                    super::check_header_variant($case, super::Verdict::$header);
                }
            }
        )*

        #[test]
        fn every_case_on_disk_has_a_test() {
            let mut on_disk: Vec<String> = std::fs::read_dir(suite_dir())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            on_disk.sort();
            let mut listed = vec![$($case.to_owned(),)* "double-encode-path".to_owned(), "double-url-encode".to_owned()];
            listed.sort();
            assert_eq!(listed, on_disk);
            assert_eq!(listed.len(), 40);
        }
    };
}

suite! {
    get_header_key_duplicate => "get-header-key-duplicate", query: Accepts, header: Accepts;
    get_header_value_multiline => "get-header-value-multiline", query: Accepts, header: Accepts;
    get_header_value_order => "get-header-value-order", query: Accepts, header: Accepts;
    get_header_value_trim => "get-header-value-trim", query: Accepts, header: Accepts;
    get_relative_normalized => "get-relative-normalized", query: RefusedTarget, header: RefusedTarget;
    get_relative_relative_normalized => "get-relative-relative-normalized",
        query: RefusedTarget, header: RefusedTarget;
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
        query: RefusedTarget, header: RefusedTarget;
    get_relative_unnormalized => "get-relative-unnormalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slash_normalized => "get-slash-normalized", query: RefusedTarget, header: RefusedTarget;
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slash_unnormalized => "get-slash-unnormalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slashes_normalized => "get-slashes-normalized",
        query: RefusedTarget, header: RefusedTarget;
    get_slashes_unnormalized => "get-slashes-unnormalized",
        query: RefusedTarget, header: RefusedTarget;
    // A raw space in the target: the verifier reads the target it is given (an HTTP server
    // would refuse the request line first) and encodes the space as the signer did.
    get_space_normalized => "get-space-normalized", query: Accepts, header: Accepts;
    // Unnormalized, but normalizing `/example space/` changes nothing.
    get_space_unnormalized => "get-space-unnormalized", query: Accepts, header: Accepts;
    get_unreserved => "get-unreserved", query: Accepts, header: Accepts;
    // Raw UTF-8 in the path: encoded by byte, as the signer did.
    get_utf8 => "get-utf8", query: Accepts, header: Accepts;
    get_vanilla => "get-vanilla", query: Accepts, header: Accepts;
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key", query: Accepts, header: Accepts;
    get_vanilla_query => "get-vanilla-query", query: Accepts, header: Accepts;
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
        query: Accepts, header: Accepts;
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
        query: Accepts, header: Accepts;
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
        query: Accepts, header: Accepts;
    get_vanilla_utf8_query => "get-vanilla-utf8-query", query: Accepts, header: Accepts;
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
        query: Accepts, header: Accepts;
    post_header_key_case => "post-header-key-case", query: Accepts, header: Accepts;
    post_header_key_sort => "post-header-key-sort", query: Accepts, header: Accepts;
    post_header_value_case => "post-header-value-case", query: Accepts, header: Accepts;
    // The session token unsigned (`omit_session_token`), sent in the query / a header.
    post_sts_header_after => "post-sts-header-after", query: Accepts, header: Accepts;
    post_sts_header_before => "post-sts-header-before", query: Accepts, header: Accepts;
    post_vanilla => "post-vanilla", query: Accepts, header: Accepts;
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
        query: Accepts, header: Accepts;
    post_vanilla_query => "post-vanilla-query", query: Accepts, header: Accepts;
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
        query: SignedBody, header: Accepts;
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
        query: SignedBody, header: Accepts;
}

/// The two smithy-rs cases are header-only and carry `X-Amz-Date` in request.txt, which the
/// signer adds itself: build the request without it and sign it.
fn sign_double_case(name: &str, ctx: &Context) -> sigv4_wss::SignedRequest {
    let request = Request::parse(&read(name, "request.txt"));
    let mut canonical = CanonicalRequest::new(&request.method, request.path()).unwrap();
    for (n, v) in request.headers.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("x-amz-date")) {
        canonical = canonical.with_header(n, v).unwrap();
    }
    ctx.presigner().sign_request(&canonical, ctx.time).unwrap()
}

/// Layers 3 and 4 of a smithy-rs case: the signature is the one in the suite's `Authorization`,
/// and the signed request's headers are request.txt's plus the ones added (compared as a set of
/// lowercase names and trimmed values; the files differ in spacing after `:`).
fn check_double_signed_request(name: &str, ctx: &Context, sent: &Request) {
    let request = Request::parse(&read(name, "request.txt"));
    let signed = sign_double_case(name, ctx);
    let authorization = sent.header("authorization").unwrap();
    let (_, expected_signature) = authorization.split_once("Signature=").unwrap();
    assert_eq!(signed.signature().to_hex(), expected_signature, "{name}: layer 3");
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str(), sent.body.as_str()),
        (request.method.as_str(), request.target.as_str(), ""),
        "{name}: layer 4, request line and body"
    );
    let normal = |(n, v): (&str, &str)| (n.to_ascii_lowercase(), v.trim().to_owned());
    let mut expected: Vec<_> = sent.headers.iter().map(|(n, v)| normal((n, v))).collect();
    let mut ours: Vec<_> = request
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("x-amz-date"))
        .map(|(n, v)| normal((n, v)))
        .chain(signed.headers().map(normal))
        .collect();
    expected.sort();
    ours.sort();
    assert_eq!(ours, expected, "{name}: layer 4, headers");
}

/// smithy-rs's `double-url-encode`: a Lambda path whose `%3A` escapes are encoded again to
/// `%253A`. Parameters from the suite's README: AKIDEXAMPLE, `20210511T154045Z`, us-east-2,
/// lambda. `header-string-to-sign.txt` ends in a newline that is not part of the string; the
/// signed request's line has no ` HTTP/1.1`.
#[test]
fn double_url_encode() {
    let name = "double-url-encode";
    let ctx = Context::smithy(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "us-east-2",
        "lambda",
        "2021-05-11T15:40:45Z",
    );
    let signed = sign_double_case(name, &ctx);
    assert_eq!(
        signed.canonical_request().unredacted(),
        read(name, "header-canonical-request.txt"),
        "layer 1"
    );
    assert_eq!(
        signed.string_to_sign(),
        read(name, "header-string-to-sign.txt").trim_end(),
        "layer 2"
    );
    let sent = Request::parse(&read(name, "header-signed-request.txt"));
    assert_eq!(sent.version, None);
    check_double_signed_request(name, &ctx, &sent);
    check_verifier(name, Variant::Header, &ctx, &sent, Verdict::Accepts);
}

/// smithy-rs's `double-encode-path`: API Gateway's `@connections/{id}=` path, sent as
/// `/test/@connections/JBDvjfGEIAMCERw%3D`, signs as `/test/%40connections/JBDvjfGEIAMCERw%253D`.
/// Its files disagree with each other (see the data README): the canonical request was made
/// at `20210511T154045Z`, the signed request with ANOTREAL / notrealrnrELgWzOk3IfjzDKtFBhDby
/// at `20150830T123600Z`, us-east-1, `service`. Both are checked.
#[test]
fn double_encode_path() {
    let name = "double-encode-path";
    let at = |time| {
        Context::smithy("ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby", "us-east-1", "service", time)
    };
    let signed = sign_double_case(name, &at("2021-05-11T15:40:45Z"));
    assert_eq!(
        signed.canonical_request().unredacted(),
        read(name, "header-canonical-request.txt"),
        "layer 1"
    );
    let ctx = at("2015-08-30T12:36:00Z");
    let sent = Request::parse(&read(name, "header-signed-request.txt"));
    assert_eq!(sent.version.as_deref(), Some("HTTP/1.1"));
    check_double_signed_request(name, &ctx, &sent);
    check_verifier(name, Variant::Header, &ctx, &sent, Verdict::Accepts);
}
