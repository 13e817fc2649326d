//! `post`: sends a message to a WebSocket client through API Gateway's `@connections` API,
//! signed with SigV4 headers.

use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::rt::TokioExecutor;
use sigv4_wss::{CanonicalRequest, Scope, service, sign_request};
use time::OffsetDateTime;
use tokio::time::timeout;

use crate::args::{Opt, Parsed, opt};
use crate::aws;
use crate::output::{self, Failure, error_chain, one_line, redact, truncate};

const USAGE: &str = "usage: sigv4-wss post [--region R] [--profile P] \
                     https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/@connections/{connection-id} MESSAGE";

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) async fn run(args: Vec<String>) -> Result<(), Failure> {
    const OPTS: &[Opt] = &[opt("--region"), opt("--profile")];
    let args = Parsed::read(args, OPTS, USAGE)?;
    let [input, message] = args.operands(["URL", "MESSAGE"], USAGE)?;
    // Parsed as the library parses it, so that what is sent is what was signed.
    let url = url::Url::parse(input)
        .map_err(|e| Failure::failed(format!("{input:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(Failure::failed(format!("{}: expected an https URL; {USAGE}", url.scheme())));
    }
    let path = url.path().to_ascii_lowercase();
    if !path.contains("/@connections/") && !path.contains("/%40connections/") {
        return Err(Failure::failed(format!("not an @connections URL; {USAGE}")));
    }
    // The library percent-encodes these in the path it signs; `url` sends them raw.
    if url.path().contains(['[', ']', '^', '|']) {
        return Err(Failure::failed("percent-encode [ ] ^ | in the URL's path"));
    }
    let scope = match args.get("--region") {
        Some(region) => Scope::new(region, service::EXECUTE_API),
        None => Scope::from_url(url.as_str()),
    }
    .map_err(|e| match e {
        sigv4_wss::Error::UnknownEndpoint { .. } => Failure::failed(format!("{e}: use --region")),
        e => Failure::failed(e.to_string()),
    })?;
    if scope.service() != service::EXECUTE_API {
        return Err(Failure::failed(format!(
            "{} is not an API Gateway host; {USAGE}",
            url.host_str().unwrap_or_default()
        )));
    }
    let credentials = aws::credentials(args.get("--profile"), scope.region()).await?;
    let body = message.as_bytes().to_vec();
    let fail = |e: sigv4_wss::Error| Failure::failed(e.to_string());
    let request =
        CanonicalRequest::from_url("POST", url.as_str()).map_err(fail)?.with_payload(&body);
    let signed =
        sign_request(&request, &credentials, &scope, OffsetDateTime::now_utc()).map_err(fail)?;
    let mut builder = hyper::Request::post(url.as_str());
    for (name, value) in signed.headers() {
        builder = builder.header(name, value);
    }
    let request = builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| Failure::failed(format!("cannot make the request: {e}")))?;

    let (status, answer) = if url.scheme() == "https" {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| Failure::failed(format!("no trusted root certificates: {e}")))?
            .https_only()
            .enable_http1()
            .build();
        send(https, request).await?
    } else {
        send(HttpConnector::new(), request).await?
    };
    let token = signed.session_token().unwrap_or_default();
    let signature = signed.signature().to_hex();
    let reason = truncate(&one_line(&redact(&answer, &[token, &signature])), 600);
    output::line(&format!("{} {}", status.as_str(), status.canonical_reason().unwrap_or("")))?;
    match status.as_u16() {
        200..=299 => Ok(()),
        410 => Err(Failure::failed(
            "410 Gone: the client has left (this connection id is no longer connected)",
        )),
        code @ (401 | 403) => Err(Failure::Failed(format!(
            "{code}: {reason}; check: the clock, the region, and that the credentials may call \
             execute-api:ManageConnections on \
             arn:aws:execute-api:{{region}}:{{account-id}}:{{api-id}}/{{stage}}/POST/@connections/*"
        ))),
        code => Err(Failure::Failed(format!("{code}: {reason}"))),
    }
}

/// Sends `request` and reads at most 64 KiB of the answer.
async fn send<C: Connect + Clone + Send + Sync + 'static>(
    connector: C, request: hyper::Request<Full<Bytes>>,
) -> Result<(hyper::StatusCode, String), Failure> {
    let client = Client::builder(TokioExecutor::new()).build(connector);
    let exchange = async {
        let response = client.request(request).await.map_err(|e| {
            Failure::failed(format!("cannot send the request: {}", error_chain(&e)))
        })?;
        let status = response.status();
        let body = Limited::new(response.into_body(), 64 * 1024)
            .collect()
            .await
            .map_err(|e| Failure::failed(format!("cannot read the answer: {e}")))?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    };
    timeout(REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|_| Failure::failed(format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())))?
}
