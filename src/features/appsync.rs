//! AWS AppSync with IAM (`AWS_IAM`) over WebSocket: the GraphQL real-time URL and the AppSync
//! Events subprotocols (feature `appsync`).
//!
//! AppSync takes no presigned URL. The client signs an HTTP request with SigV4 headers and
//! hands AppSync the signed headers as a JSON object, as the AWS AppSync developer guide
//! ("Building a real-time WebSocket client", IAM) and the AppSync Events guide (WebSocket
//! protocol, IAM) describe:
//!
//! - **GraphQL subscriptions**: sign `POST {GraphQL endpoint}/connect` with the body `{}` and
//!   the headers `accept: application/json, text/javascript`, `content-encoding: amz-1.0` and
//!   `content-type: application/json; charset=UTF-8`. The JSON object of `accept`,
//!   `content-encoding`, `content-type`, `host`, `x-amz-date`, `X-Amz-Security-Token`
//!   (temporary credentials only) and `Authorization`, base64-encoded, is the `header` query
//!   parameter of the real-time URL, beside `payload=e30=` (`{}`): [`graphql_realtime_url`].
//!   Open it offering the subprotocol `graphql-ws`.
//!   The real-time host of `{api-id}.appsync-api.{region}.amazonaws.com/graphql` is
//!   `{api-id}.appsync-realtime-api.{region}.amazonaws.com/graphql`; a custom domain's is
//!   `{domain}/graphql/realtime`.
//! - **AppSync Events**: sign `POST {HTTP endpoint}` (`https://{domain}/event`) the same way;
//!   the JSON object, base64url-encoded without padding, is the `header-…` WebSocket
//!   subprotocol offered beside `aws-appsync-event-ws`, on
//!   `wss://{real-time domain}/event/realtime`: [`events_connection`].
//! - **Each subscription or publication** (GraphQL `start`, Events `subscribe` and
//!   `publish`) carries signed headers of its own, for its own body: [`authorization`].
//!
//! The credential scope's service is [`service::APPSYNC`](crate::service::APPSYNC);
//! [`Scope::from_url`] reads the region from an `appsync-api` host, and a custom domain needs
//! `Scope::new(region, "appsync")`. Sign just before connecting: AppSync, like every SigV4
//! service, refuses signed headers older than about five minutes.
//!
//! ```
//! # #[cfg(feature = "appsync")] {
//! use sigv4_wss::{Credentials, Scope, appsync};
//! use time::macros::datetime;
//!
//! let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
//! let credentials = Credentials::new("AKIDEXAMPLE", secret, None)?;
//! let graphql = "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/graphql";
//! let scope = Scope::from_url(graphql)?; // us-east-1, appsync
//! let now = datetime!(2020-01-31 10:02:33 UTC); // OffsetDateTime::now_utc() in real code
//! let url = appsync::graphql_realtime_url(graphql, &credentials, &scope, now)?;
//! assert!(url.as_str().starts_with(
//!     "wss://example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com/graphql?header=ey"
//! ));
//! assert!(url.as_str().ends_with("&payload=e30="));
//! assert!(url.authorization().json().contains(r#""content-encoding":"amz-1.0""#));
//! // The URL carries the signature: Debug and redacted() hide the header.
//! assert!(format!("{url:?}").ends_with("/graphql?header=<redacted>&payload=e30=)"));
//! # }
//! # Ok::<(), sigv4_wss::Error>(())
//! ```

use core::fmt;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::credentials::{Credentials, Redacted};
use crate::scope::{Scope, infer};
use crate::service::APPSYNC;
use crate::target::Target;
use crate::{CanonicalRequest, Error, sign_request};

/// The first WebSocket subprotocol an AppSync Events client offers; the second is the signed
/// headers ([`EventsConnection::subprotocols`]).
pub const EVENTS_SUBPROTOCOL: &str = "aws-appsync-event-ws";

