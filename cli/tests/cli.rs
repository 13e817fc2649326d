//! The `sigv4-wss` binary, run as a user runs it, offline: credentials from a temporary shared
//! credentials file and `--profile` (no credentials in the environment, instance metadata
//! disabled), against `examples/local_gateway` (built and started as a subprocess) and small
//! servers on 127.0.0.1 that check what arrives with the library's `Verifier`.
//!
//! Expected signatures come from `tests/data/differential.json` (botocore's and the other
//! oracles' URLs), not from this binary's own library.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::result_large_err,
    reason = "a test; tungstenite's handshake callback fixes the error type"
)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use percent_encoding::percent_decode_str;
use rustls::pki_types::PrivateKeyDer;
use sigv4_wss::{Credentials, Scope, Verifier};
use time::OffsetDateTime;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_sigv4-wss");
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const WRONG_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY00";
const MAIN_URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const MAIN_TIME: &str = "2020-01-31T10:02:33Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// A case of tests/data/differential.json.
fn case(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("tests/data/differential.json")).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    cases.iter().find(|c| c["name"] == name).unwrap().clone()
}

/// The 800-character session token of the benchmark case.
fn token() -> String {
    case("main-case-bench-token")["input"]["session_token"].as_str().unwrap().to_owned()
}

/// The token as it appears in a URL's query.
fn encoded_token() -> String {
    token().replace('/', "%2F").replace('+', "%2B").replace('=', "%3D")
}

/// A temporary home with a shared credentials file (profiles `main`, `token`, `wrong`,
/// `wrong-token`) and an
/// empty config file, removed when dropped.
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sigv4-wss-cli-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let token = token();
        std::fs::write(
            dir.join("credentials"),
            format!(
                "[main]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n\n\
                 [token]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n\
                 aws_session_token = {token}\n\n\
                 [wrong]\naws_access_key_id = {AKID}\naws_secret_access_key = {WRONG_SECRET}\n\n\
                 [wrong-token]\naws_access_key_id = {AKID}\naws_secret_access_key = {WRONG_SECRET}\n\
                 aws_session_token = {token}\n"
            ),
        )
        .unwrap();
        std::fs::write(dir.join("config"), "").unwrap();
        Self { dir }
    }

    /// The binary with only this home's files for credentials.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .env("HOME", &self.dir)
            .env("AWS_SHARED_CREDENTIALS_FILE", self.dir.join("credentials"))
            .env("AWS_CONFIG_FILE", self.dir.join("config"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(args)
            .stdin(Stdio::null());
        command
    }

    /// Runs the binary and checks what it printed: no secret key or session token anywhere;
    /// no signature except in `presign`'s URL; on failure, nothing on stdout but a status and
    /// exactly one line on stderr naming the command.
    fn run(&self, args: &[&str]) -> Run {
        Self::check(args, self.command(args).output().unwrap())
    }

    /// As [`Home::run`], with one more environment variable.
    fn run_with_env(&self, args: &[&str], name: &str, value: &Path) -> Run {
        Self::check(args, self.command(args).env(name, value).output().unwrap())
    }

    /// As [`Home::run`], with `input` on stdin.
    fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Self::check(args, child.wait_with_output().unwrap())
    }

    fn check(args: &[&str], output: Output) -> Run {
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        };
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains(SECRET) && !all.contains(WRONG_SECRET), "a secret key: {run:?}");
        // presign prints the URL, signature and token included: that is its job.
        let shown = if args.first() == Some(&"presign") { &run.stderr } else { &all };
        assert!(!shown.contains(&token()) && !shown.contains(&encoded_token()), "token: {run:?}");
        assert!(!has_signature(shown), "a signature: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{run:?}");
        if run.code != Some(0) {
            assert_eq!(run.stderr.lines().count(), 1, "not one line on stderr: {run:?}");
            let command = args
                .first()
                .copied()
                .filter(|c| ["presign", "connect", "post", "verify", "inspect"].contains(c));
            let prefix = format!("{}: ", command.unwrap_or("sigv4-wss"));
            assert!(run.stderr.starts_with(&prefix), "{run:?}");
        }
        run
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether `text` has a signature: `Signature=` and 64 hex digits.
fn has_signature(text: &str) -> bool {
    text.match_indices("Signature=").any(|(i, m)| {
        let rest = &text[i + m.len()..];
        rest.len() >= 64 && rest[..64].bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `examples/local_gateway`, built once (or taken from `SIGV4_WSS_LOCAL_GATEWAY`).
fn gateway_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("SIGV4_WSS_LOCAL_GATEWAY") {
            return path.into();
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args(["build", "--quiet", "--example", "local_gateway", "--message-format=json"])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["target"]["name"] == "local_gateway")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo built no local_gateway executable")
    })
}

