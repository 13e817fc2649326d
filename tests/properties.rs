//! Property tests. For arbitrary URLs, credentials, scopes, times, expiries and session-token
//! modes, `presign_url` (and a `Presigner`) never panics, fails only with the error the input
//! calls for, and every URL it returns
//!
//! - (a) carries the input's query parameters, in order, and then the `X-Amz-*` parameters,
//!   each of which decodes back to what was asked for;
//! - (b) is already in the form a browser sends (the WHATWG parser gives it back unchanged);
//! - (c) is what a `Presigner` gives, and in the service's default mode what `presign_url`
//!   gives;
//! - (d) verifies under a strict server check written here from the rules of the project's
//!   server model (`tests/oracles/sigv4_check.py`), without the crate's canonical code;
//! - (e) verifies with `Verifier::new(credentials, &scope)`, through `verify_url` and through
//!   `verify_request` with its request target and `Host`, and `Verified::query()` gives back
//!   each of the input's own parameters, in canonical order (unless one decodes to bytes that
//!   are not UTF-8, which the verifier refuses as ambiguous);
//! - (f) with any one byte changed, either fails verification or verifies as a request for the
//!   same host, path and query parameters.
//!
//! Other properties: no input to `Scope::from_url`, `Credentials::new`, the `CanonicalRequest`
//! builder, `sign_request`, `Presigner::presign_request`, the `Verifier`'s three checks,
//! `inspect`, `inspect_request` or `append_query` panics, and the constructors accept exactly
//! what their rules allow.
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
    clippy::too_many_lines,
    missing_docs
)]

use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sha2::{Digest as _, Sha256};
use sigv4_wss::{
    AmzDate, CanonicalRequest, Credentials, Error, Presigner, Scope, SessionTokenMode, Verified,
    Verifier, append_query, inspect, inspect_request, presign_url, sign_request, uri_encode,
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

    pub(crate) fn hex(bytes: &[u8]) -> String {
        bytes.iter().flat_map(|b| [hex_digit(b >> 4), hex_digit(b & 15)]).collect()
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

    pub(crate) fn host_header(scheme: &str, authority: &str) -> String {
        let host = authority.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
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
        params.iter().find(|(k, _)| k == name.as_bytes()).map(|(_, v)| v.as_slice())
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
        let canonical_query =
            pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
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
        .map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c })
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
        1 => prop_oneof![Just(""), Just("99999"), Just("08443"), Just("x")]
            .prop_map(|p| Some(p.to_owned())),
    ]
}

fn userinfo() -> impl Strategy<Value = &'static str> {
    prop_oneof![24 => Just(""), 1 => Just("user@"), 1 => Just("u:p%40ss@"), 1 => Just(":pw@")]
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
            Just("%zz"), Just("%"), Just(""), Just("X-Amz-Foo"), Just("X-Amz-ChannelARN"),
            Just("language-code"), Just("~"), Just("%2B"), Just("%20"), Just("k%3Dv"),
            Just("😀"), Just("a?b"), Just("'\"<>"), Just("a;b"), Just("%3B"), Just("%FF"),
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
            Just("%C3%A9"), Just("/path?"), Just("en-US"), Just("'\"<>"), Just("a;b"),
            Just("%c3%a9"),
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
        // Many parameters.
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
    (scheme(), userinfo(), host(), port(), path(), query(), fragment()).prop_map(
        |(scheme, userinfo, host, port, path, query, fragment)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let q =
                query.as_ref().map(|items| format!("?{}", query_string(items))).unwrap_or_default();
            (format!("{scheme}://{userinfo}{host}{port}{path}{q}{fragment}"), query)
        },
    )
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
        20 => 946_684_800i64..4_102_444_800, // 2000 to 2100
        1 => Just(0i64),
        1 => Just(-1i64),
        1 => Just(253_402_300_799i64), // 9999-12-31T23:59:59Z
        1 => 253_402_300_000i64..253_402_300_800, // the last minutes of 9999
        2 => min..=max,
    ];
    let offset = prop_oneof![
        4 => Just(0i32),
        1 => -86_399i32..=86_399,
        1 => Just(-86_399i32),
        1 => Just(86_399i32),
    ];
    (unix, 0u32..1_000_000_000, offset).prop_map(|(unix, nanos, offset)| {
        let t =
            OffsetDateTime::from_unix_timestamp(unix).unwrap().replace_nanosecond(nanos).unwrap();
        let offset = UtcOffset::from_whole_seconds(offset).unwrap();
        t.checked_to_offset(offset).unwrap_or(t)
    })
}

