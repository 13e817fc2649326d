//! Property tests: for arbitrary URLs, credentials, scopes, times and expiries, `presign_url`
//! never panics, fails only with the error the input calls for, and every URL it returns
//!
//! - (a) carries the input's query parameters, in order, and then the `X-Amz-*` parameters,
//!   each of which decodes back to what was asked for;
//! - (b) is already in the form a browser sends (the WHATWG parser gives it back unchanged);
//! - (c) is byte-identical to what a [`Presigner`] gives;
//! - (d) verifies under a strict server check written here from the rules of the project's
//!   server model (`tests/oracles/sigv4_check.py`), without the crate's canonical code;
//! - (e) does not depend on whether the URL went through the fast path for serialized URLs or
//!   through the URL parser.
//!
//! `sample_for_the_server_model` also writes 200 of these URLs to
//! `target/tmp/properties-sample.json`, which `tests/oracles/check_sample.py` checks with the
//! Python server model itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_in_result,
    missing_docs
)]

use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sigv4_wss::{
    Credentials, Error, Presigner, Scope, SessionTokenMode, SigningOptions, presign_url,
    presign_url_with_options,
};
use time::{OffsetDateTime, UtcOffset};

// ---------------------------------------------------------------------------------------------
// An independent strict verifier, written from the rules of tests/oracles/sigv4_check.py.
// ---------------------------------------------------------------------------------------------

mod server {
    use hmac::{Hmac, KeyInit as _, Mac as _};
    use sha2::{Digest as _, Sha256};

    /// Python's `urllib.parse.quote(s, safe)`: every byte but ASCII letters, digits, `_.-~`
    /// and `safe` becomes `%XX` (uppercase hex).
    pub(crate) fn quote(bytes: &[u8], safe: &str) -> String {
        let mut out = String::new();
        for &b in bytes {
            if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b) {
                out.push(char::from(b));
            } else {
                out.push('%');
                out.push(hex_digit(b >> 4).to_ascii_uppercase());
                out.push(hex_digit(b & 15).to_ascii_uppercase());
            }
        }
        out
    }

    /// Python's `urllib.parse.unquote_to_bytes`: `%XX` with two hex digits becomes the byte,
    /// anything else (a `+` too) stays as it is.
    pub(crate) fn unquote(s: &str) -> Vec<u8> {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                let hex = |c: u8| char::from(c).to_digit(16);
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    out.push(u8::try_from(h * 16 + l).unwrap());
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        out
    }

    fn hex_digit(nibble: u8) -> char {
        char::from_digit(u32::from(nibble), 16).unwrap()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes
            .iter()
            .flat_map(|b| [hex_digit(b >> 4), hex_digit(b & 15)])
            .collect()
    }

    fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(msg);
        mac.finalize().into_bytes().to_vec()
    }

    /// Splits `scheme://authority/path?query#fragment` by hand: scheme (lowercased),
    /// authority, path (`/` if empty), query (`None` without `?`).
    pub(crate) fn split(url: &str) -> (String, &str, &str, Option<&str>) {
        let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, pq) = rest.split_at(end);
        let (path, query) = match pq.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (pq, None),
        };
        let path = if path.is_empty() { "/" } else { path };
        (scheme.to_ascii_lowercase(), authority, path, query)
    }

    fn host_header(scheme: &str, authority: &str) -> String {
        let host = authority
            .rsplit('@')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let default = match scheme {
            "http" | "ws" => "80",
            "https" | "wss" => "443",
            _ => "",
        };
        if host.contains(':') && !host.ends_with(']') {
            let (h, port) = host.rsplit_once(':').unwrap();
            if port == default {
                return h.to_owned();
            }
        }
        host
    }

    fn canonical_path(path: &str) -> String {
        let wire = quote(path.as_bytes(), "/%!$&'()*+,;=:@-._~");
        let mut segs: Vec<&str> = Vec::new();
        for s in wire.split('/') {
            match s {
                "" | "." => {}
                ".." => {
                    segs.pop();
                }
                _ => segs.push(s),
            }
        }
        let mut norm = format!("/{}", segs.join("/"));
        if !segs.is_empty() && wire.ends_with('/') {
            norm.push('/');
        }
        quote(norm.as_bytes(), "/-_.~")
    }

    /// The query's items, split at the first `=` and percent-decoded, in order.
    pub(crate) fn params(query: Option<&str>) -> Vec<(Vec<u8>, Vec<u8>)> {
        query
            .unwrap_or("")
            .split('&')
            .filter(|item| !item.is_empty())
            .map(|item| {
                let (k, v) = item.split_once('=').unwrap_or((item, ""));
                (unquote(k), unquote(v))
            })
            .collect()
    }

    fn first<'p>(params: &'p [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'p [u8]> {
        params
            .iter()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| v.as_slice())
    }

    /// Whether `url`'s `X-Amz-Signature` is the one a strict server computes with `secret`.
    /// `token_unsigned`: the server leaves `X-Amz-Security-Token` out (AWS IoT).
    pub(crate) fn verify(url: &str, secret: &str, token_unsigned: bool) -> bool {
        let (scheme, authority, path, query) = split(url);
        let params = params(query);
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .filter(|(k, _)| k != b"X-Amz-Signature")
            .filter(|(k, _)| !(token_unsigned && k == b"X-Amz-Security-Token"))
            .map(|(k, v)| (quote(k, "-_.~"), quote(v, "-_.~")))
            .collect();
        pairs.sort();
        let canonical_query = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let canonical = format!(
            "GET\n{}\n{canonical_query}\nhost:{}\n\nhost\n{}",
            canonical_path(path),
            host_header(&scheme, authority),
            hex(&Sha256::digest(b"")),
        );
        let credential =
            String::from_utf8_lossy(first(&params, "X-Amz-Credential").unwrap_or(b"")).into_owned();
        let amz_date =
            String::from_utf8_lossy(first(&params, "X-Amz-Date").unwrap_or(b"")).into_owned();
        let parts: Vec<&str> = credential.split('/').collect();
        let [_akid, date, region, service, _terminator] = parts.as_slice() else {
            return false;
        };
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let mut key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
        for part in [*region, *service, "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let expected = hex(&hmac(&key, string_to_sign.as_bytes()));
        first(&params, "X-Amz-Signature") == Some(expected.as_bytes())
    }
}

