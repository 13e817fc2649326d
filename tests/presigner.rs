//! The reusable `Presigner` gives byte for byte what `presign_url` gives: on the main case of
//! the project's peer measurements, on many varied URLs, services, tokens and session-token
//! modes, and across a UTC date change, where its cached signing key must be replaced.
//! `set_credentials` takes effect on the next call, from any thread; a `Presigner` and a
//! `Verifier` shared by several threads give every thread the right answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::HashMap;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use sigv4_wss::{
    Credentials, Error, Presigner, Scope, SessionTokenMode, Verifier, lookup_fn, presign_url,
};
use time::OffsetDateTime;
use time::macros::datetime;

// Servers share these between threads: a compile-time check (it was in src/lib.rs).
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Presigner>();
    shared::<Verifier<HashMap<String, Credentials>>>();
};

const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of the project's peer measurements.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
/// The signatures of the main case in the peer measurements (agreed on by aws-sigv4,
/// botocore, @smithy/signature-v4, aws-c-auth and aws4).
const MAIN_SIG_TOKEN: &str = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";
const MAIN_SIG_NO_TOKEN: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";
const EXPIRES: Duration = Duration::from_secs(300);
const TIME: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token).unwrap()
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn signature(url: &str) -> &str {
    url.split(['?', '&']).find_map(|item| item.strip_prefix("X-Amz-Signature=")).unwrap()
}

/// `presign_url`'s URL, as a string.
fn reference(
    url: &str, credentials: &Credentials, scope: &Scope, time: OffsetDateTime,
) -> Result<String, Error> {
    presign_url(url, credentials, scope, time, EXPIRES).map(sigv4_wss::PresignedUrl::into_string)
}

fn presigned(
    presigner: &Presigner, url: &str, time: OffsetDateTime, expires: Duration,
) -> Result<String, Error> {
    presigner.presign(url, time, expires).map(sigv4_wss::PresignedUrl::into_string)
}

#[test]
fn main_case_matches_presign_url_and_the_reference() {
    for (token, sig, len) in [(Some(TOKEN), MAIN_SIG_TOKEN, 1227), (None, MAIN_SIG_NO_TOKEN, 333)] {
        let cold = reference(URL, &credentials(token), &scope(), TIME).unwrap();
        let presigner = Presigner::new(credentials(token), scope());
        let first = presigned(&presigner, URL, TIME, EXPIRES).unwrap();
        let warm = presigned(&presigner, URL, TIME, EXPIRES).unwrap();
        assert_eq!(first, cold);
        assert_eq!(warm, cold);
        assert_eq!(signature(&cold), sig);
        assert_eq!(cold.len(), len);
    }
}

#[test]
fn a_key_cached_before_midnight_is_not_used_after_it() {
    let before = datetime!(2020-01-31 23:59:59 UTC);
    let after = datetime!(2020-02-01 00:00:00 UTC);
    for token in [None, Some(TOKEN)] {
        let presigner = Presigner::new(credentials(token), scope());
        // Forwards over midnight, then back (a clock corrected backwards), then forwards again.
        for time in [before, after, before, after, after] {
            let url = presigned(&presigner, URL, time, EXPIRES).unwrap();
            assert_eq!(url, reference(URL, &credentials(token), &scope(), time).unwrap(), "{time}");
        }
        let late = presigned(&presigner, URL, before, EXPIRES).unwrap();
        let early = presigned(&presigner, URL, after, EXPIRES).unwrap();
        assert!(late.contains("X-Amz-Credential=AKIDEXAMPLE%2F20200131%2F"));
        assert!(early.contains("X-Amz-Credential=AKIDEXAMPLE%2F20200201%2F"));
        assert_ne!(signature(&late), signature(&early));
    }
}

#[test]
fn times_with_an_offset_use_the_utc_date() {
    // 00:30 at +01:00 is still the previous day in UTC; the presigner must key by UTC date.
    let presigner = Presigner::new(credentials(None), scope());
    for time in [
        datetime!(2020-02-01 00:30:00 +01:00),
        datetime!(2020-01-31 23:30:00 -01:00),
        datetime!(2020-01-31 23:59:59 UTC),
        datetime!(2020-02-01 00:00:00 UTC),
        datetime!(2020-01-31 23:30:00 -01:00),
    ] {
        let url = presigned(&presigner, URL, time, EXPIRES).unwrap();
        assert_eq!(url, reference(URL, &credentials(None), &scope(), time).unwrap(), "{time}");
    }
}

/// A small deterministic generator (xorshift64), so that the "random" inputs are the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn string(&mut self, pool: &[&str], max: usize) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| self.pick(pool)).collect()
    }
}

