//! Prints a presigned URL.
//!
//! ```text
//! cargo run --example presign -- [--region R] [--service S] [--expires SECONDS] [--time 2020-01-31T10:02:33Z] URL
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
//! credentials, `AWS_SESSION_TOKEN`. Region and service default to what an AWS host name says
//! (`{api-id}.execute-api.{region}.amazonaws.com`, IoT, Transcribe, Neptune, Kinesis Video
//! signaling) and are required otherwise. `--expires` defaults to 300 seconds, `--time` to now.
//! On success the URL and a newline go to stdout and nothing else; on bad input, one line goes
//! to stderr and the exit status is 2 (usage) or 1 (anything else).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Duration;

use sigv4_wss::{Credentials, Scope, presign_url};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const USAGE: &str = "usage: presign [--region R] [--service S] [--expires SECONDS] \
                     [--time 2020-01-31T10:02:33Z] URL";

struct Args {
    region: Option<String>,
    service: Option<String>,
    expires: u64,
    time: Option<OffsetDateTime>,
    url: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut region = None;
    let mut service = None;
    let mut expires = 300;
    let mut time = None;
    let mut url = None;
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match arg.as_str() {
            "--region" => region = Some(value("--region")?),
            "--service" => service = Some(value("--service")?),
            "--expires" => {
                let v = value("--expires")?;
                expires = v.parse().map_err(|_| {
                    format!("--expires {v:?} is not a whole number of seconds (1 to 604800)")
                })?;
            }
            "--time" => {
                let v = value("--time")?;
                time = Some(OffsetDateTime::parse(&v, &Rfc3339).map_err(|_| {
                    format!("--time {v:?} is not an RFC 3339 time such as 2020-01-31T10:02:33Z")
                })?);
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {USAGE}"));
            }
            _ if url.is_some() => return Err(format!("more than one URL given; {USAGE}")),
            _ => url = Some(arg),
        }
    }
    let url = url.ok_or_else(|| format!("no URL given; {USAGE}"))?;
    Ok(Args { region, service, expires, time, url })
}

fn run(args: Args) -> Result<String, String> {
    let scope = match (args.region, args.service) {
        (Some(region), Some(service)) => Scope::new(&region, &service),
        (region, service) => Scope::from_url(&args.url).and_then(|inferred| {
            Scope::new(
                region.as_deref().unwrap_or(inferred.region()),
                service.as_deref().unwrap_or(inferred.service()),
            )
        }),
    }
    .map_err(|e| match e {
        sigv4_wss::Error::UnknownEndpoint { .. } => format!("{e}: use --region and --service"),
        e => e.to_string(),
    })?;
    let credentials = Credentials::from_env().map_err(|e| e.to_string())?;
    let time = args.time.unwrap_or_else(OffsetDateTime::now_utc);
    let url = presign_url(&args.url, &credentials, &scope, time, Duration::from_secs(args.expires))
        .map_err(|e| e.to_string())?;
    Ok(url.into_string())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("presign: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(url) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("presign: {message}");
            ExitCode::FAILURE
        }
    }
}
