//! Builds `CanonicalRequest`s from arbitrary parts (`new`, `with_path_normalization`,
//! `with_query`, `with_query_param`, `with_header`, `with_payload`) and signs them with
//! `presign_request` and `sign_headers`.
//!
//! Placeholder for the `verify` target: once `sigv4_wss::verify` lands, a `verify` target
//! (verifying arbitrary URLs, and presigned URLs after arbitrary edits) takes its place
//! beside this one. Until then no verify target exists, rather than a fake one.
//!
//! Checks: no panic; the canonical request always has its six-part line structure (no input
//! can add or remove a line: paths and queries are encoded, header values are folded, names
//! and the method are tokens); `Display` and `sha256` agree; the redacted form and `Debug`
//! never show the session token; signing either way gives the same signature as the
//! `SigningKey` building blocks.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest as _, Sha256};
use sigv4_wss::{
    AmzDate, CanonicalRequest, CredentialScope, Credentials, Scope, SigningKey, SigningOptions,
    StringToSign, presign_request, sign_headers,
};
use time::OffsetDateTime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FUZZ-SESSION-TOKEN-0123456789";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    path: &'a str,
    normalize: bool,
    query: &'a str,
    params: Vec<(&'a str, &'a str)>,
    headers: Vec<(&'a str, &'a str)>,
    payload: Option<&'a [u8]>,
    with_token: bool,
    expires: u32,
    unix: u32,
}

fuzz_target!(|input: Input<'_>| {
    let Ok(mut request) = CanonicalRequest::new(input.method, input.path) else {
        return;
    };
    request = request
        .with_path_normalization(input.normalize)
        .with_query(input.query);
    for (key, value) in &input.params {
        request = request.with_query_param(key, value);
    }
    for (name, value) in &input.headers {
        match request.clone().with_header(name, value) {
            Ok(next) => request = next,
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    if let Some(body) = input.payload {
        request = request.with_payload(body);
    }

    let text = request.to_string();
    let lines = text.split('\n').count();
    assert_eq!(
        lines,
        6 + request.headers().len(),
        "line structure: {text:?}"
    );
    assert!(text.starts_with(request.method()));
    assert!(text.ends_with(request.payload_hash()));
    let hashed_text: [u8; 32] = Sha256::digest(text.as_bytes()).into();
    assert_eq!(hashed_text, request.sha256(), "Display and sha256 disagree");

    let token = input.with_token.then_some(TOKEN);
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token).expect("valid credentials");
    let scope = Scope::new("us-east-1", "execute-api").expect("valid scope");
    let time = OffsetDateTime::from_unix_timestamp(i64::from(input.unix)).expect("in range");
    let expires = Duration::from_secs(u64::from(input.expires % 700_000));
    let options = SigningOptions::default();
    let date = AmzDate::new(time).expect("1970 to 2106");
    let key = SigningKey::derive(SECRET, date.date(), "us-east-1", "execute-api");

    for signed in [
        presign_request(&request, &credentials, &scope, time, expires, &options),
        sign_headers(&request, &credentials, &scope, time, &options),
    ] {
        let signed = match signed {
            Ok(signed) => signed,
            Err(e) => {
                let shown = format!("{e} {e:?}");
                assert!(!shown.is_empty() && !shown.contains(SECRET) && !shown.contains(TOKEN));
                continue;
            }
        };
        let canonical = signed.canonical_request();
        let sts = StringToSign::new(
            &date,
            CredentialScope::new(&date, &scope),
            &canonical.sha256(),
        );
        assert_eq!(signed.string_to_sign(), sts.to_string());
        assert_eq!(signed.signature(), key.sign(&sts), "signature");
        let shown = format!(
            "{signed:?} {} {:?}",
            canonical.redacted(),
            canonical.redacted()
        );
        assert!(!shown.contains(TOKEN), "the token is shown: {shown}");
        assert!(!shown.contains(SECRET));
    }
});
