//! Builds `CanonicalRequest`s from arbitrary parts (`new`, `with_path_normalization`,
//! `with_query`, `with_query_param`, `with_header`, `with_payload`, `with_payload_hash`) and
//! signs them with `sign_request`, `Presigner::sign_request` and `Presigner::presign_request`.
//!
//! Checks that nothing panics; that the builders accept exactly RFC 9110 tokens as method and
//! header names and header values without control characters but tab, CR and LF; that the
//! canonical request is byte for byte the one modelled here from SigV4's rules (method, path
//! normalized and encoded once more, query decoded, encoded and sorted, headers lowercased,
//! trimmed, folded, merged and sorted, signed headers, payload hash), so that no input adds or
//! removes a line; that signing adds exactly the `X-Amz-*` parameters or headers and refuses
//! the reserved ones; that `unredacted()` hashes to `sha256()`; that the string to sign is the
//! one written here and the signature is `SigningKey::derive(..).sign(StringToSign::new(..))`;
//! that the free `sign_request` and a presigner agree; and that `Display` and `Debug` of the
//! requests and signing results do not depend on the session token's value (everything is
//! done twice, with two tokens of one shape), while the signature does exactly when the token
//! is signed.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use arbitrary::Arbitrary;
use common::{SECRET, encode, encode_with, reencode, split_query};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest as _, Sha256};
use sigv4_wss::{
    AmzDate, CanonicalRequest, CredentialScope, Credentials, EMPTY_PAYLOAD_SHA256, Error,
    Presigner, Scope, SessionTokenMode, SigningKey, StringToSign, sign_request,
};
use time::OffsetDateTime;

/// Two session tokens of one shape: outputs that hide the token are equal for both.
const TOKENS: [&str; 2] = ["FQoGZXIvYXdzE/token+AAAA==", "FQoGZXIvYXdzE/token+BBBB=="];
const SERVICES: [&str; 5] = ["execute-api", "iotdevicegateway", "transcribe", "neptune-db", "s3"];
const AUTH_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
];

#[derive(Arbitrary, Debug)]
enum Payload<'a> {
    Empty,
    Body(&'a [u8]),
    Hash(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    path: &'a str,
    normalize: Option<bool>,
    query: &'a str,
    params: Vec<(&'a str, &'a str)>,
    headers: Vec<(&'a str, &'a str)>,
    payload: Payload<'a>,
    /// The credentials have the session token.
    with_token: bool,
    /// The request itself carries the token as a query parameter or header (signing then
    /// refuses the parameter, and `sign_request` the header).
    token_in_query: bool,
    token_in_header: bool,
    mode: u8,
    service: u8,
    expires: u32,
    unix: u32,
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// SigV4's path normalization: `.` and empty segments dropped, `..` removes the segment
/// before it; a trailing `/` kept; `/` when nothing is left.
fn normalized(path: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            s => kept.push(s),
        }
    }
    let mut out: String = kept.iter().map(|s| format!("/{s}")).collect();
    if kept.is_empty() || path.ends_with('/') {
        out.push('/');
    }
    out
}

/// The model of a canonical request: what SigV4 says each line is.
#[derive(Clone)]
struct Model {
    method: String,
    uri: String,
    query: Vec<(String, String)>,
    headers: BTreeMap<String, Vec<String>>,
    payload_hash: String,
}

impl Model {
    fn text(&self) -> String {
        let mut query = self.query.clone();
        query.sort();
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let headers: String =
            self.headers.iter().map(|(n, v)| format!("{n}:{}\n", v.join(","))).collect();
        format!(
            "{}\n{}\n{}\n{headers}\n{}\n{}",
            self.method,
            self.uri,
            query.join("&"),
            self.signed_headers(),
            self.payload_hash
        )
    }

    fn signed_headers(&self) -> String {
        self.headers.keys().cloned().collect::<Vec<_>>().join(";")
    }

    /// Whether `name` is one of the request's query keys and an authentication parameter's
    /// name in some letter case.
    fn is_auth_param(&self, name: &str) -> bool {
        AUTH_PARAMS.iter().any(|a| a.eq_ignore_ascii_case(name))
            && self.query.iter().any(|(k, _)| k == name)
    }