// ---------------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------------

/// One item of a generated query string, as written in the URL.
#[derive(Clone, Debug)]
enum Item {
    /// Nothing between two `&`.
    Empty,
    /// A key without `=`.
    Bare(String),
    /// `key=value`.
    Pair(String, String),
}

/// A generated presign call.
#[derive(Clone, Debug)]
struct Case {
    input: String,
    /// The query items when the input was built from parts (`None`: no `?`).
    query: Option<Vec<Item>>,
    access_key_id: String,
    secret: String,
    token: Option<String>,
    region: &'static str,
    service: &'static str,
    mode: SessionTokenMode,
    time: OffsetDateTime,
    expires: Duration,
}

fn scheme() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        8 => Just("wss"),
        2 => Just("ws"),
        2 => Just("https"),
        1 => Just("http"),
        1 => Just("WSS"),
        1 => Just("Wss"),
        1 => Just("ftp"),
        1 => Just("mailto"),
    ]
}

fn flip_case(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

fn host() -> impl Strategy<Value = String> {
    let dns =
        "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?){0,3}\\.[a-z]{2,5}";
    prop_oneof![
        6 => dns.prop_map(String::from),
        2 => (dns, any::<u64>()).prop_map(|(h, mask)| flip_case(&h, mask)),
        3 => prop_oneof![
            Just("abc123defg.execute-api.us-east-1.amazonaws.com"),
            Just("ABC123DEFG.Execute-Api.US-EAST-1.amazonaws.com"),
            Just("a1b2c3-ats.iot.eu-west-1.amazonaws.com"),
            Just("transcribestreaming.us-west-2.amazonaws.com"),
            Just("db.cluster-c1x2y3.us-east-2.neptune.amazonaws.com"),
        ]
        .prop_map(String::from),
        2 => any::<[u8; 4]>().prop_map(|[a, b, c, d]| format!("{a}.{b}.{c}.{d}")),
        2 => prop_oneof![
            Just("[::1]"),
            Just("[2001:db8::1]"),
            Just("[2001:DB8:0:0:0:0:0:1]"),
            Just("[::ffff:1.2.3.4]"),
            Just("127.1"),
            Just("0x7f.0.0.1"),
            Just("xn--bcher-kva.example"),
            Just("bücher.example"),
            Just("BÜCHER.example"),
            Just("пример.испытание"),
            Just("例え.jp"),
            Just("%41.example"),
            Just("under_score.example"),
        ]
        .prop_map(String::from),
        1 => prop_oneof![
            Just(""),
            Just("exa mple.com"),
            Just("a..b"),
            Just("[::1"),
            Just("xn--.example"),
            Just("1.2.3.4.5"),
            Just("256.1.1.1"),
        ]
        .prop_map(String::from),
    ]
}

fn port() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        6 => Just(None),
        1 => Just(Some("443".to_owned())),
        1 => Just(Some("80".to_owned())),
        1 => Just(Some("8443".to_owned())),
        3 => (1u32..=65_535).prop_map(|p| Some(p.to_string())),
        1 => prop_oneof![
            Just(""),
            Just("99999"),
            Just("08443"),
            Just("x"),
        ]
        .prop_map(|p| Some(p.to_owned())),
    ]
}

