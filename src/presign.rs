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
    EMPTY_PAYLOAD_SHA256, SECURITY_TOKEN, split_query, write_canonical_request,
};
use crate::credentials::{Credentials, Redacted};
use crate::encode::{Keep, encode_into, encoded_len, reencode_query_component};
use crate::error::Error;
use crate::scope::{CredentialScope, Scope};
use crate::service::Rules;
use crate::signing_key::{HmacSha256, Signature, SigningKey, keyed};
use crate::string_to_sign::{ALGORITHM, StringToSign};
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
///   path percent-encoded, `.`/`..` segments resolved; the fragment is dropped (it is never
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
    };
    let mut out = String::new();
    signer.presign_into(url, time, expires, &mut out, |date| {
        SigningKey::derive(
            credentials.secret_access_key(),
            date.date(),
            scope.region(),
            scope.service(),
        )
        .mac()
    })?;
    Ok(PresignedUrl(out))
}

/// A reusable presigner for one set of credentials, region and service.
///
/// It caches what does not change between calls: the signing key of the current UTC date
/// (derived on first use and again whenever the date changes), the percent-encoded session
/// token, and the service's rules. A presign then costs little more than the SHA-256 and HMAC
/// it cannot avoid, and allocates only the returned URL ([`Presigner::presign_into`] reuses
/// the caller's buffer and allocates nothing once it is large enough). Its URLs are
/// byte-identical to [`presign_url`]'s. It is `Send + Sync`: share one behind an `Arc`.
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
    encoded_token: Option<String>,
    key: Mutex<Option<CachedKey>>,
}

/// The HMAC state keyed with the signing key of one date.
struct CachedKey {
    date: [u8; 8],
    mac: HmacSha256,
}

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
            let mut s = String::with_capacity(encoded_len(token.as_bytes(), Keep::Unreserved));
            encode_into(&mut s, token.as_bytes(), Keep::Unreserved);
            s
        });
        Self {
            rules: Rules::of(scope.service()),
            credentials,
            scope,
            options,
            encoded_token,
            key: Mutex::new(None),
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
        };
        signer.presign_into(url, time, expires, out, |date| self.keyed_mac(date))
    }

    /// The HMAC state for `date`'s signing key, from the cache or derived (and cached).
    fn keyed_mac(&self, date: &AmzDate) -> HmacSha256 {
        let mut day = [0u8; 8];
        day.copy_from_slice(date.date().as_bytes().get(..8).unwrap_or(&[0; 8]));
        // A poisoned lock only means another thread panicked while holding it; the cache is
        // always in a consistent state, so keep using it.
        let mut cache = self.key.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cached) = cache.as_ref().filter(|c| c.date == day) {
            return cached.mac.clone();
        }
        let mac = SigningKey::derive(
            self.credentials.secret_access_key(),
            date.date(),
            self.scope.region(),
            self.scope.service(),
        )
        .mac();
        *cache = Some(CachedKey {
            date: day,
            mac: mac.clone(),
        });
        mac
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
        let cache = self.key.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(cached) = cache {
            cached.mac = keyed(&[]);
            core::hint::black_box(&cached.mac);
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
/// percent-encoded (cached by a [`Presigner`]).
#[derive(Clone, Copy)]
enum Token<'a> {
    Raw(&'a str),
    Encoded(&'a str),
}

/// Everything a presign needs besides the URL, time, expiry and key.
struct Signer<'a> {
    access_key_id: &'a str,
    scope: &'a Scope,
    rules: Rules,
    token: Option<Token<'a>>,
    sign_token: bool,
}

/// Where a query parameter sits in the output: `key` = `out[start..eq]`, value =
/// `out[eq + 1..end]`.
#[derive(Clone, Copy, Default)]
struct Param {
    start: usize,
    eq: usize,
    end: usize,
}

impl Param {
    fn key<'s>(&self, out: &'s str) -> &'s str {
        out.get(self.start..self.eq).unwrap_or_default()
    }

    fn value<'s>(&self, out: &'s str) -> &'s str {
        out.get(self.eq + 1..self.end).unwrap_or_default()
    }
}

