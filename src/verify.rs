//! Verifying presigned URLs: the server side of SigV4 query authentication, for proxies, local
//! development servers and tests.
//!
//! The canonical request is rebuilt from the URL exactly as the presigner builds it: the same
//! URL parser ([`Target`]), the same query re-encoding, the same canonical writer; then the
//! signature is recomputed and compared in constant time.

use core::fmt;
use core::time::Duration;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use hmac::Mac as _;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::amz_date::AmzDate;
use crate::canonical::{
    EMPTY_PAYLOAD_SHA256, SECURITY_TOKEN, is_token, normalize_header_value,
    write_canonical_request_with, write_presigned_get,
};
use crate::credentials::{Credentials, Redacted};
use crate::encode::{Keep, is_unreserved, must_escape, reencode_query_component, uri_encode};
use crate::error::Error;
use crate::inline_vec::InlineVec;
use crate::presign::SessionTokenMode;
use crate::scan::visit_special;
use crate::scope::{Scope, is_scope_name};
use crate::service::Rules;
use crate::signing_key::{HmacSha256, SigningKey};
use crate::sink::Hex64;
use crate::string_to_sign::{ALGORITHM, ScopeTail, write_head, write_rest};
use crate::target::{Target, UrlStorage};

mod layout;

/// The longest query a verifier reads.
const MAX_QUERY_LEN: usize = 1 << 30;

/// The clock skew a [`Verifier`] allows by default: 5 minutes, as AWS services do.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(300);

/// Where a [`Verifier`] finds the credentials of an access key id.
///
/// Implemented for closures `Fn(&str) -> Option<Credentials>`, for a map from access key id to
/// [`Credentials`], and for a single [`Credentials`] (which knows only its own access key id).
/// The map and the single credentials are borrowed, not cloned, on every check.
///
/// When the credentials returned have a session token, a URL must carry exactly that token;
/// when they have none, a URL must carry none.
pub trait CredentialsLookup {
    /// The credentials of `access_key_id`, or `None` if it is unknown.
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>>;
}

impl<F> CredentialsLookup for F
where
    F: Fn(&str) -> Option<Credentials>,
{
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self(access_key_id).map(Cow::Owned)
    }
}

impl CredentialsLookup for Credentials {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        (self.access_key_id() == access_key_id).then_some(Cow::Borrowed(self))
    }
}

impl<S: BuildHasher> CredentialsLookup for HashMap<String, Credentials, S> {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.get(access_key_id).map(Cow::Borrowed)
    }
}

/// Checks presigned URLs, as a server (API Gateway's `$connect` with `AWS_IAM`, IoT, …) does.
///
/// It takes a [`CredentialsLookup`] and, optionally, the region and service it accepts, the
/// clock skew it allows (default [`DEFAULT_CLOCK_SKEW`]) and the session-token rule. Each
/// check is given the current time; the verifier never reads a clock.
///
/// A URL is accepted when:
///
/// - it has each of `X-Amz-Algorithm` (`AWS4-HMAC-SHA256`), `X-Amz-Credential`, `X-Amz-Date`,
///   `X-Amz-SignedHeaders` and `X-Amz-Signature` once, `X-Amz-Expires` and
///   `X-Amz-Security-Token` at most once (names compared exactly, case included);
/// - the credential scope is well formed, its date is `X-Amz-Date`'s, and its region and
///   service are the expected ones (if any were given);
/// - `X-Amz-Expires`, when present, is from 1 to the service's limit (604800, Transcribe 300);
/// - the current time is no earlier than `X-Amz-Date` minus the allowed skew, and no later
///   than `X-Amz-Date` plus `X-Amz-Expires` (plus the allowed skew when the URL has no
///   `X-Amz-Expires`, as Amplify's URLs have not). The skew is not added to `X-Amz-Expires`;
/// - the lookup knows the access key id;
/// - the signature recomputed over the canonical request (`GET` or the method given, the path
///   as sent, the query without `X-Amz-Signature`, the signed headers, the empty payload's
///   hash) matches, compared in constant time;
/// - the session token is the lookup's (compared in constant time).
///
/// **Session token rule.** Whether `X-Amz-Security-Token` is part of the canonical query is
/// decided by the credential scope's service, by the same rule the presigner follows:
/// `iotdevicegateway` leaves it out (IoT appends it after signing), every other service signs
/// it; [`Verifier::session_token`] overrides that. The token's position in the URL cannot tell:
/// this crate puts a signed token after `X-Amz-Signature` too, and aws-c-auth puts IoT's
/// unsigned token before it.
///
/// [`Verifier::verify_headers`] checks requests signed with an `Authorization` header
/// instead, such as calls to the `@connections` API.
///
/// The signing key of the last access key, date, region and service is cached, so verifying
/// many URLs signed with the same credentials costs about as much as presigning them: a URL
/// in the layout [`Presigner`](crate::Presigner) writes is compared with the cached pieces
/// instead of being parsed in full, and any other URL takes the general path, which decides
/// the same (it is what reports every error). The lookup is still called for every URL, so a
/// revoked key is refused at once.
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
///     .presign("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev", signed_at, Duration::from_secs(300))?;
///
/// let verifier = Verifier::new(creds).expect_scope(&scope);
/// let verified = verifier.verify_url(url.as_str(), signed_at + Duration::from_secs(10))?;
/// assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(verified.expires(), Some(Duration::from_secs(300)));
///
/// let later = signed_at + Duration::from_secs(301);
/// assert!(matches!(verifier.verify_url(url.as_str(), later), Err(Error::Expired { .. })));
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
pub struct Verifier<L> {
    pub(crate) lookup: L,
    pub(crate) clock_skew: Duration,
    region: Option<String>,
    service: Option<String>,
    session_token: SessionTokenMode,
    key: Mutex<Option<Arc<CachedKey>>>,
}

/// The HMAC state keyed with the signing key of one set of credentials, date and scope.
pub(crate) struct CachedKey {
    credentials: Credentials,
    date: [u8; 8],
    pub(crate) scope: Arc<Scope>,
    /// The string to sign's scope after its date ([`ScopeTail::Cached`]).
    scope_tail: String,
    /// `X-Amz-Credential` after its date: `%2F{region}%2F{service}%2Faws4_request`.
    credential_tail: String,
    /// The head of the URL that filled the cache, if the URL parser's fast path read it.
    head: Option<KnownHead>,
    /// The access key id of the URL that filled the cache (a lookup may know one
    /// credentials under several ids), shared with the [`Verified`] results.
    access_key_id: Arc<str>,
    mac: HmacSha256,
    /// The session token, encoded as a URL carries it after re-encoding.
    encoded_token: Option<String>,
    /// The authentication parameters of a URL in the presigner's layout, from
    /// `X-Amz-Algorithm` to `X-Amz-Date`'s date, for this key's access key id, date and scope
    /// (see [`layout::layout_head`]).
    layout_head: String,
    /// The SHA-256 state after the start of the canonical request of a `GET` in that layout
    /// for the path of the request that filled the cache: `GET\n{canonical path}\n` and
    /// `layout_head` (see [`layout::KeptPrefix`]).
    prefix: Option<layout::KeptPrefix>,
}

impl<L: CredentialsLookup> Verifier<L> {
    /// A verifier that finds secrets with `lookup` and accepts any region and service, with
    /// the default clock skew and session-token rule.
    #[must_use]
    pub fn new(lookup: L) -> Self {
        Self {
            lookup,
            clock_skew: DEFAULT_CLOCK_SKEW,
            region: None,
            service: None,
            session_token: SessionTokenMode::ServiceDefault,
            key: Mutex::new(None),
        }
    }

    /// Sets the clock skew allowed between signer and verifier (default 5 minutes).
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Accepts only URLs signed for `region`.
    #[must_use]
    pub fn expect_region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    /// Accepts only URLs signed for `service`.
    #[must_use]
    pub fn expect_service(mut self, service: &str) -> Self {
        self.service = Some(service.to_owned());
        self
    }

    /// Accepts only URLs signed for `scope`'s region and service.
    #[must_use]
    pub fn expect_scope(self, scope: &Scope) -> Self {
        self.expect_region(scope.region())
            .expect_service(scope.service())
    }

