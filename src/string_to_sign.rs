//! The string to sign, SigV4's second step:
//!
//! ```text
//! AWS4-HMAC-SHA256\n
//! {X-Amz-Date}\n
//! {credential scope}\n
//! {hex SHA-256 of the canonical request}
//! ```

use core::fmt;

use crate::canonical::put;
use crate::date::AmzDate;
use crate::scope::CredentialScope;

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
    canonical_request_sha256: [u8; 32],
}

impl<'a> StringToSign<'a> {
    /// Builds the string to sign from its three inputs.
    pub fn new(
        date: &'a AmzDate, scope: CredentialScope<'a>, canonical_request_sha256: &[u8; 32],
    ) -> Self {
        Self { date, scope, canonical_request_sha256: *canonical_request_sha256 }
    }

    /// Writes the exact bytes.
    pub(crate) fn write(&self, w: &mut impl fmt::Write) -> fmt::Result {
        let mut hash = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        let _ = hex::encode_to_slice(self.canonical_request_sha256, &mut hash);
        put(w, &[ALGORITHM, "\n", self.date.date_time(), "\n"])?;
        self.scope.write(w)?;
        put(w, &["\n", core::str::from_utf8(&hash).unwrap_or_default()])
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}
