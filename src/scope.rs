//! The region and service a request is signed for, and the credential scope built from them.

use core::fmt;

use crate::canonical::put;
use crate::date::AmzDate;
use crate::error::Error;
use crate::service;
use crate::target::Target;

/// The region and service of the credential scope, checked once.
///
/// ```
/// use sigv4_wss::Scope;
///
/// let scope = Scope::new("eu-west-1", "execute-api")?;
/// assert_eq!((scope.region(), scope.service()), ("eu-west-1", "execute-api"));
/// assert!(Scope::new("EU-West-1", "execute-api").is_err());
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    region: String,
    service: String,
}

impl Scope {
    /// Checks and stores a region and service.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRegion`] or [`Error::InvalidService`] unless the value is 1 to 64
    /// lowercase ASCII letters, digits and hyphens (every AWS region and signing name is).
    pub fn new(region: &str, service: &str) -> Result<Self, Error> {
        if !is_scope_name(region) {
            return Err(Error::InvalidRegion { region: region.chars().take(64).collect() });
        }
        if !is_scope_name(service) {
            return Err(Error::InvalidService { service: service.chars().take(64).collect() });
        }
        Ok(Self { region: region.to_owned(), service: service.to_owned() })
    }

    /// Tells region and service from an AWS endpoint's host name:
    ///
    /// | host | service |
    /// | --- | --- |
    /// | `{api-id}.execute-api.{region}.amazonaws.com` | `execute-api` |
    /// | `{prefix}.iot.{region}.amazonaws.com` (such as `{id}-ats.iot…`), `{prefix}.iot-fips.{region}.amazonaws.com` (such as `data.iot-fips…`), `{prefix}.ats.iot.{region}.amazonaws.com` | `iotdevicegateway` |
    /// | `transcribestreaming.{region}.amazonaws.com`, `transcribestreaming-fips.{region}.amazonaws.com` | `transcribe` |
    /// | `{name}.{cluster-id}.{region}.neptune.amazonaws.com` | `neptune-db` |
    /// | `{m-or-v-id}.kinesisvideo.{region}.amazonaws.com` (WebRTC signaling) | `kinesisvideo` |
    /// | `{api-id}.appsync-api.{region}.amazonaws.com` (GraphQL and Events APIs) | `appsync` |
    ///
    /// The China partition's `amazonaws.com.cn` suffix (where IoT names are
    /// `{prefix}.ats.iot.{region}`) is recognized too, as is the dual-stack suffix `api.aws`;
    /// GovCloud regions (`us-gov-west-1`) need nothing special. The port is ignored. Custom
    /// domain names cannot be read this way: give region and service to [`Scope::new`].
    ///
    /// ```
    /// use sigv4_wss::Scope;
    ///
    /// let scope = Scope::from_url("wss://abc123.execute-api.cn-north-1.amazonaws.com.cn/dev")?;
    /// assert_eq!((scope.region(), scope.service()), ("cn-north-1", "execute-api"));
    /// assert!(Scope::from_url("wss://chat.example.com/").is_err());
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownEndpoint`] for any other host, and the URL errors of
    /// [`presign_url`](crate::presign_url) for a URL that cannot be presigned.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        let target = Target::parse(url)?;
        infer(target.host_name())
            .ok_or_else(|| Error::UnknownEndpoint { host: target.host_name().to_owned() })
    }

    /// The region, such as `us-east-1`.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service's signing name, such as `execute-api`.
    pub fn service(&self) -> &str {
        &self.service
    }
}

fn is_scope_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The DNS suffixes of the AWS partitions whose endpoint names [`infer`] reads: commercial
/// and GovCloud (`amazonaws.com`), China (`amazonaws.com.cn`) and dual-stack (`api.aws`).
const AWS_SUFFIXES: [&str; 3] = [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"];

pub(crate) fn infer(host: &str) -> Option<Scope> {
    let rest = AWS_SUFFIXES.iter().find_map(|suffix| host.strip_suffix(suffix))?;
    let labels: Vec<&str> = rest.split('.').collect();
    if labels.contains(&"") {
        return None;
    }
    let (region, service) = match labels.as_slice() {
        [_, "execute-api", region] => (*region, service::EXECUTE_API),
        // `{prefix}-ats.iot.{region}` (ATS), `{prefix}.iot.{region}` (legacy VeriSign),
        // `{prefix}.ats.iot.{region}` (China) and `data.iot-fips.{region}` (FIPS).
        [_, "iot" | "iot-fips", region] | [_, "ats", "iot", region] => (*region, service::IOT),
        ["transcribestreaming" | "transcribestreaming-fips", r] => (*r, service::TRANSCRIBE),
        [_, _, region, "neptune"] => (*region, service::NEPTUNE),
        [_, "kinesisvideo", region] => (*region, service::KINESIS_VIDEO),
        [_, "appsync-api", region] => (*region, service::APPSYNC),
        _ => return None,
    };
    Scope::new(region, service).ok()
}

/// The credential scope, `{YYYYMMDD}/{region}/{service}/aws4_request`: the third line of the
/// string to sign, and (after the access key id) the value of `X-Amz-Credential`.
///
/// ```
/// use sigv4_wss::{AmzDate, CredentialScope, Scope};
/// use time::macros::datetime;
///
/// let date = AmzDate::new(datetime!(2020-01-31 10:02:33 UTC))?;
/// let scope = Scope::new("us-east-1", "execute-api")?;
/// assert_eq!(
///     CredentialScope::new(&date, &scope).to_string(),
///     "20200131/us-east-1/execute-api/aws4_request"
/// );
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialScope<'a> {
    date: &'a AmzDate,
    scope: &'a Scope,
}

