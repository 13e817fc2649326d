//! Finding the few bytes that matter in a long run of ordinary ones, 64 bytes at a time.
//!
//! The percent-encoder and the URL check both look for rare bytes (an escape in a session
//! token, a `.` or `/` in a URL). Classifying a fixed-size block with independent per-byte
//! arithmetic lets the compiler use SIMD compares (without `unsafe`), and the result, a
//! 64-bit mask, is then walked with `trailing_zeros`.

/// Bit `i` of the result is set when `special(chunk[i])`.
///
/// `special` must be plain arithmetic on the byte (compares, no table) for the compiler to
/// vectorize it. The 64 flags are gathered into bits with one multiplication per eight (the
/// products of different bytes never overlap or carry).
#[inline]
pub(crate) fn mask64(chunk: &[u8; 64], special: impl Fn(u8) -> bool) -> u64 {
    let mut flags = [0u8; 64];
    for (flag, &b) in flags.iter_mut().zip(chunk) {
        *flag = u8::from(special(b));
    }
    let mut mask = 0;
    for (k, group) in flags.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(group.try_into().unwrap_or_default());
        mask |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    mask
}

/// Calls `visit` with the index of every byte of `bytes` for which `special` holds, in
/// order, as long as it returns `true`. Returns `false` if a visit did.
///
/// A last, partial block of at least [`PAD_FROM`] bytes is classified as one block (see
/// [`short_mask`]); a shorter one is looked at byte by byte.
#[inline]
pub(crate) fn visit_special(
    bytes: &[u8],
    special: impl Fn(u8) -> bool + Copy,
    mut visit: impl FnMut(usize) -> bool,
) -> bool {
    let (chunks, rest) = bytes.as_chunks::<64>();
    let mut visit_mask = |base: usize, mut mask: u64| {
        while mask != 0 {
            if !visit(base + mask.trailing_zeros() as usize) {
                return false;
            }
            mask &= mask - 1;
        }
        true
    };
    for (n, chunk) in chunks.iter().enumerate() {
        if !visit_mask(64 * n, mask64(chunk, special)) {
            return false;
        }
    }
    let base = 64 * chunks.len();
    if rest.len() >= PAD_FROM {
        return visit_mask(base, short_mask(rest, special));
    }
    for (i, &b) in rest.iter().enumerate() {
        if special(b) && !visit_mask(base + i, 1) {
            return false;
        }
    }
    true
}

/// The length from which the last, partial block is classified as a whole.
const PAD_FROM: usize = 16;

/// [`mask64`] of `rest`, 16 to 63 bytes long, without copying it whole (a copy of variable
/// length is a call): the block classified starts with copies of fixed size of its first and
/// last `k` bytes (32, or 16 when it is shorter than 32), whose bits are then put back in
/// place; the two ends overlap in the middle, where their bits agree.
#[inline]
fn short_mask(rest: &[u8], special: impl Fn(u8) -> bool) -> u64 {
    let mut block = [0u8; 64];
    let (head, tail) = block.split_at_mut(32);
    let k = if let (Some(first), Some(last)) = (rest.first_chunk::<32>(), rest.last_chunk::<32>()) {
        head.copy_from_slice(first);
        tail.copy_from_slice(last);
        32
    } else if let (Some(first), Some(last)) = (rest.first_chunk::<16>(), rest.last_chunk::<16>()) {
        let (a, b) = head.split_at_mut(16);
        a.copy_from_slice(first);
        b.copy_from_slice(last);
        16
    } else {
        return 0;
    };
    let bits = mask64(&block, special);
    let ends = (1u64 << k) - 1;
    (bits & ends) | (((bits >> k) & ends) << (rest.len() - k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visits_every_special_byte_in_order() {
        let bytes: Vec<u8> = (0..300u32)
            .map(|i| if i % 7 == 0 { b'x' } else { b'a' })
            .collect();
        for len in [
            0, 1, 7, 15, 16, 20, 31, 32, 33, 63, 64, 65, 80, 96, 128, 200, 300,
        ] {
            let mut seen = Vec::new();
            assert!(visit_special(
                &bytes[..len],
                |b| b == b'x',
                |i| {
                    seen.push(i);
                    true
                }
            ));
            let want: Vec<usize> = (0..len).filter(|i| i % 7 == 0).collect();
            assert_eq!(seen, want, "length {len}");
        }
        let mut count = 0;
        assert!(!visit_special(
            &bytes,
            |b| b == b'x',
            |_| {
                count += 1;
                count < 3
            }
        ));
        assert_eq!(count, 3);
    }
}
