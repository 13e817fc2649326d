//! The crate's one error type.

use core::time::Duration;

use crate::date::AmzDate;

/// Everything that can go wrong while presigning, signing, verifying or inspecting.
///
/// Each message says what was wrong and what is allowed. No message ever contains a secret
/// access key, a session token, a signing key or a signature: values that come from those are
/// described, never shown.
///
/// The enum is `#[non_exhaustive]`: new checks may add variants in minor releases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed at all.
    #[error("invalid URL ({reason}); expected an absolute URL such as wss://example.com/dev")]
    InvalidUrl {
        /// What the URL parser objected to.
        reason: String,
    },

    /// The URL has no scheme and host, such as `/dev?room=1`.
    #[error("relative URL; a presigned URL needs a scheme and host, such as wss://example.com/dev")]
    RelativeUrl,

    /// The scheme is not one of `wss`, `ws`, `https`, `http`.
    #[error("unsupported URL scheme {scheme:?}; expected wss, ws, https or http")]
    UnsupportedScheme {
        /// The scheme that was given (lowercased).
        scheme: String,
    },

    /// The URL has an empty host, such as `wss://:8443/`.
    #[error("the URL has no host; expected a host such as wss://example.com/path")]
    MissingHost,

    /// The URL has a user name or password (`wss://user:pw@host/`). Node's `ws`, wscat and
    /// Python's `websockets` send them as `Authorization: Basic …` beside the signature.
    #[error(
        "the URL has a user name or password (user:pw@host), which WebSocket clients send as an Authorization header beside the signature; remove them"
    )]
    UserInfoInUrl,

    /// The request's query already carries one of the seven SigV4 authentication parameters
    /// (`X-Amz-Signature`, `X-Amz-Credential`, … in any letter case), for example because it
    /// was presigned already.
    #[error(
        "the query already has {name:?}, a SigV4 authentication parameter; sign it without X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature and -Security-Token (was it signed already?)"
    )]
    ReservedParameter {
        /// The parameter's name, percent-decoded.
        name: String,
    },

    /// The request to sign already has a header that the signer adds (`Authorization`,
    /// `X-Amz-Date`, `X-Amz-Security-Token`).
    #[error("the request has an {name} header; the signer adds it (and X-Amz-Date, the token)")]
    ReservedHeader {
        /// The header's name, lowercased.
        name: String,
    },

    /// The region is empty or not of the form AWS uses.
    #[error("invalid region {region:?}; expected 1 to 64 of a-z, 0-9 and -, such as us-east-1")]
    InvalidRegion {
        /// The region that was given.
        region: String,
    },

    /// The service name is empty or not of the form AWS uses.
    #[error("invalid service {service:?}; expected 1 to 64 of a-z, 0-9 and -, such as execute-api")]
    InvalidService {
        /// The service that was given.
        service: String,
    },

    /// The region and service could not be told from the URL's host (a custom domain, or not
    /// an AWS endpoint).
    #[error(
        "cannot tell region and service from host {host:?} (not an API Gateway, IoT, Transcribe, Neptune, Kinesis Video signaling or AppSync endpoint); give them explicitly, as custom domains need"
    )]
    UnknownEndpoint {
        /// The URL's host.
        host: String,
    },

    /// The access key id is empty, too long or has characters AWS never uses.
    #[error("invalid access key id: {reason}; expected 1 to 128 ASCII letters, digits or _")]
    InvalidAccessKeyId {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The secret access key is empty or has whitespace or non-ASCII characters.
    #[error("invalid secret access key: {reason}; expected printable ASCII without whitespace")]
    InvalidSecretAccessKey {
        /// What is wrong with it (never the key itself).
        reason: &'static str,
    },

    /// The session token is empty or has whitespace or non-ASCII characters.
    #[error("invalid session token: {reason}; expected printable ASCII without whitespace")]
    InvalidSessionToken {
        /// What is wrong with it (never the token itself).
        reason: &'static str,
    },

    /// A required environment variable is unset, empty or not valid Unicode.
    #[error("environment variable {name} is not set (or is empty, or not valid Unicode)")]
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },

    /// An expiry (the one asked for, or a URL's `X-Amz-Expires`) is zero, above 604800
    /// seconds (7 days) or above the service's own limit.
    #[error("expiry of {seconds} seconds is out of range: {service} allows 1 to {max} seconds")]
    ExpiresOutOfRange {
        /// The expiry, in whole seconds.
        seconds: u64,
        /// The largest expiry the service allows.
        max: u32,
        /// The service whose limit applies.
        service: String,
    },

    /// The expiry has a fraction of a second; `X-Amz-Expires` is a whole number of seconds.
    #[error("expiry of {expires:?} is not a whole number of seconds, as X-Amz-Expires needs")]
    ExpiresNotWholeSeconds {
        /// The expiry that was asked for.
        expires: Duration,
    },

    /// A time (the signing time, or a verifier's current time) is before 1970 or after 9999.
    #[error("time in year {year} is out of range; SigV4 times are UTC times from 1970 to 9999")]
    TimeOutOfRange {
        /// The year of the time given, in UTC.
        year: i64,
    },

    /// The presigned URL would be longer than the service accepts (API Gateway WebSocket
    /// URLs: 4096 characters). Long STS or Cognito session tokens are the usual cause.
    #[error(
        "the presigned URL would be {length} characters, over the {max}-character limit of {service}; shorten it, or use credentials with a shorter session token"
    )]
    UrlTooLong {
        /// The length the URL would have had.
        length: usize,
        /// The service's limit.
        max: usize,
        /// The service whose limit applies.
        service: String,
    },

    /// The HTTP method is empty or not an RFC 9110 token.
    #[error("invalid HTTP method {method:?}; expected a token such as GET or POST")]
    InvalidMethod {
        /// The method that was given (at most 64 characters of it).
        method: String,
    },

    /// A header name is empty or not an RFC 9110 token.
    #[error("invalid header name {name:?}; expected a token such as content-type")]
    InvalidHeaderName {
        /// The name that was given (at most 64 characters of it).
        name: String,
    },

    /// A header value has control characters other than tab, CR and LF, or (read from an
    /// `http::HeaderValue`, with the `http` feature) bytes that are not UTF-8.
    #[error("invalid value for header {name:?}: UTF-8, no control characters but tab, CR and LF")]
    InvalidHeaderValue {
        /// The header's name (the value is not shown: it may be a secret).
        name: String,
    },

    /// A received request target is not one a client sends for a signed URL: it does not
    /// start with `/`, has a fragment, or has a `.`, `..` or empty (`//`) path segment; or
    /// (with the `http` feature) its authority and `Host` header disagree.
    #[error("invalid request target: {reason}")]
    InvalidRequestTarget {
        /// What is wrong and what is allowed.
        reason: &'static str,
    },

    /// A received query could be read as other values than the signed ones: a raw `+`
    /// (form decoders read a space), a raw `;` (some parsers split on it), or a parameter
    /// that decodes to bytes that are not UTF-8.
    #[error("ambiguous query: {reason}")]
    AmbiguousQuery {
        /// What is wrong and how signers write it.
        reason: &'static str,
    },

    /// A presigned request lacks one of the query parameters SigV4 requires.
    #[error("the query has no {name} parameter, which SigV4 query authentication requires")]
    MissingParameter {
        /// The parameter's name.
        name: &'static str,
    },

    /// An authentication query parameter appears more than once.
    #[error("the {name} query parameter appears more than once; each is allowed once")]
    RepeatedParameter {
        /// The parameter's name.
        name: &'static str,
    },

    /// An authentication parameter (or the `X-Amz-Date` header) has a value, or a spelling,
    /// SigV4 does not allow.
    #[error("invalid {name}: {reason}")]
    MalformedParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong and what is allowed.
        reason: &'static str,
    },

    /// The credential (`X-Amz-Credential`, or `Credential=` of an `Authorization` header) is
    /// not `{access key id}/{YYYYMMDD}/{region}/{service}/aws4_request`.
    #[error(
        "invalid credential: {reason}; expected {{access key id}}/{{YYYYMMDD}}/{{region}}/{{service}}/aws4_request"
    )]
    MalformedCredential {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The verifier's lookup has no credentials for the request's access key id.
    #[error("unknown access key id {access_key_id:?}: the verifier has no secret key for it")]
    UnknownAccessKey {
        /// The access key id the request was signed with (not a secret: every signed URL
        /// shows it).
        access_key_id: String,
    },

    /// The request is signed for another region than the verifier accepts.
    #[error("the request is signed for region {region:?}; this verifier accepts only {expected:?}")]
    WrongRegion {
        /// The region of the request's credential scope.
        region: String,
        /// The region the verifier accepts.
        expected: String,
    },

    /// The request is signed for another service than the verifier accepts.
    #[error("the request is signed for service {service:?}; this verifier accepts {expected:?}")]
    WrongService {
        /// The service of the request's credential scope.
        service: String,
        /// The service the verifier accepts.
        expected: String,
    },

    /// The request's `Host` (which the signature covers) is not one the verifier answers for.
    #[error("the request is for host {host:?}; this verifier answers only for {expected}")]
    WrongHost {
        /// The `Host` the request was sent (and signed) for.
        host: String,
        /// The hosts the verifier answers for, comma-separated.
        expected: String,
    },

    /// The presigned URL's validity (`X-Amz-Date` plus `X-Amz-Expires`, or plus the allowed
    /// clock skew when it has no `X-Amz-Expires`) ended before the verifier's current time.
    #[error(
        "the request has expired: signed at {signed_at}, valid for {valid_secs} s, now {now}; sign a new URL just before connecting"
    )]
    Expired {
        /// The signing time (`X-Amz-Date`).
        signed_at: AmzDate,
        /// How long the request was valid, in seconds.
        valid_secs: u64,
        /// The verifier's current time.
        now: AmzDate,
    },

    /// The request was signed longer ago than the verifier's maximum age, whatever its
    /// `X-Amz-Expires` says (API Gateway takes a handshake only about 5 minutes after signing).
    #[error(
        "the request was signed at {signed_at}, more than {max_age_secs} s before now ({now}); sign a new URL just before connecting"
    )]
    SignedTooLongAgo {
        /// The signing time (`X-Amz-Date`).
        signed_at: AmzDate,
        /// The verifier's maximum age, in seconds.
        max_age_secs: u64,
        /// The verifier's current time.
        now: AmzDate,
    },

    /// The request is signed more than the allowed clock skew after the verifier's current
    /// time.
    #[error(
        "the request is not valid yet: signed at {signed_at}, more than {skew_secs} s after now ({now}); check the signer's clock"
    )]
    NotYetValid {
        /// The signing time (`X-Amz-Date`).
        signed_at: AmzDate,
        /// The verifier's current time.
        now: AmzDate,
        /// The allowed clock skew, in seconds.
        skew_secs: u64,
    },

    /// A header listed as signed (or one SigV4 requires) is not in the request.
    #[error("the request has no {name:?} header, which is signed (or required)")]
    MissingHeader {
        /// The header's name, lowercased.
        name: String,
    },

    /// The signature does not match the request.
    #[error(
        "the signature does not match the request (changed after signing, or signed with another secret, method, host, path or token rule); compare sigv4_wss::inspect of the signed URL with inspect_request of what was received"
    )]
    SignatureMismatch,

    /// The session token does not go with the access key: missing, unexpected or different
    /// from the one the verifier's lookup returned.
    #[error("session token mismatch: {reason}")]
    SessionTokenMismatch {
        /// What is wrong (the token itself is never shown).
        reason: &'static str,
    },

    /// The `Authorization` header of a request signed with headers is not
    /// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    #[error("invalid Authorization header: {reason}; expected AWS4-HMAC-SHA256 Credential=…")]
    MalformedAuthorization {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A request carries both an `Authorization` header and `X-Amz-*` query authentication.
    #[error("the request is signed with an Authorization header and in its query; use one")]
    MixedAuthentication,
}
