//! Presigning: [`presign_url`] and the reusable [`Presigner`], which every signing entry point
//! goes through.

use core::{fmt, time::Duration};
use std::sync::{Arc, Mutex, PoisonError};
use std::{borrow::Cow, io::Write as _};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::canonical::{CanonicalRequest, SECURITY_TOKEN, put};
use crate::credentials::{Credentials, Redacted};
use crate::date::AmzDate;
use crate::encode::{encode, reencode, split_query};
use crate::error::Error;
use crate::presigned_url::PresignedUrl;
use crate::scope::{CredentialScope, Scope};
use crate::service::Rules;
use crate::signing_key::{HmacSha256, Signature, SigningKey};
use crate::string_to_sign::{ALGORITHM, StringToSign};
use crate::target::Target;

/// Whether the session token is part of the signature.
///
/// AWS IoT Core wants `X-Amz-Security-Token` appended to a presigned URL *after* signing;
/// every other service signs it like any other parameter. Either way it is the URL's last
/// parameter, after `X-Amz-Signature`. Requests signed with headers
/// ([`sign_request`](crate::sign_request)) sign the `X-Amz-Security-Token` header unless
/// [`SessionTokenMode::Unsigned`] is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Unsigned in URLs for [`service::IOT`](crate::service::IOT) (`iotdevicegateway`),
    /// signed everywhere else.
    #[default]
    ServiceDefault,
    /// Always part of the canonical request.
    Signed,
    /// Never part of the canonical request; added after signing.
    Unsigned,
}

impl SessionTokenMode {
    /// Whether a presigned URL of `service` signs its token.
    pub(crate) fn signs_in_query(self, service: &str) -> bool {
        self == Self::Signed || (self == Self::ServiceDefault && Rules::of(service).sign_token)
    }
}

/// Presigns `url` for a WebSocket handshake (or a plain HTTP `GET`). This derives the signing
/// key on every call: build a [`Presigner`] to presign many URLs with the same credentials,
/// or to override the session-token rule.
///
/// `time` is the signing time: pass `OffsetDateTime::now_utc()`, corrected for clock skew if
/// you know it (the library never reads a clock, so it runs on `wasm32-unknown-unknown`).
/// `expires` becomes `X-Amz-Expires`: a whole number of seconds from 1 to 604800 (7 days),
/// at most 300 for Transcribe. It is always emitted. (API Gateway accepts a connection only
/// within about 5 minutes of the signing time whatever it says; sign just before connecting.)
///
/// What is signed is what the client sends:
///
/// - the URL is parsed the way browsers do (WHATWG, with the `url` crate): scheme and host
///   lowercased, a default port (`ws`/`http` 80, `wss`/`https` 443) dropped, spaces and
///   non-ASCII characters in the path percent-encoded, `.`/`..` segments resolved; `[`, `]`,
///   `^` and `|` in the path are percent-encoded too (clients disagree about sending them
///   raw); the fragment is dropped;
/// - the signed `Host` is the lowercase host plus `:port` when the port is not the default;
/// - the canonical path is the path as sent, percent-encoded once more:
///   `/@connections/abc%3D` signs as `/%40connections/abc%253D`; a path with an empty segment
///   (`/a//b`) is refused, since SigV4 signs it as `/a/b` and could not tell the two apart;
/// - the URL's own query parameters are kept in their order: each item is split at its first
///   `=` (a bare key means an empty value), percent-decoded (a `+` is a plus, not a space)
///   and encoded again with the RFC 3986 unreserved set; the URL is written with that same
///   encoding, so a space is sent as `%20` and a `+` as `%2B`, and a repeated key is kept
///   (sorted by value in the canonical query);
/// - then `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
///   `X-Amz-SignedHeaders=host`, `X-Amz-Signature`, and last `X-Amz-Security-Token` when the
///   credentials have one (signed or not, see [`SessionTokenMode`]);
/// - the payload hash is SHA-256 of the empty body.
///
/// ```
/// use sigv4_wss::{Credentials, Scope, presign_url};
/// use std::time::Duration;
/// use time::macros::datetime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let scope = Scope::new("us-east-1", "execute-api")?;
/// let url = presign_url(
///     "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby",
///     &creds,
///     &scope,
///     datetime!(2020-01-31 10:02:33 UTC),
///     Duration::from_secs(300),
/// )?;
/// assert!(url.as_str().ends_with("X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"));
/// assert_eq!(url.expires_at(), datetime!(2020-01-31 10:07:33 UTC));
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// In the browser (`wasm32-unknown-unknown`) the standard library has no clock, so
/// `OffsetDateTime::now_utc()` panics there unless the `time` crate's `wasm-bindgen` feature
/// is on. Either turn it on, or take the time from JavaScript's `Date.now()` (milliseconds
/// since 1970):
///
/// ```
/// use time::OffsetDateTime;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let date_now: f64 = 1_580_464_953_000.0; // what JavaScript's Date.now() returned
/// let time = OffsetDateTime::from_unix_timestamp((date_now / 1000.0).floor() as i64)?;
/// assert_eq!(time, time::macros::datetime!(2020-01-31 10:02:33 UTC));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// - the URL: [`Error::RelativeUrl`], [`Error::UnsupportedScheme`], [`Error::MissingHost`],
///   [`Error::InvalidUrl`] (also for a path with `//`), [`Error::UserInfoInUrl`],
///   [`Error::ReservedParameter`] (it already has a SigV4 authentication parameter, in any
///   letter case);
/// - [`Error::ExpiresOutOfRange`], [`Error::ExpiresNotWholeSeconds`];
/// - [`Error::TimeOutOfRange`] for a time before 1970 or after 9999;
/// - [`Error::UrlTooLong`] when the result exceeds the service's limit (API Gateway
///   WebSocket URLs: 4096 characters).
pub fn presign_url(
    url: &str, credentials: &Credentials, scope: &Scope, time: OffsetDateTime, expires: Duration,
) -> Result<PresignedUrl, Error> {
    Presigner::new(credentials.clone(), scope.clone()).presign(url, time, expires)
}

