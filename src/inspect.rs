//! Inspecting a presigned URL: what it was signed with, for debugging a `403`.

use core::fmt;

use sha2::{Digest as _, Sha256};

use crate::amz_date::AmzDate;
use crate::error::Error;
use crate::presign::SessionTokenMode;
use crate::scope::{CredentialScope, Scope};
use crate::string_to_sign::StringToSign;
use crate::target::UrlStorage;
use crate::verify::{Headers, QueryRequest, signs_token};

/// Shown in place of the session token.
const REDACTED: &str = "<redacted>";

/// Shows what a presigned URL was signed with: its credential scope, the canonical request and
/// the string to sign that a server rebuilds from it, as API Gateway's error messages print
/// them ("The Canonical String for this request should have been …"). Compare them with the
/// signer's to find why a URL gets a `403`.
///
/// The URL is read as [`Verifier::verify_url`](crate::Verifier::verify_url) reads it, for a
/// `GET`, with the session-token rule of the scope's service. No secret is needed and none is
/// shown: the session token appears as `<redacted>` and the signature is left out (with the
/// rest of the URL it would be a bearer credential). The string to sign's last line is the
/// hash of the real canonical request, token included.
///
/// ```
/// use sigv4_wss::{Credentials, Scope, inspect, presign_url};
/// use std::time::Duration;
/// use time::macros::datetime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("TOKEN"))?;
/// let scope = Scope::new("us-east-1", "execute-api")?;
/// let url = presign_url(
///     "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev",
///     &creds,
///     &scope,
///     datetime!(2020-01-31 10:02:33 UTC),
///     Duration::from_secs(300),
/// )?;
/// let inspection = inspect(url.as_str())?;
/// assert_eq!(inspection.credential_scope(), "20200131/us-east-1/execute-api/aws4_request");
/// assert!(inspection.canonical_request().contains("X-Amz-Security-Token=<redacted>"));
/// println!("{inspection}");
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// # Errors
///
/// The URL errors of [`presign_url`](crate::presign_url), and the errors of a malformed
/// presigned URL listed for [`Verifier::verify_request`](crate::Verifier::verify_request)
/// (missing, repeated or malformed parameters, a malformed credential, a signed header other
/// than `host`).
pub fn inspect(url: &str) -> Result<Inspection, Error> {
    let mut storage: UrlStorage = None;
    let (request, host) = QueryRequest::from_url("GET", url, &mut storage)?;
    let auth = request.auth()?;
    let headers = Headers::Host(host).canonical(auth.signed_headers)?;
    let sign_token = signs_token(SessionTokenMode::ServiceDefault, auth.scope.service());
    let scope = auth.scope.to_scope()?;

    let token = request.canonical_token();
    let signed_token = token.filter(|_| sign_token);
    let mut canonical_request = String::new();
    let shown_token = signed_token.map(|_| REDACTED);
    request.write_canonical(&mut canonical_request, shown_token, &headers);
    let mut hasher = Sha256::new();
    request.write_canonical(&mut hasher, signed_token, &headers);
    let hash: [u8; 32] = hasher.finalize().into();
    let credential_scope = CredentialScope::new(&auth.date, &scope);
    let string_to_sign = StringToSign::new(&auth.date, credential_scope, &hash).to_string();

    Ok(Inspection {
        access_key_id: auth.access_key_id.to_owned(),
        credential_scope: credential_scope.to_string(),
        signed_at: auth.date,
        expires: auth.expires,
        signed_headers: auth.signed_headers.replace("%3B", ";"),
        session_token: match token {
            None => "none",
            Some(_) if sign_token => "present, signed (shown as <redacted>)",
            Some(_) => "present, appended after signing (not in the canonical request)",
        },
        scope,
        canonical_request,
        string_to_sign,
    })
}

/// What [`inspect`] found. `Display` prints it all, in the form of API Gateway's messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    access_key_id: String,
    credential_scope: String,
    scope: Scope,
    signed_at: AmzDate,
    expires: Option<u32>,
    signed_headers: String,
    session_token: &'static str,
    canonical_request: String,
    string_to_sign: String,
}

impl Inspection {
    /// The access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope, `{YYYYMMDD}/{region}/{service}/aws4_request`.
    #[must_use]
    pub fn credential_scope(&self) -> &str {
        &self.credential_scope
    }

    /// The region and service of the credential scope.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The signing time, `X-Amz-Date`.
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// `X-Amz-Expires` in seconds, if the URL has one.
    #[must_use]
    pub fn expires_secs(&self) -> Option<u32> {
        self.expires
    }

    /// The signed headers, joined by `;`.
    #[must_use]
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The canonical request a server rebuilds from the URL, session token redacted.
    #[must_use]
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign a server computes from the URL.
    #[must_use]
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Access key id:    {}", self.access_key_id)?;
        writeln!(f, "Credential scope: {}", self.credential_scope)?;
        match self.expires {
            Some(secs) => writeln!(f, "Signed at:        {} for {secs} s", self.signed_at)?,
            None => writeln!(f, "Signed at:        {} (no X-Amz-Expires)", self.signed_at)?,
        }
        writeln!(f, "Signed headers:   {}", self.signed_headers)?;
        writeln!(f, "Session token:    {}", self.session_token)?;
        writeln!(f)?;
        writeln!(f, "Canonical request:")?;
        writeln!(f, "{}", self.canonical_request)?;
        writeln!(f)?;
        writeln!(f, "String to sign:")?;
        write!(f, "{}", self.string_to_sign)
    }
}
