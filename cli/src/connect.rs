//! `connect`: presign, open the WebSocket, and send and print messages, like wscat.

use std::fmt::Write as _;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use percent_encoding::percent_decode_str;
use sigv4_wss::{PresignedUrl, presign_url};
use time::OffsetDateTime;
use tokio::io::AsyncBufReadExt as _;
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::header::{HOST, SEC_WEBSOCKET_PROTOCOL};
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue, Request};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::args::{Opt, Parsed, opt, scope};
use crate::aws;
use crate::output::{self, Failure, one_line, redact, truncate};

const USAGE: &str = "usage: sigv4-wss connect [--region R] [--service S] [--profile P] \
                     [-x MESSAGE]... [--wait SECONDS] [-H 'Name: value']... [-s SUBPROTOCOL] URL";

/// How long the URL is valid: it is used at once (API Gateway takes a handshake only within
/// about 5 minutes of the signing time anyway).
const EXPIRES: Duration = Duration::from_mins(1);
/// How long the TCP, TLS and WebSocket handshakes may take together.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub(crate) async fn run(args: Vec<String>) -> Result<(), Failure> {
    const OPTS: &[Opt] = &[
        opt("--region"),
        opt("--service"),
        opt("--profile"),
        Opt { long: "--execute", short: Some("-x"), repeated: true },
        opt("--wait"),
        Opt { long: "--header", short: Some("-H"), repeated: true },
        Opt { long: "--subprotocol", short: Some("-s"), repeated: false },
    ];
    let args = Parsed::read(args, OPTS, USAGE)?;
    let wait = args.seconds("--wait")?.unwrap_or(Duration::from_secs(2));
    let headers = args.all("--header").map(header).collect::<Result<Vec<_>, _>>()?;
    let protocol = args
        .get("--subprotocol")
        .map(|protocol| {
            HeaderValue::from_str(protocol).map_err(|_| {
                Failure::Usage(format!("-s {protocol:?} is not a valid subprotocol; {USAGE}"))
            })
        })
        .transpose()?;
    let [url] = args.operands(["URL"], USAGE)?;
    let scope = scope(url, args.get("--region"), args.get("--service"))?;
    let credentials = aws::credentials(args.get("--profile"), scope.region()).await?;
    // Presigned right before the handshake, as the service wants.
    let presigned = presign_url(url, &credentials, &scope, OffsetDateTime::now_utc(), EXPIRES)
        .map_err(|e| Failure::failed(e.to_string()))?;
    let mut request = presigned
        .as_str()
        .into_client_request()
        .map_err(|e| Failure::failed(format!("cannot make a WebSocket request: {e}")))?;
    for (name, value) in headers {
        request.headers_mut().append(name, value);
    }
    if let Some(protocol) = protocol {
        request.headers_mut().insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    let mut socket = handshake(request, &presigned).await?;
    let messages: Vec<&str> = args.all("--execute").collect();
    if messages.is_empty() {
        interactive(&mut socket, wait).await
    } else {
        for message in messages {
            send(&mut socket, Message::text(message)).await?;
        }
        receive_until(&mut socket, Instant::now() + wait).await?;
        close(&mut socket).await;
        Ok(())
    }
}