/// A reusable signer for one set of credentials, region and service: it presigns URLs
/// ([`Presigner::presign`]) and signs requests in their query
/// ([`Presigner::presign_request`]) or headers ([`Presigner::sign_request`]).
///
/// It caches what does not change between calls: the signing key of the current UTC date
/// (derived on first use and again when the date changes), the `X-Amz-Credential` value of
/// that date and the percent-encoded session token. Its URLs are byte-identical to
/// [`presign_url`]'s. It is `Send + Sync`: share one behind an `Arc`, and when temporary
/// credentials are refreshed, hand the new ones to [`Presigner::set_credentials`].
///
/// ```
/// use sigv4_wss::{Credentials, Presigner, Scope, SessionTokenMode, append_query};
/// use std::time::Duration;
/// use time::macros::datetime;
///
/// let presigner = Presigner::new(
///     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?,
///     Scope::new("us-east-1", "execute-api")?,
/// )
/// .session_token(SessionTokenMode::ServiceDefault); // optional; this is the default
/// for room in ["lobby", "a b&c"] {
///     let url = append_query("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev", &[("room", room)]);
///     let presigned = presigner.presign(&url, datetime!(2020-01-31 10:02:33 UTC), Duration::from_secs(300))?;
///     assert!(presigned.as_str().contains("?room=lobby&") || presigned.as_str().contains("?room=a%20b%26c&"));
/// }
/// // Refreshed temporary credentials, for every holder of the presigner:
/// presigner.set_credentials(Credentials::new("ASIAEXAMPLE", "secret", Some("token"))?);
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
pub struct Presigner {
    scope: Scope,
    rules: Rules,
    pub(crate) token_mode: SessionTokenMode,
    state: Mutex<State>,
}

/// The presigner's credentials and the key of the last date it signed on.
struct State {
    credentials: Arc<Credentials>,
    day: Option<Arc<DayKey>>,
}

/// What a [`Presigner`] derives once per UTC date and set of credentials.
pub(crate) struct DayKey {
    pub(crate) credentials: Arc<Credentials>,
    /// `YYYYMMDD`.
    date: String,
    /// HMAC-SHA256 keyed with the day's signing key (zeroized on drop).
    mac: HmacSha256,
    /// `X-Amz-Credential`'s value, encoded: `{access key id}%2F{credential scope, encoded}`.
    credential: String,
    /// The session token, percent-encoded (its canonical form).
    pub(crate) token: Option<Zeroizing<String>>,
}

