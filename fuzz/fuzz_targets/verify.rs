//! Verifies arbitrary URLs, and presigned URLs after arbitrary edits.
//!
//! Checks that nothing panics; that every URL the crate presigns verifies (at its signing time,
//! with the same credentials), also with its query items in another order; that no error shows the secret key or the session token; and
//! that an edited URL is accepted only if it still asks for the same request: the same host,
//! the same normalized path as sent, and the same decoded query parameters. An edit that
//! changes what the server is asked for but still verifies would be a hole in the
//! canonicalization (`+` read as a space, a path that two clients send differently, ...).
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sigv4_wss::{Credentials, Scope, Verifier, presign_url};
use time::OffsetDateTime;
use url::Url;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "SESSION-TOKEN-IQoJb3JpZ2luX2VjEJr//////////wEaCXVz+LWVh==";
const SERVICES: [&str; 4] = [
    "execute-api",
    "iotdevicegateway",
    "transcribe",
    "neptune-db",
];
/// Bytes an edit may insert or substitute: what matters to URL parsing and canonicalization.
const EDIT_BYTES: &[u8] = b"%+ /?&=#.:@aAzZ09~-_[]^|\\'\"<>";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    raw: &'a str,
    url: &'a str,
    with_token: bool,
    service: u8,
    /// Nonzero: the presigned URL's query items are reordered (seeded by it) before the
    /// edits, as other signers order them differently (see [`shuffled`]).
    shuffle: u32,
    edits: Vec<(u16, u8, u8)>,
}

/// The URL with its query items in an order drawn from `seed` (a Fisher-Yates shuffle driven
/// by a linear congruential generator). Three seeds in four shuffle only the parameters after
/// `X-Amz-Date` and put the URL's own parameters before or after all the `X-Amz-*` ones, as
/// the signers whose orders the verifier's fast path takes do; the fourth shuffles every item
/// (the general path).
fn shuffled(url: &str, seed: u32) -> String {
    const HEAD: [&str; 3] = ["X-Amz-Algorithm=", "X-Amz-Credential=", "X-Amz-Date="];
    const TAIL: [&str; 4] = [
        "X-Amz-Expires=",
        "X-Amz-SignedHeaders=",
        "X-Amz-Signature=",
        "X-Amz-Security-Token=",
    ];
    let Some((head, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let mut state = u64::from(seed);
    let mut shuffle = |items: &mut Vec<&str>| {
        for i in (1..items.len()).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = usize::try_from(state >> 33).expect("31 bits") % (i + 1);
            items.swap(i, j);
        }
    };
    let items: Vec<&str> = query.split('&').collect();
    if seed % 4 == 3 {
        let mut all = items;
        shuffle(&mut all);
        return format!("{head}?{}", all.join("&"));
    }
    let is = |keys: &[&str], item: &str| keys.iter().any(|key| item.starts_with(key));
    let first: Vec<&str> = items.iter().copied().filter(|i| is(&HEAD, i)).collect();
    let mut tail: Vec<&str> = items.iter().copied().filter(|i| is(&TAIL, i)).collect();
    let own: Vec<&str> = items
        .iter()
        .copied()
        .filter(|i| !is(&HEAD, i) && !is(&TAIL, i))
        .collect();
    shuffle(&mut tail);
    let auth = [first, tail].concat();
    let all = if seed % 4 == 0 {
        [auth, own].concat()
    } else {
        [own, auth].concat()
    };
    format!("{head}?{}", all.join("&"))
}

/// What a server is asked for: host, normalized path as sent, and the sorted, decoded query
/// parameters without `X-Amz-Signature`.
fn request_of(url: &str) -> Option<(String, String, Vec<(Vec<u8>, Vec<u8>)>)> {
    let parsed = Url::parse(url).ok()?;
    let host = parsed[url::Position::BeforeHost..url::Position::AfterPort].to_owned();
    let mut segments: Vec<&str> = Vec::new();
    for segment in parsed.path().split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    // `verify_url` reads a URL as the presigner writes one, with `[ ] ^ |` in the path sent
    // percent-encoded (clients disagree about sending them raw); compare likewise.
    let path = segments
        .join("/")
        .replace('[', "%5B")
        .replace(']', "%5D")
        .replace('^', "%5E")
        .replace('|', "%7C");
    let mut query: Vec<(Vec<u8>, Vec<u8>)> = parsed
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (k, v) = item.split_once('=').unwrap_or((item, ""));
            (percent_decode(k.as_bytes()), percent_decode(v.as_bytes()))
        })
        .filter(|(k, _)| k.as_slice() != b"X-Amz-Signature")
        .collect();
    query.sort();
    Some((host, path, query))
}