fn userinfo() -> impl Strategy<Value = &'static str> {
    prop_oneof![12 => Just(""), 1 => Just("user@"), 1 => Just("u:p%40ss@")]
}

fn path_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => prop_oneof![
            Just(""), Just("."), Just(".."), Just("%2e"), Just("%2E%2e"), Just(".%2E"),
            Just("dev"), Just("prod"), Just("a b"), Just("é"), Just("ሴ"), Just("😀"),
            Just("@connections"), Just("abc%3D"), Just("%40"), Just("%41"), Just("%zz"),
            Just("%"), Just("%2"), Just("="), Just("a=b"), Just("a+b"), Just("~"), Just(";"),
            Just("!$&'()*,"), Just("%2F"), Just("%00"), Just("\\"), Just("\""), Just("<>"),
            Just("`{}"), Just("|^"), Just("[x]"), Just(":"), Just("%C3%A9"), Just("%c3%a9"),
            Just("%E2%82"), Just("a\tb"),
        ]
        .prop_map(String::from),
        3 => "[^\\x00-\\x1f?#/\\\\\\x7f]{0,6}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        8 => prop::collection::vec(path_segment(), 1..6).prop_map(|s| format!("/{}", s.join("/"))),
    ]
}

fn query_key() -> impl Strategy<Value = String> {
    prop_oneof![
        40 => prop_oneof![
            Just("room"), Just("a"), Just("A"), Just("a b"), Just("x+y"), Just("é"), Just("%41"),
            Just("%zz"), Just("%"), Just(""), Just("X-Amz-Foo"), Just("language-code"),
            Just("~"), Just("%2B"), Just("%20"), Just("k%3Dv"), Just("😀"), Just("a?b"),
            Just("'\"<>"),
        ]
        .prop_map(String::from),
        20 => "[^\\x00-\\x20#&=\\x7f]{1,6}",
        1 => prop_oneof![
            Just("X-Amz-Signature"),
            Just("x-amz-date"),
            Just("X%2DAmz-Credential"),
            Just("X-Amz-Security-Token"),
        ]
        .prop_map(String::from),
    ]
}

fn query_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![
            Just(""), Just("lobby"), Just("a b"), Just("x+y"), Just("="), Just("a=b=c"),
            Just("%20"), Just("%2B"), Just("%zz"), Just("%"), Just("é"), Just("%E2%82"),
            Just("%C3%A9"), Just("/path?"), Just("en-US"), Just("'\"<>"),
        ]
        .prop_map(String::from),
        2 => "[^\\x00-\\x20#&\\x7f]{1,8}",
    ]
}

