//! Tests of the verifier's fast path: it is taken where it should be, and decides as the
//! general path.

use core::time::Duration;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use crate::{Error, Presigner, Scope, SessionTokenMode};

const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
/// The URL of `benches/verify.rs`.
const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// An 800-character session token with characters that are encoded in a URL, as the
/// bench's.
fn long_token() -> String {
    "IQoJb3JpZ2luX2VjEJr//////////wEa".repeat(25)
}

/// The request target and `Host` of a presigned URL of [`HOST`].
fn target(url: &str) -> &str {
    &url["wss://".len() + HOST.len()..]
}

/// The session token where other signers put it: before `X-Amz-SignedHeaders`
/// (canonical order), before `X-Amz-Signature` (botocore), in alphabetical order (AWS SDK
/// for JavaScript v3), after `X-Amz-Expires` with the signed headers first (Amplify v5) or
/// right after `X-Amz-Date` (Amplify v4). The signature holds wherever it is; the fast path
/// takes every place, signed or not, and decides as a fresh verifier; a token in two places
/// is left to the general path.
#[test]
fn the_token_is_found_where_other_signers_put_it() {
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let now = signed_at + Duration::from_secs(10);
    for (service, mode) in [
        ("execute-api", SessionTokenMode::ServiceDefault),
        ("iotdevicegateway", SessionTokenMode::ServiceDefault),
        ("execute-api", SessionTokenMode::Unsigned),
    ] {
        let scope = Scope::new("us-east-1", service).unwrap();
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(&long_token())).unwrap();
        let options = crate::SigningOptions::default().session_token(mode);
        let ours = Presigner::with_options(creds.clone(), scope.clone(), options)
            .presign(URL, signed_at, Duration::from_secs(300))
            .unwrap();
        let ours = ours.as_str();
        let at = ours.find("&X-Amz-Security-Token=").unwrap();
        let (without, token) = ours.split_at(at);
        let canonical_order = without.replace(
            "&X-Amz-SignedHeaders=",
            &format!("{token}&X-Amz-SignedHeaders="),
        );
        let botocore = without.replace("&X-Amz-Signature=", &format!("{token}&X-Amz-Signature="));
        let fresh = || Verifier::new(creds.clone()).session_token(mode);
        let warm = fresh();
        warm.verify_url(ours, signed_at).unwrap();
        let key = warm.cached_key().unwrap();
        let sorted = alphabetical(ours);
        let amplify_v5 = reorder(ours, Order::AmplifyV5);
        let amplify_v4 = reorder(ours, Order::AmplifyV4);
        for url in [
            ours,
            &canonical_order,
            &botocore,
            &sorted,
            &amplify_v5,
            &amplify_v4,
        ] {
            let want = fresh().verify_url(url, now).unwrap();
            let fast = warm.verify_url_layout(&key, "GET", url, now);
            assert_eq!(fast.ok().as_ref(), Some(&want), "{url}");
            let fast = warm.verify_request_layout(&key, "GET", target(url), &[("host", HOST)], now);
            assert_eq!(fast.ok().as_ref(), Some(&want), "{url}");
        }
        let twice = format!("{canonical_order}{token}");
        assert!(warm.verify_url_layout(&key, "GET", &twice, now).is_err());
        assert_eq!(
            warm.verify_url(&twice, now),
            fresh().verify_url(&twice, now)
        );
    }
}

/// The session token of [`AMPLIFY_URLS`].
const AMPLIFY_TOKEN: &str = "AQoDYXdzEJr//short+token/with=";

