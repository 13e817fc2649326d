//! One test per row of the README's "Errors" table: each kind of bad input gets its own
//! `Error` variant, whose message says what was wrong and what is allowed. The last tests
//! check that the `presign` example prints the library's message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::unwrap_in_result,
    missing_docs
)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use sigv4_wss::{Credentials, Error, PresignedUrl, Scope, presign_url};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const API: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const TIME: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap()
}

fn presign_for(
    url: &str,
    service: &str,
    time: OffsetDateTime,
    expires: Duration,
) -> Result<PresignedUrl, Error> {
    let scope = Scope::new("us-east-1", service).unwrap();
    presign_url(url, &credentials(), &scope, time, expires)
}

fn presign(url: &str) -> Result<PresignedUrl, Error> {
    presign_for(url, "execute-api", TIME, Duration::from_secs(300))
}

/// Asserts that the message contains each of `parts`.
#[track_caller]
fn says(error: &Error, parts: &[&str]) {
    let message = error.to_string();
    for part in parts {
        assert!(message.contains(part), "{message:?} does not say {part:?}");
    }
}

#[test]
fn unsupported_scheme() {
    for (url, scheme) in [
        ("ftp://host/", "ftp"),
        ("mailto:x", "mailto"),
        ("FILE:///etc/passwd", "file"),
    ] {
        let err = presign(url).unwrap_err();
        assert_eq!(
            err,
            Error::UnsupportedScheme {
                scheme: scheme.to_owned()
            },
            "{url}"
        );
        says(
            &err,
            &[&format!("{scheme:?}"), "expected wss, ws, https or http"],
        );
    }
}

#[test]
fn relative_url() {
    for url in ["/dev?room=1", "dev", "//host/dev", ""] {
        let err = presign(url).unwrap_err();
        assert_eq!(err, Error::RelativeUrl, "{url}");
        says(
            &err,
            &["relative URL", "needs a scheme and a host", "wss://"],
        );
    }
}

#[test]
fn missing_host() {
    for url in ["wss://", "wss://:8443/", "wss://user@/dev", "ws://?x=1"] {
        let err = presign(url).unwrap_err();
        assert_eq!(err, Error::MissingHost, "{url}");
        says(&err, &["no host", "expected a host"]);
    }
}

#[test]
fn invalid_url() {
    for url in [
        "wss://exa mple.com/",
        "wss://h.example:99999/",
        "wss://[::1/",
    ] {
        let err = presign(url).unwrap_err();
        assert!(matches!(err, Error::InvalidUrl { .. }), "{url}: {err:?}");
        says(&err, &["invalid URL (", "expected an absolute URL"]);
    }
    // The parser's own reason is in the message.
    says(
        &presign("wss://h.example:99999/").unwrap_err(),
        &["invalid port number"],
    );
}

#[test]
fn reserved_parameter() {
    for (query, name) in [
        ("X-Amz-Signature=abc", "X-Amz-Signature"),
        ("a=1&X-Amz-Credential=x", "X-Amz-Credential"),
        ("x-amz-date=20200131T100233Z", "X-Amz-Date"),
        ("X%2DAmz-Expires=300", "X-Amz-Expires"),
        ("X-Amz-Security-Token", "X-Amz-Security-Token"),
    ] {
        let err = presign(&format!("wss://h.example/dev?{query}")).unwrap_err();
        assert_eq!(
            err,
            Error::ReservedParameter {
                name: name.to_owned()
            },
            "{query}"
        );
        says(&err, &[name, "without X-Amz-* authentication parameters"]);
    }
    // Other X-Amz- names are the URL's own business.
    assert!(presign("wss://h.example/dev?X-Amz-Foo=1").is_ok());
}

