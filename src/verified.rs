//! What a verifier reports.

use core::time::Duration;

use crate::date::AmzDate;
use crate::scope::Scope;

/// What a [`Verifier`](crate::Verifier) checked: who signed the request, for which scope and host, when, for
/// how long, and the path and query parameters that the signature covers. It holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub(crate) access_key_id: String,
    pub(crate) scope: Scope,
    pub(crate) signed_at: AmzDate,
    pub(crate) expires: Option<Duration>,
    /// Whether the request has a session token, and whether it is signed.
    pub(crate) session_token: (bool, bool),
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
}

impl Verified {
    /// The access key id the request was signed with.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The region and service of the credential scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The signing time, `X-Amz-Date`.
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// `X-Amz-Expires`, if the request has one.
    pub fn expires(&self) -> Option<Duration> {
        self.expires
    }

    /// Whether the request carries a session token (temporary credentials).
    pub fn has_session_token(&self) -> bool {
        self.session_token.0
    }

    /// Whether the session token was part of the signature (`false` for IoT's token appended
    /// after signing, and when there is no token).
    pub fn session_token_signed(&self) -> bool {
        self.session_token.1
    }

    /// The `Host` the request was sent and signed for.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path, exactly as received (still percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The request's own query parameters (the `X-Amz-*` authentication ones left out),
    /// percent-decoded, in canonical order (by key, then value): what the signature covers.
    /// The signature covers a repeated key's values as a set, not their order, so they come
    /// sorted whatever order they were sent in.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }
}
