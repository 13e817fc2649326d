//! The reusable `Presigner` gives byte for byte what `presign_url` gives: on the main case of
//! the project's peer measurements (`research/peer-bench.md`), on many varied URLs, options
//! and times, and across a UTC midnight, where its cached signing key must be replaced.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::Arc;
use std::time::Duration;

use sigv4_wss::{
    Credentials, Presigner, Scope, SessionTokenMode, SigningOptions, presign_url,
    presign_url_with_options,
};
use time::OffsetDateTime;
use time::macros::datetime;

const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of peer-bench.md.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
/// The signatures of the main case in peer-bench.md (agreed on by aws-sigv4, botocore,
/// @smithy/signature-v4, aws-c-auth and aws4).
const MAIN_SIG_TOKEN: &str = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";
const MAIN_SIG_NO_TOKEN: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";
const EXPIRES: Duration = Duration::from_secs(300);

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token).unwrap()
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn signature(url: &str) -> &str {
    url.split(['?', '&'])
        .find_map(|item| item.strip_prefix("X-Amz-Signature="))
        .unwrap()
}

#[test]
fn main_case_matches_presign_url_and_the_reference() {
    let time = datetime!(2020-01-31 10:02:33 UTC);
    for (token, sig, len) in [
        (Some(TOKEN), MAIN_SIG_TOKEN, 1227),
        (None, MAIN_SIG_NO_TOKEN, 333),
    ] {
        let cold = presign_url(URL, &credentials(token), &scope(), time, EXPIRES).unwrap();
        let presigner = Presigner::new(credentials(token), scope());
        let first = presigner.presign(URL, time, EXPIRES).unwrap();
        let warm = presigner.presign(URL, time, EXPIRES).unwrap();
        let mut buffer = String::from("left over from before");
        presigner
            .presign_into(URL, time, EXPIRES, &mut buffer)
            .unwrap();
        assert_eq!(first, cold);
        assert_eq!(warm, cold);
        assert_eq!(buffer, cold.as_str());
        assert_eq!(signature(cold.as_str()), sig);
        assert_eq!(cold.as_str().len(), len);
    }
}

#[test]
fn a_key_cached_before_midnight_is_not_used_after_it() {
    let before = datetime!(2020-01-31 23:59:59 UTC);
    let after = datetime!(2020-02-01 00:00:00 UTC);
    for token in [None, Some(TOKEN)] {
        let presigner = Presigner::new(credentials(token), scope());
        let reference =
            |time| presign_url(URL, &credentials(token), &scope(), time, EXPIRES).unwrap();
        // Forwards over midnight, then back (a clock corrected backwards), then forwards again.
        for time in [before, after, before, after, after] {
            let url = presigner.presign(URL, time, EXPIRES).unwrap();
            assert_eq!(url, reference(time), "{time}");
        }
        let late = presigner.presign(URL, before, EXPIRES).unwrap();
        let early = presigner.presign(URL, after, EXPIRES).unwrap();
        assert!(
            late.as_str()
                .contains("X-Amz-Credential=AKIDEXAMPLE%2F20200131%2F")
        );
        assert!(
            early
                .as_str()
                .contains("X-Amz-Credential=AKIDEXAMPLE%2F20200201%2F")
        );
        assert_ne!(signature(late.as_str()), signature(early.as_str()));
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
    ] {
        let url = presigner.presign(URL, time, EXPIRES).unwrap();
        let reference = presign_url(URL, &credentials(None), &scope(), time, EXPIRES).unwrap();
        assert_eq!(url, reference, "{time}");
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

/// A URL from pieces that exercise every branch of URL handling: both parsers, ports, dot
/// segments, escapes, `+`, non-ASCII, reserved parameters, fragments and invalid input.
fn random_url(rng: &mut Rng) -> String {
    let scheme = rng.pick(&[
        "wss://", "wss://", "wss://", "ws://", "https://", "http://", "WSS://", "ftp://", "wss:",
        "",
    ]);
    let userinfo = rng.pick(&["", "", "", "user@", "u:p@"]);
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
    let port = rng.pick(&[
        "", "", "", ":443", ":80", ":8443", ":08443", ":65535", ":65536", ":",
    ]);
    let segment_pool = [
        "a", "dev", ".", "..", "%2e", "%41", "%3D", "%zz", "%", " ", "é", "@", ":", "=", "+", "!",
        "$", "&", "'", "(", "*", ",", ";", "~", "_", "-", "\\", "|", "\"", "<", "%20",
    ];
    let mut path = String::new();
    if rng.below(6) > 0 {
        for _ in 0..=rng.below(4) {
            path.push('/');
            path.push_str(&rng.string(&segment_pool, 4));
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
        "!",
        "'",
        "*",
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

#[test]
fn presigner_equals_presign_url_on_varied_input() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tokens = [None, Some(TOKEN), Some("a+b/c=="), Some("x")];
    let services = [
        "execute-api",
        "iotdevicegateway",
        "transcribe",
        "neptune-db",
    ];
    let modes = [
        SessionTokenMode::ServiceDefault,
        SessionTokenMode::Signed,
        SessionTokenMode::Unsigned,
    ];
    let mut signed = 0;
    let mut presigners = Vec::new();
    for token in tokens {
        for service in services {
            for mode in modes {
                let credentials = credentials(token);
                let scope = Scope::new("eu-west-1", service).unwrap();
                let options = SigningOptions::default().session_token(mode);
                let presigner =
                    Presigner::with_options(credentials.clone(), scope.clone(), options.clone());
                presigners.push((presigner, credentials, scope, options));
            }
        }
    }
    let mut buffer = String::new();
    for _ in 0..4000 {
        let url = random_url(&mut rng);
        let (presigner, credentials, scope, options) = &presigners[rng.below(presigners.len())];
        let seconds = match rng.below(3) {
            0 => 1_580_464_953,
            1 => i64::try_from(rng.next() % 4_102_444_800).unwrap(),
            _ => {
                86_400 * i64::try_from(rng.below(20_000)).unwrap()
                    - i64::try_from(rng.below(2)).unwrap()
            }
        };
        let time = OffsetDateTime::from_unix_timestamp(seconds).unwrap();
        let expires = Duration::from_secs(match rng.below(8) {
            0 => 0,
            1 => 604_801,
            2 => rng.next() % 700_000,
            _ => 300,
        });
        let reference = presign_url_with_options(&url, credentials, scope, time, expires, options);
        let from_presigner = presigner.presign(&url, time, expires);
        assert_eq!(from_presigner, reference, "{url:?} at {time}");
        let into = presigner.presign_into(&url, time, expires, &mut buffer);
        match &reference {
            Ok(url) => {
                assert_eq!(into, Ok(()));
                assert_eq!(buffer, url.as_str());
                signed += 1;
            }
            Err(e) => {
                assert_eq!(into.as_ref(), Err(e));
                assert!(
                    buffer.is_empty(),
                    "presign_into leaves the buffer empty on error"
                );
            }
        }
    }
    // The generator must exercise the success path a fair share of the time.
    assert!(signed > 1000, "only {signed} inputs signed");
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
                    urls.push((time, presigner.presign(URL, time, EXPIRES).unwrap()));
                }
                urls
            })
        })
        .collect();
    for thread in threads {
        for (time, url) in thread.join().unwrap() {
            let reference =
                presign_url(URL, &credentials(Some(TOKEN)), &scope(), time, EXPIRES).unwrap();
            assert_eq!(url, reference, "{time}");
        }
    }
}