#[test]
fn invalid_region() {
    for region in [
        "",
        "US-EAST-1",
        "us east",
        "us_east_1",
        "é",
        &"a".repeat(65),
    ] {
        let err = Scope::new(region, "execute-api").unwrap_err();
        assert_eq!(
            err,
            Error::InvalidRegion {
                region: region.to_owned()
            }
        );
        says(
            &err,
            &[
                "1 to 64 lowercase ASCII letters, digits and hyphens",
                "us-east-1",
            ],
        );
    }
    assert!(Scope::new(&"a".repeat(64), "execute-api").is_ok());
}

#[test]
fn invalid_service() {
    for service in ["", "Execute-Api", "execute api", "ß", &"s".repeat(65)] {
        let err = Scope::new("us-east-1", service).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidService {
                service: service.to_owned()
            }
        );
        says(
            &err,
            &[
                "1 to 64 lowercase ASCII letters, digits and hyphens",
                "execute-api",
            ],
        );
    }
}

#[test]
fn unknown_endpoint() {
    for (url, host) in [
        ("wss://chat.example.com/", "chat.example.com"),
        ("wss://s3.amazonaws.com/", "s3.amazonaws.com"),
        ("wss://127.0.0.1:8182/gremlin", "127.0.0.1"),
    ] {
        let err = Scope::from_url(url).unwrap_err();
        assert_eq!(
            err,
            Error::UnknownEndpoint {
                host: host.to_owned()
            }
        );
        says(&err, &[host, "give region and service"]);
    }
    // A URL that does not parse gets the URL's error instead.
    assert_eq!(Scope::from_url("/dev").unwrap_err(), Error::RelativeUrl);
}

#[test]
fn invalid_access_key_id() {
    for (id, reason) in [
        ("", "empty"),
        ("AKID\n", "whitespace"),
        ("AKID/1", "other than ASCII letters"),
        ("AKÎD", "other than ASCII letters"),
        (&"A".repeat(129), "longer than 128"),
    ] {
        let err = Credentials::new(id, SECRET, None).unwrap_err();
        assert!(
            matches!(err, Error::InvalidAccessKeyId { .. }),
            "{id:?}: {err:?}"
        );
        says(
            &err,
            &[reason, "1 to 128 ASCII letters, digits or underscores"],
        );
    }
    assert!(Credentials::new(&"A".repeat(128), SECRET, None).is_ok());
}

#[test]
fn invalid_secret_access_key_and_session_token() {
    for (bad, reason) in [
        ("", "empty"),
        ("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n", "whitespace"),
        ("two words", "whitespace"),
        ("clé", "non-ASCII"),
        ("nul\u{0}", "control"),
    ] {
        let err = Credentials::new("AKIDEXAMPLE", bad, None).unwrap_err();
        assert!(
            matches!(err, Error::InvalidSecretAccessKey { .. }),
            "{bad:?}: {err:?}"
        );
        says(
            &err,
            &[
                "secret access key",
                reason,
                "printable ASCII without whitespace",
            ],
        );

        let err = Credentials::new("AKIDEXAMPLE", SECRET, Some(bad)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidSessionToken { .. }),
            "{bad:?}: {err:?}"
        );
        says(
            &err,
            &[
                "session token",
                reason,
                "printable ASCII without whitespace",
            ],
        );
    }
}

/// The environment variables `Credentials::from_env` reads.
const ENV_VARS: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];
/// Set in the environment of the child process that `missing_env_var` starts.
const CHILD: &str = "SIGV4_WSS_FROM_ENV_CHILD";