/// [`URL`] presigned by aws-amplify's `Signer.signUrl` with `AMPLIFY_TOKEN`, AKIDEXAMPLE and
/// [`SECRET`], at 2020-01-31T10:02:33Z for 300 seconds: the output of the
/// `amplify_presign.mjs` oracle of the project's shared oracles, with @aws-amplify/core
/// 5.8.19 (the first two) and 4.7.15 (the last two). v5 writes `X-Amz-SignedHeaders`
/// before `X-Amz-Expires`; v4 the token right after `X-Amz-Date`; both append the token
/// after the signature, unsigned, for `iotdevicegateway`.
const AMPLIFY_URLS: [(&str, &str); 4] = [
    (
        "execute-api",
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300\
         &X-Amz-Security-Token=AQoDYXdzEJr%2F%2Fshort%2Btoken%2Fwith%3D\
         &X-Amz-Signature=8b4249d92b22a57ef5d784173875db750e8bceadf1527725a171b8f0a892fbb3",
    ),
    (
        "iotdevicegateway",
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fiotdevicegateway%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300\
         &X-Amz-Signature=1ef6367e77bce4b6d2c637a4b5e6b39a8c640efe4521b2bf5693485f07b44b60\
         &X-Amz-Security-Token=AQoDYXdzEJr%2F%2Fshort%2Btoken%2Fwith%3D",
    ),
    (
        "execute-api",
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
         &X-Amz-Date=20200131T100233Z\
         &X-Amz-Security-Token=AQoDYXdzEJr%2F%2Fshort%2Btoken%2Fwith%3D\
         &X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=8b4249d92b22a57ef5d784173875db750e8bceadf1527725a171b8f0a892fbb3",
    ),
    (
        "iotdevicegateway",
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fiotdevicegateway%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=1ef6367e77bce4b6d2c637a4b5e6b39a8c640efe4521b2bf5693485f07b44b60\
         &X-Amz-Security-Token=AQoDYXdzEJr%2F%2Fshort%2Btoken%2Fwith%3D",
    ),
];

/// URLs that Amplify wrote: this crate's presigner signs the same (another order of the
/// same parameters), and a warm verifier takes the fast path for them, by URL and by
/// request target, with the result of a fresh one.
#[test]
fn urls_written_by_amplify_take_the_fast_path() {
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let now = signed_at + Duration::from_secs(10);
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(AMPLIFY_TOKEN)).unwrap();
    for (service, url) in AMPLIFY_URLS {
        let scope = Scope::new("us-east-1", service).unwrap();
        let ours = Presigner::new(creds.clone(), scope)
            .presign(URL, signed_at, Duration::from_secs(300))
            .unwrap();
        let signature = |url: &str| url.split("X-Amz-Signature=").nth(1).unwrap()[..64].to_owned();
        assert_eq!(signature(ours.as_str()), signature(url), "{url}");
        let want = Verifier::new(creds.clone()).verify_url(url, now).unwrap();
        let warm = Verifier::new(creds.clone());
        warm.verify_url(url, signed_at).unwrap();
        let key = warm.cached_key().unwrap();
        let fast = warm.verify_url_layout(&key, "GET", url, now);
        assert_eq!(fast.ok().as_ref(), Some(&want), "{url}");
        let fast = warm.verify_request_layout(&key, "GET", target(url), &[("host", HOST)], now);
        assert_eq!(fast.ok().as_ref(), Some(&want), "{url}");
    }
}

