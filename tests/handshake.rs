//! End to end: a real WebSocket server on 127.0.0.1 checks each handshake's request target
//! and `Host` header with the verifier (`verify_request`, with `expect_host`), as API
//! Gateway's `$connect` route with `AWS_IAM` does, and answers `403` with the verifier's
//! reason otherwise. A client with a presigned URL is upgraded and gets its message echoed;
//! unsigned, tampered, expired, future, wrong-secret, unknown-key, wrong-region and
//! wrong-host URLs get `403`, as do a raw dot segment and a raw `+`, which this client sends
//! as written. The same for an IoT-style URL whose session token is appended after signing.
//!
//! The server's clock is passed in (`NOW`), so the test does not depend on the wall clock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs,
    clippy::result_large_err,
    reason = "a test; tungstenite's handshake callback fixes the error type"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use sigv4_wss::{Credentials, Error, Presigner, Scope, Verifier, uri_encode};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::handshake::client::Request as ClientRequest;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
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

/// Starts a server on 127.0.0.1 that accepts a handshake only if the verifier `make` builds
/// for its port accepts it at `NOW`, and echoes every text or binary message. Returns its
/// port and its log.
async fn start_server(make: impl FnOnce(u16) -> Verifier<Credentials>) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let verifier = Arc::new(make(port));
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
                    let target =
                        request.uri().path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
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

/// The handshake request a client sends for `url`.
fn request(url: &str) -> ClientRequest {
    url.into_client_request().unwrap()
}

/// Connects, sends a message and returns the echo, or the refusal's status and body.
async fn connect_and_echo(request: ClientRequest) -> Result<String, (StatusCode, String)> {
    let shown = request.uri().to_string();
    let connecting = tokio_tungstenite::connect_async(request);
    let (mut socket, _) = match tokio::time::timeout(Duration::from_secs(5), connecting)
        .await
        .expect("the handshake timed out")
    {
        Ok(connected) => connected,
        Err(tungstenite::Error::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            return Err((response.status(), String::from_utf8(body).unwrap()));
        }
        Err(other) => panic!("{shown}: unexpected client error {other}"),
    };
    socket.send(Message::text("hello over sigv4")).await.unwrap();
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

/// The error expected when the last character of parameter `name`'s value is changed.
fn tampered_error(name: &str, token_signed: bool) -> Expectation {
    match name {
        "X-Amz-Algorithm" => {
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Algorithm", .. })
        }
        "X-Amz-Credential" => |e| matches!(e, Error::MalformedCredential { .. }),
        "X-Amz-Date" => |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Date", .. }),
        "X-Amz-Expires" => |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Expires", .. }),
        "X-Amz-SignedHeaders" => {
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-SignedHeaders", .. })
        }
        // The last hex digit becomes an uppercase 'A'.
        "X-Amz-Signature" => {
            |e| matches!(e, Error::MalformedParameter { name: "X-Amz-Signature", .. })
        }
        "X-Amz-Security-Token" if !token_signed => {
            |e| matches!(e, Error::SessionTokenMismatch { .. })
        }
        _ => |e| *e == Error::SignatureMismatch,
    }
}

/// Runs every case against the server at `port` for URLs like `path_and_query` signed for
/// `scope`, with `other_region` as the wrong region. Returns the number of handshakes made.
async fn every_case(
    port: u16, log: &Log, path_and_query: &str, scope: &Scope, other_region: &str,
    token_signed: bool,
) -> usize {
    let origin = format!("ws://127.0.0.1:{port}");
    let unsigned = format!("{origin}{path_and_query}");
    let good = presign(&unsigned, credentials(), scope, SIGNED_AT, 300);
    assert!(good.ends_with(&format!("&X-Amz-Security-Token={}", uri_encode(TOKEN))), "{good}");

    // Upgraded, and the message comes back.
    assert_eq!(connect_and_echo(request(&good)).await, Ok("hello over sigv4".to_owned()));
    assert_eq!(log.lock().unwrap().last().unwrap().1, None);

    // Each refusal, with the verifier's reason as the server logged it.
    let mut refused: Vec<(ClientRequest, Expectation)> =
        vec![(request(&unsigned), |e| *e == Error::MissingParameter { name: "X-Amz-Algorithm" })];
    let names: Vec<String> = good
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|item| item.split_once('=').unwrap().0.to_owned())
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in &names {
        refused.push((request(&tamper(&good, Some(name))), tampered_error(name, token_signed)));
    }
    refused.push((request(&tamper(&good, None)), |e| *e == Error::SignatureMismatch));
    let expired = presign(&unsigned, credentials(), scope, NOW - Duration::from_secs(400), 300);
    refused.push((request(&expired), |e| matches!(e, Error::Expired { .. })));
    let future = presign(&unsigned, credentials(), scope, NOW + Duration::from_secs(600), 300);
    refused.push((request(&future), |e| matches!(e, Error::NotYetValid { .. })));
    let wrong_secret = Credentials::new(AKID, "not-the-secret", Some(TOKEN)).unwrap();
    let forged = presign(&unsigned, wrong_secret, scope, SIGNED_AT, 300);
    refused.push((request(&forged), |e| *e == Error::SignatureMismatch));
    let stranger = Credentials::new("AKIDSTRANGER", SECRET, Some(TOKEN)).unwrap();
    let unknown = presign(&unsigned, stranger, scope, SIGNED_AT, 300);
    refused.push((request(&unknown), |e| {
        *e == Error::UnknownAccessKey { access_key_id: "AKIDSTRANGER".to_owned() }
    }));
    let elsewhere = Scope::new(other_region, scope.service()).unwrap();
    let wrong_region = presign(&unsigned, credentials(), &elsewhere, SIGNED_AT, 300);
    refused.push((request(&wrong_region), |e| matches!(e, Error::WrongRegion { .. })));
    // A URL presigned for another name of this machine, sent here with its own Host header:
    // its signature is valid, for a host this server does not answer for.
    let for_localhost = presign(
        &format!("ws://localhost:{port}{path_and_query}"),
        credentials(),
        scope,
        SIGNED_AT,
        300,
    );
    let mut wrong_host = request(&for_localhost.replace("localhost", "127.0.0.1"));
    wrong_host
        .headers_mut()
        .insert("Host", HeaderValue::from_str(&format!("localhost:{port}")).unwrap());
    refused.push((wrong_host, |e| matches!(e, Error::WrongHost { .. })));
    // This client sends a dot segment and a '+' as written.
    let dotted = good.replacen(&origin, &format!("{origin}/x/.."), 1);
    refused.push((request(&dotted), |e| matches!(e, Error::InvalidRequestTarget { .. })));
    let raw_plus = good.replacen("%2B", "+", 1);
    assert_ne!(raw_plus, good);
    refused.push((request(&raw_plus), |e| matches!(e, Error::AmbiguousQuery { .. })));

    let refusals = refused.len();
    for (request, expected) in refused {
        let shown = request.uri().to_string();
        let (status, body) = connect_and_echo(request).await.unwrap_err();
        assert_eq!(status, StatusCode::FORBIDDEN, "{shown}");
        let (target, err) = log.lock().unwrap().last().cloned().unwrap();
        let err = err.expect("the server logged no error");
        assert!(expected(&err), "{shown}: {err}");
        assert_eq!(body, err.to_string(), "{shown}");
        assert!(shown.ends_with(&target), "the server saw {target} for {shown}");
    }

    // The good URL still works after all that.
    assert!(connect_and_echo(request(&good)).await.is_ok());
    2 + refusals
}