/// The parameters to sort: on the stack for up to 16 (the auth parameters plus nine of the
/// URL's own), on the heap beyond.
#[expect(
    clippy::large_enum_variant,
    reason = "the inline variant lives on the stack on purpose: it saves an allocation"
)]
enum Params {
    Inline { buf: [Param; 16], len: usize },
    Heap(Vec<Param>),
}

impl Params {
    fn with_capacity(n: usize) -> Self {
        if n <= 16 {
            Self::Inline {
                buf: [Param::default(); 16],
                len: 0,
            }
        } else {
            Self::Heap(Vec::with_capacity(n))
        }
    }

    fn push(&mut self, param: Param) {
        match self {
            Self::Inline { buf, len } => {
                if let Some(slot) = buf.get_mut(*len) {
                    *slot = param;
                    *len += 1;
                } else {
                    let mut heap = buf.to_vec();
                    heap.push(param);
                    *self = Self::Heap(heap);
                }
            }
            Self::Heap(v) => v.push(param),
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Param] {
        match self {
            Self::Inline { buf, len } => buf.get_mut(..*len).unwrap_or_default(),
            Self::Heap(v) => v,
        }
    }
}

/// Appends `&` unless the query is still empty.
fn push_separator(out: &mut String) {
    if !out.ends_with('?') {
        out.push('&');
    }
}

/// Appends `key=value` (both already encoded) and records where it sits.
fn push_param(
    out: &mut String,
    params: &mut Params,
    key: &str,
    write_value: impl FnOnce(&mut String),
) {
    push_separator(out);
    let start = out.len();
    out.push_str(key);
    let eq = out.len();
    out.push('=');
    write_value(out);
    params.push(Param {
        start,
        eq,
        end: out.len(),
    });
}

/// Writes the decimal digits of `n`.
fn push_u32(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            let digit = (n % 10) as u8;
            *d = b'0' + digit;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.push_str(crate::sink::ascii_str(digits.get(i..).unwrap_or_default()));
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

impl Signer<'_> {
    fn presign_into(
        &self,
        url: &str,
        time: OffsetDateTime,
        expires: Duration,
        out: &mut String,
        key: impl FnOnce(&AmzDate) -> HmacSha256,
    ) -> Result<(), Error> {
        out.clear();
        let expires = expires_secs(expires, self.rules, self.scope.service())?;
        let date = AmzDate::new(time)?;
        let mut storage: UrlStorage = None;
        let target = Target::parse_with(url, &mut storage)?;
        let (mut params, signature_at) = self
            .write_url(&target, &date, expires, out)
            .inspect_err(|_| out.clear())?;
        let signature = self.sign(&target, &date, &mut params, out, key);
        let range = signature_at..signature_at + 64;
        if out.get(range.clone()).is_some() {
            out.replace_range(range, signature.hex().as_str());
        }
        Ok(())
    }

    /// Writes the whole URL with a placeholder for the signature. Returns the parameters to
    /// sign and where the signature goes.
    fn write_url(
        &self,
        target: &Target<'_>,
        date: &AmzDate,
        expires: u32,
        out: &mut String,
    ) -> Result<(Params, usize), Error> {
        let query = target.query.unwrap_or_default();
        let scheme = target.scheme.as_str();
        let token_len = match self.token {
            Some(Token::Raw(t)) => "&X-Amz-Security-Token=".len() + 3 * t.len(),
            Some(Token::Encoded(t)) => "&X-Amz-Security-Token=".len() + t.len(),
            None => 0,
        };
        let capacity = scheme.len()
            + "://".len()
            + target.authority.len()
            + target.path.len()
            + "?".len()
            + 3 * query.len()
            + AUTH_PARAMS_FIXED_LEN
            + self.access_key_id.len()
            + self.scope.region().len()
            + self.scope.service().len()
            + token_len;
        out.reserve(capacity);

        out.push_str(scheme);
        out.push_str("://");
        out.push_str(target.authority);
        out.push_str(target.path);
        out.push('?');

        let user_params = split_query(query).count();
        let mut params = Params::with_capacity(user_params + 6);
        for (key, value) in split_query(query) {
            push_separator(out);
            let start = out.len();
            reencode_query_component(out, key);
            let eq = out.len();
            let encoded_key = out.get(start..eq).unwrap_or_default();
            if let Some(name) = RESERVED
                .iter()
                .find(|n| n.eq_ignore_ascii_case(encoded_key))
            {
                return Err(Error::ReservedParameter {
                    name: (*name).to_owned(),
                });
            }
            out.push('=');
            reencode_query_component(out, value);
            params.push(Param {
                start,
                eq,
                end: out.len(),
            });
        }
        let scope = CredentialScope::new(date, self.scope);
        push_param(out, &mut params, "X-Amz-Algorithm", |o| {
            o.push_str(ALGORITHM);
        });
        push_param(out, &mut params, "X-Amz-Credential", |o| {
            o.push_str(self.access_key_id);
            o.push_str("%2F");
            scope.write(o, "%2F");
        });
        push_param(out, &mut params, "X-Amz-Date", |o| {
            o.push_str(date.date_time());
        });
        push_param(out, &mut params, "X-Amz-Expires", |o| push_u32(o, expires));
        push_param(out, &mut params, "X-Amz-SignedHeaders", |o| {
            o.push_str("host");
        });
        out.push_str("&X-Amz-Signature=");
        let signature_at = out.len();
        out.push_str(SIGNATURE_PLACEHOLDER);
        if let Some(token) = self.token {
            let mut token_params = Params::with_capacity(1);
            let target_params = if self.sign_token {
                &mut params
            } else {
                &mut token_params
            };
            push_param(out, target_params, SECURITY_TOKEN, |o| match token {
                Token::Raw(t) => encode_into(o, t.as_bytes(), Keep::Unreserved),
                Token::Encoded(t) => o.push_str(t),
            });
        }
        if let Some(max) = self
            .rules
            .max_ws_url_len
            .filter(|_| target.scheme.is_websocket())
            && out.len() > max
        {
            return Err(Error::UrlTooLong {
                length: out.len(),
                max,
                service: self.scope.service().to_owned(),
            });
        }
        Ok((params, signature_at))
    }

    /// Hashes the canonical request (built from slices of `out`) and signs it.
    fn sign(
        &self,
        target: &Target<'_>,
        date: &AmzDate,
        params: &mut Params,
        out: &str,
        key: impl FnOnce(&AmzDate) -> HmacSha256,
    ) -> Signature {
        let params = params.as_mut_slice();
        params.sort_unstable_by(|a, b| {
            a.key(out)
                .cmp(b.key(out))
                .then_with(|| a.value(out).cmp(b.value(out)))
        });
        let mut hasher = Sha256::new();
        write_canonical_request(
            &mut hasher,
            "GET",
            target.path,
            true,
            params.iter().map(|p| (p.key(out), p.value(out))),
            &[("host", target.host)],
            EMPTY_PAYLOAD_SHA256,
        );
        let hash: [u8; 32] = hasher.finalize().into();
        let mut mac = key(date);
        StringToSign::new(date, CredentialScope::new(date, self.scope), &hash).write(&mut mac);
        Signature::from_mac(mac)
    }
}

const SIGNATURE_PLACEHOLDER: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The length of the auth parameters apart from the access key id, region, service and
/// token: every literal, the two dates, `X-Amz-Expires` at its longest and the signature.
const AUTH_PARAMS_FIXED_LEN: usize = "&X-Amz-Algorithm=AWS4-HMAC-SHA256".len()
    + "&X-Amz-Credential=".len()
    + "%2F20200131%2F%2F%2Faws4_request".len()
    + "&X-Amz-Date=20200131T100233Z".len()
    + "&X-Amz-Expires=4294967295".len()
    + "&X-Amz-SignedHeaders=host".len()
    + "&X-Amz-Signature=".len()
    + 64;
