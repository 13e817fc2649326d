//! The crate's one error type.

use core::time::Duration;

/// Everything that can go wrong while presigning or signing.
///
/// Each message says what was wrong and what is allowed. No message ever contains a secret
/// access key, a session token, a signing key or a signature: values that come from those are
/// described (their length, the position of a bad character), never shown.
///
/// The enum is `#[non_exhaustive]`: new checks may add variants in minor releases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed at all.
    #[error(
        "invalid URL ({reason}); expected an absolute URL such as \
         wss://abc123.execute-api.us-east-1.amazonaws.com/dev"
    )]
    InvalidUrl {
        /// What the URL parser objected to.
        reason: String,
    },

    /// The URL has no scheme and host, such as `/dev?room=1`.
    #[error(
        "relative URL: a presigned URL needs a scheme and a host, such as \
         wss://abc123.execute-api.us-east-1.amazonaws.com/dev"
    )]
    RelativeUrl,

    /// The scheme is not one of `wss`, `ws`, `https`, `http`.
    #[error("unsupported URL scheme {scheme:?}; expected wss, ws, https or http")]
    UnsupportedScheme {
        /// The scheme that was given (lowercased).
        scheme: String,
    },

    /// The URL has an empty host, such as `wss:///dev`.
    #[error("the URL has no host; expected a host such as wss://example.com/path")]
    MissingHost,

    /// The URL already carries a query parameter that the signer adds (`X-Amz-Signature`,
    /// `X-Amz-Credential`, ...), for example because it was presigned already.
    #[error(
        "the URL already has an {name} query parameter; pass the URL without X-Amz-* \
         authentication parameters (was it presigned already?)"
    )]
    ReservedParameter {
        /// The parameter's name as it appeared in the URL.
        name: String,
    },

    /// The request to sign already has a header that the signer adds (`Authorization`,
    /// `X-Amz-Date`, `X-Amz-Security-Token`).
    #[error(
        "the request already has an {name} header; pass the request without SigV4 \
         authentication headers (the signer adds them)"
    )]
    ReservedHeader {
        /// The header's name, lowercased.
        name: String,
    },

    /// The region is empty or not of the form AWS uses.
    #[error(
        "invalid region {region:?}; expected 1 to 64 lowercase ASCII letters, digits and \
         hyphens, such as us-east-1"
    )]
    InvalidRegion {
        /// The region that was given.
        region: String,
    },

    /// The service name is empty or not of the form AWS uses.
    #[error(
        "invalid service {service:?}; expected 1 to 64 lowercase ASCII letters, digits and \
         hyphens, such as execute-api"
    )]
    InvalidService {
        /// The service that was given.
        service: String,
    },

    /// The region and service could not be told from the URL's host (a custom domain, or not
    /// an AWS endpoint).
    #[error(
        "cannot tell region and service from host {host:?}: it is not an API Gateway, IoT, \
         Transcribe or Neptune endpoint name; give region and service explicitly \
         (custom domains always need them)"
    )]
    UnknownEndpoint {
        /// The URL's host.
        host: String,
    },

    /// The access key id is empty, too long or has characters AWS never uses.
    #[error(
        "invalid access key id: {reason}; expected 1 to 128 ASCII letters, digits or \
         underscores, such as AKIAIOSFODNN7EXAMPLE"
    )]
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
    #[error(
        "invalid session token: {reason}; expected printable ASCII without whitespace \
         (leave it out for long-term credentials)"
    )]
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

    /// The expiry is zero, above 604800 seconds (7 days) or above the service's own limit.
    #[error("expiry of {seconds} seconds is out of range: {service} allows 1 to {max} seconds")]
    ExpiresOutOfRange {
        /// The expiry that was asked for, in whole seconds.
        seconds: u64,
        /// The largest expiry the service allows.
        max: u32,
        /// The service whose limit applies.
        service: String,
    },

    /// The expiry has a fraction of a second; `X-Amz-Expires` is a whole number of seconds.
    #[error(
        "expiry of {expires:?} is not a whole number of seconds; X-Amz-Expires counts whole seconds from 1 to 604800"
    )]
    ExpiresNotWholeSeconds {
        /// The expiry that was asked for.
        expires: Duration,
    },

    /// The signing time is before 1970 or after 9999 (in UTC).
    #[error("signing time in year {year} is out of range; expected a UTC time from 1970 to 9999")]
    TimeOutOfRange {
        /// The year of the time given.
        year: i64,
    },

    /// The presigned URL would be longer than the service accepts (API Gateway WebSocket
    /// URLs: 4096 characters). Long STS or Cognito session tokens are the usual cause.
    #[error(
        "the presigned URL would be {length} characters, over the {max}-character limit of \
         {service}; shorten the path or query, or use credentials with a shorter session token"
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
        /// The method that was given.
        method: String,
    },

    /// A header name is empty or not an RFC 9110 token.
    #[error("invalid header name {name:?}; expected a token such as content-type")]
    InvalidHeaderName {
        /// The name that was given.
        name: String,
    },

    /// A header value has control characters other than tab, CR and LF.
    #[error(
        "invalid value for header {name:?}: control characters other than tab, CR and LF are \
         not allowed"
    )]
    InvalidHeaderValue {
        /// The header's name (the value is not shown: it may be a secret).
        name: String,
    },
}
