//! `presign`, `verify` and `inspect`: the library's calls, with the contracts of
//! `examples/presign.rs` and `examples/verify.rs`.

use std::time::Duration;

use sigv4_wss::{Verified, Verifier, inspect_request, presign_url};
use time::OffsetDateTime;

use crate::args::{Opt, Parsed, opt, scope};
use crate::aws;
use crate::output::{self, Failure};

const PRESIGN_USAGE: &str = "usage: sigv4-wss presign [--region R] [--service S] [--profile P] \
                             [--expires SECONDS] [--time 2020-01-31T10:02:33Z] URL";

/// Prints a presigned URL and a newline, and nothing else.
pub(crate) async fn presign(args: Vec<String>) -> Result<(), Failure> {
    const OPTS: &[Opt] =
        &[opt("--region"), opt("--service"), opt("--profile"), opt("--expires"), opt("--time")];
    let args = Parsed::read(args, OPTS, PRESIGN_USAGE)?;
    let expires = args
        .get("--expires")
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                Failure::Usage(format!(
                    "--expires {v:?} is not a whole number of seconds (1 to 604800)"
                ))
            })
        })
        .transpose()?
        .unwrap_or(300);
    let time = args.time("--time")?;
    let [url] = args.operands(["URL"], PRESIGN_USAGE)?;
    let scope = scope(url, args.get("--region"), args.get("--service"))?;
    let credentials = aws::credentials(args.get("--profile"), scope.region()).await?;
    let time = time.unwrap_or_else(OffsetDateTime::now_utc);
    let presigned = presign_url(url, &credentials, &scope, time, Duration::from_secs(expires))
        .map_err(|e| Failure::failed(e.to_string()))?;
    output::line(presigned.as_str())
}

const VERIFY_USAGE: &str = "usage: sigv4-wss verify [--region R] [--service S] [--profile P] \
                            [--host HOST] [--expect-host H] [--now 2020-01-31T10:02:35Z] \
                            URL_OR_TARGET";

/// Checks a presigned URL, or a request target and its `Host`, as the service would with the
/// credentials of the chain: `verified: …` on stdout and exit status 0, or the reason and 1.
pub(crate) async fn verify(args: Vec<String>) -> Result<(), Failure> {
    const OPTS: &[Opt] = &[
        opt("--region"),
        opt("--service"),
        opt("--profile"),
        opt("--host"),
        opt("--expect-host"),
        opt("--now"),
    ];
    let args = Parsed::read(args, OPTS, VERIFY_USAGE)?;
    let now = args.time("--now")?;
    let [input] = args.operands(["URL or request target"], VERIFY_USAGE)?;
    let host = args.get("--host");
    match (input.starts_with('/'), host) {
        (true, None) => {
            return Err(Failure::Usage(format!(
                "a request target needs --host, the Host header received; {VERIFY_USAGE}"
            )));
        }
        (false, Some(_)) => {
            return Err(Failure::Usage(format!(
                "--host goes with a request target; a URL has its host; {VERIFY_USAGE}"
            )));
        }
        _ => {}
    }
    let host_url = host.map(|host| format!("https://{host}/"));
    // A scope that cannot be read from the input is bad usage here, as in the example.
    let scope =
        scope(host_url.as_deref().unwrap_or(input), args.get("--region"), args.get("--service"))
            .map_err(|e| match e {
                Failure::Failed(message) => Failure::Usage(message),
                e => e,
            })?;
    let credentials = aws::credentials(args.get("--profile"), scope.region()).await?;
    let mut verifier = Verifier::new(credentials, &scope);
    if let Some(expected) = args.get("--expect-host") {
        verifier = verifier.expect_host(expected);
    }
    let now = now.unwrap_or_else(OffsetDateTime::now_utc);
    let result = match host {
        Some(host) => verifier.verify_request("GET", input, &[("host", host)], now),
        None => verifier.verify_url(input, now),
    }
    .map_err(|e| Failure::failed(e.to_string()))?;
    output::line(&describe(&result))
}

/// The example's `verified: …` line.
fn describe(v: &Verified) -> String {
    let query: Vec<String> = v.query().iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "verified: signed by {} for {}/{} at {} ({}), host {}, path {}, query [{}], session token: {}",
        v.access_key_id(),
        v.scope().region(),
        v.scope().service(),
        v.signed_at(),
        v.expires().map_or("no X-Amz-Expires".to_owned(), |d| format!("for {} s", d.as_secs())),
        v.host(),
        v.path(),
        query.join(" "),
        match (v.has_session_token(), v.session_token_signed()) {
            (false, _) => "none",
            (true, true) => "signed",
            (true, false) => "unsigned",
        },
    )
}

const INSPECT_USAGE: &str = "usage: sigv4-wss inspect [--host HOST] URL_OR_TARGET";

/// Prints what a server rebuilds from a presigned URL (or a request target and its `Host`):
/// the canonical request, the string to sign and the scope; no signature, the token redacted.
pub(crate) fn inspect(args: &[String]) -> Result<(), Failure> {
    let args = Parsed::read(args.to_vec(), &[opt("--host")], INSPECT_USAGE)?;
    let [input] = args.operands(["URL or request target"], INSPECT_USAGE)?;
    let inspection = match args.get("--host") {
        Some(host) => inspect_request(input, host),
        None if input.starts_with('/') => {
            return Err(Failure::Usage(format!(
                "a request target needs --host, the Host header received; {INSPECT_USAGE}"
            )));
        }
        None => sigv4_wss::inspect(input),
    }
    .map_err(|e| Failure::failed(e.to_string()))?;
    output::line(inspection.to_string().trim_end())
}
