//! A local stand-in for an API Gateway WebSocket API whose `$connect` route uses `AWS_IAM`, or
//! (with `--iot`) for AWS IoT Core's MQTT over WebSocket: a WebSocket server on 127.0.0.1 that
//! checks each handshake with the crate's [`Verifier`] and then echoes every text and binary
//! message. For trying clients locally, browser tests and the crate's own tests.
//!
//! ```text
//! cargo run --example local_gateway -- [--port PORT] [--region R] [--service S | --iot] [--host HOST]... [--now 2020-01-31T10:02:43Z]
//! ```
//!
//! It accepts the credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
//! credentials, `AWS_SESSION_TOKEN` (then a URL must carry exactly that token). `--port`
//! defaults to 0, any free port; `--region` to `us-east-1`; `--service` to `execute-api`;
//! `--now` to the system clock at each handshake (give it to verify URLs signed at a fixed
//! time). As API Gateway, it answers only for its own host, `127.0.0.1:PORT` or
//! `localhost:PORT` unless `--host` names others (once per name, as the client sends `Host`),
//! and takes a handshake only within 5 minutes of its signing time.
//!
//! `--iot` plays AWS IoT Core instead: service `iotdevicegateway` (whose URLs carry the session
//! token appended after signing, unsigned), path `/mqtt` only (else `404`), and the client must
//! ask for the `mqtt` subprotocol (else `426 Upgrade Required`, as AWS IoT answers), which the
//! response then names. It answers an MQTT CONNECT with a CONNACK and a PINGREQ with a PINGRESP,
//! so that MQTT clients connect; there is no broker behind it, and other messages are echoed.
//!
//! Once listening, it prints its address (`ws://127.0.0.1:PORT`) and a newline on stdout, and
//! nothing else there. For each handshake it writes one line on stderr: `accepted PATH` or
//! `refused PATH: REASON`, where `REASON` is the verifier's message; a refused handshake gets
//! `403 Forbidden` (or the status above) with the reason as its body. The query is never
//! logged: it holds the signature and the session token. It runs until it is killed. Bad
//! usage: one line on stderr and exit status 2; missing credentials or a port it cannot bind:
//! exit status 1.
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line example")]
#![allow(clippy::result_large_err, reason = "tungstenite's handshake callback fixes the type")]

mod server;

use std::process::ExitCode;
use std::time::Duration;

use sigv4_wss::{Credentials, Scope, Verifier};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpListener;

use crate::server::{Gateway, Mode};

const USAGE: &str = "usage: local_gateway [--port PORT] [--region R] [--service S | --iot] \
                     [--host HOST]... [--now 2020-01-31T10:02:43Z]";

struct Args {
    port: u16,
    region: String,
    service: Option<String>,
    iot: bool,
    hosts: Vec<String>,
    now: Option<OffsetDateTime>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        port: 0,
        region: "us-east-1".into(),
        service: None,
        iot: false,
        hosts: Vec::new(),
        now: None,
    };
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                parsed.port = v.parse().map_err(|_| format!("--port {v:?} is not 0 to 65535"))?;
            }
            "--region" => parsed.region = value("--region")?,
            "--service" => parsed.service = Some(value("--service")?),
            "--iot" => parsed.iot = true,
            "--host" => parsed.hosts.push(value("--host")?),
            "--now" => {
                let v = value("--now")?;
                let now = OffsetDateTime::parse(&v, &Rfc3339).map_err(|_| {
                    format!("--now {v:?} is not an RFC 3339 time such as 2020-01-31T10:02:43Z")
                })?;
                parsed.now = Some(now);
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unexpected argument {other}; {USAGE}")),
        }
    }
    if parsed.iot && parsed.service.is_some() {
        return Err(format!("--iot sets the service (iotdevicegateway): no --service; {USAGE}"));
    }
    Ok(parsed)
}

async fn run(args: Args) -> Result<(), String> {
    let credentials = Credentials::from_env().map_err(|e| e.to_string())?;
    let (service, mode) = match (args.iot, args.service) {
        (true, _) => ("iotdevicegateway".to_owned(), Mode::Iot),
        (false, service) => (service.unwrap_or_else(|| "execute-api".into()), Mode::ApiGateway),
    };
    let scope = Scope::new(&args.region, &service).map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let hosts = if args.hosts.is_empty() {
        vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")]
    } else {
        args.hosts
    };
    let verifier = hosts
        .iter()
        .fold(Verifier::new(credentials, &scope), |verifier, host| verifier.expect_host(host))
        .max_age(Duration::from_secs(300));
    let now = args.now;
    let gateway = Gateway::new(
        verifier,
        mode,
        Box::new(move || now.unwrap_or_else(OffsetDateTime::now_utc)),
        Box::new(|target, outcome| eprintln!("{}", outcome.log_line(target))),
    );
    println!("ws://127.0.0.1:{port}");
    gateway.run(listener).await;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("local_gateway: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("local_gateway: {message}");
            ExitCode::FAILURE
        }
    }
}