/// Every order of the four parameters after `X-Amz-Date`, with the URL's own query before or
/// after all the authentication parameters, with and without a token, signed or not: the
/// fast path takes it and decides as a fresh verifier.
#[test]
fn every_order_after_the_date_takes_the_fast_path() {
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let now = signed_at + Duration::from_secs(10);
    for (service, token) in [
        ("execute-api", Some("a/b+c=")),
        ("iotdevicegateway", Some("a/b+c=")),
        ("execute-api", None),
    ] {
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
        let scope = Scope::new("us-east-1", service).unwrap();
        let url = Presigner::new(creds.clone(), scope)
            .presign(URL, signed_at, Duration::from_secs(300))
            .unwrap();
        let (head, query) = url.as_str().split_once('?').unwrap();
        let items: Vec<&str> = query.split('&').collect();
        // room=lobby, then Algorithm, Credential, Date, then the rest.
        let (own, first, tail) = (items[0], &items[1..4], &items[4..]);
        let warm = Verifier::new(creds.clone());
        warm.verify_url(url.as_str(), signed_at).unwrap();
        let key = warm.cached_key().unwrap();
        let mut orders = 0;
        for order in permutations(tail.len()) {
            let tail: Vec<&str> = order.iter().map(|&i| tail[i]).collect();
            let auth = [first, &tail].concat().join("&");
            for url in [
                format!("{head}?{own}&{auth}"),
                format!("{head}?{auth}&{own}"),
            ] {
                let want = Verifier::new(creds.clone()).verify_url(&url, now).unwrap();
                let fast = warm.verify_url_layout(&key, "GET", &url, now);
                assert_eq!(fast.ok().as_ref(), Some(&want), "{url}");
                let fast =
                    warm.verify_request_layout(&key, "GET", target(&url), &[("host", HOST)], now);
                assert_eq!(fast.ok().as_ref(), Some(&want), "{url}");
                orders += 1;
            }
        }
        assert_eq!(orders, if token.is_some() { 48 } else { 12 });
    }
}

/// Every order of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut order = rest.clone();
            order.insert(at, n - 1);
            all.push(order);
        }
    }
    all
}

#[test]
fn the_bench_urls_take_the_fast_path() {
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let now = datetime!(2020-01-31 10:02:43 UTC);
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    for token in [None, Some(long_token())] {
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, token.as_deref()).unwrap();
        let url = Presigner::new(creds.clone(), scope.clone())
            .presign(URL, signed_at, Duration::from_secs(300))
            .unwrap();
        let url = url.as_str();
        let fresh = || Verifier::new(creds.clone()).expect_scope(&scope);
        let want = fresh().verify_url(url, now).unwrap();
        assert_eq!(want.has_session_token(), token.is_some());

        // Warmed by a URL (the cache knows its head) and by a request (it does not).
        let by_url = fresh();
        by_url.verify_url(url, signed_at).unwrap();
        let by_request = fresh();
        by_request
            .verify_request("GET", target(url), &[("host", HOST)], signed_at)
            .unwrap();
        for warm in [by_url, by_request] {
            let key = warm.cached_key().unwrap();
            let fast = warm.verify_url_layout(&key, "GET", url, now);
            assert_eq!(fast.ok().as_ref(), Some(&want), "{token:?}");
            let headers = [("Host", HOST)];
            let fast = warm.verify_request_layout(&key, "GET", target(url), &headers, now);
            assert_eq!(fast.ok().as_ref(), Some(&want), "{token:?}");
            // And through the public methods.
            assert_eq!(warm.verify_url(url, now).as_ref(), Ok(&want));
            assert_eq!(
                warm.verify_request("GET", target(url), &headers, now)
                    .as_ref(),
                Ok(&want)
            );
        }
    }
}