/// `examples/local_gateway`, running on 127.0.0.1 with the main case's key (and a token).
struct Gateway {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Gateway {
    /// The stand-in with `flags` (`--service S` or `--iot`).
    fn start(flags: &[&str], token: Option<&str>) -> Self {
        let mut command = Command::new(gateway_binary());
        command
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", AKID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(token) = token {
            command.env("AWS_SESSION_TOKEN", token);
        }
        let mut child = command.spawn().unwrap();
        let mut url = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
        assert!(url.starts_with("ws://127.0.0.1:"), "the gateway printed {url:?}");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Self { child, url: url.trim().to_owned(), log }
    }

    /// Waits up to 5 s for the log to have `text`.
    fn wait_for_log(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let log = self.log.lock().unwrap().clone();
            if log.contains(text) || start.elapsed() > Duration::from_secs(5) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The flags that give the gateway's scope for a 127.0.0.1 URL.
const GATEWAY_SCOPE: [&str; 4] = ["--region", "us-east-1", "--service", "execute-api"];

fn args<'a>(parts: &[&'a [&'a str]]) -> Vec<&'a str> {
    parts.concat()
}

// presign

#[test]
fn presign_gives_the_main_case_signatures_with_profile_credentials() {
    let home = Home::new();
    let main = case("main-case");
    assert_eq!(main["input"]["url"], MAIN_URL);
    assert_eq!(main["input"]["timestamp"], MAIN_TIME);
    let run = home.run(&["presign", "--profile", "main", "--time", MAIN_TIME, MAIN_URL]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, format!("{}\n", main["oracle_url"].as_str().unwrap()));
    assert!(run.stdout.contains("X-Amz-Signature=dffa095e6ac761dc"));
    assert_eq!(run.stderr, "");

    // With the 800-character token: the oracles put it before the signature, the crate last.
    let with_token = case("main-case-bench-token");
    assert_eq!(with_token["input"]["url"], MAIN_URL);
    let oracle = with_token["oracle_url"].as_str().unwrap();
    let mut params: Vec<&str> = oracle.split('&').collect();
    params.sort_by_key(|p| p.starts_with("X-Amz-Security-Token="));
    let run = home.run(&["presign", "--profile", "token", "--time", MAIN_TIME, MAIN_URL]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, format!("{}\n", params.join("&")));
    assert!(run.stdout.contains("X-Amz-Signature=4fc3689a4477c18d"));
}

#[test]
fn presign_takes_aws_profile_and_refuses_an_unknown_profile() {
    let home = Home::new();
    let mut command = home.command(&["presign", "--time", MAIN_TIME, MAIN_URL]);
    let output = command.env("AWS_PROFILE", "main").output().unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{}\n", case("main-case")["oracle_url"].as_str().unwrap())
    );

    let run = home.run(&["presign", "--profile", "nobody", MAIN_URL]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("\"nobody\""), "{run:?}");
    assert_eq!(run.stdout, "");

    // No profile and no default one: no credentials, said in one line.
    let run = home.run(&["presign", MAIN_URL]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.starts_with("presign: no AWS credentials found"), "{run:?}");
}

// connect

#[test]
fn connect_x_prints_the_echo_and_exits_0() {
    let (home, gateway) = (Home::new(), Gateway::start(&["--service", "execute-api"], None));
    let url = format!("{}/dev?room=lobby", gateway.url);
    let run = home.run(&args(&[
        &["connect", "--profile", "main"],
        &GATEWAY_SCOPE,
        &["-x", "hello", &url],
    ]));
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "hello\n"), "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(gateway.wait_for_log("accepted /dev").contains("accepted /dev"));
}

#[test]
fn connect_with_a_wrong_secret_exits_1_and_says_403_with_the_reason_and_hint() {
    let (home, gateway) = (Home::new(), Gateway::start(&["--service", "execute-api"], None));
    let url = format!("{}/dev", gateway.url);
    let run = home.run(&args(&[
        &["connect", "--profile", "wrong"],
        &GATEWAY_SCOPE,
        &["-x", "hello", &url],
    ]));
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stdout, "");
    for part in [
        "connect: the server refused the handshake: 403 Forbidden: ",
        "the signature does not match the request", // the gateway's reason
        "sigv4-wss inspect",
        "clock",
        "execute-api:Invoke",
        "/$connect",
    ] {
        assert!(run.stderr.contains(part), "{part:?} not in {:?}", run.stderr);
    }
    assert!(
        gateway.wait_for_log("refused /dev").contains("refused /dev: the signature does not match")
    );
}

