//! Side-by-side: `cargo bench -p peer-bench`. One group, `presign`, with the function ids
//! `sigv4-wss-warm`, `sigv4-wss-cold`, `aws-sigv4`, `floor` and `floor-cold`, each for the
//! parameters `token` and `no-token`, all presigning the main case of the project's peer measurements.
//! `sigv4-wss-verify` is a `Verifier` (its key cached) checking the warm presigner's URL as a
//! server receives it: the request target and the `Host` header.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use peer_bench::{
    AwsSigV4, Case, Floor, SECRET_ACCESS_KEY, SigV4WssCold, SigV4WssVerify, SigV4WssWarm, URL, time,
};

fn presign(c: &mut Criterion) {
    let mut group = c.benchmark_group("presign");
    for case in Case::ALL {
        let warm = SigV4WssWarm::new(case);
        group.bench_function(BenchmarkId::new("sigv4-wss-warm", case.name()), |b| {
            b.iter(|| warm.presign(black_box(URL), black_box(time())));
        });
        let cold = SigV4WssCold::new(case);
        group.bench_function(BenchmarkId::new("sigv4-wss-cold", case.name()), |b| {
            b.iter(|| cold.presign(black_box(URL), black_box(time())));
        });
        let aws = AwsSigV4::new(case);
        group.bench_function(BenchmarkId::new("aws-sigv4", case.name()), |b| {
            b.iter(|| aws.presign(black_box(URL), black_box(time().into())));
        });
        let verify = SigV4WssVerify::new(case);
        group.bench_function(BenchmarkId::new("sigv4-wss-verify", case.name()), |b| {
            b.iter(|| verify.verify(black_box(verify.target()), black_box(time())));
        });
        let floor = Floor::new(case);
        group.bench_function(BenchmarkId::new("floor", case.name()), |b| {
            b.iter(|| floor.sign(black_box(floor.bytes())));
        });
        group.bench_function(BenchmarkId::new("floor-cold", case.name()), |b| {
            b.iter(|| {
                floor.sign_cold(
                    black_box(SECRET_ACCESS_KEY),
                    black_box("20200131"),
                    black_box(floor.bytes()),
                )
            });
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = config();
    targets = presign
}
criterion_main!(benches);
