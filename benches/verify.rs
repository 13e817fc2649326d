//! The verifier beside a warm presign of the same URL: the target is that verifying costs at
//! most 1.5 times a warm presign (`Presigner` with its signing key cached).
//!
//! Run with `cargo bench --bench verify`. The URL is the main case of
//! `research/peer-bench.md`, with and without its 800-character session token.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "a bench: criterion's macros generate undocumented items, and setup may panic"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sigv4_wss::{Credentials, Presigner, Scope, Verifier};
use time::macros::datetime;

const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";

fn verify(c: &mut Criterion) {
    let signed_at = datetime!(2020-01-31 10:02:33 UTC);
    let now = datetime!(2020-01-31 10:02:43 UTC);
    let expires = Duration::from_secs(300);
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    for (label, token) in [("with token", Some(TOKEN)), ("no token", None)] {
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
        let presigner = Presigner::new(creds.clone(), scope.clone());
        let verifier = Verifier::new(creds).expect_scope(&scope);
        let url = presigner.presign(URL, signed_at, expires).unwrap();
        // Both caches warm, and a check that the bench verifies what it claims to.
        verifier.verify_url(url.as_str(), now).unwrap();

        let mut group = c.benchmark_group(label);
        let mut out = String::new();
        group.bench_function("presign (warm)", |b| {
            b.iter(|| {
                presigner
                    .presign_into(black_box(URL), signed_at, expires, &mut out)
                    .unwrap();
                black_box(&out);
            });
        });
        group.bench_function("verify_url (warm)", |b| {
            b.iter(|| black_box(verifier.verify_url(black_box(url.as_str()), now).unwrap()));
        });
        // The order aws-amplify v5's `Signer.signUrl` writes: X-Amz-SignedHeaders before
        // X-Amz-Expires, the token before the signature. The fast path takes it.
        let amplify = {
            let url = url.as_str().replace(
                "&X-Amz-Expires=300&X-Amz-SignedHeaders=host",
                "&X-Amz-SignedHeaders=host&X-Amz-Expires=300",
            );
            match url.find("&X-Amz-Security-Token=") {
                Some(at) => {
                    let (without, token) = url.split_at(at);
                    without.replace("&X-Amz-Signature=", &format!("{token}&X-Amz-Signature="))
                }
                None => url,
            }
        };
        assert_ne!(amplify, url.as_str());
        verifier.verify_url(&amplify, now).unwrap();
        group.bench_function("verify_url (Amplify v5 order)", |b| {
            b.iter(|| black_box(verifier.verify_url(black_box(&amplify), now).unwrap()));
        });
        // The same signed parameters in another order (the URL's own parameter moved in
        // between X-Amz-Algorithm and X-Amz-Credential): the signature still holds, but the
        // fast path wants X-Amz-Algorithm, X-Amz-Credential and X-Amz-Date first and the
        // URL's own parameters before or after all of them, so this takes the general path.
        let reordered = {
            let (head, query) = url.as_str().split_once('?').unwrap();
            let (own, auth) = query.split_once('&').unwrap();
            let (algorithm, rest) = auth.split_once('&').unwrap();
            format!("{head}?{algorithm}&{own}&{rest}")
        };
        verifier.verify_url(&reordered, now).unwrap();
        group.bench_function("verify_url (other order: general path)", |b| {
            b.iter(|| black_box(verifier.verify_url(black_box(&reordered), now).unwrap()));
        });
        let (host, target) = url
            .as_str()
            .strip_prefix("wss://")
            .and_then(|rest| rest.split_at_checked(rest.find('/')?))
            .unwrap();
        group.bench_function("verify_request (warm)", |b| {
            b.iter(|| {
                black_box(
                    verifier
                        .verify_request("GET", black_box(target), &[("host", host)], now)
                        .unwrap(),
                )
            });
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4));
    targets = verify
}
criterion_main!(benches);
