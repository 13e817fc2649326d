//! Presigning a URL: [`presign_url`] and the reusable [`Presigner`].
//!
//! Both run the same single pass: the presigned URL is written once into its final `String`
//! (the only allocation), the canonical request is streamed into SHA-256 from slices of that
//! string, and the signature is written into the space left for it. Nothing is parsed, encoded
//! or formatted twice.

use core::fmt;
use core::time::Duration;
use std::sync::{Mutex, PoisonError};

use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use zeroize::Zeroize as _;

use crate::amz_date::AmzDate;
use crate::canonical::{
    SECURITY_TOKEN, split_query, write_presigned_get, write_presigned_get_head,
    write_presigned_get_tail,
};
use crate::credentials::{Credentials, Redacted};
use crate::encode::{Keep, encode_into, encoded_len, reencode_query_component};
use crate::error::Error;
use crate::inline_vec::InlineVec;
use crate::scope::{CredentialScope, Scope};
use crate::service::Rules;
use crate::signing_key::{HmacSha256, Signature, SigningKey, keyed};
use crate::sink::{Hex64, Sink};
use crate::string_to_sign::{ScopeTail, write_head, write_rest};
use crate::target::{Target, UrlStorage};

/// The query parameters the signer adds; a URL that already has one of them is refused.
const RESERVED: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    SECURITY_TOKEN,
];

/// Whether the session token is part of the signature.
///
/// AWS IoT Core wants `X-Amz-Security-Token` appended *after* signing; every other service
/// signs it like any other parameter. In both cases it is emitted as the URL's last parameter,
/// after `X-Amz-Signature`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Unsigned for [`service::IOT`](crate::service::IOT) (`iotdevicegateway`), signed for
    /// every other service.
    #[default]
    ServiceDefault,
    /// Always part of the canonical query.
    Signed,
    /// Never part of the canonical query; appended after signing.
    Unsigned,
}

/// Optional settings for signing; `SigningOptions::default()` is right for every service in
/// the [service table](crate::service).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SigningOptions {
    session_token: SessionTokenMode,
}

impl SigningOptions {
    /// Overrides where the session token goes (see [`SessionTokenMode`]).
    #[must_use]
    pub fn session_token(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    pub(crate) fn signs_token(&self, rules: Rules) -> bool {
        match self.session_token {
            SessionTokenMode::ServiceDefault => rules.sign_token,
            SessionTokenMode::Signed => true,
            SessionTokenMode::Unsigned => false,
        }
    }
}

/// A presigned URL.
///
/// It is a bearer credential: anyone who has it can connect until it expires. So `Debug`
/// replaces the values of `X-Amz-Signature` and `X-Amz-Security-Token` with `<redacted>`, and
/// there is deliberately no `Display`: use [`PresignedUrl::as_str`] where the URL is needed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PresignedUrl(String);

impl PresignedUrl {
    /// The URL.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL as a `String`.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }

    /// The URL with the signature and session token replaced by `<redacted>`, for logs.
    ///
    /// ```
    /// use sigv4_wss::{Credentials, Scope, presign_url};
    /// use std::time::Duration;
    /// use time::macros::datetime;
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("TOKEN"))?;
    /// let url = presign_url(
    ///     "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev",
    ///     &creds,
    ///     &Scope::new("us-east-1", "execute-api")?,
    ///     datetime!(2020-01-31 10:02:33 UTC),
    ///     Duration::from_secs(300),
    /// )?;
    /// let shown = format!("{} {:?}", url.redacted(), url.redacted());
    /// assert!(shown.contains("X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>"));
    /// assert!(!shown.contains("TOKEN"));
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    #[must_use]
    pub fn redacted(&self) -> RedactedUrl<'_> {
        RedactedUrl(&self.0)
    }
}

impl AsRef<str> for PresignedUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PresignedUrl> for String {
    fn from(url: PresignedUrl) -> Self {
        url.0
    }
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PresignedUrl({})", self.redacted())
    }
}

/// A URL shown with the values of `X-Amz-Signature` and `X-Amz-Security-Token` replaced by
/// `<redacted>`, by `Display` and `Debug` alike.
#[derive(Clone, Copy)]
pub struct RedactedUrl<'a>(&'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({self})")
    }
}

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((head, query)) = self.0.split_once('?') else {
            return f.write_str(self.0);
        };
        f.write_str(head)?;
        f.write_str("?")?;
        for (i, item) in query.split('&').enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            let key = item.split_once('=').map_or(item, |(k, _)| k);
            if key.eq_ignore_ascii_case("X-Amz-Signature")
                || key.eq_ignore_ascii_case(SECURITY_TOKEN)
            {
                write!(f, "{key}=<redacted>")?;
            } else {
                f.write_str(item)?;
            }
        }
        Ok(())
    }
}

/// Presigns `url` for a WebSocket (or plain HTTP `GET`) connection: the cold path, with every
/// derived value computed on the call. Use a [`Presigner`] to presign many URLs with the same
/// credentials.
///
/// `time` is the signing time (pass `OffsetDateTime::now_utc()`, corrected for clock skew if
/// you know it; the library never reads a clock, so it runs on `wasm32-unknown-unknown`).
/// `expires` becomes `X-Amz-Expires`: a whole number of seconds from 1 to 604800 (7 days),
/// at most 300 for Transcribe. It is always emitted. (API Gateway accepts a connection only
/// within about 5 minutes of the signing time whatever it says; sign just before connecting.)
///
/// What is signed is what the client sends:
///
/// - the URL is parsed the way browsers do (WHATWG): scheme and host lowercased, a default
///   port (`ws`/`http` 80, `wss`/`https` 443) dropped, spaces and non-ASCII characters in the
///   path percent-encoded (and `[`, `]`, `^`, `|`, which RFC 3986 forbids there and clients
///   send differently), `.`/`..` segments resolved; the fragment is dropped (it is never
///   sent, and a browser's `WebSocket` refuses a URL that has one); userinfo stays in the URL
///   but is never part of the signed `Host`;
/// - `[`, `]`, `^` and `|` in the path are percent-encoded too: some clients send them as
///   they are and others encode them, so the URL carries them encoded, which every client
///   sends unchanged;
/// - the signed `Host` is the lowercase host plus `:port` when the port is not the default;
/// - the canonical path is the path as sent, normalized (`//` collapsed) and percent-encoded
///   once more: `/@connections/abc%3D` signs as `/%40connections/abc%253D`;
/// - the existing query parameters are kept, in their order: each is split at its first `=`
///   (a bare key means an empty value), percent-decoded (`+` is a plus, not a space) and
///   encoded again with the RFC 3986 unreserved set; the URL is written with that same
///   encoding, so a space is sent as `%20` and a `+` as `%2B`;
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
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
///
/// In the browser (`wasm32-unknown-unknown`) the standard library has no clock, so
/// `OffsetDateTime::now_utc()` panics there unless the `time` crate's `wasm-bindgen` feature
/// is on. Either turn it on, or take the time from JavaScript yourself, for example
/// `Date.now()` (milliseconds since 1970, from `js_sys::Date::now()` or an argument of your
/// `wasm-bindgen` function):
///
/// ```
/// use sigv4_wss::{Credentials, Scope, presign_url};
/// use std::time::Duration;
/// use time::OffsetDateTime;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let date_now: f64 = 1_580_464_953_000.0; // what JavaScript's Date.now() returned
/// let time = OffsetDateTime::from_unix_timestamp((date_now / 1000.0).floor() as i64)?;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let scope = Scope::new("us-east-1", "execute-api")?;
/// let url = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
/// let presigned = presign_url(url, &creds, &scope, time, Duration::from_secs(300))?;
/// // The same URL as for datetime!(2020-01-31 10:02:33 UTC) above.
/// assert!(presigned.as_str().contains("X-Amz-Date=20200131T100233Z&"));
/// assert!(presigned.as_str().ends_with("X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// - the URL: [`Error::RelativeUrl`], [`Error::UnsupportedScheme`], [`Error::MissingHost`],
///   [`Error::InvalidUrl`], [`Error::ReservedParameter`] (it already has `X-Amz-*`
///   authentication parameters);
/// - [`Error::ExpiresOutOfRange`], [`Error::ExpiresNotWholeSeconds`];
/// - [`Error::TimeOutOfRange`] for a time before 1970 or after 9999;
/// - [`Error::UrlTooLong`] when the result exceeds the service's limit (API Gateway
///   WebSocket URLs: 4096 characters).
pub fn presign_url(
    url: &str,
    credentials: &Credentials,
    scope: &Scope,
    time: OffsetDateTime,
    expires: Duration,
) -> Result<PresignedUrl, Error> {
    presign_url_with_options(
        url,
        credentials,
        scope,
        time,
        expires,
        &SigningOptions::default(),
    )
}