    /// Overrides whether the session token is taken as part of the canonical query (see the
    /// session token rule above).
    #[must_use]
    pub fn session_token(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    /// Verifies a presigned URL for a `GET` request (a WebSocket handshake), at time `now`.
    ///
    /// The URL is parsed as [`presign_url`](crate::presign_url) parses it: the path, query and
    /// `Host` verified are the ones a client sends for it.
    ///
    /// # Errors
    ///
    /// The URL errors of [`presign_url`](crate::presign_url), and those of
    /// [`Verifier::verify_request`].
    pub fn verify_url(&self, url: &str, now: OffsetDateTime) -> Result<Verified, Error> {
        self.verify_url_with_method("GET", url, now)
    }

    /// [`Verifier::verify_url`] for a request with another method.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify_url`], and [`Error::InvalidMethod`].
    pub fn verify_url_with_method(
        &self,
        method: &str,
        url: &str,
        now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let cached = self.cached_key();
        let looked_up = match cached.as_deref() {
            Some(key) => match self.verify_url_layout(key, method, url, now) {
                Ok(verified) => return Ok(verified),
                Err(looked_up) => looked_up,
            },
            None => None,
        };
        let mut storage: UrlStorage = None;
        let request = QueryRequest::from_url_with_hint(
            method,
            url,
            &mut storage,
            token_hint(cached.as_ref()),
            cached.as_ref().and_then(|key| key.head.as_ref()),
        );
        // Borrowed, not moved out of the result: the request is large.
        let request = request.as_ref().map_err(Clone::clone)?;
        self.verify(
            request,
            &Headers::Host(request.host),
            now,
            cached.as_ref(),
            looked_up,
        )
    }

    /// Verifies a request as a server receives it: its method, its request target (the path
    /// and query of the request line, such as `/dev?X-Amz-Algorithm=…`) and its headers
    /// (`Host` at least), at time `now`.
    ///
    /// The path is taken as received. Header names are compared case-insensitively; a header
    /// received more than once has its values joined with `,`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidMethod`]; [`Error::InvalidUrl`] if the target does not start with `/`;
    /// - [`Error::MissingParameter`], [`Error::RepeatedParameter`],
    ///   [`Error::MalformedParameter`], [`Error::MalformedCredential`],
    ///   [`Error::ExpiresOutOfRange`]: the URL is not a well-formed presigned URL;
    /// - [`Error::WrongRegion`], [`Error::WrongService`]: signed for another scope;
    /// - [`Error::NotYetValid`], [`Error::Expired`]: outside its validity at `now`;
    /// - [`Error::MissingHeader`]: a signed header is not in `headers`;
    /// - [`Error::UnknownAccessKey`]: the lookup does not know the access key id;
    /// - [`Error::SignatureMismatch`]: the signature does not match;
    /// - [`Error::SessionTokenMismatch`]: the session token is not the lookup's;
    /// - [`Error::TimeOutOfRange`] if `now` is outside the years 1970 to 9999.
    pub fn verify_request(
        &self,
        method: &str,
        request_target: &str,
        headers: &[(&str, &str)],
        now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let cached = self.cached_key();
        let looked_up = match cached.as_deref() {
            Some(key) => {
                match self.verify_request_layout(key, method, request_target, headers, now) {
                    Ok(verified) => return Ok(verified),
                    Err(looked_up) => looked_up,
                }
            }
            None => None,
        };
        let request = QueryRequest::parse_target_with_hint(
            method,
            request_target,
            token_hint(cached.as_ref()),
        )?;
        self.verify(
            &request,
            &Headers::List(headers),
            now,
            cached.as_ref(),
            looked_up,
        )
    }

    /// The cached signing key, if any (a snapshot: the lock is not held).
    pub(crate) fn cached_key(&self) -> Option<Arc<CachedKey>> {
        // A poisoned lock only means another thread panicked while holding it; the cache is
        // always in a consistent state, so keep using it.
        self.key
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The general path. `looked_up` is the lookup's answer if the fast path asked already.
    fn verify(
        &self,
        request: &QueryRequest<'_>,
        headers: &Headers<'_>,
        now: OffsetDateTime,
        cached: Option<&Arc<CachedKey>>,
        looked_up: Option<layout::LookedUp<'_>>,
    ) -> Result<Verified, Error> {
        let auth = request.auth_with_hint(cached.map(|key| &**key))?;
        self.check_scope(auth.scope)?;
        self.check_time(&auth, now)?;
        let headers = headers.canonical(auth.signed_headers)?;
        let credentials = match looked_up {
            Some(answer) if answer.access_key_id == auth.access_key_id => {
                known_or_unknown(answer.credentials, auth.access_key_id)?
            }
            _ => self.credentials(auth.access_key_id)?,
        };
        let sign_token = signs_token(self.session_token, auth.scope.service());
        let (key, mac, (url_token, token_check)) = self.keyed_mac(
            cached,
            &credentials,
            &auth,
            request.head,
            Some(request.path),
            |expected| {
                let url_token = request.canonical_token();
                let check = match (request.token_is_hint, expected) {
                    // The scan found the token to be exactly this text (the same cached
                    // string): equal, as `check_token` would find.
                    (Some(hint), Some(expected)) if core::ptr::eq(hint, expected) => Ok(()),
                    _ => check_token(url_token, expected),
                };
                (url_token, check)
            },
        )?;

        let mut hasher = Sha256::new();
        let signed_token = url_token.filter(|_| sign_token);
        request.write_canonical(&mut hasher, signed_token, &headers);
        let hash: [u8; 32] = hasher.finalize().into();
        if !signs_hash(mac, &key, &auth.date, &hash, auth.signature) {
            return Err(Error::SignatureMismatch);
        }

        // Only once the signature is known to be good: the token's own error.
        token_check?;
        Ok(Verified {
            access_key_id: if *key.access_key_id == *auth.access_key_id {
                Arc::clone(&key.access_key_id)
            } else {
                Arc::from(auth.access_key_id)
            },
            scope: Arc::clone(&key.scope),
            signed_at: auth.date,
            expires: auth.expires.map(|s| Duration::from_secs(u64::from(s))),
            session_token: match url_token {
                None => TokenUse::None,
                Some(_) if sign_token => TokenUse::Signed,
                Some(_) => TokenUse::Unsigned,
            },
        })
    }

    /// The lookup's credentials for `access_key_id`, or [`Error::UnknownAccessKey`].
    pub(crate) fn credentials(&self, access_key_id: &str) -> Result<Cow<'_, Credentials>, Error> {
        known_or_unknown(self.lookup.credentials(access_key_id), access_key_id)
    }

    /// Checks the scope against the expected region and service.
    pub(crate) fn check_scope(&self, scope: ScopeNames<'_>) -> Result<(), Error> {
        if let Some(expected) = self.region.as_deref().filter(|r| *r != scope.region()) {
            return Err(Error::WrongRegion {
                region: scope.region().to_owned(),
                expected: expected.to_owned(),
            });
        }
        if let Some(expected) = self.service.as_deref().filter(|s| *s != scope.service()) {
            return Err(Error::WrongService {
                service: scope.service().to_owned(),
                expected: expected.to_owned(),
            });
        }
        Ok(())
    }

    pub(crate) fn check_time(
        &self,
        auth: &AuthParams<'_>,
        now: OffsetDateTime,
    ) -> Result<(), Error> {
        let signed = i128::from(auth.date.unix_timestamp());
        let now_secs = i128::from(now.unix_timestamp());
        let skew = i128::from(self.clock_skew.as_secs());
        let valid_secs = auth.expires.map_or(self.clock_skew.as_secs(), u64::from);
        if signed > now_secs + skew {
            return Err(Error::NotYetValid {
                signed_at: auth.date,
                now: AmzDate::new(now)?,
                skew_secs: self.clock_skew.as_secs(),
            });
        }
        if now_secs > signed + i128::from(valid_secs) {
            return Err(Error::Expired {
                signed_at: auth.date,
                valid_secs,
                now: AmzDate::new(now)?,
            });
        }
        Ok(())
    }

    /// The HMAC state for the signing key, from the cache or derived (and cached), and what
    /// `with_token` returns for the credentials' session token in canonical encoding (also
    /// cached).
    ///
    /// `cached` is a snapshot of the cache taken earlier ([`Verifier::cached_key`]); the
    /// cache entry used is returned too. `auth` holds the request's date, scope and access key
    /// id; `head` its URL's head and `path` its path, kept with a new entry (`path` for the
    /// fast path's [`layout::KeptPrefix`]).
    ///
    /// # Errors
    ///
    /// None in practice: `scope` holds valid names (a [`Scope`] is built from them).
    pub(crate) fn keyed_mac<R>(
        &self,
        cached: Option<&Arc<CachedKey>>,
        credentials: &Credentials,
        auth: &AuthParams<'_>,
        head: Option<(&str, HeadParts)>,
        path: Option<&str>,
        with_token: impl FnOnce(Option<&str>) -> R,
    ) -> Result<(Arc<CachedKey>, HmacSha256, R), Error> {
        let (date, scope, access_key_id) = (&auth.date, auth.scope, auth.access_key_id);
        let mut day = [0u8; 8];
        day.copy_from_slice(date.date_bytes().get(..8).unwrap_or(&[0; 8]));
        if let Some(cached) = cached.filter(|c| {
            c.date == day
                && c.scope.region() == scope.region
                && c.scope.service() == scope.service
                && c.credentials == *credentials
        }) {
            let result = with_token(cached.encoded_token.as_deref());
            return Ok((Arc::clone(cached), cached.mac.clone(), result));
        }
        let scope = scope.to_scope()?;
        let mac = SigningKey::derive(
            credentials.secret_access_key(),
            date.date(),
            scope.region(),
            scope.service(),
        )
        .mac();
        let encoded_token = credentials.session_token().map(uri_encode);
        let result = with_token(encoded_token.as_deref());
        let mut scope_tail = String::new();
        ScopeTail::Of(&scope).write(&mut scope_tail);
        let mut credential_tail = String::new();
        scope.write_after_date(&mut credential_tail, "%2F");
        let layout_head = layout::layout_head(access_key_id, date, &scope);
        let prefix = path.and_then(|path| layout::KeptPrefix::new(path, &layout_head));
        let fresh = Arc::new(CachedKey {
            credentials: credentials.clone(),
            date: day,
            scope: Arc::new(scope),
            scope_tail,
            credential_tail,
            head: head.map(|(head, parts)| KnownHead {
                head: head.to_owned(),
                parts,
            }),
            access_key_id: Arc::from(access_key_id),
            mac: mac.clone(),
            encoded_token,
            layout_head,
            prefix,
        });
        *self.key.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&fresh));
        Ok((fresh, mac, result))
    }
}

impl<L> fmt::Debug for Verifier<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("lookup", &Redacted)
            .field("clock_skew", &self.clock_skew)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("session_token", &self.session_token)
            .finish_non_exhaustive()
    }
}

impl CachedKey {
    /// `credential` (`X-Amz-Credential` as the URL has it) if it is exactly
    /// `{access key id}%2F{date}%2F{region}%2F{service}%2Faws4_request` for this key's
    /// access key id and scope and `date`: then what [`parse_credential`] returns for it
    /// (the id and names were checked when the key was cached, and have no `%`).
    fn known_credential<'a>(
        &self,
        credential: &'a str,
        date: &AmzDate,
    ) -> Option<(&'a str, ScopeNames<'a>)> {
        let id_len = self.access_key_id.len();
        let (access_key_id, rest) = credential.split_at_checked(id_len)?;
        let rest = rest.strip_prefix("%2F")?;
        let (day, tail) = rest.split_at_checked(8)?;
        if access_key_id != &*self.access_key_id
            || day.as_bytes() != date.date_bytes()
            || tail != self.credential_tail
        {
            return None;
        }
        let region_len = self.scope.region().len();
        let region = tail.get(3..3 + region_len)?;
        let service = tail.get(6 + region_len..6 + region_len + self.scope.service().len())?;
        Some((access_key_id, ScopeNames { region, service }))
    }
}

/// The lookup's answer for `access_key_id`, or [`Error::UnknownAccessKey`].
fn known_or_unknown<'c>(
    found: Option<Cow<'c, Credentials>>,
    access_key_id: &str,
) -> Result<Cow<'c, Credentials>, Error> {
    found.ok_or_else(|| Error::UnknownAccessKey {
        access_key_id: access_key_id.to_owned(),
    })
}

/// Whether `signature` is the signature of the canonical request whose hash is `hash`,
/// signed on `date` with `key`: the string to sign, as `StringToSign::write` writes it with
/// the key's cached scope text, goes into `mac`, the HMAC state keyed with the key's
/// signing key.
#[inline]
fn signs_hash(
    mut mac: HmacSha256,
    key: &CachedKey,
    date: &AmzDate,
    hash: &[u8; 32],
    signature: &str,
) -> bool {
    write_head(&mut mac, date);
    write_rest(
        &mut mac,
        date,
        ScopeTail::Cached(&key.scope_tail),
        Hex64::new(hash).as_bytes(),
    );
    signature_matches(mac, signature)
}

/// The cached session token in canonical encoding: a hint for the query scan, which can take
/// a URL's token that is exactly this text as canonical without looking at its bytes.
fn token_hint(cached: Option<&Arc<CachedKey>>) -> Option<&str> {
    cached?.encoded_token.as_deref()
}

pub(crate) fn signs_token(mode: SessionTokenMode, service: &str) -> bool {
    match mode {
        SessionTokenMode::Signed => true,
        SessionTokenMode::Unsigned => false,
        // `SessionTokenMode` is non-exhaustive only for other crates.
        SessionTokenMode::ServiceDefault => Rules::of(service).sign_token,
    }
}

