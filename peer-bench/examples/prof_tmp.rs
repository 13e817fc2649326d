use peer_bench::*;
use std::hint::black_box;
use std::time::Instant;
fn best(mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..20_000 {
            f();
        }
        best = best.min(t.elapsed().as_nanos() as f64 / 20_000.0);
    }
    best
}
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    for case in Case::ALL {
        let case = if which == "perf2" {
            Case::NoToken
        } else {
            case
        };
        let w = SigV4WssWarm::new(case);
        let c = SigV4WssCold::new(case);
        let v = SigV4WssVerify::new(case);
        let fl = Floor::new(case);
        if which == "perf" || which == "perf2" {
            for _ in 0..300_000 {
                black_box(w.presign(black_box(URL), time()));
            }
            return;
        }
        if which == "perfc" {
            for _ in 0..300_000 {
                black_box(c.presign(black_box(URL), time()));
            }
            return;
        }
        if which == "perfv" {
            for _ in 0..300_000 {
                let _ = black_box(v.verify(black_box(v.target()), time()));
            }
            return;
        }
        let warm = best(|| {
            black_box(w.presign(black_box(URL), time()));
        });
        let cold = best(|| {
            black_box(c.presign(black_box(URL), time()));
        });
        let ver = best(|| {
            let _ = black_box(v.verify(black_box(v.target()), time()));
        });
        let floor = best(|| {
            black_box(fl.sign(black_box(fl.bytes())));
        });
        let floorc = best(|| {
            black_box(fl.sign_cold(
                black_box(SECRET_ACCESS_KEY),
                "20200131",
                black_box(fl.bytes()),
            ));
        });
        println!(
            "{:9} warm {warm:6.0} ({:.2}) cold {cold:6.0} ({:.2}) verify {ver:6.0} ({:.2}) floor {floor:5.0} floorc {floorc:5.0}",
            case.name(),
            warm / floor,
            cold / floorc,
            ver / warm
        );
    }
}
