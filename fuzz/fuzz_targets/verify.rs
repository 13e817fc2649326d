//! Verifies arbitrary requests, and presigned URLs as they are and after arbitrary edits.
//!
//! Checks that `verify_url`, `verify_request`, `verify_headers`, `inspect` and
//! `inspect_request` never panic on arbitrary strings and never accept them (no input forges a
//! signature); that every URL a `Presigner` (fuzz-chosen service and token mode) presigns
//! verifies, by `verify_url` and by `verify_request` with its request target and `Host`, with
//! what it was signed for (access key id, scope, time, expiry, token use, host, path, the
//! decoded query in canonical order; a parameter that decodes to non-UTF-8 is refused as
//! documented), also with its query items in another order; and that after fuzz-chosen byte
//! edits (insertions, deletions, substitutions and duplications, mostly next to
//! `/ ? & = : #`), an edited URL that still verifies (by `verify_url`, or by `verify_request`
//! on the edited text split into `Host` and target without parsing) asks for the same request:
//! the same `Verified::host()`, the same path as sent (after the URL parser for `verify_url`,
//! raw for `verify_request`), and the same `Verified::query()`. No presigned URL has an empty
//! path segment (`//`, which SigV4's normalization drops). No error or inspection shows the
//! secret key or the session token.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use arbitrary::Arbitrary;
use common::{SECRET, assert_hidden, decode, encode, sent, split_query};
use libfuzzer_sys::fuzz_target;
use sigv4_wss::{
    AmzDate, Credentials, Error, Presigner, Scope, SessionTokenMode, Verified, Verifier, inspect,
    inspect_request,
};
use time::OffsetDateTime;

const TOKEN: &str = "SESSION-TOKEN-IQoJb3JpZ2luX2VjEJr//////////wEaCXVz+LWVh==";
const SERVICES: [&str; 5] =
    ["execute-api", "iotdevicegateway", "transcribe", "neptune-db", "custom-service"];
const AUTH_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
];
/// Bytes an edit may insert or substitute: what matters to URL parsing and canonicalization.
const EDIT_BYTES: &[u8] = b"%+ /?&=#.:;@aAzZ09~-_[]^|\\'\"<>\t";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    // An arbitrary request.
    raw_url: &'a str,
    method: &'a str,
    target: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    now: u32,
    // A presigned one, and its edits.
    url: &'a str,
    with_token: bool,
    service: u8,
    mode: u8,
    expires: u32,
    /// Nonzero: the query items are reordered (seeded by it) before the edits.
    shuffle: u32,
    edits: Vec<Edit>,
}

/// One byte edit of the presigned URL, at a place chosen by `place`: one in four anywhere, else
/// next to a structural byte (`/ ? & = : #`), where canonicalization matters.
#[derive(Arbitrary, Debug)]
struct Edit {
    place: u16,
    /// -1, 0 or 1 from the structural byte.
    offset: u8,
    /// Insert, delete, substitute or duplicate.
    operation: u8,
    byte: u8,
}

/// `url` after `edits`. Positions are taken on char boundaries, so the result is a `str`.
fn edit(url: &str, edits: &[Edit]) -> String {
    let mut edited = url.to_owned();
    for e in edits {
        if edited.is_empty() {
            break;
        }
        let anchors: Vec<usize> =
            edited.match_indices(['/', '?', '&', '=', ':', '#']).map(|(at, _)| at).collect();
        let place = usize::from(e.place);
        let mut at = match anchors.get(place / 4 % anchors.len().max(1)) {
            Some(&anchor) if place % 4 != 0 => {
                (anchor + usize::from(e.offset % 3)).saturating_sub(1).min(edited.len() - 1)
            }
            _ => place % edited.len(),
        };
        while !edited.is_char_boundary(at) {
            at -= 1;
        }
        let b = char::from(EDIT_BYTES[usize::from(e.byte) % EDIT_BYTES.len()]);
        match e.operation % 4 {
            0 => edited.insert(at, b),
            1 => {
                edited.remove(at);
            }
            2 => {
                edited.remove(at);
                edited.insert(at, b);
            }
            _ => {
                let c = edited[at..].chars().next().expect("at < len, on a boundary");
                edited.insert(at, c);
            }
        }
    }
    edited
}