#[test]
fn connect_sends_every_x_message_and_each_stdin_line() {
    let (home, gateway) = (Home::new(), Gateway::start(&["--service", "execute-api"], None));
    let url = format!("{}/dev", gateway.url);
    let base = args(&[&["connect", "--profile", "main"], &GATEWAY_SCOPE]);
    let run = home.run(&args(&[&base, &["-x", "one", "-x", "two words", "--wait", "0.5", &url]]));
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "one\ntwo words\n"), "{run:?}");

    // Interactive: each line sent, each answer printed; at the end of stdin, the last answers
    // are awaited.
    let run = home.run_with_stdin(&args(&[&base, &["--wait", "1", &url]]), "first\r\nsecond\n");
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "first\nsecond\n"), "{run:?}");
}

#[test]
fn connect_s_mqtt_to_iot_appends_the_token_unsigned_and_gets_the_subprotocol() {
    // The stand-in as AWS IoT Core: its verifier takes the token only unsigned (as the service
    // does), and it upgrades only a client that asks for `mqtt`, naming it in its answer
    // (tungstenite refuses an answer that names no subprotocol when one was asked for).
    let token = token();
    let (home, gateway) = (Home::new(), Gateway::start(&["--iot"], Some(&token)));
    let url = format!("{}/mqtt", gateway.url);
    let base =
        ["connect", "--profile", "token", "--region", "us-east-1", "--service", "iotdevicegateway"];
    // `connect` sends text messages only, so no MQTT CONNECT: the stand-in echoes text.
    let run = home.run(&args(&[&base, &["-s", "mqtt", "-x", "hi", "--wait", "0.5", &url]]));
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (Some(0), "hi\n", ""));
    assert!(gateway.wait_for_log("accepted /mqtt").contains("accepted /mqtt"));

    // Without `-s mqtt`: refused as AWS IoT refuses it, in one line (Home::run checks it).
    let run = home.run(&args(&[&base, &["-x", "hi", &url]]));
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""), "{run:?}");
    assert!(
        run.stderr.starts_with(
            "connect: the server refused the handshake: 426 Upgrade Required: the client did \
             not ask for the mqtt subprotocol"
        ),
        "{run:?}"
    );
    let refused = "refused /mqtt: the client did not ask for the mqtt subprotocol";
    assert!(gateway.wait_for_log(refused).contains(refused));
    assert_eq!(gateway.log.lock().unwrap().matches("accepted /mqtt").count(), 1);
}

/// A certificate for 127.0.0.1, written to `dir/ca.pem` (the only root the CLI is told to trust,
/// through `SSL_CERT_FILE`, which the native-roots loader reads), and a TLS acceptor with it.
fn tls(dir: &Path) -> (PathBuf, TlsAcceptor) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, cert.pem()).unwrap();
    let key = PrivateKeyDer::Pkcs8(signing_key.serialize_der().into());
    #[allow(deprecated, reason = "ring, as the CLI")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .unwrap();
    (ca, TlsAcceptor::from(Arc::new(config)))
}

