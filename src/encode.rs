//! Percent-encoding as SigV4 wants it: RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _
//! ~`) stay as they are, every other byte becomes `%XX` with uppercase hex digits.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use zeroize::Zeroizing;

use crate::canonical::put;

/// Everything but RFC 3986's unreserved characters.
pub(crate) const UNRESERVED: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// [`UNRESERVED`], keeping `/` too: for a whole path.
pub(crate) const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Percent-encodes every byte of `input` but the unreserved characters, as SigV4 encodes
/// query keys and values (a space is `%20`, a `+` is `%2B`).
///
/// ```
/// assert_eq!(sigv4_wss::uri_encode("a b+c/~"), "a%20b%2Bc%2F~");
/// ```
pub fn uri_encode(input: &str) -> String {
    encode(input).into_owned()
}

/// [`uri_encode`], borrowing `input` when nothing needs encoding.
pub(crate) fn encode(input: &str) -> Cow<'_, str> {
    encode_bytes(input.as_bytes())
}

/// `bytes` percent-encoded: borrowed when nothing needs encoding, else written into one
/// allocation, so that no outgrown copy of a session token is left behind unzeroized.
fn encode_bytes(bytes: &[u8]) -> Cow<'_, str> {
    let mut chunks = percent_encode(bytes, UNRESERVED);
    match chunks.next() {
        // A chunk is the input itself (nothing to encode) or a slice of it, or an escape.
        Some(whole) if whole.len() == bytes.len() && whole.as_ptr() == bytes.as_ptr() => {
            Cow::Borrowed(whole)
        }
        first => {
            let mut out = String::with_capacity(bytes.len().saturating_mul(3));
            out.extend(first.into_iter().chain(chunks));
            Cow::Owned(out)
        }
    }
}

/// A raw query key or value in SigV4's canonical form: percent-decoded (a `+` is a plus, not
/// a space; a `%` that starts no escape stays a `%`), then encoded again.
pub(crate) fn reencode(raw: &str) -> Cow<'_, str> {
    if is_canonical(raw) {
        return Cow::Borrowed(raw);
    }
    // Decoded into one allocation, zeroized after use: the value may be a session token.
    let mut decoded = Zeroizing::new(Vec::with_capacity(raw.len()));
    decoded.extend(percent_decode_str(raw));
    Cow::Owned(encode_bytes(&decoded).into_owned())
}

/// Whether decoding and encoding `raw` again gives `raw`: it has only unreserved characters
/// and `%XX` escapes (uppercase) of other bytes, as every parameter of a presigned URL has.
/// One pass over the bytes instead of two, which matters for a long session token.
fn is_canonical(raw: &str) -> bool {
    let mut bytes = raw.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'%' {
            let digits = [bytes.next().unwrap_or(b'%'), bytes.next().unwrap_or(b'%')];
            let mut decoded = [0];
            if digits.iter().any(u8::is_ascii_lowercase)
                || hex::decode_to_slice(digits, &mut decoded).is_err()
                || is_unreserved(decoded[0])
            {
                return false;
            }
        } else if !is_unreserved(byte) {
            return false;
        }
    }
    true
}

/// Whether `byte` is one of RFC 3986's unreserved characters, which [`UNRESERVED`] leaves as
/// they are.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// The items of a raw query string: split at `&` (empty items skipped), then at each item's
/// first `=` into key and value (a bare key has an empty value).
pub(crate) fn split_query(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| item.split_once('=').unwrap_or((item, "")))
}

/// The bytes a percent-encoded value stands for.
pub(crate) fn decode(encoded: &str) -> Cow<'_, [u8]> {
    percent_decode_str(encoded).into()
}

/// Appends query parameters to `url`, each key and value encoded as [`uri_encode`] encodes
/// them, before a `#fragment` if there is one.
///
/// Build the query this way (or with [`uri_encode`]), not with `url::Url::query_pairs_mut`:
/// that one form-encodes, writing a space as `+`, which SigV4 and AWS read as a plus.
///
/// ```
/// use sigv4_wss::append_query;
///
/// let url = append_query("wss://example.com/dev?v=1", &[("room", "a b&c"), ("k", "+")]);
/// assert_eq!(url, "wss://example.com/dev?v=1&room=a%20b%26c&k=%2B");
/// ```
pub fn append_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let (head, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let mut out = String::with_capacity(url.len() + 16 * pairs.len());
    out.push_str(head);
    let mut separator = match head.split_once('?') {
        None => "?",
        Some((_, query)) if query.is_empty() || query.ends_with('&') => "",
        Some(_) => "&",
    };
    for (key, value) in pairs {
        let _ = put(&mut out, &[separator, &encode(key), "=", &encode(value)]);
        separator = "&";
    }
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reencoding_is_canonical() {
        for (raw, want) in [
            ("lobby", "lobby"),
            ("a+b", "a%2Bb"),
            ("a%20b", "a%20b"),
            ("%7e%2d", "~-"),
            ("%zz%", "%25zz%25"),
            ("%ff", "%FF"),
            ("é", "%C3%A9"),
            ("a;b", "a%3Bb"),
        ] {
            assert_eq!(reencode(raw), want, "{raw}");
        }
        assert!(matches!(reencode("lobby"), Cow::Borrowed(_)));
        assert!(matches!(reencode("a%2Bb%C3%A9"), Cow::Borrowed(_)));
    }

    #[test]
    fn canonical_is_what_reencoding_leaves_unchanged() {
        for byte in 0..=255u8 {
            assert_eq!(is_unreserved(byte), matches!(encode_bytes(&[byte]), Cow::Borrowed(_)));
        }
        let pieces = ["a", "~", "+", " ", "%", "%2B", "%2b", "%41", "%7E", "%C3", "%g0", "%2", "é"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let raw = format!("{a}{b}{c}");
                    let mut decoded = Vec::new();
                    decoded.extend(percent_decode_str(&raw));
                    let slow = encode_bytes(&decoded);
                    assert_eq!(is_canonical(&raw), slow == raw, "{raw}");
                    assert_eq!(reencode(&raw), slow, "{raw}");
                }
            }
        }
    }

    #[test]
    fn splits_like_sigv4() {
        let items: Vec<_> = split_query("a=1&&b&c=x=y&=v&").collect();
        assert_eq!(items, [("a", "1"), ("b", ""), ("c", "x=y"), ("", "v")]);
    }

    #[test]
    fn appends_before_the_fragment() {
        assert_eq!(append_query("wss://h/p", &[]), "wss://h/p");
        assert_eq!(append_query("wss://h/p#f", &[("a", "1")]), "wss://h/p?a=1#f");
        assert_eq!(append_query("wss://h/p?", &[("a", "1"), ("b", "")]), "wss://h/p?a=1&b=");
        assert_eq!(append_query("wss://h/p?x&", &[("a", "1")]), "wss://h/p?x&a=1");
        assert_eq!(append_query("wss://h/p?a=?", &[("k", "v")]), "wss://h/p?a=?&k=v");
        assert_eq!(append_query("wss://h/p??", &[("", "")]), "wss://h/p??&=");
    }
}