/// `Name: value` from `-H`. `Host` is signed, so it cannot be changed.
fn header(text: &str) -> Result<(HeaderName, HeaderValue), Failure> {
    let bad = |why: &str| Failure::Usage(format!("-H {text:?}: {why}; {USAGE}"));
    let (name, value) = text.split_once(':').ok_or_else(|| bad("expected 'Name: value'"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| bad("not a valid header name"))?;
    if name == HOST {
        return Err(bad("the Host header is signed and comes from the URL"));
    }
    let value = HeaderValue::from_str(value.trim()).map_err(|_| bad("not a valid header value"))?;
    Ok((name, value))
}

/// Opens the WebSocket, or says why the server refused it, with what to check for a `403`.
async fn handshake(request: Request<()>, presigned: &PresignedUrl) -> Result<Socket, Failure> {
    // Whatever a server or an error message repeats of the URL, the signature and the token stay
    // out of the terminal, as the URL has them (percent-encoded) and decoded (a server may echo
    // the query parameter it read: a token's `/ + =` instead of `%2F %2B %3D`).
    let (signature, token) =
        (param(presigned, "X-Amz-Signature"), param(presigned, "X-Amz-Security-Token"));
    let (signature_decoded, token_decoded) = (decode(signature), decode(token));
    let secrets = [signature, token, &signature_decoded, &token_decoded];
    let clean = |text: &str| truncate(&one_line(&redact(text, &secrets)), 600);
    let host = request.uri().host().unwrap_or_default().to_owned();
    let connecting = tokio_tungstenite::connect_async(request);
    let error = match timeout(HANDSHAKE_TIMEOUT, connecting).await {
        Ok(Ok((socket, _response))) => return Ok(socket),
        Ok(Err(error)) => error,
        Err(_) => {
            return Err(Failure::failed(format!(
                "no WebSocket handshake within {} s",
                HANDSHAKE_TIMEOUT.as_secs()
            )));
        }
    };
    let tungstenite::Error::Http(response) = error else {
        return Err(Failure::failed(format!(
            "cannot connect to {host}: {}",
            clean(&error.to_string())
        )));
    };
    let status = response.status();
    let body = response.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default();
    let reason = if body.trim().is_empty() { "no reason given".into() } else { clean(&body) };
    let mut message = format!(
        "the server refused the handshake: {} {}: {reason}",
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    );
    if status.as_u16() == 401 || status.as_u16() == 403 {
        message.push_str(
            "; check: `sigv4-wss presign` the same URL and `sigv4-wss inspect` the result \
             (region, service, host, path as the server rebuilds them); the clock (a signature \
             is accepted only within about 5 minutes of its time); that the credentials may \
             call execute-api:Invoke on arn:aws:execute-api:{region}:{account-id}:{api-id}/{stage}/$connect",
        );
    }
    Err(Failure::Failed(message))
}

/// The raw value of query parameter `name` in `url` (empty if absent).
fn param<'a>(url: &'a PresignedUrl, name: &str) -> &'a str {
    let query = url.as_str().split_once('?').map_or("", |(_, query)| query);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
        .unwrap_or("")
}

/// `raw`, a query parameter's value, percent-decoded.
fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// Sends each stdin line as a text message and prints each message received, until the server
/// closes the connection; at the end of stdin, waits `wait` for the last answers and closes.
async fn interactive(socket: &mut Socket, wait: Duration) -> Result<(), Failure> {
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    let line = line.strip_suffix('\r').unwrap_or(&line);
                    send(socket, Message::text(line)).await?;
                }
                Ok(None) => break,
                Err(e) => return Err(Failure::failed(format!("cannot read stdin: {e}"))),
            },
            message = socket.next() => {
                if !print(message)? {
                    return Ok(());
                }
            }
        }
    }
    receive_until(socket, Instant::now() + wait).await?;
    close(socket).await;
    Ok(())
}

/// Prints what arrives until `deadline` or until the server closes the connection.
async fn receive_until(socket: &mut Socket, deadline: Instant) -> Result<(), Failure> {
    loop {
        tokio::select! {
            () = sleep_until(deadline) => return Ok(()),
            message = socket.next() => {
                if !print(message)? {
                    return Ok(());
                }
            }
        }
    }
}

/// Prints one received message on its own line; `false` once the connection is closed.
fn print(message: Option<Result<Message, tungstenite::Error>>) -> Result<bool, Failure> {
    match message {
        None | Some(Err(tungstenite::Error::ConnectionClosed)) => Ok(false),
        Some(Err(e)) => Err(Failure::failed(format!("the connection failed: {e}"))),
        Some(Ok(Message::Text(text))) => output::line(&text).map(|()| true),
        Some(Ok(Message::Binary(bytes))) => {
            let hex = bytes.iter().fold(String::new(), |mut hex, b| {
                let _ = write!(hex, "{b:02x}"); // writing to a String cannot fail
                hex
            });
            output::line(&format!("[binary, {} bytes] {hex}", bytes.len())).map(|()| true)
        }
        Some(Ok(Message::Close(frame))) => {
            // Only an unusual close is worth a line on stderr.
            if let Some(frame) = frame.filter(|f| f.code != CloseCode::Normal) {
                let reason = one_line(&frame.reason);
                output::error("connect", &format!("closed by the server: {} {reason}", frame.code));
            }
            Ok(false)
        }
        // Pings are answered by tungstenite itself.
        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => Ok(true),
    }
}

async fn send(socket: &mut Socket, message: Message) -> Result<(), Failure> {
    socket.send(message).await.map_err(|e| Failure::failed(format!("cannot send: {e}")))
}

/// Closes the connection politely, without waiting long for the server's answer.
async fn close(socket: &mut Socket) {
    let _ = timeout(Duration::from_secs(1), socket.close(None)).await;
}