/// [`presign_url`] with [`SigningOptions`].
///
/// # Errors
///
/// As [`presign_url`].
pub fn presign_url_with_options(
    url: &str,
    credentials: &Credentials,
    scope: &Scope,
    time: OffsetDateTime,
    expires: Duration,
    options: &SigningOptions,
) -> Result<PresignedUrl, Error> {
    let rules = Rules::of(scope.service());
    let signer = Signer {
        access_key_id: credentials.access_key_id(),
        scope,
        rules,
        token: credentials.session_token().map(Token::Raw),
        sign_token: options.signs_token(rules),
        scope_tail: ScopeTail::Of(scope),
    };
    let mut out = String::new();
    signer.presign_into(url, time, expires, &mut out, &Derive(credentials))?;
    Ok(PresignedUrl(out))
}

/// Where a presign gets its signing key and the pieces cached with it: derived on the call
/// ([`Derive`]) or from a [`Presigner`]'s cache.
trait KeySource {
    /// Whether [`KeySource::keep_prefix`] keeps anything (if not, the canonical request is
    /// hashed in fewer pieces).
    const KEEPS_PREFIX: bool;

    /// Appends [`Signer::write_auth_head`]'s output for `date` to `out` and returns the HMAC
    /// state keyed with the date's signing key, with the string to sign's [head](write_head)
    /// written; and, when `path` is given and a state was kept for it on this date, puts the
    /// SHA-256 state after the canonical request's [stable prefix](stable_prefix_state) in `prefix`
    /// (an out-parameter: returning the two states together costs a copy of both).
    fn begin_auth(
        &self,
        signer: &Signer<'_>,
        date: &AmzDate,
        out: &mut String,
        path: Option<&str>,
        prefix: &mut Option<Sha256>,
    ) -> HmacSha256;

    /// Offers `state`, the SHA-256 state after the stable prefix of `path` on `date`, for the
    /// next presign.
    fn keep_prefix(&self, date: &AmzDate, path: &str, state: &Sha256);
}

/// The HMAC state keyed with the signing key of `credentials`, `scope` and `date`'s day, with
/// the string to sign's [head](write_head) for `date` written.
fn keyed_with_head(credentials: &Credentials, scope: &Scope, date: &AmzDate) -> HmacSha256 {
    let mut mac = SigningKey::derive_for_date(
        credentials.secret_access_key(),
        date.date_bytes(),
        scope.region(),
        scope.service(),
    )
    .mac();
    write_head(&mut mac, date);
    mac
}

/// The key derived on the call, for [`presign_url`]: nothing is kept.
struct Derive<'a>(&'a Credentials);

impl KeySource for Derive<'_> {
    const KEEPS_PREFIX: bool = false;

    fn begin_auth(
        &self,
        signer: &Signer<'_>,
        date: &AmzDate,
        out: &mut String,
        _: Option<&str>,
        _: &mut Option<Sha256>,
    ) -> HmacSha256 {
        signer.write_auth_head(date, out);
        keyed_with_head(self.0, signer.scope, date)
    }

    fn keep_prefix(&self, _: &AmzDate, _: &str, _: &Sha256) {}
}

/// A reusable presigner for one set of credentials, region and service.
///
/// It caches what does not change between calls: the signing key of the current UTC date
/// (derived on first use and again whenever the date changes) with the `X-Amz-Algorithm`,
/// `X-Amz-Credential` and `X-Amz-Date` parameters up to that date, the percent-encoded
/// session token, and the service's rules. It also keeps the SHA-256 state after the start
/// of the last canonical request (`GET`, the path and the authentication parameters up to
/// the time of day) when the URL's own parameters sort after the `X-Amz-*` ones (such as
/// `?room=lobby`): presigning the same path again on the same date then hashes two blocks
/// fewer. The kept state is compared by path and date and holds nothing secret. A presign
/// then costs little more than the SHA-256 and HMAC it cannot avoid, and allocates only the
/// returned URL ([`Presigner::presign_into`] reuses the caller's buffer and allocates nothing
/// once it is large enough). Its URLs are byte-identical to [`presign_url`]'s. It is
/// `Send + Sync`: share one behind an `Arc`.
///
/// ```
/// use sigv4_wss::{Credentials, Presigner, Scope};
/// use std::time::Duration;
/// use time::macros::datetime;
///
/// let presigner = Presigner::new(
///     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?,
///     Scope::new("us-east-1", "execute-api")?,
/// );
/// let mut url = String::new();
/// for room in ["lobby", "kitchen"] {
///     presigner.presign_into(
///         &format!("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room={room}"),
///         datetime!(2020-01-31 10:02:33 UTC),
///         Duration::from_secs(300),
///         &mut url,
///     )?;
///     assert!(url.contains(&format!("room={room}&X-Amz-Algorithm=AWS4-HMAC-SHA256&")));
/// }
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
pub struct Presigner {
    credentials: Credentials,
    scope: Scope,
    options: SigningOptions,
    rules: Rules,
    /// `&X-Amz-Security-Token={encoded token}` (see [`Token::Encoded`]).
    encoded_token: Option<String>,
    /// The string to sign's credential scope after its date ([`ScopeTail`]).
    scope_tail: String,
    cache: Mutex<DateCache>,
}

