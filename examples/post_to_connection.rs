//! Signs a message for API Gateway's `@connections` API and prints the request to send, with a
//! `curl` command line. The library sends nothing; any HTTP client can send the request.
//!
//! ```text
//! cargo run --example post_to_connection -- \
//!     'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=' \
//!     'hello world'
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
//! The region is read from the URL's host, or from `AWS_REGION` for a custom domain. The session
//! token is not printed: the `curl` line reads it from the environment.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example that prints what it signed"
)]

use std::process::ExitCode;

use sigv4_wss::{CanonicalRequest, Credentials, Scope, service, sign_request};
use time::OffsetDateTime;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, message] = args.as_slice() else {
        eprintln!("usage: post_to_connection CONNECTION_URL MESSAGE");
        eprintln!(
            "  CONNECTION_URL: https://{{api-id}}.execute-api.{{region}}.amazonaws.com/{{stage}}/@connections/{{connection-id}}"
        );
        return ExitCode::from(2);
    };
    match run(url, message) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(url: &str, message: &str) -> Result<(), sigv4_wss::Error> {
    let credentials = Credentials::from_env()?;
    let scope = match Scope::from_url(url) {
        Ok(scope) => scope,
        // A custom domain: the region must be given; the service is execute-api.
        Err(sigv4_wss::Error::UnknownEndpoint { .. }) => {
            let region = std::env::var("AWS_REGION")
                .map_err(|_| sigv4_wss::Error::MissingEnvVar { name: "AWS_REGION" })?;
            Scope::new(&region, service::EXECUTE_API)?
        }
        Err(err) => return Err(err),
    };
    let request = CanonicalRequest::from_url("POST", url)?.with_payload(message.as_bytes());
    let signed = sign_request(&request, &credentials, &scope, OffsetDateTime::now_utc())?;

    println!("POST {url}");
    let mut curl = vec!["curl -X POST".to_owned(), shell_quote(url)];
    for (name, value) in signed.headers() {
        if name.eq_ignore_ascii_case("X-Amz-Security-Token") {
            println!("{name}: <the value of AWS_SESSION_TOKEN>");
            curl.push(format!("-H \"{name}: $AWS_SESSION_TOKEN\""));
        } else {
            println!("{name}: {value}");
            curl.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
        }
    }
    curl.push(format!("--data-binary {}", shell_quote(message)));
    println!();
    println!("{message}");
    println!();
    println!("{}", curl.join(" "));
    Ok(())
}

/// Quotes `s` for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
