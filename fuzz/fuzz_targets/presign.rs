//! Presigns arbitrary URL strings with a fuzz-chosen scope, session token, token mode, time
//! and expiry.
//!
//! Checks that nothing panics; that `presign_url` and a `Presigner` agree byte for byte (also
//! on a second call and after `set_credentials` with the same credentials), and that a token
//! mode changes the URL exactly when it changes whether the token is signed; that the URL is
//! the parsed input (fragment dropped, `[ ] ^ |` encoded) with its own parameters in canonical
//! encoding followed by exactly the `X-Amz-*` parameters that `Presigner::presign_request` gives
//! for `CanonicalRequest::from_url("GET", url)`; that it parses to itself; that `expires_at` is
//! the signing time (whole seconds) plus the expiry; that `redacted()` is the URL with the
//! signature and token replaced; that the expiry, time and URL-length rules hold both ways; and
//! that no error shows the secret key or the session token.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use arbitrary::Arbitrary;
use common::{SECRET, assert_hidden, encode, reencode, sent, split_query};
use libfuzzer_sys::fuzz_target;
use sigv4_wss::{
    CanonicalRequest, Credentials, Error, Presigner, Scope, SessionTokenMode, presign_url,
};
use time::{OffsetDateTime, UtcOffset};

const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"];
const SERVICES: [&str; 5] =
    ["execute-api", "iotdevicegateway", "transcribe", "neptune-db", "custom"];
/// Unix time of 9999-12-31T23:59:59Z, the last second SigV4 can write.
const LAST_SECOND: i64 = 253_402_300_799;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    url: &'a str,
    region: u8,
    service: u8,
    /// Used as region and service when both are valid names and `service` is 255.
    custom_scope: (&'a str, &'a str),
    token: Option<&'a str>,
    mode: u8,
    /// Where the signing time lies: near 1970, near the end of 9999, anywhere from year 0 to
    /// 10000, or near 2020; `unix` is added (taken modulo a small range, or the whole range).
    epoch: u8,
    unix: i64,
    nanos: u32,
    offset_seconds: i32,
    expires_secs: u64,
    /// Nonzero in one input in eight: a fraction of a second.
    expires_nanos: u32,
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[usize::from(i) % list.len()]
}