/// What a [`Presigner`] caches for one UTC date.
struct DateCache {
    /// The date (`YYYYMMDD`) and the HMAC state keyed with its signing key, once derived, with
    /// the string to sign's [head](write_head) already written.
    key: Option<([u8; 8], HmacSha256)>,
    /// [`Signer::write_auth_head`] for that date. Its capacity is reserved up front, so that
    /// neither the first presign nor a change of date allocates.
    auth_head: String,
    /// The SHA-256 state after the last [stable prefix](stable_prefix_state) on that date,
    /// for the path `prefix_path` (whose capacity, reserved up front, is the longest path
    /// kept).
    prefix: Option<Sha256>,
    prefix_path: String,
}

/// The longest URL path whose [stable prefix](stable_prefix_state) a [`Presigner`] (or a
/// [`Verifier`](crate::Verifier)) keeps.
pub(crate) const MAX_KEPT_PATH: usize = 256;

impl Presigner {
    /// A presigner with the default options.
    #[must_use]
    pub fn new(credentials: Credentials, scope: Scope) -> Self {
        Self::with_options(credentials, scope, SigningOptions::default())
    }

    /// A presigner with `options`.
    #[must_use]
    pub fn with_options(credentials: Credentials, scope: Scope, options: SigningOptions) -> Self {
        let encoded_token = credentials.session_token().map(|token| {
            let mut s = String::with_capacity(
                TOKEN_PARAM_PREFIX.len() + encoded_len(token.as_bytes(), Keep::Unreserved),
            );
            s.push_str(TOKEN_PARAM_PREFIX);
            encode_into(&mut s, token, Keep::Unreserved);
            s
        });
        let auth_head = String::with_capacity(auth_head_len(credentials.access_key_id(), &scope));
        let mut scope_tail = String::new();
        ScopeTail::Of(&scope).write(&mut scope_tail);
        Self {
            rules: Rules::of(scope.service()),
            credentials,
            scope,
            options,
            encoded_token,
            scope_tail,
            cache: Mutex::new(DateCache {
                key: None,
                auth_head,
                prefix: None,
                prefix_path: String::with_capacity(MAX_KEPT_PATH),
            }),
        }
    }

    /// The credentials it signs with.
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The region and service it signs for.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Presigns `url`; see [`presign_url`] for the rules and the arguments.
    ///
    /// # Errors
    ///
    /// As [`presign_url`].
    pub fn presign(
        &self,
        url: &str,
        time: OffsetDateTime,
        expires: Duration,
    ) -> Result<PresignedUrl, Error> {
        let mut out = String::new();
        self.presign_into(url, time, expires, &mut out)?;
        Ok(PresignedUrl(out))
    }

    /// Presigns `url` into `out`, replacing its contents; allocates only if `out` is too small.
    /// On error `out` is left empty.
    ///
    /// # Errors
    ///
    /// As [`presign_url`].
    pub fn presign_into(
        &self,
        url: &str,
        time: OffsetDateTime,
        expires: Duration,
        out: &mut String,
    ) -> Result<(), Error> {
        let signer = Signer {
            access_key_id: self.credentials.access_key_id(),
            scope: &self.scope,
            rules: self.rules,
            token: self.encoded_token.as_deref().map(Token::Encoded),
            sign_token: self.options.signs_token(self.rules),
            scope_tail: ScopeTail::Cached(&self.scope_tail),
        };
        signer.presign_into(url, time, expires, out, self)
    }
}

impl KeySource for Presigner {
    const KEEPS_PREFIX: bool = true;

    /// From the cache (refreshed first if the date changed). The lock is held only for the
    /// copies.
    fn begin_auth(
        &self,
        signer: &Signer<'_>,
        date: &AmzDate,
        out: &mut String,
        path: Option<&str>,
        prefix: &mut Option<Sha256>,
    ) -> HmacSha256 {
        let mut day = [0u8; 8];
        day.copy_from_slice(date.date_bytes().get(..8).unwrap_or(&[0; 8]));
        // A poisoned lock only means another thread panicked while holding it; the cache is
        // refreshed as a whole below, so it is never half-written: keep using it.
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let cache = &mut *cache;
        let mac = match &cache.key {
            Some((cached_day, mac)) if *cached_day == day => mac.clone(),
            _ => {
                let mac = keyed_with_head(&self.credentials, &self.scope, date);
                cache.auth_head.clear();
                signer.write_auth_head(date, &mut cache.auth_head);
                cache.key = Some((day, mac.clone()));
                cache.prefix = None;
                mac
            }
        };
        out.push_str(&cache.auth_head);
        if let Some(kept) = &cache.prefix
            && path == Some(cache.prefix_path.as_str())
        {
            *prefix = Some(kept.clone());
        }
        mac
    }

    /// Keeps `state` if `path` fits the space reserved for it and the cache is still for
    /// `date`; never allocates.
    fn keep_prefix(&self, date: &AmzDate, path: &str, state: &Sha256) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let same_day = cache
            .key
            .as_ref()
            .is_some_and(|(day, _)| date.date_bytes().get(..8) == Some(&day[..]));
        if same_day && path.len() <= cache.prefix_path.capacity() {
            cache.prefix_path.clear();
            cache.prefix_path.push_str(path);
            cache.prefix = Some(state.clone());
        }
    }
}

impl Drop for Presigner {
    /// Zeroizes the encoded session token, and overwrites the cached HMAC state, which signs
    /// like the signing key it was keyed with.
    ///
    /// The `hmac` crate offers no zeroization without its `zeroize` feature, which would wipe
    /// every HMAC and SHA-256 state the warm path drops (a measurable cost per presign); so
    /// the state is replaced in place by one keyed with nothing, and `black_box` keeps that
    /// store from being optimized away (best effort, unlike `zeroize`'s volatile writes).
    fn drop(&mut self) {
        self.encoded_token.zeroize();
        let cache = self.cache.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, mac)) = &mut cache.key {
            *mac = keyed(&[]);
            core::hint::black_box(&*mac);
        }
    }
}

impl fmt::Debug for Presigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presigner")
            .field("credentials", &self.credentials)
            .field("scope", &self.scope)
            .field("options", &self.options)
            .field("signing_key", &Redacted)
            .finish_non_exhaustive()
    }
}

