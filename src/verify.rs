//! Verifying signed requests: the server side of SigV4, for proxies, local stand-ins for
//! API Gateway and tests.

use core::{fmt, time::Duration};
use std::sync::{Arc, Mutex, PoisonError};

use constant_time_eq::constant_time_eq;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::canonical::{EMPTY_PAYLOAD_SHA256, normalize_header_value};
use crate::credentials::{Credentials, Redacted};
use crate::date::AmzDate;
use crate::error::Error;
use crate::lookup::CredentialsLookup;
use crate::presign::{Presigner, SessionTokenMode};
use crate::received::{Claim, Received};
use crate::scope::Scope;
use crate::target::Target;
use crate::verified::Verified;

/// The clock skew a [`Verifier`] allows by default: 5 minutes, as AWS services do.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(300);

/// Checks signed requests as an AWS service does: presigned URLs (a WebSocket handshake to
/// API Gateway's `$connect` with `AWS_IAM`, IoT, …) and requests signed with an
/// `Authorization` header (the `@connections` API).
///
/// It is built with a [`CredentialsLookup`] and the scope it accepts (or, explicitly, any
/// scope), and optionally the hosts it answers for, the clock skew it allows (default
/// [`DEFAULT_CLOCK_SKEW`]), a maximum age and the session-token rule. Each check is given the
/// current time; the verifier never reads a clock.
///
/// A request is accepted when:
///
/// - its target starts with `/`, has no `.` or `..` path segment (clients resolve them;
///   a proxy forwarding one raw could reach another path than was signed) and no raw `+` or
///   `;` in its query (form decoders read `+` as a space, some parsers split on `;`; signers
///   send `%2B` and `%3B`), and every query parameter decodes to UTF-8;
/// - it has each of `X-Amz-Algorithm` (`AWS4-HMAC-SHA256`), `X-Amz-Credential`, `X-Amz-Date`,
///   `X-Amz-SignedHeaders` and `X-Amz-Signature` once, `X-Amz-Expires` and
///   `X-Amz-Security-Token` at most once, spelled exactly so;
/// - its credential scope is the verifier's (unless built with [`Verifier::any_scope`]), and
///   its `Host` (signed: `host` must be among the signed headers) is one given to
///   [`Verifier::expect_host`], if any was;
/// - `X-Amz-Expires`, when present, is from 1 to the service's limit (604800, Transcribe 300);
/// - the current time is no earlier than `X-Amz-Date` minus the skew, no later than
///   `X-Amz-Date` plus `X-Amz-Expires` (plus the skew when there is no `X-Amz-Expires`, as
///   in Amplify's URLs), and no later than `X-Amz-Date` plus the maximum age, if set;
/// - the lookup knows the access key id, and the signature, recomputed by a [`Presigner`]
///   over the canonical request rebuilt from what was received, matches (compared in
///   constant time);
/// - the session token is the lookup's (compared in constant time).
///
/// Whether `X-Amz-Security-Token` is part of the canonical query follows the presigner's
/// rule for the scope's service (`iotdevicegateway` leaves it out), overridable with
/// [`Verifier::session_token`]; its position in the URL is not used. The [`Verified`] result
/// says what was verified: read the host, path and query parameters from it.
///
/// The last signing key is cached (zeroized when replaced or dropped); the lookup is asked on
/// every check, so a revoked key is refused at once.
///
/// ```
/// use sigv4_wss::{Credentials, Error, Presigner, Scope, Verifier};
/// use std::time::Duration;
/// use time::macros::datetime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let scope = Scope::new("us-east-1", "execute-api")?;
/// let signed_at = datetime!(2020-01-31 10:02:33 UTC);
/// let url = Presigner::new(creds.clone(), scope.clone())
///     .presign("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby", signed_at, Duration::from_secs(300))?;
///
/// let verifier = Verifier::new(creds, &scope).expect_host("abc123defg.execute-api.us-east-1.amazonaws.com");
/// let verified = verifier.verify_url(url.as_str(), signed_at + Duration::from_secs(10))?;
/// assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(verified.query(), [("room".to_owned(), "lobby".to_owned())]);
///
/// let later = signed_at + Duration::from_secs(301);
/// assert!(matches!(verifier.verify_url(url.as_str(), later), Err(Error::Expired { .. })));
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
pub struct Verifier<L> {
    lookup: L,
    scope: Option<Scope>,
    hosts: Vec<String>,
    clock_skew: Duration,
    max_age: Option<Duration>,
    session_token: SessionTokenMode,
    /// The presigner of the last credentials and scope seen, with its day's key.
    signer: Mutex<Option<Arc<Presigner>>>,
}

