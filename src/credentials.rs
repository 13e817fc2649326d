//! AWS credentials, checked on construction and never shown by `Debug`.

use core::fmt;

use constant_time_eq::constant_time_eq;
use zeroize::Zeroizing;

use crate::error::Error;

/// An access key id, its secret access key, and for temporary credentials (STS, Cognito,
/// SSO, instance roles) a session token.
///
/// The constructor checks the values, so that a stray newline from a file or an environment
/// variable is reported here instead of as a bare `403` from AWS. The secret key and the
/// token are zeroized on drop. `Debug` shows the access key id only, and there is no
/// `PartialEq` (comparing secrets takes constant time, inside the crate):
///
/// ```
/// use sigv4_wss::Credentials;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("token"))?;
/// assert_eq!(
///     format!("{creds:?}"),
///     r#"Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: <redacted>, session_token: Some(<redacted>), expiry: None }"#
/// );
/// assert!(Credentials::new("AKIDEXAMPLE", "secret\n", None).is_err());
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expiry: Option<time::OffsetDateTime>,
}

impl Credentials {
    /// Checks and stores the credentials. Pass `None` as the session token for long-term
    /// (IAM user) keys.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidAccessKeyId`] unless the id is 1 to 128 ASCII letters, digits or
    ///   underscores (IAM's own rule);
    /// - [`Error::InvalidSecretAccessKey`] if the secret is empty or has a character outside
    ///   printable ASCII (whitespace included);
    /// - [`Error::InvalidSessionToken`] likewise for the token.
    pub fn new(
        access_key_id: &str, secret_access_key: &str, session_token: Option<&str>,
    ) -> Result<Self, Error> {
        check_access_key_id(access_key_id)
            .map_err(|reason| Error::InvalidAccessKeyId { reason })?;
        check_printable(secret_access_key)
            .map_err(|reason| Error::InvalidSecretAccessKey { reason })?;
        if let Some(token) = session_token {
            check_printable(token).map_err(|reason| Error::InvalidSessionToken { reason })?;
        }
        Ok(Self {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: Zeroizing::new(secret_access_key.to_owned()),
            session_token: session_token.map(|t| Zeroizing::new(t.to_owned())),
            expiry: None,
        })
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, if set and not empty,
    /// `AWS_SESSION_TOKEN`, as the AWS CLI and SDKs do.
    ///
    /// # Errors
    ///
    /// [`Error::MissingEnvVar`] if either of the first two is unset or empty (on
    /// `wasm32-unknown-unknown` there is no environment, so always), and the errors of
    /// [`Credentials::new`].
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &'static str| {
            let value = Zeroizing::new(std::env::var(name).unwrap_or_default());
            if value.is_empty() { Err(Error::MissingEnvVar { name }) } else { Ok(value) }
        };
        let access_key_id = var("AWS_ACCESS_KEY_ID")?;
        let secret_access_key = var("AWS_SECRET_ACCESS_KEY")?;
        let session_token = var("AWS_SESSION_TOKEN").ok();
        Self::new(&access_key_id, &secret_access_key, session_token.as_deref().map(String::as_str))
    }

    /// The access key id (not a secret: it appears in every signed URL).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Records when temporary credentials expire, as their provider said (the
    /// `aws-credential-types` conversion keeps aws-config's). The crate only carries it: it
    /// never reads a clock, so compare it with the time you sign at, and refresh the
    /// credentials before then.
    #[must_use]
    pub fn with_expiry(self, expiry: time::OffsetDateTime) -> Self {
        Self { expiry: Some(expiry), ..self }
    }

    /// When the credentials expire, if [`Credentials::with_expiry`] said.
    pub fn expiry(&self) -> Option<time::OffsetDateTime> {
        self.expiry
    }

    /// Whether these are temporary credentials with a session token.
    pub fn has_session_token(&self) -> bool {
        self.session_token.is_some()
    }

    pub(crate) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub(crate) fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    /// Whether `self` and `other` are the same credentials; the secret and the token are
    /// compared in constant time.
    pub(crate) fn same_as(&self, other: &Self) -> bool {
        let same = |a: &str, b: &str| constant_time_eq(a.as_bytes(), b.as_bytes());
        let token = match (self.session_token(), other.session_token()) {
            (Some(a), Some(b)) => same(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        let secret = same(&self.secret_access_key, &other.secret_access_key);
        self.access_key_id == other.access_key_id && secret && token
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &Redacted)
            .field("session_token", &self.session_token.as_ref().map(|_| Redacted))
            .field("expiry", &self.expiry)
            .finish()
    }
}