/// The WebSocket subprotocol to offer with a GraphQL [`RealtimeUrl`], as the AppSync guide
/// says.
pub const GRAPHQL_SUBPROTOCOL: &str = "graphql-ws";

/// The headers the guides sign besides `host`, `x-amz-date` and the session token, as
/// AppSync's clients send them.
const HEADERS: [(&str, &str); 3] = [
    ("accept", "application/json, text/javascript"),
    ("content-encoding", "amz-1.0"),
    ("content-type", "application/json; charset=UTF-8"),
];

/// The body signed for a connection, `{}`, and its base64 form (the `payload` parameter).
const CONNECT_BODY: &str = "{}";
const CONNECT_PAYLOAD: &str = "e30=";

/// The signed headers AppSync reads for IAM authorization, as a JSON object: `accept`,
/// `content-encoding`, `content-type`, `host`, `x-amz-date`, `X-Amz-Security-Token` (temporary
/// credentials only) and `Authorization`.
///
/// It is a bearer credential for about five minutes: `Debug` shows none of it.
#[cfg_attr(docsrs, doc(cfg(feature = "appsync")))]
#[derive(Clone)]
pub struct Authorization {
    json: Zeroizing<String>,
}

impl Authorization {
    /// The JSON object, such as `{"Authorization":"AWS4-HMAC-SHA256 Credential=…",…}`: the
    /// `authorization` member of a GraphQL `start` message's `extensions`, or of an Events
    /// `subscribe` or `publish` message. Keep it out of logs.
    pub fn json(&self) -> &str {
        &self.json
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Authorization").field(&Redacted).finish()
    }
}

/// Signs `POST {url}` (its scheme, host and path; a query is not used) with `body` and the
/// headers AppSync's guides list, and returns the signed headers as AppSync reads them.
///
/// Use it for the messages that carry an `authorization` of their own: for a GraphQL
/// subscription's `start` message, the GraphQL endpoint and the subscription's `data` (the
/// JSON of `query` and `variables`); for an Events `subscribe` or `publish` message, the HTTP
/// endpoint (`…/event`) and the JSON of `channel` (and `events`). The body must be the exact
/// text sent in the message.
///
/// # Errors
///
/// The URL errors of [`presign_url`](crate::presign_url), and [`Error::TimeOutOfRange`].
#[cfg_attr(docsrs, doc(cfg(feature = "appsync")))]
pub fn authorization(
    url: &str, body: &str, credentials: &Credentials, scope: &Scope, time: OffsetDateTime,
) -> Result<Authorization, Error> {
    let target = Target::parse(url)?;
    sign(&target, target.path(), body, credentials, scope, time)
}

/// The signed headers of `POST {scheme}://{host}{path}` with `body`.
fn sign(
    target: &Target, path: &str, body: &str, credentials: &Credentials, scope: &Scope,
    time: OffsetDateTime,
) -> Result<Authorization, Error> {
    let mut request = CanonicalRequest::new("POST", path)?.with_header("host", target.host())?;
    for (name, value) in HEADERS {
        request = request.with_header(name, value)?;
    }
    let signed = sign_request(&request.with_payload(body.as_bytes()), credentials, scope, time)?;
    // Borrowed values only: the one copy of the token and signature is the zeroized JSON.
    let mut headers: BTreeMap<&str, &str> = HEADERS.into_iter().collect();
    headers.insert("host", target.host());
    headers.insert("x-amz-date", signed.x_amz_date());
    if let Some(token) = signed.session_token() {
        headers.insert("X-Amz-Security-Token", token);
    }
    headers.insert("Authorization", signed.authorization());
    // Serializing string keys and values cannot fail.
    let json = Zeroizing::new(serde_json::to_string(&headers).unwrap_or_default());
    Ok(Authorization { json })
}

