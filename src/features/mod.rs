//! Optional integrations, each behind a Cargo feature of its own name.

#[cfg(feature = "appsync")]
pub mod appsync;
