//! The signing key and the signature: the third and last step of SigV4.
//!
//! ```text
//! kDate    = HMAC-SHA256("AWS4" + secret, YYYYMMDD)
//! kRegion  = HMAC-SHA256(kDate, region)
//! kService = HMAC-SHA256(kRegion, service)
//! kSigning = HMAC-SHA256(kService, "aws4_request")
//! signature = hex(HMAC-SHA256(kSigning, string to sign))
//! ```

use core::fmt;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use zeroize::Zeroize as _;

use crate::credentials::Redacted;
use crate::short_hmac;
use crate::sink::{Hex64, Sink};
use crate::string_to_sign::StringToSign;

pub(crate) type HmacSha256 = Hmac<Sha256>;

impl Sink for HmacSha256 {
    #[inline]
    fn put(&mut self, s: &str) {
        self.update(s.as_bytes());
    }

    #[inline]
    fn put_ascii(&mut self, ascii: &[u8]) {
        self.update(ascii);
    }
}

/// An HMAC-SHA256 state keyed with `key`.
#[inline]
pub(crate) fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (longer ones are hashed first), so `new_from_slice` never
    // fails; the fallback to a zero key exists only so that no panic path does.
    #[allow(
        clippy::default_trait_access,
        reason = "the key type is a generic array"
    )]
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// HMAC-SHA256 of `data` under `key`: on SHA-256's block function when both are short, as
/// in every step of the key derivation (see [`short_hmac`](crate::short_hmac)), else with
/// the `hmac` crate.
fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    short_hmac::hmac_sha256(key, data).unwrap_or_else(|| {
        let mut mac = keyed(key);
        mac.update(data);
        mac.finalize().into_bytes().into()
    })
}

/// The derived key `kSigning` for one date, region and service. `Debug` never shows it, and
/// it is zeroized on drop.
///
/// ```
/// use sigv4_wss::SigningKey;
///
/// // The example of the AWS documentation ("Derive a signing key for SigV4").
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
/// assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    key: [u8; 32],
}

impl SigningKey {
    /// Derives `kSigning` from the secret access key, the scope date (`YYYYMMDD`), region and
    /// service.
    #[must_use]
    pub fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> Self {
        Self::derive_for_date(secret_access_key, date.as_bytes(), region, service)
    }

    /// [`SigningKey::derive`] with the date as the bytes of an [`AmzDate`](crate::AmzDate),
    /// which the presigner has as bytes (as a `&str` they would be checked as UTF-8 first).
    pub(crate) fn derive_for_date(
        secret_access_key: &str,
        date: &[u8],
        region: &str,
        service: &str,
    ) -> Self {
        // kDate's key is "AWS4" followed by the secret; AWS secrets are 40 characters, so it
        // is built on the stack unless the secret is unusually long.
        // Each buffer that holds the secret or a key derived from it is zeroized as soon as
        // it has been used (the HMAC states inside `hmac` are not: see `Presigner`'s Drop).
        let mut stack = [0u8; 128];
        let secret = secret_access_key.as_bytes();
        let mut k_date = if let Some(buf) = stack.get_mut(..4 + secret.len()) {
            let (prefix, rest) = buf.split_at_mut(4);
            prefix.copy_from_slice(b"AWS4");
            rest.copy_from_slice(secret);
            hmac(buf, date)
        } else {
            let mut heap = [b"AWS4", secret].concat();
            let k_date = hmac(&heap, date);
            heap.zeroize();
            k_date
        };
        stack.as_mut_slice().zeroize();
        let mut k_region = hmac(&k_date, region.as_bytes());
        k_date.as_mut_slice().zeroize();
        let mut k_service = hmac(&k_region, service.as_bytes());
        k_region.as_mut_slice().zeroize();
        let key = hmac(&k_service, b"aws4_request");
        k_service.as_mut_slice().zeroize();
        Self { key }
    }

    /// The raw key bytes, for callers that cache or compare keys themselves.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// Signs a string to sign.
    #[must_use]
    pub fn sign(&self, string_to_sign: &StringToSign<'_>) -> Signature {
        let mut mac = self.mac();
        string_to_sign.write(&mut mac);
        Signature(mac.finalize().into_bytes().into())
    }

    /// An HMAC state keyed with this key, ready for the string to sign.
    pub(crate) fn mac(&self) -> HmacSha256 {
        keyed(&self.key)
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        // As a slice: zeroize fills slices in bulk, arrays element by element.
        self.key.as_mut_slice().zeroize();
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SigningKey").field(&Redacted).finish()
    }
}

/// A SigV4 signature; `Display` gives the 64 lowercase hex digits of `X-Amz-Signature`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 32]);

impl Signature {
    /// The raw 32 bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn from_mac(mac: HmacSha256) -> Self {
        Self(mac.finalize().into_bytes().into())
    }

    pub(crate) fn hex(&self) -> Hex64 {
        Hex64::new(&self.0)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex().as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.hex().as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_documentation_signing_key() {
        // "Derive a signing key for SigV4", AWS General Reference (the iam example).
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            Hex64::new(key.as_bytes()).as_str(),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn keys_and_messages_too_long_for_one_block_take_the_hmac_crate() {
        // kDate's key is "AWS4" and the secret: over 64 bytes with this 86-character secret;
        // a 60-character region is over the 55 bytes a single padded block holds. Expected
        // values from Python's hmac module.
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".repeat(2) + "LONGER";
        let key = SigningKey::derive(&secret, "20150830", "us-east-1", "iam");
        assert_eq!(
            Hex64::new(key.as_bytes()).as_str(),
            "3e741e533ea8697e7d40adc7bd6095f3d6049f8164abb9e268437a966844c558"
        );
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            &"x".repeat(60),
            "iam",
        );
        assert_eq!(
            Hex64::new(key.as_bytes()).as_str(),
            "dbc3722581f71eb317caf4c48d446214d5cfe55aea5923190e94566cd942f7f6"
        );
    }
}
