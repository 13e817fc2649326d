//! Heap allocations per presign, counted with a counting global allocator: a warm `Presigner`
//! allocates at most 4 times per URL of the main case (with and without an 800-character
//! session token). The counts of a warm `presign`, a cold `presign_url` and a warm
//! `Verifier::verify_request` are printed.
//!
//! The counter is global, so this binary has no test harness (`harness = false` in
//! `Cargo.toml`) and runs on one thread: under libtest, the harness's own thread can allocate
//! while a test counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use std::alloc::System;
use std::time::Duration;

use sigv4_wss::{Credentials, Presigner, Scope, Verifier, presign_url};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, Stats, StatsAlloc};
use time::macros::datetime;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// An 800-character session token (the one of the project's peer measurements).
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
/// The main case's signatures in the project's peer measurements (`research/peer-bench.md`,
/// agreed on by aws-sigv4, botocore, @smithy/signature-v4, aws-c-auth and aws4).
const SIG_TOKEN: &str = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";
const SIG_NO_TOKEN: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";
const EXPIRES: Duration = Duration::from_secs(300);
/// The most allocations a warm `Presigner::presign` of the main case may make.
const WARM_MAX: usize = 4;

/// Runs `f` and returns what it allocated.
fn count<T>(f: impl FnOnce() -> T) -> (T, Stats) {
    let region = Region::new(GLOBAL);
    let out = f();
    (out, region.change())
}

/// Allocations and reallocations: each is a call into the allocator for new memory.
fn calls(stats: &Stats) -> usize {
    stats.allocations + stats.reallocations
}

fn main() {
    let time = datetime!(2020-01-31 10:02:33 UTC);
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    for (token, signature, name) in
        [(Some(TOKEN), SIG_TOKEN, "800-character token"), (None, SIG_NO_TOKEN, "no token")]
    {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
        let presigner = Presigner::new(credentials.clone(), scope.clone());

        // Warm-up: derives and caches the day's key.
        let first = presigner.presign(URL, time, EXPIRES).unwrap().into_string();
        assert!(first.contains(&format!("&X-Amz-Signature={signature}")), "{first}");

        let mut warm = Vec::new();
        for _ in 0..5 {
            let (url, stats) = count(|| presigner.presign(URL, time, EXPIRES).unwrap());
            assert_eq!(url.as_str(), first);
            warm.push(calls(&stats));
        }
        let worst = warm.iter().copied().max().unwrap();
        assert!(
            worst <= WARM_MAX,
            "{name}: a warm presign allocated {warm:?} times, more than {WARM_MAX}"
        );

        let (cold, cold_stats) =
            count(|| presign_url(URL, &credentials, &scope, time, EXPIRES).unwrap());
        assert_eq!(cold.as_str(), first);

        let verifier = Verifier::new(credentials.clone(), &scope).expect_host(HOST);
        let target = &first[first.find("/dev").unwrap()..];
        let now = time + Duration::from_secs(10);
        let headers = [("Host", HOST)];
        verifier.verify_request("GET", target, &headers, now).unwrap();
        let (result, verify_stats) =
            count(|| verifier.verify_request("GET", target, &headers, now));
        assert_eq!(result.unwrap().access_key_id(), "AKIDEXAMPLE");

        println!(
            "{name}: warm Presigner::presign {} allocations (of at most {WARM_MAX}), {} bytes; \
             cold presign_url {}; warm Verifier::verify_request {}",
            worst,
            count(|| presigner.presign(URL, time, EXPIRES).unwrap()).1.bytes_allocated,
            calls(&cold_stats),
            calls(&verify_stats),
        );
    }
}
