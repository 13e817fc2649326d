//! <!-- The README's links point to docs.rs; these make rustdoc resolve them locally. -->
//! [`Presigner`]: Presigner
//! [`presign_url`]: presign_url
//! [`sign_request`]: sign_request
//! [`Verifier`]: Verifier
//! [`inspect`]: inspect
//! [`append_query`]: append_query
//! [`uri_encode`]: uri_encode
//! [`Error`]: Error
//! [`CanonicalRequest`]: CanonicalRequest
//! [`CanonicalRequest::from_url`]: CanonicalRequest::from_url
//! [`CredentialScope`]: CredentialScope
//! [`StringToSign`]: StringToSign
//! [`SigningKey`]: SigningKey
//! [`Signature`]: Signature
//!
#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod canonical;
mod credentials;
mod date;
mod encode;
mod error;
mod features;
mod inspect;
mod lookup;
mod presign;
mod presigned_url;
mod received;
mod scope;
pub mod service;
mod sign_request;
mod signing_key;
mod string_to_sign;
mod target;
mod verified;
mod verify;

pub use canonical::{CanonicalRequest, EMPTY_PAYLOAD_SHA256};
pub use credentials::Credentials;
pub use date::AmzDate;
pub use encode::{append_query, uri_encode};
pub use error::Error;
pub use inspect::{Inspection, inspect, inspect_request};
pub use lookup::{CredentialsLookup, LookupFn, lookup_fn};
pub use presign::{Presigner, SessionTokenMode, presign_url};
pub use presigned_url::{PresignedUrl, RedactedUrl};
pub use scope::{CredentialScope, Scope};
pub use sign_request::{PresignedRequest, SignedRequest, sign_request};
pub use signing_key::{Signature, SigningKey};
pub use string_to_sign::{ALGORITHM, StringToSign};
pub use verified::Verified;
pub use verify::{DEFAULT_CLOCK_SKEW, Verifier};