impl<L: CredentialsLookup> Verifier<L> {
    /// A verifier that finds secrets with `lookup` and accepts only requests signed for
    /// `scope`'s region and service.
    pub fn new(lookup: L, scope: &Scope) -> Self {
        Self { scope: Some(scope.clone()), ..Self::any_scope(lookup) }
    }

    /// A verifier that accepts requests signed for any region and service (a proxy in front
    /// of several regions, say); [`Verified::scope`] tells which.
    #[must_use]
    pub fn any_scope(lookup: L) -> Self {
        Self {
            lookup,
            scope: None,
            hosts: Vec::new(),
            clock_skew: DEFAULT_CLOCK_SKEW,
            max_age: None,
            session_token: SessionTokenMode::default(),
            signer: Mutex::new(None),
        }
    }

    /// Accepts requests for `host` (as clients send it in `Host`: with `:port` when it is not
    /// the scheme's default; compared ignoring ASCII case). Call it once per name the server
    /// answers for; with none, any host is accepted.
    #[must_use]
    pub fn expect_host(mut self, host: &str) -> Self {
        self.hosts.push(host.to_ascii_lowercase());
        self
    }

    /// Sets the clock skew allowed between signer and verifier (default 5 minutes).
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Refuses requests signed longer than `age` ago, whatever their `X-Amz-Expires` says, as
    /// API Gateway refuses a handshake signed more than about 5 minutes before.
    #[must_use]
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// Overrides whether a presigned URL's session token is part of its canonical query (see
    /// [`SessionTokenMode`]).
    #[must_use]
    pub fn session_token(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    /// Verifies a presigned URL for a `GET` request (a WebSocket handshake) at time `now`,
    /// as a client sends it: parsed as [`presign_url`](crate::presign_url) parses it, then
    /// checked as [`Verifier::verify_request`] checks its request target and `Host`.
    ///
    /// # Errors
    ///
    /// The URL errors of [`presign_url`](crate::presign_url), and those of
    /// [`Verifier::verify_request`].
    pub fn verify_url(&self, url: &str, now: OffsetDateTime) -> Result<Verified, Error> {
        let target = Target::parse(url)?;
        self.verify_request("GET", target.request_target(), &[("host", target.host())], now)
    }

    /// Verifies a presigned request as a server receives it: its method, its request target
    /// taken exactly as received (`/dev?X-Amz-Algorithm=…`) and its headers (`Host` at
    /// least; names compared ignoring case, a repeated header's values joined by `,`), at
    /// time `now`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidMethod`], [`Error::InvalidRequestTarget`], [`Error::AmbiguousQuery`]:
    ///   not a request a client sends for a signed URL; [`Error::MixedAuthentication`]: it has
    ///   an `Authorization` header too;
    /// - [`Error::MissingParameter`], [`Error::RepeatedParameter`],
    ///   [`Error::MalformedParameter`], [`Error::MalformedCredential`],
    ///   [`Error::ExpiresOutOfRange`]: not a well-formed presigned request;
    /// - [`Error::WrongRegion`], [`Error::WrongService`], [`Error::WrongHost`]: signed for
    ///   something else;
    /// - [`Error::NotYetValid`], [`Error::Expired`], [`Error::SignedTooLongAgo`]: outside its
    ///   validity at `now`; [`Error::TimeOutOfRange`] if `now` is outside 1970 to 9999;
    /// - [`Error::MissingHeader`]: a signed header is not in `headers`;
    /// - [`Error::UnknownAccessKey`], [`Error::SignatureMismatch`],
    ///   [`Error::SessionTokenMismatch`].
    pub fn verify_request(
        &self, method: &str, request_target: &str, headers: &[(&str, &str)], now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let received = Received::read(method, request_target)?;
        if single_header(headers, "authorization")?.is_some() {
            return Err(Error::MixedAuthentication);
        }
        let claim = received.query_claim()?;
        let sign_token = self.session_token.signs_in_query(claim.scope.service());
        let token = received.query_token().map(|token| (token, true));
        self.check(&received, &claim, headers, EMPTY_PAYLOAD_SHA256, sign_token, token, now)
    }

    /// Verifies a request signed with SigV4 headers, as API Gateway's `@connections` API
    /// checks one: its method, request target (as received), headers (`Host`, `X-Amz-Date`,
    /// `Authorization` and every signed header) and body, at time `now`. The signing time must
    /// be within the clock skew of `now`, on either side; the payload hash is SHA-256 of
    /// `body`; a session token comes in `X-Amz-Security-Token`.
    ///
    /// ```
    /// use sigv4_wss::{CanonicalRequest, Credentials, Scope, Verifier, sign_request};
    /// use time::macros::datetime;
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
    /// let scope = Scope::new("us-east-1", "execute-api")?;
    /// let at = datetime!(2020-01-31 10:02:33 UTC);
    /// let url = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=";
    /// let request = CanonicalRequest::from_url("POST", url)?.with_payload(b"hello");
    /// let signed = sign_request(&request, &creds, &scope, at)?;
    ///
    /// // What the server receives:
    /// let mut headers = vec![("Host", "abc123defg.execute-api.us-east-1.amazonaws.com")];
    /// headers.extend(signed.headers());
    /// let verifier = Verifier::new(creds, &scope);
    /// let target = "/prod/@connections/R0oXAdfD0kwCH6w=";
    /// assert!(verifier.verify_headers("POST", target, &headers, b"hello", at).is_ok());
    /// assert!(verifier.verify_headers("POST", target, &headers, b"hellp", at).is_err());
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify_request`], and [`Error::MalformedAuthorization`],
    /// [`Error::MixedAuthentication`] (the query has `X-Amz-*` authentication too), and
    /// [`Error::MissingHeader`] without `Authorization` or `X-Amz-Date`.
    pub fn verify_headers(
        &self, method: &str, request_target: &str, headers: &[(&str, &str)], body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let received = Received::read(method, request_target)?;
        if received.auth.iter().any(Option::is_some) {
            return Err(Error::MixedAuthentication);
        }
        let required = |name: &str| {
            single_header(headers, name)?.ok_or_else(|| Error::MissingHeader { name: name.into() })
        };
        let claim = Claim::from_headers(required("authorization")?, required("x-amz-date")?)?;
        let payload_hash = hex::encode(Sha256::digest(body));
        // Header values are compared as the canonical request has them (trimmed, ASCII).
        let token_header =
            single_header(headers, "x-amz-security-token")?.map(normalize_header_value);
        let token = token_header.as_deref().map(|token| (token, false));
        let token_signed = claim.signed_headers.iter().any(|n| n == "x-amz-security-token");
        self.check(&received, &claim, headers, &payload_hash, token_signed, token, now)
    }

    /// The checks common to both kinds of authentication, in the order documented above.
    /// `token` is the request's session token and whether it is percent-encoded (from the
    /// query).
    #[allow(clippy::too_many_arguments, reason = "private; the parts of one check")]
    fn check(
        &self, received: &Received<'_>, claim: &Claim, headers: &[(&str, &str)],
        payload_hash: &str, token_signed: bool, token: Option<(&str, bool)>, now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        if let Some(expected) = self.scope.as_ref().filter(|&scope| *scope != claim.scope) {
            let (region, service) = (claim.scope.region().into(), claim.scope.service().into());
            return Err(if region == expected.region() {
                Error::WrongService { service, expected: expected.service().into() }
            } else {
                Error::WrongRegion { region, expected: expected.region().into() }
            });
        }
        let request = received.canonical_request(claim, token_signed, headers, payload_hash)?;
        let host = request.header("host").unwrap_or_default().to_owned();
        if !self.hosts.is_empty() && !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
            return Err(Error::WrongHost { host, expected: self.hosts.join(", ") });
        }
        self.check_time(claim, now)?;
        let query = received.decoded_query()?;
        let credentials = self.lookup.credentials(&claim.access_key_id).ok_or_else(|| {
            Error::UnknownAccessKey { access_key_id: claim.access_key_id.clone() }
        })?;
        let signer = self.signer_for(&credentials, &claim.scope);
        let day = signer.day_key(&claim.date);
        let string_to_sign = signer.string_to_sign(&claim.date, &request.sha256());
        if !day.sign(&string_to_sign).matches_hex(&claim.signature) {
            return Err(Error::SignatureMismatch);
        }
        // A query's token is compared in canonical encoding, with the presigner's.
        let encoded = token.is_some_and(|(_, encoded)| encoded);
        let encoded_token = day.token.as_deref().map(String::as_str);
        let expected = if encoded { encoded_token } else { credentials.session_token() };
        check_token(token.map(|(token, _)| token), expected)?;
        Ok(Verified {
            access_key_id: claim.access_key_id.clone(),
            scope: claim.scope.clone(),
            signed_at: claim.date,
            expires: claim.expires.map(|s| Duration::from_secs(s.into())),
            session_token: (token.is_some(), token.is_some() && token_signed),
            host,
            path: received.path.to_owned(),
            query,
        })
    }

    fn check_time(&self, claim: &Claim, now: OffsetDateTime) -> Result<(), Error> {
        // In whole seconds, as SigV4 counts them, and wide enough never to overflow.
        let (signed_at, now) = (claim.date, AmzDate::new(now)?);
        let age =
            i128::from(now.time().unix_timestamp()) - i128::from(signed_at.time().unix_timestamp());
        let skew_secs = self.clock_skew.as_secs();
        let valid_secs = claim.expires.map_or(skew_secs, u64::from);
        if age < -i128::from(skew_secs) {
            return Err(Error::NotYetValid { signed_at, now, skew_secs });
        } else if age > i128::from(valid_secs) {
            return Err(Error::Expired { signed_at, valid_secs, now });
        }
        match self.max_age.map(|age| age.as_secs()) {
            Some(max_age_secs) if age > i128::from(max_age_secs) => {
                Err(Error::SignedTooLongAgo { signed_at, max_age_secs, now })
            }
            _ => Ok(()),
        }
    }

    /// The cached presigner if it signs with `credentials` for `scope`, else a new one, cached
    /// in its place.
    fn signer_for(&self, credentials: &Credentials, scope: &Scope) -> Arc<Presigner> {
        let mut cached = self.signer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(signer) = cached.as_ref()
            && signer.scope() == scope
            && signer.signs_with(credentials)
        {
            return Arc::clone(signer);
        }
        let signer = Arc::new(
            Presigner::new(credentials.clone(), scope.clone()).session_token(self.session_token),
        );
        *cached = Some(Arc::clone(&signer));
        signer
    }
}

/// The value of header `name` if it appears once, `None` if not at all.
fn single_header<'h>(headers: &[(&str, &'h str)], name: &str) -> Result<Option<&'h str>, Error> {
    let mut found = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    match (found.next(), found.next()) {
        (first, None) => Ok(first.map(|(_, value)| *value)),
        _ => Err(Error::MalformedAuthorization {
            reason: "Authorization, X-Amz-Date or X-Amz-Security-Token appears more than once",
        }),
    }
}

/// Checks the request's session token against the credentials' token, both encoded the same
/// way.
fn check_token(given: Option<&str>, expected: Option<&str>) -> Result<(), Error> {
    let reason = match (given, expected) {
        (None, None) => return Ok(()),
        (Some(a), Some(b)) if constant_time_eq(a.as_bytes(), b.as_bytes()) => return Ok(()),
        (None, Some(_)) => "the request has no X-Amz-Security-Token; the access key needs one",
        (Some(_), None) => "the request has an X-Amz-Security-Token; the access key has none",
        (Some(_), Some(_)) => "X-Amz-Security-Token is not the access key's session token",
    };
    Err(Error::SessionTokenMismatch { reason })
}

impl<L> fmt::Debug for Verifier<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("lookup", &Redacted)
            .field("scope", &self.scope)
            .field("hosts", &self.hosts)
            .field("clock_skew", &self.clock_skew)
            .field("max_age", &self.max_age)
            .field("session_token", &self.session_token)
            .finish_non_exhaustive()
    }
}