impl<'a> CredentialScope<'a> {
    /// The scope for a signing time, region and service.
    pub fn new(date: &'a AmzDate, scope: &'a Scope) -> Self {
        Self { date, scope }
    }

    /// Writes `{YYYYMMDD}/{region}/{service}/aws4_request`.
    pub(crate) fn write(&self, w: &mut impl fmt::Write) -> fmt::Result {
        let Scope { region, service } = self.scope;
        put(w, &[self.date.date(), "/", region, "/", service, "/aws4_request"])
    }
}

impl fmt::Display for CredentialScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inferred(url: &str) -> Option<(String, String)> {
        Scope::from_url(url).ok().map(|s| (s.region, s.service))
    }

    #[test]
    fn infers_aws_endpoints() {
        let pair = |r: &str, s: &str| Some((r.to_owned(), s.to_owned()));
        for (url, want) in [
            (
                "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev",
                pair("us-east-1", "execute-api"),
            ),
            (
                "https://ABC.EXECUTE-API.US-GOV-WEST-1.AMAZONAWS.COM/prod",
                pair("us-gov-west-1", "execute-api"),
            ),
            (
                "wss://abc.execute-api.cn-northwest-1.amazonaws.com.cn/dev",
                pair("cn-northwest-1", "execute-api"),
            ),
            ("wss://abc.execute-api.eu-west-3.api.aws/dev", pair("eu-west-3", "execute-api")),
            (
                "wss://a1b2c3-ats.iot.eu-west-1.amazonaws.com/mqtt",
                pair("eu-west-1", "iotdevicegateway"),
            ),
            (
                "wss://a1b2c3.ats.iot.cn-north-1.amazonaws.com.cn/mqtt",
                pair("cn-north-1", "iotdevicegateway"),
            ),
            (
                "wss://data.iot-fips.us-east-1.amazonaws.com/mqtt",
                pair("us-east-1", "iotdevicegateway"),
            ),
            (
                "wss://transcribestreaming.us-west-2.amazonaws.com:8443/x",
                pair("us-west-2", "transcribe"),
            ),
            (
                "wss://transcribestreaming-fips.us-east-1.amazonaws.com:8443/x",
                pair("us-east-1", "transcribe"),
            ),
            (
                "wss://db.cluster-c1x2y3.us-east-2.neptune.amazonaws.com:8182/gremlin",
                pair("us-east-2", "neptune-db"),
            ),
            (
                "wss://v-a1b2c3d4.kinesisvideo.us-west-2.amazonaws.com?X-Amz-ChannelARN=a",
                pair("us-west-2", "kinesisvideo"),
            ),
        ] {
            assert_eq!(inferred(url), want, "{url}");
        }
    }

    #[test]
    fn refuses_other_hosts() {
        for url in [
            "wss://chat.example.com/",
            "wss://execute-api.us-east-1.amazonaws.com/",
            "wss://abc.execute-api.amazonaws.com/",
            "wss://s3.amazonaws.com/",
            "wss://abc.execute-api.us-east-1.amazonaws.com.evil.example/",
            "wss://127.0.0.1/",
        ] {
            let err = Scope::from_url(url).unwrap_err();
            assert!(matches!(err, Error::UnknownEndpoint { .. }), "{url}: {err}");
        }
    }

    #[test]
    fn names_are_checked() {
        for bad in ["", "US-EAST-1", "us east 1", "us/east", &"a".repeat(65), "é"] {
            assert!(matches!(Scope::new(bad, "execute-api"), Err(Error::InvalidRegion { .. })));
            assert!(matches!(Scope::new("us-east-1", bad), Err(Error::InvalidService { .. })));
        }
    }
}
