//! Presigns arbitrary URL strings with fuzz-chosen region, service, token, token mode, time
//! and expiry. Checks that nothing panics, that `presign_url`, `presign_url_with_options` and
//! a `Presigner` give the same result, that the fast path and the URL parser agree (the same
//! input padded with spaces always takes the parser), and that every URL returned parses to
//! itself. Errors must not show the secret key or the session token.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sigv4_wss::{
    Credentials, Presigner, Scope, SessionTokenMode, SigningOptions, presign_url,
    presign_url_with_options,
};
use time::{OffsetDateTime, UtcOffset};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"];
const SERVICES: [&str; 5] = [
    "execute-api",
    "iotdevicegateway",
    "transcribe",
    "neptune-db",
    "custom",
];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    url: &'a str,
    region: u8,
    service: u8,
    /// Used as region and service when it is a valid name (and `service` is 255).
    custom_scope: (&'a str, &'a str),
    token: Option<&'a str>,
    mode: u8,
    unix: i64,
    nanos: u32,
    offset_seconds: i32,
    expires_secs: u64,
    expires_nanos: u32,
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list.get(usize::from(i) % list.len())
        .copied()
        .unwrap_or("x")
}

fuzz_target!(|input: Input<'_>| {
    // The token gets a prefix that no error message can contain unless it leaks the token
    // (messages quote only lowercase schemes and service names). Invalid tokens are the
    // credential target's business: fall back to none.
    let token = input.token.map(|t| format!("SESSION-TOKEN-{t}"));
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token.as_deref())
        .or_else(|_| Credentials::new("AKIDEXAMPLE", SECRET, None))
        .expect("valid credentials");
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
    let options = SigningOptions::default().session_token(mode);
    let Ok(time) = OffsetDateTime::from_unix_timestamp(input.unix) else {
        return;
    };
    let time = time
        .replace_nanosecond(input.nanos % 1_000_000_000)
        .unwrap_or(time);
    let time = UtcOffset::from_whole_seconds(input.offset_seconds % 86_400)
        .ok()
        .and_then(|offset| time.checked_to_offset(offset))
        .unwrap_or(time);
    let expires = Duration::new(input.expires_secs, input.expires_nanos % 1_000_000_000);

    let result = presign_url_with_options(input.url, &credentials, &scope, time, expires, &options)
        .map(|url| url.into_string());
    let presigner = Presigner::with_options(credentials.clone(), scope.clone(), options);
    let again = presigner
        .presign(input.url, time, expires)
        .map(|url| url.into_string());
    assert_eq!(result, again, "Presigner differs");
    if mode == SessionTokenMode::ServiceDefault {
        let plain = presign_url(input.url, &credentials, &scope, time, expires)
            .map(|url| url.into_string());
        assert_eq!(result, plain, "presign_url differs");
    }
    // The presigner has kept the canonical request's stable prefix for this path (when its
    // query is simple and the path at most 256 bytes): the second presign starts from it.
    let warm = presigner
        .presign(input.url, time, expires)
        .map(|url| url.into_string());
    assert_eq!(result, warm, "Presigner differs on a second presign");
    let padded = presigner
        .presign(&format!(" {}\t", input.url), time, expires)
        .map(|url| url.into_string());

    match &result {
        Ok(url) => {
            assert_eq!(padded.as_ref(), Ok(url), "fast path and parser differ");
            let parsed = url::Url::parse(url).expect("the presigned URL parses");
            assert_eq!(
                parsed.as_str(),
                url,
                "the presigned URL is not in serialized form"
            );
        }
        Err(e) => {
            let shown = format!("{e} {e:?}");
            assert!(!shown.is_empty() && !shown.contains(SECRET));
            if let Some(token) = &token {
                assert!(!shown.contains(token.as_str()), "an error shows the token");
            }
            // A padded input may fail differently only where the padding itself matters:
            // the parser trims it, so the error is the same.
            assert_eq!(
                padded.as_ref().err(),
                Some(e),
                "fast path and parser differ"
            );
        }
    }
});
