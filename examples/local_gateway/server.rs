//! The stand-in's server: a WebSocket server that checks each handshake as API Gateway's
//! `$connect` with `AWS_IAM` (or AWS IoT Core's MQTT over WebSocket) does, then echoes.
//!
//! The example (`main.rs` beside this file) runs it; `tests/handshake.rs` and
//! `tests/local_gateway.rs` include this file with `#[path]`, so the server the tests check is
//! the one users run. (The library itself stays free of tokio and tungstenite.)

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use sigv4_wss::{Credentials, Error, Verifier};
use time::OffsetDateTime;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode, header};

/// How long a client has to send its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The AWS endpoint the stand-in plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// API Gateway's `$connect` with `AWS_IAM`: any path (the stage), no subprotocol.
    ApiGateway,
    /// AWS IoT Core's MQTT over WebSocket: only `/mqtt`, and only for a client that asks for
    /// the `mqtt` subprotocol, which the response then names.
    Iot,
}

/// What the stand-in decided about one handshake.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Outcome {
    /// Upgraded.
    Accepted,
    /// `403 Forbidden`: the verifier's reason.
    Forbidden(Error),
    /// `404 Not Found` (IoT): AWS IoT serves MQTT over WebSocket at `/mqtt` only.
    NotMqttPath,
    /// `426 Upgrade Required` (IoT): the client did not ask for the `mqtt` subprotocol. AWS IoT
    /// answers so; its developer guide does not say it, users report it.
    NoMqttSubprotocol,
}

impl Outcome {
    /// The response's status.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Accepted => StatusCode::SWITCHING_PROTOCOLS,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotMqttPath => StatusCode::NOT_FOUND,
            Self::NoMqttSubprotocol => StatusCode::UPGRADE_REQUIRED,
        }
    }

    /// Why a handshake was refused: the refusal's body and the log's reason.
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::Accepted => "accepted".to_owned(),
            Self::Forbidden(err) => err.to_string(),
            Self::NotMqttPath => "AWS IoT serves MQTT over WebSocket at /mqtt only".to_owned(),
            Self::NoMqttSubprotocol => {
                "the client did not ask for the mqtt subprotocol (Sec-WebSocket-Protocol: mqtt)"
                    .to_owned()
            }
        }
    }

    /// The log line for a handshake with request target `target`: `accepted PATH` or
    /// `refused PATH: REASON`. Only the path: the query holds the signature and the token.
    pub(crate) fn log_line(&self, target: &str) -> String {
        let path = target.split_once('?').map_or(target, |(path, _)| path);
        match self {
            Self::Accepted => format!("accepted {path}"),
            refused => format!("refused {path}: {}", refused.reason()),
        }
    }
}

/// The time a handshake is checked at.
pub(crate) type Clock = Box<dyn Fn() -> OffsetDateTime + Send + Sync>;
/// Told of each handshake: its request target (with the query: never print it) and outcome.
pub(crate) type Log = Box<dyn Fn(&str, &Outcome) + Send + Sync>;

/// The stand-in: a verifier, a mode, a clock and a log.
pub(crate) struct Gateway {
    verifier: Verifier<Credentials>,
    mode: Mode,
    clock: Clock,
    log: Log,
}

impl Gateway {
    pub(crate) fn new(verifier: Verifier<Credentials>, mode: Mode, clock: Clock, log: Log) -> Self {
        Self { verifier, mode, clock, log }
    }

    /// Serves every connection to `listener`, each in a task of its own.
    pub(crate) async fn run(self, listener: TcpListener) {
        let gateway = Arc::new(self);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(Arc::clone(&gateway).connection(stream));
                }
                // Out of file descriptors, say: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Decides about a handshake: it must verify (its method, request target as received and
    /// headers, at the clock's time; a header value that is not UTF-8 is refused if the check
    /// reads it), and in IoT mode be for `/mqtt` and ask for the `mqtt` subprotocol.
    fn decide(&self, request: &Request) -> Outcome {
        let verified = match self.verifier.verify_http_request(request, (self.clock)()) {
            Ok(verified) => verified,
            Err(err) => return Outcome::Forbidden(err),
        };
        if self.mode == Mode::Iot {
            if verified.path() != "/mqtt" {
                return Outcome::NotMqttPath;
            }
            if !asks_for_mqtt(request) {
                return Outcome::NoMqttSubprotocol;
            }
        }
        Outcome::Accepted
    }

    /// Upgrades `stream` if its handshake is accepted, then answers until the client leaves.
    async fn connection(self: Arc<Self>, stream: TcpStream) {
        let check = |request: &Request, mut response: Response| {
            let outcome = self.decide(request);
            (self.log)(request.uri().path_and_query().map_or("/", |pq| pq.as_str()), &outcome);
            if outcome == Outcome::Accepted {
                if self.mode == Mode::Iot {
                    let mqtt = HeaderValue::from_static("mqtt");
                    response.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, mqtt);
                }
                return Ok(response);
            }
            let mut refusal = ErrorResponse::new(Some(outcome.reason()));
            *refusal.status_mut() = outcome.status();
            Err(refusal)
        };
        // A client that never finishes its handshake must not hold the connection forever.
        let handshake = tokio_tungstenite::accept_hdr_async(stream, check);
        let Ok(Ok(mut socket)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await else {
            return;
        };
        while let Some(Ok(message)) = socket.next().await {
            let reply = match (self.mode, message) {
                (Mode::Iot, Message::Binary(bytes)) => Message::Binary(mqtt_reply(&bytes).into()),
                (_, message @ (Message::Text(_) | Message::Binary(_))) => message,
                _ => continue,
            };
            if socket.send(reply).await.is_err() {
                return;
            }
        }
    }
}

/// Whether the client lists `mqtt` among its WebSocket subprotocols.
fn asks_for_mqtt(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim() == "mqtt")
}

/// The IoT mode's answer to a binary message. There is no broker behind the stand-in, but an
/// MQTT client counts itself connected only once its CONNECT is answered by a CONNACK, and
/// stays so only while its pings are answered: so a message starting with a CONNECT gets
/// "connection accepted" (in the CONNECT's MQTT version: 3.1.1 or 5) and a PINGREQ gets a
/// PINGRESP. Anything else is echoed (a `QoS` 0 PUBLISH comes back as if subscribed).
fn mqtt_reply(message: &[u8]) -> Vec<u8> {
    const CONNECT: u8 = 0x10;
    const PINGREQ: [u8; 2] = [0xC0, 0x00];
    match message.first() {
        Some(&CONNECT) => {
            // The remaining length takes 1 to 4 bytes, each but the last with its top bit set;
            // then the protocol name (`0x00 0x04 MQTT`) and the protocol level.
            let length_bytes = message.iter().skip(1).take(4).take_while(|b| *b & 0x80 != 0);
            let level = message.get(1 + length_bytes.count() + 1 + 6).copied();
            if level == Some(5) {
                // CONNACK: flags 0, reason code 0 (success), no properties.
                vec![0x20, 0x03, 0x00, 0x00, 0x00]
            } else {
                // CONNACK: session present 0, return code 0 (accepted).
                vec![0x20, 0x02, 0x00, 0x00]
            }
        }
        _ if message == PINGREQ => vec![0xD0, 0x00],
        _ => message.to_vec(),
    }
}