/// What a [`Verifier`] checked: who signed the URL, for which scope, when, and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    // Shared with the verifier's cache: a verification allocates nothing for them.
    pub(crate) access_key_id: Arc<str>,
    pub(crate) scope: Arc<Scope>,
    pub(crate) signed_at: AmzDate,
    pub(crate) expires: Option<Duration>,
    pub(crate) session_token: TokenUse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenUse {
    None,
    Signed,
    Unsigned,
}

impl Verified {
    /// The access key id the URL was signed with.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The region and service of the credential scope.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The region of the credential scope.
    #[must_use]
    pub fn region(&self) -> &str {
        self.scope.region()
    }

    /// The service of the credential scope.
    #[must_use]
    pub fn service(&self) -> &str {
        self.scope.service()
    }

    /// The signing time, `X-Amz-Date`.
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// `X-Amz-Expires`, if the URL has one.
    #[must_use]
    pub fn expires(&self) -> Option<Duration> {
        self.expires
    }

    /// Whether the URL carries a session token (temporary credentials).
    #[must_use]
    pub fn has_session_token(&self) -> bool {
        self.session_token != TokenUse::None
    }

    /// Whether the session token was part of the signature (`false` for IoT's token appended
    /// after signing, and when there is no token).
    #[must_use]
    pub fn session_token_signed(&self) -> bool {
        self.session_token == TokenUse::Signed
    }
}

// ---- parsing a presigned request --------------------------------------------------------------

/// The authentication parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Auth {
    Algorithm,
    Credential,
    Date,
    Expires,
    SignedHeaders,
    Signature,
    SecurityToken,
}

impl Auth {
    #[cfg(test)]
    const ALL: [Self; 7] = [
        Self::Algorithm,
        Self::Credential,
        Self::Date,
        Self::Expires,
        Self::SignedHeaders,
        Self::Signature,
        Self::SecurityToken,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Algorithm => "X-Amz-Algorithm",
            Self::Credential => "X-Amz-Credential",
            Self::Date => "X-Amz-Date",
            Self::Expires => "X-Amz-Expires",
            Self::SignedHeaders => "X-Amz-SignedHeaders",
            Self::Signature => "X-Amz-Signature",
            Self::SecurityToken => SECURITY_TOKEN,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The parameter named exactly `key`, if it is one.
    ///
    /// Names are compared case-sensitively, as SigV4 spells them and every signer writes them.
    /// (Found by fuzzing: with a case-insensitive match, `X-Amz-SignAture=…` was taken for the
    /// signature, so a URL the signer never wrote verified. A stricter verifier cannot be
    /// fooled that way, and no signer's URL is refused for it.)
    fn find(key: &str) -> Option<Self> {
        // Told apart by their length first, then compared with the one literal of that length
        // (two for 15), which the compiler does inline.
        match key.len() {
            10 if key == "X-Amz-Date" => Some(Self::Date),
            13 if key == "X-Amz-Expires" => Some(Self::Expires),
            15 if key == "X-Amz-Algorithm" => Some(Self::Algorithm),
            15 if key == "X-Amz-Signature" => Some(Self::Signature),
            16 if key == "X-Amz-Credential" => Some(Self::Credential),
            19 if key == "X-Amz-SignedHeaders" => Some(Self::SignedHeaders),
            20 if key == "X-Amz-Security-Token" => Some(Self::SecurityToken),
            _ => None,
        }
    }
}

/// Where a re-encoded query component is: borrowed from the URL's query when it was already
/// in canonical form (the usual case: every SigV4 signer writes its URLs that way), or copied
/// into [`QueryRequest::buf`] after re-encoding.
#[derive(Clone, Copy, Debug, Default)]
enum Span {
    Query(u32, u32),
    Buf(u32, u32),
    #[default]
    Empty,
}

impl Span {
    fn query(start: usize, end: usize) -> Self {
        Self::Query(offset(start), offset(end))
    }
}

/// A position in a query or its buffer, which [`QueryRequest::parse`] keeps under 1 GiB.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One query parameter.
#[derive(Clone, Copy, Debug, Default)]
struct Pair {
    key: Span,
    value: Span,
}

/// The URL's own parameters (not the authentication ones): none, up to 8 on the stack, or
/// on the heap.
type Pairs = InlineVec<Pair, 8>;

/// The signed authentication parameters in canonical order (`X-Amz-Signature` is not signed).
const SIGNED_AUTH: [Auth; 6] = [
    Auth::Algorithm,
    Auth::Credential,
    Auth::Date,
    Auth::Expires,
    Auth::SecurityToken,
    Auth::SignedHeaders,
];

/// A request signed in its query: method, path as sent, and the query re-encoded the way the
/// presigner encodes it.
pub(crate) struct QueryRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    query: &'a str,
    buf: String,
    /// Whether every byte of the query is unreserved or `%`, `&`, `=`.
    plain: bool,
    /// The URL's own parameters, sorted by key, then value.
    pairs: Pairs,
    /// The authentication parameters, by [`Auth::index`].
    auth: [Option<Pair>; 7],
    /// Whether `path` is its own canonical URI (known when the URL parser's fast path read
    /// it; `false` when not known).
    path_is_canonical: bool,
    /// The `Host` a client sends for the URL ([`QueryRequest::from_url`]; empty otherwise).
    host: &'a str,
    /// The token hint, when the query's session token is exactly it.
    token_is_hint: Option<&'a str>,
    /// The URL's head (before `?`) and what the URL parser's fast path found in it, when
    /// it was read that way (see [`KnownHead`]).
    head: Option<(&'a str, HeadParts)>,
}

/// Where the URL parser's fast path found the host and path in a URL's head (the part
/// before `?`), as offsets into it, and whether the path is its own canonical URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeadParts {
    host: (usize, usize),
    path: (usize, usize),
    path_is_canonical: bool,
}

impl HeadParts {
    /// The parts of `target`, parsed from `head`, if they are slices of it (the fast path
    /// borrows them; the full parser's are in its own storage).
    fn of(head: &str, target: &Target<'_>) -> Option<Self> {
        let range = |part: &str| {
            let start = part.as_ptr().addr().checked_sub(head.as_ptr().addr())?;
            let end = start.checked_add(part.len())?;
            (end <= head.len()).then_some((start, end))
        };
        Some(Self {
            host: range(target.host)?,
            path: range(target.path)?,
            path_is_canonical: target.path_is_canonical,
        })
    }

    /// The host and path in `head` (the same text these parts were found in).
    fn apply<'h>(&self, head: &'h str) -> Option<(&'h str, &'h str)> {
        Some((
            head.get(self.host.0..self.host.1)?,
            head.get(self.path.0..self.path.1)?,
        ))
    }
}

/// A URL head and its parts, kept with the cached key: the URL parser's result is a function
/// of the head's text alone, so a URL with exactly this head has these parts, without
/// parsing it again. (It is the head of the URL that filled the cache; a server checking
/// URLs for one endpoint sees it again and again.) It is what [`split_head`] found in that
/// URL, so it has no `?` or `#`: the layout fast path relies on that to split a URL that
/// starts with it and a `?` where `split_head` would.
pub(crate) struct KnownHead {
    head: String,
    parts: HeadParts,
}

/// [`QueryRequest::parse`]'s pass over the query, which looks only at the bytes that are not
/// unreserved (`%`, `&`, `=` and any other), and splits the query as `split_query` does:
/// items at `&` (empty ones skipped), key and value at an item's first `=`.
struct QueryScan<'a> {
    /// The request being read (built in place: it is large, and moving it is a copy).
    out: QueryRequest<'a>,
    item_start: usize,
    /// The current item's first `=`.
    eq: Option<usize>,
    /// Whether the current item's key and value are in canonical form (see [`is_canonical`]).
    key_canonical: bool,
    value_canonical: bool,
    error: Option<Error>,
    /// A session token known to be canonical (see [`QueryRequest::parse_with_hint`]).
    token_hint: Option<&'a str>,
    /// Where the scan goes on after a value it skipped (a token equal to `token_hint`).
    resume: Option<usize>,
}

impl<'a> QueryScan<'a> {
    fn new(method: &'a str, path: &'a str, query: &'a str, token_hint: Option<&'a str>) -> Self {
        Self {
            out: QueryRequest {
                method,
                path,
                query,
                buf: String::new(),
                plain: true,
                pairs: Pairs::new(),
                auth: [None; 7],
                path_is_canonical: false,
                host: "",
                token_is_hint: None,
                head: None,
            },
            item_start: 0,
            eq: None,
            key_canonical: true,
            value_canonical: true,
            error: None,
            token_hint,
            resume: None,
        }
    }

    /// Looks at the byte at `i`, which is not unreserved; `false` to stop at an error.
    #[inline]
    fn visit(&mut self, i: usize) -> bool {
        let bytes = self.out.query.as_bytes();
        let canonical = match bytes.get(i) {
            Some(b'&') => {
                let ok = self.end_item(i);
                self.item_start = i + 1;
                self.eq = None;
                self.key_canonical = true;
                self.value_canonical = true;
                return ok;
            }
            Some(b'=') if self.eq.is_none() => {
                self.eq = Some(i);
                return !self.skips_token(i);
            }
            // An escape stays as it is if it has uppercase hex digits and is needed.
            Some(b'%') => match (
                bytes.get(i + 1).copied().and_then(upper_hex),
                bytes.get(i + 2).copied().and_then(upper_hex),
            ) {
                (Some(h), Some(l)) => !is_unreserved((h << 4) | l),
                _ => false,
            },
            Some(b'=') => false,
            _ => {
                self.out.plain = false;
                false
            }
        };
        if self.eq.is_none() {
            self.key_canonical &= canonical;
        } else {
            self.value_canonical &= canonical;
        }
        true
    }

    /// Whether the item is `X-Amz-Security-Token` and its value, from `start`, is exactly the
    /// token hint, up to a `&` or the end of the query: then the value is canonical (the hint
    /// is: only unreserved bytes and needed escapes, no `&`, `=` or `#`), and a scan of it
    /// would change nothing but find its end. `eq` is the item's first `=`. Sets where the
    /// scan resumes: at the value's end.
    ///
    /// The value is compared in constant time: the hint is the cached credentials' token.
    fn skips_token(&mut self, eq: usize) -> bool {
        let Some(hint) = self.token_hint else {
            return false;
        };
        let bytes = self.out.query.as_bytes();
        let start = eq + 1;
        let end = start + hint.len();
        if bytes.get(self.item_start..eq) != Some(SECURITY_TOKEN.as_bytes()) {
            return false;
        }
        let ends_there = matches!(bytes.get(end), None | Some(b'&'));
        let skip = is_cached_token(bytes.get(start..).unwrap_or_default(), hint, ends_there);
        if skip {
            self.resume = Some(end);
            self.out.token_is_hint = Some(hint);
        }
        skip
    }