impl Presigner {
    /// A presigner for `credentials` and `scope`, with the service's session-token rule.
    pub fn new(credentials: Credentials, scope: Scope) -> Self {
        Self {
            rules: Rules::of(scope.service()),
            scope,
            token_mode: SessionTokenMode::default(),
            state: Mutex::new(State { credentials: Arc::new(credentials), day: None }),
        }
    }

    /// Overrides whether the session token is signed (see [`SessionTokenMode`]).
    #[must_use]
    pub fn session_token(mut self, mode: SessionTokenMode) -> Self {
        self.token_mode = mode;
        self
    }

    /// Replaces the credentials, for example with refreshed temporary ones; every later call
    /// signs with them. A call already running finishes with the old ones.
    pub fn set_credentials(&self, credentials: Credentials) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.credentials = Arc::new(credentials);
        state.day = None;
    }

    /// The region and service it signs for.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Presigns `url`; see [`presign_url`] for the rules and the arguments.
    ///
    /// # Errors
    ///
    /// As [`presign_url`].
    pub fn presign(
        &self, url: &str, time: OffsetDateTime, expires: Duration,
    ) -> Result<PresignedUrl, Error> {
        let (seconds, date) = self.checked_time(time, expires)?;
        let expires_at = date.time().checked_add(time::Duration::seconds(seconds.into()));
        let expires_at = expires_at.ok_or(Error::TimeOutOfRange { year: 10_000 })?;
        let target = Target::parse(url)?;
        let day = self.day_key(&date);
        let mut digits = [0u8; 10];
        let expires = decimal(seconds, &mut digits);

        let token_len = day.token.as_ref().map_or(0, |token| token.len());
        let room = target.query().len().saturating_mul(3) + day.credential.len() + token_len + 220;
        let mut out = String::with_capacity(target.head().len() + room);
        out.push_str(target.head());
        out.push('?');
        let own_start = out.len();
        for (key, value) in split_query(target.query()) {
            let _ = put(&mut out, &[&reencode(key), "=", &reencode(value), "&"]);
        }
        let mut request = CanonicalRequest::with_capacity("GET", target.path(), 8);
        request.push_header(Cow::Borrowed("host"), Cow::Borrowed(target.host()));
        let own = out.get(own_start..).unwrap_or_default();
        let (signature, _) = self.sign_query(&day, &date, &mut request, own, expires, "host")?;
        drop(request);
        write_auth_query(&mut out, &day, &date, expires, "host", &signature);

        if let Some(max) = self.rules.max_ws_url_len.filter(|_| target.is_websocket())
            && out.len() > max
        {
            let service = self.scope.service().to_owned();
            return Err(Error::UrlTooLong { length: out.len(), max, service });
        }
        Ok(PresignedUrl { url: out, expires_at })
    }

    /// Checks the expiry and formats the signing time.
    pub(crate) fn checked_time(
        &self, time: OffsetDateTime, expires: Duration,
    ) -> Result<(u32, AmzDate), Error> {
        if expires.subsec_nanos() != 0 {
            return Err(Error::ExpiresNotWholeSeconds { expires });
        }
        let seconds = self.rules.check_expires(expires.as_secs(), self.scope.service())?;
        Ok((seconds, AmzDate::new(time)?))
    }

    /// The key and pieces of `date`'s day, derived now unless cached.
    pub(crate) fn day_key(&self, date: &AmzDate) -> Arc<DayKey> {
        // A poisoned lock only means that another thread panicked while holding it; the state
        // is replaced whole, never half-written, so keep using it.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(day) = state.day.as_ref().filter(|day| day.date == date.date()) {
            return Arc::clone(day);
        }
        let credentials = Arc::clone(&state.credentials);
        let (scope, secret) = (&self.scope, credentials.secret_access_key());
        let key = SigningKey::derive(secret, date.date(), scope.region(), scope.service());
        let scope = CredentialScope::new(date, scope);
        let day = Arc::new(DayKey {
            mac: key.mac(),
            date: date.date().to_owned(),
            credential: encode(&format!("{}/{scope}", credentials.access_key_id())).into_owned(),
            token: credentials
                .session_token()
                .map(|token| Zeroizing::new(encode(token).into_owned())),
            credentials,
        });
        state.day = Some(Arc::clone(&day));
        day
    }

    /// The one step of query signing: adds the parameters of `own` (a query in canonical
    /// form) to `request`, refuses SigV4 parameters among its own, adds the signed `X-Amz-*`
    /// ones, sorts, hashes and signs it with `day`'s key. `expires` is in decimal,
    /// `signed_headers` encoded.
    #[allow(clippy::too_many_arguments, reason = "private; the parts of one signature")]
    pub(crate) fn sign_query<'a>(
        &'a self, day: &'a DayKey, date: &'a AmzDate, request: &mut CanonicalRequest<'a>,
        own: &'a str, expires: &'a str, signed_headers: &'a str,
    ) -> Result<(Signature, StringToSign<'a>), Error> {
        for (key, value) in split_query(own) {
            request.push_query(Cow::Borrowed(key), Cow::Borrowed(value));
        }
        request.check_no_auth_params()?;
        for (name, value) in auth_params(day, date, expires, signed_headers) {
            request.push_query(Cow::Borrowed(name), Cow::Borrowed(value));
        }
        if let Some(token) = day.token.as_deref()
            && self.token_mode.signs_in_query(self.scope.service())
        {
            request.push_query(Cow::Borrowed(SECURITY_TOKEN), Cow::Borrowed(token));
        }
        request.sort_query();
        let string_to_sign = self.string_to_sign(date, &request.sha256());
        Ok((day.sign(&string_to_sign), string_to_sign))
    }

    /// The string to sign of a canonical request whose hash is `hash`, made on `date`.
    pub(crate) fn string_to_sign<'a>(
        &'a self, date: &'a AmzDate, hash: &[u8; 32],
    ) -> StringToSign<'a> {
        StringToSign::new(date, CredentialScope::new(date, &self.scope), hash)
    }

    /// Whether this presigner signs with `credentials`.
    pub(crate) fn signs_with(&self, credentials: &Credentials) -> bool {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).credentials.same_as(credentials)
    }
}