/// Runs `serve` for each connection to a new listener on 127.0.0.1 (over TLS with `tls`), in a
/// thread of its own; returns the listener's address.
fn listen<F, Fut>(tls: Option<TlsAcceptor>, serve: F) -> SocketAddr
where
    F: Fn(Box<dyn Stream>) -> Fut + Send + Clone + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            address_tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let (tls, serve) = (tls.clone(), serve.clone());
                tokio::task::spawn_local(async move {
                    match tls {
                        None => serve(Box::new(stream)).await,
                        Some(tls) => {
                            if let Ok(stream) = tls.accept(stream).await {
                                serve(Box::new(stream)).await;
                            }
                        }
                    }
                });
            }
        });
    });
    address_rx.recv().unwrap()
}

/// A plain or TLS connection, as the servers see it.
trait Stream: AsyncRead + AsyncWrite + Unpin {}
impl<S: AsyncRead + AsyncWrite + Unpin> Stream for S {}

/// A WebSocket server that verifies each handshake with the `token` profile's credentials for
/// `service` (IoT: token unsigned), records the `x-test` header and echoes: what
/// `examples/local_gateway` cannot do (headers, TLS, a careless refusal). A refusal's body
/// repeats the whole request target, as a careless server might, percent-decoded if the request
/// has `X-Echo: decoded`.
fn start_ws_server(
    service: &str, tls: Option<TlsAcceptor>,
) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let credentials = Credentials::new(AKID, SECRET, Some(&token())).unwrap();
    let scope = Scope::new("us-east-1", service).unwrap();
    let verifier = Arc::new(Verifier::new(credentials, &scope));
    let address = listen(tls, move |stream| {
        let (verifier, record) = (Arc::clone(&verifier), Arc::clone(&record));
        async move {
            let check = |request: &Request, response: Response| {
                let target = request.uri().to_string();
                let headers: Vec<(&str, &str)> = request
                    .headers()
                    .iter()
                    .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
                    .collect();
                let header = |name| headers.iter().find(|(n, _)| *n == name).map(|h| h.1);
                let refuse = |status, body: String| {
                    let mut refusal = ErrorResponse::new(Some(body));
                    *refusal.status_mut() = status;
                    Err(refusal)
                };
                let now = OffsetDateTime::now_utc();
                if let Err(e) = verifier.verify_request("GET", &target, &headers, now) {
                    let echo = match header("x-echo") {
                        Some("decoded") => percent_decode_str(&target).decode_utf8_lossy().into(),
                        _ => target.clone(),
                    };
                    return refuse(StatusCode::FORBIDDEN, format!("{e}: {echo}"));
                }
                record.lock().unwrap().push(header("x-test").unwrap_or("").to_owned());
                Ok(response)
            };
            let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, check).await else {
                return;
            };
            while let Some(Ok(message)) = socket.next().await {
                if message.is_binary() || message.is_text() {
                    let _ = socket.send(message).await;
                }
            }
        }
    });
    (address, seen)
}

#[test]
fn connect_sends_extra_headers() {
    let home = Home::new();
    let (address, seen) = start_ws_server("execute-api", None);
    let url = format!("ws://{address}/dev");
    let base = args(&[&["connect", "--profile", "token"], &GATEWAY_SCOPE]);
    let run = home.run(&args(&[&base, &["-H", "X-Test: yes", "-x", "ping", &url]]));
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "ping\n"), "{run:?}");
    assert_eq!(*seen.lock().unwrap(), ["yes"]);
}

#[test]
fn connect_redacts_the_signature_and_token_a_server_repeats() {
    let home = Home::new();
    let (address, _) = start_ws_server("iotdevicegateway", None);
    let url = format!("ws://{address}/mqtt");
    let base = [
        "connect",
        "--profile",
        "wrong-token",
        "--region",
        "us-east-1",
        "--service",
        "iotdevicegateway",
    ];
    // Home::run checks that neither the token (in either form) nor a signature is printed, but
    // the reason is cut at 600 characters, which may cut a token: so the redactions are checked
    // too. The server repeats the query as sent (percent-encoded) and as it read it (decoded: the
    // token's `/ + =` instead of `%2F %2B %3D`).
    for echo in ["X-Echo: encoded", "X-Echo: decoded"] {
        let run = home.run(&args(&[&base, &["-H", echo, "-x", "ping", &url]]));
        assert_eq!(run.code, Some(1));
        assert!(run.stderr.contains("403 Forbidden: the signature does not match"), "{run:?}");
        assert!(run.stderr.contains("X-Amz-Signature=<redacted>"), "{echo}: {run:?}");
        assert!(run.stderr.contains("X-Amz-Security-Token=<redacted>"), "{echo}: {run:?}");
        let credential = if echo.ends_with("decoded") { "AKIDEXAMPLE/" } else { "AKIDEXAMPLE%2F" };
        assert!(run.stderr.contains(credential), "{echo}: {run:?}");
    }
}