/// Percent-decoding as SigV4 does it: `%XX` is a byte, anything else (`+` included) stays.
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%'
            && let (Some(h), Some(l)) = (
                s.get(i + 1).and_then(|&b| hex(b)),
                s.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push(u8::try_from(h * 16 + l).expect("a byte"));
            i += 3;
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn check_error_hides_secrets(error: &sigv4_wss::Error) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET), "secret in {shown}");
    assert!(!shown.contains("SESSION-TOKEN"), "token in {shown}");
}

fuzz_target!(|input: Input<'_>| {
    let credentials =
        Credentials::new("AKIDEXAMPLE", SECRET, input.with_token.then_some(TOKEN)).expect("valid");
    let service = SERVICES[usize::from(input.service) % SERVICES.len()];
    let scope = Scope::new("us-east-1", service).expect("valid");
    let signed_at = OffsetDateTime::from_unix_timestamp(1_580_464_953).expect("valid");
    let verifier = Verifier::new(credentials.clone());

    // Arbitrary input: never a panic, never a secret in an error.
    if let Err(e) = verifier.verify_url(input.raw, signed_at) {
        check_error_hides_secrets(&e);
    }

    let Ok(presigned) = presign_url(
        input.url,
        &credentials,
        &scope,
        signed_at,
        Duration::from_secs(300),
    ) else {
        return;
    };
    let presigned = presigned.into_string();
    // Every presigned URL verifies.
    if let Err(e) = verifier.verify_url(&presigned, signed_at) {
        panic!("{presigned} does not verify: {e}");
    }
    // In any order of its query items.
    let presigned = if input.shuffle == 0 {
        presigned
    } else {
        let reordered = shuffled(&presigned, input.shuffle);
        if let Err(e) = verifier.verify_url(&reordered, signed_at) {
            panic!("{reordered} (reordered) does not verify: {e}");
        }
        reordered
    };

    // Edits: (position, operation, byte). Positions are taken modulo the length, on char
    // boundaries, so the edited URL stays a `str`.
    let mut edited = presigned.clone();
    for &(position, operation, byte) in &input.edits {
        if edited.is_empty() {
            break;
        }
        let mut at = usize::from(position) % edited.len();
        while !edited.is_char_boundary(at) {
            at -= 1;
        }
        let b = char::from(EDIT_BYTES[usize::from(byte) % EDIT_BYTES.len()]);
        match operation % 3 {
            0 => edited.insert(at, b),
            1 => {
                edited.remove(at);
            }
            _ => {
                edited.remove(at);
                edited.insert(at, b);
            }
        }
    }
    let warm = verifier.verify_url(&edited, signed_at);
    match &warm {
        Ok(_) => assert_eq!(
            request_of(&edited),
            request_of(&presigned),
            "{edited} verifies but asks for another request than {presigned}"
        ),
        Err(e) => check_error_hides_secrets(e),
    }
    // The warm verifier (whose cache knows the presigned URL: its fast path and shortcuts
    // apply) decides as a fresh one, by URL and by request target.
    let fresh = Verifier::new(credentials.clone());
    assert_eq!(warm, fresh.verify_url(&edited, signed_at), "{edited}");
    if let Some((host, target)) = edited
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest.split_at(at)))
    {
        let headers = [("host", host)];
        let warm = verifier.verify_request("GET", target, &headers, signed_at);
        let fresh = Verifier::new(credentials).verify_request("GET", target, &headers, signed_at);
        assert_eq!(warm, fresh, "{target} with host {host}");
    }
});
