//! The crate's own entry points: `cargo bench --bench presign`.
//!
//! For the comparison with aws-sigv4 and the SHA-256/HMAC floor, see `peer-bench/` and
//! BENCHMARKS.md.

#![allow(clippy::expect_used, reason = "a bench aborts on bad constants")]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use sigv4_wss::{Credentials, Presigner, Scope, SigningKey, presign_url, uri_encode};
use time::OffsetDateTime;
use time::macros::datetime;

const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
/// Needs the full URL parser: uppercase host, default port, a path with a space.
const URL_SLOW: &str =
    "wss://ABC123DEFG.execute-api.us-east-1.amazonaws.com:443/dev/a b?room=lobby";
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const EXPIRES: Duration = Duration::from_secs(300);
/// An 800-character session token, the one of the side-by-side bench.
const TOKEN: &str = concat!(
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5c",
    "O81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTav",
    "NpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+s",
    "zpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb3",
    "9EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/",
    "dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKF",
    "VFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98Up",
    "QWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPOR",
    "bp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqE",
    "gJXc/OfNMqYLtaN==",
);

fn time() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token).expect("valid credentials")
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").expect("valid scope")
}

const CASES: [(&str, Option<&str>); 2] = [("token", Some(TOKEN)), ("no-token", None)];

fn entry_points(c: &mut Criterion) {
    let mut group = c.benchmark_group("sigv4-wss");
    for (name, token) in CASES {
        let creds = credentials(token);
        let scope = scope();
        group.bench_function(BenchmarkId::new("presign_url", name), |b| {
            b.iter(|| presign_url(black_box(URL), &creds, &scope, black_box(time()), EXPIRES));
        });

        let presigner = Presigner::new(creds.clone(), scope.clone());
        let _ = presigner.presign(URL, time(), EXPIRES);
        group.bench_function(BenchmarkId::new("Presigner::presign", name), |b| {
            b.iter(|| presigner.presign(black_box(URL), black_box(time()), EXPIRES));
        });

        let mut buffer = String::with_capacity(4096);
        group.bench_function(BenchmarkId::new("Presigner::presign_into", name), |b| {
            b.iter(|| {
                presigner
                    .presign_into(black_box(URL), black_box(time()), EXPIRES, &mut buffer)
                    .map(|()| buffer.len())
            });
        });

        // Two paths in turn: the kept canonical-request prefix is replaced on every call, so
        // this is the warm presign without it (two SHA-256 blocks more, and a lock more).
        let other = URL.replace("/dev?", "/prod?");
        let mut flip = false;
        group.bench_function(
            BenchmarkId::new("Presigner::presign_into (two paths in turn)", name),
            |b| {
                b.iter(|| {
                    flip = !flip;
                    let url = if flip { URL } else { other.as_str() };
                    presigner
                        .presign_into(black_box(url), black_box(time()), EXPIRES, &mut buffer)
                        .map(|()| buffer.len())
                });
            },
        );

        group.bench_function(BenchmarkId::new("Presigner::new+presign", name), |b| {
            b.iter_batched(
                || (creds.clone(), scope.clone()),
                |(creds, scope)| {
                    Presigner::new(creds, scope).presign(URL, black_box(time()), EXPIRES)
                },
                BatchSize::SmallInput,
            );
        });

        group.bench_function(BenchmarkId::new("presign_url (URL parser)", name), |b| {
            b.iter(|| {
                presign_url(
                    black_box(URL_SLOW),
                    &creds,
                    &scope,
                    black_box(time()),
                    EXPIRES,
                )
            });
        });
    }
    group.bench_function("SigningKey::derive", |b| {
        b.iter(|| {
            SigningKey::derive(
                black_box(SECRET),
                black_box("20200131"),
                "us-east-1",
                "execute-api",
            )
        });
    });
    group.bench_function("uri_encode (800-byte token)", |b| {
        b.iter(|| uri_encode(black_box(TOKEN)));
    });
    // The same length with nothing to escape: the classification alone (and one copy).
    let plain: String = TOKEN
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { 'x' })
        .collect();
    group.bench_function("uri_encode (800 bytes, nothing to escape)", |b| {
        b.iter(|| uri_encode(black_box(&plain)));
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = entry_points
}
criterion_main!(benches);
