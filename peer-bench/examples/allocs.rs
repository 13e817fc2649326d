//! Heap allocations per presign of the main case, for every contestant: a counting global
//! allocator around 1000 presigns after 100 warm-up presigns. "bytes" is the sum of the
//! requested sizes plus the growth of each reallocation.
//!
//! ```text
//! cargo run --release -p peer-bench --example allocs
//! ```

use std::alloc::System;
use std::hint::black_box;

use peer_bench::{
    AwsSigV4, Case, Floor, SECRET_ACCESS_KEY, SigV4WssCold, SigV4WssVerify, SigV4WssWarm, URL, time,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 1000;

/// Allocations, reallocations and bytes requested per call of `f`.
fn per_call(mut f: impl FnMut()) -> (f64, f64, f64) {
    for _ in 0..100 {
        f();
    }
    let region = Region::new(GLOBAL);
    for _ in 0..N {
        f();
    }
    let stats = region.change();
    #[allow(clippy::cast_precision_loss, reason = "small counts")]
    let per = |n: usize| n as f64 / N as f64;
    (
        per(stats.allocations),
        per(stats.reallocations),
        // Requested sizes of new blocks plus the growth of reallocated ones.
        per(stats.bytes_allocated),
    )
}

fn main() {
    println!("| contestant | case | allocs/op | reallocs/op | bytes/op |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for case in Case::ALL {
        let warm = SigV4WssWarm::new(case);
        let cold = SigV4WssCold::new(case);
        let aws = AwsSigV4::new(case);
        let floor = Floor::new(case);
        let verify = SigV4WssVerify::new(case);
        let rows: [(&str, (f64, f64, f64)); 6] = [
            ("sigv4-wss-warm", per_call(|| drop(black_box(warm.presign(URL, time()))))),
            (
                "sigv4-wss-verify",
                per_call(|| drop(black_box(verify.verify(verify.target(), time())))),
            ),
            ("sigv4-wss-cold", per_call(|| drop(black_box(cold.presign(URL, time()))))),
            ("aws-sigv4", per_call(|| drop(black_box(aws.presign(URL, time().into()))))),
            (
                "floor",
                per_call(|| {
                    black_box(floor.sign(floor.bytes()));
                }),
            ),
            (
                "floor-cold",
                per_call(|| {
                    black_box(floor.sign_cold(SECRET_ACCESS_KEY, "20200131", floor.bytes()));
                }),
            ),
        ];
        for (name, (allocs, reallocs, bytes)) in rows {
            println!("| {name} | {} | {allocs} | {reallocs} | {bytes:.0} |", case.name());
        }
    }
}
