//! Runs one contestant in a loop, for a profiler:
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release -p peer-bench --example profile
//! valgrind --tool=callgrind target/release/examples/profile sigv4-wss-warm token 10000
//! ```
//!
//! valgrind counts instructions, so the totals are repeatable whatever else the machine does.

use std::hint::black_box;

use peer_bench::{
    ACCESS_KEY_ID, AwsSigV4, Case, Floor, HOST, REGION, SECRET_ACCESS_KEY, SERVICE, SigV4WssCold,
    SigV4WssWarm, URL, time,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), Some(case)) = (args.get(1), args.get(2)) else {
        eprintln!(
            "usage: profile <sigv4-wss-warm|sigv4-wss-warm-two-paths|sigv4-wss-cold|sigv4-wss-verify|sigv4-wss-verify-request|aws-sigv4|floor|floor-cold> <token|no-token> [iterations]"
        );
        std::process::exit(2);
    };
    let case = match case.as_str() {
        "token" => Case::Token,
        "no-token" => Case::NoToken,
        other => panic!("unknown case {other}"),
    };
    let n: u64 = args.get(3).map_or(10_000, |s| s.parse().unwrap());
    let mut total = 0usize;
    match which.as_str() {
        "sigv4-wss-warm" => {
            let s = SigV4WssWarm::new(case);
            for _ in 0..n {
                total += s.presign(black_box(URL), black_box(time())).len();
            }
        }
        "sigv4-wss-warm-two-paths" => {
            // Two paths in turn: the presigner's kept canonical-request prefix never matches.
            let s = SigV4WssWarm::new(case);
            let other = URL.replace("/dev?", "/prod?");
            for i in 0..n {
                let url = if i % 2 == 0 { URL } else { other.as_str() };
                total += s.presign(black_box(url), black_box(time())).len();
            }
        }
        "sigv4-wss-cold" => {
            let s = SigV4WssCold::new(case);
            for _ in 0..n {
                total += s.presign(black_box(URL), black_box(time())).len();
            }
        }
        "sigv4-wss-verify" => {
            // The verifier (`Verifier::verify_url`, key cached) on the URL the warm presigner
            // writes, checked 10 s after signing.
            let credentials =
                sigv4_wss::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, case.token())
                    .unwrap();
            let scope = sigv4_wss::Scope::new(REGION, SERVICE).unwrap();
            let url = SigV4WssWarm::new(case).presign(URL, time());
            let verifier = sigv4_wss::Verifier::new(credentials).expect_scope(&scope);
            let now = time() + std::time::Duration::from_secs(10);
            for _ in 0..n {
                total += verifier
                    .verify_url(black_box(&url), black_box(now))
                    .unwrap()
                    .access_key_id()
                    .len();
            }
        }
        "sigv4-wss-verify-request" => {
            // `Verifier::verify_request` (key cached) on the request a client sends for the
            // URL the warm presigner writes: its path and query, and its `Host`.
            let credentials =
                sigv4_wss::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, case.token())
                    .unwrap();
            let scope = sigv4_wss::Scope::new(REGION, SERVICE).unwrap();
            let url = SigV4WssWarm::new(case).presign(URL, time());
            let target = &url[url.find(HOST).unwrap() + HOST.len()..];
            let headers = [("Host", HOST)];
            let verifier = sigv4_wss::Verifier::new(credentials).expect_scope(&scope);
            let now = time() + std::time::Duration::from_secs(10);
            for _ in 0..n {
                total += verifier
                    .verify_request(
                        black_box("GET"),
                        black_box(target),
                        black_box(&headers),
                        black_box(now),
                    )
                    .unwrap()
                    .access_key_id()
                    .len();
            }
        }
        "aws-sigv4" => {
            let s = AwsSigV4::new(case);
            for _ in 0..n {
                total += s.presign(black_box(URL), black_box(time().into())).len();
            }
        }
        "floor" => {
            let f = Floor::new(case);
            for _ in 0..n {
                total += usize::from(f.sign(black_box(f.bytes()))[0]);
            }
        }
        "floor-cold" => {
            let f = Floor::new(case);
            for _ in 0..n {
                total += usize::from(
                    f.sign_cold(
                        black_box(SECRET_ACCESS_KEY),
                        black_box("20200131"),
                        black_box(f.bytes()),
                    )[0],
                );
            }
        }
        other => panic!("unknown contestant {other}"),
    }
    println!("{which} {case:?} x{n}: {total}");
}
