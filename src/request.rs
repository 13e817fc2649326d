//! Signing a request given as parts: in the query string ([`presign_request`]) or in headers
//! ([`sign_headers`]), for any method, headers and payload.
//!
//! These build an owned [`CanonicalRequest`] and return every intermediate step, which makes
//! them the tools for the backend `@connections` API, for non-browser handshakes that can carry
//! headers, and for checking the crate against the AWS test suite. [`presign_url`] is the fast
//! path for URLs.
//!
//! [`presign_url`]: crate::presign_url

use core::fmt;
use core::time::Duration;

use time::OffsetDateTime;

use crate::amz_date::AmzDate;
use crate::canonical::{CanonicalRequest, SECURITY_TOKEN};
use crate::credentials::{Credentials, Redacted};
use crate::error::Error;
use crate::presign::{SigningOptions, expires_secs};
use crate::scope::{CredentialScope, Scope};
use crate::service::Rules;
use crate::signing_key::{Signature, SigningKey};
use crate::string_to_sign::{ALGORITHM, StringToSign};

/// The result of signing a request: what to add to it, and every intermediate step.
///
/// `Debug` redacts the session token; [`Signed::canonical_request`]'s `Display` does not (it
/// writes the exact bytes that were hashed), so log its `redacted()` form.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    canonical_request: CanonicalRequest,
    string_to_sign: String,
    signature: Signature,
    additions: Vec<(&'static str, String)>,
}

impl Signed {
    /// The canonical request that was hashed, authentication parameters or headers included.
    #[must_use]
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string to sign.
    #[must_use]
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature.
    #[must_use]
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// What to add to the request, in order, values unencoded: the `X-Amz-*` query
    /// parameters for [`presign_request`], the headers for [`sign_headers`]. A session token
    /// is included here even when it was not signed.
    #[must_use]
    pub fn additions(&self) -> &[(&'static str, String)] {
        &self.additions
    }

    /// For [`presign_request`]: the additions as a query string, encoded like the canonical
    /// query, to append to the request's own query with `&` (or after `?`).
    #[must_use]
    pub fn query_string(&self) -> String {
        let mut s = String::new();
        for (i, (name, value)) in self.additions.iter().enumerate() {
            if i > 0 {
                s.push('&');
            }
            s.push_str(name);
            s.push('=');
            s.push_str(&crate::encode::uri_encode(value));
        }
        s
    }
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let additions: Vec<(&str, &dyn fmt::Debug)> = self
            .additions
            .iter()
            .map(|(name, value)| {
                let shown: &dyn fmt::Debug = if name.eq_ignore_ascii_case(SECURITY_TOKEN) {
                    &Redacted
                } else {
                    value
                };
                (*name, shown)
            })
            .collect();
        f.debug_struct("Signed")
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("additions", &additions)
            .finish()
    }
}