/// The session token: as given (the cold path encodes it straight into the URL) or already
/// percent-encoded (cached by a [`Presigner`]) as the whole parameter with the `&` in front,
/// `&X-Amz-Security-Token={encoded}`, which is written to the URL and hashed as one piece.
#[derive(Clone, Copy)]
enum Token<'a> {
    Raw(&'a str),
    Encoded(&'a str),
}

/// What comes before the encoded session token in a URL.
pub(crate) const TOKEN_PARAM_PREFIX: &str = "&X-Amz-Security-Token=";
/// What comes between `X-Amz-Date`'s value and `X-Amz-Expires`' in a presigned URL.
pub(crate) const EXPIRES_PARAM_PREFIX: &str = "&X-Amz-Expires=";
/// The signed headers of every presigned URL, after `X-Amz-Expires`.
pub(crate) const SIGNED_HEADERS_PARAM: &str = "&X-Amz-SignedHeaders=host";
/// What comes before the signature, after [`SIGNED_HEADERS_PARAM`].
pub(crate) const SIGNATURE_PARAM_PREFIX: &str = "&X-Amz-Signature=";
/// [`SIGNED_HEADERS_PARAM`] and [`SIGNATURE_PARAM_PREFIX`], written as one piece.
const SIGNED_HEADERS_AND_SIGNATURE: &str = "&X-Amz-SignedHeaders=host&X-Amz-Signature=";

/// Writes the part of the authentication parameters that depends only on the credentials,
/// the scope and the date:
/// `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={YYYYMMDD}T`.
/// A [`Presigner`] caches it per date, the verifier's fast path compares URLs with it.
pub(crate) fn write_auth_head(
    out: &mut String,
    access_key_id: &str,
    scope: &Scope,
    date: &AmzDate,
) {
    out.push_str(ALGORITHM_PARAM);
    out.push_str("&X-Amz-Credential=");
    out.push_str(access_key_id);
    out.push_str("%2F");
    CredentialScope::new(date, scope).write(out, "%2F");
    out.push_str("&X-Amz-Date=");
    out.put_ascii(date.date_bytes());
    out.push('T');
}

/// The SHA-256 state after the canonical request's stable prefix: `GET\n{canonical path}\n`
/// and `auth_head` ([`write_auth_head`]'s output, fixed for a date). When the URL's own query
/// [`is_simple_query`] (its parameters all sort after the authentication parameters), that
/// prefix is the same for every presign of the same path on the same date (only the time of
/// day follows it), so a [`Presigner`] keeps the state after it, and so does the verifier's
/// fast path (its `KeptPrefix`): for a path such as `/dev` the prefix is over 128 bytes, two
/// SHA-256 blocks that are then not compressed again.
///
/// Both keep the state for the path text alone: whether the URL parser read the path as its
/// own canonical URI (`path_is_canonical`, written as it is) or not (normalized and encoded),
/// the same text gives the same bytes, because the parser sets the flag only when encoding
/// would change nothing (`fast_path_agrees_with_the_parser_wherever_it_applies` in
/// `target.rs` checks it).
pub(crate) fn stable_prefix_state(path: &str, path_is_canonical: bool, auth_head: &str) -> Sha256 {
    let mut state = Sha256::new();
    write_presigned_get_head(&mut state, path, path_is_canonical);
    state.put(auth_head);
    state
}

/// Everything a presign needs besides the URL, time, expiry and key.
struct Signer<'a> {
    access_key_id: &'a str,
    scope: &'a Scope,
    rules: Rules,
    token: Option<Token<'a>>,
    sign_token: bool,
    scope_tail: ScopeTail<'a>,
}

/// Where a query parameter sits in the output: `out[start..end]` is `key=value`, with the
/// `=` at `eq`.
#[derive(Clone, Copy, Default)]
struct Param {
    start: usize,
    eq: usize,
    end: usize,
}

impl Param {
    fn key<'s>(&self, out: &'s str) -> &'s [u8] {
        out.as_bytes().get(self.start..self.eq).unwrap_or_default()
    }

    fn value<'s>(&self, out: &'s str) -> &'s [u8] {
        out.as_bytes()
            .get(self.eq + 1..self.end)
            .unwrap_or_default()
    }
}

/// The URL's own query parameters, to be sorted: none yet (most URLs record none, see
/// [`is_simple_query`]), on the stack for up to 16, on the heap beyond.
type Params = InlineVec<Param, 16>;

/// A signed authentication parameter: `key=value` in the output, or the session token taken
/// from a [`Presigner`]'s cache (it is appended to the output only after the signature).
#[derive(Clone, Copy)]
enum AuthParam<'t> {
    InOut(Param),
    /// `&X-Amz-Security-Token={encoded}`, with the `&`.
    CachedToken(&'t str),
}

impl AuthParam<'_> {
    fn key<'s>(&'s self, out: &'s str) -> &'s [u8] {
        match self {
            Self::InOut(param) => param.key(out),
            Self::CachedToken(_) => SECURITY_TOKEN.as_bytes(),
        }
    }
}

/// The authentication parameters that are signed, in canonical (sorted) order: algorithm,
/// credential, date, expires, the session token when it is signed, signed headers.
struct AuthParams<'t> {
    params: [AuthParam<'t>; 6],
    len: usize,
}

impl<'t> AuthParams<'t> {
    fn as_slice(&self) -> &[AuthParam<'t>] {
        self.params.get(..self.len).unwrap_or_default()
    }
}

/// What [`Signer::write_url`] leaves for signing: the signed authentication parameters, where
/// the signature goes, and whether the session token is still to be appended after it.
struct Layout<'t> {
    auth: AuthParams<'t>,
    /// Where the URL's own query is in the output when it [`is_simple_query`] (and so is not
    /// recorded in the URL's parameters).
    simple_query: Option<(usize, usize)>,
    /// Where the time of day of `X-Amz-Date` starts: what comes before it in the canonical
    /// request is the [stable prefix](stable_prefix_state) (for a simple query).
    time_at: usize,
    signature_at: usize,
    token_after_signature: Option<&'t str>,
}

/// The decimal digits of `n` (values 0 to 9, not ASCII), right-aligned in a buffer, and how
/// many there are.
fn digits(n: u32) -> ([u8; 10], usize) {
    let mut buf = [0; 10];
    let mut n = n;
    let mut count = 0;
    for d in buf.iter_mut().rev() {
        #[allow(clippy::cast_possible_truncation, reason = "a digit is < 10")]
        {
            *d = (n % 10) as u8;
        }
        n /= 10;
        count += 1;
        if n == 0 {
            break;
        }
    }
    (buf, count)
}

/// Checks `expires` against SigV4's and the service's limits.
pub(crate) fn expires_secs(expires: Duration, rules: Rules, service: &str) -> Result<u32, Error> {
    if expires.subsec_nanos() != 0 {
        return Err(Error::ExpiresNotWholeSeconds { expires });
    }
    let seconds = expires.as_secs();
    match u32::try_from(seconds) {
        Ok(s) if (1..=rules.max_expires).contains(&s) => Ok(s),
        _ => Err(Error::ExpiresOutOfRange {
            seconds,
            max: rules.max_expires,
            service: service.to_owned(),
        }),
    }
}

/// The length of a raw query component once decoded and encoded again (what
/// [`reencode_query_component`] writes).
fn reencoded_len(raw: &str) -> usize {
    let mut len = 0;
    for &b in raw.as_bytes() {
        if b == b'%' {
            let mut counter = LenCounter(0);
            reencode_query_component(&mut counter, raw);
            return counter.0;
        }
        len += if Keep::Unreserved.keeps(b) { 1 } else { 3 };
    }
    len
}