// post

/// What the `@connections` stand-in received: request target and body.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// An HTTP/1.1 server for `@connections` (over TLS with `tls`): checks each request with
/// `Verifier::verify_headers` (the token profile's credentials), answers `403` with the reason,
/// `410 Gone` for the connection id `gone`, else `200` and records it.
fn start_connections_server(tls: Option<TlsAcceptor>) -> (SocketAddr, Received) {
    let received: Received = Arc::default();
    let record = Arc::clone(&received);
    let credentials = Credentials::new(AKID, SECRET, Some(&token())).unwrap();
    let verifier =
        Arc::new(Verifier::new(credentials, &Scope::new("us-east-1", "execute-api").unwrap()));
    let address = listen(tls, move |mut stream| {
        let (verifier, record) = (Arc::clone(&verifier), Arc::clone(&record));
        async move {
            let mut data = Vec::new();
            let mut buffer = [0; 4096];
            let head_end = loop {
                let n = stream.read(&mut buffer).await.unwrap();
                assert!(n > 0, "the request ended early");
                data.extend_from_slice(&buffer[..n]);
                if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i;
                }
            };
            let head = String::from_utf8(data[..head_end].to_vec()).unwrap();
            let mut lines = head.split("\r\n");
            let request_line: Vec<&str> = lines.next().unwrap().split(' ').collect();
            let headers: Vec<(&str, &str)> =
                lines.map(|l| l.split_once(':').map(|(n, v)| (n, v.trim())).unwrap()).collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            while data.len() < head_end + 4 + length {
                let n = stream.read(&mut buffer).await.unwrap();
                assert!(n > 0, "the body ended early");
                data.extend_from_slice(&buffer[..n]);
            }
            let body = &data[head_end + 4..];
            let (method, target) = (request_line[0], request_line[1]);
            let now = OffsetDateTime::now_utc();
            let (status, answer) =
                match verifier.verify_headers(method, target, &headers, body, now) {
                    Err(e) => ("403 Forbidden", format!("{{\"message\":\"{e}\"}}")),
                    Ok(_) if target.ends_with("/gone") => {
                        ("410 Gone", "{\"message\":\"Gone\"}".to_owned())
                    }
                    Ok(_) => {
                        let body = String::from_utf8(body.to_vec()).unwrap();
                        record.lock().unwrap().push((target.to_owned(), body));
                        ("200 OK", String::new())
                    }
                };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    (address, received)
}

#[test]
fn post_signs_a_message_for_connections_with_headers() {
    let home = Home::new();
    let (address, received) = start_connections_server(None);
    let server = format!("http://{address}");
    let url = format!("{server}/dev/@connections/R0oXAdfD0kwCH6w=");
    let run =
        home.run(&["post", "--profile", "token", "--region", "us-east-1", &url, "hello world"]);
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (Some(0), "200 OK\n", ""));
    assert_eq!(
        *received.lock().unwrap(),
        [("/dev/@connections/R0oXAdfD0kwCH6w=".to_owned(), "hello world".to_owned())]
    );
}

#[test]
fn post_says_403_and_410_plainly() {
    let home = Home::new();
    let (address, received) = start_connections_server(None);
    let server = format!("http://{address}");
    let url = format!("{server}/dev/@connections/abc=");
    let run = home.run(&["post", "--profile", "wrong", "--region", "us-east-1", &url, "hi"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), "403 Forbidden\n"), "{run:?}");
    assert!(run.stderr.contains("the signature does not match"), "{run:?}");
    assert!(run.stderr.contains("execute-api:ManageConnections"), "{run:?}");

    let url = format!("{server}/dev/@connections/gone");
    let run = home.run(&["post", "--profile", "token", "--region", "us-east-1", &url, "hi"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), "410 Gone\n"), "{run:?}");
    assert!(run.stderr.contains("the client has left"), "{run:?}");
    assert!(received.lock().unwrap().is_empty());
}

