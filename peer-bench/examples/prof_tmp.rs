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
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).cloned().unwrap_or_default();
    if which == "cg" {
        let case = if args[3] == "no-token" { Case::NoToken } else { Case::Token };
        let n: usize = args[4].parse().unwrap();
        match args[2].as_str() {
            "warm" => {
                let w = SigV4WssWarm::new(case);
                for _ in 0..n {
                    black_box(w.presign(black_box(URL), time()));
                }
            }
            "cold" => {
                let c = SigV4WssCold::new(case);
                for _ in 0..n {
                    black_box(c.presign(black_box(URL), time()));
                }
            }
            "verify" => {
                let v = SigV4WssVerify::new(case);
                for _ in 0..n {
                    let _ = black_box(v.verify(black_box(v.target()), time()));
                }
            }
            "floor" => {
                let f = Floor::new(case);
                for _ in 0..n {
                    black_box(f.sign(black_box(f.bytes())));
                }
            }
            _ => {}
        }
        return;
    }
    for case in Case::ALL {
        let w = SigV4WssWarm::new(case);
        let c = SigV4WssCold::new(case);
        let v = SigV4WssVerify::new(case);
        let fl = Floor::new(case);
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
