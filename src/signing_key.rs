//! The signing key and the signature, SigV4's last step:
//!
//! ```text
//! kDate     = HMAC-SHA256("AWS4" + secret, YYYYMMDD)
//! kRegion   = HMAC-SHA256(kDate, region)
//! kService  = HMAC-SHA256(kRegion, service)
//! kSigning  = HMAC-SHA256(kService, "aws4_request")
//! signature = hex(HMAC-SHA256(kSigning, string to sign))
//! ```

use core::fmt;

use constant_time_eq::constant_time_eq;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use zeroize::{Zeroize as _, Zeroizing};

use crate::canonical::Updater;
use crate::credentials::Redacted;
use crate::string_to_sign::StringToSign;

/// HMAC-SHA256; its states (and SHA-256's) are zeroized on drop.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 state keyed with `key`.
#[allow(clippy::default_trait_access, reason = "the key type is a generic array")]
fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so `new_from_slice` never fails; the fallback to an
    // empty key only keeps a panic path out of the crate.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// HMAC-SHA256 of `data` under `key`.
fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
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
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// Derives `kSigning` from the secret access key, the scope date (`YYYYMMDD`), region and
    /// service.
    #[must_use]
    pub fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> Self {
        let secret = Zeroizing::new(format!("AWS4{secret_access_key}"));
        let mut key = Zeroizing::new(hmac(secret.as_bytes(), date.as_bytes()));
        for data in [region.as_bytes(), service.as_bytes(), b"aws4_request"] {
            key = Zeroizing::new(hmac(&*key, data)); // the replaced key is zeroized
        }
        Self(*key)
    }

    /// The raw key bytes, for callers that cache or compare keys themselves.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Signs a string to sign.
    pub fn sign(&self, string_to_sign: &StringToSign<'_>) -> Signature {
        Signature::of(self.mac(), string_to_sign)
    }

    /// An HMAC state keyed with this key, which signs as it does (a presigner keeps one).
    pub(crate) fn mac(&self) -> HmacSha256 {
        keyed(&self.0)
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SigningKey").field(&Redacted).finish()
    }
}

/// A SigV4 signature. It is a bearer secret for the request it signs, so `Debug` does not
/// show it and there is no `Display`; [`Signature::to_hex`] gives `X-Amz-Signature`'s 64
/// lowercase hex digits, and equality is tested in constant time.
#[derive(Clone, Copy)]
pub struct Signature([u8; 32]);

impl Signature {
    /// The signature of `string_to_sign` with `mac`, an HMAC state keyed with a signing key.
    pub(crate) fn of(mac: HmacSha256, string_to_sign: &StringToSign<'_>) -> Self {
        let mut mac = Updater(mac);
        // Writing to a MAC cannot fail.
        let _ = string_to_sign.write(&mut mac);
        Self(mac.0.finalize().into_bytes().into())
    }

    /// The signature in lowercase hex, as `X-Amz-Signature` and `Authorization` carry it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The lowercase hex, written into `buf`, without allocating.
    pub(crate) fn hex_in<'b>(&self, buf: &'b mut [u8; 64]) -> &'b str {
        let _ = hex::encode_to_slice(self.0, buf);
        core::str::from_utf8(buf).unwrap_or_default()
    }

    /// Whether `hex` (64 hex digits) is this signature, compared in constant time.
    pub(crate) fn matches_hex(&self, hex: &str) -> bool {
        let mut given = [0u8; 32];
        hex::decode_to_slice(hex, &mut given).is_ok() && constant_time_eq(&given, &self.0)
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(&self.0, &other.0)
    }
}

impl Eq for Signature {}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&Redacted).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_aws_documentation_example() {
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key.as_bytes()),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn signatures_compare_as_hex_in_constant_time() {
        let sig = Signature([0xab; 32]);
        assert!(sig.matches_hex(&"ab".repeat(32)));
        for bad in ["ab".repeat(31), "ab".repeat(33), format!("{}ac", "ab".repeat(31))] {
            assert!(!sig.matches_hex(&bad), "{bad}");
        }
        assert_eq!(sig.hex_in(&mut [0; 64]), sig.to_hex());
        assert_eq!(format!("{sig:?}"), "Signature(<redacted>)");
    }
}
