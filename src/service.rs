//! Service names and what each WebSocket service needs.
//!
//! | service | endpoint | session token | max `X-Amz-Expires` | max URL length | port |
//! | --- | --- | --- | --- | --- | --- |
//! | [`EXECUTE_API`] | `wss://{api-id}.execute-api.{region}.amazonaws.com/{stage}` | signed | 604800 | 4096 (`ws`/`wss`) | default (443), not in `Host` |
//! | [`IOT`] | `wss://{prefix}-ats.iot.{region}.amazonaws.com/mqtt` | appended after signing, not in the canonical query | 604800 | none | default (443), not in `Host` |
//! | [`TRANSCRIBE`] | `wss://transcribestreaming.{region}.amazonaws.com:8443/stream-transcription-websocket?language-code=…&media-encoding=…&sample-rate=…` | signed | 300 | none | 8443, signed in `Host` |
//! | [`NEPTUNE`] | `wss://{cluster-endpoint}:8182/gremlin` | signed | 604800 | none | 8182, signed in `Host` |
//! | [`KINESIS_VIDEO`] (WebRTC signaling) | `wss://{m-or-v-id}.kinesisvideo.{region}.amazonaws.com?X-Amz-ChannelARN=…&X-Amz-ClientId=…` (from `GetSignalingChannelEndpoint`) | signed | 604800 | none | default (443), not in `Host` |
//! | [`APPSYNC`] | signed headers, not a presigned URL: `https://{api-id}.appsync-api.{region}.amazonaws.com/graphql` (or `/event`), connected with the `appsync` feature | signed | n/a | n/a | default (443) |
//! | anything else | custom domains give region and service to [`Scope::new`](crate::Scope::new) | signed | 604800 | none | as in the URL |
//!
//! For every service the session token is the URL's last parameter, after `X-Amz-Signature`
//! (IoT users report `403`s when it is anywhere else), the service's own query parameters
//! (Transcribe's `language-code`, `media-encoding`, `sample-rate`; Kinesis Video's
//! `X-Amz-ChannelARN` and, for a viewer, `X-Amz-ClientId`) are signed like any other, and a
//! port is part of the signed `Host` exactly when it is not the scheme's default (`ws`/`http`
//! 80, `wss`/`https` 443). The rules are chosen by the credential scope's service name, so a
//! custom domain in front of IoT gets IoT's token rule when its scope says
//! `iotdevicegateway`. [`SessionTokenMode`](crate::SessionTokenMode) overrides the token rule.

/// Amazon API Gateway (WebSocket `$connect` with `AWS_IAM`, and the `@connections` API).
pub const EXECUTE_API: &str = "execute-api";
/// AWS IoT Core's MQTT over WebSocket (the signing name of the data endpoint).
pub const IOT: &str = "iotdevicegateway";
/// Amazon Transcribe streaming over WebSocket.
pub const TRANSCRIBE: &str = "transcribe";
/// Amazon Neptune's Gremlin and openCypher WebSocket endpoints with IAM authentication.
pub const NEPTUNE: &str = "neptune-db";
/// Amazon Kinesis Video Streams with WebRTC: `ConnectAsMaster` and `ConnectAsViewer` signaling.
pub const KINESIS_VIDEO: &str = "kinesisvideo";
/// AWS AppSync (GraphQL and Events APIs with `AWS_IAM`; see the `appsync` feature).
pub const APPSYNC: &str = "appsync";

/// The longest expiry SigV4 allows anywhere: 7 days.
pub const MAX_EXPIRES_SECS: u32 = 604_800;

/// The rules that differ between services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rules {
    /// Whether a presigned URL's session token is part of the signature by default.
    pub(crate) sign_token: bool,
    /// The largest `X-Amz-Expires` the service accepts.
    pub(crate) max_expires: u32,
    /// The longest WebSocket URL the service accepts, if it has a documented limit.
    pub(crate) max_ws_url_len: Option<usize>,
}

impl Rules {
    pub(crate) fn of(service: &str) -> Self {
        let default =
            Self { sign_token: true, max_expires: MAX_EXPIRES_SECS, max_ws_url_len: None };
        match service {
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
            EXECUTE_API => Self { max_ws_url_len: Some(4096), ..default },
            // https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html: "append
            // X-Amz-Security-Token as a query parameter after the signature has been computed".
            IOT => Self { sign_token: false, ..default },
            // https://docs.aws.amazon.com/transcribe/latest/dg/streaming-websocket.html
            TRANSCRIBE => Self { max_expires: 300, ..default },
            _ => default,
        }
    }

    /// Checks an expiry in whole seconds against SigV4's and the service's limits.
    pub(crate) fn check_expires(self, seconds: u64, service: &str) -> Result<u32, crate::Error> {
        let max = self.max_expires;
        let in_range = u32::try_from(seconds).ok().filter(|s| (1..=max).contains(s));
        let service = || service.to_owned();
        in_range.ok_or_else(|| crate::Error::ExpiresOutOfRange { seconds, max, service: service() })
    }
}
