//! Heap allocations per presign, counted with a counting global allocator: a warm `Presigner`
//! allocates once (the returned URL), `presign_into` a large-enough buffer not at all.
//!
//! Allocation counts are deterministic, so exact numbers are asserted. The counter is global,
//! so this binary has no test harness (`harness = false` in `Cargo.toml`) and runs on one
//! thread: under libtest, the harness's own thread can allocate while a test counts (it did
//! once, adding 4 allocations to a count of 0).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    missing_docs
)]

use std::alloc::System;
use std::time::Duration;

use sigv4_wss::{Credentials, Presigner, Scope, presign_url};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, Stats, StatsAlloc};
use time::macros::datetime;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// An 800-character session token (the one of the project's peer measurements).
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";
const EXPIRES: Duration = Duration::from_secs(300);

/// Runs `f` and returns what it allocated.
fn count<T>(f: impl FnOnce() -> T) -> (T, Stats) {
    let region = Region::new(GLOBAL);
    let out = f();
    (out, region.change())
}

fn main() {
    allocations_per_presign();
    println!("allocations per presign: as asserted");
}

fn allocations_per_presign() {
    let time = datetime!(2020-01-31 10:02:33 UTC);
    let next_day = datetime!(2020-02-01 00:00:00 UTC);
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    for token in [Some(TOKEN), None] {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
        let presigner = Presigner::new(credentials.clone(), scope.clone());

        // First use: the key is derived and cached (no allocation for that), plus the URL.
        let (first, stats) = count(|| presigner.presign(URL, time, EXPIRES).unwrap());
        assert_eq!(
            (stats.allocations, stats.reallocations),
            (1, 0),
            "first use"
        );
        assert_eq!(
            stats.bytes_allocated,
            first.as_str().len(),
            "exact capacity"
        );

        // Warm: one allocation, the returned URL, sized exactly (no reallocation).
        for _ in 0..3 {
            let (url, stats) = count(|| presigner.presign(URL, time, EXPIRES).unwrap());
            assert_eq!(url, first);
            assert_eq!((stats.allocations, stats.reallocations), (1, 0), "warm");
            assert_eq!(stats.bytes_allocated, url.as_str().len());
        }

        // presign_into a buffer that is large enough: nothing at all, even across a date change.
        let mut buffer = String::with_capacity(4096);
        for when in [time, time, next_day, time] {
            let ((), stats) = count(|| {
                presigner
                    .presign_into(URL, when, EXPIRES, &mut buffer)
                    .unwrap();
            });
            assert_eq!(
                (stats.allocations, stats.reallocations, stats.deallocations),
                (0, 0, 0),
                "presign_into at {when}"
            );
        }
        assert_eq!(
            buffer,
            presigner.presign(URL, time, EXPIRES).unwrap().as_str()
        );

        // An empty buffer is grown once, to the exact size.
        let mut empty = String::new();
        let ((), stats) = count(|| {
            presigner
                .presign_into(URL, time, EXPIRES, &mut empty)
                .unwrap();
        });
        assert_eq!(
            (stats.allocations, stats.reallocations),
            (1, 0),
            "empty buffer"
        );

        // The cold path (`presign_url`) also allocates only the URL.
        let (cold, stats) =
            count(|| presign_url(URL, &credentials, &scope, time, EXPIRES).unwrap());
        assert_eq!(cold, first);
        assert_eq!(
            (stats.allocations, stats.reallocations),
            (1, 0),
            "presign_url"
        );
    }
}