impl DayKey {
    /// Signs a string to sign with the day's key.
    pub(crate) fn sign(&self, string_to_sign: &StringToSign<'_>) -> Signature {
        Signature::of(self.mac.clone(), string_to_sign)
    }
}

/// The signed authentication parameters, in the order a URL carries them.
fn auth_params<'a>(
    day: &'a DayKey, date: &'a AmzDate, expires: &'a str, signed_headers: &'a str,
) -> [(&'static str, &'a str); 5] {
    [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", &day.credential),
        ("X-Amz-Date", date.date_time()),
        ("X-Amz-Expires", expires),
        ("X-Amz-SignedHeaders", signed_headers),
    ]
}

/// Appends the authentication parameters to `out` (`&`-separated, encoded), the signature
/// and, last, the session token.
pub(crate) fn write_auth_query(
    out: &mut String, day: &DayKey, date: &AmzDate, expires: &str, signed_headers: &str,
    signature: &Signature,
) {
    let mut hex = [0u8; 64];
    let signature = ("X-Amz-Signature", signature.hex_in(&mut hex));
    let token = day.token.as_deref().map(|token| (SECURITY_TOKEN, token.as_str()));
    let params = auth_params(day, date, expires, signed_headers);
    for (i, (name, value)) in params.into_iter().chain([signature]).chain(token).enumerate() {
        let _ = put(out, &[if i == 0 { "" } else { "&" }, name, "=", value]);
    }
}

/// `n` in decimal, written into `buf`.
fn decimal(n: u32, buf: &mut [u8; 10]) -> &str {
    let mut cursor = buf.as_mut_slice();
    let _ = write!(cursor, "{n}");
    let written = 10 - cursor.len();
    core::str::from_utf8(buf.get(..written).unwrap_or_default()).unwrap_or_default()
}

impl fmt::Debug for Presigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Presigner")
            .field("credentials", &state.credentials)
            .field("scope", &self.scope)
            .field("session_token", &self.token_mode)
            .field("signing_key", &Redacted)
            .finish_non_exhaustive()
    }
}
