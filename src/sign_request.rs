//! Signing a request given as a [`CanonicalRequest`]: with headers ([`sign_request`], as the
//! `@connections` API and other AWS HTTP APIs take it) or in its query
//! ([`Presigner::presign_request`], any method and headers).

use core::{fmt, time::Duration};
use std::borrow::Cow;

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::canonical::{CanonicalRequest, SECURITY_TOKEN};
use crate::credentials::{Credentials, Redacted};
use crate::date::AmzDate;
use crate::encode::encode;
use crate::error::Error;
use crate::presign::{Presigner, SessionTokenMode, write_auth_query};
use crate::scope::{CredentialScope, Scope};
use crate::signing_key::Signature;
use crate::string_to_sign::ALGORITHM;

/// Signs `request` with SigV4 headers, as API Gateway's `@connections` API (`POST` to send
/// a message, `GET` for a connection's status, `DELETE` to disconnect) and other AWS HTTP
/// APIs expect. The library sends nothing: add [`SignedRequest::headers`] to the request and
/// send it with any HTTP client.
///
/// Build the request with [`CanonicalRequest::from_url`] (the URL parsed as browsers and
/// `reqwest` do, its `Host` signed), the headers you send and want signed (a `content-type`,
/// say; leave out those a client or proxy may change, such as `user-agent`), and the body's
/// hash ([`CanonicalRequest::with_payload`]). The session token is signed unless a
/// [`Presigner`] says [`SessionTokenMode::Unsigned`].
///
/// ```
/// use sigv4_wss::{CanonicalRequest, Credentials, Scope, sign_request};
/// use time::macros::datetime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let url = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=";
/// let body = br#"{"message":"hello"}"#;
/// let request = CanonicalRequest::from_url("POST", url)?
///     .with_header("Content-Type", "application/json")?
///     .with_payload(body);
/// let scope = Scope::from_url(url)?; // or Scope::new(region, "execute-api") for a custom domain
/// let signed = sign_request(&request, &creds, &scope, datetime!(2020-01-31 10:02:33 UTC))?;
/// assert_eq!(signed.x_amz_date(), "20200131T100233Z");
/// assert!(signed.authorization().starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200131/"));
/// for (name, value) in signed.headers() {
///     // request = request.header(name, value);
///     # let _ = (name, value);
/// }
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::ReservedHeader`] if the request has `authorization`, `x-amz-date` or
/// `x-amz-security-token` (the signer adds them), [`Error::ReservedParameter`] if its query
/// has a SigV4 authentication parameter, and [`Error::TimeOutOfRange`].
pub fn sign_request(
    request: &CanonicalRequest<'_>, credentials: &Credentials, scope: &Scope, time: OffsetDateTime,
) -> Result<SignedRequest, Error> {
    Presigner::new(credentials.clone(), scope.clone()).sign_request(request, time)
}

impl Presigner {
    /// Signs `request` with headers; see [`sign_request`].
    ///
    /// # Errors
    ///
    /// As [`sign_request`].
    pub fn sign_request(
        &self, request: &CanonicalRequest<'_>, time: OffsetDateTime,
    ) -> Result<SignedRequest, Error> {
        let date = AmzDate::new(time)?;
        request.check_no_auth_params()?;
        let reserved = ["authorization", "x-amz-date", "x-amz-security-token"];
        if let Some(name) = reserved.into_iter().find(|name| request.header(name).is_some()) {
            return Err(Error::ReservedHeader { name: name.to_owned() });
        }
        let day = self.day_key(&date);
        let mut signed = request.clone();
        signed.push_header(Cow::Borrowed("x-amz-date"), Cow::Borrowed(date.date_time()));
        let token = day.credentials.session_token();
        if let Some(token) = token.filter(|_| self.token_mode != SessionTokenMode::Unsigned) {
            signed.push_header(Cow::Borrowed("x-amz-security-token"), Cow::Borrowed(token));
        }
        let string_to_sign = self.string_to_sign(&date, &signed.sha256());
        let signature = day.sign(&string_to_sign);
        let authorization = format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
            day.credentials.access_key_id(),
            CredentialScope::new(&date, self.scope()),
            signed.signed_headers(),
            signature.to_hex(),
        );
        Ok(SignedRequest {
            string_to_sign: string_to_sign.to_string(),
            canonical_request: signed.into_owned(),
            signature,
            x_amz_date: date,
            authorization,
            session_token: token.map(|token| Zeroizing::new(token.to_owned())),
        })
    }

    /// Signs `request` in its query (SigV4 query authentication, for any method and
    /// headers): the `X-Amz-*` parameters, with `X-Amz-SignedHeaders` listing every header
    /// of `request` and the session token signed by the presigner's rule, are added to the
    /// canonical query; [`PresignedRequest::query`] is what to append to the request's own
    /// query. [`Presigner::presign`] does this for a URL.
    ///
    /// # Errors
    ///
    /// [`Error::ReservedParameter`] if the request's query already has a SigV4
    /// authentication parameter, and the expiry and time errors of
    /// [`presign_url`](crate::presign_url).
    pub fn presign_request(
        &self, request: &CanonicalRequest<'_>, time: OffsetDateTime, expires: Duration,
    ) -> Result<PresignedRequest, Error> {
        let (seconds, date) = self.checked_time(time, expires)?;
        let day = self.day_key(&date);
        let expires = seconds.to_string();
        let signed_headers = encode(&request.signed_headers()).into_owned();
        let mut signed = request.clone();
        let (signature, string_to_sign) =
            self.sign_query(&day, &date, &mut signed, "", &expires, &signed_headers)?;
        let string_to_sign = string_to_sign.to_string();
        let mut query = Zeroizing::new(String::new());
        write_auth_query(&mut query, &day, &date, &expires, &signed_headers, &signature);
        Ok(PresignedRequest {
            string_to_sign,
            canonical_request: signed.into_owned(),
            signature,
            query,
        })
    }
}

/// A request signed with headers: the headers to add, and every intermediate step.
///
/// `Debug` shows neither the signature nor the session token.
#[derive(Clone)]
pub struct SignedRequest {
    canonical_request: CanonicalRequest<'static>,
    string_to_sign: String,
    signature: Signature,
    x_amz_date: AmzDate,
    authorization: String,
    session_token: Option<Zeroizing<String>>,
}

impl SignedRequest {
    /// The headers to add to the request, in this order: `X-Amz-Security-Token` (temporary
    /// credentials only, signed or not), `X-Amz-Date`, `Authorization`.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let token = self.session_token.as_deref().map(|t| (SECURITY_TOKEN, t.as_str()));
        token
            .into_iter()
            .chain([("X-Amz-Date", self.x_amz_date()), ("Authorization", self.authorization())])
    }

    /// The `Authorization` header's value (it holds the signature: keep it out of logs).
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The `X-Amz-Date` header's value.
    pub fn x_amz_date(&self) -> &str {
        self.x_amz_date.date_time()
    }

    /// The `X-Amz-Security-Token` header's value, for temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    /// The canonical request that was hashed (its `Display` redacts the session token).
    pub fn canonical_request(&self) -> &CanonicalRequest<'static> {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("canonical_request", &self.canonical_request)
            .field("x_amz_date", &self.x_amz_date)
            .field("authorization", &Redacted)
            .field("session_token", &self.session_token.as_ref().map(|_| Redacted))
            .finish_non_exhaustive()
    }
}

/// A request signed in its query: the parameters to add, and every intermediate step.
///
/// `Debug` shows neither the signature nor the session token.
#[derive(Clone)]
pub struct PresignedRequest {
    canonical_request: CanonicalRequest<'static>,
    string_to_sign: String,
    signature: Signature,
    query: Zeroizing<String>,
}

impl PresignedRequest {
    /// The `X-Amz-*` parameters, encoded and joined by `&`, to append to the request's own
    /// query (after `?` or `&`). It is a bearer credential: keep it out of logs.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The canonical request that was hashed (its `Display` redacts the session token).
    pub fn canonical_request(&self) -> &CanonicalRequest<'static> {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedRequest")
            .field("canonical_request", &self.canonical_request)
            .field("query", &Redacted)
            .finish_non_exhaustive()
    }
}
