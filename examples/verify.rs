//! Checks a presigned URL as a server would, to debug a `403` locally.
//!
//! ```text
//! cargo run --example verify -- [--region R] [--service S] [--host HOST] [--expect-host H] [--now RFC3339] URL_OR_TARGET
//! ```
//!
//! The server's credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for
//! temporary credentials, `AWS_SESSION_TOKEN`. `URL_OR_TARGET` is a full URL, read as a browser
//! sends it (parsed as the presign example parses it), or a request target starting with `/`,
//! taken exactly as received; then `--host` is the `Host` header the server received. Region
//! and service default to what the host says and are required otherwise. `--expect-host` is
//! the host this server answers for; `--now` defaults to now.
//!
//! Accepted: exit status 0 and one line on stdout starting with `verified`. Refused: exit
//! status 1 and one line on stderr with the reason (also for missing credentials). Bad usage:
//! exit status 2.
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line example")]

use std::process::ExitCode;

use sigv4_wss::{Credentials, Scope, Verified, Verifier};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const USAGE: &str = "usage: verify [--region R] [--service S] [--host HOST] [--expect-host H] \
                     [--now 2020-01-31T10:02:35Z] URL_OR_TARGET";

#[derive(Default)]
struct Args {
    region: Option<String>,
    service: Option<String>,
    host: Option<String>,
    expect_host: Option<String>,
    now: Option<OffsetDateTime>,
    input: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut input = None;
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match arg.as_str() {
            "--region" => parsed.region = Some(value("--region")?),
            "--service" => parsed.service = Some(value("--service")?),
            "--host" => parsed.host = Some(value("--host")?),
            "--expect-host" => parsed.expect_host = Some(value("--expect-host")?),
            "--now" => {
                let v = value("--now")?;
                let now = OffsetDateTime::parse(&v, &Rfc3339).map_err(|_| {
                    format!("--now {v:?} is not an RFC 3339 time such as 2020-01-31T10:02:35Z")
                })?;
                parsed.now = Some(now);
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {USAGE}"));
            }
            _ if input.is_some() => return Err(format!("more than one URL or target; {USAGE}")),
            _ => input = Some(arg),
        }
    }
    parsed.input = input.ok_or_else(|| format!("no URL or request target given; {USAGE}"))?;
    let is_target = parsed.input.starts_with('/');
    if is_target && parsed.host.is_none() {
        return Err(format!("a request target needs --host, the Host header received; {USAGE}"));
    }
    if !is_target && parsed.host.is_some() {
        return Err(format!("--host goes with a request target; a URL has its host; {USAGE}"));
    }
    Ok(parsed)
}

/// The scope to accept: the flags, completed from what the host says.
fn scope(args: &Args) -> Result<Scope, String> {
    let (region, service) = (args.region.as_deref(), args.service.as_deref());
    if let (Some(region), Some(service)) = (region, service) {
        return Scope::new(region, service).map_err(|e| e.to_string());
    }
    let url = match &args.host {
        Some(host) => format!("https://{host}/"),
        None => args.input.clone(),
    };
    let inferred = Scope::from_url(&url).map_err(|e| format!("{e}; use --region and --service"))?;
    let (region, service) =
        (region.unwrap_or(inferred.region()), service.unwrap_or(inferred.service()));
    Scope::new(region, service).map_err(|e| e.to_string())
}

fn verify(args: &Args, scope: &Scope) -> Result<Verified, String> {
    let credentials = Credentials::from_env().map_err(|e| e.to_string())?;
    let mut verifier = Verifier::new(credentials, scope);
    if let Some(host) = &args.expect_host {
        verifier = verifier.expect_host(host);
    }
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let result = match &args.host {
        Some(host) => verifier.verify_request("GET", &args.input, &[("host", host)], now),
        None => verifier.verify_url(&args.input, now),
    };
    result.map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let fail = |code: u8, message: String| {
        eprintln!("verify: {message}");
        ExitCode::from(code)
    };
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => return fail(2, message),
    };
    let scope = match scope(&args) {
        Ok(scope) => scope,
        Err(message) => return fail(2, message),
    };
    match verify(&args, &scope) {
        Ok(v) => {
            let query: Vec<String> = v.query().iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!(
                "verified: signed by {} for {}/{} at {} ({}), host {}, path {}, query [{}], session token: {}",
                v.access_key_id(),
                v.scope().region(),
                v.scope().service(),
                v.signed_at(),
                v.expires()
                    .map_or("no X-Amz-Expires".to_owned(), |d| format!("for {} s", d.as_secs())),
                v.host(),
                v.path(),
                query.join(" "),
                match (v.has_session_token(), v.session_token_signed()) {
                    (false, _) => "none",
                    (true, true) => "signed",
                    (true, false) => "unsigned",
                },
            );
            ExitCode::SUCCESS
        }
        Err(message) => fail(1, message),
    }
}
