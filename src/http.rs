//! Signing an HTTP request given as method, URL, headers and body: the backend `@connections`
//! API of API Gateway WebSocket APIs, and any other AWS HTTP API that takes SigV4 headers.

use time::OffsetDateTime;

use crate::canonical::CanonicalRequest;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::presign::SigningOptions;
use crate::request::{Signed, sign_headers};
use crate::scope::Scope;
use crate::target::{Target, UrlStorage};

/// Signs an HTTP request with SigV4 headers, as the API Gateway `@connections` API
/// (`POST` to send a message, `GET` for a connection's status, `DELETE` to disconnect)
/// expects. The library sends nothing: add [`Signed::additions`] (`X-Amz-Security-Token` if
/// the credentials have one, `X-Amz-Date` and `Authorization`) to the request and send it with
/// any HTTP client.
///
/// - `url` is parsed as [`presign_url`](crate::presign_url) parses it (WHATWG, as `reqwest`
///   and browsers do) and must be sent as that parser serializes it; the signed `Host` is the
///   lowercase host plus a non-default port. The canonical path is the path as sent,
///   percent-encoded once more: a connection id ending in `=` sent as
///   `/prod/@connections/abc=` signs as `/prod/%40connections/abc%3D`, and sent as
///   `/prod/%40connections/abc%3D` signs as `/prod/%2540connections/abc%253D`; both are what
///   API Gateway computes for the path it receives.
/// - `headers` are the headers to sign besides `host`: a `content-type` you send, for
///   example. Leave out headers a client or proxy may change (`user-agent`,
///   `content-length`). A `host` header here replaces the URL's host (a private API reached
///   through a VPC endpoint is addressed by the endpoint's name but signed for the API's).
/// - `body` is the exact body; the payload hash is its SHA-256 (an empty body for `GET` and
///   `DELETE`).
/// - The session token is signed, whatever the service.
///
/// ```
/// use sigv4_wss::{Credentials, Scope, sign_request};
/// use time::macros::datetime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let scope = Scope::new("us-east-1", "execute-api")?;
/// let signed = sign_request(
///     "POST",
///     "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=",
///     &[("Content-Type", "text/plain")],
///     b"hello world",
///     &creds,
///     &scope,
///     datetime!(2020-01-31 10:02:33 UTC),
/// )?;
/// for (name, value) in signed.additions() {
///     // request = request.header(*name, value);
///     # let _ = (name, value);
/// }
/// assert_eq!(signed.additions()[0], ("X-Amz-Date", "20200131T100233Z".to_owned()));
/// assert!(signed.canonical_request().to_string().contains("\n/prod/%40connections/R0oXAdfD0kwCH6w%3D\n"));
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// # Errors
///
/// - the URL errors of [`presign_url`](crate::presign_url);
/// - [`Error::InvalidMethod`], [`Error::InvalidHeaderName`], [`Error::InvalidHeaderValue`];
/// - [`Error::ReservedHeader`] if `headers` has `authorization`, `x-amz-date` or
///   `x-amz-security-token` (the signer adds them);
/// - [`Error::TimeOutOfRange`].
pub fn sign_request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    credentials: &Credentials,
    scope: &Scope,
    time: OffsetDateTime,
) -> Result<Signed, Error> {
    let mut storage: UrlStorage = None;
    let target = Target::parse_with(url, &mut storage)?;
    let mut request = CanonicalRequest::new(method, target.path)?
        .with_query(target.query.unwrap_or_default())
        .with_payload(body);
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request = request.with_header("host", target.host)?;
    }
    for (name, value) in headers {
        request = request.with_header(name, value)?;
    }
    sign_headers(
        &request,
        credentials,
        scope,
        time,
        &SigningOptions::default().session_token(crate::SessionTokenMode::Signed),
    )
}