/// A [`Sink`] that only counts.
struct LenCounter(usize);

impl Sink for LenCounter {
    fn put(&mut self, s: &str) {
        self.0 += s.len();
    }
}

/// `X-Amz-Algorithm=AWS4-HMAC-SHA256`: the first authentication parameter.
const ALGORITHM_PARAM: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256";

/// The length of [`Signer::write_auth_head`]'s output.
fn auth_head_len(access_key_id: &str, scope: &Scope) -> usize {
    ALGORITHM_PARAM.len()
        + "&X-Amz-Credential=".len()
        + credential_len(access_key_id, scope)
        + "&X-Amz-Date=YYYYMMDDT".len()
}

/// The length of the value of `X-Amz-Credential` in a URL:
/// `{access key id}%2F{YYYYMMDD}%2F{region}%2F{service}%2Faws4_request`.
fn credential_len(access_key_id: &str, scope: &Scope) -> usize {
    access_key_id.len()
        + "%2FYYYYMMDD%2F".len()
        + scope.region().len()
        + "%2F".len()
        + scope.service().len()
        + "%2Faws4_request".len()
}

impl<'a> Signer<'a> {
    fn presign_into<K: KeySource>(
        &self,
        url: &str,
        time: OffsetDateTime,
        expires: Duration,
        out: &mut String,
        keys: &K,
    ) -> Result<(), Error> {
        out.clear();
        let expires = expires_secs(expires, self.rules, self.scope.service())?;
        let date = AmzDate::new(time)?;
        let mut storage: UrlStorage = None;
        let target = Target::parse_with(url, &mut storage)?;
        let mut user_params = Params::new();
        let mut prefix = None;
        let (layout, mut mac) = self
            .write_url(
                &target,
                &date,
                expires,
                &mut user_params,
                out,
                keys,
                &mut prefix,
            )
            .inspect_err(|_| out.clear())?;
        self.sign(
            &target,
            &date,
            &layout,
            &mut user_params,
            out,
            &mut mac,
            prefix,
            keys,
        );
        let hex = Signature::from_mac(mac).hex();
        if layout.signature_at == out.len() {
            out.push_str(hex.as_str());
            if let Some(token) = layout.token_after_signature {
                out.push_str(token);
            }
        } else if out.is_char_boundary(layout.signature_at) {
            // A raw session token was encoded after `X-Amz-Signature=` to be hashed from the
            // output; the signature goes in front of it.
            out.insert_str(layout.signature_at, hex.as_str());
        }
        Ok(())
    }

    /// Writes the part of the authentication parameters that depends only on the
    /// credentials, the scope and the date:
    /// `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={YYYYMMDD}T`.
    /// A [`Presigner`] caches it per date.
    fn write_auth_head(&self, date: &AmzDate, out: &mut String) {
        write_auth_head(out, self.access_key_id, self.scope, date);
    }

    /// The exact length of the URL [`Signer::write_url`] writes, or with a raw session token
    /// an upper bound (the token is not scanned twice).
    fn url_capacity(&self, target: &Target<'_>, plain_query: bool, expires_digits: usize) -> usize {
        let query = target.query.unwrap_or_default();
        let query = if plain_query {
            // Written as it is, plus a `&` after it.
            query.len() + usize::from(!query.is_empty())
        } else {
            split_query(query)
                .map(|(key, value)| 2 + reencoded_len(key) + reencoded_len(value))
                .sum()
        };
        let token = match self.token {
            Some(Token::Raw(t)) => TOKEN_PARAM_PREFIX.len() + 3 * t.len(),
            Some(Token::Encoded(t)) => t.len(),
            None => 0,
        };
        // `?`, the URL's own parameters each with a `&` after it, then the authentication
        // parameters.
        target.head.len()
            + "?".len()
            + query
            + auth_head_len(self.access_key_id, self.scope)
            + "HHMMSSZ&X-Amz-Expires=".len()
            + expires_digits
            + SIGNED_HEADERS_AND_SIGNATURE.len()
            + 64
            + token
    }