/// Signs `request` in its query string (SigV4 query authentication, a presigned request).
///
/// `request` is the request as it will be sent, without authentication parameters: its
/// method, path, query, headers (`host` at least) and payload hash. The `X-Amz-Algorithm`,
/// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders` (every header of
/// `request`) and, when signed, `X-Amz-Security-Token` parameters are added to the canonical
/// query; the result lists them with `X-Amz-Signature`.
///
/// # Errors
///
/// [`Error::ReservedParameter`] if the request already has one of those parameters, and the
/// expiry and time errors of [`presign_url`](crate::presign_url).
pub fn presign_request(
    request: &CanonicalRequest,
    credentials: &Credentials,
    scope: &Scope,
    time: OffsetDateTime,
    expires: Duration,
    options: &SigningOptions,
) -> Result<Signed, Error> {
    let rules = Rules::of(scope.service());
    let expires = expires_secs(expires, rules, scope.service())?;
    let date = AmzDate::new(time)?;
    if let Some((key, _)) = request
        .query_pairs()
        .iter()
        .find(|(k, _)| k.len() > 6 && k.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("X-Amz-")))
    {
        return Err(Error::ReservedParameter { name: key.clone() });
    }
    let credential_scope = CredentialScope::new(&date, scope);
    let mut additions: Vec<(&'static str, String)> = vec![
        ("X-Amz-Algorithm", ALGORITHM.to_owned()),
        (
            "X-Amz-Credential",
            format!("{}/{credential_scope}", credentials.access_key_id()),
        ),
        ("X-Amz-Date", date.date_time().to_owned()),
        ("X-Amz-Expires", expires.to_string()),
        ("X-Amz-SignedHeaders", request.signed_headers()),
    ];
    let token = credentials.session_token();
    let mut canonical = request.clone();
    for (name, value) in &additions {
        canonical = canonical.with_query_param(name, value);
    }
    if let Some(token) = token.filter(|_| options.signs_token(rules)) {
        canonical = canonical.with_query_param(SECURITY_TOKEN, token);
    }
    let (string_to_sign, signature) = sign(&canonical, credentials, scope, &date);
    additions.push(("X-Amz-Signature", signature.to_string()));
    if let Some(token) = token {
        additions.push((SECURITY_TOKEN, token.to_owned()));
    }
    Ok(Signed {
        canonical_request: canonical,
        string_to_sign,
        signature,
        additions,
    })
}

/// Signs `request` with headers (SigV4 header authentication), as the API Gateway
/// `@connections` API and other AWS HTTP APIs expect.
///
/// `request` is the request as it will be sent, without authentication headers: method,
/// path, query, the headers to sign (`host` at least, and any `content-type` you send) and
/// the payload hash ([`CanonicalRequest::with_payload`]). `x-amz-date` and, when signed,
/// `x-amz-security-token` are added to the signed headers; the result lists the headers to
/// send: `X-Amz-Security-Token` (if any), `X-Amz-Date` and `Authorization`.
///
/// # Errors
///
/// [`Error::ReservedHeader`] if the request already has `authorization`, `x-amz-date` or
/// `x-amz-security-token`, and [`Error::TimeOutOfRange`].
pub fn sign_headers(
    request: &CanonicalRequest,
    credentials: &Credentials,
    scope: &Scope,
    time: OffsetDateTime,
    options: &SigningOptions,
) -> Result<Signed, Error> {
    let rules = Rules::of(scope.service());
    let date = AmzDate::new(time)?;
    if let Some((name, _)) = request.headers().iter().find(|(n, _)| {
        matches!(
            n.as_str(),
            "authorization" | "x-amz-date" | "x-amz-security-token"
        )
    }) {
        return Err(Error::ReservedHeader { name: name.clone() });
    }
    let token = credentials.session_token();
    let mut canonical = request
        .clone()
        .with_header("x-amz-date", date.date_time())?;
    if let Some(token) = token.filter(|_| options.signs_token(rules)) {
        canonical = canonical.with_header("x-amz-security-token", token)?;
    }
    let (string_to_sign, signature) = sign(&canonical, credentials, scope, &date);
    let authorization = format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={signature}",
        credentials.access_key_id(),
        CredentialScope::new(&date, scope),
        canonical.signed_headers(),
    );
    let mut additions = Vec::with_capacity(3);
    if let Some(token) = token {
        additions.push((SECURITY_TOKEN, token.to_owned()));
    }
    additions.push(("X-Amz-Date", date.date_time().to_owned()));
    additions.push(("Authorization", authorization));
    Ok(Signed {
        canonical_request: canonical,
        string_to_sign,
        signature,
        additions,
    })
}

fn sign(
    canonical: &CanonicalRequest,
    credentials: &Credentials,
    scope: &Scope,
    date: &AmzDate,
) -> (String, Signature) {
    let string_to_sign =
        StringToSign::new(date, CredentialScope::new(date, scope), &canonical.sha256());
    let key = SigningKey::derive(
        credentials.secret_access_key(),
        date.date(),
        scope.region(),
        scope.service(),
    );
    (string_to_sign.to_string(), key.sign(&string_to_sign))
}
