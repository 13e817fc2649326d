//! The presigned URL, and its form for logs.

use core::fmt;

use time::OffsetDateTime;

use crate::canonical::is_secret;

/// A presigned URL.
///
/// It is a bearer credential: anyone who has it can connect until it expires. So `Debug`
/// replaces the values of `X-Amz-Signature`, `X-Amz-Security-Token` and any parameter named
/// `Authorization` (in any letter case) with `<redacted>`, and
/// there is deliberately no `Display` and no `PartialEq`: use [`PresignedUrl::as_str`] where
/// the URL is needed.
#[derive(Clone)]
pub struct PresignedUrl {
    pub(crate) url: String,
    pub(crate) expires_at: OffsetDateTime,
}

impl PresignedUrl {
    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL as a `String`.
    #[must_use]
    pub fn into_string(self) -> String {
        self.url
    }

    /// When it stops being valid: the signing time plus `X-Amz-Expires` (in UTC).
    pub fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }

    /// The URL with the signature and session token replaced by `<redacted>`, for logs.
    pub fn redacted(&self) -> RedactedUrl<'_> {
        RedactedUrl(&self.url)
    }
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PresignedUrl({})", self.redacted())
    }
}

/// A URL shown with the values of `X-Amz-Signature`, `X-Amz-Security-Token` and any
/// parameter named `Authorization` (in any letter case) replaced by `<redacted>`, by
/// `Display` and `Debug` alike.
#[derive(Clone, Copy)]
pub struct RedactedUrl<'a>(&'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({self})")
    }
}

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, query) = self.0.split_once('?').unwrap_or((self.0, ""));
        f.write_str(head)?;
        for (i, item) in query.split('&').enumerate().filter(|_| !query.is_empty()) {
            let key = item.split_once('=').map_or(item, |(key, _)| key);
            let separator = if i == 0 { "?" } else { "&" };
            let rest =
                if is_secret(key) { "=<redacted>" } else { item.get(key.len()..).unwrap_or("") };
            write!(f, "{separator}{key}{rest}")?;
        }
        Ok(())
    }
}