    /// A component, borrowed if it is canonical already, re-encoded into `buf` otherwise.
    fn span(&mut self, start: usize, end: usize, canonical: bool) -> Span {
        if canonical {
            Span::query(start, end)
        } else {
            let at = self.out.buf.len();
            reencode_query_component(
                &mut self.out.buf,
                self.out.query.get(start..end).unwrap_or_default(),
            );
            Span::Buf(offset(at), offset(self.out.buf.len()))
        }
    }

    /// Records the item that ends at `end`; `false` for a repeated authentication parameter.
    fn end_item(&mut self, end: usize) -> bool {
        let start = self.item_start;
        if start == end && self.eq.is_none() {
            return true;
        }
        let key_end = self.eq.unwrap_or(end);
        let key = self.span(start, key_end, self.key_canonical);
        let value = match self.eq {
            Some(eq) => self.span(eq + 1, end, self.value_canonical),
            None => Span::query(end, end),
        };
        let pair = Pair { key, value };
        match Auth::find(resolve(self.out.query, &self.out.buf, key)) {
            Some(kind) => match self.out.auth.get_mut(kind.index()) {
                Some(Some(_)) => {
                    self.error = Some(Error::RepeatedParameter { name: kind.name() });
                    return false;
                }
                Some(slot) => *slot = Some(pair),
                None => {}
            },
            None => self.out.pairs.push(pair),
        }
        true
    }
}

impl<'a> QueryRequest<'a> {
    /// Parses a request target in origin form (`/path?query`), as a server receives it.
    pub(crate) fn parse_target(method: &'a str, request_target: &'a str) -> Result<Self, Error> {
        Self::parse_target_with_hint(method, request_target, None)
    }

    /// [`QueryRequest::parse_target`] with a token hint (see [`QueryRequest::parse_with_hint`]).
    pub(crate) fn parse_target_with_hint(
        method: &'a str,
        request_target: &'a str,
        token_hint: Option<&'a str>,
    ) -> Result<Self, Error> {
        if !request_target.starts_with('/') {
            return Err(Error::InvalidUrl {
                reason: "the request target must start with '/' (origin form)".to_owned(),
            });
        }
        let (path, query) = request_target
            .split_once('?')
            .unwrap_or((request_target, ""));
        Self::parse_with_hint(method, path, query, token_hint)
    }

    /// Splits and re-encodes `query`, finding the authentication parameters.
    #[cfg(test)]
    pub(crate) fn parse(method: &'a str, path: &'a str, query: &'a str) -> Result<Self, Error> {
        Self::parse_with_hint(method, path, query, None)
    }

    /// [`QueryRequest::parse`], told that the session token `token_hint` (the expected one, in
    /// canonical encoding) is canonical: a token value that is exactly that text is not
    /// scanned byte by byte. The result is the same as without the hint.
    pub(crate) fn parse_with_hint(
        method: &'a str,
        path: &'a str,
        query: &'a str,
        token_hint: Option<&'a str>,
    ) -> Result<Self, Error> {
        if method != "GET" && !is_token(method) {
            return Err(Error::InvalidMethod {
                method: method.chars().take(64).collect(),
            });
        }
        if query.len() > MAX_QUERY_LEN {
            return Err(Error::InvalidUrl {
                reason: "the query is longer than 1 GiB".to_owned(),
            });
        }
        let mut scan = QueryScan::new(method, path, query, token_hint);
        let mut from = 0;
        let done = loop {
            let rest = query.as_bytes().get(from..).unwrap_or_default();
            if visit_special(
                rest,
                |b| must_escape(b, Keep::Unreserved),
                |i| scan.visit(from + i),
            ) {
                break true;
            }
            match scan.resume.take() {
                Some(at) => from = at,
                None => break false,
            }
        };
        if !(done && scan.end_item(query.len())) {
            return Err(scan.error.unwrap_or(Error::InvalidUrl {
                reason: "the query could not be read".to_owned(),
            }));
        }
        // Finished in place, and moved once, into the result: the request is large.
        let QueryRequest {
            buf, pairs, plain, ..
        } = &mut scan.out;
        let get = |span| resolve(query, buf, span);
        let sorted = pairs.as_slice().windows(2).all(|w| match w {
            [a, b] => (get(a.key), get(a.value)) <= (get(b.key), get(b.value)),
            _ => true,
        });
        if !sorted {
            pairs.as_mut_slice().sort_unstable_by(|a, b| {
                get(a.key)
                    .cmp(get(b.key))
                    .then_with(|| get(a.value).cmp(get(b.value)))
            });
        }
        *plain &= buf.is_empty();
        Ok(scan.out)
    }

    /// Whether the query has any `X-Amz-*` authentication parameter.
    pub(crate) fn has_query_authentication(&self) -> bool {
        self.auth.iter().any(Option::is_some)
    }

    /// Parses the request a client sends for `url`, and its `Host`.
    ///
    /// The URL goes through the presigner's parser ([`Target`]). When the query is plain (every
    /// byte unreserved or a `%`, `&`, `=`: always so for URLs written by SigV4 signers), the
    /// parser would leave it as it is, so only the part before `?` is parsed and the long
    /// query is not scanned twice.
    pub(crate) fn from_url(
        method: &'a str,
        url: &'a str,
        storage: &'a mut UrlStorage,
    ) -> Result<(Self, &'a str), Error> {
        Self::from_url_with_hint(method, url, storage, None, None).map(|request| {
            let host = request.host;
            (request, host)
        })
    }

    /// [`QueryRequest::from_url`] with a token hint (see [`QueryRequest::parse_with_hint`]),
    /// and the host in the request (not moved into a pair with it: the request is large).
    pub(crate) fn from_url_with_hint(
        method: &'a str,
        url: &'a str,
        storage: &'a mut UrlStorage,
        token_hint: Option<&'a str>,
        known_head: Option<&KnownHead>,
    ) -> Result<Self, Error> {
        // (Written as one condition so that the large request is not moved in and out of
        // options on the way.)
        if let Some((head, query)) = split_head(url) {
            // Completed inside the result and returned as it is, not moved out and back.
            let mut quick = Self::parse_with_hint(method, "", query, token_hint);
            if let Ok(request) = &mut quick
                && request.plain
            {
                if let Some(known) = known_head.filter(|known| known.head == head)
                    && let Some((host, path)) = known.parts.apply(head)
                {
                    request.path = path;
                    request.path_is_canonical = known.parts.path_is_canonical;
                    request.host = host;
                    return quick;
                }
                let target = Target::parse_with(head, storage)?;
                request.path = target.path;
                request.path_is_canonical = target.path_is_canonical;
                request.host = target.host;
                request.head = HeadParts::of(head, &target).map(|parts| (head, parts));
                return quick;
            }
        }
        let target = Target::parse_with(url, storage)?;
        let mut request = Self::parse_with_hint(
            method,
            target.path,
            target.query.unwrap_or_default(),
            token_hint,
        )?;
        request.path_is_canonical = target.path_is_canonical;
        request.host = target.host;
        Ok(request)
    }

    #[inline]
    fn get(&self, span: Span) -> &str {
        resolve(self.query, &self.buf, span)
    }

    /// The value of the session token in canonical form (what is signed).
    pub(crate) fn canonical_token(&self) -> Option<&str> {
        self.value(Auth::SecurityToken)
    }

    /// The re-encoded value of an authentication parameter.
    #[inline]
    pub(crate) fn value(&self, auth: Auth) -> Option<&str> {
        let pair = self.auth.get(auth.index()).copied().flatten()?;
        Some(self.get(pair.value))
    }

    fn required(&self, auth: Auth) -> Result<&str, Error> {
        self.value(auth)
            .ok_or_else(|| Error::MissingParameter { name: auth.name() })
    }

    /// The checked authentication parameters.
    pub(crate) fn auth(&self) -> Result<AuthParams<'_>, Error> {
        self.auth_with_hint(None)
    }

    /// [`QueryRequest::auth`], told the cached key: a credential that is exactly the one of
    /// the cached key's access key id and scope (for the URL's date) is taken without being
    /// split and checked again. The result is the same as without the hint.
    pub(crate) fn auth_with_hint(
        &self,
        cached: Option<&CachedKey>,
    ) -> Result<AuthParams<'_>, Error> {
        if self.required(Auth::Algorithm)? != ALGORITHM {
            return Err(Error::MalformedParameter {
                name: Auth::Algorithm.name(),
                reason: "the only algorithm is AWS4-HMAC-SHA256",
            });
        }
        let credential = self.required(Auth::Credential)?;
        let date = parse_amz_date(self.required(Auth::Date)?)?;
        let signed_headers = self.required(Auth::SignedHeaders)?;
        let signature = check_signature(self.required(Auth::Signature)?)?;
        let known = cached.and_then(|key| key.known_credential(credential, &date));
        let (access_key_id, scope) = match known {
            Some(parsed) => parsed,
            None => parse_credential(credential, &date)?,
        };
        let expires = self
            .value(Auth::Expires)
            .map(|v| parse_expires_for(v, scope.service))
            .transpose()?;
        Ok(AuthParams {
            access_key_id,
            scope,
            date,
            expires,
            signed_headers,
            signature,
        })
    }

    /// Writes the canonical request through the crate's one canonical writer, with `token` as
    /// the session token's value, or without the token if `token` is `None`.
    pub(crate) fn write_canonical<N: AsRef<str>, V: AsRef<str>>(
        &self,
        sink: &mut impl crate::sink::Sink,
        token: Option<&str>,
        headers: &[(N, V)],
    ) {
        self.write_canonical_with_payload(sink, token, headers, EMPTY_PAYLOAD_SHA256);
    }

    /// [`QueryRequest::write_canonical`] with another payload hash.
    pub(crate) fn write_canonical_with_payload<N: AsRef<str>, V: AsRef<str>>(
        &self,
        sink: &mut impl crate::sink::Sink,
        token: Option<&str>,
        headers: &[(N, V)],
        payload_hash: &str,
    ) {
        let write_query = |sink: &mut _| self.write_canonical_query(sink, token);
        match headers {
            [(name, host)]
                if self.method == "GET"
                    && name.as_ref() == "host"
                    && payload_hash == EMPTY_PAYLOAD_SHA256 =>
            {
                write_presigned_get(
                    sink,
                    self.path,
                    self.path_is_canonical,
                    host.as_ref(),
                    write_query,
                );
            }
            _ => write_canonical_request_with(
                sink,
                self.method,
                self.path,
                true,
                write_query,
                headers,
                payload_hash,
            ),
        }
    }

    /// Writes the canonical query: the URL's own parameters merged with the signed
    /// authentication parameters (in canonical order already), joined by `&`, with `token`
    /// as the session token's value (left out if `None`). Parameters that follow each other
    /// in the query too are written as one slice of it, with the `&` before them.
    fn write_canonical_query(&self, sink: &mut impl crate::sink::Sink, token: Option<&str>) {
        let mut out = QueryWriter {
            query: self.query,
            sink,
            first: true,
            run: None,
        };
        let user = self.pairs.as_slice();
        let mut next_user = 0;
        // The next URL parameter and its key.
        let mut next = user.first().map(|u| (u, self.get(u.key)));
        for kind in SIGNED_AUTH {
            let Some(pair) = self.auth.get(kind.index()).and_then(Option::as_ref) else {
                continue;
            };
            let replaced = match kind {
                Auth::SecurityToken => match token {
                    None => continue,
                    // The token's own text: written as the query has it.
                    Some(token) if core::ptr::eq(token, self.get(pair.value)) => None,
                    Some(token) => Some(token),
                },
                _ => None,
            };
            // The key is exactly the parameter's name (see `Auth::find`).
            let key = kind.name();
            while let Some(before) = next.filter(|&(_, k)| key_before(k, key)) {
                out.pair(self, before.0, None);
                next_user += 1;
                next = user.get(next_user).map(|u| (u, self.get(u.key)));
            }
            out.pair(self, pair, replaced);
        }
        for pair in user.get(next_user..).unwrap_or_default() {
            out.pair(self, pair, None);
        }
        out.flush();
    }

    /// Every parameter, authentication ones included, in canonical order.
    #[cfg(test)]
    fn sorted_pairs(&self) -> Vec<(&str, &str)> {
        let mut all: Vec<(&str, &str)> = self
            .pairs
            .as_slice()
            .iter()
            .chain(self.auth.iter().flatten())
            .map(|p| (self.get(p.key), self.get(p.value)))
            .collect();
        all.sort_unstable();
        all
    }
}