/// The URL with its query items in an order drawn from `seed` (Fisher-Yates driven by a
/// linear congruential generator).
fn shuffled(url: &str, seed: u32) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let mut items: Vec<&str> = query.split('&').collect();
    let mut state = u64::from(seed);
    for i in (1..items.len()).rev() {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from(state >> 33).expect("31 bits") % (i + 1);
        items.swap(i, j);
    }
    format!("{head}?{}", items.join("&"))
}

/// Asserts that `edited` (verified from `path` as sent) is the request of `original`.
fn assert_same_request(edited: &Verified, original: &Verified, path: &str, what: &str) {
    assert_eq!(edited.path(), path, "{what}: Verified::path() is not the path as sent");
    assert_eq!(edited.path(), original.path(), "{what} verifies for another path");
    assert_eq!(edited.host(), original.host(), "{what} verifies for another host");
    assert_eq!(edited.query(), original.query(), "{what}: another query");
    assert_eq!(edited.access_key_id(), original.access_key_id());
    assert_eq!(edited.scope(), original.scope());
    assert_eq!(edited.signed_at(), original.signed_at());
    assert_eq!(edited.expires(), original.expires());
    assert_eq!(edited.has_session_token(), original.has_session_token());
    assert_eq!(edited.session_token_signed(), original.session_token_signed());
}

