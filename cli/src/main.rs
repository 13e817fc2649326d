//! `sigv4-wss`: presign, open and debug WebSockets protected by AWS Signature Version 4, from
//! the terminal, with the AWS SDK's credential chain.
//!
//! ```text
//! sigv4-wss presign [--region R] [--service S] [--profile P] [--expires SECONDS] [--time RFC3339] URL
//! sigv4-wss connect [--region R] [--service S] [--profile P] [-x MESSAGE]... [--wait SECONDS] [-H 'Name: value']... [-s SUBPROTOCOL] URL
//! sigv4-wss post    [--region R] [--profile P] URL MESSAGE
//! sigv4-wss verify  [--region R] [--service S] [--profile P] [--host HOST] [--expect-host H] [--now RFC3339] URL_OR_TARGET
//! sigv4-wss inspect [--host HOST] URL_OR_TARGET
//! ```
//!
//! Every failure is one line on stderr, starting with the command's name, and a non-zero exit
//! status: 2 for bad usage, 1 for anything else. All signing and checking is the library's.

mod args;
mod aws;
mod commands;
mod connect;
mod output;
mod post;

use std::process::ExitCode;

use crate::output::Failure;

const USAGE: &str = "usage: sigv4-wss COMMAND [OPTIONS] ...
commands:
  presign [--region R] [--service S] [--profile P] [--expires SECONDS] [--time RFC3339] URL
  connect [--region R] [--service S] [--profile P] [-x MESSAGE]... [--wait SECONDS] [-H 'Name: value']... [-s SUBPROTOCOL] URL
  post    [--region R] [--profile P] URL MESSAGE
  verify  [--region R] [--service S] [--profile P] [--host HOST] [--expect-host H] [--now RFC3339] URL_OR_TARGET
  inspect [--host HOST] URL_OR_TARGET
Credentials come from the AWS SDK's default chain (environment, --profile or AWS_PROFILE in the
shared config and credentials files, SSO, web identity, container and instance metadata).";

fn main() -> ExitCode {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                output::error(
                    "sigv4-wss",
                    &format!("argument {} is not valid UTF-8", arg.display()),
                );
                return ExitCode::from(2);
            }
        }
    }
    let mut args = args.into_iter();
    let Some(command) = args.next() else {
        output::error("sigv4-wss", &format!("no command given; {}", first_line(USAGE)));
        return ExitCode::from(2);
    };
    let args: Vec<String> = args.collect();
    let result = match command.as_str() {
        "presign" => block_on(commands::presign(args)),
        "connect" => block_on(connect::run(args)),
        "post" => block_on(post::run(args)),
        "verify" => block_on(commands::verify(args)),
        "inspect" => commands::inspect(&args),
        "-h" | "--help" | "help" => output::line(USAGE),
        "-V" | "--version" => output::line(concat!("sigv4-wss ", env!("CARGO_PKG_VERSION"))),
        other => {
            output::error(
                "sigv4-wss",
                &format!("unknown command {other:?}; {}", first_line(USAGE)),
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            output::error(&command, &message);
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            output::error(&command, &message);
            ExitCode::FAILURE
        }
        // Stdout was closed (`sigv4-wss ... | head -1`): nothing more to say.
        Err(Failure::StdoutClosed) => ExitCode::FAILURE,
        Err(Failure::Help(usage)) => match output::line(&usage) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        },
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Runs `future` on a single-threaded runtime: one connection at a time needs no more.
fn block_on(future: impl Future<Output = Result<(), Failure>>) -> Result<(), Failure> {
    // rustls needs one process-wide crypto provider: ring, the one every TLS client here is
    // built with. aws-lc-rs would add post-quantum key exchange (hence the deprecation) at the
    // cost of a C build; classical ECDHE is what AWS endpoints have always taken. An error
    // means a provider is installed already.
    #[allow(deprecated, reason = "ring, on purpose: see above")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Failed(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(future)
}