/// Shown in place of a secret by `Debug` implementations.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// IAM's rule for access key ids (also applied to the ids of received credentials).
pub(crate) fn check_access_key_id(id: &str) -> Result<(), &'static str> {
    let other = "it contains a character other than ASCII letters, digits and underscores";
    let long = if id.len() > 128 { Err("it is longer than 128 characters") } else { Ok(()) };
    check(id, |b| b.is_ascii_alphanumeric() || b == b'_', other).and(long)
}

/// Secret keys and session tokens are printable ASCII (base64 and friends); whitespace is
/// almost always a copy-and-paste accident that AWS would answer with a bare `403`.
fn check_printable(value: &str) -> Result<(), &'static str> {
    check(value, |b| b.is_ascii_graphic(), "it contains a control or non-ASCII character")
}

/// Refuses an empty value, whitespace, and (with the reason `other`) any byte not `allowed`.
fn check(value: &str, allowed: fn(u8) -> bool, other: &'static str) -> Result<(), &'static str> {
    if value.is_empty() {
        Err("it is empty")
    } else if value.bytes().any(|b| b.is_ascii_whitespace()) {
        Err("it contains whitespace (a trailing newline from a file or environment variable?)")
    } else if !value.bytes().all(allowed) {
        Err(other)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn debug_shows_only_the_access_key_id() {
        let c = Credentials::new("AKIDEXAMPLE", SECRET, Some("TOKENVALUE")).unwrap();
        let s = format!("{c:?} {c:#?}");
        assert!(!s.contains(SECRET) && !s.contains("TOKENVALUE"), "{s}");
        let c = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
        assert_eq!(
            format!("{c:?}"),
            r#"Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: <redacted>, session_token: None, expiry: None }"#
        );
    }

    #[test]
    fn rules() {
        assert!(Credentials::new("AKIA_123", SECRET, None).is_ok());
        assert!(Credentials::new(&"A".repeat(128), SECRET, None).is_ok());
        for bad in ["", "AKID\n", "AKID/X", "AKÎD", &"A".repeat(129)] {
            let err = Credentials::new(bad, SECRET, None).unwrap_err();
            assert!(matches!(err, Error::InvalidAccessKeyId { .. }), "{bad:?}");
        }
        for bad in ["", "abc\n", "a b", "é", "\u{7f}"] {
            assert!(matches!(
                Credentials::new("AKID", bad, None),
                Err(Error::InvalidSecretAccessKey { .. })
            ));
            assert!(matches!(
                Credentials::new("AKID", SECRET, Some(bad)),
                Err(Error::InvalidSessionToken { .. })
            ));
        }
        let err = Credentials::new("AKID", "SECRETVALUE\n", None).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("SECRETVALUE"));
    }

    #[test]
    fn sameness_looks_at_every_part() {
        let c = |id, secret, token| Credentials::new(id, secret, token).unwrap();
        let base = c("AKID", SECRET, Some("T"));
        assert!(base.same_as(&base.clone()));
        for other in [
            c("AKIE", SECRET, Some("T")),
            c("AKID", "other", Some("T")),
            c("AKID", SECRET, Some("U")),
            c("AKID", SECRET, None),
        ] {
            assert!(!base.same_as(&other) && !other.same_as(&base));
        }
    }
}