/// The real-time URL of an AppSync GraphQL API with IAM authorization:
/// `wss://{real-time host}/graphql?header={base64 of the signed headers}&payload=e30=`.
///
/// `graphql_url` is the API's GraphQL endpoint, as the console and `aws appsync get-graphql-api`
/// show it: `https://{api-id}.appsync-api.{region}.amazonaws.com/graphql` (the real-time URL is
/// then on `{api-id}.appsync-realtime-api.{region}.amazonaws.com/graphql`), or a custom
/// domain's `https://{domain}/graphql` (real-time URL `wss://{domain}/graphql/realtime`). An
/// `http` endpoint (a local mock) gives a `ws` URL; a query is not used. The signed request is
/// `POST {graphql_url}/connect` with the body `{}`; see the [module docs](self).
///
/// The header is standard base64 written as is, `+`, `/` and `=` included, as the guide and
/// AppSync's own clients write it.
///
/// # Errors
///
/// The URL errors of [`presign_url`](crate::presign_url), and [`Error::TimeOutOfRange`].
#[cfg_attr(docsrs, doc(cfg(feature = "appsync")))]
pub fn graphql_realtime_url(
    graphql_url: &str, credentials: &Credentials, scope: &Scope, time: OffsetDateTime,
) -> Result<RealtimeUrl, Error> {
    let target = Target::parse(graphql_url)?;
    let path = target.path().trim_end_matches('/');
    let authorization =
        sign(&target, &format!("{path}/connect"), CONNECT_BODY, credentials, scope, time)?;
    let (base, aws_host) = realtime_base(&target);
    // AppSync's own host keeps the path; a custom domain serves the real-time API beside it.
    let suffix = if aws_host { "" } else { "/realtime" };
    let mut url = Zeroizing::new(String::with_capacity(base.len() + authorization.json.len() * 2));
    url.push_str(&base);
    url.push_str(path);
    url.push_str(suffix);
    url.push_str("?header=");
    let header_start = url.len();
    STANDARD.encode_string(authorization.json.as_bytes(), &mut url);
    let header_end = url.len();
    url.push_str("&payload=");
    url.push_str(CONNECT_PAYLOAD);
    Ok(RealtimeUrl { url, header: (header_start, header_end), authorization })
}

/// `ws[s]://{host}` of the real-time endpoint, and whether the host is AppSync's own
/// (`{api-id}.appsync-api.{region}…`, whose real-time host is `…appsync-realtime-api…`).
fn realtime_base(target: &Target) -> (String, bool) {
    let head = target.head();
    let secure = head.starts_with("https:") || head.starts_with("wss:");
    let scheme = if secure { "wss" } else { "ws" };
    let aws_host = infer(target.host_name()).is_some_and(|scope| scope.service() == APPSYNC);
    // `{api-id}` is one label, so the first `.appsync-api.` is the second label.
    let host = if aws_host {
        target.host().replacen(".appsync-api.", ".appsync-realtime-api.", 1)
    } else {
        target.host().to_owned()
    };
    (format!("{scheme}://{host}"), aws_host)
}

/// A GraphQL real-time URL with the signed headers in its query.
///
/// It is a bearer credential until AppSync stops accepting its signature (about five
/// minutes): `Debug` and [`RealtimeUrl::redacted`] show `header=<redacted>`, and there is no
/// `Display`; use [`RealtimeUrl::as_str`] where the URL is needed.
#[cfg_attr(docsrs, doc(cfg(feature = "appsync")))]
#[derive(Clone)]
pub struct RealtimeUrl {
    url: Zeroizing<String>,
    /// Where the `header` value is in `url`.
    header: (usize, usize),
    authorization: Authorization,
}

impl RealtimeUrl {
    /// The URL, to open a WebSocket with, offering the [`GRAPHQL_SUBPROTOCOL`] `graphql-ws`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL as a `String`.
    #[must_use]
    pub fn into_string(self) -> String {
        self.url.as_str().to_owned()
    }

    /// The signed headers that the `header` parameter carries.
    pub fn authorization(&self) -> &Authorization {
        &self.authorization
    }