fn query() -> impl Strategy<Value = Option<Vec<Item>>> {
    let item = prop_oneof![
        1 => Just(Item::Empty),
        2 => query_key().prop_map(Item::Bare),
        6 => (query_key(), query_value()).prop_map(|(k, v)| Item::Pair(k, v)),
    ];
    prop_oneof![
        1 => Just(None),
        4 => prop::collection::vec(item, 0..8).prop_map(Some),
        // Many parameters: more than fit in the signer's inline array.
        1 => prop::collection::vec((query_key(), query_value()), 10..30)
            .prop_map(|kv| Some(kv.into_iter().map(|(k, v)| Item::Pair(k, v)).collect())),
    ]
}

fn query_string(items: &[Item]) -> String {
    items
        .iter()
        .map(|item| match item {
            Item::Empty => String::new(),
            Item::Bare(k) => k.clone(),
            Item::Pair(k, v) => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn fragment() -> impl Strategy<Value = &'static str> {
    prop_oneof![8 => Just(""), 1 => Just("#"), 1 => Just("#frag"), 1 => Just("#a?b&c=d")]
}

fn structured_url() -> impl Strategy<Value = (String, Option<Vec<Item>>)> {
    (
        scheme(),
        userinfo(),
        host(),
        port(),
        path(),
        query(),
        fragment(),
    )
        .prop_map(|(scheme, userinfo, host, port, path, query, fragment)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let q = query
                .as_ref()
                .map(|items| format!("?{}", query_string(items)))
                .unwrap_or_default();
            (
                format!("{scheme}://{userinfo}{host}{port}{path}{q}{fragment}"),
                query,
            )
        })
}

fn any_url() -> impl Strategy<Value = (String, Option<Vec<Item>>)> {
    prop_oneof![
        12 => structured_url(),
        // Anything at all, and printable ASCII after a scheme.
        1 => any::<String>().prop_map(|s| (s, None)),
        1 => "(wss|ws|https|WSS|ftp)://[ -~]{0,40}".prop_map(|s| (s, None)),
        1 => "/[ -~]{0,20}".prop_map(|s| (s, None)),
    ]
}

fn time() -> impl Strategy<Value = OffsetDateTime> {
    let min = OffsetDateTime::new_utc(time::Date::MIN, time::Time::MIDNIGHT).unix_timestamp();
    let max = OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT).unix_timestamp();
    let unix = prop_oneof![
        8 => 946_684_800i64..4_102_444_800, // 2000 to 2100
        1 => Just(0i64),
        1 => Just(-1i64),
        1 => Just(253_402_300_799i64), // 9999-12-31T23:59:59Z
        2 => min..=max,
    ];
    let offset = prop_oneof![
        4 => Just(0i32),
        1 => -86_399i32..=86_399,
        1 => Just(-86_399i32),
        1 => Just(86_399i32),
    ];
    (unix, 0u32..1_000_000_000, offset).prop_map(|(unix, nanos, offset)| {
        let t = OffsetDateTime::from_unix_timestamp(unix)
            .unwrap()
            .replace_nanosecond(nanos)
            .unwrap();
        let offset = UtcOffset::from_whole_seconds(offset).unwrap();
        t.checked_to_offset(offset).unwrap_or(t)
    })
}

fn expires() -> impl Strategy<Value = Duration> {
    let secs = prop_oneof![
        6 => 1u64..=300,
        3 => 1u64..=700_000,
        1 => prop_oneof![
            Just(0u64), Just(300), Just(301), Just(604_800), Just(604_801),
            Just(u64::from(u32::MAX)), Just(u64::from(u32::MAX) + 1), Just(u64::MAX),
        ],
    ];
    let nanos = prop_oneof![10 => Just(0u32), 1 => 1u32..1_000_000_000];
    (secs, nanos).prop_map(|(s, n)| Duration::new(s, n))
}

