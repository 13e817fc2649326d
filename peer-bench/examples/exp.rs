use sha2::{Digest, Sha256};
use std::hint::black_box;
fn main() {
    let mode = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let cr = peer_bench::Floor::canonical_request(peer_bench::Case::NoToken);
    let b = cr.as_bytes();
    // split points like the presigner's pieces
    let cuts = [
        4,
        8,
        9,
        9 + 170,
        9 + 171,
        9 + 181,
        9 + 181 + 6,
        9 + 181 + 6 + 47,
        9 + 181 + 6 + 47 + 7,
        b.len(),
    ];
    let mut acc = 0u8;
    for _ in 0..n {
        let mut h = Sha256::new();
        match mode.as_str() {
            "one" => h.update(black_box(b)),
            "pieces" => {
                let mut s = 0;
                for &c in &cuts {
                    h.update(black_box(&b[s..c]));
                    s = c;
                }
            }
            _ => {}
        }
        acc ^= h.finalize()[0];
    }
    println!("{acc}");
}
