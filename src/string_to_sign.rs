//! The string to sign: the second step of SigV4.
//!
//! ```text
//! AWS4-HMAC-SHA256\n
//! {X-Amz-Date}\n
//! {credential scope}\n
//! {hex SHA-256 of the canonical request}
//! ```

use core::fmt;

use crate::amz_date::AmzDate;
use crate::scope::{CredentialScope, Scope};
use crate::sink::{FmtSink, Gather, Hex64, Sink};

/// The only algorithm this crate signs with (`X-Amz-Algorithm`).
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The string to sign, built from the signing time, the credential scope and the hash of the
/// canonical request. It holds no secret; `Display` writes its exact bytes.
///
/// ```
/// use sigv4_wss::{AmzDate, CanonicalRequest, CredentialScope, Scope, StringToSign};
/// use time::macros::datetime;
///
/// let date = AmzDate::new(datetime!(2015-08-30 12:36:00 UTC))?;
/// let scope = Scope::new("us-east-1", "service")?;
/// let request = CanonicalRequest::new("GET", "/")?.with_header("Host", "example.amazonaws.com")?;
/// let sts = StringToSign::new(&date, CredentialScope::new(&date, &scope), &request.sha256());
/// assert_eq!(
///     sts.to_string(),
///     "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
///      80c82396f0437974f4cbd2fab4cbeabe4d1c76dd4772ae3cb79bb2bac4cfb71a"
/// );
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StringToSign<'a> {
    date: &'a AmzDate,
    scope: CredentialScope<'a>,
    canonical_request_hash: Hex64Debug,
}

impl<'a> StringToSign<'a> {
    /// Builds the string to sign from its three inputs.
    #[must_use]
    pub fn new(
        date: &'a AmzDate,
        scope: CredentialScope<'a>,
        canonical_request_sha256: &[u8; 32],
    ) -> Self {
        Self {
            date,
            scope,
            canonical_request_hash: Hex64Debug(Hex64::new(canonical_request_sha256)),
        }
    }

    /// Writes the exact bytes.
    pub(crate) fn write(&self, sink: &mut impl Sink) {
        write_head(sink, self.date);
        write_rest(
            sink,
            self.date,
            ScopeTail::Of(self.scope.scope()),
            self.canonical_request_hash.0.as_bytes(),
        );
    }
}

/// Writes the start of every string to sign of `date`'s day: `AWS4-HMAC-SHA256\n{YYYYMMDD}T`
/// (a [`Presigner`](crate::Presigner) caches the HMAC state after it).
pub(crate) fn write_head(sink: &mut impl Sink, date: &AmzDate) {
    sink.put(ALGORITHM);
    sink.put("\n");
    sink.put_ascii(date.date_bytes());
    sink.put("T");
}

/// What follows the date in the credential scope, and the newline after it:
/// `/{region}/{service}/aws4_request\n`.
#[derive(Clone, Copy)]
pub(crate) enum ScopeTail<'a> {
    /// Written from the scope.
    Of(&'a Scope),
    /// Already written ([`ScopeTail::write`] into a `String`).
    Cached(&'a str),
}

impl ScopeTail<'_> {
    pub(crate) fn write(self, sink: &mut impl Sink) {
        match self {
            Self::Of(scope) => {
                scope.write_after_date(sink, "/");
                sink.put("\n");
            }
            Self::Cached(tail) => sink.put(tail),
        }
    }
}

/// Writes the rest of the string to sign after [`write_head`]:
/// `{HHMMSS}Z\n{credential scope}\n{hex of the canonical request's hash}`.
///
/// It is [gathered](Gather) into one piece first.
pub(crate) fn write_rest(
    sink: &mut impl Sink,
    date: &AmzDate,
    scope_tail: ScopeTail<'_>,
    hash_hex: &[u8; 64],
) {
    let mut rest = Gather::<REST_MAX>::new();
    // The time of day, the newline and the scope's date (16 bytes: they always fit).
    rest.push_ascii(date.date_time_bytes().get(9..).unwrap_or_default());
    rest.push("\n");
    rest.push_ascii(date.date_bytes());
    let head_len = rest.len();
    let fits = match scope_tail {
        ScopeTail::Of(scope) => {
            rest.push("/")
                && rest.push(scope.region())
                && rest.push("/")
                && rest.push(scope.service())
                && rest.push("/aws4_request\n")
        }
        ScopeTail::Cached(tail) => rest.push(tail),
    } && rest.push_ascii(hash_hex);
    if !fits {
        // Never with the names [`Scope::new`] accepts; kept so that no input can go wrong.
        rest.truncate(head_len);
        rest.write_to(sink);
        scope_tail.write(sink);
        sink.put_ascii(hash_hex);
        return;
    }
    rest.write_to(sink);
}

/// The longest rest of a string to sign: time and date (16), the scope after the date with
/// names of at most 64 characters (144), the hash (64).
const REST_MAX: usize = 16 + 144 + 64;

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = FmtSink::new(f);
        self.write(&mut sink);
        sink.finish()
    }
}

/// The canonical request's hash, shown as hex by `Debug`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Hex64Debug(Hex64);

impl fmt::Debug for Hex64Debug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_is_the_same_whether_or_not_it_fits_the_gathering_buffer() {
        let date = AmzDate::new(time::macros::datetime!(2020-01-31 10:02:33 UTC)).unwrap();
        let hex = [b'a'; 64];
        for tail in [
            "/us-east-1/execute-api/aws4_request\n",
            &"x".repeat(REST_MAX),
        ] {
            let mut got = String::new();
            write_rest(&mut got, &date, ScopeTail::Cached(tail), &hex);
            let want = format!("100233Z\n20200131{tail}{}", "a".repeat(64));
            assert_eq!(got, want);
        }
    }
}
