//! Credentials from the AWS SDK's default chain, as the AWS CLI finds them.

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::ProvideCredentials as _;
use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use sigv4_wss::Credentials;

use crate::output::{Failure, error_chain};

/// Credentials from the default chain: the environment, the shared config and credentials files
/// (`profile`, else `AWS_PROFILE`, else `default`; SSO, `credential_process`, assumed roles),
/// web identity, the container and instance metadata endpoints.
///
/// `region` (the scope's) is the SDK's region for the calls some providers make (STS for web
/// identity and assumed roles); giving it also spares the region chain its instance-metadata
/// lookup, a delay on any machine that is not an EC2 instance.
pub(crate) async fn credentials(
    profile: Option<&str>, region: &str,
) -> Result<Credentials, Failure> {
    // The SDK's HTTPS client on rustls with ring, instead of aws-config's default (aws-lc-rs).
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .region(Region::new(region.to_owned()));
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    let config = loader.load().await;
    let which = profile.map_or_else(String::new, |p| format!(" for profile {p:?}"));
    let provider = config
        .credentials_provider()
        .ok_or_else(|| Failure::failed(format!("no AWS credential provider{which}")))?;
    let aws = provider.provide_credentials().await.map_err(|e| match e {
        CredentialsError::CredentialsNotLoaded(_) => Failure::failed(format!(
            "no AWS credentials found{which} (environment, shared config and credentials files, \
             SSO, web identity, container, instance metadata): {}",
            error_chain(&e)
        )),
        e => Failure::failed(format!("cannot get AWS credentials{which}: {}", error_chain(&e))),
    })?;
    Credentials::try_from(&aws)
        .map_err(|e| Failure::failed(format!("the AWS credentials{which} are not usable: {e}")))
}