    /// Writes the URL up to `X-Amz-Signature=` (followed, for a raw session token, by the
    /// encoded token: the signature is inserted in front of it later), and records the URL's
    /// own parameters in `user_params`. `keys` appends [`Signer::write_auth_head`]'s output
    /// and gives the keyed HMAC state (and in `prefix` the SHA-256 state after the
    /// [stable prefix](stable_prefix_state) if it kept one). Returns where the other
    /// parameters and the signature are, and the HMAC state.
    #[allow(
        clippy::too_many_arguments,
        reason = "private; the pieces of one presign, passed by reference"
    )]
    fn write_url<K: KeySource>(
        &self,
        target: &Target<'_>,
        date: &AmzDate,
        expires: u32,
        user_params: &mut Params,
        out: &mut String,
        keys: &K,
        prefix: &mut Option<Sha256>,
    ) -> Result<(Layout<'a>, HmacSha256), Error> {
        let (expires_buf, expires_digits) = digits(expires);
        let query = target.query.unwrap_or_default();
        let simple_query = target
            .simple_query
            .unwrap_or_else(|| is_simple_query(query));
        let plain_query = simple_query || is_plain_query(query);
        let capacity = self.url_capacity(target, plain_query, expires_digits);
        if out.capacity() < capacity {
            // `out` is empty: a new buffer is as good, and skips `reserve`'s growth path.
            *out = String::with_capacity(capacity);
        }

        out.push_str(target.head);
        out.push('?');
        let query_start = out.len();
        if simple_query {
            out.push_str(query);
            if !query.is_empty() {
                out.push('&');
            }
        } else {
            write_user_params(query, plain_query, user_params, out)?;
        }

        // X-Amz-Algorithm, X-Amz-Credential, and X-Amz-Date up to the time of day.
        let algorithm_start = out.len();
        let mac = keys.begin_auth(self, date, out, simple_query.then_some(target.path), prefix);
        let algorithm = Param {
            start: algorithm_start,
            eq: algorithm_start + "X-Amz-Algorithm".len(),
            end: algorithm_start + ALGORITHM_PARAM.len(),
        };
        let credential_start = algorithm.end + 1;
        let credential = Param {
            start: credential_start,
            eq: credential_start + "X-Amz-Credential".len(),
            end: credential_start
                + "X-Amz-Credential=".len()
                + credential_len(self.access_key_id, self.scope),
        };
        let date_start = credential.end + 1;
        let time_at = out.len();
        out.put_ascii(date.date_time_bytes().get(9..).unwrap_or_default());
        let date_param = Param {
            start: date_start,
            eq: date_start + "X-Amz-Date".len(),
            end: out.len(),
        };
        out.push_str(EXPIRES_PARAM_PREFIX);
        for &digit in expires_buf.iter().skip(expires_buf.len() - expires_digits) {
            // `from_digit` tells the compiler that the character is ASCII: one byte to push.
            if let Some(c) = char::from_digit(digit.into(), 10) {
                out.push(c);
            }
        }
        let expires_param = Param {
            start: date_param.end + 1,
            eq: date_param.end + 1 + "X-Amz-Expires".len(),
            end: out.len(),
        };
        out.push_str(SIGNED_HEADERS_AND_SIGNATURE);
        let signed_headers = Param {
            start: expires_param.end + 1,
            eq: expires_param.end + 1 + "X-Amz-SignedHeaders".len(),
            end: expires_param.end + SIGNED_HEADERS_PARAM.len(),
        };
        let signature_at = out.len();

        let mut auth = AuthParams {
            params: [
                AuthParam::InOut(algorithm),
                AuthParam::InOut(credential),
                AuthParam::InOut(date_param),
                AuthParam::InOut(expires_param),
                AuthParam::InOut(signed_headers),
                AuthParam::InOut(signed_headers),
            ],
            len: 5,
        };
        let token_after_signature = self.write_token(&mut auth, out);
        // The length once the signature (and a cached token) are in.
        let final_len = out.len() + 64 + token_after_signature.map_or(0, str::len);
        let final_len = final_len.max(out.len() + 64);
        if let Some(max) = self
            .rules
            .max_ws_url_len
            .filter(|_| target.scheme.is_websocket())
            && final_len > max
        {
            return Err(Error::UrlTooLong {
                length: final_len,
                max,
                service: self.scope.service().to_owned(),
            });
        }
        Ok((
            Layout {
                auth,
                simple_query: simple_query.then_some((query_start, query_start + query.len())),
                time_at,
                signature_at,
                token_after_signature,
            },
            mac,
        ))
    }

    /// Handles the session token: a raw one is encoded into `out` now (to be hashed from
    /// there), a cached encoded one is returned to be appended after the signature. Either is
    /// added to the signed parameters when it is signed.
    fn write_token(&self, auth: &mut AuthParams<'a>, out: &mut String) -> Option<&'a str> {
        let (param, after_signature) = match self.token? {
            Token::Raw(t) => {
                // The `&` stays right in front of the parameter: the canonical query hashes it
                // from here too.
                out.push_str(TOKEN_PARAM_PREFIX);
                let value_start = out.len();
                encode_into(out, t, Keep::Unreserved);
                let param = Param {
                    start: value_start - "X-Amz-Security-Token=".len(),
                    eq: value_start - 1,
                    end: out.len(),
                };
                (AuthParam::InOut(param), None)
            }
            Token::Encoded(t) => (AuthParam::CachedToken(t), Some(t)),
        };
        if self.sign_token {
            // Canonical order: X-Amz-Security-Token sorts before X-Amz-SignedHeaders.
            // The sixth entry already holds X-Amz-SignedHeaders.
            if let Some(slot) = auth.params.get_mut(4) {
                *slot = param;
            }
            auth.len = 6;
        }
        after_signature
    }

    /// Hashes the canonical request (built from slices of `out`, after the state `prefix`
    /// when `keys` kept one) and writes the rest of the string to sign into `mac` (by
    /// reference: the HMAC state is large, and moving it is a copy).
    #[allow(
        clippy::too_many_arguments,
        reason = "private; the pieces of one presign, passed by reference"
    )]
    fn sign<K: KeySource>(
        &self,
        target: &Target<'_>,
        date: &AmzDate,
        layout: &Layout<'_>,
        user_params: &mut Params,
        out: &str,
        mac: &mut HmacSha256,
        prefix: Option<Sha256>,
        keys: &K,
    ) {
        let user_params = user_params.as_mut_slice();
        if let Some((start, end)) = layout.simple_query {
            let query = out.get(start..end).unwrap_or_default();
            let auth = layout.auth.as_slice();
            let hasher = match auth.first() {
                Some(AuthParam::InOut(algorithm)) if K::KEEPS_PREFIX && is_simple_layout(auth) => {
                    let mut hasher = prefix.unwrap_or_else(|| {
                        let hasher = stable_prefix_state(
                            target.path,
                            target.path_is_canonical,
                            out.get(algorithm.start..layout.time_at).unwrap_or_default(),
                        );
                        keys.keep_prefix(date, target.path, &hasher);
                        hasher
                    });
                    write_simple_canonical_query(&mut hasher, out, auth, query, layout.time_at);
                    write_presigned_get_tail(&mut hasher, target.host);
                    hasher
                }
                _ => {
                    let mut hasher = Sha256::new();
                    write_presign_canonical_request_with(&mut hasher, target, |sink| {
                        write_simple_canonical_query(sink, out, auth, query, 0);
                    });
                    hasher
                }
            };
            self.sign_hash(date, hasher.finalize().into(), mac);
            return;
        }
        if user_params.len() > 1 {
            user_params.sort_unstable_by(|a, b| {
                a.key(out)
                    .cmp(b.key(out))
                    .then_with(|| a.value(out).cmp(b.value(out)))
            });
        }
        let mut hasher = Sha256::new();
        write_presign_canonical_request(
            &mut hasher,
            target,
            out,
            user_params,
            layout.auth.as_slice(),
        );
        self.sign_hash(date, hasher.finalize().into(), mac);
    }

    /// Writes the rest of the string to sign, with the canonical request's hash, into `mac`,
    /// which has its [head](write_head) already.
    fn sign_hash(&self, date: &AmzDate, hash: [u8; 32], mac: &mut HmacSha256) {
        write_rest(mac, date, self.scope_tail, Hex64::new(&hash).as_bytes());
    }
}

/// Whether the URL's own `query` can be signed as it is, after the authentication
/// parameters: it [`is_plain_query`] (or is empty), its items are in canonical order (by key,
/// then value), and every key starts with a byte that sorts after `X` (so after every
/// authentication parameter), other than `x`. This is the usual case, such as `room=lobby`:
/// the canonical query is then the authentication parameters, `&`, and `query`.
pub(crate) fn is_simple_query(query: &str) -> bool {
    let bytes = query.as_bytes();
    let mut previous: Option<(&[u8], &[u8])> = None;
    let mut item_ok = |start: usize, eq: Option<usize>, end: usize| {
        let Some(eq) = eq else { return false };
        let (Some(key), Some(value)) = (bytes.get(start..eq), bytes.get(eq + 1..end)) else {
            return false;
        };
        // Every `X-Amz-*` key starts with `X`: a key that starts with a greater byte sorts
        // after them all. One that starts with `x` might be a reserved name in another case:
        // the general path refuses those.
        let ok = key.first().is_some_and(|&b| b > b'X' && b != b'x')
            && previous.is_none_or(|p| (key, value) >= p);
        previous = Some((key, value));
        ok
    };
    let (mut start, mut eq) = (0, None);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'&' => {
                if !item_ok(start, eq, i) {
                    return false;
                }
                (start, eq) = (i + 1, None);
            }
            b'=' if eq.is_none() => eq = Some(i),
            _ if Keep::Unreserved.keeps(b) => {}
            _ => return false,
        }
    }
    query.is_empty() || item_ok(start, eq, bytes.len())
}