fn token() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        3 => "[!-~]{16,64}".prop_map(Some),
        1 => "[A-Za-z0-9+/=]{700,1500}".prop_map(Some),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        any_url(),
        prop_oneof![
            4 => Just("AKIDEXAMPLE".to_owned()),
            1 => "[A-Za-z0-9_]{1,128}",
        ],
        "[!-~]{16,48}",
        token(),
        prop::sample::select(&["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"][..]),
        prop::sample::select(
            &[
                "execute-api",
                "execute-api",
                "iotdevicegateway",
                "transcribe",
                "neptune-db",
                "custom-svc",
            ][..],
        ),
        prop_oneof![
            6 => Just(SessionTokenMode::ServiceDefault),
            1 => Just(SessionTokenMode::Signed),
            1 => Just(SessionTokenMode::Unsigned),
        ],
        time(),
        expires(),
    )
        .prop_map(
            |(
                (input, query),
                access_key_id,
                secret,
                token,
                region,
                service,
                mode,
                time,
                expires,
            )| {
                Case {
                    input,
                    query,
                    access_key_id,
                    secret,
                    token,
                    region,
                    service,
                    mode,
                    time,
                    expires,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// The model: which error a case calls for, and what its URL must carry.
// ---------------------------------------------------------------------------------------------

const RESERVED: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// The error variant a case calls for, by name; `None` when it must succeed (or fail only
/// with `UrlTooLong`, which depends on the output's length and is checked separately).
fn expected_error(case: &Case) -> Option<&'static str> {
    let max_expires = if case.service == "transcribe" {
        300
    } else {
        604_800
    };
    if case.expires.subsec_nanos() != 0 {
        return Some("ExpiresNotWholeSeconds");
    }
    if !(1..=max_expires).contains(&case.expires.as_secs()) {
        return Some("ExpiresOutOfRange");
    }
    let year = utc_year(case.time);
    if !(1970..=9999).contains(&year) {
        return Some("TimeOutOfRange");
    }
    let url = match url::Url::parse(&case.input) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => return Some("RelativeUrl"),
        Err(url::ParseError::EmptyHost) => return Some("MissingHost"),
        Err(_) => return Some("InvalidUrl"),
    };
    if !["wss", "ws", "https", "http"].contains(&url.scheme()) {
        return Some("UnsupportedScheme");
    }
    if url.host_str().unwrap_or("").is_empty() {
        return Some("MissingHost");
    }
    let reserved = server::params(url.query()).iter().any(|(k, _)| {
        RESERVED
            .iter()
            .any(|name| name.as_bytes().eq_ignore_ascii_case(k))
    });
    if reserved {
        return Some("ReservedParameter");
    }
    None
}

/// The year of `time` in UTC, also for times whose UTC year the `time` crate cannot represent
/// (9999-12-31 23:00 at -02:00 is in year 10000).
fn utc_year(time: OffsetDateTime) -> i64 {
    match time.checked_to_offset(UtcOffset::UTC) {
        Some(utc) => i64::from(utc.year()),
        None if time.offset().is_negative() => i64::from(time.year()) + 1,
        None => i64::from(time.year()) - 1,
    }
}

fn variant_name(e: &Error) -> &'static str {
    match e {
        Error::InvalidUrl { .. } => "InvalidUrl",
        Error::RelativeUrl => "RelativeUrl",
        Error::UnsupportedScheme { .. } => "UnsupportedScheme",
        Error::MissingHost => "MissingHost",
        Error::ReservedParameter { .. } => "ReservedParameter",
        Error::ExpiresOutOfRange { .. } => "ExpiresOutOfRange",
        Error::ExpiresNotWholeSeconds { .. } => "ExpiresNotWholeSeconds",
        Error::TimeOutOfRange { .. } => "TimeOutOfRange",
        Error::UrlTooLong { .. } => "UrlTooLong",
        other => panic!("presign_url returned an error it never should: {other:?}"),
    }
}

fn token_unsigned(case: &Case) -> bool {
    match case.mode {
        SessionTokenMode::Signed => false,
        SessionTokenMode::Unsigned => true,
        _ => case.service == "iotdevicegateway",
    }
}

