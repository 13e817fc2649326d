//! Where canonical bytes go: a `String`, a SHA-256 state, or a formatter.
//!
//! Every canonical form in this crate (canonical request, string to sign, scope) is written by
//! one function generic over [`Sink`], so the bytes that are hashed and the bytes that
//! `Display` shows can never differ.

use core::fmt;

use sha2::{Digest as _, Sha256};

/// A destination for canonical text.
pub(crate) trait Sink {
    /// Appends `s`.
    fn put(&mut self, s: &str);

    /// Appends ASCII text that this crate formatted itself (digits, hex). Sinks that take
    /// bytes skip the UTF-8 check that turning them into a `&str` costs.
    #[inline]
    fn put_ascii(&mut self, ascii: &[u8]) {
        self.put(ascii_str(ascii));
    }

    /// Appends the first `len` bytes of `s` (a character boundary). A sink may append all of
    /// `s` and cut it back: a copy of a length the compiler knows is inlined, where one of a
    /// length it does not is a call.
    #[inline]
    fn put_prefix(&mut self, s: &str, len: usize) {
        self.put(s.get(..len).unwrap_or_default());
    }
}

impl Sink for String {
    #[inline]
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }

    #[inline]
    fn put_prefix(&mut self, s: &str, len: usize) {
        let end = self.len() + len;
        self.push_str(s);
        // `s` has a boundary at `len`, so `self` has one at `end`.
        if self.is_char_boundary(end) {
            self.truncate(end);
        }
    }

    /// Short text (a date) is pushed character by character: clearing the high bit, which no
    /// ASCII byte has, tells the compiler that each is one byte, and that costs less than
    /// checking the text as UTF-8 and copying it.
    #[inline]
    fn put_ascii(&mut self, ascii: &[u8]) {
        if ascii.len() <= 8 {
            for &b in ascii {
                self.push(char::from(b & 0x7f));
            }
        } else {
            self.put(ascii_str(ascii));
        }
    }
}

impl Sink for Sha256 {
    #[inline]
    fn put(&mut self, s: &str) {
        self.update(s.as_bytes());
    }

    #[inline]
    fn put_ascii(&mut self, ascii: &[u8]) {
        self.update(ascii);
    }
}

/// Adapts a [`fmt::Formatter`] (or any [`fmt::Write`]) to [`Sink`], remembering the first error.
pub(crate) struct FmtSink<'a, W: fmt::Write + ?Sized> {
    out: &'a mut W,
    result: fmt::Result,
}

impl<'a, W: fmt::Write + ?Sized> FmtSink<'a, W> {
    pub(crate) fn new(out: &'a mut W) -> Self {
        Self {
            out,
            result: Ok(()),
        }
    }

    /// The first write error, if any.
    pub(crate) fn finish(self) -> fmt::Result {
        self.result
    }
}

impl<W: fmt::Write + ?Sized> Sink for FmtSink<'_, W> {
    fn put(&mut self, s: &str) {
        if self.result.is_ok() {
            self.result = self.out.write_str(s);
        }
    }
}

/// A table with an entry for every byte value, indexed without a bounds check that could
/// fail.
pub(crate) struct ByteTable<T>(pub(crate) [T; 256]);

impl<T: Copy> ByteTable<T> {
    #[inline]
    #[allow(
        clippy::indexing_slicing,
        reason = "a u8 always indexes a 256-entry table"
    )]
    pub(crate) const fn get(&self, byte: u8) -> T {
        self.0[byte as usize]
    }
}

/// Lowercase hexadecimal of a 32-byte digest, without allocating.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hex64([u8; 64]);

impl Hex64 {
    pub(crate) fn new(bytes: &[u8; 32]) -> Self {
        let mut out = [0u8; 64];
        for (pair, &byte) in out.chunks_exact_mut(2).zip(bytes) {
            // Both digits at once, branch-free, in the two bytes of a `u16` (high nibble in the
            // low byte, which comes first in little-endian order): a nibble `n` becomes
            // `'0' + n`, plus 39 more (up to `'a' + n - 10`) when `n > 9`, which is when
            // `n + 6` carries into bit 4. No byte carries into the next.
            let nibbles = u16::from(byte >> 4) | (u16::from(byte & 0x0f) << 8);
            let letters = ((nibbles + 0x0606) >> 4) & 0x0101;
            pair.copy_from_slice(&(nibbles + 0x3030 + letters * 39).to_le_bytes());
        }
        Self(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

/// Text gathered from several pieces into one fixed buffer on the stack, to be written to a
/// [`Sink`] as one piece: a hash state takes one long piece for less than several short ones.
///
/// Every piece is a `&str` (or ASCII), so what is gathered is always UTF-8, and
/// [`Sink::put_ascii`] on it never falls back to the empty string.
pub(crate) struct Gather<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Gather<N> {
    pub(crate) const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    /// Appends `s`; `false`, with nothing appended, if it does not fit.
    #[inline]
    pub(crate) fn push(&mut self, s: &str) -> bool {
        self.push_ascii(s.as_bytes())
    }

    /// [`Gather::push`] for ASCII bytes.
    #[inline]
    pub(crate) fn push_ascii(&mut self, ascii: &[u8]) -> bool {
        let end = self.len + ascii.len();
        match self.buf.get_mut(self.len..end) {
            Some(to) => {
                to.copy_from_slice(ascii);
                self.len = end;
                true
            }
            None => false,
        }
    }

    /// How many bytes were gathered.
    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// Keeps the first `len` bytes gathered (at a piece boundary, so still UTF-8).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Writes what was gathered to `sink`.
    #[inline]
    pub(crate) fn write_to(&self, sink: &mut impl Sink) {
        sink.put_ascii(self.buf.get(..self.len).unwrap_or_default());
    }
}

/// Views bytes that this crate itself wrote as ASCII as a `&str`.
///
/// Only called on buffers filled with ASCII digits and letters by this crate, or gathered from
/// `&str`s ([`Gather`]), so the conversion cannot fail; the empty-string fallback exists so that no panic path does.
pub(crate) fn ascii_str(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}