    fn has_auth_param(&self) -> Option<&str> {
        self.query
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| AUTH_PARAMS.iter().any(|a| a.eq_ignore_ascii_case(k)))
    }
}

/// Builds the request from the input (with `token` where the input puts it), checking each
/// builder's acceptance, and its model.
fn build<'a>(input: &Input<'a>, token: &'a str) -> Option<(CanonicalRequest<'a>, Model)> {
    let request = CanonicalRequest::new(input.method, input.path);
    assert_eq!(request.is_ok(), is_token(input.method), "method {:?}", input.method);
    let mut request = request.ok()?;
    let normalize = input.normalize.unwrap_or(true);
    if let Some(normalize) = input.normalize {
        request = request.with_path_normalization(normalize);
    }
    let uri_path = if normalize { normalized(input.path) } else { input.path.to_owned() };
    let uri =
        if uri_path.is_empty() { "/".to_owned() } else { encode_with(uri_path.as_bytes(), true) };
    let mut model = Model {
        method: input.method.to_owned(),
        uri,
        query: Vec::new(),
        headers: BTreeMap::new(),
        payload_hash: EMPTY_PAYLOAD_SHA256.to_owned(),
    };
    request = request.with_query(input.query);
    model.query.extend(split_query(input.query).iter().map(|(k, v)| (reencode(k), reencode(v))));
    for (key, value) in &input.params {
        request = request.with_query_param(key, value);
        model.query.push((encode(key), encode(value)));
    }
    if input.token_in_query {
        request = request.with_query_param("X-Amz-Security-Token", token);
        model.query.push(("X-Amz-Security-Token".to_owned(), encode(token)));
    }
    let token_header = [("X-Amz-Security-Token", token)];
    let extra = if input.token_in_header { &token_header[..] } else { &[] };
    for &(name, value) in input.headers.iter().chain(extra) {
        let name_ok = is_token(name);
        let value_ok = !value.bytes().any(|b| b.is_ascii_control() && !b"\t\r\n".contains(&b));
        match request.clone().with_header(name, value) {
            Ok(next) => {
                assert!(name_ok && value_ok, "header {name:?}: {value:?} accepted");
                request = next;
                let value = value.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
                model.headers.entry(name.to_ascii_lowercase()).or_default().push(value);
            }
            Err(Error::InvalidHeaderName { .. }) => assert!(!name_ok),
            Err(Error::InvalidHeaderValue { .. }) => assert!(name_ok && !value_ok),
            Err(e) => panic!("with_header: {e:?}"),
        }
    }
    match input.payload {
        Payload::Empty => {}
        Payload::Body(body) => {
            request = request.with_payload(body);
            model.payload_hash = hex(&Sha256::digest(body));
        }
        Payload::Hash(hash) => {
            request = request.with_payload_hash(hash);
            model.payload_hash = hash.to_owned();
        }
    }
    Some((request, model))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a canonical request against its model and returns what it shows.
fn check_request(request: &CanonicalRequest<'_>, model: &Model) -> String {
    let text = request.unredacted();
    assert_eq!(text, model.text(), "canonical request");
    if !model.payload_hash.contains('\n') {
        assert_eq!(text.split('\n').count(), 6 + model.headers.len(), "line structure");
        assert_eq!(request.to_string().split('\n').count(), 6 + model.headers.len());
    }
    assert_eq!(request.canonical_uri(), model.uri);
    assert_eq!(request.signed_headers(), model.signed_headers());
    assert_eq!(request.payload_hash(), model.payload_hash);
    let hashed: [u8; 32] = Sha256::digest(text.as_bytes()).into();
    assert_eq!(hashed, request.sha256(), "unredacted() and sha256() disagree");
    let owned = request.clone().into_owned();
    assert!(owned == *request && owned.unredacted() == text);
    format!("{request}|{request:?}")
}

/// What one run (with one token) shows, and the signatures it made.
#[derive(Default)]
struct Run {
    shown: Vec<String>,
    signatures: Vec<[u8; 32]>,
    /// The canonical requests hashed, exact, and whether this target put the token in them
    /// (the fuzzer may write either token anywhere: it learns them from comparisons).
    exact: Vec<(String, bool)>,
}

fn run(input: &Input<'_>, token: &str) -> Option<Run> {
    let (request, model) = build(input, token)?;
    let mut out = Run::default();
    out.shown.push(check_request(&request, &model));
    let token_in_request = input.token_in_query || input.token_in_header;
    out.exact.push((request.unredacted(), token_in_request));

    let service = SERVICES[usize::from(input.service) % SERVICES.len()];
    let scope = Scope::new("eu-west-1", service).expect("valid");
    let credentials =
        Credentials::new("AKIDEXAMPLE", SECRET, input.with_token.then_some(token)).expect("valid");
    let mode =
        [SessionTokenMode::ServiceDefault, SessionTokenMode::Signed, SessionTokenMode::Unsigned]
            [usize::from(input.mode % 3)];
    let presigner = Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
    let time = OffsetDateTime::from_unix_timestamp(i64::from(input.unix)).expect("1970 to 2106");
    let expires = Duration::from_secs(u64::from(input.expires % 700_000));

    let date = AmzDate::new(time).expect("1970 to 2106");
    let (year, month, day) = (time.year(), u8::from(time.month()), time.day());
    let (h, m, s) = time.to_hms();
    let ymd = format!("{year:04}{month:02}{day:02}");
    let amz_date = format!("{ymd}T{h:02}{m:02}{s:02}Z");
    assert_eq!(date.date_time(), amz_date);
    let credential_scope = format!("{ymd}/eu-west-1/{service}/aws4_request");
    let key = SigningKey::derive(SECRET, &ymd, "eu-west-1", service);
    // The string to sign as SigV4 writes it, and the signature from the building blocks.
    let check_signing = |canonical: &CanonicalRequest<'_>, sts_text: &str| {
        let hash = canonical.sha256();
        let want = format!("AWS4-HMAC-SHA256\n{amz_date}\n{credential_scope}\n{}", hex(&hash));
        assert_eq!(sts_text, want, "string to sign");
        let sts = StringToSign::new(&date, CredentialScope::new(&date, &scope), &hash);
        assert_eq!(sts.to_string(), want);
        key.sign(&sts)
    };

    // Query signing.
    let max = if service == "transcribe" { 300 } else { 604_800 };
    let token_signed = input.with_token
        && match mode {
            SessionTokenMode::Signed => true,
            SessionTokenMode::Unsigned => false,
            _ => service != "iotdevicegateway",
        };
    match presigner.presign_request(&request, time, expires) {
        Ok(presigned) => {
            assert!((1..=max).contains(&(input.expires % 700_000)));
            assert!(model.has_auth_param().is_none());
            let signed_headers = encode(&model.signed_headers());
            let mut signed = model.clone();
            signed.query.extend(
                [
                    ("X-Amz-Algorithm", "AWS4-HMAC-SHA256".to_owned()),
                    ("X-Amz-Credential", encode(&format!("AKIDEXAMPLE/{credential_scope}"))),
                    ("X-Amz-Date", amz_date.clone()),
                    ("X-Amz-Expires", expires.as_secs().to_string()),
                    ("X-Amz-SignedHeaders", signed_headers.clone()),
                ]
                .map(|(k, v)| (k.to_owned(), v)),
            );
            if token_signed {
                signed.query.push(("X-Amz-Security-Token".to_owned(), encode(token)));
            }
            let canonical = presigned.canonical_request();
            out.shown.push(check_request(canonical, &signed));
            out.exact.push((canonical.unredacted(), token_in_request || token_signed));
            let signature = check_signing(canonical, presigned.string_to_sign());
            assert!(*presigned.signature() == signature, "presign_request's signature");
            let token_param = if input.with_token {
                format!("&X-Amz-Security-Token={}", encode(token))
            } else {
                String::new()
            };
            let query = format!(
                "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={amz_date}\
                 &X-Amz-Expires={}&X-Amz-SignedHeaders={signed_headers}\
                 &X-Amz-Signature={}{token_param}",
                encode(&format!("AKIDEXAMPLE/{credential_scope}")),
                expires.as_secs(),
                signature.to_hex(),
            );
            assert_eq!(presigned.query(), query, "presign_request's query");
            out.shown.push(format!("{presigned:?}|{:?}", presigned.signature()));
            out.signatures.push(*signature.as_bytes());
        }
        Err(Error::ExpiresOutOfRange { seconds, .. }) => {
            assert!(
                !(1..=max).contains(&(input.expires % 700_000)) && seconds == expires.as_secs()
            );
        }
        Err(Error::ReservedParameter { name }) => {
            assert!((1..=max).contains(&(input.expires % 700_000)));
            assert!(model.is_auth_param(&name), "{name}");
        }
        Err(e) => panic!("presign_request: {e:?}"),
    }

    // Header signing, by the free function (the service's token rule) and the presigner.
    let reserved = ["authorization", "x-amz-date", "x-amz-security-token"];
    let has_reserved_header = model.headers.keys().any(|n| reserved.contains(&n.as_str()));
    let free = sign_request(&request, &credentials, &scope, time);
    let by_presigner = presigner.sign_request(&request, time);
    // Headers sign the token unless the presigner says Unsigned.
    match (&free, &by_presigner) {
        (Ok(a), Ok(b)) => {
            let same = !(input.with_token && mode == SessionTokenMode::Unsigned);
            assert_eq!(a.signature() == b.signature(), same, "free and presigner's sign_request");
        }
        (a, b) => assert_eq!(a.as_ref().err(), b.as_ref().err()),
    }
    for (signed, mode) in [(free, SessionTokenMode::ServiceDefault), (by_presigner, mode)] {
        let signed = match signed {
            Ok(signed) => signed,
            Err(Error::ReservedParameter { name }) => {
                assert!(model.is_auth_param(&name), "{name}");
                continue;
            }
            Err(Error::ReservedHeader { name }) => {
                assert!(model.has_auth_param().is_none() && reserved.contains(&name.as_str()));
                assert!(model.headers.contains_key(&name), "{name}");
                continue;
            }
            Err(e) => panic!("sign_request: {e:?}"),
        };
        assert!(model.has_auth_param().is_none() && !has_reserved_header);
        let mut with_auth = model.clone();
        with_auth.headers.insert("x-amz-date".to_owned(), vec![amz_date.clone()]);
        let header_token_signed = input.with_token && mode != SessionTokenMode::Unsigned;
        if header_token_signed {
            with_auth.headers.insert("x-amz-security-token".to_owned(), vec![token.to_owned()]);
        }
        let canonical = signed.canonical_request();
        out.shown.push(check_request(canonical, &with_auth));
        out.exact.push((canonical.unredacted(), token_in_request || header_token_signed));
        let signature = check_signing(canonical, signed.string_to_sign());
        assert!(*signed.signature() == signature, "sign_request's signature");
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{credential_scope}, \
             SignedHeaders={}, Signature={}",
            with_auth.signed_headers(),
            signature.to_hex()
        );
        assert_eq!(signed.authorization(), authorization);
        assert_eq!(signed.x_amz_date(), amz_date);
        assert_eq!(signed.session_token(), input.with_token.then_some(token));
        let headers: Vec<(&str, &str)> = signed.headers().collect();
        let mut want = Vec::new();
        if input.with_token {
            want.push(("X-Amz-Security-Token", token));
        }
        want.extend([("X-Amz-Date", amz_date.as_str()), ("Authorization", authorization.as_str())]);
        assert_eq!(headers, want);
        out.shown.push(format!("{signed:?}|{:?}", signed.signature()));
        out.signatures.push(*signature.as_bytes());
    }
    Some(out)
}

fuzz_target!(|input: Input<'_>| {
    let Some(first) = run(&input, TOKENS[0]) else {
        return;
    };
    let second = run(&input, TOKENS[1]).expect("the token changes no builder's decision");
    // What is shown does not depend on the token's value; what is hashed does exactly when the
    // token is in the request.
    assert_eq!(first.shown, second.shown, "a Display or Debug shows the session token");
    for ((a, token_in), (b, _)) in first.exact.iter().zip(&second.exact) {
        assert_eq!(a == b, !token_in, "the exact bytes differ exactly by the token");
    }
    for ((a, b), (_, token_in)) in
        first.signatures.iter().zip(&second.signatures).zip(first.exact.iter().skip(1))
    {
        assert_eq!(a == b, !token_in, "the signature covers the token exactly when signed");
    }
});