/// The head (before `?`) and query of `url`, when the query can be read apart from the head
/// (see [`QueryRequest::from_url`]): the first `?` comes before any `#`, and the head does not
/// end with a space or control character. The URL parser trims those at the ends of its
/// input, but at the end of the head they are inside the whole URL (`/ ?` has the path
/// `/%20`), so such a URL takes the full parse.
fn split_head(url: &str) -> Option<(&str, &str)> {
    let mut first = None;
    visit_special(
        url.as_bytes(),
        |b| b == b'?' || b == b'#',
        |i| {
            first = Some(i);
            false
        },
    );
    first
        .filter(|&at| url.as_bytes().get(at) == Some(&b'?'))
        .and_then(|at| Some((url.get(..at)?, url.get(at + 1..)?)))
        .filter(|(head, _)| head.as_bytes().last().is_some_and(|&b| b > b' '))
}

/// Writes canonical query parameters, gathering those that follow each other in the query
/// (`key=value&key=value`, both borrowed) into one slice of it.
struct QueryWriter<'q, 's, S> {
    query: &'q str,
    sink: &'s mut S,
    /// Whether nothing was written yet.
    first: bool,
    /// The pending slice of the query.
    run: Option<(u32, u32)>,
}

impl<S: crate::sink::Sink> QueryWriter<'_, '_, S> {
    /// Writes a parameter, with `replaced` as its value if given.
    fn pair(&mut self, request: &QueryRequest<'_>, pair: &Pair, replaced: Option<&str>) {
        match (pair.key, pair.value, replaced) {
            (Span::Query(key_start, key_end), Span::Query(value_start, value_end), None)
                if value_start == key_end + 1 =>
            {
                match &mut self.run {
                    Some((_, end)) if key_start == *end + 1 => *end = value_end,
                    _ => {
                        self.flush();
                        self.run = Some((key_start, value_end));
                    }
                }
            }
            (key, value, replaced) => {
                self.flush();
                self.separator();
                self.sink.put(request.get(key));
                self.sink.put("=");
                self.sink
                    .put(replaced.unwrap_or_else(|| request.get(value)));
            }
        }
    }

    /// Writes the pending slice, with the `&` before it (from the query, when it is there).
    fn flush(&mut self) {
        let Some((start, end)) = self.run.take() else {
            return;
        };
        let (start, end) = (start as usize, end as usize);
        let with_amp = start
            .checked_sub(1)
            .filter(|&at| !self.first && self.query.as_bytes().get(at) == Some(&b'&'));
        if let Some(at) = with_amp {
            self.sink.put(self.query.get(at..end).unwrap_or_default());
            return;
        }
        self.separator();
        self.sink
            .put(self.query.get(start..end).unwrap_or_default());
    }

    /// A `&` unless this is the first parameter.
    fn separator(&mut self) {
        if !self.first {
            self.sink.put("&");
        }
        self.first = false;
    }
}

/// Whether key `a` sorts before key `b`; most differ in the first byte (`X-Amz-…` and the
/// URL's own keys).
#[inline]
fn key_before(a: &str, b: &str) -> bool {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x < y,
        _ => a < b,
    }
}

/// Splits `value` at each `%` followed by `hex` (`"2F"` for `/`): an encoded `/`- or
/// `;`-separated list. A `%` followed by anything else stays in the piece (and makes it
/// invalid for the callers, which accept no other escape).
fn split_escaped<'s>(value: &'s str, hex: &'static str) -> impl Iterator<Item = &'s str> + Clone {
    let mut rest = Some(value);
    core::iter::from_fn(move || {
        let current = rest?;
        let mut search = 0;
        // These lists are short: a plain loop beats a search for `%`.
        let bytes = current.as_bytes();
        while let Some(at) = bytes
            .get(search..)
            .and_then(|tail| tail.iter().position(|&b| b == b'%'))
        {
            let at = search + at;
            if current.get(at + 1..at + 3) == Some(hex) {
                rest = current.get(at + 3..);
                return current.get(..at);
            }
            search = at + 1;
        }
        rest = None;
        Some(current)
    })
}

/// The text of `span`.
#[inline]
fn resolve<'s>(query: &'s str, buf: &'s str, span: Span) -> &'s str {
    match span {
        Span::Query(start, end) => query.get(start as usize..end as usize),
        Span::Buf(start, end) => buf.get(start as usize..end as usize),
        Span::Empty => None,
    }
    .unwrap_or_default()
}

/// The value of an uppercase hexadecimal digit.
fn upper_hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The authentication parameters, checked.
pub(crate) struct AuthParams<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) scope: ScopeNames<'a>,
    pub(crate) date: AmzDate,
    pub(crate) expires: Option<u32>,
    /// As in the URL (encoded: `;` is `%3B`).
    pub(crate) signed_headers: &'a str,
    /// 64 lowercase hexadecimal digits (checked).
    pub(crate) signature: &'a str,
}

/// The headers of the request being verified.
pub(crate) enum Headers<'a> {
    /// Only the `Host` of a URL.
    Host(&'a str),
    /// The headers of a received request.
    List(&'a [(&'a str, &'a str)]),
}

impl<'a> Headers<'a> {
    /// The canonical headers for `signed_headers` (the encoded `X-Amz-SignedHeaders`):
    /// lowercase names, sorted, with their normalized values.
    pub(crate) fn canonical(
        &self,
        signed_headers: &'a str,
    ) -> Result<CanonicalHeaders<'a, 'a>, Error> {
        if signed_headers == "host" {
            // What the general path finds for this list, the usual one, without splitting it.
            return Ok(CanonicalHeaders::One([("host", self.value("host")?)]));
        }
        self.canonical_names(split_escaped(signed_headers, "3B"), "X-Amz-SignedHeaders")
    }

    /// The value of the header `name`, or [`Error::MissingHeader`].
    fn value(&self, name: &str) -> Result<Cow<'a, str>, Error> {
        match self {
            Self::Host(host) if name == "host" => Some(Cow::Borrowed(*host)),
            Self::Host(_) => None,
            Self::List(list) => joined_header(list, name),
        }
        .ok_or_else(|| Error::MissingHeader {
            name: name.to_owned(),
        })
    }

    /// [`Headers::canonical`] for the header names `names`, from the field `field`.
    pub(crate) fn canonical_names<'s>(
        &self,
        names: impl Iterator<Item = &'s str> + Clone,
        field: &'static str,
    ) -> Result<CanonicalHeaders<'s, 'a>, Error> {
        let mut previous: Option<&str> = None;
        let mut has_host = false;
        for name in names.clone() {
            if name.is_empty()
                || !is_token(name)
                || name.bytes().any(|b| b.is_ascii_uppercase() || b == b'%')
            {
                return Err(Error::MalformedParameter {
                    name: field,
                    reason: "expected lowercase header names separated by ';', such as host",
                });
            }
            if previous.is_some_and(|last| last >= name) {
                return Err(Error::MalformedParameter {
                    name: field,
                    reason: "the header names must be sorted and listed once each",
                });
            }
            previous = Some(name);
            has_host |= name == "host";
        }
        if !has_host {
            return Err(Error::MalformedParameter {
                name: field,
                reason: "the host header must be signed",
            });
        }
        let value = |name: &'s str| self.value(name);
        let mut rest = names.clone().skip(1);
        if rest.next().is_none() {
            // Only `host`, as in every browser's presigned URL: nothing to allocate.
            return Ok(CanonicalHeaders::One([("host", value("host")?)]));
        }
        let mut out = Vec::with_capacity(4);
        for name in names {
            out.push((name, value(name)?));
        }
        Ok(CanonicalHeaders::Many(out))
    }
}

/// Canonical headers: lowercase names, sorted, with their values.
pub(crate) enum CanonicalHeaders<'s, 'a> {
    One([(&'s str, Cow<'a, str>); 1]),
    Many(Vec<(&'s str, Cow<'a, str>)>),
}

impl fmt::Debug for CanonicalHeaders<'_, '_> {
    /// The names only: a signed `x-amz-security-token` is a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(name, _)| name))
            .finish()
    }
}

impl<'s, 'a> core::ops::Deref for CanonicalHeaders<'s, 'a> {
    type Target = [(&'s str, Cow<'a, str>)];

    fn deref(&self) -> &Self::Target {
        match self {
            Self::One(one) => one,
            Self::Many(many) => many,
        }
    }
}

/// The values of header `name` in `list`, normalized and joined with `,`.
fn joined_header<'a>(list: &[(&str, &'a str)], name: &str) -> Option<Cow<'a, str>> {
    let mut values = list
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v);
    let first = values.next()?;
    let mut rest = values.peekable();
    if rest.peek().is_none() && !first.bytes().any(|b| b.is_ascii_whitespace()) {
        return Some(Cow::Borrowed(first));
    }
    let mut joined = normalize_header_value(first);
    for value in rest {
        joined.push(',');
        joined.push_str(&normalize_header_value(value));
    }
    Some(Cow::Owned(joined))
}

