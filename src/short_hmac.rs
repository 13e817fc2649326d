//! HMAC-SHA256 of a short message under a short key, on SHA-256's block function: the four
//! HMACs of the signing-key derivation.
//!
//! HMAC (RFC 2104) is `H((K ^ opad) || H((K ^ ipad) || message))` with `K` the key padded to
//! the 64-byte block. When the key is at most one block and the message leaves room in one
//! block for SHA-256's padding (a `0x80` byte and the 8-byte bit length, FIPS 180-4 section
//! 5.1.1), that is exactly four compressions of blocks laid out in fixed arrays: the inner
//! pad, the padded message, the outer pad, the padded inner digest. SigV4's derivation is of
//! that kind (a key of `AWS4` and a 40-character secret, then 32-byte keys; a date, a region,
//! a service name, `aws4_request`).
//!
//! The `hmac` crate computes the same four compressions through its streaming buffers, whose
//! copying and bookkeeping cost about 60 ns per HMAC on the machine of `BENCHMARKS.md`: in
//! the cold presign that was a tenth of the time. Longer keys or messages return `None`, and
//! the caller uses the `hmac` crate.

use sha2::block_api::compress256;
use zeroize::Zeroize as _;

/// SHA-256's block size in bytes.
const BLOCK: usize = 64;

/// The longest message that fits in one block with SHA-256's padding.
const MAX_MESSAGE: usize = BLOCK - 1 - 8;

/// SHA-256's initial hash value (FIPS 180-4 section 5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// HMAC-SHA256 of `message` under `key`, or `None` if the key is longer than a block or the
/// message longer than [`MAX_MESSAGE`].
#[inline]
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> Option<[u8; 32]> {
    if key.len() > BLOCK || message.len() > MAX_MESSAGE {
        return None;
    }
    let inner_last = last_block(message, BLOCK)?;
    // The pads are the key, masked. They are built in place in the arrays that are
    // compressed (so that no copy of them is made for the call) and zeroized at the end. The
    // hash states are not cleared, as the `hmac` crate's are not (see `Presigner`'s Drop).
    let mut inner_blocks = [[0x36u8; BLOCK], inner_last];
    let mut outer_blocks = [[0x5cu8; BLOCK], [0u8; BLOCK]];
    let ([inner_pad, _], [outer_pad, _]) = (&mut inner_blocks, &mut outer_blocks);
    for ((i, o), k) in inner_pad.iter_mut().zip(outer_pad.iter_mut()).zip(key) {
        *i ^= k;
        *o ^= k;
    }
    let mut inner = INITIAL_STATE;
    compress256(&mut inner, &inner_blocks);
    let mac = last_block(&digest(&inner), BLOCK).map(|outer_last| {
        let [_, last] = &mut outer_blocks;
        *last = outer_last;
        let mut outer = INITIAL_STATE;
        compress256(&mut outer, &outer_blocks);
        digest(&outer)
    });
    inner_blocks.as_flattened_mut().zeroize();
    outer_blocks.as_flattened_mut().zeroize();
    mac
}

/// The final block of a message whose first `before` bytes were compressed already:
/// `data`, `0x80`, zeros, and the total length in bits, big-endian. `None` if `data` does not
/// fit.
#[inline]
fn last_block(data: &[u8], before: usize) -> Option<[u8; BLOCK]> {
    let mut block = [0u8; BLOCK];
    let (body, length) = block.split_last_chunk_mut::<8>()?;
    let (text, rest) = body.split_at_mut_checked(data.len())?;
    text.copy_from_slice(data);
    *rest.first_mut()? = 0x80;
    let bits = u64::try_from(before + data.len()).ok()?.checked_mul(8)?;
    *length = bits.to_be_bytes();
    Some(block)
}

/// The hash value as bytes.
#[inline]
fn digest(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit as _, Mac as _};
    use proptest::prelude::*;
    use sha2::Sha256;

    use super::*;
    use crate::sink::Hex64;

    #[test]
    fn rfc_4231_test_cases() {
        // RFC 4231 section 4, HMAC-SHA-256 of test cases 1 to 3 (values checked with Python's
        // `hmac` module). Case 6 has a 131-byte key, which is not short.
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 20],
                &[0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
        ];
        for (key, message, want) in cases {
            assert_eq!(
                Hex64::new(&hmac_sha256(key, message).unwrap()).as_str(),
                want
            );
        }
        assert_eq!(
            hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            None
        );
    }

    fn with_hmac_crate(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    proptest! {
        #[test]
        fn agrees_with_the_hmac_crate_on_random_bytes(
            key in proptest::collection::vec(any::<u8>(), 0..=BLOCK),
            message in proptest::collection::vec(any::<u8>(), 0..=MAX_MESSAGE),
        ) {
            prop_assert_eq!(hmac_sha256(&key, &message), Some(with_hmac_crate(&key, &message)));
        }
    }

    #[test]
    #[allow(clippy::cast_possible_truncation, reason = "byte patterns")]
    fn agrees_with_the_hmac_crate_up_to_the_limits() {
        for key_len in 0..=BLOCK + 8 {
            for message_len in 0..=MAX_MESSAGE + 8 {
                let key: Vec<u8> = (0..key_len).map(|i| (i * 37 + 11) as u8).collect();
                let message: Vec<u8> = (0..message_len).map(|i| (i * 101 + 7) as u8).collect();
                let short = hmac_sha256(&key, &message);
                if key_len > BLOCK || message_len > MAX_MESSAGE {
                    assert_eq!(short, None, "key {key_len}, message {message_len}");
                    continue;
                }
                let want = with_hmac_crate(&key, &message);
                assert_eq!(short, Some(want), "key {key_len}, message {message_len}");
            }
        }
    }
}
