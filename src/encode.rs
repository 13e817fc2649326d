//! The crate's one percent-encoder, used for the canonical URI, the canonical query and the
//! emitted URL alike, so that what is sent is exactly what was signed.
//!
//! SigV4 encodes with the RFC 3986 unreserved set: `A-Z a-z 0-9 - . _ ~` stay as they are and
//! every other byte becomes `%XX` with uppercase hex. A space is `%20` (never `+`), a literal `+`
//! is `%2B`. `application/x-www-form-urlencoded` serializers such as
//! `url::Url::query_pairs_mut` write `+` for a space and are therefore never used here.

use percent_encoding::{percent_decode_str, percent_encode_byte};

use crate::scan::visit_special;
use crate::sink::{ByteTable, Sink};

/// Whether SigV4 leaves `byte` unencoded (RFC 3986 section 2.3).
#[inline]
pub(crate) const fn is_unreserved(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~')
}

/// [`is_unreserved`] as a table, for byte-at-a-time loops.
#[allow(clippy::indexing_slicing, reason = "b < 256")]
const UNRESERVED: ByteTable<bool> = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "b < 256")]
        {
            table[b] = is_unreserved(b as u8);
        }
        b += 1;
    }
    ByteTable(table)
};

/// Which bytes besides the unreserved ones stay as they are.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Keep {
    /// Only the unreserved set: query keys and values.
    Unreserved,
    /// The unreserved set and `/`: the canonical URI.
    UnreservedAndSlash,
}

impl Keep {
    #[inline]
    pub(crate) const fn keeps(self, byte: u8) -> bool {
        UNRESERVED.get(byte) || (matches!(self, Keep::UnreservedAndSlash) && byte == b'/')
    }
}

/// Whether `byte` must be percent-encoded, as arithmetic the compiler can vectorize (used as
/// the `special` test of [`visit_special`] scans).
///
/// Each range test is written as a signed comparison after a wrapping add (`x + 0x80 - lo`
/// is below `hi - lo + 1 - 0x80` as an `i8` exactly when `lo <= x <= hi`), which SSE2 does in
/// two instructions, and the tests are combined with `|` and `&` rather than `||` and `&&` so
/// that no branch stands in the vectorizer's way.
#[inline]
#[allow(clippy::cast_possible_wrap, reason = "the signed view is the point")]
#[allow(
    clippy::needless_bitwise_bool,
    reason = "branch-free on purpose, for the vectorizer"
)]
pub(crate) fn must_escape(byte: u8, keep: Keep) -> bool {
    // Letters: `byte | 0x20` is in `a..=z`.
    let letter = ((byte | 0x20).wrapping_add(0x80 - b'a') as i8) < (0x80u8 + 26) as i8;
    // '-' (0x2D), '.' (0x2E), '/' (0x2F) and the digits (0x30 to 0x39) are one range; '/'
    // stays only in a path.
    let dash_to_nine = (byte.wrapping_add(0x80 - b'-') as i8) < (0x80u8 + 13) as i8;
    let slash_escaped = (byte == b'/') & matches!(keep, Keep::Unreserved);
    let kept = letter | (dash_to_nine & !slash_escaped) | (byte == b'_') | (byte == b'~');
    !kept
}

/// Calls `escape` with the index of every byte of `bytes` that must be percent-encoded, in
/// order.
#[inline]
fn for_each_escape(bytes: &[u8], keep: Keep, mut escape: impl FnMut(usize)) {
    visit_special(
        bytes,
        |b| must_escape(b, keep),
        |i| {
            escape(i);
            true
        },
    );
}

/// Writes `input` percent-encoded.
#[inline]
pub(crate) fn encode_into(sink: &mut impl Sink, input: &str, keep: Keep) {
    let bytes = input.as_bytes();
    let mut run_start = 0;
    for_each_escape(bytes, keep, |i| {
        // The run before an escaped byte is ASCII, so both ends are character boundaries.
        if run_start < i {
            put_run(sink, input, run_start, i);
        }
        sink.put(percent_encode_byte(
            bytes.get(i).copied().unwrap_or_default(),
        ));
        run_start = i + 1;
    });
    if run_start < bytes.len() {
        sink.put(input.get(run_start..).unwrap_or_default());
    }
}

/// Writes `input[start..end]`, a run of unreserved characters. A short run is written as
/// the [prefix](Sink::put_prefix) of a 32-byte slice when there is one (a copy of fixed size).
#[inline]
fn put_run(sink: &mut impl Sink, input: &str, start: usize, end: usize) {
    let len = end - start;
    if len <= 32
        && let Some(block) = input.get(start..start + 32)
    {
        sink.put_prefix(block, len);
    } else {
        sink.put(input.get(start..end).unwrap_or_default());
    }
}

/// The length of `bytes` once percent-encoded.
#[inline]
pub(crate) fn encoded_len(bytes: &[u8], keep: Keep) -> usize {
    let mut len = bytes.len();
    for_each_escape(bytes, keep, |_| len += 2);
    len
}

/// Percent-decodes a query key or value as it appeared in a URL (`%XX` becomes the byte, a `+`
/// stays a `+`, a `%` not followed by two hex digits stays literal) and writes it encoded again
/// with the unreserved set. `a%2fb`, `a/b` and `a%2Fb` all become `a%2Fb`.
pub(crate) fn reencode_query_component(sink: &mut impl Sink, raw: &str) {
    // Most components are plain: nothing to decode, nothing to encode.
    let first_special = raw.bytes().position(|b| !UNRESERVED.get(b));
    let Some(first_special) = first_special else {
        sink.put(raw);
        return;
    };
    if !raw
        .as_bytes()
        .get(first_special..)
        .unwrap_or_default()
        .contains(&b'%')
    {
        encode_into(sink, raw, Keep::Unreserved);
        return;
    }
    let mut one = [0u8; 4];
    for byte in percent_decode_str(raw) {
        if is_unreserved(byte) {
            sink.put(char::from(byte).encode_utf8(&mut one));
        } else {
            sink.put(percent_encode_byte(byte));
        }
    }
}