/// Whether re-encoding `query` (see [`write_user_params`]) leaves it as it is: only
/// unreserved characters, `&` and `=`, no empty item, and exactly one `=` in each item.
fn is_plain_query(query: &str) -> bool {
    let mut item_len = 0;
    let mut equals = 0;
    for &b in query.as_bytes() {
        match b {
            b'&' => {
                if item_len == 0 || equals != 1 {
                    return false;
                }
                item_len = 0;
                equals = 0;
                continue;
            }
            b'=' => equals += 1,
            _ if Keep::Unreserved.keeps(b) => {}
            _ => return false,
        }
        item_len += 1;
    }
    query.is_empty() || (item_len > 0 && equals == 1)
}

/// [`write_user_params`] for a query that [`is_plain_query`]: it is copied as it is.
fn write_plain_user_params(
    query: &str,
    user_params: &mut Params,
    out: &mut String,
) -> Result<(), Error> {
    if query.is_empty() {
        return Ok(());
    }
    let base = out.len();
    out.push_str(query);
    out.push('&');
    let mut start = 0;
    let mut eq = 0;
    for (i, &b) in query.as_bytes().iter().enumerate() {
        match b {
            b'=' => eq = i,
            b'&' => {
                check_not_reserved(query.get(start..eq).unwrap_or_default())?;
                user_params.push(Param {
                    start: base + start,
                    eq: base + eq,
                    end: base + i,
                });
                start = i + 1;
            }
            _ => {}
        }
    }
    check_not_reserved(query.get(start..eq).unwrap_or_default())?;
    user_params.push(Param {
        start: base + start,
        eq: base + eq,
        end: base + query.len(),
    });
    Ok(())
}

/// Refuses a URL parameter named like one the signer adds (in any case).
fn check_not_reserved(encoded_key: &str) -> Result<(), Error> {
    match RESERVED
        .iter()
        .find(|n| n.eq_ignore_ascii_case(encoded_key))
    {
        Some(name) => Err(Error::ReservedParameter {
            name: (*name).to_owned(),
        }),
        None => Ok(()),
    }
}

/// Writes the URL's own query parameters, each re-encoded (unless the query [is
/// plain](is_plain_query)) and followed by `&`, and records where they are.
fn write_user_params(
    query: &str,
    plain: bool,
    user_params: &mut Params,
    out: &mut String,
) -> Result<(), Error> {
    if plain {
        return write_plain_user_params(query, user_params, out);
    }
    for (key, value) in split_query(query) {
        let start = out.len();
        reencode_query_component(out, key);
        let eq = out.len();
        check_not_reserved(out.get(start..eq).unwrap_or_default())?;
        out.push('=');
        reencode_query_component(out, value);
        user_params.push(Param {
            start,
            eq,
            end: out.len(),
        });
        out.push('&');
    }
    Ok(())
}