#[test]
fn the_layout_is_matched_exactly() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some("a/b")).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let url = Presigner::new(creds.clone(), scope)
        .presign(URL, signed_at, Duration::from_secs(300))
        .unwrap();
    let verifier = Verifier::new(creds);
    verifier.verify_url(url.as_str(), signed_at).unwrap();
    let key = verifier.cached_key().unwrap();
    let query = url.as_str().split_once('?').unwrap().1;
    let layout = Layout::of(query, &key).unwrap();
    assert_eq!(layout.own, "room=lobby");
    assert_eq!(layout.date, "20200131T100233Z");
    assert_eq!(layout.expires, "300");
    let ((start, end), value) = layout.token.unwrap();
    assert_eq!(&layout.auth[start..end], "&X-Amz-Security-Token=a%2Fb");
    assert_eq!(value, "a%2Fb");
    let mut canonical = String::new();
    layout.write_canonical_query(&mut canonical, true, 0);
    assert_eq!(
        canonical,
        "X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
         &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-Security-Token=a%2Fb\
         &X-Amz-SignedHeaders=host&room=lobby"
    );
    let auth = &query["room=lobby&".len()..];
    for other in [
        format!("&{auth}"),
        format!("room=lobby&&{auth}"),
        format!("room=lobby&X=1&{auth}"),
        format!("b=1&a=1&{auth}"),
        format!("{query}&"),
        format!("{query}x"),
        query.replace("&X-Amz-SignedHeaders=host", "&X-Amz-SignedHeaders=host%3Bx"),
        query.replace("AKIDEXAMPLE", "AKIDEXAMPLF"),
        query.replace("20200131%2F", "20200130%2F"),
        query.replace("&X-Amz-Expires=300", "&X-Amz-Expires=300&Z=1"),
        query.replace("&X-Amz-Security-Token=", "&X-Amz-Security-Token=&"),
        // Each parameter after the date once, the URL's own query not among them.
        query.replace("&X-Amz-Expires=300", "&X-Amz-Expires=300&X-Amz-Expires=300"),
        query.replace(
            "&X-Amz-SignedHeaders=host",
            "&X-Amz-SignedHeaders=host&X-Amz-SignedHeaders=host",
        ),
        auth.replace(
            "&X-Amz-SignedHeaders=host",
            "&room=lobby&X-Amz-SignedHeaders=host",
        ),
    ] {
        // Refused by the match, or (text after the token) by the token's comparison.
        let matched = Layout::of(&other, &key).filter(|layout| {
            token_is_cached(
                layout.token.map(|(_, value)| value),
                key.encoded_token.as_deref(),
            )
        });
        assert!(matched.is_none(), "{other}");
    }
    let without_token = query.replace("&X-Amz-Security-Token=a%2Fb", "");
    assert!(Layout::of(&without_token, &key).unwrap().token.is_none());
    // `X-Amz-Expires` may also come last.
    let expires_last = format!(
        "{}&X-Amz-Expires=300",
        query.replace("&X-Amz-Expires=300", "")
    );
    let layout = Layout::of(&expires_last, &key).unwrap();
    assert_eq!(layout.expires, "300");
    let mut moved = String::new();
    layout.write_canonical_query(&mut moved, true, 0);
    assert_eq!(moved, canonical);
    assert!(!token_is_cached(None, Some("a%2Fb")));
    assert!(!token_is_cached(Some("a%2Fb"), None));
    assert!(!token_is_cached(Some("a%2F"), Some("a%2Fb")));
    assert!(!token_is_cached(Some("a%2Fbc"), Some("a%2Fb")));
    assert!(!token_is_cached(Some("a%2Fc"), Some("a%2Fb")));
    assert!(token_is_cached(Some("a%2Fb"), Some("a%2Fb")));
    assert!(token_is_cached(None, None));
}

/// The URLs of a cache regression test: each of two access keys (one with a session
/// token), regions, dates and URL heads.
struct Signed {
    url: String,
    host: &'static str,
    now: OffsetDateTime,
}