/// Percent-encodes `input` with the unreserved set, as SigV4 does for every query key and value.
///
/// This is the encoder the crate uses for the canonical query and for the URL it emits; it is
/// public so that callers who build URLs around a presigned one can match it byte for byte.
///
/// ```
/// assert_eq!(sigv4_wss::uri_encode("a b+c/d~é"), "a%20b%2Bc%2Fd~%C3%A9");
/// ```
#[must_use]
pub fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(encoded_len(input.as_bytes(), Keep::Unreserved));
    encode_into(&mut out, input, Keep::Unreserved);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reencode(raw: &str) -> String {
        let mut s = String::new();
        reencode_query_component(&mut s, raw);
        assert!(s.len() <= 3 * raw.len(), "length of {raw:?}");
        s
    }

    #[test]
    fn unreserved_set_is_exactly_rfc3986() {
        let kept: String = (0u8..=255)
            .filter(|&b| is_unreserved(b))
            .map(char::from)
            .collect();
        assert_eq!(
            kept,
            "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
        );
    }

    #[test]
    fn escapes_agree_with_the_byte_rule() {
        for keep in [Keep::Unreserved, Keep::UnreservedAndSlash] {
            for byte in 0..=255u8 {
                assert_eq!(must_escape(byte, keep), !keep.keeps(byte), "{byte:#04x}");
            }
        }
        let all: Vec<u8> = (0..=255).collect();
        for keep in [Keep::Unreserved, Keep::UnreservedAndSlash] {
            let mut escaped = Vec::new();
            for_each_escape(&all, keep, |i| escaped.push(i));
            let want: Vec<usize> = (0..256).filter(|&i| !keep.keeps(all[i])).collect();
            assert_eq!(escaped, want);
        }
    }

    #[test]
    fn long_inputs_match_byte_by_byte_encoding() {
        use core::fmt::Write as _;

        let input: String = "aZ09-._~ /+=%é!ሴ".repeat(20);
        let mut want = String::new();
        for byte in input.bytes() {
            if is_unreserved(byte) {
                want.push(char::from(byte));
            } else {
                write!(want, "%{byte:02X}").unwrap();
            }
        }
        for len in (0..input.len()).filter(|&n| input.is_char_boundary(n)) {
            let prefix = &input[..len];
            let got = uri_encode(prefix);
            assert_eq!(encoded_len(prefix.as_bytes(), Keep::Unreserved), got.len());
            assert!(want.starts_with(&got), "{prefix:?}");
        }
        assert_eq!(uri_encode(&input), want);
    }

    #[test]
    fn random_inputs_match_byte_by_byte_encoding() {
        use core::fmt::Write as _;

        // Every byte value, at every length around the 64-byte block boundaries, with escapes
        // dense and sparse (a deterministic xorshift; `String::from_utf8_lossy` keeps whatever
        // is valid UTF-8 and replaces the rest, which is non-ASCII and escaped anyway).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for len in (0..200).chain([255, 256, 257, 511, 512, 513, 1000]) {
            for density in [0u64, 1, 8, 64, 256] {
                let raw: Vec<u8> = (0..len)
                    .map(|_| {
                        let r = next();
                        if density > 0 && r % 256 < density {
                            r.to_le_bytes()[1]
                        } else {
                            b"AZaz09-._~"[(r >> 8) as usize % 10]
                        }
                    })
                    .collect();
                let input = String::from_utf8_lossy(&raw).into_owned();
                for keep in [Keep::Unreserved, Keep::UnreservedAndSlash] {
                    let mut want = String::new();
                    for byte in input.bytes() {
                        if keep.keeps(byte) {
                            want.push(char::from(byte));
                        } else {
                            write!(want, "%{byte:02X}").unwrap();
                        }
                    }
                    let mut got = String::new();
                    encode_into(&mut got, &input, keep);
                    assert_eq!(got, want, "{input:?} {keep:?}");
                    assert_eq!(encoded_len(input.as_bytes(), keep), want.len());
                }
            }
        }
    }

    #[test]
    fn space_is_percent_20_and_plus_is_percent_2b() {
        assert_eq!(uri_encode("a b"), "a%20b");
        assert_eq!(uri_encode("a+b"), "a%2Bb");
        assert!(!uri_encode(" + ").contains('+'));
    }

    #[test]
    fn path_keeps_slashes_only() {
        let mut s = String::new();
        encode_into(&mut s, "/a b/%40c=/", Keep::UnreservedAndSlash);
        assert_eq!(s, "/a%20b/%2540c%3D/");
        assert_eq!(
            encoded_len(b"/a b/%40c=/", Keep::UnreservedAndSlash),
            s.len()
        );
    }

    #[test]
    fn query_components_are_decoded_then_encoded_once() {
        assert_eq!(reencode("a%2fb"), "a%2Fb");
        assert_eq!(reencode("a/b"), "a%2Fb");
        assert_eq!(reencode("x+y"), "x%2By");
        assert_eq!(reencode("x%20y"), "x%20y");
        assert_eq!(reencode("%7E%41"), "~A");
        assert_eq!(reencode("%E1%88%B4"), "%E1%88%B4");
        assert_eq!(reencode("ሴ"), "%E1%88%B4");
        // A '%' that starts no escape is a literal percent sign.
        assert_eq!(reencode("100%"), "100%25");
        assert_eq!(reencode("%zz"), "%25zz");
        assert_eq!(reencode(""), "");
    }
}
