//! End to end: the local stand-in for API Gateway (`examples/local_gateway/server.rs`, included
//! here) on 127.0.0.1 checks each handshake's request target and `Host` header with the
//! verifier (`verify_request`, with `expect_host`), as API Gateway's `$connect` route with
//! `AWS_IAM` does, and answers `403` with the verifier's reason otherwise. A client with a
//! presigned URL is upgraded and gets its message echoed; unsigned, tampered, expired, future,
//! wrong-secret, unknown-key, wrong-region and wrong-host URLs get `403`, as do a raw dot
//! segment and a raw `+`, which this client sends as written. The same for an IoT-style URL
//! whose session token is appended after signing, in the stand-in's IoT mode, which also
//! requires and answers the `mqtt` subprotocol and answers an MQTT CONNECT with a CONNACK.
//!
//! The server's clock is passed in (`NOW`), so the test does not depend on the wall clock.
#![cfg(feature = "http")] // the stand-in verifies with `verify_http_request`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs,
    clippy::result_large_err,
    reason = "a test; tungstenite's handshake callback fixes the error type"
)]

#[path = "../examples/local_gateway/server.rs"]
mod server;
#[path = "support/ws_client.rs"]
mod ws_client;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use sigv4_wss::{Credentials, Error, Presigner, Scope, Verifier, uri_encode};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::handshake::client::Request as ClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::server::{Gateway, Mode, Outcome};
use crate::ws_client::exchange;

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

/// What the server decided for each handshake: the request target and the outcome.
type Log = Arc<Mutex<Vec<(String, Outcome)>>>;

/// Starts the stand-in (`examples/local_gateway/server.rs`) on 127.0.0.1 in `mode`, with the
/// verifier `make` builds for its port and its clock at `NOW`. Returns its port and its log.
async fn start_server(mode: Mode, make: impl FnOnce(u16) -> Verifier<Credentials>) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: Log = Arc::default();
    let server_log = Arc::clone(&log);
    let gateway = Gateway::new(
        make(port),
        mode,
        Box::new(|| NOW),
        Box::new(move |target, outcome| {
            server_log.lock().unwrap().push((target.to_owned(), outcome.clone()));
        }),
    );
    tokio::spawn(gateway.run(listener));
    (port, log)
}

/// The error of the last handshake the server refused with `403`.
fn last_error(log: &Log) -> (String, Error) {
    match log.lock().unwrap().last().cloned() {
        Some((target, Outcome::Forbidden(err))) => (target, err),
        other => panic!("the server's last decision: {other:?}"),
    }
}

/// The handshake request a client sends for `url`; an MQTT client also asks for `mqtt`.
fn client_request(url: &str, mqtt: bool) -> ClientRequest {
    let mut request = url.into_client_request().unwrap();
    if mqtt {
        request.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    }
    request
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
    token_signed: bool, mqtt: bool,
) -> usize {
    let request = |url: &str| client_request(url, mqtt);
    let origin = format!("ws://127.0.0.1:{port}");
    let unsigned = format!("{origin}{path_and_query}");
    let good = presign(&unsigned, credentials(), scope, SIGNED_AT, 300);
    assert!(good.ends_with(&format!("&X-Amz-Security-Token={}", uri_encode(TOKEN))), "{good}");

    // Upgraded, and the message comes back.
    assert_eq!(connect_and_echo(request(&good)).await, Ok("hello over sigv4".to_owned()));
    assert_eq!(log.lock().unwrap().last().unwrap().1, Outcome::Accepted);

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
        let (target, err) = last_error(log);
        // What the example logs: the path and the reason, never the query.
        let path = target.split_once('?').map_or(target.as_str(), |(path, _)| path);
        let line = Outcome::Forbidden(err.clone()).log_line(&target);
        assert_eq!(line, format!("refused {path}: {err}"));
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
    let (port, log) = start_server(Mode::ApiGateway, |port| {
        Verifier::new(credentials(), &scope).expect_host(&format!("127.0.0.1:{port}"))
    })
    .await;
    let handshakes =
        every_case(port, &log, "/dev?room=lobby", &scope, "eu-west-1", true, false).await;
    // room plus the seven authentication parameters, each tampered with.
    assert_eq!(handshakes, 2 + 1 + 8 + 1 + 6 + 2);
    // Every handshake went through the verifier.
    assert_eq!(log.lock().unwrap().len(), handshakes);
}

#[tokio::test(flavor = "current_thread")]
async fn iot_style_url_with_the_token_appended_after_signing() {
    let scope = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let (port, log) = start_server(Mode::Iot, |port| {
        Verifier::new(credentials(), &scope).expect_host(&format!("127.0.0.1:{port}"))
    })
    .await;
    let handshakes = every_case(port, &log, "/mqtt", &scope, "us-east-1", false, true).await;
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
    assert!(matches!(token_tampered.1, Outcome::Forbidden(Error::SessionTokenMismatch { .. })));
}

/// An MQTT CONNECT with client id `client_id`, keep-alive 60 s and a clean session, written
/// out from the MQTT specifications (3.1.1 section 3.1, 5.0 section 3.1) for protocol level
/// `level`.
fn mqtt_connect(level: u8, client_id: &str) -> Vec<u8> {
    let mut rest = vec![0x00, 0x04, b'M', b'Q', b'T', b'T', level, 0x02, 0x00, 0x3C];
    if level == 5 {
        rest.push(0x00); // no properties
    }
    rest.extend(u16::try_from(client_id.len()).unwrap().to_be_bytes());
    rest.extend(client_id.as_bytes());
    // The remaining length: 7 bits a byte, least significant first, the top bit set on all
    // but the last byte.
    let mut packet = vec![0x10];
    let mut length = rest.len();
    loop {
        let byte = u8::try_from(length % 128).unwrap();
        length /= 128;
        packet.push(if length > 0 { byte | 0x80 } else { byte });
        if length == 0 {
            break;
        }
    }
    packet.extend(rest);
    packet
}