fuzz_target!(|input: Input<'_>| {
    let shown_input = format!("{input:?}");
    let encoded_token = encode(TOKEN);
    let secrets = [SECRET, TOKEN, encoded_token.as_str()];
    let hidden = |result: &Result<Verified, Error>| {
        if let Err(e) = result {
            assert!(!e.to_string().is_empty());
            assert_hidden(&format!("{e} {e:?}"), &secrets, &shown_input);
        }
    };
    let token = input.with_token.then_some(TOKEN);
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token).expect("valid");

    // Arbitrary requests: refused, without a panic or a secret shown.
    let now = OffsetDateTime::from_unix_timestamp(i64::from(input.now)).expect("1970 to 2106");
    let any = Verifier::any_scope(&credentials);
    let host = input.headers.first().map_or("", |(_, value)| *value);
    for result in [
        any.verify_url(input.raw_url, now),
        any.verify_request(input.method, input.target, &input.headers, now),
        any.verify_headers(input.method, input.target, &input.headers, input.body, now),
    ] {
        assert!(result.is_err(), "an arbitrary request verifies: {result:?}");
        hidden(&result);
    }
    for inspection in [inspect(input.raw_url), inspect_request(input.target, host)] {
        let shown = match inspection {
            Ok(inspection) => format!("{inspection} {inspection:?}"),
            Err(e) => format!("{e} {e:?}"),
        };
        assert_hidden(&shown, &secrets, &shown_input);
    }

    // A presigned URL verifies, with what it was signed for.
    let service = SERVICES[usize::from(input.service) % SERVICES.len()];
    let scope = Scope::new("us-east-1", service).expect("valid");
    let mode =
        [SessionTokenMode::ServiceDefault, SessionTokenMode::Signed, SessionTokenMode::Unsigned]
            [usize::from(input.mode % 3)];
    let token_signed = input.with_token
        && match mode {
            SessionTokenMode::Signed => true,
            SessionTokenMode::Unsigned => false,
            _ => service != "iotdevicegateway",
        };
    let max = if service == "transcribe" { 300 } else { 604_800 };
    let expires = Duration::from_secs(1 + u64::from(input.expires % max));
    let signed_at = OffsetDateTime::from_unix_timestamp(1_580_464_953).expect("valid");
    let presigner = Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
    let Ok(presigned) = presigner.presign(input.url, signed_at, expires) else {
        return;
    };
    let presigned = presigned.into_string();
    let (host, path, query) = sent(&presigned).expect("a presigned URL parses");
    let target = format!("{path}?{query}");
    // The URL's own parameters (already in canonical encoding), in canonical order (by key,
    // then value), decoded.
    let mut own: Vec<(&str, &str)> =
        split_query(&query).into_iter().filter(|(k, _)| !AUTH_PARAMS.contains(k)).collect();
    own.sort_unstable();
    let own: Vec<(Vec<u8>, Vec<u8>)> =
        own.into_iter().map(|(k, v)| (decode(k), decode(v))).collect();
    let own: Option<Vec<(String, String)>> = own
        .into_iter()
        .map(|(k, v)| Some((String::from_utf8(k).ok()?, String::from_utf8(v).ok()?)))
        .collect();
    let verifier = Verifier::new(&credentials, &scope).session_token(mode);
    let verified = verifier.verify_url(&presigned, signed_at);
    // Empty path segments vanish from the canonical URI (`/a//b` would verify as `/a/b`):
    // presign refuses them.
    assert!(!path.contains("//"), "{presigned}");
    let Some(own) = own else {
        assert!(matches!(verified, Err(Error::AmbiguousQuery { .. })), "{presigned}: {verified:?}");
        return;
    };
    let verified = verified.unwrap_or_else(|e| panic!("{presigned} does not verify: {e}"));
    assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(verified.scope(), &scope);
    assert_eq!(verified.signed_at(), AmzDate::new(signed_at).expect("valid"));
    assert_eq!(verified.expires(), Some(expires));
    assert_eq!(verified.has_session_token(), input.with_token);
    assert_eq!(verified.session_token_signed(), token_signed);
    assert_eq!((verified.host(), verified.path()), (host.as_str(), path.as_str()));
    assert_eq!(verified.query(), own);
    let headers = [("Host", host.as_str())];
    assert_eq!(
        verifier.verify_request("GET", &target, &headers, signed_at).as_ref(),
        Ok(&verified)
    );
    let by_host = Verifier::new(&credentials, &scope)
        .session_token(mode)
        .expect_host("other.example")
        .expect_host(&host.to_ascii_uppercase());
    assert_eq!(by_host.verify_url(&presigned, signed_at).as_ref(), Ok(&verified));
    let inspection = inspect(&presigned).expect("a presigned URL can be inspected");
    assert_eq!(inspection.access_key_id(), "AKIDEXAMPLE");
    assert_eq!((inspection.scope(), inspection.signed_headers()), (&scope, "host"));
    assert_eq!(inspection.expires_secs().map(u64::from), Some(expires.as_secs()));
    assert_hidden(&format!("{inspection} {inspection:?}"), &secrets, &shown_input);

    // In any order of its query items.
    let base = if input.shuffle == 0 {
        presigned
    } else {
        let reordered = shuffled(&presigned, input.shuffle);
        let again = verifier.verify_url(&reordered, signed_at);
        let again =
            again.unwrap_or_else(|e| panic!("{reordered} (reordered) does not verify: {e}"));
        assert_same_request(&again, &verified, &path, "the reordered URL");
        reordered
    };

    let edited = edit(&base, &input.edits);
    let by_url = verifier.verify_url(&edited, signed_at);
    hidden(&by_url);
    if let Ok(v) = &by_url {
        let (_, sent_path, _) = sent(&edited).expect("it verified, so it parses");
        assert_same_request(v, &verified, &sent_path, &format!("{edited} (by URL, from {base})"));
    }
    // The edited text as a server could receive it, unparsed.
    if let Some((raw_host, raw_target)) =
        edited.split_once("://").and_then(|(_, rest)| rest.find('/').map(|at| rest.split_at(at)))
    {
        let by_target =
            verifier.verify_request("GET", raw_target, &[("host", raw_host)], signed_at);
        hidden(&by_target);
        if let Ok(v) = &by_target {
            let raw_path = raw_target.split_once('?').map_or(raw_target, |(p, _)| p);
            let what = format!("{raw_target} with host {raw_host} (from {base})");
            assert_same_request(v, &verified, raw_path, &what);
        }
    }
});
