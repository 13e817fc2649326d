//! `http` feature: signing, presigning and verifying `http::Request`s and `http::Uri`s with
//! the crate's own steps ([`Presigner::sign_request`], [`Presigner::presign`],
//! [`Verifier::verify_request`], [`Verifier::verify_headers`]).
//!
//! Header values are read as bytes and must be UTF-8 where they are signed or read by the
//! check; one that is not is refused with [`Error::InvalidHeaderValue`], never dropped.

use core::time::Duration;
use std::borrow::Cow;
use std::str;

use ::http::header::{HOST, HeaderName, HeaderValue};
use ::http::uri::{Authority, PathAndQuery};
use ::http::{Request, Uri};
use time::OffsetDateTime;

use crate::canonical::CanonicalRequest;
use crate::error::Error;
use crate::lookup::CredentialsLookup;
use crate::presign::Presigner;
use crate::presigned_url::PresignedUrl;
use crate::received::{Claim, Received};
use crate::sign_request::SignedRequest;
use crate::target::Target;
use crate::verified::Verified;
use crate::verify::Verifier;

/// Headers [`Presigner::sign_http_request`] leaves unsigned: hop-by-hop headers that proxies
/// drop or rewrite, tracing headers that change along the way, `expect` and `user-agent`
/// (botocore's list).
const UNSIGNED_HEADERS: [&str; 14] = [
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// A header's value as text, or the error naming the header.
fn text<'v>(name: &str, value: &'v HeaderValue) -> Result<&'v str, Error> {
    str::from_utf8(value.as_bytes()).map_err(|_| Error::InvalidHeaderValue { name: name.into() })
}

#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl Presigner {
    /// Signs `request` in place with SigV4 headers, as [`Presigner::sign_request`] signs a
    /// [`CanonicalRequest`], for API Gateway's `@connections` API and other AWS HTTP APIs: it
    /// adds `X-Amz-Security-Token` (temporary credentials), `X-Amz-Date` and `Authorization`,
    /// the token and `Authorization` marked sensitive (`http` then hides them from `Debug`),
    /// and returns what was signed.
    ///
    /// Signed: the method; the URI (which must be absolute, `https://host/path?query`), read
    /// as [`CanonicalRequest::from_url`] reads a URL, and written back in that form (host
    /// lowercased, `.` and `..` resolved, characters clients escape percent-encoded) so that
    /// what is sent is what was signed; the `Host` header if the request has
    /// one, else the URI's host (and port, unless the scheme's default); every other header
    /// of the request but those proxies and clients change (`connection`, `keep-alive`,
    /// `proxy-authenticate`, `proxy-authorization`, `te`, `trailer`, `transfer-encoding`,
    /// `upgrade`, `expect`, `user-agent`, `baggage`, `traceparent`, `tracestate`,
    /// `x-amzn-trace-id`, as botocore leaves them out); and SHA-256 of the body's bytes.
    /// Add the headers you want signed (a `content-type`, say) before calling it.
    ///
    /// ```
    /// use sigv4_wss::{Credentials, Presigner, Scope};
    /// use time::macros::datetime;
    ///
    /// let presigner = Presigner::new(
    ///     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?,
    ///     Scope::new("us-east-1", "execute-api")?,
    /// );
    /// let mut request = http::Request::post(
    ///     "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=",
    /// )
    /// .header("content-type", "application/json")
    /// .body(br#"{"message":"hello"}"#.to_vec())
    /// .expect("a valid request");
    /// presigner.sign_http_request(&mut request, datetime!(2020-01-31 10:02:33 UTC))?;
    /// assert_eq!(request.headers()["x-amz-date"], "20200131T100233Z");
    /// let authorization = &request.headers()["authorization"];
    /// assert!(authorization.to_str().unwrap().contains("SignedHeaders=content-type;host;x-amz-date,"));
    /// assert!(authorization.is_sensitive());
    /// // Send it with any HTTP client (hyper, reqwest, ...).
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidHeaderValue`] if a header it signs is not UTF-8;
    /// - [`Error::RelativeUrl`] if the URI has no scheme and host, and the other URL errors
    ///   of [`presign_url`](crate::presign_url); [`Error::InvalidUrl`] for a raw `+` or `;`
    ///   in the query (servers read them differently: encode them);
    /// - those of [`Presigner::sign_request`] ([`Error::ReservedHeader`] if the request
    ///   already has `authorization`, `x-amz-date` or `x-amz-security-token`).
    pub fn sign_http_request<B: AsRef<[u8]>>(
        &self, request: &mut Request<B>, time: OffsetDateTime,
    ) -> Result<SignedRequest, Error> {
        let (signed, sent) = {
            let url = request.uri().to_string();
            let target = Target::parse(&url)?;
            if target.query().contains(['+', ';']) {
                let reason = "a raw + or ; in the query, which servers read differently; \
                              encode it (%2B, %3B; %20 for a space)";
                return Err(Error::InvalidUrl { reason: reason.into() });
            }
            // What is signed is the URI as `Target` reads it: that is the URI to send.
            let sent = match target.query() {
                "" => target.head().to_owned(),
                query => format!("{}?{query}", target.head()),
            };
            let sent = Uri::try_from(sent).map_err(|err| Error::InvalidUrl {
                reason: format!("http::Uri refuses it: {err}"),
            })?;
            let mut canonical = CanonicalRequest::new(request.method().as_str(), target.path())?
                .with_query(target.query())
                .with_payload(request.body().as_ref());
            // Without a `Host` header, the client sends the URI's.
            if !request.headers().contains_key(HOST) {
                canonical = canonical.with_header("host", target.host())?;
            }
            for (name, value) in request.headers() {
                if !UNSIGNED_HEADERS.contains(&name.as_str()) {
                    canonical =
                        canonical.with_header(name.as_str(), text(name.as_str(), value)?)?;
                }
            }
            (self.sign_request(&canonical, time)?, sent)
        };
        *request.uri_mut() = sent;
        for (name, value) in signed.headers() {
            // Never refused: the names are tokens, the values printable ASCII.
            let invalid = || Error::InvalidHeaderValue { name: name.to_ascii_lowercase() };
            let mut value = HeaderValue::from_str(value).map_err(|_| invalid())?;
            value.set_sensitive(name != "X-Amz-Date");
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            request.headers_mut().insert(name, value);
        }
        Ok(signed)
    }

    /// Presigns `uri` (absolute: `wss://host/path?query`) as [`Presigner::presign`] presigns
    /// a URL. To presign a request's URI in place (a WebSocket handshake built with
    /// tungstenite's `IntoClientRequest`, say), put the result back:
    ///
    /// ```
    /// use std::time::Duration;
    /// use sigv4_wss::{Credentials, Presigner, Scope};
    /// use time::macros::datetime;
    ///
    /// let presigner = Presigner::new(
    ///     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?,
    ///     Scope::new("us-east-1", "execute-api")?,
    /// );
    /// let mut request = http::Request::get("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby")
    ///     .header("sec-websocket-protocol", "chat")
    ///     .body(())
    ///     .expect("a valid request");
    /// let at = datetime!(2020-01-31 10:02:33 UTC);
    /// let presigned = presigner.presign_uri(request.uri(), at, Duration::from_secs(300))?;
    /// *request.uri_mut() = presigned.try_into()?;
    /// assert!(request.uri().query().unwrap().starts_with("room=lobby&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`presign_url`](crate::presign_url) ([`Error::RelativeUrl`] for a URI without
    /// scheme and host).
    pub fn presign_uri(
        &self, uri: &Uri, time: OffsetDateTime, expires: Duration,
    ) -> Result<PresignedUrl, Error> {
        self.presign(&uri.to_string(), time, expires)
    }
}

