//! MQTT over WebSocket to AWS IoT Core with `rumqttc`, each connection and reconnection with a
//! URL presigned at that moment.
//!
//! ```text
//! cargo run --example iot_mqtt -- [--region R] [--client-id ID] [--topic TOPIC] [--message TEXT] ENDPOINT
//! ```
//!
//! `ENDPOINT` is the bare WebSocket endpoint, with no query:
//! `wss://{prefix}-ats.iot.{region}.amazonaws.com/mqtt` (the region is read from the host), or
//! the local stand-in's `ws://127.0.0.1:PORT/mqtt` (`local_gateway --iot`; give `--region`).
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
//! It connects, publishes `TEXT` (default `hello from sigv4-wss`) to `TOPIC` (default
//! `sigv4-wss/hello`) with `QoS` 0, disconnects, and prints `connected to ENDPOINT as ID` and
//! `published to TOPIC`. An error: one line on stderr and exit status 1 (2 for bad usage).
//!
//! Why the URL is presigned in the request modifier: `rumqttc` keeps the URL given to
//! `MqttOptions` and uses it again for every reconnection, but a presigned URL expires (and
//! `MqttOptions`'s `Debug` prints it, signature and session token included). So the options
//! get the bare endpoint, and the request modifier, which `rumqttc` calls before every
//! WebSocket handshake, replaces the request's URI with the endpoint presigned then.
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line example")]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Uri};
use rumqttc::{
    AsyncClient, ConnectReturnCode, Event, MqttOptions, Outgoing, Packet, QoS, Transport,
};
use sigv4_wss::{Credentials, Error, Presigner, Scope};
use time::OffsetDateTime;

const USAGE: &str = "usage: iot_mqtt [--region R] [--client-id ID] [--topic TOPIC] \
                     [--message TEXT] ENDPOINT";

/// How long a presigned handshake URL is valid: it is used at once.
const URL_LIFETIME: Duration = Duration::from_secs(60);

/// MQTT options for `endpoint` (`ws://` or `wss://`, no query) in which every WebSocket
/// handshake, the first and each reconnection's, carries the endpoint presigned by `presigner`
/// at the time `clock` gives then.
pub(crate) fn mqtt_options(
    client_id: &str, endpoint: &str, presigner: Arc<Presigner>,
    clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static,
) -> Result<MqttOptions, String> {
    // Not shown in the message: it may be a presigned URL, signature and token included.
    if endpoint.contains('?') {
        return Err("the endpoint has a query: give the bare endpoint".to_owned());
    }
    let transport = match endpoint.split_once("://") {
        Some(("ws", _)) => Transport::Ws,
        // TLS with the system's root certificates.
        Some(("wss", _)) => Transport::wss_with_default_config(),
        _ => return Err(format!("{endpoint} is not a ws:// or wss:// URL")),
    };
    // With a WebSocket transport rumqttc reads the host and port from the URL, not this port.
    let mut options = MqttOptions::new(client_id, endpoint, 443);
    options.set_transport(transport);
    options.set_request_modifier(move |mut request: Request<()>| {
        match presigned_uri(&presigner, request.uri(), clock()) {
            Ok(uri) => *request.uri_mut() = uri,
            // The modifier cannot fail: the handshake goes out unsigned, the endpoint refuses
            // it, and rumqttc reports that refusal.
            Err(reason) => eprintln!("iot_mqtt: cannot presign the handshake: {reason}"),
        }
        std::future::ready(request)
    });
    Ok(options)
}

/// `uri` presigned at `now` (with the crate's `http` feature).
fn presigned_uri(presigner: &Presigner, uri: &Uri, now: OffsetDateTime) -> Result<Uri, Error> {
    presigner.presign_uri(uri, now, URL_LIFETIME)?.try_into()
}

struct Args {
    region: Option<String>,
    client_id: String,
    topic: String,
    message: String,
    endpoint: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut region, mut endpoint) = (None, None);
    let mut client_id = "sigv4-wss-example".to_owned();
    let mut topic = "sigv4-wss/hello".to_owned();
    let mut message = "hello from sigv4-wss".to_owned();
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match arg.as_str() {
            "--region" => region = Some(value("--region")?),
            "--client-id" => client_id = value("--client-id")?,
            "--topic" => topic = value("--topic")?,
            "--message" => message = value("--message")?,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {USAGE}"));
            }
            _ if endpoint.is_some() => return Err(format!("more than one endpoint; {USAGE}")),
            _ => endpoint = Some(arg),
        }
    }
    let endpoint = endpoint.ok_or_else(|| format!("no endpoint given; {USAGE}"))?;
    Ok(Args { region, client_id, topic, message, endpoint })
}

async fn run(args: Args) -> Result<(), String> {
    // The options refuse it too; this is before the messages below show the endpoint.
    if args.endpoint.contains('?') {
        return Err("the endpoint has a query: give the bare endpoint".to_owned());
    }
    let scope = match &args.region {
        Some(region) => Scope::new(region, "iotdevicegateway"),
        None => Scope::from_url(&args.endpoint),
    }
    .map_err(|e| e.to_string())?;
    if scope.service() != "iotdevicegateway" {
        return Err(format!("{} is not an AWS IoT endpoint; give --region", args.endpoint));
    }
    let credentials = Credentials::from_env().map_err(|e| e.to_string())?;

    let presigner = Arc::new(Presigner::new(credentials, scope));
    let options =
        mqtt_options(&args.client_id, &args.endpoint, presigner, OffsetDateTime::now_utc)?;
    let (client, mut events) = AsyncClient::new(options, 10);
    let exchange = async {
        loop {
            // Polling again after an error would reconnect (re-presigned); here it ends.
            match events.poll().await.map_err(|e| e.to_string())? {
                Event::Incoming(Packet::ConnAck(ack)) => {
                    if ack.code != ConnectReturnCode::Success {
                        return Err(format!("the broker refused the connection: {:?}", ack.code));
                    }
                    println!("connected to {} as {}", args.endpoint, args.client_id);
                    let payload = args.message.clone().into_bytes();
                    client
                        .publish(&args.topic, QoS::AtMostOnce, false, payload)
                        .await
                        .map_err(|e| e.to_string())?;
                    client.disconnect().await.map_err(|e| e.to_string())?;
                }
                Event::Outgoing(Outgoing::Publish(_)) => println!("published to {}", args.topic),
                Event::Outgoing(Outgoing::Disconnect) => return Ok(()),
                _ => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .map_err(|_| "no answer within 30 seconds".to_owned())?
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("iot_mqtt: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("iot_mqtt: {message}");
            ExitCode::FAILURE
        }
    }
}