/// A URL from pieces that exercise every branch of URL handling: ports, dot segments,
/// escapes, `+`, non-ASCII, user info, reserved parameters, fragments and invalid input.
fn random_url(rng: &mut Rng) -> String {
    let scheme = rng.pick(&[
        "wss://", "wss://", "wss://", "ws://", "https://", "http://", "WSS://", "ftp://", "wss:",
        "",
    ]);
    let userinfo = rng.pick(&["", "", "", "", "", "user@", "u:p@"]);
    let host = rng.pick(&[
        "abc123defg.execute-api.us-east-1.amazonaws.com",
        "abc123defg.execute-api.us-east-1.amazonaws.com",
        "h.example",
        "H.Example.com",
        "127.0.0.1",
        "[::1]",
        "xn--bcher-kva.example",
        "h..example",
        "",
        "h-1.ex-ample.com",
        "example.123",
        "ünï.example",
    ]);
    let port = rng.pick(&["", "", "", ":443", ":80", ":8443", ":08443", ":65535", ":65536", ":"]);
    let segment_pool = [
        "a", "dev", ".", "..", "%2e", "%41", "%3D", "%zz", "%", " ", "é", "@", ":", "=", "+", "!",
        "$", "&", "'", "(", "*", ",", ";", "~", "_", "-", "\\", "|", "\"", "<", "%20", "[", "^",
    ];
    let mut path = String::new();
    if rng.below(6) > 0 {
        for _ in 0..=rng.below(4) {
            path.push('/');
            // Mostly not empty: an empty segment (`//`) is refused, a quarter of them are kept.
            let segment = rng.string(&segment_pool, 4);
            path.push_str(if segment.is_empty() && rng.below(4) > 0 { "a" } else { &segment });
        }
    }
    let query_pool = [
        "a",
        "k",
        "room",
        "lobby",
        "=",
        "=",
        "%",
        "%2F",
        "%2f",
        "+",
        " ",
        "é",
        "~",
        "%7E",
        "&",
        "&",
        "?",
        "/",
        "X-Amz-Date",
        "x-amz-signature",
        "X-Amz-Foo",
        "X-Amz-ChannelARN",
        "!",
        "'",
        "*",
        ";",
        "%zz",
        "1",
        "2",
        "ሴ",
    ];
    let query = match rng.below(5) {
        0 => String::new(),
        1 => "?".to_owned(),
        _ => format!("?{}", rng.string(&query_pool, 12)),
    };
    let fragment = rng.pick(&["", "", "", "#frag", "#", "#a b"]);
    format!("{scheme}{userinfo}{host}{port}{path}{query}{fragment}")
}

/// A time: the main case's, any from 1970 to 2100, or one second either side of a midnight.
fn random_time(rng: &mut Rng) -> OffsetDateTime {
    let seconds = match rng.below(3) {
        0 => 1_580_464_953,
        1 => i64::try_from(rng.next() % 4_102_444_800).unwrap(),
        _ => {
            86_400 * i64::try_from(rng.below(20_000) + 1).unwrap()
                - i64::try_from(rng.below(2)).unwrap()
        }
    };
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

#[test]
fn presigner_equals_presign_url_on_varied_input() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tokens = [None, Some(TOKEN), Some("a+b/c=="), Some("x")];
    let services = ["execute-api", "iotdevicegateway", "transcribe", "neptune-db"];
    let modes =
        [SessionTokenMode::ServiceDefault, SessionTokenMode::Signed, SessionTokenMode::Unsigned];
    let mut presigners = Vec::new();
    for token in tokens {
        for service in services {
            for mode in modes {
                let credentials = credentials(token);
                let scope = Scope::new("eu-west-1", service).unwrap();
                let presigner =
                    Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
                presigners.push((presigner, credentials, scope, mode));
            }
        }
    }
    let (mut signed, mut compared_to_presign_url) = (0, 0);
    for _ in 0..4000 {
        let url = random_url(&mut rng);
        let (presigner, credentials, scope, mode) = &presigners[rng.below(presigners.len())];
        let time = random_time(&mut rng);
        let expires = Duration::from_secs(match rng.below(8) {
            0 => 0,
            1 => 604_801,
            2 => rng.next() % 700_000,
            _ => 300,
        });
        // A long-used presigner gives what a fresh one gives, which (in the service's default
        // mode) is what presign_url gives.
        let fresh = Presigner::new(credentials.clone(), scope.clone()).session_token(*mode);
        let want = presigned(&fresh, &url, time, expires);
        let got = presigned(presigner, &url, time, expires);
        assert_eq!(got, want, "{url:?} at {time} ({mode:?})");
        if *mode == SessionTokenMode::ServiceDefault {
            let cold = presign_url(&url, credentials, scope, time, expires)
                .map(sigv4_wss::PresignedUrl::into_string);
            assert_eq!(got, cold, "{url:?} at {time}");
            compared_to_presign_url += 1;
        }
        if got.is_ok() {
            signed += 1;
        }
    }
    // The generator must exercise the success path a fair share of the time.
    assert!(signed > 1000, "only {signed} inputs signed");
    assert!(compared_to_presign_url > 1000);
}