/// The presigned URL as an `http::Uri`, to put into an `http::Request` (or to pass to a
/// client that takes one, such as tungstenite's `connect`). Unlike [`PresignedUrl`], an
/// `http::Uri` shows the signature and session token in its `Debug`: convert at the last
/// moment and keep it out of logs.
///
/// # Errors
///
/// [`Error::InvalidUrl`] if `http` refuses the URL: longer than 65534 bytes (a very long
/// query or session token), say. The message does not contain the URL.
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl TryFrom<PresignedUrl> for Uri {
    type Error = Error;

    fn try_from(url: PresignedUrl) -> Result<Self, Error> {
        Uri::try_from(url.into_string())
            .map_err(|err| Error::InvalidUrl { reason: format!("http::Uri refuses it: {err}") })
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<L: CredentialsLookup> Verifier<L> {
    /// Verifies a presigned request as a server receives it, as
    /// [`Verifier::verify_request`] does: a WebSocket handshake in tungstenite's server
    /// callback (an `http::Request<()>`), an axum or hyper request (take it whole, verify,
    /// then hand it to `WebSocketUpgrade::from_request`). The body is not read.
    ///
    /// The request target is the URI's path and query, exactly as received. The host is the
    /// URI's authority when it has one (HTTP/2's `:authority`, an absolute-form target),
    /// else the `Host` header; an authority with a user name ([`Error::UserInfoInUrl`]), or
    /// beside a `Host` header naming another host ([`Error::InvalidRequestTarget`]), is
    /// refused, since a proxy routing on either could serve a host other than the one
    /// verified. Header values are read as bytes: one that is not UTF-8 is
    /// refused ([`Error::InvalidHeaderValue`]) if the check reads it (`authorization`, and the
    /// headers the request says are signed), and otherwise plays no part, as with any header
    /// that is not signed.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sigv4_wss::{Credentials, Error, Presigner, Scope, Verifier};
    /// use time::macros::datetime;
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
    /// let scope = Scope::new("us-east-1", "execute-api")?;
    /// let host = "abc123defg.execute-api.us-east-1.amazonaws.com";
    /// let at = datetime!(2020-01-31 10:02:33 UTC);
    /// let url = Presigner::new(creds.clone(), scope.clone())
    ///     .presign(&format!("wss://{host}/dev?room=lobby"), at, Duration::from_secs(300))?;
    ///
    /// // The handshake as tungstenite's server callback gets it.
    /// let target = url.as_str().strip_prefix(&format!("wss://{host}")).unwrap();
    /// let handshake = http::Request::get(target).header("host", host).body(()).unwrap();
    /// let verifier = Verifier::new(creds, &scope).expect_host(host);
    /// let verified = verifier.verify_http_request(&handshake, at + Duration::from_secs(5))?;
    /// assert_eq!(verified.path(), "/dev");
    ///
    /// let tampered = http::Request::get(target.replace("lobby", "lobbz")).header("host", host).body(()).unwrap();
    /// let refused = verifier.verify_http_request(&tampered, at + Duration::from_secs(5));
    /// assert_eq!(refused, Err(Error::SignatureMismatch));
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeaderValue`] as above, and those of [`Verifier::verify_request`].
    pub fn verify_http_request<B>(
        &self, request: &Request<B>, now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let head = Head::read(request)?;
        let method = request.method().as_str();
        head.check_read(&["authorization"], || {
            Ok(Received::read(method, &head.target)?.query_claim()?.signed_headers)
        })?;
        self.verify_request(method, &head.target, &head.headers, now)
    }

    /// Verifies a request signed with SigV4 headers, as [`Verifier::verify_headers`] does
    /// (the `@connections` API's check), with the body's bytes as the payload. The request
    /// target, host and header values are read as [`Verifier::verify_http_request`] reads
    /// them; the headers the check reads are `authorization`, `x-amz-date`,
    /// `x-amz-security-token` and those `Authorization` says are signed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeaderValue`] as above, and those of [`Verifier::verify_headers`].
    pub fn verify_http_headers<B: AsRef<[u8]>>(
        &self, request: &Request<B>, now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let head = Head::read(request)?;
        head.check_read(&["authorization", "x-amz-date", "x-amz-security-token"], || {
            match (head.header("authorization"), head.header("x-amz-date")) {
                (Some(auth), Some(date)) => Ok(Claim::from_headers(auth, date)?.signed_headers),
                _ => Ok(Vec::new()), // `verify_headers` says which is missing
            }
        })?;
        let (method, body) = (request.method().as_str(), request.body().as_ref());
        self.verify_headers(method, &head.target, &head.headers, body, now)
    }
}

/// A received request's target and headers as text, and the names of the headers whose
/// values are not UTF-8.
struct Head<'r> {
    target: Cow<'r, str>,
    headers: Vec<(&'r str, &'r str)>,
    unreadable: Vec<&'r str>,
}