#[test]
fn a_cache_filled_by_another_key_scope_date_or_head_decides_as_an_empty_one() {
    let a = Credentials::new("AKIDA", "secret/a", Some("token+a/")).unwrap();
    let b = Credentials::new("AKIDB", "secret+b", None).unwrap();
    let lookup: HashMap<String, Credentials> = [a.clone(), b.clone()]
        .into_iter()
        .map(|c| (c.access_key_id().to_owned(), c))
        .collect();
    let mut signed = Vec::new();
    for creds in [&a, &b] {
        for region in ["us-east-1", "eu-west-1"] {
            let presigner =
                Presigner::new(creds.clone(), Scope::new(region, "execute-api").unwrap());
            for at in [
                datetime!(2020-01-31 23:59:50 UTC),
                datetime!(2020-02-01 00:00:05 UTC),
            ] {
                for (host, path) in [("h1.example.com", "/dev"), ("h2.example.com", "/")] {
                    let url = presigner
                        .presign(
                            &format!("wss://{host}{path}?room=lobby"),
                            at,
                            Duration::from_secs(300),
                        )
                        .unwrap();
                    signed.push(Signed {
                        url: url.into_string(),
                        host,
                        now: at + Duration::from_secs(1),
                    });
                }
            }
        }
    }
    let mut fast = 0;
    for filler in &signed {
        for checked in &signed {
            let target = &checked.url["wss://".len() + checked.host.len()..];
            let headers = [("host", checked.host)];
            for now in [checked.now, filler.now] {
                let warm = Verifier::new(lookup.clone());
                warm.verify_url(&filler.url, filler.now).unwrap();
                let key = warm.cached_key().unwrap();
                fast += usize::from(
                    warm.verify_url_layout(&key, "GET", &checked.url, now)
                        .is_ok(),
                );
                assert_eq!(
                    warm.verify_url(&checked.url, now),
                    Verifier::new(lookup.clone()).verify_url(&checked.url, now),
                    "{} after {}",
                    checked.url,
                    filler.url
                );
                let warm = Verifier::new(lookup.clone());
                warm.verify_url(&filler.url, filler.now).unwrap();
                assert_eq!(
                    warm.verify_request("GET", target, &headers, now),
                    Verifier::new(lookup.clone()).verify_request("GET", target, &headers, now),
                    "{} after {}",
                    checked.url,
                    filler.url
                );
            }
        }
    }
    // The fast path serves the URLs of the filler's key, scope and date, whatever their
    // head (2 of the 16), at both times (within the validity of either URL).
    assert_eq!(fast, 16 * 2 * 2);
}

#[test]
fn the_lookup_is_asked_once_per_verification() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let old = Credentials::new("AKIDEXAMPLE", "old-secret", None).unwrap();
    let new = Credentials::new("AKIDEXAMPLE", "new-secret", None).unwrap();
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let presign = |creds: &Credentials, url: &str| {
        Presigner::new(creds.clone(), scope.clone())
            .presign(url, signed_at, Duration::from_secs(300))
            .unwrap()
            .into_string()
    };
    let old_url = presign(&old, URL);
    let new_url = presign(&new, URL);
    let other_url = presign(
        &old,
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com/x",
    );
    let current = Mutex::new(Some(old.clone()));
    let calls = AtomicUsize::new(0);
    let verifier = Verifier::new(|_: &str| {
        calls.fetch_add(1, Ordering::Relaxed);
        current.lock().unwrap().clone()
    });
    let check = |url: &str, want: Result<(), Error>| {
        calls.store(0, Ordering::Relaxed);
        let got = verifier.verify_url(url, signed_at).map(|_| ());
        assert_eq!(got, want, "{url}");
        assert_eq!(calls.load(Ordering::Relaxed), 1, "{url}");
        calls.store(0, Ordering::Relaxed);
        let got = verifier
            .verify_request("GET", target(url), &[("host", HOST)], signed_at)
            .map(|_| ());
        assert_eq!(got, want, "{url}");
        assert_eq!(calls.load(Ordering::Relaxed), 1, "{url}");
    };
    // Cold, then warm (the fast path), then a bad signature (the fast path gives up
    // after the lookup).
    check(&old_url, Ok(()));
    check(&old_url, Ok(()));
    check(&other_url, Ok(()));
    let at = old_url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let flipped = if &old_url[at..=at] == "0" { "1" } else { "0" };
    let mut forged = old_url.clone();
    forged.replace_range(at..=at, flipped);
    check(&forged, Err(Error::SignatureMismatch));
    // The secret rotates: the cached key no longer serves.
    *current.lock().unwrap() = Some(new.clone());
    check(&old_url, Err(Error::SignatureMismatch));
    check(&new_url, Ok(()));
    // Revoked.
    *current.lock().unwrap() = None;
    let unknown = Err(Error::UnknownAccessKey {
        access_key_id: "AKIDEXAMPLE".to_owned(),
    });
    check(&new_url, unknown);
}

/// What a property case signs, and how.
type Signing = (
    Option<String>,
    &'static str,
    [SessionTokenMode; 2],
    &'static str,
    String,
);
/// What it does to the URL: edits (position, kind, byte), the header list, clock skew, the
/// order of the query.
type Checking = (Vec<(usize, u8, u8)>, usize, u64, Order);

