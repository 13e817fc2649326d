use hmac::{Hmac, KeyInit, Mac};
use peer_bench::{Case, Floor};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::sync::Mutex;
use std::time::Instant;
type H = Hmac<Sha256>;
const HEAD: &str =
    "AWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n";
fn hex(b: &[u8; 32]) -> [u8; 64] {
    let d = b"0123456789abcdef";
    let mut o = [0u8; 64];
    for (i, x) in b.iter().enumerate() {
        o[2 * i] = d[(x >> 4) as usize];
        o[2 * i + 1] = d[(x & 15) as usize];
    }
    o
}
fn main() {
    let cr = Floor::canonical_request(Case::NoToken);
    let crb = cr.as_bytes();
    let key = [7u8; 32];
    let cached = Mutex::new(H::new_from_slice(&key).unwrap());
    let cuts: Vec<usize> = vec![
        4,
        8,
        9,
        9 + 170,
        9 + 171,
        9 + 181,
        9 + 181 + 6,
        9 + 181 + 6 + 47,
        9 + 181 + 6 + 47 + 7,
        crb.len(),
    ];
    let url = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=";
    let variants: Vec<(&str, Box<dyn Fn() -> u8>)> = vec![
        (
            "F0 floor",
            Box::new(|| {
                let h: [u8; 32] = Sha256::digest(black_box(crb)).into();
                let mut m = H::new_from_slice(black_box(&key)).unwrap();
                m.update(HEAD.as_bytes());
                m.update(&hex(&h));
                hex(&m.finalize().into_bytes().into())[0]
            }),
        ),
        (
            "F1 cached mac",
            Box::new(|| {
                let h: [u8; 32] = Sha256::digest(black_box(crb)).into();
                let mut m = cached.lock().unwrap().clone();
                m.update(HEAD.as_bytes());
                m.update(&hex(&h));
                hex(&m.finalize().into_bytes().into())[0]
            }),
        ),
        (
            "F2 +pieces",
            Box::new(|| {
                let mut s = Sha256::new();
                let mut a = 0;
                for &c in &cuts {
                    s.update(black_box(&crb[a..c]));
                    a = c;
                }
                let h: [u8; 32] = s.finalize().into();
                let mut m = cached.lock().unwrap().clone();
                m.update(HEAD.as_bytes());
                m.update(&hex(&h));
                hex(&m.finalize().into_bytes().into())[0]
            }),
        ),
        (
            "F3 +url string",
            Box::new(|| {
                let mut s = Sha256::new();
                let mut a = 0;
                for &c in &cuts {
                    s.update(black_box(&crb[a..c]));
                    a = c;
                }
                let h: [u8; 32] = s.finalize().into();
                let mut m = cached.lock().unwrap().clone();
                m.update(HEAD.as_bytes());
                m.update(&hex(&h));
                let sig = hex(&m.finalize().into_bytes().into());
                let mut out = String::with_capacity(333);
                let mut b = 0;
                for c in [23, 56, 70, 85, 140, 180, 190, 210, 230, url.len()] {
                    out.push_str(black_box(&url[b..c]));
                    b = c;
                }
                out.push_str(std::str::from_utf8(&sig).unwrap());
                black_box(out).len() as u8
            }),
        ),
        (
            "F4 url string only",
            Box::new(|| {
                let mut out = String::with_capacity(333);
                let mut b = 0;
                for c in [23, 56, 70, 85, 140, 180, 190, 210, 230, url.len()] {
                    out.push_str(black_box(&url[b..c]));
                    b = c;
                }
                black_box(out).len() as u8
            }),
        ),
        (
            "F5 lock+clone only",
            Box::new(|| {
                let m = cached.lock().unwrap().clone();
                black_box(&m);
                0
            }),
        ),
    ];
    let mut best = vec![u128::MAX; variants.len()];
    for _ in 0..40 {
        for (i, (_, f)) in variants.iter().enumerate() {
            let n = 5000u128;
            let t = Instant::now();
            for _ in 0..n {
                black_box(f());
            }
            best[i] = best[i].min(t.elapsed().as_nanos() / n);
        }
    }
    for ((name, _), b) in variants.iter().zip(&best) {
        println!("{name:20} {b}");
    }
}