/// Parses `YYYYMMDD'T'HHMMSS'Z'`: a valid UTC date and time from 1970 to 9999.
pub(crate) fn parse_amz_date(value: &str) -> Result<AmzDate, Error> {
    let err = || Error::MalformedParameter {
        name: Auth::Date.name(),
        reason: "expected a UTC time as YYYYMMDD'T'HHMMSS'Z', such as 20200131T100233Z",
    };
    let Ok(bytes) = <[u8; 16]>::try_from(value.as_bytes()) else {
        return Err(err());
    };
    if bytes.get(8) != Some(&b'T') || bytes.get(15) != Some(&b'Z') {
        return Err(err());
    }
    // The digits' values, without parsing text.
    let number = |from: usize, to: usize| -> Option<i64> {
        bytes.get(from..to)?.iter().try_fold(0i64, |n, &b| {
            let digit = b.wrapping_sub(b'0');
            (digit < 10).then(|| n * 10 + i64::from(digit))
        })
    };
    let unix = (|| {
        let (year, month, day) = (number(0, 4)?, number(4, 6)?, number(6, 8)?);
        let (hour, minute, second) = (number(9, 11)?, number(11, 13)?, number(13, 15)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        let valid = year >= 1970
            && (1..=month_days).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then(|| {
            days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second
        })
    })();
    unix.map(|unix| AmzDate::from_checked_parts(bytes, unix))
        .ok_or_else(err)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year from 1970, month
/// 1 to 12), counting in 400-year eras of 146,097 days from 1 March of year 0.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Years start on 1 March, so that the leap day is the last day of the year.
    let year = if month <= 2 { year - 1 } else { year };
    let (era, year_of_era) = (year / 400, year % 400);
    let march_based_month = (month + 9) % 12;
    let day_of_year = (153 * march_based_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Checks that `value` is 64 lowercase hex digits, without decoding them: the signature is
/// compared in that form ([`signature_matches`]).
pub(crate) fn check_signature(value: &str) -> Result<&str, Error> {
    let bytes = value.as_bytes();
    // Branch-free over all the bytes, so that the compiler can vectorize it.
    let invalid = bytes.iter().fold(0u8, |invalid, &b| {
        let digit = u8::from(b.wrapping_sub(b'0') < 10);
        let letter = u8::from(b.wrapping_sub(b'a') < 6);
        invalid | ((digit | letter) ^ 1)
    });
    if bytes.len() == 64 && invalid == 0 {
        Ok(value)
    } else {
        Err(Error::MalformedParameter {
            name: Auth::Signature.name(),
            reason: "expected 64 lowercase hexadecimal digits",
        })
    }
}

/// Whether the MAC's result, in lowercase hex, is `signature` (compared in constant time):
/// for a checked signature (64 lowercase hex digits, the one spelling of its bytes), the same
/// as comparing the bytes.
pub(crate) fn signature_matches(mac: HmacSha256, signature: &str) -> bool {
    let tag: [u8; 32] = mac.finalize().into_bytes().into();
    constant_time_eq(Hex64::new(&tag).as_bytes(), signature.as_bytes())
}

/// The region and service of a credential scope, checked as [`Scope::new`] checks them, not
/// yet copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScopeNames<'a> {
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
}

impl<'a> ScopeNames<'a> {
    /// The names, if [`Scope::new`] accepts them.
    fn new(region: &'a str, service: &'a str) -> Option<Self> {
        (is_scope_name(region) && is_scope_name(service)).then_some(Self { region, service })
    }

    pub(crate) fn region(self) -> &'a str {
        self.region
    }

    pub(crate) fn service(self) -> &'a str {
        self.service
    }

    /// The owned scope (never an error: the names were checked).
    pub(crate) fn to_scope(self) -> Result<Scope, Error> {
        Scope::new(self.region, self.service)
    }
}

impl PartialEq<Scope> for ScopeNames<'_> {
    fn eq(&self, other: &Scope) -> bool {
        self.region == other.region() && self.service == other.service()
    }
}

/// Parses the encoded `X-Amz-Credential` (`/` appears as `%2F`).
fn parse_credential<'a>(
    value: &'a str,
    date: &AmzDate,
) -> Result<(&'a str, ScopeNames<'a>), Error> {
    parse_credential_parts(split_escaped(value, "2F"), date)
}

/// Checks the parts of a credential, `{access key id}/{YYYYMMDD}/{region}/{service}/aws4_request`.
pub(crate) fn parse_credential_parts<'a>(
    mut parts: impl Iterator<Item = &'a str>,
    date: &AmzDate,
) -> Result<(&'a str, ScopeNames<'a>), Error> {
    let malformed = |reason| Error::MalformedCredential { reason };
    let (Some(access_key_id), Some(day), Some(region), Some(service), Some(terminator), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(malformed("it does not have five parts separated by '/'"));
    };
    if access_key_id.is_empty()
        || access_key_id.len() > 128
        || !access_key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(malformed(
            "the access key id is not 1 to 128 ASCII letters, digits or underscores",
        ));
    }
    if day != date.date() {
        return Err(malformed("its date is not the date of X-Amz-Date"));
    }
    let scope = ScopeNames::new(region, service)
        .ok_or_else(|| malformed("the region or service is not a valid AWS name"))?;
    if terminator != "aws4_request" {
        return Err(malformed("it does not end with aws4_request"));
    }
    Ok((access_key_id, scope))
}

/// Parses `X-Amz-Expires`: whole seconds from 1 to the limit of the scope's `service`.
fn parse_expires_for(value: &str, service: &str) -> Result<u32, Error> {
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::MalformedParameter {
            name: Auth::Expires.name(),
            reason: "expected a whole number of seconds, such as 300",
        });
    }
    // At most 10 digits: no overflow.
    let seconds = value
        .bytes()
        .fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    let max = Rules::of(service).max_expires;
    match u32::try_from(seconds) {
        Ok(s) if (1..=max).contains(&s) => Ok(s),
        _ => Err(Error::ExpiresOutOfRange {
            seconds,
            max,
            service: service.to_owned(),
        }),
    }
}

/// Checks the URL's session token against the credentials' token, both encoded (the URL's is
/// re-encoded, so both are in canonical form and equal exactly when the tokens are).
fn check_token(given: Option<&str>, expected: Option<&str>) -> Result<(), Error> {
    match (given, expected) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Error::SessionTokenMismatch {
            reason: "the URL has no X-Amz-Security-Token, but the access key is temporary and \
                     needs its session token",
        }),
        (Some(_), None) => Err(Error::SessionTokenMismatch {
            reason: "the URL has an X-Amz-Security-Token, but the access key is long-term and \
                     has none",
        }),
        (Some(given), Some(expected)) => {
            if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
                Ok(())
            } else {
                Err(Error::SessionTokenMismatch {
                    reason: "X-Amz-Security-Token is not the access key's session token",
                })
            }
        }
    }
}

/// Whether the URL's token value, which starts `value` and (as the caller found) ends where
/// `cached` would end if `ends_there`, is `cached`, the cached credentials' token in
/// canonical encoding. Both tests run whatever the other found (`&`, not `&&`), and the
/// bytes are compared in constant time, so that the time taken shows no more than whether
/// the URL's token reaches the cached one's length: the cached token may be another
/// caller's. The query scan's token hint and the layout fast path both ask this.
pub(crate) fn is_cached_token(value: &[u8], cached: &str, ends_there: bool) -> bool {
    let same = value
        .get(..cached.len())
        .is_some_and(|prefix| constant_time_eq(prefix, cached.as_bytes()));
    ends_there & same
}