/// The modes differ where they must: the same URL and time give different signatures when
/// the token is signed and when it is not (so comparing modes above cannot pass by accident).
#[test]
fn the_modes_give_different_urls_with_a_token() {
    let url = |mode| {
        let presigner = Presigner::new(credentials(Some(TOKEN)), scope()).session_token(mode);
        presigned(&presigner, URL, TIME, EXPIRES).unwrap()
    };
    let signed = url(SessionTokenMode::Signed);
    assert_eq!(url(SessionTokenMode::ServiceDefault), signed);
    assert_ne!(signature(&url(SessionTokenMode::Unsigned)), signature(&signed));
}

#[test]
fn set_credentials_takes_effect_on_the_next_call() {
    let scope = scope();
    let first = credentials(Some(TOKEN));
    // Replacements that differ from the first in one part each: a cache keyed by the access
    // key id (or the date) alone would keep signing with the old secret or token.
    let replacements = [
        Credentials::new(AKID, "AnotherSecretKeyOfTheSameKeyId/1234567", Some(TOKEN)).unwrap(),
        Credentials::new(AKID, "AnotherSecretKeyOfTheSameKeyId/1234567", Some("RefreshedToken"))
            .unwrap(),
        Credentials::new(AKID, "AnotherSecretKeyOfTheSameKeyId/1234567", None).unwrap(),
        Credentials::new("ASIAREFRESHED", SECRET, Some("RefreshedToken")).unwrap(),
        credentials(Some(TOKEN)),
    ];
    for mode in [SessionTokenMode::ServiceDefault, SessionTokenMode::Unsigned] {
        let presigner = Presigner::new(first.clone(), scope.clone()).session_token(mode);
        let fresh = |c: &Credentials| {
            let p = Presigner::new(c.clone(), scope.clone()).session_token(mode);
            presigned(&p, URL, TIME, EXPIRES).unwrap()
        };
        // Warm: the day's key is cached.
        assert_eq!(presigned(&presigner, URL, TIME, EXPIRES).unwrap(), fresh(&first));
        let mut previous = fresh(&first);
        for new in &replacements {
            presigner.set_credentials(new.clone());
            let url = presigned(&presigner, URL, TIME, EXPIRES).unwrap();
            assert_eq!(url, fresh(new), "{new:?} {mode:?}");
            if mode == SessionTokenMode::ServiceDefault {
                assert_eq!(url, reference(URL, new, &scope, TIME).unwrap());
            }
            assert_ne!(url, previous, "{new:?} {mode:?}");
            previous = url;
        }
    }
}