/// `Credentials::from_env` with a controlled environment. Changing this process's environment
/// needs `unsafe` (edition 2024: other threads may read it), so the test runs itself again as
/// a child process with exactly the variables wanted, and the child reports what `from_env`
/// returned. Only this test, in the child, reads the variables.
#[test]
fn missing_env_var() {
    if std::env::var_os(CHILD).is_some() {
        match Credentials::from_env() {
            Ok(c) => println!("RESULT ok token={}", c.has_session_token()),
            Err(e) => println!("RESULT {e:?} MESSAGE {e}"),
        }
        return;
    }
    let run = |vars: &[(&str, &str)]| -> String {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.args([
            "--exact",
            "missing_env_var",
            "--nocapture",
            "--test-threads=1",
        ]);
        for name in ENV_VARS {
            command.env_remove(name);
        }
        command.env(CHILD, "1").envs(vars.iter().copied());
        let output = command.output().unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        stdout
            .lines()
            .find_map(|line| line.split_once("RESULT ").map(|(_, result)| result))
            .unwrap_or_else(|| panic!("child printed no result: {stdout}"))
            .to_owned()
    };
    let missing = |name: &str| {
        format!(
            "MissingEnvVar {{ name: {name:?} }} MESSAGE environment variable {name} is not set \
             (or is empty, or not valid Unicode)"
        )
    };
    assert_eq!(run(&[]), missing("AWS_ACCESS_KEY_ID"));
    assert_eq!(
        run(&[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", SECRET)]),
        missing("AWS_ACCESS_KEY_ID")
    );
    assert_eq!(
        run(&[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")]),
        missing("AWS_SECRET_ACCESS_KEY")
    );
    assert_eq!(
        run(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "")
        ]),
        missing("AWS_SECRET_ACCESS_KEY")
    );
    // An empty session token means none; a set one is used; a bad one is an error.
    let both = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];
    assert_eq!(
        run(&[both[0], both[1], ("AWS_SESSION_TOKEN", "")]),
        "ok token=false"
    );
    assert_eq!(
        run(&[both[0], both[1], ("AWS_SESSION_TOKEN", "abc")]),
        "ok token=true"
    );
    assert!(
        run(&[both[0], both[1], ("AWS_SESSION_TOKEN", "a b")]).starts_with("InvalidSessionToken")
    );
}

#[test]
fn expires_out_of_range() {
    for (service, seconds, max) in [
        ("execute-api", 0, 604_800),
        ("execute-api", 604_801, 604_800),
        ("execute-api", u64::MAX, 604_800),
        ("transcribe", 301, 300),
        ("transcribe", 0, 300),
    ] {
        let err = presign_for(API, service, TIME, Duration::from_secs(seconds)).unwrap_err();
        assert_eq!(
            err,
            Error::ExpiresOutOfRange {
                seconds,
                max,
                service: service.to_owned()
            }
        );
        says(
            &err,
            &[
                &format!("{seconds} seconds"),
                &format!("{service} allows 1 to {max} seconds"),
            ],
        );
    }
    // The limits themselves are fine.
    assert!(presign_for(API, "execute-api", TIME, Duration::from_secs(604_800)).is_ok());
    assert!(presign_for(API, "transcribe", TIME, Duration::from_secs(300)).is_ok());
    assert!(presign_for(API, "execute-api", TIME, Duration::from_secs(1)).is_ok());
}

#[test]
fn expires_not_whole_seconds() {
    for expires in [
        Duration::from_millis(1500),
        Duration::from_nanos(1),
        Duration::new(300, 1),
    ] {
        let err = presign_for(API, "execute-api", TIME, expires).unwrap_err();
        assert_eq!(err, Error::ExpiresNotWholeSeconds { expires });
        says(
            &err,
            &[
                "not a whole number of seconds",
                "whole seconds from 1 to 604800",
            ],
        );
    }
    says(
        &presign_for(API, "execute-api", TIME, Duration::from_millis(1500)).unwrap_err(),
        &["expiry of 1.5s"],
    );
}

#[test]
fn time_out_of_range() {
    for (time, year) in [
        (datetime!(1969-12-31 23:59:59 UTC), 1969),
        (datetime!(1970-01-01 00:59:59 +01:00), 1969),
        (datetime!(-9999-01-01 00:00:00 UTC), -9999),
        (datetime!(9999-12-31 23:00:00 -02:00), 10000),
    ] {
        let err = presign_for(API, "execute-api", time, Duration::from_secs(300)).unwrap_err();
        assert_eq!(err, Error::TimeOutOfRange { year }, "{time}");
        says(
            &err,
            &[
                &format!("year {year}"),
                "expected a UTC time from 1970 to 9999",
            ],
        );
    }
    for time in [
        datetime!(1970-01-01 00:00:00 UTC),
        datetime!(9999-12-31 23:59:59 UTC),
    ] {
        assert!(presign_for(API, "execute-api", time, Duration::from_secs(300)).is_ok());
    }
}

#[test]
fn url_too_long() {
    // The presigned URL of `wss://{host}/{path}` is 4097 characters with this path.
    let base = presign("wss://abc123defg.execute-api.us-east-1.amazonaws.com/").unwrap();
    let path = "a".repeat(4097 - base.as_str().len());
    let long = format!("wss://abc123defg.execute-api.us-east-1.amazonaws.com/{path}");
    let err = presign(&long).unwrap_err();
    assert_eq!(
        err,
        Error::UrlTooLong {
            length: 4097,
            max: 4096,
            service: "execute-api".to_owned()
        }
    );
    says(
        &err,
        &["4097 characters", "4096-character limit of execute-api"],
    );
    // One character less fits.
    let fits = presign(&long[..long.len() - 1]).unwrap();
    assert_eq!(fits.as_str().len(), 4096);
    // The limit is API Gateway's WebSocket one: not for https, nor for other services.
    assert!(presign(&long.replacen("wss", "https", 1)).is_ok());
    assert!(presign_for(&long, "iotdevicegateway", TIME, Duration::from_secs(300)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// The example prints the library's message: `presign: {error}`.
// ---------------------------------------------------------------------------------------------

/// The `presign` example as built by `cargo test` (which builds the examples before running
/// the tests) or `cargo build --example presign`, next to this test's own binary.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(std::path::Path::parent).unwrap();
    let example = dir
        .join("examples")
        .join(format!("presign{}", std::env::consts::EXE_SUFFIX));
    assert!(
        example.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --example presign` first",
        example.display()
    );
    example
}

/// Runs the example with the AWS documentation's example credentials; returns its exit code
/// and what it printed on stderr.
fn run_example(args: &[&str]) -> (i32, String) {
    let output = Command::new(example())
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .unwrap();
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_example_prints_the_same_message() {
    let time = ["--time", "2020-01-31T10:02:33Z"];
    let scope = ["--region", "us-east-1", "--service", "execute-api"];
    let cases: [(Vec<&str>, Error); 5] = [
        (
            [&scope[..], &["ftp://host/"]].concat(),
            presign("ftp://host/").unwrap_err(),
        ),
        (
            [&scope[..], &["wss://exa mple.com/"]].concat(),
            presign("wss://exa mple.com/").unwrap_err(),
        ),
        (
            vec!["--region", "US-EAST-1", "--service", "execute-api", API],
            Scope::new("US-EAST-1", "execute-api").unwrap_err(),
        ),
        (
            [&time[..], &["--expires", "0", API]].concat(),
            presign_for(API, "execute-api", TIME, Duration::ZERO).unwrap_err(),
        ),
        (
            [&scope[..], &["--time", "1969-12-31T23:59:59Z", API]].concat(),
            presign_for(
                API,
                "execute-api",
                datetime!(1969-12-31 23:59:59 UTC),
                Duration::from_secs(300),
            )
            .unwrap_err(),
        ),
    ];
    for (args, error) in cases {
        assert_eq!(
            run_example(&args),
            (1, format!("presign: {error}\n")),
            "{args:?}"
        );
    }
    // With neither --region nor --service, a custom domain's error adds what to do.
    let (code, stderr) = run_example(&[&time[..], &["wss://chat.example.com/"]].concat());
    let error = Scope::from_url("wss://chat.example.com/").unwrap_err();
    assert_eq!(
        (code, stderr),
        (1, format!("presign: {error}: use --region and --service\n"))
    );
}

#[test]
fn the_example_reports_missing_credentials() {
    let output = Command::new(example())
        .arg(API)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    let error = Error::MissingEnvVar {
        name: "AWS_ACCESS_KEY_ID",
    };
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!("presign: {error}\n")
    );
}
