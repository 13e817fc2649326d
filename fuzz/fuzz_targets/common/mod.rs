//! What the targets share: SigV4's percent-encoding and query splitting written out here
//! from the specification (not taken from the crate), the request a URL asks for as the URL
//! parser gives it, and the check that a shown value holds no secret.
#![allow(dead_code, reason = "each target uses a part")]

use std::fmt::Write as _;

/// The secret access key of every target (the AWS documentation's example).
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// RFC 3986's unreserved characters, which SigV4 never encodes.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// SigV4's `UriEncode`: unreserved bytes (and `/` when `keep_slash`) as they are, every other
/// byte as `%XX` with uppercase hex digits.
pub fn encode_with(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// [`encode_with`] for a query key or value.
pub fn encode(s: &str) -> String {
    encode_with(s.as_bytes(), false)
}

/// Percent-decoding as SigV4 does it: `%XX` is a byte, anything else (`+` and a `%` that
/// starts no escape included) stays as it is.
pub fn decode(s: &str) -> Vec<u8> {
    let s = s.as_bytes();
    let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (hex(s.get(i + 1)), hex(s.get(i + 2)))
        {
            out.push(u8::try_from(h * 16 + l).expect("two hex digits"));
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
}

/// A raw query key or value in canonical form: decoded, then encoded.
pub fn reencode(s: &str) -> String {
    encode_with(&decode(s), false)
}

/// The items of a raw query: split at `&` (empty items skipped), then at the first `=`.
pub fn split_query(query: &str) -> Vec<(&str, &str)> {
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| item.split_once('=').unwrap_or((item, "")))
        .collect()
}

/// What a client sends for `url`, as the crate documents it: the URL parsed as browsers do
/// (WHATWG, the `url` crate), `[ ] ^ |` in the path percent-encoded, the fragment dropped.
/// Returns the `Host` header (`host[:port]`, default port left out), the path and the query.
pub fn sent(url: &str) -> Option<(String, String, String)> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed[url::Position::BeforeHost..url::Position::AfterPort].to_owned();
    let path = parsed
        .path()
        .replace('[', "%5B")
        .replace(']', "%5D")
        .replace('^', "%5E")
        .replace('|', "%7C");
    Some((host, path, parsed.query().unwrap_or("").to_owned()))
}

/// Asserts that `shown` holds none of `secrets`, unless the fuzzer's own input (`input`,
/// its `Debug` form) holds it: then a message may legitimately quote what it was given.
pub fn assert_hidden(shown: &str, secrets: &[&str], input: &str) {
    for secret in secrets {
        if !secret.is_empty() && !input.contains(secret) {
            assert!(!shown.contains(secret), "{secret:?} shown in {shown:?}");
        }
    }
}
