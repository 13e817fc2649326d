//! End to end: a real WebSocket server on 127.0.0.1 checks each handshake's request target
//! and `Host` header with the verifier and answers `403` otherwise, as API Gateway's `$connect`
//! route with `AWS_IAM` does. A client with a presigned URL is upgraded and gets its message
//! echoed; unsigned, tampered, expired, future, wrong-secret and wrong-region URLs get `403`.
//! The same for an IoT-style URL whose session token is appended after signing.
//!
//! The server's clock is passed in (`NOW`), so the test does not depend on the wall clock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::result_large_err,
    reason = "a test; tungstenite's handshake callback fixes the error type"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use sigv4_wss::{Credentials, Error, Presigner, Scope, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::{self, Message};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3Qt+MSJHMEUCIQ==";
/// The signing time of the good URLs; the server's clock reads ten seconds later.
const SIGNED_AT: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const NOW: OffsetDateTime = datetime!(2020-01-31 10:02:43 UTC);

fn credentials() -> Credentials {
    Credentials::new(AKID, SECRET, Some(TOKEN)).unwrap()
}

/// Tells whether the server refused for the expected reason.
type Expectation = fn(&Error) -> bool;

/// What the server decided for each handshake: the request target and the verifier's error.
type Log = Arc<Mutex<Vec<(String, Option<Error>)>>>;

/// Starts a server that accepts a handshake only if `verifier` accepts it at `NOW`, and
/// echoes every text or binary message. Returns its port and its log.
async fn start_server(verifier: Verifier<Credentials>) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let verifier = Arc::new(verifier);
    let log: Log = Arc::default();
    let server_log = Arc::clone(&log);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let verifier = Arc::clone(&verifier);
            let log = Arc::clone(&server_log);
            tokio::spawn(async move {
                let check = move |request: &Request, response: Response| {
                    let target = request
                        .uri()
                        .path_and_query()
                        .map_or("/", |pq| pq.as_str())
                        .to_owned();
                    let headers: Vec<(&str, &str)> = request
                        .headers()
                        .iter()
                        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
                        .collect();
                    let verdict =
                        verifier.verify_request(request.method().as_str(), &target, &headers, NOW);
                    let outcome = match verdict {
                        Ok(_) => Ok(response),
                        Err(ref err) => {
                            let mut refusal = ErrorResponse::new(Some(err.to_string()));
                            *refusal.status_mut() = StatusCode::FORBIDDEN;
                            Err(refusal)
                        }
                    };
                    log.lock().unwrap().push((target, verdict.err()));
                    outcome
                };
                let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, check).await
                else {
                    return;
                };
                while let Some(Ok(message)) = socket.next().await {
                    if (message.is_text() || message.is_binary())
                        && socket.send(message).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (port, log)
}

/// Connects with `url`, sends a message and returns the echo, or the refusal's status.
async fn connect_and_echo(url: &str) -> Result<String, StatusCode> {
    let connecting = tokio_tungstenite::connect_async(url);
    let (mut socket, _) = match tokio::time::timeout(Duration::from_secs(5), connecting)
        .await
        .expect("the handshake timed out")
    {
        Ok(connected) => connected,
        Err(tungstenite::Error::Http(response)) => return Err(response.status()),
        Err(other) => panic!("{url}: unexpected client error {other}"),
    };
    socket
        .send(Message::text("hello over sigv4"))
        .await
        .unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("the echo timed out")
        .unwrap()
        .unwrap();
    socket.close(None).await.ok();
    Ok(echoed.into_text().unwrap().to_string())
}

fn presign(url: &str, creds: Credentials, scope: &Scope, at: OffsetDateTime, secs: u64) -> String {
    Presigner::new(creds, scope.clone())
        .presign(url, at, Duration::from_secs(secs))
        .unwrap()
        .into_string()
}

/// `url` with the last character of parameter `name`'s value (or of the path) changed.
fn tamper(url: &str, name: Option<&str>) -> String {
    let (head, query) = url.split_once('?').unwrap();
    let flip = |s: &str| {
        let mut chars: Vec<char> = s.chars().collect();
        let last = chars.last_mut().unwrap();
        *last = if *last == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    match name {
        None => format!("{}?{query}", flip(head)),
        Some(name) => {
            let params: Vec<String> = query
                .split('&')
                .map(|item| match item.split_once('=') {
                    Some((key, value)) if key == name => format!("{key}={}", flip(value)),
                    _ => item.to_owned(),
                })
                .collect();
            let tampered = format!("{head}?{}", params.join("&"));
            assert_ne!(tampered, url, "{name} is not in {url}");
            tampered
        }
    }
}

/// Runs every case against the server at `port` for URLs like `path_and_query` signed for
/// `scope`, with `other_region` as the wrong region.
async fn every_case(port: u16, log: &Log, path_and_query: &str, scope: &Scope, other_region: &str) {
    let unsigned = format!("ws://127.0.0.1:{port}{path_and_query}");
    let good = presign(&unsigned, credentials(), scope, SIGNED_AT, 300);
    assert!(
        good.ends_with(&format!(
            "&X-Amz-Security-Token={}",
            sigv4_wss::uri_encode(TOKEN)
        )),
        "{good}"
    );

    // Upgraded, and the message comes back.
    assert_eq!(
        connect_and_echo(&good).await,
        Ok("hello over sigv4".to_owned())
    );
    assert!(log.lock().unwrap().last().unwrap().1.is_none());

    // Each refusal, with the verifier's reason as the server logged it.
    let mut refused: Vec<(String, Expectation)> = vec![(unsigned.clone(), |e| {
        matches!(e, Error::MissingParameter { .. })
    })];
    let names: Vec<String> = good
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|item| item.split_once('=').unwrap().0.to_owned())
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in &names {
        refused.push((tamper(&good, Some(name)), |_| true));
    }
    refused.push((tamper(&good, None), |e| *e == Error::SignatureMismatch));
    let expired = presign(
        &unsigned,
        credentials(),
        scope,
        NOW - Duration::from_secs(400),
        300,
    );
    refused.push((expired, |e| matches!(e, Error::Expired { .. })));
    let future = presign(
        &unsigned,
        credentials(),
        scope,
        NOW + Duration::from_secs(600),
        300,
    );
    refused.push((future, |e| matches!(e, Error::NotYetValid { .. })));
    let wrong_secret = Credentials::new(AKID, "not-the-secret", Some(TOKEN)).unwrap();
    let forged = presign(&unsigned, wrong_secret, scope, SIGNED_AT, 300);
    refused.push((forged, |e| *e == Error::SignatureMismatch));
    let elsewhere = Scope::new(other_region, scope.service()).unwrap();
    let wrong_region = presign(&unsigned, credentials(), &elsewhere, SIGNED_AT, 300);
    refused.push((wrong_region, |e| matches!(e, Error::WrongRegion { .. })));

    for (url, expected) in refused {
        assert_eq!(
            connect_and_echo(&url).await,
            Err(StatusCode::FORBIDDEN),
            "{url}"
        );
        let entry = log.lock().unwrap().last().cloned().unwrap();
        let err = entry.1.expect("the server logged no error");
        assert!(expected(&err), "{url}: {err}");
        assert!(
            url.ends_with(&entry.0),
            "the server saw {} for {url}",
            entry.0
        );
    }

    // The good URL still works after all that.
    assert!(connect_and_echo(&good).await.is_ok());
}

#[tokio::test(flavor = "current_thread")]
async fn api_gateway_style_connect_accepts_only_presigned_urls() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let (port, log) = start_server(Verifier::new(credentials()).expect_scope(&scope)).await;
    every_case(port, &log, "/dev?room=lobby", &scope, "eu-west-1").await;
    // Every handshake went through the verifier.
    assert_eq!(log.lock().unwrap().len(), 2 + 1 + 8 + 1 + 4);
}

#[tokio::test(flavor = "current_thread")]
async fn iot_style_url_with_the_token_appended_after_signing() {
    let scope = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let (port, log) = start_server(Verifier::new(credentials()).expect_scope(&scope)).await;
    every_case(port, &log, "/mqtt", &scope, "us-east-1").await;
    // The token really was left out of the signature: the verifier reported it unsigned.
    let url = presign(
        &format!("ws://127.0.0.1:{port}/mqtt"),
        credentials(),
        &scope,
        SIGNED_AT,
        300,
    );
    let verified = Verifier::new(credentials()).verify_url(&url, NOW).unwrap();
    assert!(verified.has_session_token() && !verified.session_token_signed());
    // Tampering with the unsigned token was refused because it is not the lookup's token.
    let token_tampered = log
        .lock()
        .unwrap()
        .iter()
        .find(|(target, _)| {
            target.contains("X-Amz-Security-Token=")
                && !target.contains(&sigv4_wss::uri_encode(TOKEN))
        })
        .cloned()
        .unwrap();
    assert!(matches!(
        token_tampered.1,
        Some(Error::SessionTokenMismatch { .. })
    ));
}
