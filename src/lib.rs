//! <!-- The README's links point to docs.rs; these make rustdoc resolve them locally. -->
//! [`Presigner`]: Presigner
//! [`presign_url`]: presign_url
//! [`presign_request`]: presign_request
//! [`sign_headers`]: sign_headers
//! [`SigningOptions::session_token`]: SigningOptions::session_token
//! [`Error`]: Error
//! [`CanonicalRequest`]: CanonicalRequest
//! [`CredentialScope`]: CredentialScope
//! [`StringToSign`]: StringToSign
//! [`SigningKey`]: SigningKey
//! [`Signature`]: Signature
//!
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod amz_date;
mod canonical;
mod credentials;
mod encode;
mod error;
mod http;
mod inline_vec;
mod inspect;
mod presign;
mod request;
mod scan;
mod scope;
pub mod service;
mod short_hmac;
mod signing_key;
mod sink;
mod string_to_sign;
mod target;
mod verify;
mod verify_headers;

pub use amz_date::AmzDate;
pub use canonical::{CanonicalRequest, EMPTY_PAYLOAD_SHA256, RedactedCanonicalRequest};
pub use credentials::Credentials;
pub use encode::uri_encode;
pub use error::Error;
pub use http::sign_request;
pub use inspect::{Inspection, inspect};
pub use presign::{
    PresignedUrl, Presigner, RedactedUrl, SessionTokenMode, SigningOptions, presign_url,
    presign_url_with_options,
};
pub use request::{Signed, presign_request, sign_headers};
pub use scope::{CredentialScope, Scope};
pub use signing_key::{Signature, SigningKey};
pub use string_to_sign::{ALGORITHM, StringToSign};
pub use verify::{CredentialsLookup, DEFAULT_CLOCK_SKEW, Verified, Verifier};
