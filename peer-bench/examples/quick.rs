//! A quick side-by-side timing on a busy machine: every contestant runs in short batches,
//! interleaved, and the fastest batch of each is kept (interference only ever adds time).
//! Not a replacement for `cargo bench -p peer-bench`; a way to compare changes quickly.
//!
//! ```text
//! cargo run --release -p peer-bench --example quick [rounds]
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use peer_bench::{AwsSigV4, Case, Floor, SECRET_ACCESS_KEY, SigV4WssCold, SigV4WssWarm, URL, time};

fn batch(iterations: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(30, |s| s.parse().unwrap());
    for case in Case::ALL {
        let warm = SigV4WssWarm::new(case);
        let cold = SigV4WssCold::new(case);
        let aws = AwsSigV4::new(case);
        let floor = Floor::new(case);
        let mut best = [Duration::MAX; 5];
        for _ in 0..rounds {
            let times = [
                batch(2000, || {
                    drop(black_box(warm.presign(black_box(URL), black_box(time()))))
                }),
                batch(2000, || {
                    drop(black_box(cold.presign(black_box(URL), black_box(time()))))
                }),
                batch(300, || {
                    drop(black_box(
                        aws.presign(black_box(URL), black_box(time().into())),
                    ))
                }),
                batch(2000, || {
                    black_box(floor.sign(black_box(floor.bytes())));
                }),
                batch(2000, || {
                    black_box(floor.sign_cold(
                        black_box(SECRET_ACCESS_KEY),
                        black_box("20200131"),
                        black_box(floor.bytes()),
                    ));
                }),
            ];
            for (b, t) in best.iter_mut().zip(times) {
                *b = (*b).min(t);
            }
        }
        let ns = best.map(|d| d.as_secs_f64() * 1e9);
        println!(
            "{:8}  warm {:6.0}  cold {:6.0}  aws {:6.0}  floor {:6.0}  floor-cold {:6.0}  | warm/floor {:.2}  cold/floor-cold {:.2}  aws/warm {:.1}",
            case.name(),
            ns[0],
            ns[1],
            ns[2],
            ns[3],
            ns[4],
            ns[0] / ns[3],
            ns[1] / ns[4],
            ns[2] / ns[0]
        );
    }
}