// TLS: the certificate roots come from the platform (here SSL_CERT_FILE), the crypto from ring

#[test]
fn connect_and_post_over_tls_trust_the_platform_roots() {
    let home = Home::new();
    let (ca, acceptor) = tls(&home.dir);
    let (address, seen) = start_ws_server("execute-api", Some(acceptor.clone()));
    let url = format!("wss://{address}/dev");
    let tail = ["-x", "hello", &url];
    let connect = args(&[&["connect", "--profile", "token"], &GATEWAY_SCOPE, &tail]);
    let run = home.run_with_env(&connect, "SSL_CERT_FILE", &ca);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "hello\n"), "{run:?}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    // Without the test's root, the certificate is refused, in one line.
    let run = home.run(&connect);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("certificate"), "{run:?}");

    let (address, received) = start_connections_server(Some(acceptor));
    let url = format!("https://{address}/dev/@connections/abc=");
    let post = ["post", "--profile", "token", "--region", "us-east-1", &url, "hi"];
    let run = home.run_with_env(&post, "SSL_CERT_FILE", &ca);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "200 OK\n"), "{run:?}");
    assert_eq!(*received.lock().unwrap(), [("/dev/@connections/abc=".to_owned(), "hi".to_owned())]);
    let run = home.run(&post);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("certificate"), "{run:?}");
}

// verify and inspect

/// The README's presigned URL (the main case, botocore's).
fn main_presigned() -> String {
    case("main-case")["oracle_url"].as_str().unwrap().to_owned()
}