impl<'r> Head<'r> {
    fn read<B>(request: &'r Request<B>) -> Result<Self, Error> {
        let uri = request.uri();
        let target = match uri.path_and_query().map(PathAndQuery::as_str) {
            // An absolute-form target without a path (`wss://host?a=b`) asks for `/?a=b`.
            Some(query) if query.starts_with('?') => Cow::Owned(format!("/{query}")),
            target => Cow::Borrowed(target.unwrap_or(uri.path())),
        };
        let mut head = Head { target, headers: Vec::new(), unreadable: Vec::new() };
        // RFC 9112 3.2.2 and RFC 9113 8.3.1: the target's authority, when it has one, is the
        // host. A `Host` header that says otherwise, or a user name in the authority, is
        // refused: a proxy routing on either would serve a host other than the one verified.
        let authority = uri.authority().map(Authority::as_str);
        if authority.is_some_and(|authority| authority.contains('@')) {
            return Err(Error::UserInfoInUrl);
        }
        head.headers.extend(authority.map(|authority| ("host", authority)));
        for (name, value) in request.headers() {
            match (str::from_utf8(value.as_bytes()), authority) {
                (Ok(host), Some(authority)) if name == HOST => {
                    if !host.eq_ignore_ascii_case(authority) {
                        let reason = "its authority and its Host header name different hosts";
                        return Err(Error::InvalidRequestTarget { reason });
                    }
                }
                (Err(_), Some(_)) if name == HOST => {
                    return Err(Error::InvalidHeaderValue { name: "host".into() });
                }
                (Ok(value), _) => head.headers.push((name.as_str(), value)),
                (Err(_), _) => head.unreadable.push(name.as_str()),
            }
        }
        Ok(head)
    }

    /// The first value of header `name`, if it has a readable one.
    fn header(&self, name: &str) -> Option<&'r str> {
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, value)| *value)
    }

    /// Refuses a header that is not UTF-8 if the check reads it: one of `read`, or one of the
    /// headers `signed` says are signed (asked only when some header is not UTF-8).
    fn check_read(
        &self, read: &[&str], signed: impl FnOnce() -> Result<Vec<String>, Error>,
    ) -> Result<(), Error> {
        if self.unreadable.is_empty() {
            return Ok(());
        }
        let refuse = |name: &str| Err(Error::InvalidHeaderValue { name: name.to_owned() });
        if let Some(name) = self.unreadable.iter().find(|name| read.contains(name)) {
            return refuse(name);
        }
        let signed = signed()?;
        match self.unreadable.iter().find(|n| signed.iter().any(|s| s.eq_ignore_ascii_case(n))) {
            Some(name) => refuse(name),
            None => Ok(()),
        }
    }
}