/// `X-Amz-Date` for `time`, formatted here with the `time` crate.
fn amz_date(time: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time.to_offset(UtcOffset::UTC).format(&format).unwrap()
}

/// The parameters the URL must carry, decoded: the input's own, then the `X-Amz-*` ones
/// (with the signature's value left out: it is checked by the verifier).
fn expected_params(case: &Case, signature: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut params = match &case.query {
        Some(items) => items
            .iter()
            .filter_map(|item| match item {
                Item::Empty => None,
                Item::Bare(k) if k.is_empty() => None,
                Item::Bare(k) => Some((server::unquote(k), Vec::new())),
                Item::Pair(k, v) => Some((server::unquote(k), server::unquote(v))),
            })
            .collect(),
        // Not built from parts: what the WHATWG parser says the query is.
        None => server::params(url::Url::parse(&case.input).unwrap().query()),
    };
    let date = amz_date(case.time);
    let auth = [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256".to_owned()),
        (
            "X-Amz-Credential",
            format!(
                "{}/{}/{}/{}/aws4_request",
                case.access_key_id,
                &date[..8],
                case.region,
                case.service
            ),
        ),
        ("X-Amz-Date", date),
        ("X-Amz-Expires", case.expires.as_secs().to_string()),
        ("X-Amz-SignedHeaders", "host".to_owned()),
    ];
    for (k, v) in auth {
        params.push((k.as_bytes().to_vec(), v.into_bytes()));
    }
    params.push((b"X-Amz-Signature".to_vec(), signature.to_vec()));
    if let Some(token) = &case.token {
        params.push((b"X-Amz-Security-Token".to_vec(), token.as_bytes().to_vec()));
    }
    params
}