#[test]
fn verify_keeps_the_verify_example_contract() {
    let home = Home::new();
    let url = main_presigned();
    let now = ["--profile", "main", "--now", "2020-01-31T10:02:35Z"];
    let run = home.run(&args(&[&["verify"], &now, &[&url]]));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with(
        "verified: signed by AKIDEXAMPLE for us-east-1/execute-api at 20200131T100233Z (for 300 s), \
         host abc123defg.execute-api.us-east-1.amazonaws.com, path /dev, query [room=lobby], session token: none"
    ), "{run:?}");

    let host = "abc123defg.execute-api.us-east-1.amazonaws.com";
    let target = url.strip_prefix(&format!("wss://{host}")).unwrap();
    let run =
        home.run(&args(&[&["verify"], &now, &["--host", host, "--expect-host", host, target]]));
    assert_eq!(run.code, Some(0), "{run:?}");

    let late = ["--profile", "main", "--now", "2020-01-31T10:12:35Z"];
    let run = home.run(&args(&[&["verify"], &late, &[&url]]));
    assert_eq!(run.code, Some(1), "{run:?}");
    let tampered = url.replace("lobby", "lobbz");
    let run = home.run(&args(&[&["verify"], &now, &[&tampered]]));
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("the signature does not match"), "{run:?}");
    let run = home.run(&["verify", "--profile", "wrong", "--now", "2020-01-31T10:02:35Z", &url]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let run = home.run(&["verify", target]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn inspect_shows_what_the_server_rebuilds_without_secrets() {
    let home = Home::new();
    let run = home.run(&["inspect", &main_presigned()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with("Access key id:    AKIDEXAMPLE\n"), "{run:?}");
    // The string to sign's last line, as botocore logs it for this request.
    assert!(run.stdout.ends_with(
        "String to sign:\nAWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n\
         8e368dc4b825781dd4e637516e75fe1ef426a703228dfe65e446f564455dfba2\n"
    ), "{run:?}");
    assert!(!run.stdout.contains("dffa095e"), "the signature: {run:?}");

    // A URL with the token: shown redacted (Home::run checks it is nowhere).
    let presigned = home.run(&["presign", "--profile", "token", "--time", MAIN_TIME, MAIN_URL]);
    let run = home.run(&["inspect", presigned.stdout.trim()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("X-Amz-Security-Token=<redacted>"), "{run:?}");

    let host = "abc123defg.execute-api.us-east-1.amazonaws.com";
    let target = main_presigned().strip_prefix(&format!("wss://{host}")).unwrap().to_owned();
    let run = home.run(&["inspect", "--host", host, &target]);
    assert!(
        run.stdout.contains("8e368dc4b825781dd4e637516e75fe1ef426a703228dfe65e446f564455dfba2")
    );
}

// bad input

#[test]
fn bad_input_gets_one_line_and_a_status() {
    let home = Home::new();
    let cases: &[(&[&str], i32)] = &[
        (&[], 2),
        (&["frobnicate"], 2),
        (&["presign"], 2),
        (&["presign", "--expires", "5m", MAIN_URL], 2),
        (&["presign", "--profile", "main", "ftp://example.com/"], 1),
        (&["presign", "--profile", "main", "wss://chat.example.com/"], 1),
        (&["connect"], 2),
        (&["connect", "--wait", "-1", MAIN_URL], 2),
        (&["connect", "--wait", "NaN", MAIN_URL], 2),
        (&["connect", "-H", "no colon", MAIN_URL], 2),
        (&["connect", "-H", "Host: evil.example", MAIN_URL], 2),
        (&["connect", "-H", "Bad Name: x", MAIN_URL], 2),
        (&["connect", "-s", "a\u{1}b", MAIN_URL], 2),
        (&["connect", "-x"], 2),
        (&["connect", "--profile", "main", "wss://chat.example.com/"], 1),
        // Nothing listens on port 1: refused at once.
        (
            &[
                "connect",
                "--profile",
                "main",
                "--region",
                "us-east-1",
                "--service",
                "execute-api",
                "ws://127.0.0.1:1/",
            ],
            1,
        ),
        (&["post"], 2),
        (&["post", "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev/@connections/a"], 2),
        (&["post", "--profile", "main", "ftp://x/@connections/a", "m"], 1),
        (
            &[
                "post",
                "--profile",
                "main",
                "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev/",
                "m",
            ],
            1,
        ),
        (&["post", "--profile", "main", "https://example.com/dev/@connections/a", "m"], 1),
        (&["post", "--profile", "main", "not a url", "m"], 1),
        (&["verify"], 2),
        (&["verify", "--now", "yesterday", MAIN_URL], 2),
        (&["verify", "--host", "h", MAIN_URL], 2),
        (&["inspect"], 2),
        (&["inspect", "/dev"], 2),
        (&["inspect", "not a url"], 1),
        (&["inspect", MAIN_URL], 1),
        (&["inspect", "wss://h/?X-Amz-Credential=%FF"], 1),
    ];
    for (args, code) in cases {
        let run = home.run(args);
        assert_eq!(run.code, Some(*code), "{args:?}: {run:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    // An error that quotes a 100 KB host name is cut to a readable line.
    let url = format!("wss://{}.example.com/", "a".repeat(100_000));
    let run = home.run(&["presign", "--profile", "main", &url]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.starts_with("presign: cannot tell region and service from host"));
    assert!(run.stderr.chars().count() < 1100, "{} characters", run.stderr.len());
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_bad_usage() {
    use std::os::unix::ffi::OsStrExt as _;
    let home = Home::new();
    let output = home
        .command(&["inspect"])
        .arg(std::ffi::OsStr::from_bytes(b"wss://h/\xff"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("sigv4-wss: argument "));
}

#[test]
fn help_and_version_go_to_stdout() {
    let home = Home::new();
    for command in ["presign", "connect", "post", "verify", "inspect"] {
        let run = home.run(&[command, "--help"]);
        assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:?}");
        assert!(run.stdout.starts_with(&format!("usage: sigv4-wss {command} ")), "{run:?}");
    }
    let run = home.run(&["--help"]);
    assert!(run.code == Some(0) && run.stdout.contains("\n  post    "), "{run:?}");
    let run = home.run(&["--version"]);
    assert_eq!(run.stdout, format!("sigv4-wss {}\n", env!("CARGO_PKG_VERSION")));
}
