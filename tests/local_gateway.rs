//! The local stand-in and the examples as a user runs them: the built `local_gateway`,
//! `presign` and `iot_mqtt` example binaries (built by `cargo test`), in API Gateway and IoT
//! mode. The stand-in accepts the URL the presign example prints and refuses it tampered with
//! (`403`, and the reason in its log); the MQTT example connects through it. In process,
//! rumqttc with the example's options presigns again for a reconnection, which the stand-in
//! accepts after the first URL has expired, whereas a URL fixed in the options is refused.
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

#[path = "../examples/iot_mqtt.rs"]
#[allow(dead_code, reason = "the example's main and argument parsing are not used here")]
mod iot_mqtt;
#[path = "../examples/local_gateway/server.rs"]
#[allow(dead_code, reason = "API Gateway mode is tested in process by tests/handshake.rs")]
mod server;
#[path = "support/ws_client.rs"]
mod ws_client;

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, Transport};
use sigv4_wss::{Credentials, Error, Presigner, Scope, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};

use crate::server::{Gateway, Mode, Outcome};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3Qt+MSJHMEUCIQ==";
/// The presign example's `--time`, and the stand-in's `--now` ten seconds later.
const SIGNED_AT: &str = "2020-01-31T10:02:33Z";
const NOW: &str = "2020-01-31T10:02:43Z";