#[test]
fn set_credentials_from_another_thread() {
    let old = credentials(Some(TOKEN));
    let new = Credentials::new("ASIAREFRESHED", "RefreshedSecret/abc", Some("NewToken")).unwrap();
    let presigner = Arc::new(Presigner::new(old.clone(), scope()));
    assert_eq!(
        presigned(&presigner, URL, TIME, EXPIRES).unwrap(),
        reference(URL, &old, &scope(), TIME).unwrap()
    );
    let refresher = {
        let presigner = Arc::clone(&presigner);
        let new = new.clone();
        std::thread::spawn(move || presigner.set_credentials(new))
    };
    refresher.join().unwrap();
    assert_eq!(
        presigned(&presigner, URL, TIME, EXPIRES).unwrap(),
        reference(URL, &new, &scope(), TIME).unwrap()
    );

    // While threads presign, another one swaps the credentials back and forth: each URL is
    // the one of the credentials its X-Amz-Credential names, whole (never old key with new
    // token or the like).
    let presigner = Arc::new(Presigner::new(old.clone(), scope()));
    let start = Arc::new(Barrier::new(4));
    let signers: Vec<_> = (0..3)
        .map(|_| {
            let presigner = Arc::clone(&presigner);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                (0..300)
                    .map(|_| presigned(&presigner, URL, TIME, EXPIRES).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let swapper = {
        let (presigner, old, new) = (Arc::clone(&presigner), old.clone(), new.clone());
        std::thread::spawn(move || {
            start.wait();
            for i in 0..300 {
                presigner.set_credentials(if i % 2 == 0 { new.clone() } else { old.clone() });
            }
        })
    };
    swapper.join().unwrap();
    let want_old = reference(URL, &old, &scope(), TIME).unwrap();
    let want_new = reference(URL, &new, &scope(), TIME).unwrap();
    for signer in signers {
        for url in signer.join().unwrap() {
            assert!(url == want_old || url == want_new, "{url}");
        }
    }
    // The last swap (i = 299) put the old ones back.
    assert_eq!(presigned(&presigner, URL, TIME, EXPIRES).unwrap(), want_old);
}

#[test]
fn one_presigner_shared_by_threads_crossing_midnight() {
    let presigner = Arc::new(Presigner::new(credentials(Some(TOKEN)), scope()));
    let times = [
        datetime!(2020-01-31 23:59:58 UTC),
        datetime!(2020-01-31 23:59:59 UTC),
        datetime!(2020-02-01 00:00:00 UTC),
        datetime!(2020-02-01 00:00:01 UTC),
    ];
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let presigner = Arc::clone(&presigner);
            std::thread::spawn(move || {
                let mut urls = Vec::new();
                for i in 0..200 {
                    let time = times[(t + i) % times.len()];
                    urls.push((time, presigned(&presigner, URL, time, EXPIRES).unwrap()));
                }
                urls
            })
        })
        .collect();
    let want: HashMap<OffsetDateTime, String> = times
        .iter()
        .map(|&t| (t, reference(URL, &credentials(Some(TOKEN)), &scope(), t).unwrap()))
        .collect();
    for thread in threads {
        for (time, url) in thread.join().unwrap() {
            assert_eq!(url, want[&time], "{time}");
        }
    }
}

/// A verifier shared by threads, with several keys, two scopes and two dates, so that its
/// cached signer is replaced all the time: every thread gets the right answer for its URL,
/// the signed ones accepted and the tampered ones refused.
#[test]
fn one_verifier_shared_by_threads() {
    let keys: Vec<Credentials> = (0..3)
        .map(|i| {
            let token = format!("Token{i}");
            Credentials::new(
                &format!("AKID{i}"),
                &format!("Secret/{i}"),
                (i != 0).then_some(token.as_str()),
            )
            .unwrap()
        })
        .collect();
    let scopes = [scope(), Scope::new("eu-west-1", "iotdevicegateway").unwrap()];
    let times = [datetime!(2020-01-31 23:59:59 UTC), datetime!(2020-02-01 00:00:01 UTC)];
    let mut urls = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        for scope in &scopes {
            for (t, time) in times.iter().enumerate() {
                let url = format!("wss://{HOST}/dev?key={k}&time={t}");
                let signed = presign_url(&url, key, scope, *time, EXPIRES).unwrap().into_string();
                urls.push((signed, *time, k, scope.service().to_owned()));
            }
        }
    }
    let lookup: HashMap<String, Credentials> =
        keys.iter().map(|k| (k.access_key_id().to_owned(), k.clone())).collect();
    let verifier = Arc::new(Verifier::any_scope(lookup).expect_host(HOST));
    let urls = Arc::new(urls);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (verifier, urls) = (Arc::clone(&verifier), Arc::clone(&urls));
            std::thread::spawn(move || {
                for i in 0..300 {
                    let (url, time, key, service) = &urls[(i * 7 + t * 5) % urls.len()];
                    let ok = verifier.verify_url(url, *time).unwrap();
                    assert_eq!(ok.access_key_id(), format!("AKID{key}"));
                    assert_eq!(ok.scope().service(), service);
                    assert_eq!(ok.query()[0], ("key".to_owned(), key.to_string()));
                    // The same URL with its key number changed is refused.
                    let other = url.replacen(&format!("key={key}"), "key=9", 1);
                    assert_eq!(
                        verifier.verify_url(&other, *time),
                        Err(Error::SignatureMismatch),
                        "{other}"
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

/// The verifier asks its lookup on every check: when the secret behind an access key id
/// changes, URLs signed with the old one are refused at once, though a signer of the old
/// secret, same key id, scope and date, was cached.
#[test]
fn a_verifier_follows_its_lookup() {
    let current = Arc::new(Mutex::new(credentials(None)));
    let lookup = {
        let current = Arc::clone(&current);
        lookup_fn(move |id| {
            let c = current.lock().unwrap().clone();
            (c.access_key_id() == id).then_some(c)
        })
    };
    let verifier = Verifier::new(lookup, &scope());
    let old_url = reference(URL, &credentials(None), &scope(), TIME).unwrap();
    assert!(verifier.verify_url(&old_url, TIME).is_ok());

    let rotated = Credentials::new(AKID, "RotatedSecret/xyz", None).unwrap();
    *current.lock().unwrap() = rotated.clone();
    assert_eq!(verifier.verify_url(&old_url, TIME), Err(Error::SignatureMismatch));
    let new_url = reference(URL, &rotated, &scope(), TIME).unwrap();
    assert!(verifier.verify_url(&new_url, TIME).is_ok());

    // Now temporary: the same secret with a token; a URL without it is refused.
    *current.lock().unwrap() = Credentials::new(AKID, "RotatedSecret/xyz", Some("T")).unwrap();
    assert!(matches!(verifier.verify_url(&new_url, TIME), Err(Error::SessionTokenMismatch { .. })));
}
