//! A local stand-in for an API Gateway WebSocket API whose `$connect` route uses `AWS_IAM`: a
//! WebSocket server on 127.0.0.1 that checks each handshake with the crate's [`Verifier`] and
//! then echoes every text and binary message. For browser tests and local development.
//!
//! ```text
//! cargo run --example local_gateway -- [--port PORT] [--region R] [--service S] [--now 2020-01-31T10:02:43Z]
//! ```
//!
//! It accepts the credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
//! credentials, `AWS_SESSION_TOKEN` (then a URL must carry exactly that token). `--port`
//! defaults to 0, any free port; `--region` to `us-east-1`; `--service` to `execute-api`;
//! `--now` to the system clock at each handshake (give it to verify URLs signed at a fixed
//! time). As API Gateway, it answers only for its own host (`127.0.0.1:PORT` or
//! `localhost:PORT`) and takes a handshake only within 5 minutes of its signing time.
//!
//! Once listening, it prints its address (`ws://127.0.0.1:PORT`) and a newline on stdout, and
//! nothing else there. For each handshake it writes one line on stderr: `accepted PATH` or
//! `refused PATH: REASON`, where `REASON` is the verifier's message; a refused handshake gets
//! `403 Forbidden` with the reason as its body. The query is never logged: it holds the
//! signature and the session token. It runs until it is killed. Bad usage: one line on stderr
//! and exit status 2; missing credentials or a port it cannot bind: exit status 1.
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line example")]
#![allow(clippy::result_large_err, reason = "tungstenite's handshake callback fixes the type")]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use sigv4_wss::{Credentials, Scope, Verifier};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;

const USAGE: &str = "usage: local_gateway [--port PORT] [--region R] [--service S] \
                     [--now 2020-01-31T10:02:43Z]";

struct Args {
    port: u16,
    region: String,
    service: String,
    now: Option<OffsetDateTime>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed =
        Args { port: 0, region: "us-east-1".into(), service: "execute-api".into(), now: None };
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                parsed.port = v.parse().map_err(|_| format!("--port {v:?} is not 0 to 65535"))?;
            }
            "--region" => parsed.region = value("--region")?,
            "--service" => parsed.service = value("--service")?,
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
    Ok(parsed)
}

/// Upgrades `stream` if its handshake verifies, then echoes until the client closes.
async fn serve(
    stream: TcpStream, verifier: Arc<Verifier<Credentials>>, now: Option<OffsetDateTime>,
) {
    let check = |request: &Request, response: Response| {
        let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let path = target.split_once('?').map_or(target, |(path, _)| path);
        let headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect();
        let now = now.unwrap_or_else(OffsetDateTime::now_utc);
        match verifier.verify_request(request.method().as_str(), target, &headers, now) {
            Ok(_) => {
                eprintln!("accepted {path}");
                Ok(response)
            }
            Err(reason) => {
                eprintln!("refused {path}: {reason}");
                let mut refusal = ErrorResponse::new(Some(reason.to_string()));
                *refusal.status_mut() = StatusCode::FORBIDDEN;
                Err(refusal)
            }
        }
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, check).await else {
        return;
    };
    while let Some(Ok(message)) = socket.next().await {
        if (message.is_text() || message.is_binary()) && socket.send(message).await.is_err() {
            return;
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let credentials = Credentials::from_env().map_err(|e| e.to_string())?;
    let scope = Scope::new(&args.region, &args.service).map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let verifier = Arc::new(
        Verifier::new(credentials, &scope)
            .expect_host(&format!("127.0.0.1:{port}"))
            .expect_host(&format!("localhost:{port}"))
            .max_age(Duration::from_secs(300)),
    );
    println!("ws://127.0.0.1:{port}");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(serve(stream, Arc::clone(&verifier), args.now));
    }
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