fn expires() -> impl Strategy<Value = Duration> {
    let secs = prop_oneof![
        12 => 1u64..=300,
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

fn mode() -> impl Strategy<Value = SessionTokenMode> {
    prop_oneof![
        6 => Just(SessionTokenMode::ServiceDefault),
        1 => Just(SessionTokenMode::Signed),
        1 => Just(SessionTokenMode::Unsigned),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        any_url(),
        prop_oneof![4 => Just("AKIDEXAMPLE".to_owned()), 1 => "[A-Za-z0-9_]{1,128}"],
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
        mode(),
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

/// One byte of a URL replaced: where (a fraction of the URL's own part, before the
/// authentication parameters, or of the whole URL) and by what.
#[derive(Clone, Copy, Debug)]
struct Change {
    in_own_part: bool,
    at: prop::sample::Index,
    byte: u8,
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    let byte = prop_oneof![
        8 => 0x20u8..0x7f,
        2 => prop::sample::select(&b"%&=+;?#/.2AaFf"[..]),
        1 => prop::sample::select(&b"\t\n\r\0\x7f"[..]),
    ];
    prop::collection::vec(
        (any::<bool>(), any::<prop::sample::Index>(), byte)
            .prop_map(|(in_own_part, at, byte)| Change { in_own_part, at, byte }),
        12,
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
    let max_expires = if case.service == "transcribe" { 300 } else { 604_800 };
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
    // The URL would expire after the end of 9999 (9999-12-31T23:59:59Z is 253402300799).
    if case.time.unix_timestamp() + i64::try_from(case.expires.as_secs()).unwrap() > 253_402_300_799
    {
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
    if !url.username().is_empty() || url.password().is_some() {
        return Some("UserInfoInUrl");
    }
    // An empty path segment, which SigV4 signs as none.
    if url.path().contains("//") {
        return Some("InvalidUrl");
    }
    let reserved = server::params(url.query())
        .iter()
        .any(|(k, _)| RESERVED.iter().any(|name| name.as_bytes().eq_ignore_ascii_case(k)));
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

/// The variant's name, from `Debug`.
fn variant_name(e: &Error) -> String {
    format!("{e:?}").split([' ', '{', '(']).next().unwrap_or_default().to_owned()
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

/// The input's own query parameters, decoded.
fn own_params(case: &Case) -> Vec<(Vec<u8>, Vec<u8>)> {
    match &case.query {
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
    }
}

/// The parameters the URL must carry, decoded: the input's own, then the `X-Amz-*` ones.
fn expected_params(case: &Case, signature: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut params = own_params(case);
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
    params.into_iter().map(|(k, v)| (text(k), text(v))).collect()
}

fn credentials(case: &Case) -> Credentials {
    Credentials::new(&case.access_key_id, &case.secret, case.token.as_deref()).unwrap()
}

fn scope(case: &Case) -> Scope {
    Scope::new(case.region, case.service).unwrap()
}

fn presign(case: &Case, url: &str) -> Result<String, Error> {
    Presigner::new(credentials(case), scope(case))
        .session_token(case.mode)
        .presign(url, case.time, case.expires)
        .map(sigv4_wss::PresignedUrl::into_string)
}

/// The same request: host, path and decoded query (and who signed it).
fn same_request(a: &Verified, b: &Verified) -> bool {
    (a.host(), a.path(), a.query(), a.access_key_id())
        == (b.host(), b.path(), b.query(), b.access_key_id())
}

/// Everything the properties require of one case; returns the URL if it was presigned.
fn check_case(case: &Case, changes: &[Change]) -> Result<Option<String>, TestCaseError> {
    let result = presign(case, &case.input);

    // (c) In the service's default mode, presign_url gives the same.
    if case.mode == SessionTokenMode::ServiceDefault {
        let plain =
            presign_url(&case.input, &credentials(case), &scope(case), case.time, case.expires)
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
                prop_assert_eq!(Some(name.as_str()), expected, "{}", message);
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
    prop_assert_eq!(readable(emitted), readable(expected_params(case, &signature)));
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

    // (e) The crate's verifier accepts it, by URL and by request target and Host, and gives
    // back the own parameters; one that is not UTF-8 is refused as ambiguous.
    let verifier = Verifier::new(credentials(case), &scope(case)).session_token(case.mode);
    let now = case.time;
    let by_url = verifier.verify_url(&url, now);
    let target = &parsed[url::Position::BeforePath..url::Position::AfterQuery];
    let host = &parsed[url::Position::BeforeHost..url::Position::AfterPort];
    let by_target = verifier.verify_request("GET", target, &[("Host", host)], now);
    prop_assert_eq!(&by_url, &by_target);
    let own = own_params(case);
    let utf8 = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
    let own_text: Option<Vec<(String, String)>> =
        own.iter().map(|(k, v)| Some((utf8(k)?, utf8(v)?))).collect();
    let Some(mut own_text) = own_text else {
        prop_assert!(matches!(by_url, Err(Error::AmbiguousQuery { .. })), "{:?}", by_url);
        return Ok(Some(url));
    };
    // `Verified::query` lists them in canonical order: by encoded key, then value.
    own_text.sort_by_key(|(k, v)| (uri_encode(k), uri_encode(v)));
    let accepted =
        by_url.map_err(|e| TestCaseError::fail(format!("{url} does not verify: {e:?}")))?;
    prop_assert_eq!(accepted.query(), own_text.as_slice());
    prop_assert_eq!(accepted.host(), host);
    prop_assert_eq!(accepted.path(), parsed.path());
    prop_assert_eq!(accepted.access_key_id(), case.access_key_id.as_str());
    prop_assert_eq!(accepted.scope(), &scope(case));
    prop_assert_eq!(accepted.signed_at(), AmzDate::new(case.time).unwrap());
    prop_assert_eq!(accepted.expires(), Some(case.expires));
    prop_assert_eq!(accepted.has_session_token(), case.token.is_some());
    prop_assert_eq!(accepted.session_token_signed(), case.token.is_some() && !unsigned);

    // (f) One byte changed: refused, or the same request.
    let auth_at = url.find("X-Amz-Algorithm=").unwrap();
    for change in changes {
        let at = change.at.index(if change.in_own_part { auth_at } else { url.len() });
        let mut bytes = url.clone().into_bytes();
        if bytes[at] == change.byte {
            continue;
        }
        bytes[at] = change.byte;
        // The URL is ASCII, and so is every replacement byte.
        let edited = String::from_utf8(bytes).unwrap();
        if let Ok(other) = verifier.verify_url(&edited, now) {
            prop_assert!(
                same_request(&other, &accepted),
                "{} verifies as another request: {:?}, not {:?}",
                edited,
                other,
                accepted
            );
        }
    }
    Ok(Some(url))
}

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, max_shrink_iters: 2048, ..Config::default() }
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn presign_url_keeps_every_promise(case in case(), changes in changes()) {
        check_case(&case, &changes)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn credentials_accept_exactly_what_the_rules_allow(
        akid in prop_oneof![Just("AKIDEXAMPLE".to_owned()), any::<String>(), "[ -~]{0,140}"],
        secret in prop_oneof![
            Just("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned()),
            any::<String>(),
            "[ -~\\t\\n]{0,50}",
        ],
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
                prop_assert_eq!(variant_name(&e), expected);
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
        let shown = |s: &str| s.chars().take(64).collect::<String>();
        match Scope::new(&region, &service) {
            Ok(scope) => {
                prop_assert!(ok(&region) && ok(&service));
                prop_assert_eq!((scope.region(), scope.service()), (region.as_str(), service.as_str()));
            }
            Err(Error::InvalidRegion { region: given }) => {
                prop_assert!(!ok(&region));
                prop_assert_eq!(given, shown(&region));
            }
            Err(Error::InvalidService { service: given }) => {
                prop_assert!(ok(&region) && !ok(&service));
                prop_assert_eq!(given, shown(&service));
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn scope_from_url_never_panics_and_agrees_with_the_host(input in any_url()) {
        match Scope::from_url(&input.0) {
            Ok(scope) => {
                let host = url::Url::parse(&input.0).unwrap().host_str().unwrap().to_owned();
                prop_assert!(
                    host.ends_with(".amazonaws.com")
                        || host.ends_with(".amazonaws.com.cn")
                        || host.ends_with(".api.aws")
                );
                let label = format!(".{}.", scope.region());
                prop_assert!(host.contains(&label));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn canonical_requests_and_their_signers_never_panic(
        method in prop_oneof![Just("GET".to_owned()), Just("POST".to_owned()), any::<String>()],
        path in prop_oneof![path(), any::<String>()],
        url in any_url(),
        query in prop_oneof![any_url().prop_map(|u| u.0), any::<String>()],
        params in prop::collection::vec((any::<String>(), any::<String>()), 0..4),
        headers in prop::collection::vec(
            (
                prop_oneof![
                    Just("Host".to_owned()), Just("content-type".to_owned()),
                    Just("X-Amz-Date".to_owned()), Just("x-amz-security-token".to_owned()),
                    "[!-~]{0,8}", any::<String>(),
                ],
                prop_oneof!["[ -~\\t\\r\\n]{0,20}", any::<String>()],
            ),
            0..5,
        ),
        body in prop::collection::vec(any::<u8>(), 0..64),
        payload_hash in prop_oneof![Just(None), any::<String>().prop_map(Some)],
        normalize in any::<bool>(),
        signer in (token(), mode(), time(), expires()),
    ) {
        let (token, mode, time, expires) = signer;
        let from_url = CanonicalRequest::from_url(&method, &url.0);
        let built = CanonicalRequest::new(&method, &path).map(|r| {
            let mut r = r.with_path_normalization(normalize).with_query(&query);
            for (k, v) in &params {
                r = r.with_query_param(k, v);
            }
            r
        });
        let mut requests = Vec::new();
        for request in [from_url.map(|r| r.with_payload(&body)), built] {
            let Ok(mut request) = request else { continue };
            for (name, value) in &headers {
                match request.clone().with_header(name, value) {
                    Ok(next) => request = next.into_owned(),
                    Err(e) => {
                        let refused = matches!(
                            e,
                            Error::InvalidHeaderName { .. } | Error::InvalidHeaderValue { .. }
                        );
                        prop_assert!(refused, "{:?}", e);
                    }
                }
            }
            if let Some(hash) = &payload_hash {
                request = request.with_payload_hash(hash).into_owned();
            }
            requests.push(request.into_owned());
        }
        for request in &requests {
            let exact = request.unredacted();
            prop_assert_eq!(request.sha256(), <[u8; 32]>::from(Sha256::digest(exact.as_bytes())));
            // Six lines at least (headers add lines), whatever the input.
            prop_assert!(request.to_string().split('\n').count() >= 6);
            let _ = (format!("{request:?}"), request.canonical_uri(), request.signed_headers());
            prop_assert_eq!(request.payload_hash(), exact.rsplit('\n').next().unwrap());

            let credentials = Credentials::new("AKIDEXAMPLE", "secret", token.as_deref()).unwrap();
            let scope = Scope::new("us-east-1", "execute-api").unwrap();
            let presigner = Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
            match sign_request(request, &credentials, &scope, time) {
                Ok(signed) => {
                    prop_assert_eq!(signed.headers().count(), 2 + usize::from(token.is_some()));
                    prop_assert!(signed.authorization().ends_with(&signed.signature().to_hex()));
                    let _ = (format!("{signed:?}"), signed.string_to_sign(), signed.canonical_request().to_string());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
            match presigner.presign_request(request, time, expires) {
                Ok(presigned) => {
                    prop_assert!(presigned.query().starts_with("X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
                    let signature = format!("&X-Amz-Signature={}", presigned.signature().to_hex());
                    prop_assert!(presigned.query().contains(&signature));
                    let _ = (format!("{presigned:?}"), presigned.string_to_sign());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }

}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn the_verifier_and_inspect_never_panic(
        case in case(),
        edits in prop::collection::vec(edit(), 0..4),
        method in prop_oneof![8 => Just("GET".to_owned()), 1 => Just("POST".to_owned()), 1 => any::<String>()],
        host in prop_oneof![4 => Just(None), 1 => any::<String>().prop_map(Some)],
        now in prop_oneof![3 => (-400i64..400).prop_map(Some), 1 => Just(None)],
        any_time in time(),
        setup in verifier_setup(),
        body in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        let url = match presign(&case, &case.input) {
            Ok(url) => url,
            // Not presigned: the input itself, as something a client might send.
            Err(_) => case.input.clone(),
        };
        let url = edits.iter().fold(url, |url, edit| edit.apply(&url));
        let now = match now {
            Some(offset) => case.time.checked_add(time::Duration::seconds(offset)).unwrap_or(any_time),
            None => any_time,
        };
        let parsed = url::Url::parse(&url).ok();
        let target = match &parsed {
            Some(p) => p[url::Position::BeforePath..url::Position::AfterQuery].to_owned(),
            None => url.clone(),
        };
        let host = host.unwrap_or_else(|| match &parsed {
            Some(p) => p[url::Position::BeforeHost..url::Position::AfterPort].to_owned(),
            None => String::new(),
        });
        let verifier = setup.verifier(&case);
        let results = [
            verifier.verify_url(&url, now),
            verifier.verify_request(&method, &target, &[("Host", &host)], now),
            verifier.verify_request(&method, &target, &[], now),
        ];
        for result in results {
            if let Err(e) = result {
                prop_assert!(!e.to_string().is_empty());
            }
        }
        let _ = (inspect(&url).map(|i| i.to_string()), inspect_request(&target, &host).map(|i| i.to_string()));

        // A request signed with headers, its Authorization header edited.
        if let Ok(request) = CanonicalRequest::from_url(&method, &case.input) {
            let request = request.with_payload(&body);
            if let Ok(signed) = sign_request(&request, &credentials(&case), &scope(&case), case.time) {
                let authorization = edits.iter().fold(signed.authorization().to_owned(), |a, e| e.apply(&a));
                let mut headers: Vec<(&str, &str)> = signed.headers().collect();
                headers.push(("Authorization", &authorization));
                headers.push(("Host", &host));
                let path = target.split('?').next().unwrap_or_default();
                let _ = verifier.verify_headers(&method, path, &headers, &body, now);
                let _ = verifier.verify_headers(&method, &target, &headers, &body, now);
                headers.retain(|(name, _)| *name != "Authorization");
                let _ = verifier.verify_headers(&method, path, &headers, &body, now);
            }
        }
    }

}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn append_query_encodes_each_pair_before_the_fragment(
        url in prop_oneof![any_url().prop_map(|u| u.0), any::<String>()],
        pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..4),
    ) {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let out = append_query(&url, &pairs);
        let (head, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
        prop_assert!(out.starts_with(head), "{}", out);
        prop_assert!(out.ends_with(fragment), "{}", out);
        let added = &out[head.len()..out.len() - fragment.len()];
        let written: Vec<String> =
            pairs.iter().map(|(k, v)| format!("{}={}", uri_encode(k), uri_encode(v))).collect();
        if written.is_empty() {
            prop_assert_eq!(added, "");
        } else {
            // `?` starts a query, `&` continues one; nothing after the `?` of an empty query
            // or after a `&` that ends one (a later `?` is part of a value).
            let separator = match head.split_once('?') {
                None => "?",
                Some((_, query)) if query.is_empty() || query.ends_with('&') => "",
                Some(_) => "&",
            };
            prop_assert_eq!(added, format!("{separator}{}", written.join("&")));
        }
    }
}

/// An edit of a URL or header value: a replaced, inserted or deleted character, a repeated
/// or truncated tail.
#[derive(Clone, Debug)]
enum Edit {
    Replace(prop::sample::Index, char),
    Insert(prop::sample::Index, String),
    Delete(prop::sample::Index),
    Repeat(prop::sample::Index),
    Truncate(prop::sample::Index),
}

impl Edit {
    fn apply(&self, s: &str) -> String {
        let boundaries: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        let at = |index: &prop::sample::Index| boundaries[index.index(boundaries.len())];
        match self {
            Self::Replace(i, _) | Self::Delete(i) => {
                if s.is_empty() {
                    return String::new();
                }
                // A character's start (the last boundary is the end of the string).
                let start = boundaries[i.index(boundaries.len() - 1)];
                let end = start + s[start..].chars().next().map_or(0, char::len_utf8);
                let with = match self {
                    Self::Replace(_, c) => c.to_string(),
                    _ => String::new(),
                };
                format!("{}{with}{}", &s[..start], &s[end..])
            }
            Self::Insert(i, text) => {
                let at = at(i);
                format!("{}{text}{}", &s[..at], &s[at..])
            }
            Self::Repeat(i) => format!("{s}&{}", &s[at(i)..]),
            Self::Truncate(i) => s[..at(i)].to_owned(),
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    let text = prop_oneof![
        Just("&".to_owned()),
        Just("+".to_owned()),
        Just(";".to_owned()),
        Just("#".to_owned()),
        Just("/../".to_owned()),
        Just("%2e".to_owned()),
        Just("&X-Amz-Expires=0".to_owned()),
        Just("&x-amz-signature=0".to_owned()),
        Just("&X-Amz-Security-Token=x".to_owned()),
        Just("%FF".to_owned()),
        Just("%".to_owned()),
        any::<String>(),
    ];
    prop_oneof![
        3 => (any::<prop::sample::Index>(), any::<char>()).prop_map(|(i, c)| Edit::Replace(i, c)),
        3 => (any::<prop::sample::Index>(), text).prop_map(|(i, t)| Edit::Insert(i, t)),
        2 => any::<prop::sample::Index>().prop_map(Edit::Delete),
        1 => any::<prop::sample::Index>().prop_map(Edit::Repeat),
        1 => any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

/// How a verifier is built: for the case's scope or any, hosts, clock skew, maximum age,
/// session-token mode.
#[derive(Clone, Debug)]
struct VerifierSetup {
    any_scope: bool,
    hosts: Vec<String>,
    clock_skew: Option<Duration>,
    max_age: Option<Duration>,
    mode: SessionTokenMode,
}

impl VerifierSetup {
    fn verifier(&self, case: &Case) -> Verifier<Credentials> {
        let mut verifier = if self.any_scope {
            Verifier::any_scope(credentials(case))
        } else {
            Verifier::new(credentials(case), &scope(case))
        };
        for host in &self.hosts {
            verifier = verifier.expect_host(host);
        }
        if let Some(skew) = self.clock_skew {
            verifier = verifier.clock_skew(skew);
        }
        if let Some(age) = self.max_age {
            verifier = verifier.max_age(age);
        }
        verifier.session_token(self.mode)
    }
}

fn duration() -> impl Strategy<Value = Option<Duration>> {
    prop_oneof![
        4 => Just(None),
        2 => (0u64..1000).prop_map(|s| Some(Duration::from_secs(s))),
        1 => any::<u64>().prop_map(|s| Some(Duration::from_secs(s))),
        1 => Just(Some(Duration::MAX)),
    ]
}

fn verifier_setup() -> impl Strategy<Value = VerifierSetup> {
    (
        any::<bool>(),
        prop::collection::vec(prop_oneof![host(), any::<String>()], 0..2),
        duration(),
        duration(),
        mode(),
    )
        .prop_map(|(any_scope, hosts, clock_skew, max_age, mode)| VerifierSetup {
            any_scope,
            hosts,
            clock_skew,
            max_age,
            mode,
        })
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
    let strategy = (case(), changes());
    let mut sample = Vec::new();
    let mut tried = 0;
    while sample.len() < WANTED {
        tried += 1;
        assert!(tried < 20 * WANTED, "too few cases presign");
        let (case, changes) = strategy.new_tree(&mut runner).unwrap().current();
        let url = check_case(&case, &changes).unwrap_or_else(|e| panic!("{e}: {case:?}"));
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

/// What (f) tells apart: the unsigned `X-Amz-Security-Token` of an IoT URL changed is refused
/// (the token is not the key's), a query value changed is refused (the signature), the
/// scheme and host in capitals verify as the same request.
#[test]
fn changes_are_refused_or_harmless() {
    let credentials = Credentials::new("AKIDEXAMPLE", "secret/KEY", Some("TokenValue")).unwrap();
    let scope = Scope::new("us-east-1", "iotdevicegateway").unwrap();
    let time = time::macros::datetime!(2020-01-31 10:02:33 UTC);
    let url = presign_url(
        "wss://a1b2c3-ats.iot.us-east-1.amazonaws.com/mqtt?a=1",
        &credentials,
        &scope,
        time,
        Duration::from_secs(300),
    )
    .unwrap()
    .into_string();
    let verifier = Verifier::new(credentials, &scope);
    let original = verifier.verify_url(&url, time).unwrap();
    assert!(matches!(
        verifier.verify_url(&url.replace("TokenValue", "TokenValuf"), time),
        Err(Error::SessionTokenMismatch { .. })
    ));
    let capital = url.replacen("wss://a1b2", "WSS://A1b2", 1);
    assert!(same_request(&verifier.verify_url(&capital, time).unwrap(), &original));
    let other_query = url.replacen("a=1", "a=2", 1);
    assert_eq!(verifier.verify_url(&other_query, time), Err(Error::SignatureMismatch));
}

/// The shortest form of what (f) once found: SigV4's canonical URI drops empty path segments,
/// so a signature over `/a//b` also covers `/a/b` (and the other way round). So neither side
/// takes them: presigning refuses a path with `//`, and the verifier refuses one received; as
/// with `.` and `..` segments, a request for another path than was signed is refused.
#[test]
fn a_path_verifies_only_as_signed() {
    let credentials = Credentials::new("AKIDEXAMPLE", "secret/KEY", None).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let time = time::macros::datetime!(2020-01-31 10:02:33 UTC);
    let verifier = Verifier::new(credentials.clone(), &scope);
    let presign = |path: &str| {
        let url = format!("wss://h.example{path}?room=1");
        presign_url(&url, &credentials, &scope, time, Duration::from_secs(300))
    };
    let mut wrong = Vec::new();
    for (signed, sent) in
        [("/a/b", "/a//b"), ("/dev/", "/dev//"), ("/dev", "//dev"), ("/a/b", "/a/c")]
    {
        assert!(matches!(presign(sent), Err(Error::InvalidUrl { .. })) || !sent.contains("//"));
        let url = presign(signed).unwrap().into_string();
        assert_eq!(verifier.verify_url(&url, time).unwrap().path(), signed);
        let edited = url.replacen(&format!("h.example{signed}?"), &format!("h.example{sent}?"), 1);
        assert_ne!(edited, url);
        if let Ok(verified) = verifier.verify_url(&edited, time) {
            wrong.push(format!("signed for {signed}, verifies for {}", verified.path()));
        }
        let target = edited.strip_prefix("wss://h.example").unwrap();
        if let Ok(verified) = verifier.verify_request("GET", target, &[("host", "h.example")], time)
        {
            wrong.push(format!("signed for {signed}, verifies for target {}", verified.path()));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
