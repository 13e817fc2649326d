//! Optional integrations with other crates, each behind the Cargo feature of the same name
//! and off by default. They add conversions and methods on the crate's own types, built on
//! the same signing and verifying code as everything else.

#[cfg(feature = "aws-credential-types")]
mod aws_credential_types;
#[cfg(feature = "http")]
mod http;