/// A presigner keeps the SHA-256 state after the part of the canonical request that only
/// depends on the path and the date; a URL must come out the same whether that state is
/// reused, replaced (another path, another date) or not kept (a long path, a query that is
/// not simple). Few paths and two dates, in a random order, so that every case happens often.
#[test]
fn the_kept_canonical_prefix_never_changes_a_url() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let long_path = format!("/{}", "a".repeat(300));
    let hosts = [
        "wss://h.example",
        "wss://abc123defg.execute-api.us-east-1.amazonaws.com",
    ];
    let paths = [
        "",
        "/",
        "/dev",
        "/dev/",
        "/Dev",
        "/a b",
        "/%41",
        "/%2e/x",
        "/@connections/abc=",
        long_path.as_str(),
        &long_path[..256],
        &long_path[..257],
    ];
    let queries = [
        "",
        "?room=lobby",
        "?room=kitchen",
        "?a=b&room=1",
        "?room=lobby&Z=1",
        "?z",
    ];
    let days = [
        datetime!(2020-01-31 23:59:59 UTC),
        datetime!(2020-02-01 00:00:00 UTC),
        datetime!(2020-02-01 10:02:33 UTC),
    ];
    let modes = [
        SessionTokenMode::ServiceDefault,
        SessionTokenMode::Signed,
        SessionTokenMode::Unsigned,
    ];
    for token in [None, Some(TOKEN)] {
        for (service, mode) in ["execute-api", "iotdevicegateway"]
            .into_iter()
            .flat_map(|s| modes.map(|m| (s, m)))
        {
            let credentials = credentials(token);
            let scope = Scope::new("eu-west-1", service).unwrap();
            let options = SigningOptions::default().session_token(mode);
            let presigner =
                Presigner::with_options(credentials.clone(), scope.clone(), options.clone());
            let mut buffer = String::new();
            for _ in 0..600 {
                let url = format!(
                    "{}{}{}",
                    rng.pick(&hosts),
                    rng.pick(&paths),
                    rng.pick(&queries)
                );
                let time = days[rng.below(days.len())] + Duration::from_secs(rng.next() % 3);
                let reference =
                    presign_url_with_options(&url, &credentials, &scope, time, EXPIRES, &options)
                        .unwrap();
                presigner
                    .presign_into(&url, time, EXPIRES, &mut buffer)
                    .unwrap();
                assert_eq!(buffer, reference.as_str(), "{url} at {time}");
            }
        }
    }
}