fuzz_target!(|input: Input<'_>| {
    let shown_input = format!("{input:?}");
    // The token gets a prefix that no message contains unless it shows the token. Invalid
    // tokens are the parse_credentials target's business: fall back to none.
    let token = input.token.map(|t| format!("SESSION-TOKEN-{t}"));
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token.as_deref())
        .or_else(|_| Credentials::new("AKIDEXAMPLE", SECRET, None))
        .expect("valid credentials");
    let token = token.filter(|_| credentials.has_session_token());
    let scope = match Scope::new(input.custom_scope.0, input.custom_scope.1) {
        Ok(scope) if input.service == 255 => scope,
        _ => Scope::new(pick(&REGIONS, input.region), pick(&SERVICES, input.service))
            .expect("valid scope"),
    };
    let mode = match input.mode % 3 {
        0 => SessionTokenMode::ServiceDefault,
        1 => SessionTokenMode::Signed,
        _ => SessionTokenMode::Unsigned,
    };
    let is_iot = scope.service() == "iotdevicegateway";
    let signs_token = match mode {
        SessionTokenMode::Signed => true,
        SessionTokenMode::Unsigned => false,
        _ => !is_iot,
    };
    let unix = match input.epoch % 4 {
        0 => input.unix % 1_000_000,
        1 => LAST_SECOND + input.unix % 1_000_000,
        // From year 0 to two days past 9999.
        2 => input.unix.rem_euclid(LAST_SECOND + 2 * 86_400 + 62_167_219_200) - 62_167_219_200,
        _ => 1_580_464_953 + input.unix % 1_000_000,
    };
    let Ok(time) = OffsetDateTime::from_unix_timestamp(unix) else {
        return;
    };
    let time = time.replace_nanosecond(input.nanos % 1_000_000_000).unwrap_or(time);
    let time = UtcOffset::from_whole_seconds(input.offset_seconds % 86_400)
        .ok()
        .and_then(|offset| time.checked_to_offset(offset))
        .unwrap_or(time);
    let nanos =
        if input.expires_nanos.is_multiple_of(8) { input.expires_nanos % 1_000_000_000 } else { 0 };
    let expires = Duration::new(input.expires_secs % 1_000_000, nanos);

    let result = presign_url(input.url, &credentials, &scope, time, expires);
    let text = result.as_ref().map(|url| url.as_str().to_owned()).map_err(Clone::clone);
    let presigner = Presigner::new(credentials.clone(), scope.clone());
    let again = presigner.presign(input.url, time, expires).map(|url| url.into_string());
    assert_eq!(text, again, "Presigner and presign_url differ");
    let warm = presigner.presign(input.url, time, expires).map(|url| url.into_string());
    assert_eq!(text, warm, "Presigner differs on a second presign");
    presigner.set_credentials(credentials.clone());
    let reset = presigner.presign(input.url, time, expires).map(|url| url.into_string());
    assert_eq!(text, reset, "Presigner differs after set_credentials");

    let moded = Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
    let with_mode = moded.presign(input.url, time, expires).map(|url| url.into_string());
    match (&text, &with_mode) {
        (Ok(a), Ok(b)) => {
            // Only whether the token is signed can change the URL (its signature).
            let same_rule = token.is_none() || signs_token != is_iot;
            assert_eq!(a == b, same_rule, "token mode {mode:?}: {a} / {b}");
        }
        (a, b) => {
            assert_eq!(a.as_ref().err(), b.as_ref().err(), "token mode {mode:?} changes an error")
        }
    }

    // The rules of the arguments, both ways.
    let max = if scope.service() == "transcribe" { 300 } else { 604_800 };
    let secs_ok = (1..=u64::from(max)).contains(&expires.as_secs());
    let year = time.checked_to_offset(UtcOffset::UTC).map(|t| t.year());
    let year_ok = year.is_some_and(|y| (1970..=9999).contains(&y));
    // The URL's validity must end by 9999 too (`expires_at` is a time of SigV4's range).
    let ends_ok =
        time.unix_timestamp() + i64::try_from(expires.as_secs()).expect("small") <= LAST_SECOND;
    match &result {
        Err(Error::ExpiresNotWholeSeconds { expires: e }) => {
            assert!(*e == expires && nanos != 0);
        }
        Err(Error::ExpiresOutOfRange { seconds, max: m, service }) => {
            assert!(!secs_ok && *seconds == expires.as_secs() && *m == max);
            assert_eq!(service, scope.service());
        }
        Err(Error::TimeOutOfRange { .. }) => assert!(!year_ok || !ends_ok, "{time}"),
        Err(Error::UrlTooLong { length, max, service }) => {
            assert!(*length > *max && *max == 4096 && service == "execute-api");
        }
        Err(_) => {}
        Ok(_) => assert!(nanos == 0 && secs_ok && year_ok && ends_ok),
    }

    let via_request = CanonicalRequest::from_url("GET", input.url)
        .and_then(|request| presigner.presign_request(&request, time, expires));
    let url = match result {
        Ok(url) => url,
        Err(e) => {
            let shown = format!("{e} {e:?}");
            assert!(!e.to_string().is_empty());
            assert_hidden(&shown, &[SECRET, token.as_deref().unwrap_or("")], &shown_input);
            match e {
                // The checks of presign that presign_request cannot make: the URL's length and
                // the end of its validity.
                Error::UrlTooLong { .. } => assert!(via_request.is_ok()),
                Error::TimeOutOfRange { .. } if year_ok => {}
                // Either names one of the reserved parameters (the first in URL or in
                // canonical order).
                Error::ReservedParameter { .. } => {
                    assert!(matches!(via_request, Err(Error::ReservedParameter { .. })));
                }
                _ => assert!(via_request.is_err(), "{e}"),
            }
            return;
        }
    };
    let s = url.as_str();
    let reparsed = url::Url::parse(s).expect("a presigned URL parses");
    assert_eq!(reparsed.as_str(), s, "the presigned URL is not in serialized form");
    if scope.service() == "execute-api" && matches!(reparsed.scheme(), "ws" | "wss") {
        assert!(s.len() <= 4096);
    }

    // The URL, piece by piece: what the client sends for the input, then the X-Amz-* part.
    let scheme = url::Url::parse(input.url).expect("presigned, so it parses").scheme().to_owned();
    let (host, path, query) = sent(input.url).expect("presigned, so it parses");
    assert!(!path.contains("//"), "an empty path segment is signed as none");
    let own: String = split_query(&query)
        .iter()
        .map(|(k, v)| format!("{}={}&", reencode(k), reencode(v)))
        .collect();
    let auth = via_request.expect("presign_request signs what presign signs");
    assert_eq!(
        s,
        format!("{scheme}://{host}{path}?{own}{}", auth.query()),
        "presign and presign_request"
    );
    let utc = time.to_offset(UtcOffset::UTC).replace_nanosecond(0).expect("0 is valid");
    let (region, service) = (scope.region(), scope.service());
    let day = format!("{:04}{:02}{:02}", utc.year(), u8::from(utc.month()), utc.day());
    let (h, m, sec) = utc.to_hms();
    let amz_date = format!("{day}T{h:02}{m:02}{sec:02}Z");
    let head = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F{day}%2F{region}%2F{service}%2Faws4_request\
         &X-Amz-Date={amz_date}&X-Amz-Expires={}&X-Amz-SignedHeaders=host&X-Amz-Signature=",
        expires.as_secs()
    );
    let rest =
        auth.query().strip_prefix(&head).unwrap_or_else(|| panic!("auth query {}", auth.query()));
    let (signature, tail) = rest.split_at(64.min(rest.len()));
    assert!(
        signature.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) && signature.len() == 64
    );
    let token_param = token.as_deref().map(|t| format!("&X-Amz-Security-Token={}", encode(t)));
    assert_eq!(tail, token_param.as_deref().unwrap_or(""), "the token is last");

    let expires_at =
        utc.checked_add(time::Duration::seconds(i64::try_from(expires.as_secs()).expect("small")));
    assert_eq!(Some(url.expires_at()), expires_at, "expires_at");

    // Redacted: exactly the signature's and the token's values replaced.
    let redacted_tail = if token.is_some() { "&X-Amz-Security-Token=<redacted>" } else { "" };
    // An own parameter named Authorization (any case) is a credential by its name: hidden too.
    let own_redacted: String = split_query(&query)
        .iter()
        .map(|(k, v)| {
            let k = reencode(k);
            let v = if k.eq_ignore_ascii_case("authorization") {
                "<redacted>".into()
            } else {
                reencode(v)
            };
            format!("{k}={v}&")
        })
        .collect();
    let redacted = format!("{scheme}://{host}{path}?{own_redacted}{head}<redacted>{redacted_tail}");
    assert_eq!(url.redacted().to_string(), redacted);
    assert_eq!(format!("{:?}", url.redacted()), format!("RedactedUrl({redacted})"));
    assert_eq!(format!("{url:?}"), format!("PresignedUrl({redacted})"));
    // The token mode changes nothing but the signature.
    let with_mode = moded.presign(input.url, time, expires).expect("same checks");
    assert_eq!(with_mode.redacted().to_string(), redacted);
});