fn signing() -> impl Strategy<Value = Signing> {
    let token = prop_oneof![
        1 => Just(None),
        3 => "[A-Za-z0-9/+=]{1,60}".prop_map(Some),
        1 => "[!-~]{1,30}".prop_map(Some),
    ];
    let service = prop::sample::select(&["execute-api", "iotdevicegateway"][..]);
    let mode = prop_oneof![
        4 => Just(SessionTokenMode::ServiceDefault),
        1 => Just(SessionTokenMode::Signed),
        1 => Just(SessionTokenMode::Unsigned),
    ];
    let head = prop::sample::select(
        &[
            "wss://h.example.com/dev",
            "wss://h.example.com",
            "wss://h.example.com:8443/a/b/",
            "wss://H.Example.com/a/../dev",
            "wss://h.example.com/d%20v/@c",
            "ws://h.example.com/x y",
        ][..],
    );
    let query = prop_oneof![
        prop::sample::select(
            &[
                "",
                "room=lobby",
                "a=1&b=2",
                "a=1&a=1",
                "room=Lobby~.-_",
                "z=",
                "Y=1",
                "b=2&a=1",
                "A=1",
                "X=1",
                "x-amz-date=1",
                "room",
                "a=b=c",
                "a%20b=1",
                "a=b+c",
                "room=lobby&X-Amz-Foo=1",
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z]{1,3}=[a-z0-9]{0,3}(&[a-z]{1,3}=[a-z0-9]{0,3}){0,2}",
        "[a-zA-Z0-9%+=&~._-]{0,16}",
    ];
    (token, service, [mode.clone(), mode], head, query)
}

fn checking() -> impl Strategy<Value = Checking> {
    // Bytes that matter to the layout and the scan: separators, escapes, hex digits in
    // either case, the first byte of the authentication parameters' keys.
    let byte = prop::sample::select(&b"%&=#?+ 2FfAa0~Xx-/"[..]);
    let edit = (any::<usize>(), 0..3u8, byte);
    (
        prop::collection::vec(edit, 0..3),
        0..HEADER_LISTS,
        prop::sample::select(&[300, 0][..]),
        prop_oneof![
            3 => Just(Order::Ours),
            2 => Just(Order::Alphabetical),
            1 => Just(Order::AmplifyV5),
            1 => Just(Order::AmplifyV4),
            1 => Just(Order::Reversed),
        ],
    )
}

/// The URL with its query items in alphabetical order of their keys, as the AWS SDK for
/// JavaScript v3's `formatUrl` writes a presigned URL.
fn alphabetical(url: &str) -> String {
    let (head, query) = url.split_once('?').unwrap();
    let key = |item: &&str| item.split('=').next().unwrap_or_default().to_owned();
    let mut items: Vec<&str> = query.split('&').collect();
    items.sort_by(|a, b| key(a).cmp(&key(b)).then(a.cmp(b)));
    format!("{head}?{}", items.join("&"))
}

/// Orders in which other signers write the query of a presigned URL.
#[derive(Clone, Copy, Debug)]
enum Order {
    /// As this crate's presigner writes it.
    Ours,
    /// Every key in alphabetical order (AWS SDK for JavaScript v3).
    Alphabetical,
    /// Own query, `X-Amz-Algorithm`, `-Credential`, `-Date`, `-SignedHeaders`, `-Expires`,
    /// then the token before the signature if it is signed, after it if not (Amplify v5).
    AmplifyV5,
    /// The token right after `X-Amz-Date` if it is signed (Amplify v4).
    AmplifyV4,
    /// The parameters after `X-Amz-Date` in reverse, the own query last.
    Reversed,
}

/// The authentication parameters' keys: the three the fast path wants first, in this order,
/// and the four that may follow in any order.
const HEAD: [&str; 3] = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date"];
const TAIL: [&str; 4] = [
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
];

/// The URL with its query in `order` (the parameters only move).
fn reorder(url: &str, order: Order) -> String {
    let (head, query) = url.split_once('?').unwrap();
    let items: Vec<&str> = query.split('&').collect();
    let key = |item: &str| item.split('=').next().unwrap_or_default().to_owned();
    let find = |name: &str| items.iter().copied().find(|item| key(item) == name);
    let own: Vec<&str> = items
        .iter()
        .copied()
        .filter(|item| !HEAD.contains(&key(item).as_str()) && !TAIL.contains(&key(item).as_str()))
        .collect();
    let first: Vec<&str> = HEAD.iter().filter_map(|name| find(name)).collect();
    // Where the presigner put the token: last when it is not signed.
    let token_last = items
        .last()
        .is_some_and(|item| key(item) == "X-Amz-Security-Token");
    let token = find("X-Amz-Security-Token");
    let [expires, signature, signed_headers] =
        ["X-Amz-Expires", "X-Amz-Signature", "X-Amz-SignedHeaders"].map(|name| find(name).unwrap());
    let (tail, own_last): (Vec<Option<&str>>, bool) = match order {
        Order::Ours => return url.to_owned(),
        Order::Alphabetical => return alphabetical(url),
        Order::AmplifyV5 if token_last => (
            vec![Some(signed_headers), Some(expires), Some(signature), token],
            false,
        ),
        Order::AmplifyV5 => (
            vec![Some(signed_headers), Some(expires), token, Some(signature)],
            false,
        ),
        Order::AmplifyV4 if token_last => (
            vec![Some(expires), Some(signed_headers), Some(signature), token],
            false,
        ),
        Order::AmplifyV4 => (
            vec![token, Some(expires), Some(signed_headers), Some(signature)],
            false,
        ),
        Order::Reversed => {
            let mut tail: Vec<Option<&str>> = items
                .iter()
                .copied()
                .filter(|item| TAIL.contains(&key(item).as_str()))
                .map(Some)
                .collect();
            tail.reverse();
            (tail, true)
        }
    };
    let auth: Vec<&str> = first
        .into_iter()
        .chain(tail.into_iter().flatten())
        .collect();
    let all = if own_last {
        [auth, own].concat()
    } else {
        [own, auth].concat()
    };
    format!("{head}?{}", all.join("&"))
}

/// Whether the URL's own parameters are all on one side of the authentication parameters,
/// which are together, and form a query that [`is_simple_query`]: the fast path's layouts.
fn own_query_is_simple(url: &str) -> bool {
    let (_, query) = url.split_once('?').unwrap();
    let items: Vec<&str> = query.split('&').collect();
    let is_auth = |item: &&str| {
        let key = item.split('=').next().unwrap_or_default();
        HEAD.contains(&key) || TAIL.contains(&key)
    };
    let (Some(first), Some(last)) = (
        items.iter().position(is_auth),
        items.iter().rposition(is_auth),
    ) else {
        return false;
    };
    let (before, after) = (&items[..first], &items[last + 1..]);
    items[first..=last].iter().all(is_auth)
        && (before.is_empty() || after.is_empty())
        && is_simple_query(&[before, after].concat().join("&"))
}

const HEADER_LISTS: usize = 6;

/// A list of received headers for a URL of `host`.
fn header_list(host: &str, which: usize) -> Vec<(&str, &str)> {
    match which {
        0 => vec![("host", host)],
        1 => vec![("Host", host), ("X-Other", "1")],
        2 => vec![("HOST", host), ("host", host)],
        3 => vec![("x-other", host)],
        4 => vec![("host", "other.example.com")],
        _ => vec![("host", host), ("host", "")],
    }
}

/// Replaces, inserts or deletes one byte each.
fn edit(url: &str, edits: &[(usize, u8, u8)]) -> Option<String> {
    let mut bytes = url.as_bytes().to_vec();
    for &(at, kind, byte) in edits {
        let at = at % (bytes.len() + 1);
        match kind {
            0 if at < bytes.len() => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {}
        }
    }
    String::from_utf8(bytes).ok()
}

/// Where the request target starts in a URL: after `scheme://authority`.
fn target_start(url: &str) -> Option<usize> {
    let authority = url.find("://")? + 3;
    Some(authority + url.get(authority..)?.find('/')?)
}

#[test]
fn the_fast_path_decides_as_the_general_path() {
    use proptest::test_runner::{Config, TestRunner};

    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let (cases, fast) = (AtomicUsize::new(0), AtomicUsize::new(0));
    runner
        .run(&(signing(), checking()), |(signing, checking)| {
            let (token, service, [signer_mode, verifier_mode], head, query) = signing;
            let (edits, headers, skew, order) = checking;
            let creds = Credentials::new("AKIDEXAMPLE", "secret/key+", token.as_deref())
                .map_err(|e| TestCaseError::reject(e.to_string()))?;
            let scope = Scope::new("us-east-1", service).unwrap();
            let signed_at = datetime!(2020-01-31 10:02:33 UTC);
            let options = crate::SigningOptions::default().session_token(signer_mode);
            let Ok(url) = Presigner::with_options(creds.clone(), scope.clone(), options).presign(
                &format!("{head}?{query}"),
                signed_at,
                Duration::from_secs(300),
            ) else {
                return Ok(());
            };
            // Most cases in another signer's order.
            let url = reorder(url.as_str(), order);
            let url = url.as_str();
            let fresh = || {
                Verifier::new(creds.clone())
                    .expect_scope(&scope)
                    .session_token(verifier_mode)
                    .clock_skew(Duration::from_secs(skew))
            };
            let start = target_start(url).unwrap();
            let host = &url[url.find("://").unwrap() + 3..start];
            let good_headers = [("host", host)];

            // One verifier warmed by the URL (its cache knows the URL's head), one by the
            // request (its cache does not), whether or not they accept it.
            let by_url = fresh();
            let _ = by_url.verify_url(url, signed_at);
            let by_request = fresh();
            let _ = by_request.verify_request("GET", &url[start..], &good_headers, signed_at);

            // The presigner wrote the layout when the URL's own query is simple: then a
            // URL that verifies takes the fast path.
            let layout = own_query_is_simple(url);
            let now = signed_at + Duration::from_secs(10);
            let accepted = fresh().verify_url(url, now);
            cases.fetch_add(1, Ordering::Relaxed);
            if layout && accepted.is_ok() {
                fast.fetch_add(1, Ordering::Relaxed);
                for warm in [&by_url, &by_request] {
                    let key = warm.cached_key().unwrap();
                    let fast = warm.verify_url_layout(&key, "GET", url, now).ok();
                    prop_assert_eq!(fast.as_ref(), accepted.as_ref().ok(), "{}", url);
                    let fast =
                        warm.verify_request_layout(&key, "GET", &url[start..], &good_headers, now);
                    let fast = fast.ok();
                    prop_assert_eq!(fast.as_ref(), accepted.as_ref().ok(), "{}", url);
                }
            }

            let Some(edited) = edit(url, &edits) else {
                return Ok(());
            };
            let target = edited.get(start..).unwrap_or_default();
            let received = header_list(host, headers);
            for secs in [-301, -300, 0, 10, 299, 300, 301, 600, 601] {
                let now = signed_at.saturating_add(time::Duration::seconds(secs));
                let want = fresh().verify_url(&edited, now);
                let want_request = fresh().verify_request("GET", target, &received, now);
                for warm in [&by_url, &by_request] {
                    prop_assert_eq!(&warm.verify_url(&edited, now), &want, "{}", edited);
                    prop_assert_eq!(
                        &warm.verify_request("GET", target, &received, now),
                        &want_request,
                        "{} {:?}",
                        target,
                        received
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    // The fast path was taken on a good share of the cases.
    let (cases, fast) = (cases.into_inner(), fast.into_inner());
    assert!(fast * 5 > cases, "{fast} of {cases}");
}