#[tokio::test(flavor = "current_thread")]
async fn api_gateway_style_connect_accepts_only_presigned_urls() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let (port, log) = start_server(|port| {
        Verifier::new(credentials(), &scope).expect_host(&format!("127.0.0.1:{port}"))
    })
    .await;
    let handshakes = every_case(port, &log, "/dev?room=lobby", &scope, "eu-west-1", true).await;
    // room plus the seven authentication parameters, each tampered with.
    assert_eq!(handshakes, 2 + 1 + 8 + 1 + 6 + 2);
    // Every handshake went through the verifier.
    assert_eq!(log.lock().unwrap().len(), handshakes);
}

#[tokio::test(flavor = "current_thread")]
async fn iot_style_url_with_the_token_appended_after_signing() {
    let scope = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let (port, log) = start_server(|port| {
        Verifier::new(credentials(), &scope).expect_host(&format!("127.0.0.1:{port}"))
    })
    .await;
    let handshakes = every_case(port, &log, "/mqtt", &scope, "us-east-1", false).await;
    assert_eq!(log.lock().unwrap().len(), handshakes);
    // The token really was left out of the signature: the verifier reported it unsigned.
    let url =
        presign(&format!("ws://127.0.0.1:{port}/mqtt"), credentials(), &scope, SIGNED_AT, 300);
    let verified = Verifier::new(credentials(), &scope).verify_url(&url, NOW).unwrap();
    assert!(verified.has_session_token() && !verified.session_token_signed());
    // Tampering with the unsigned token was refused because it is not the lookup's token.
    let token_tampered = log
        .lock()
        .unwrap()
        .iter()
        .find(|(target, _)| {
            target.contains("X-Amz-Security-Token=") && !target.contains(&uri_encode(TOKEN))
        })
        .cloned()
        .unwrap();
    assert!(matches!(token_tampered.1, Some(Error::SessionTokenMismatch { .. })));
}