#[tokio::test(flavor = "current_thread")]
async fn iot_mode_speaks_the_mqtt_subprotocol_as_aws_iot_does() {
    let scope = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let (port, log) = start_server(Mode::Iot, |port| {
        Verifier::new(credentials(), &scope).expect_host(&format!("127.0.0.1:{port}"))
    })
    .await;
    let signed = |path: &str| {
        presign(&format!("ws://127.0.0.1:{port}{path}"), credentials(), &scope, SIGNED_AT, 300)
    };
    let url = signed("/mqtt");

    // Asked for (alone or in a list), `mqtt` is named in the response; a CONNECT gets a
    // CONNACK "accepted" in its own MQTT version, a PINGREQ a PINGRESP, anything else its echo.
    let connack_311 = vec![0x20, 0x02, 0x00, 0x00];
    let connack_5 = vec![0x20, 0x03, 0x00, 0x00, 0x00];
    let mqtt = Some("mqtt".to_owned());
    let ok = StatusCode::SWITCHING_PROTOCOLS;
    assert_eq!(
        exchange(client_request(&url, true), &mqtt_connect(4, "c")).await,
        (ok, mqtt.clone(), connack_311.clone())
    );
    assert_eq!(
        exchange(client_request(&url, true), &mqtt_connect(5, "c")).await,
        (ok, mqtt.clone(), connack_5.clone())
    );
    // A remaining length over 127 takes two bytes: the version is read after them.
    let long_id = "c".repeat(200);
    // 10 bytes of header, 1 of properties, 2 + 200 of client id: 213 = 0x55 + 1 * 128.
    assert_eq!(mqtt_connect(5, &long_id)[1..3], [0x80 | 0x55, 0x01]);
    assert_eq!(
        exchange(client_request(&url, true), &mqtt_connect(5, &long_id)).await,
        (ok, mqtt.clone(), connack_5)
    );
    assert_eq!(
        exchange(client_request(&url, true), &mqtt_connect(4, &long_id)).await,
        (ok, mqtt.clone(), connack_311)
    );
    assert_eq!(
        exchange(client_request(&url, true), &[0xC0, 0x00]).await,
        (ok, mqtt.clone(), vec![0xD0, 0x00])
    );
    let mut listing = client_request(&url, false);
    listing
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqttv3.1, mqtt"));
    // tungstenite's client accepts only a protocol it asked for, so this is the server's pick.
    assert_eq!(exchange(listing, b"\x30\x00").await, (ok, mqtt, b"\x30\x00".to_vec()));

    // Not asked for: 426, as AWS IoT answers. Another path: 404, though the URL verifies.
    let no_mqtt = exchange(client_request(&url, false), b"").await;
    let reason = Outcome::NoMqttSubprotocol.reason();
    assert_eq!(no_mqtt, (StatusCode::UPGRADE_REQUIRED, None, reason.into_bytes()));
    let elsewhere = exchange(client_request(&signed("/other"), true), b"").await;
    let reason = Outcome::NotMqttPath.reason();
    assert_eq!(elsewhere, (StatusCode::NOT_FOUND, None, reason.into_bytes()));
    let outcomes: Vec<Outcome> = log.lock().unwrap().iter().map(|(_, o)| o.clone()).collect();
    let accepted = vec![Outcome::Accepted; 6];
    assert_eq!(
        outcomes,
        [accepted, vec![Outcome::NoMqttSubprotocol, Outcome::NotMqttPath]].concat()
    );
    // A bad signature is refused first, whatever the subprotocol.
    let tampered = tamper(&url, Some("X-Amz-Date"));
    assert_eq!(exchange(client_request(&tampered, false), b"").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "current_thread")]
async fn a_header_value_that_is_not_utf8_is_refused_when_read_and_otherwise_plays_no_part() {
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let (port, log) = start_server(Mode::ApiGateway, |port| {
        Verifier::new(credentials(), &scope).expect_host(&format!("127.0.0.1:{port}"))
    })
    .await;
    let url = presign(&format!("ws://127.0.0.1:{port}/dev"), credentials(), &scope, SIGNED_AT, 300);
    // Latin-1 in a header the signature does not cover: accepted, like any unsigned header.
    let mut unsigned = client_request(&url, false);
    unsigned.headers_mut().insert("x-note", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    assert_eq!(exchange(unsigned, b"hi").await.0, StatusCode::SWITCHING_PROTOCOLS);
    // In the signed Host: refused, naming the header, not checked as if it were absent.
    // (tungstenite's client sends no such Host: the handshake is written out here.)
    let target = url.strip_prefix(&format!("ws://127.0.0.1:{port}")).unwrap();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\u{e9}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    // The one non-ASCII character, é, as a single Latin-1 byte.
    let latin1: Vec<u8> = head.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    stream.write_all(&latin1).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(response).unwrap();
    let expected = Error::InvalidHeaderValue { name: "host".to_owned() };
    assert!(response.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{response}");
    assert!(response.ends_with(&format!("\r\n\r\n{expected}")), "{response}");
    assert_eq!(last_error(&log).1, expected);
}
