//! Prints the real-time URL of an AWS AppSync GraphQL API with IAM authorization.
//!
//! ```text
//! cargo run --example appsync -- [--region R] [--time 2020-01-31T10:02:33Z] GRAPHQL_URL
//! ```
//!
//! `GRAPHQL_URL` is the API's GraphQL endpoint, such as
//! `https://{api-id}.appsync-api.{region}.amazonaws.com/graphql` or a custom domain's
//! `https://{domain}/graphql`. Credentials come from `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY` and, for temporary credentials, `AWS_SESSION_TOKEN`. The region
//! defaults to what an AppSync host name says and is required for a custom domain; `--time`
//! defaults to now. On success the URL
//! (`wss://…appsync-realtime-api…/graphql?header=…&payload=e30=`) and a newline go to stdout
//! and nothing else; on bad input, one line goes to stderr and the exit status is 2 (usage) or
//! 1 (anything else). The URL is a bearer credential for about five minutes: open the
//! WebSocket right away, offering the subprotocol `graphql-ws`, for example with
//! `websocat --protocol graphql-ws "$(cargo run -q --example appsync -- URL)"`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use sigv4_wss::service::APPSYNC;
use sigv4_wss::{Credentials, Error, Scope, appsync};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const USAGE: &str = "usage: appsync [--region R] [--time 2020-01-31T10:02:33Z] GRAPHQL_URL";

struct Args {
    region: Option<String>,
    time: Option<OffsetDateTime>,
    url: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut region, mut time, mut url) = (None, None, None);
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match arg.as_str() {
            "--region" => region = Some(value("--region")?),
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
    let url = url.ok_or_else(|| format!("no GraphQL URL given; {USAGE}"))?;
    Ok(Args { region, time, url })
}

fn run(args: Args) -> Result<String, String> {
    let scope = match args.region {
        Some(region) => Scope::new(&region, APPSYNC).map_err(|e| e.to_string())?,
        None => match Scope::from_url(&args.url) {
            Ok(scope) if scope.service() == APPSYNC => scope,
            // A custom domain, or another service's host (an API Gateway URL, say).
            Ok(_) | Err(Error::UnknownEndpoint { .. }) => {
                return Err(format!(
                    "cannot tell the region from {:?}, which is not an AppSync host \
                     ({{api-id}}.appsync-api.{{region}}.amazonaws.com): use --region",
                    args.url
                ));
            }
            Err(e) => return Err(e.to_string()),
        },
    };
    let credentials = Credentials::from_env().map_err(|e| e.to_string())?;
    let time = args.time.unwrap_or_else(OffsetDateTime::now_utc);
    let url = appsync::graphql_realtime_url(&args.url, &credentials, &scope, time)
        .map_err(|e| e.to_string())?;
    Ok(url.into_string())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("appsync: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(url) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("appsync: {message}");
            ExitCode::FAILURE
        }
    }
}