    /// The URL with the `header` value replaced by `<redacted>`, for logs.
    pub fn redacted(&self) -> String {
        let (start, end) = self.header;
        let head = self.url.get(..start).unwrap_or_default();
        let tail = self.url.get(end..).unwrap_or_default();
        format!("{head}<redacted>{tail}")
    }
}

impl fmt::Debug for RealtimeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RealtimeUrl({})", self.redacted())
    }
}

/// What a WebSocket client needs to connect to an AppSync Events API with IAM
/// authorization: the real-time URL and the two subprotocols to offer.
///
/// ```
/// # #[cfg(feature = "appsync")] {
/// use sigv4_wss::{Credentials, Scope, appsync};
/// use time::macros::datetime;
///
/// let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// let credentials = Credentials::new("AKIDEXAMPLE", secret, None)?;
/// let http = "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/event";
/// let scope = Scope::from_url(http)?;
/// let now = datetime!(2020-01-31 10:02:33 UTC); // OffsetDateTime::now_utc() in real code
/// let connection = appsync::events_connection(http, &credentials, &scope, now)?;
/// assert_eq!(
///     connection.url(),
///     "wss://example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime"
/// );
/// let [protocol, header] = connection.subprotocols();
/// assert_eq!(protocol, "aws-appsync-event-ws");
/// assert!(header.starts_with("header-ey") && !header.contains(['+', '/', '=']));
/// # }
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// `Debug` shows the header subprotocol as `header-<redacted>`.
#[cfg_attr(docsrs, doc(cfg(feature = "appsync")))]
#[derive(Clone)]
pub struct EventsConnection {
    url: String,
    header: Zeroizing<String>,
    authorization: Authorization,
}

impl EventsConnection {
    /// The real-time endpoint, `wss://{real-time domain}/event/realtime`. It holds no secret.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `Sec-WebSocket-Protocol` values to offer, in this order:
    /// [`EVENTS_SUBPROTOCOL`] and `header-{base64url of the signed headers}` (a bearer
    /// credential: keep it out of logs). AppSync answers with the first.
    pub fn subprotocols(&self) -> [&str; 2] {
        [EVENTS_SUBPROTOCOL, &self.header]
    }

    /// The signed headers that the second subprotocol carries.
    pub fn authorization(&self) -> &Authorization {
        &self.authorization
    }
}

impl fmt::Debug for EventsConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventsConnection")
            .field("url", &self.url)
            .field("subprotocols", &[EVENTS_SUBPROTOCOL, "header-<redacted>"])
            .finish_non_exhaustive()
    }
}

/// The real-time URL and subprotocols of an AppSync Events API with IAM authorization.
///
/// `http_url` is the API's HTTP endpoint,
/// `https://{api-id}.appsync-api.{region}.amazonaws.com/event` (real-time endpoint
/// `wss://{api-id}.appsync-realtime-api.{region}.amazonaws.com/event/realtime`), or a custom
/// domain's `https://{domain}/event` (`wss://{domain}/event/realtime`); a query is not used.
/// The signed request is `POST {http_url}` with the body `{}`; see the [module docs](self).
///
/// # Errors
///
/// The URL errors of [`presign_url`](crate::presign_url), and [`Error::TimeOutOfRange`].
#[cfg_attr(docsrs, doc(cfg(feature = "appsync")))]
pub fn events_connection(
    http_url: &str, credentials: &Credentials, scope: &Scope, time: OffsetDateTime,
) -> Result<EventsConnection, Error> {
    let target = Target::parse(http_url)?;
    let authorization = sign(&target, target.path(), CONNECT_BODY, credentials, scope, time)?;
    let (base, _) = realtime_base(&target);
    let url = format!("{base}{}/realtime", target.path().trim_end_matches('/'));
    let mut header = Zeroizing::new(String::with_capacity(authorization.json.len() * 2));
    header.push_str("header-");
    URL_SAFE_NO_PAD.encode_string(authorization.json.as_bytes(), &mut header);
    Ok(EventsConnection { url, header, authorization })
}