/// Example `name` as built by `cargo test` (which builds the examples before running the
/// tests) or `cargo build --examples`, next to this test's own binary.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(std::path::Path::parent).unwrap();
    let example = dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        example.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --examples` first",
        example.display()
    );
    example
}

/// `name` with the test's credentials in its environment.
fn command(name: &str, secret: &str) -> Command {
    let mut command = Command::new(example(name));
    command
        .env("AWS_ACCESS_KEY_ID", AKID)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", TOKEN);
    command
}

/// The stand-in, running with `args`, and the address it printed.
struct Standin {
    child: Child,
    address: String,
}

impl Standin {
    fn start(args: &[&str]) -> Self {
        let mut child = command("local_gateway", SECRET)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut address).unwrap();
        assert!(address.starts_with("ws://127.0.0.1:"), "the stand-in printed {address:?}");
        Self { child, address: address.trim_end().to_owned() }
    }

    /// Stops it; returns its log (stderr), lines.
    fn stop(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        let output = self.child.wait_with_output().unwrap();
        let log = String::from_utf8(output.stderr).unwrap();
        for secret in [SECRET, TOKEN, "X-Amz-Signature", "X-Amz-Security-Token"] {
            assert!(!log.contains(secret), "the log shows {secret}: {log}");
        }
        log.lines().map(str::to_owned).collect()
    }
}

/// What the presign example prints for `args`.
fn presign_example(args: &[&str]) -> String {
    let output = command("presign", SECRET).args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim_end().to_owned()
}

/// Connects to `url` (asking for the `mqtt` subprotocol if `mqtt`) and sends `send`: the
/// response's status and `Sec-WebSocket-Protocol` and the server's answer, or the status and
/// the refusal's body.
async fn exchange(url: &str, mqtt: bool, send: &[u8]) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = url.into_client_request().unwrap();
    if mqtt {
        request.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    }
    ws_client::exchange(request, send).await
}

/// `url` with `X-Amz-Expires=300` made 299: a parameter the signature covers.
fn tampered(url: &str) -> String {
    let tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=299");
    assert_ne!(tampered, url);
    tampered
}

#[tokio::test(flavor = "current_thread")]
async fn api_gateway_mode_accepts_the_presign_examples_url_and_refuses_it_tampered() {
    let standin = Standin::start(&["--now", NOW]);
    let unsigned = format!("{}/dev?room=lobby", standin.address);
    let scope = ["--region", "us-east-1", "--service", "execute-api"];
    let url = presign_example(&[&scope[..], &["--time", SIGNED_AT, &unsigned]].concat());
    assert!(url.starts_with(&format!("{unsigned}&X-Amz-Algorithm=")), "{url}");

    let ok = StatusCode::SWITCHING_PROTOCOLS;
    assert_eq!(exchange(&url, false, b"hello").await, (ok, None, b"hello".to_vec()));
    let (status, _, body) = exchange(&tampered(&url), false, b"").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let reason = Error::SignatureMismatch.to_string();
    assert_eq!(String::from_utf8(body).unwrap(), reason);

    // The lines tests/browser/run looks for.
    assert_eq!(standin.stop(), ["accepted /dev".to_owned(), format!("refused /dev: {reason}")]);
}

#[tokio::test(flavor = "current_thread")]
async fn iot_mode_accepts_the_presign_examples_url_and_refuses_it_tampered() {
    let standin = Standin::start(&["--iot", "--region", "eu-west-1", "--now", NOW]);
    let unsigned = format!("{}/mqtt", standin.address);
    let scope = ["--region", "eu-west-1", "--service", "iotdevicegateway"];
    let url = presign_example(&[&scope[..], &["--time", SIGNED_AT, &unsigned]].concat());
    // IoT's rule: the token is appended after the signature.
    let signature = url.find("&X-Amz-Signature=").unwrap();
    assert!(url.find("&X-Amz-Security-Token=").unwrap() > signature, "{url}");

    // An MQTT 3.1.1 CONNECT (client id "c") gets CONNACK "accepted", over the mqtt subprotocol.
    let connect = b"\x10\x0d\x00\x04MQTT\x04\x02\x00\x3c\x00\x01c";
    let connack = vec![0x20, 0x02, 0x00, 0x00];
    let (status, protocol, answer) = exchange(&url, true, connect).await;
    assert_eq!(
        (status, protocol.as_deref(), answer),
        (StatusCode::SWITCHING_PROTOCOLS, Some("mqtt"), connack)
    );
    let (status, _, body) = exchange(&tampered(&url), true, b"").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let reason = Error::SignatureMismatch.to_string();
    assert_eq!(String::from_utf8(body).unwrap(), reason);
    // A client that does not ask for mqtt: 426, as AWS IoT answers.
    assert_eq!(exchange(&url, false, b"").await.0, StatusCode::UPGRADE_REQUIRED);

    let log = standin.stop();
    assert_eq!(log[..2], ["accepted /mqtt".to_owned(), format!("refused /mqtt: {reason}")]);
    assert!(log[2].starts_with("refused /mqtt: the client did not ask for the mqtt subprotocol"));
    assert_eq!(log.len(), 3);
}

#[test]
fn the_mqtt_example_connects_through_the_standin() {
    let standin = Standin::start(&["--iot", "--region", "eu-west-1"]);
    let endpoint = format!("{}/mqtt", standin.address);
    let output = command("iot_mqtt", SECRET)
        .args(["--region", "eu-west-1", "--topic", "t/1", &endpoint])
        .output()
        .unwrap();
    assert_eq!(
        (output.status.code(), String::from_utf8(output.stdout).unwrap()),
        (Some(0), format!("connected to {endpoint} as sigv4-wss-example\npublished to t/1\n")),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // With another secret the stand-in refuses, and the example says so and fails.
    let output = command("iot_mqtt", "not-the-secret")
        .args(["--region", "eu-west-1", &endpoint])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("iot_mqtt: ") && stderr.contains("403"), "{stderr}");
    assert!(!stderr.contains("not-the-secret") && !stderr.contains(TOKEN), "{stderr}");
    let reason = Error::SignatureMismatch.to_string();
    assert_eq!(standin.stop(), ["accepted /mqtt".to_owned(), format!("refused /mqtt: {reason}")]);
}

#[test]
fn bad_usage_is_one_line_and_exit_status_2() {
    for (name, args) in [
        ("local_gateway", &["--port", "65536"][..]),
        ("local_gateway", &["--iot", "--service", "execute-api"]),
        ("local_gateway", &["--now", "yesterday"]),
        ("local_gateway", &["--host"]),
        ("iot_mqtt", &[]),
        ("iot_mqtt", &["--region"]),
        ("iot_mqtt", &["--qos", "1", "ws://127.0.0.1:1/mqtt"]),
        ("iot_mqtt", &["ws://127.0.0.1:1/mqtt", "ws://127.0.0.1:2/mqtt"]),
    ] {
        let output = command(name, SECRET).args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.starts_with(&format!("{name}: ")), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
    // A usable command line whose endpoint is not: exit status 1.
    let output = command("iot_mqtt", SECRET).arg("wss://chat.example.com/mqtt").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    // A presigned URL instead of the bare endpoint: refused without showing it.
    let presigned = presign_example(&[
        "--region",
        "eu-west-1",
        "--service",
        "iotdevicegateway",
        "ws://127.0.0.1:1/mqtt",
    ]);
    let output =
        command("iot_mqtt", SECRET).args(["--region", "eu-west-1", &presigned]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        (output.status.code(), stderr.as_str()),
        (Some(1), "iot_mqtt: the endpoint has a query: give the bare endpoint\n")
    );
}

/// Polls `events` until the next CONNACK, or returns the error that came first.
async fn next_connack(events: &mut EventLoop) -> Result<(), rumqttc::ConnectionError> {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Event::Incoming(Packet::ConnAck(_)) = events.poll().await? {
                return Ok(());
            }
        }
    })
    .await
    .expect("no CONNACK or error within 5 seconds")
}

#[tokio::test(flavor = "current_thread")]
async fn a_reconnection_is_presigned_again() {
    let scope = Scope::new("eu-west-1", "iotdevicegateway").unwrap();
    let credentials = Credentials::new(AKID, SECRET, Some(TOKEN)).unwrap();
    // One clock, in whole seconds since 1970, for the stand-in and the client; moved by hand.
    let clock = Arc::new(AtomicI64::new(datetime!(2020-01-31 10:02:33 UTC).unix_timestamp()));
    let read = |clock: &AtomicI64| {
        OffsetDateTime::from_unix_timestamp(clock.load(Ordering::SeqCst)).unwrap()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("ws://{}/mqtt", listener.local_addr().unwrap());
    let log: Arc<Mutex<Vec<(String, Outcome)>>> = Arc::default();
    let (server_clock, server_log) = (Arc::clone(&clock), Arc::clone(&log));
    let verifier = Verifier::new(credentials.clone(), &scope)
        .expect_host(&endpoint["ws://".len()..endpoint.len() - "/mqtt".len()])
        .max_age(Duration::from_secs(300));
    let gateway = Gateway::new(
        verifier,
        Mode::Iot,
        Box::new(move || read(&server_clock)),
        Box::new(move |target, outcome| {
            server_log.lock().unwrap().push((target.to_owned(), outcome.clone()));
        }),
    );
    tokio::spawn(gateway.run(listener));
    let presigner = Arc::new(Presigner::new(credentials, scope));

    // The example's options: the bare endpoint, presigned at each handshake.
    let client_clock = Arc::clone(&clock);
    let options =
        iot_mqtt::mqtt_options("c", &endpoint, Arc::clone(&presigner), move || read(&client_clock))
            .unwrap();
    assert!(!format!("{options:?}").contains("X-Amz-Signature"), "{options:?}");
    let (_client, mut events) = AsyncClient::new(options, 10);
    next_connack(&mut events).await.unwrap();
    // Ten minutes later the connection drops (clean drops it) and rumqttc reconnects.
    clock.fetch_add(600, Ordering::SeqCst);
    events.clean();
    next_connack(&mut events).await.unwrap();
    let decided = log.lock().unwrap().clone();
    assert_eq!(decided.len(), 2);
    assert!(decided.iter().all(|(_, outcome)| *outcome == Outcome::Accepted), "{decided:?}");
    assert!(decided[0].0.contains("X-Amz-Date=20200131T100233Z"), "{}", decided[0].0);
    assert!(decided[1].0.contains("X-Amz-Date=20200131T101233Z"), "{}", decided[1].0);

    // The naive way: a URL presigned once, in the options (whose Debug then shows it). It works
    // until it expires; the reconnection ten minutes later is refused.
    log.lock().unwrap().clear();
    let url = presigner.presign(&endpoint, read(&clock), Duration::from_secs(60)).unwrap();
    let mut options = MqttOptions::new("c", url.as_str(), 443);
    options.set_transport(Transport::Ws);
    assert!(format!("{options:?}").contains("X-Amz-Signature"));
    let (_client, mut events) = AsyncClient::new(options, 10);
    next_connack(&mut events).await.unwrap();
    clock.fetch_add(600, Ordering::SeqCst);
    events.clean();
    let refused = next_connack(&mut events).await.unwrap_err();
    assert!(refused.to_string().contains("403"), "{refused}");
    let decided = log.lock().unwrap().clone();
    assert_eq!(decided[0].1, Outcome::Accepted);
    assert!(matches!(decided[1].1, Outcome::Forbidden(Error::Expired { .. })), "{decided:?}");
}