/// Writes the canonical query: the URL's own parameters (sorted) merged with the
/// authentication parameters (already in order), joined by `&`. Parameters that follow each
/// other in `out` too are written as one slice. A URL parameter never has the key of an
/// authentication parameter (those are refused), so comparing keys is enough to merge.
fn write_canonical_query(sink: &mut impl Sink, out: &str, user: &[Param], auth: &[AuthParam<'_>]) {
    let (mut u, mut a) = (0, 0);
    // The pending slice of `out`, and whether anything was written before it.
    let mut run: Option<(usize, usize)> = None;
    let mut first = true;
    loop {
        let param = match (user.get(u), auth.get(a)) {
            (Some(x), Some(y)) if key_before(x.key(out), y.key(out)) => {
                u += 1;
                AuthParam::InOut(*x)
            }
            (_, Some(y)) => {
                a += 1;
                *y
            }
            (Some(x), None) => {
                u += 1;
                AuthParam::InOut(*x)
            }
            (None, None) => break,
        };
        match param {
            AuthParam::InOut(param) => match &mut run {
                Some((_, end)) if param.start == *end + 1 => *end = param.end,
                _ => {
                    if let Some((start, end)) = run.replace((param.start, param.end)) {
                        put_param(sink, out.get(start..end).unwrap_or_default(), &mut first);
                    }
                }
            },
            AuthParam::CachedToken(token) => {
                if let Some((start, end)) = run.take() {
                    put_param(sink, out.get(start..end).unwrap_or_default(), &mut first);
                }
                // The cached parameter starts with its `&`.
                put_param(sink, token.get(1..).unwrap_or_default(), &mut first);
            }
        }
    }
    if let Some((start, end)) = run {
        put_param(sink, out.get(start..end).unwrap_or_default(), &mut first);
    }
}

/// [`write_canonical_query`] for a query that [`is_simple_query`]: the authentication
/// parameters, then `query` after a `&`. What comes before `out[from]` is skipped (it was
/// hashed already): `from` is at most the start of `X-Amz-Algorithm`, or the time of day in
/// `X-Amz-Date` when the parameters have one of the two [simple layouts](is_simple_layout)
/// (the only ones [`Signer::write_url`] writes; the general fall-back below writes them all
/// and must not be given a later `from`).
///
/// [`Signer::write_url`] writes `X-Amz-Algorithm` to `X-Amz-Expires` one after the other,
/// then `&X-Amz-SignedHeaders=host&X-Amz-Signature=`: without a signed session token, or with
/// one in between, the parameters are a few slices of `out` (the `&` that ends the last one
/// also joins `query`).
fn write_simple_canonical_query(
    sink: &mut impl Sink,
    out: &str,
    auth: &[AuthParam<'_>],
    query: &str,
    from: usize,
) {
    let slice = |start: usize, end: usize| out.get(start..end).unwrap_or_default();
    let signed_headers_end =
        |signed_headers: &Param| signed_headers.end + usize::from(!query.is_empty());
    match auth {
        [
            AuthParam::InOut(algorithm),
            _,
            _,
            _,
            AuthParam::InOut(signed_headers),
        ] => {
            sink.put(slice(
                from.max(algorithm.start),
                signed_headers_end(signed_headers),
            ));
        }
        [
            AuthParam::InOut(algorithm),
            _,
            _,
            AuthParam::InOut(expires),
            token,
            AuthParam::InOut(signed_headers),
        ] => {
            sink.put(slice(from.max(algorithm.start), expires.end));
            match token {
                // Either way with the `&` in front (see `Signer::write_token`).
                AuthParam::InOut(token) => sink.put(slice(token.start - 1, token.end)),
                AuthParam::CachedToken(token) => sink.put(token),
            }
            sink.put(slice(expires.end, signed_headers_end(signed_headers)));
        }
        _ => {
            write_canonical_query(sink, out, &[], auth);
            if !query.is_empty() {
                sink.put("&");
            }
        }
    }
    sink.put(query);
}

/// Whether `auth` has one of the two layouts of [`write_simple_canonical_query`]: the
/// parameters `X-Amz-Algorithm` to `X-Amz-SignedHeaders` all in the output, with at most the
/// session token from the cache among them. [`Signer::write_url`] only writes those two, so
/// this is a guard: the kept prefix is used only where the query is written from `from` on.
fn is_simple_layout(auth: &[AuthParam<'_>]) -> bool {
    matches!(
        auth,
        [
            AuthParam::InOut(_),
            AuthParam::InOut(_),
            AuthParam::InOut(_),
            AuthParam::InOut(_),
            AuthParam::InOut(_),
        ] | [
            AuthParam::InOut(_),
            AuthParam::InOut(_),
            AuthParam::InOut(_),
            AuthParam::InOut(_),
            _,
            AuthParam::InOut(_),
        ]
    )
}

/// Writes `s`, after a `&` unless it is the first parameter.
fn put_param(sink: &mut impl Sink, s: &str, first: &mut bool) {
    if !*first {
        sink.put("&");
    }
    *first = false;
    sink.put(s);
}

/// The canonical request of a presigned `GET`: only `host` is signed, the payload is empty.
fn write_presign_canonical_request(
    sink: &mut impl Sink,
    target: &Target<'_>,
    out: &str,
    user_params: &[Param],
    auth: &[AuthParam<'_>],
) {
    write_presign_canonical_request_with(sink, target, |sink| {
        write_canonical_query(sink, out, user_params, auth);
    });
}

/// [`write_presign_canonical_request`] with the canonical query written by `write_query`.
fn write_presign_canonical_request_with<S: Sink>(
    sink: &mut S,
    target: &Target<'_>,
    write_query: impl FnOnce(&mut S),
) {
    write_presigned_get(
        sink,
        target.path,
        target.path_is_canonical,
        target.host,
        write_query,
    );
}

/// Whether `a` sorts before `b`. Most URL parameters differ from `X-Amz-…` in the first byte.
#[inline]
fn key_before(a: &[u8], b: &[u8]) -> bool {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x < y,
        _ => a < b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept state is what the next presign of the same path starts from (replacing it
    /// with a wrong one changes the signature), is not used for another path, is dropped at a
    /// change of date, and is not kept for a path longer than [`MAX_KEPT_PATH`].
    #[test]
    #[allow(clippy::unwrap_used, reason = "a test")]
    fn the_stable_prefix_is_kept_per_path_and_date() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
        let scope = Scope::new("us-east-1", "execute-api").unwrap();
        let presigner = Presigner::new(credentials.clone(), scope.clone());
        let time = time::macros::datetime!(2020-01-31 10:02:33 UTC);
        let expires = Duration::from_secs(300);
        // Presigns `url` at `time` and checks it against `presign_url`.
        let check = |url: &str, time| {
            let want = presign_url(url, &credentials, &scope, time, expires).unwrap();
            presigner.presign(url, time, expires).unwrap() == want
        };
        let kept_path = || {
            let cache = presigner.cache.lock().unwrap();
            cache.prefix.as_ref().map(|_| cache.prefix_path.clone())
        };
        let spoil = || presigner.cache.lock().unwrap().prefix = Some(Sha256::new());
        let url = "wss://h.example/dev?room=lobby";
        assert!(check(url, time));
        assert_eq!(kept_path().as_deref(), Some("/dev"));
        spoil();
        assert!(!check(url, time), "the kept state is not used");
        // Another path replaces it.
        let other = "wss://h.example/prod?room=lobby";
        assert!(check(other, time));
        assert_eq!(kept_path().as_deref(), Some("/prod"));
        assert!(check(url, time));
        // A query that is not simple, on the kept path, neither uses nor replaces it.
        spoil();
        assert!(check("wss://h.example/dev?A=1", time));
        assert_eq!(kept_path().as_deref(), Some("/dev"));
        assert!(!check(url, time));
        // A new date drops it.
        let next_day = time + Duration::from_secs(86_400);
        spoil();
        assert!(check(url, next_day));
        // Too long a path is signed but not kept.
        let long = format!("wss://h.example/{}", "a".repeat(MAX_KEPT_PATH));
        assert!(check(&long, next_day));
        assert_eq!(kept_path().as_deref(), Some("/dev"));
    }

    /// A state computed for one date is not kept once the cache has moved on to another (a
    /// thread may compute it while another changes the date).
    #[test]
    #[allow(clippy::unwrap_used, reason = "a test")]
    fn a_prefix_for_another_date_is_not_kept() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
        let scope = Scope::new("us-east-1", "execute-api").unwrap();
        let presigner = Presigner::new(credentials.clone(), scope.clone());
        let (day1, day2) = (
            time::macros::datetime!(2020-01-31 23:59:59 UTC),
            time::macros::datetime!(2020-02-01 00:00:00 UTC),
        );
        let expires = Duration::from_secs(300);
        let url = "wss://h.example/dev?room=lobby";
        presigner.presign(url, day2, expires).unwrap();
        KeySource::keep_prefix(
            &presigner,
            &AmzDate::new(day1).unwrap(),
            "/dev",
            &Sha256::new(),
        );
        assert_eq!(
            presigner.presign(url, day2, expires).unwrap(),
            presign_url(url, &credentials, &scope, day2, expires).unwrap()
        );
        // The same call for the cache's own date is kept (and spoils the next presign).
        KeySource::keep_prefix(
            &presigner,
            &AmzDate::new(day2).unwrap(),
            "/dev",
            &Sha256::new(),
        );
        assert_ne!(
            presigner.presign(url, day2, expires).unwrap(),
            presign_url(url, &credentials, &scope, day2, expires).unwrap()
        );
    }

    #[test]
    fn simple_queries_are_canonical_sorted_and_after_the_auth_parameters() {
        for query in [
            "",
            "room=lobby",
            "a=1&b=2",
            "a=1&a=2",
            "a=1&a=1",
            "a=&a-b=1",
            "z=",
            "Y=1",
            "_a=1",
            "~=1",
            "room=Lobby~.-_",
        ] {
            assert!(is_simple_query(query), "{query:?}");
        }
        for query in [
            // Not in canonical order.
            "b=2&a=1",
            "a=2&a=1",
            "a-b=1&a=1",
            // Sorts before an authentication parameter.
            "A=1",
            "X=1",
            "0=1",
            "X-Amz-Abc=1",
            // Might be a reserved name, in any case.
            "x-amz-date=1",
            "X-amz-date=1",
            "X-Amz-Tail=1",
            // Not plain: re-encoding would change it.
            "room",
            "a=b=c",
            "a%20b=1",
            "a=b+c",
            "&a=1",
            "a=1&",
            "a=1&&b=2",
        ] {
            assert!(!is_simple_query(query), "{query:?}");
        }
    }
}