/// Compares two byte strings in time that depends on their lengths only.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let fold = |a: &[u8], b: &[u8]| {
        // Eight bytes at a time.
        let ((a_words, a_rest), (b_words, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
        let words = a_words.iter().zip(b_words).fold(0u64, |acc, (x, y)| {
            acc | (u64::from_ne_bytes(*x) ^ u64::from_ne_bytes(*y))
        });
        a_rest
            .iter()
            .zip(b_rest)
            .fold(words, |acc, (x, y)| acc | u64::from(x ^ y))
    };
    // 64 bytes at a time, the difference so far going through `black_box` after each block:
    // the compiler cannot tell that it is already nonzero, so it cannot stop early.
    let mut diff = 0u64;
    for (x, y) in a.chunks(64).zip(b.chunks(64)) {
        diff = core::hint::black_box(diff | fold(x, y));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::{Date, Month, PrimitiveDateTime, Time};

    #[test]
    fn amz_dates() {
        assert_eq!(
            parse_amz_date("20200131T100233Z").unwrap().date_time(),
            "20200131T100233Z"
        );
        for bad in [
            "",
            "20200131T100233",
            "20200131 100233Z",
            "2020-01-31T10:02:33Z",
            "20200231T100233Z",
            "20201301T100233Z",
            "20200131T240000Z",
            "20200131T100260Z",
            "19691231T235959Z",
            "2020013lT100233Z",
            "+2020131T100233Z",
        ] {
            assert!(
                matches!(
                    parse_amz_date(bad),
                    Err(Error::MalformedParameter {
                        name: "X-Amz-Date",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn signatures() {
        let hex = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";
        assert_eq!(check_signature(hex), Ok(hex));
        for bad in [
            &hex[1..],
            &hex.to_ascii_uppercase(),
            &format!("{hex}0"),
            &hex.replacen('4', "g", 1),
            "",
        ] {
            assert!(check_signature(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn credentials() {
        let date = parse_amz_date("20200131T100233Z").unwrap();
        let (akid, scope) = parse_credential(
            "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request",
            &date,
        )
        .unwrap();
        assert_eq!(akid, "AKIDEXAMPLE");
        assert_eq!(scope, Scope::new("us-east-1", "execute-api").unwrap());
        for bad in [
            "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api",
            "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request%2F",
            "AKIDEXAMPLE%2F20200130%2Fus-east-1%2Fexecute-api%2Faws4_request",
            "AKIDEXAMPLE%2F20200131%2FUS-EAST-1%2Fexecute-api%2Faws4_request",
            "AKIDEXAMPLE%2F20200131%2Fus-east-1%2F%2Faws4_request",
            "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws5_request",
            "%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request",
            "AKID%20X%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request",
            "AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request",
        ] {
            assert!(
                matches!(
                    parse_credential(bad, &date),
                    Err(Error::MalformedCredential { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_signature_check_accepts_exactly_64_lowercase_hex_digits() {
        let hex = "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for n in 0..5_000usize {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bytes = hex.as_bytes().to_vec();
            let at = usize::try_from(state % 64).unwrap();
            bytes[at] = u8::try_from((state >> 8) % 128).unwrap();
            if n % 7 == 0 {
                bytes.truncate(at);
            }
            let value = String::from_utf8(bytes).unwrap();
            let want = value.len() == 64
                && value
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            assert_eq!(check_signature(&value).is_ok(), want, "{value}");
        }
    }

    #[test]
    fn amz_dates_agree_with_the_time_crate() {
        let mut checked = 0;
        let mut check = |text: &str| {
            let fast = parse_amz_date(text);
            assert_eq!(fast, parse_amz_date_with_time_crate(text), "{text}");
            if let Ok(date) = fast {
                assert_eq!(date.date_time(), text);
            }
            checked += 1;
        };
        // Every day (and a few invalid ones) around the ends of the range and over 1970-2110.
        for year in (1960..2110).chain([0, 1, 1600, 1969, 2000, 2100, 2400, 9998, 9999]) {
            for month in 0..=13 {
                for day in 0..=32 {
                    check(&format!("{year:04}{month:02}{day:02}T000000Z"));
                }
            }
        }
        for time in [
            "000000", "235959", "240000", "236000", "235960", "120000", "000059", "99999",
            "0a0000", "000000 ",
        ] {
            for date in ["19700101", "19691231", "20200229", "20210229", "99991231"] {
                check(&format!("{date}T{time}Z"));
            }
        }
        for text in [
            "20200131t100233Z",
            "20200131T100233z",
            "+0200131T100233Z",
            "2020-131T100233Z",
        ] {
            check(text);
        }
        assert!(checked > 70_000);
    }

    /// The former parser, through the `time` crate: the reference for [`parse_amz_date`].
    fn parse_amz_date_with_time_crate(value: &str) -> Result<AmzDate, Error> {
        let err = || Error::MalformedParameter {
            name: Auth::Date.name(),
            reason: "expected a UTC time as YYYYMMDD'T'HHMMSS'Z', such as 20200131T100233Z",
        };
        let bytes = value.as_bytes();
        if bytes.len() != 16 || bytes.get(8) != Some(&b'T') || bytes.get(15) != Some(&b'Z') {
            return Err(err());
        }
        // The digits' values, without parsing text.
        let number = |from: usize, to: usize| -> Option<u16> {
            bytes.get(from..to)?.iter().try_fold(0u16, |n, &b| {
                let digit = b.wrapping_sub(b'0');
                (digit < 10).then(|| n * 10 + u16::from(digit))
            })
        };
        let parsed = (|| {
            let year = i32::from(number(0, 4)?);
            let month = Month::try_from(u8::try_from(number(4, 6)?).ok()?).ok()?;
            let day = u8::try_from(number(6, 8)?).ok()?;
            let hour = u8::try_from(number(9, 11)?).ok()?;
            let minute = u8::try_from(number(11, 13)?).ok()?;
            let second = u8::try_from(number(13, 15)?).ok()?;
            let date = Date::from_calendar_date(year, month, day).ok()?;
            let time = Time::from_hms(hour, minute, second).ok()?;
            AmzDate::new(PrimitiveDateTime::new(date, time).assume_utc()).ok()
        })();
        parsed
            .filter(|d| d.date_time_bytes() == bytes)
            .ok_or_else(err)
    }

    #[test]
    fn the_cached_credential_shortcut_agrees_with_the_parse() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
        let scope = Scope::new("us-east-1", "execute-api").unwrap();
        let signed_at = time::macros::datetime!(2020-01-31 10:02:33 UTC);
        let url = crate::Presigner::new(creds.clone(), scope)
            .presign("wss://h.example.com/", signed_at, Duration::from_secs(60))
            .unwrap();
        let verifier = Verifier::new(creds);
        verifier.verify_url(url.as_str(), signed_at).unwrap();
        let cached = verifier.cached_key().unwrap();
        let date = parse_amz_date("20200131T100233Z").unwrap();
        let good = "AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request";
        assert!(cached.known_credential(good, &date).is_some());
        // Every one-byte change, cut and extension of the credential.
        let mut variants = vec![String::new(), format!("{good}%2F"), format!("x{good}")];
        for at in 0..good.len() {
            variants.push(good[..at].to_owned());
            for byte in ["%", "2", "F", "f", "A", "a", "-", "_", "/", "1", "0"] {
                let mut v = good.to_owned();
                v.replace_range(at..=at, byte);
                variants.push(v);
            }
        }
        for other_date in ["20200131T100233Z", "20200130T100233Z"] {
            let date = parse_amz_date(other_date).unwrap();
            for v in &variants {
                if let Some(known) = cached.known_credential(v, &date) {
                    assert_eq!(Ok(known), parse_credential(v, &date), "{v}");
                    assert_eq!(*v, good.replace("20200131", &other_date[..8]), "{v}");
                }
            }
        }
    }

    #[test]
    fn known_heads_give_what_the_parser_gives() {
        for (head, fast) in [
            (
                "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev",
                true,
            ),
            ("wss://h.example:8443/a/b%3D/@c", true),
            ("ws://h.example/", true),
            ("wss://h.example/d%20v", true),
            ("wss://H.EXAMPLE/dev", false),
            ("wss://h.example:443/a/../b", false),
            ("wss://user@h.example/x y", false),
        ] {
            let mut storage = None;
            let target = Target::parse_with(head, &mut storage).unwrap();
            let parts = HeadParts::of(head, &target);
            // Only the fast path's results, which are slices of the head, are kept.
            assert_eq!(parts.is_some(), fast, "{head}");
            if let Some(parts) = parts {
                assert_eq!(
                    parts.apply(head),
                    Some((target.host, target.path)),
                    "{head}"
                );
                assert_eq!(parts.path_is_canonical, target.path_is_canonical, "{head}");
            }
        }
    }

    #[test]
    fn expiry_limits_follow_the_service() {
        let api = Scope::new("us-east-1", "execute-api").unwrap();
        let transcribe = Scope::new("us-east-1", "transcribe").unwrap();
        assert_eq!(parse_expires_for("604800", api.service()).unwrap(), 604_800);
        assert_eq!(parse_expires_for("300", transcribe.service()).unwrap(), 300);
        assert!(matches!(
            parse_expires_for("301", transcribe.service()),
            Err(Error::ExpiresOutOfRange { max: 300, .. })
        ));
        for bad in ["0", "604801", "99999999999999999999"] {
            assert!(
                matches!(
                    parse_expires_for(bad, api.service()),
                    Err(Error::ExpiresOutOfRange { .. } | Error::MalformedParameter { .. })
                ),
                "{bad}"
            );
        }
        for bad in ["", "-1", "30.5", "%33", " 1"] {
            assert!(matches!(
                parse_expires_for(bad, api.service()),
                Err(Error::MalformedParameter { .. })
            ));
        }
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"a%2Bb", b"a%2Bb"));
        assert!(!constant_time_eq(b"a%2Bb", b"a%2Bc"));
        assert!(!constant_time_eq(b"token", b"token2"));
        assert!(check_token(None, None).is_ok());
        assert!(check_token(Some("a%2Bb"), Some("a%2Bb")).is_ok());
        for (given, expected) in [(None, Some("t")), (Some("t"), None), (Some("t"), Some("u"))] {
            assert!(matches!(
                check_token(given, expected),
                Err(Error::SessionTokenMismatch { .. })
            ));
        }
    }

    #[test]
    fn escaped_lists_split_like_decoded_ones() {
        let split = |v| split_escaped(v, "2F").collect::<Vec<_>>();
        assert_eq!(split("a%2Fb%2F%2Fc"), ["a", "b", "", "c"]);
        assert_eq!(split(""), [""]);
        assert_eq!(split("%2F"), ["", ""]);
        assert_eq!(split("a%2fb%3Bc%2"), ["a%2fb%3Bc%2"]);
        assert_eq!(split("a%%2Fb"), ["a%", "b"]);
    }

    #[test]
    fn auth_parameters_are_found_by_their_exact_names() {
        for kind in Auth::ALL {
            assert_eq!(Auth::find(kind.name()), Some(kind));
        }
        assert_eq!(Auth::find("X-Amz-Date"), Some(Auth::Date));
        assert_eq!(
            Auth::find("X-Amz-Security-Token"),
            Some(Auth::SecurityToken)
        );
        assert_eq!(Auth::find("X-Amz-Signature"), Some(Auth::Signature));
        for other in [
            "X-Amz-Dat",
            "X-Amz-Dates",
            "room",
            "",
            "X-Amz-Target",
            "Y-Amz-Date",
            "x-amz-security-token",
            "X-Amz-SignAture",
            "X-AMZ-DATE",
        ] {
            assert_eq!(Auth::find(other), None, "{other}");
        }
    }

    /// Whether the scan of a query borrows `component` (as a value, and as a key) instead of
    /// re-encoding it.
    fn is_canonical(component: &str) -> bool {
        let borrowed = |query: &str, key: bool| {
            let request = QueryRequest::parse("GET", "/", query).unwrap();
            let pair = request.pairs.as_slice()[0];
            matches!(if key { pair.key } else { pair.value }, Span::Query(..))
        };
        let as_value = borrowed(&format!("k={component}"), false);
        if !component.is_empty() {
            assert_eq!(
                borrowed(&format!("{component}=v"), true),
                as_value,
                "{component}"
            );
        }
        as_value
    }

    #[test]
    fn canonical_components_are_recognized() {
        let long = "A".repeat(100);
        let escapes = "%2B".repeat(40);
        let mixed = format!("{long}%2F{long}%3D%3D");
        let tail = format!("{}%", "a".repeat(31));
        for yes in [
            "",
            "abc-._~XYZ019",
            "a%2Bb",
            "%E1%88%B4",
            "%25",
            &long,
            &escapes,
            &mixed,
        ] {
            assert!(is_canonical(yes), "{yes}");
        }
        let late = format!("{}+", "a".repeat(64));
        let split_escape = format!("{}%2b", "a".repeat(30));
        for no in [
            "a+b",
            "a b",
            "%2b",
            "%41",
            "%7E",
            "%",
            "%2",
            "%zz",
            "a/b",
            "é",
            &late,
            &tail,
            &split_escape,
        ] {
            assert!(!is_canonical(no), "{no}");
        }
    }

    #[test]
    fn canonical_means_reencoding_changes_nothing() {
        // A small deterministic generator over the pieces that matter: unreserved characters,
        // canonical escapes, and escapes or characters that re-encoding changes.
        const PIECES: &[&str] = &[
            "a", "Z", "0", "-", "~", "%2B", "%E1", "%3D", "%2b", "%41", "%7E", "%", "%2", "+", " ",
            "/",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).unwrap()
        };
        let mut canonical = 0;
        for _ in 0..20_000 {
            let len = next() % 60;
            // Mostly unreserved runs, so that long canonical strings occur too.
            let text: String = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 8 == 0 {
                        PIECES[r / 8 % PIECES.len()]
                    } else {
                        PIECES[r % 5]
                    }
                })
                .collect();
            let mut reencoded = String::new();
            reencode_query_component(&mut reencoded, &text);
            assert_eq!(is_canonical(&text), reencoded == text, "{text:?}");
            canonical += usize::from(reencoded == text);
        }
        assert!((2_000..18_000).contains(&canonical), "{canonical}");
    }

    /// The canonical request and host of `url` through [`QueryRequest::from_url`], and
    /// through the full parse of the whole URL.
    /// A canonical request and its host, as text.
    type Parsed = Option<(String, String)>;

    fn both_parses(url: &str) -> (Parsed, Parsed) {
        let show = |request: &QueryRequest<'_>, host: &str| {
            let mut text = String::new();
            let token = request.canonical_token();
            request.write_canonical(&mut text, token, &[("host", host)]);
            (text, host.to_owned())
        };
        let mut storage = None;
        let quick = QueryRequest::from_url("GET", url, &mut storage)
            .ok()
            .map(|(r, h)| show(&r, h));
        let mut storage = None;
        let full = Target::parse_with(url, &mut storage).ok().and_then(|t| {
            let r = QueryRequest::parse("GET", t.path, t.query.unwrap_or_default()).ok()?;
            Some(show(&r, t.host))
        });
        (quick, full)
    }

    #[test]
    fn the_query_shortcut_agrees_with_the_full_parse() {
        for url in [
            "wss://h.example/dev?a=1&b=%2F&X-Amz-Security-Token=ab%2Bc",
            "wss://H.EXAMPLE:443/a/./b/../c?x=%7E&y=a+b",
            "wss://h.example/dev#frag?a=1",
            "wss://h.example/dev?a=1#frag",
            "wss://h.example/dev?a=1\t2",
            "wss://h.example/dev?a=1\n&b=2",
            "wss://h.example/dev?a=\u{e9}&b=\"q\"",
            "wss://h.example/dev?a=1 ",
            " wss://h.example/dev?a=1",
            "wss://h.example/dev?X-Amz-Security-Token=a\tb",
            "wss://h.example/dev?X-Amz-Security-Token=a%2fb",
            "wss://h.example/dev?X-Amz-Security-Token=a b",
            "wss://user:pw@h.example:8443/dev?a=1",
            "wss://h.example?a=1",
            "wss://h.example/dev?",
            "wss://h.example/dev??a=1",
            "wss://h.example/d%20v?a=%41",
            "ws://[::1]:8080/x?k=2&k=1&flag",
            "wss://h.example/dev?a=1&&b=2&=3",
            "wss://h.example/dev/%3F?a=1",
        ] {
            let (quick, full) = both_parses(url);
            assert!(full.is_some(), "{url}");
            assert_eq!(quick, full, "{url:?}");
        }
    }

    #[test]
    fn the_one_pass_split_agrees_with_split_query() {
        const PIECES: &[&str] = &[
            "a", "b", "=", "&", "&&", "%2B", "%2b", "%41", "%", "+", " ", "\u{e9}", "~", "=&",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).unwrap()
        };
        for _ in 0..5_000 {
            let len = next() % 12;
            let query: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
            let request = QueryRequest::parse("GET", "/", &query).unwrap();
            let got = request.sorted_pairs();
            let mut want: Vec<(String, String)> = crate::canonical::split_query(&query)
                .map(|(k, v)| {
                    let (mut key, mut value) = (String::new(), String::new());
                    reencode_query_component(&mut key, k);
                    reencode_query_component(&mut value, v);
                    (key, value)
                })
                .collect();
            want.sort();
            let want: Vec<(&str, &str)> =
                want.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(got, want, "{query:?}");
        }
    }

    #[test]
    fn the_token_hint_changes_nothing() {
        let hint = "ab%2Bc%2F%3D";
        let show = |r: Result<QueryRequest<'_>, Error>| {
            r.map(|r| {
                let mut text = String::new();
                r.write_canonical(&mut text, r.canonical_token(), &[("host", "h")]);
                (format!("{:?}", r.sorted_pairs()), r.plain, text)
            })
        };
        for query in [
            "X-Amz-Security-Token=ab%2Bc%2F%3D",
            "X-Amz-Security-Token=ab%2Bc%2F%3D&a=1",
            "a=1&X-Amz-Security-Token=ab%2Bc%2F%3D&b=2",
            "X-Amz-Security-Token=ab%2Bc%2F%3Dx",
            "X-Amz-Security-Token=ab%2Bc%2F%3D=",
            "X-Amz-Security-Token=ab%2Bc%2F%3D#f",
            "X-Amz-Security-Token=ab%2Bc%2F%3",
            "X-Amz-Security-Token=ab%2bc%2F%3D",
            "X-Amz-Security-Token=ab+c/=",
            "X-Amz-Security-Token=ab%2Bc%2F%3D&X-Amz-Security-Token=ab%2Bc%2F%3D",
            "X-Amz-Security-Token=ab%2Bc%2F%3D&X-Amz-Security-Token=x",
            "X-Amz-Security-Token==ab%2Bc%2F%3D",
            "X-Amz-Security-Tokens=ab%2Bc%2F%3D",
            "x-X-Amz-Security-Token=ab%2Bc%2F%3D",
            "X-Amz-Security-Token=ab%2Bc%2F%3D&&",
            "X-Amz-Security-Token",
            "X-Amz-Security-Token=",
        ] {
            let without = show(QueryRequest::parse("GET", "/", query));
            let with = show(QueryRequest::parse_with_hint("GET", "/", query, Some(hint)));
            assert_eq!(without, with, "{query}");
        }
    }

    #[test]
    fn the_canonical_query_is_the_sorted_signed_parameters() {
        const PIECES: &[&str] = &[
            "a",
            "b",
            "=",
            "&",
            "&&",
            "%2B",
            "%2b",
            "+",
            "~",
            "X-Amz-Date=1",
            "X-Amz-Signature=s",
            "X-Amz-Security-Token=t%2F",
            "X-Amz-Algorithm=x",
            "X-Amz-Expires=",
            "X-Amz-SignedHeaders",
            "X-Amz-Credential=c",
            "X",
            "Y=1",
            "W",
            "x=",
            "&X-Amz-Expires=3",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).unwrap()
        };
        for _ in 0..20_000 {
            let len = next() % 14;
            let query: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
            let Ok(request) = QueryRequest::parse("GET", "/", &query) else {
                continue;
            };
            for token in [None, request.canonical_token(), Some("<redacted>")] {
                let mut got = String::new();
                request.write_canonical_query(&mut got, token);
                let want: Vec<String> = request
                    .sorted_pairs()
                    .into_iter()
                    .filter(|(k, _)| *k != "X-Amz-Signature")
                    .filter_map(|(k, v)| match k {
                        "X-Amz-Security-Token" => Some(format!("{k}={}", token?)),
                        _ => Some(format!("{k}={v}")),
                    })
                    .collect();
                assert_eq!(got, want.join("&"), "{query:?} {token:?}");
            }
        }
    }

    #[test]
    fn borrowed_and_reencoded_components_sort_together() {
        let request = QueryRequest::parse("GET", "/", "b=%7E&a=x+y&c=%2F&a=%20").unwrap();
        let pairs: Vec<(&str, &str)> = request
            .pairs
            .as_slice()
            .iter()
            .map(|p| (request.get(p.key), request.get(p.value)))
            .collect();
        assert_eq!(
            pairs,
            [("a", "%20"), ("a", "x%2By"), ("b", "~"), ("c", "%2F")]
        );
    }

    #[test]
    fn signed_header_lists() {
        let host = Headers::Host("h.example");
        assert_eq!(host.canonical("host").unwrap().len(), 1);
        for (list, want_missing) in [
            ("content-type%3Bhost", true),
            ("host%3Bhost", false),
            ("x%3Bhost", false),
            ("Host", false),
            ("", false),
            ("content-type", false),
            ("host%3B", false),
        ] {
            let err = host.canonical(list).unwrap_err();
            if want_missing {
                assert!(matches!(err, Error::MissingHeader { .. }), "{list}: {err}");
            } else {
                assert!(
                    matches!(err, Error::MalformedParameter { .. }),
                    "{list}: {err}"
                );
            }
        }
        let received = [
            ("Host", "h.example"),
            ("X-Multi", " a  b "),
            ("x-multi", "c"),
        ];
        let list = Headers::List(&received);
        let headers = list.canonical("host%3Bx-multi").unwrap();
        assert_eq!(headers[0].1, "h.example");
        assert_eq!(headers[1].1, "a b,c");
    }
}

/// A verifier whose cache is warm (which gives the query scan its token hint and shares its
/// scope with the results) decides every URL as a cold one does: same result, same error.
#[cfg(test)]
mod warm_cache_property {
    use core::time::Duration;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use time::macros::datetime;

    use crate::{Credentials, Presigner, Scope, Verifier};

    fn case() -> impl Strategy<Value = (String, String, &'static str, Vec<(usize, u8)>)> {
        let token = prop_oneof![
            3 => "[A-Za-z0-9/+=]{1,60}",
            1 => "[!-~]{1,30}",
        ];
        let query = "[a-zA-Z0-9%+=&~._-]{0,16}";
        let service = prop::sample::select(&["execute-api", "iotdevicegateway"][..]);
        // Bytes that matter to the scan: escapes, separators, hex digits in either case.
        let byte = prop::sample::select(&b"%&=#+ 2FfAa0~"[..]);
        let edits = prop::collection::vec((any::<usize>(), byte), 0..3);
        (token, query, service, edits)
    }

    #[test]
    fn a_warm_cache_decides_as_a_cold_one() {
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&case(), |(token, query, service, edits)| {
                let creds = Credentials::new("AKIDEXAMPLE", "secret/key+", Some(&token))
                    .map_err(|e| TestCaseError::reject(e.to_string()))?;
                let scope = Scope::new("us-east-1", service).unwrap();
                let signed_at = datetime!(2020-01-31 10:02:33 UTC);
                let now = signed_at + Duration::from_secs(10);
                let Ok(url) = Presigner::new(creds.clone(), scope).presign(
                    &format!("wss://h.example.com/dev?{query}"),
                    signed_at,
                    Duration::from_secs(300),
                ) else {
                    return Ok(());
                };
                let warm = Verifier::new(creds.clone());
                prop_assert!(
                    warm.verify_url(url.as_str(), now).is_ok(),
                    "{}",
                    url.as_str()
                );
                let mut bytes = url.as_str().as_bytes().to_vec();
                for (at, byte) in edits {
                    let len = bytes.len();
                    if let Some(b) = bytes.get_mut(at % len) {
                        *b = byte;
                    }
                }
                let edited = String::from_utf8(bytes).unwrap();
                let cold = Verifier::new(creds.clone());
                prop_assert_eq!(
                    warm.verify_url(&edited, now),
                    cold.verify_url(&edited, now),
                    "{}",
                    edited
                );
                // And through the request target, with the cache filled by the URL above.
                let target = edited.get(edited.find("/dev").unwrap_or(0)..).unwrap_or("");
                let headers = [("host", "h.example.com")];
                let cold = Verifier::new(creds);
                prop_assert_eq!(
                    warm.verify_request("GET", target, &headers, now),
                    cold.verify_request("GET", target, &headers, now),
                    "{}",
                    target
                );
                Ok(())
            })
            .unwrap();
    }
}