/// Decoded parameters as strings where they are UTF-8 (and as bytes where not), so that a
/// failure is readable; no information is lost.
fn readable(params: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<(String, String)> {
    let text =
        |b: Vec<u8>| String::from_utf8(b).unwrap_or_else(|e| format!("{:?}", e.into_bytes()));
    params
        .into_iter()
        .map(|(k, v)| (text(k), text(v)))
        .collect()
}

fn presign(case: &Case, url: &str) -> Result<String, Error> {
    let credentials =
        Credentials::new(&case.access_key_id, &case.secret, case.token.as_deref()).unwrap();
    let scope = Scope::new(case.region, case.service).unwrap();
    let options = SigningOptions::default().session_token(case.mode);
    presign_url_with_options(url, &credentials, &scope, case.time, case.expires, &options)
        .map(sigv4_wss::PresignedUrl::into_string)
}

/// Everything the properties require of one case; returns the URL if it was presigned.
fn check_case(case: &Case) -> Result<Option<String>, TestCaseError> {
    let result = presign(case, &case.input);

    // (c) A Presigner gives the same result, also into a buffer that held something.
    let presigner = Presigner::with_options(
        Credentials::new(&case.access_key_id, &case.secret, case.token.as_deref()).unwrap(),
        Scope::new(case.region, case.service).unwrap(),
        SigningOptions::default().session_token(case.mode),
    );
    let again = presigner
        .presign(&case.input, case.time, case.expires)
        .map(sigv4_wss::PresignedUrl::into_string);
    prop_assert_eq!(&result, &again);
    let mut buffer = String::from("left over from an earlier call");
    let into = presigner.presign_into(&case.input, case.time, case.expires, &mut buffer);
    prop_assert_eq!(into.is_ok(), result.is_ok());
    let nothing = String::new();
    prop_assert_eq!(&buffer, result.as_ref().unwrap_or(&nothing), "presign_into");
    if case.mode == SessionTokenMode::ServiceDefault {
        let credentials =
            Credentials::new(&case.access_key_id, &case.secret, case.token.as_deref()).unwrap();
        let scope = Scope::new(case.region, case.service).unwrap();
        let plain = presign_url(&case.input, &credentials, &scope, case.time, case.expires)
            .map(sigv4_wss::PresignedUrl::into_string);
        prop_assert_eq!(&result, &plain);
    }

    let expected = expected_error(case);
    let url = match result {
        Err(e) => {
            let name = variant_name(&e);
            let message = e.to_string();
            let debug = format!("{e:?}");
            prop_assert!(!message.is_empty());
            for shown in [&message, &debug] {
                prop_assert!(!shown.contains(&case.secret), "{}", shown);
                if let Some(token) = &case.token {
                    prop_assert!(!shown.contains(token.as_str()), "{}", shown);
                }
            }
            if let Error::UrlTooLong { length, max, .. } = e {
                prop_assert_eq!(expected, None);
                prop_assert_eq!(case.service, "execute-api");
                prop_assert!(length > max && max == 4096);
                let scheme = url::Url::parse(&case.input).unwrap().scheme().to_owned();
                prop_assert!(scheme == "ws" || scheme == "wss");
            } else {
                prop_assert_eq!(Some(name), expected, "{}", message);
            }
            return Ok(None);
        }
        Ok(url) => url,
    };
    prop_assert_eq!(expected, None, "succeeded: {}", url);
    let input = url::Url::parse(&case.input).unwrap();
    if case.service == "execute-api" && input.scheme().starts_with("ws") {
        prop_assert!(url.len() <= 4096);
    }

    // (b) The URL is in serialized form: the WHATWG parser gives it back unchanged, so a
    // client sends exactly it. It is the input's URL without fragment, plus the parameters.
    let parsed = url::Url::parse(&url).unwrap();
    prop_assert_eq!(parsed.as_str(), url.as_str());
    prop_assert_eq!(parsed.fragment(), None);
    // `[`, `]`, `^` and `|`, which clients disagree about, are sent encoded.
    let path: String = input
        .path()
        .chars()
        .map(|c| match c {
            '[' | ']' | '^' | '|' => format!("%{:02X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect();
    prop_assert_eq!(
        &parsed[..url::Position::AfterPath],
        format!("{}{path}", &input[..url::Position::BeforePath])
    );

    // (a) Each emitted parameter decodes back to its input.
    let emitted = server::params(parsed.query());
    let signature = emitted
        .iter()
        .find(|(k, _)| k == b"X-Amz-Signature")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    prop_assert_eq!(signature.len(), 64);
    prop_assert_eq!(
        readable(emitted),
        readable(expected_params(case, &signature))
    );
    // Only unreserved characters, `%XX`, `&` and `=` in the query.
    prop_assert!(
        parsed
            .query()
            .unwrap_or("")
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b))
    );

    // (d) A strict server accepts it; the token's place matters; a wrong key does not pass.
    let unsigned = token_unsigned(case);
    prop_assert!(server::verify(&url, &case.secret, unsigned), "{}", url);
    if case.token.is_some() {
        prop_assert!(!server::verify(&url, &case.secret, !unsigned));
    }
    let wrong_secret = format!("{}x", case.secret);
    prop_assert!(!server::verify(&url, &wrong_secret, unsigned));

    // (e) The same URL after a round trip through the WHATWG parser (serialized form, which
    // the fast path may take), and padded with spaces and a tab (which the parser strips and
    // the fast path never takes), presigns to the same bytes.
    let serialized = input.as_str();
    let round_trip = presign(case, serialized);
    prop_assert_eq!(round_trip.as_ref(), Ok(&url));
    let padded = presign(case, &format!(" {serialized}\t"));
    prop_assert_eq!(padded.as_ref(), Ok(&url));
    Ok(Some(url))
}

proptest! {
    #![proptest_config(Config {
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn presign_url_keeps_every_promise(case in case()) {
        check_case(&case)?;
    }

    #[test]
    fn credentials_accept_exactly_what_the_rules_allow(
        akid in prop_oneof![Just("AKIDEXAMPLE".to_owned()), any::<String>(), "[ -~]{0,140}"],
        secret in prop_oneof![Just("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned()), any::<String>(), "[ -~\\t\\n]{0,50}"],
        token in proptest::option::of(prop_oneof![any::<String>(), "[ -~\\n]{0,50}"]),
    ) {
        let result = Credentials::new(&akid, &secret, token.as_deref());
        let akid_ok = (1..=128).contains(&akid.len())
            && akid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let printable = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
        match result {
            Ok(c) => {
                prop_assert!(akid_ok && printable(&secret) && token.as_deref().is_none_or(printable));
                prop_assert_eq!(c.access_key_id(), akid.as_str());
                prop_assert_eq!(c.has_session_token(), token.is_some());
            }
            Err(e) => {
                let expected = if !akid_ok {
                    "InvalidAccessKeyId"
                } else if !printable(&secret) {
                    "InvalidSecretAccessKey"
                } else {
                    "InvalidSessionToken"
                };
                let name = match e {
                    Error::InvalidAccessKeyId { .. } => "InvalidAccessKeyId",
                    Error::InvalidSecretAccessKey { .. } => "InvalidSecretAccessKey",
                    Error::InvalidSessionToken { .. } => "InvalidSessionToken",
                    _ => "other",
                };
                prop_assert_eq!(name, expected);
                let shown = format!("{e} {e:?}");
                // A value is never shown (only checked when it is long enough to tell).
                if secret.len() >= 8 {
                    prop_assert!(!shown.contains(&secret));
                }
                if let Some(token) = token.filter(|t| t.len() >= 8) {
                    prop_assert!(!shown.contains(&token));
                }
            }
        }
    }

    #[test]
    fn scope_names_are_1_to_64_of_lowercase_digits_and_hyphens(
        region in prop_oneof![Just("us-east-1".to_owned()), any::<String>(), "[a-z0-9A-Z -]{0,70}"],
        service in prop_oneof![Just("execute-api".to_owned()), any::<String>(), "[a-z0-9A-Z_ -]{0,70}"],
    ) {
        let ok = |s: &str| {
            (1..=64).contains(&s.len())
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        match Scope::new(&region, &service) {
            Ok(scope) => {
                prop_assert!(ok(&region) && ok(&service));
                prop_assert_eq!((scope.region(), scope.service()), (region.as_str(), service.as_str()));
            }
            Err(Error::InvalidRegion { region: shown }) => {
                prop_assert!(!ok(&region));
                prop_assert_eq!(shown, region);
            }
            Err(Error::InvalidService { service: shown }) => {
                prop_assert!(ok(&region) && !ok(&service));
                prop_assert_eq!(shown, service);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn scope_from_url_never_panics_and_agrees_with_the_host(input in any_url()) {
        match Scope::from_url(&input.0) {
            Ok(scope) => {
                let host = url::Url::parse(&input.0).unwrap().host_str().unwrap().to_owned();
                prop_assert!(host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"));
                let label = format!(".{}.", scope.region());
                prop_assert!(host.contains(&label));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// Checks the properties on a deterministic sample and writes the URLs that were presigned
/// for the Python server model (`tests/oracles/check_sample.py`).
#[test]
fn sample_for_the_server_model() {
    const WANTED: usize = 200;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = case();
    let mut sample = Vec::new();
    let mut tried = 0;
    while sample.len() < WANTED {
        tried += 1;
        assert!(tried < 20 * WANTED, "too few cases presign");
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let url = check_case(&case).unwrap_or_else(|e| panic!("{e}: {case:?}"));
        if let Some(url) = url {
            sample.push(serde_json::json!({
                "input": case.input,
                "url": url,
                "secret_key": case.secret,
                "token_unsigned": token_unsigned(&case),
                "has_token": case.token.is_some(),
            }));
        }
    }
    // The sample covers what matters: tokens signed and not, several services.
    let count = |key: &str| sample.iter().filter(|s| s[key] == true).count();
    assert!(count("has_token") >= 40 && count("token_unsigned") >= 10);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("properties-sample.json");
    std::fs::write(&path, serde_json::to_string_pretty(&sample).unwrap()).unwrap();
}
