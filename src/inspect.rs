//! Inspecting a presigned request: what a server rebuilds from it, for debugging a `403`.

use core::fmt;

use crate::date::AmzDate;
use crate::error::Error;
use crate::presign::SessionTokenMode;
use crate::received::Received;
use crate::scope::{CredentialScope, Scope};
use crate::string_to_sign::StringToSign;
use crate::target::Target;

/// Shows what a presigned URL was signed with: its credential scope, and the canonical
/// request and string to sign that a server rebuilds from it, as API Gateway's error
/// messages print them ("The Canonical String for this request should have been …").
///
/// Run it on the URL the signer produced (it is read with the same code that signed it) and
/// on what the server received ([`inspect_request`]), and compare. The session token is
/// placed by the service's rule (IoT: outside the canonical request); a presigner that
/// overrides it with [`SessionTokenMode`](crate::SessionTokenMode) signs it the other way. No secret is needed and
/// none is shown: the session token appears as `<redacted>` and the signature is left out.
/// The string to sign's last line is the hash of the real canonical request, token included.
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
/// The URL errors of [`presign_url`](crate::presign_url), and those of
/// [`inspect_request`].
pub fn inspect(url: &str) -> Result<Inspection, Error> {
    let target = Target::parse(url)?;
    inspect_request(target.request_target(), target.host())
}

/// [`inspect`] for a `GET` request as a server receives it: its request target, exactly as
/// received (`/dev?X-Amz-Algorithm=…`), and its `Host` header.
///
/// ```
/// use sigv4_wss::inspect_request;
///
/// let target = "/dev?X-Amz-Algorithm=AWS4-HMAC-SHA256\
///     &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
///     &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
///     &X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6&room=lobby";
/// let inspection = inspect_request(target, "abc123defg.execute-api.us-east-1.amazonaws.com")?;
/// assert!(inspection.string_to_sign().ends_with("8e368dc4b825781dd4e637516e75fe1ef426a703228dfe65e446f564455dfba2"));
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// # Errors
///
/// The request target errors of [`Verifier::verify_request`](crate::Verifier::verify_request)
/// ([`Error::InvalidRequestTarget`], [`Error::AmbiguousQuery`]), its errors for a malformed
/// presigned request (missing, repeated or malformed parameters, a malformed credential, an
/// expiry out of range), and [`Error::MissingHeader`] when a header other than `host` is
/// signed.
pub fn inspect_request(request_target: &str, host: &str) -> Result<Inspection, Error> {
    let received = Received::read("GET", request_target)?;
    let claim = received.query_claim()?;
    let sign_token = SessionTokenMode::ServiceDefault.signs_in_query(claim.scope.service());
    let headers = [("host", host)];
    let request =
        received.canonical_request(&claim, sign_token, &headers, crate::EMPTY_PAYLOAD_SHA256)?;
    let (canonical_request, hash) = (request.to_string(), request.sha256());
    drop(request);
    let credential_scope = CredentialScope::new(&claim.date, &claim.scope);
    Ok(Inspection {
        credential_scope: credential_scope.to_string(),
        string_to_sign: StringToSign::new(&claim.date, credential_scope, &hash).to_string(),
        canonical_request,
        session_token: match received.query_token() {
            None => "none",
            Some(_) if sign_token => "present, signed (shown as <redacted>)",
            Some(_) => "present, appended after signing (not in the canonical request)",
        },
        signed_headers: claim.signed_headers.join(";"),
        access_key_id: claim.access_key_id,
        scope: claim.scope,
        signed_at: claim.date,
        expires: claim.expires,
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
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope, `{YYYYMMDD}/{region}/{service}/aws4_request`.
    pub fn credential_scope(&self) -> &str {
        &self.credential_scope
    }

    /// The region and service of the credential scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The signing time, `X-Amz-Date`.
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// `X-Amz-Expires` in seconds, if the request has one.
    pub fn expires_secs(&self) -> Option<u32> {
        self.expires
    }

    /// The signed headers, joined by `;`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The canonical request a server rebuilds, session token redacted.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign a server computes.
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
        let (canonical_request, string_to_sign) = (&self.canonical_request, &self.string_to_sign);
        write!(f, "\nCanonical request:\n{canonical_request}\n\nString to sign:\n{string_to_sign}")
    }
}
