//! Every kind of bad input gets its own `Error` variant, whose message says what was wrong and
//! what is allowed: the rows of the README's "Errors" table with several inputs each, the
//! request builders' and signers' refusals, and the verifier's refusals with one example
//! each. One test checks that every variant declared in `src/error.rs` has an example here.
//! The last tests check that the `presign` example prints the library's message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::unwrap_in_result,
    clippy::too_many_lines,
    missing_docs
)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use sigv4_wss::{
    CanonicalRequest, Credentials, Error, PresignedUrl, Presigner, Scope, Verifier, presign_url,
    sign_request,
};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const API: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const TIME: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const FIVE_MINUTES: Duration = Duration::from_secs(300);

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap()
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn presign_for(
    url: &str, service: &str, time: OffsetDateTime, expires: Duration,
) -> Result<PresignedUrl, Error> {
    let scope = Scope::new("us-east-1", service).unwrap();
    presign_url(url, &credentials(), &scope, time, expires)
}

fn presign(url: &str) -> Result<PresignedUrl, Error> {
    presign_for(url, "execute-api", TIME, FIVE_MINUTES)
}

/// Asserts that the message contains each of `parts`.
#[track_caller]
fn says(error: &Error, parts: &[&str]) {
    let message = error.to_string();
    for part in parts {
        assert!(message.contains(part), "{message:?} does not say {part:?}");
    }
}

/// The variant's name, from `Debug`.
fn variant(error: &Error) -> String {
    let debug = format!("{error:?}");
    debug.split([' ', '{', '(']).next().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------------------------
// The URL to presign.
// ---------------------------------------------------------------------------------------------

#[test]
fn unsupported_scheme() {
    for (url, scheme) in
        [("ftp://host/", "ftp"), ("mailto:x", "mailto"), ("FILE:///etc/passwd", "file")]
    {
        let err = presign(url).unwrap_err();
        assert_eq!(err, Error::UnsupportedScheme { scheme: scheme.to_owned() }, "{url}");
        says(&err, &[&format!("{scheme:?}"), "expected wss, ws, https or http"]);
    }
}

#[test]
fn relative_url() {
    for url in ["/dev?room=1", "dev", "//host/dev", ""] {
        let err = presign(url).unwrap_err();
        assert_eq!(err, Error::RelativeUrl, "{url}");
        says(&err, &["relative URL", "needs a scheme and host", "wss://"]);
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
    for url in ["wss://exa mple.com/", "wss://h.example:99999/", "wss://[::1/"] {
        let err = presign(url).unwrap_err();
        assert!(matches!(err, Error::InvalidUrl { .. }), "{url}: {err:?}");
        says(&err, &["invalid URL (", "expected an absolute URL"]);
    }
    // The parser's own reason is in the message.
    says(&presign("wss://h.example:99999/").unwrap_err(), &["invalid port number"]);
}

#[test]
fn user_info_in_url() {
    for url in [
        "wss://user:pw@h.example/",
        "wss://user@h.example/",
        "wss://:pw@h.example/dev",
        "https://u%40x:p@abc123defg.execute-api.us-east-1.amazonaws.com/dev",
    ] {
        let err = presign(url).unwrap_err();
        assert_eq!(err, Error::UserInfoInUrl, "{url}");
        says(&err, &["user name or password", "remove them"]);
        // Everything that parses a URL to sign refuses it alike.
        assert_eq!(CanonicalRequest::from_url("GET", url).unwrap_err(), Error::UserInfoInUrl);
        assert_eq!(Scope::from_url(url).unwrap_err(), Error::UserInfoInUrl);
    }
    // A `@` in the path or query is no user info.
    assert!(presign("wss://h.example/@connections?a=@").is_ok());
}

#[test]
fn reserved_parameter() {
    for (query, name) in [
        ("X-Amz-Signature=abc", "X-Amz-Signature"),
        ("a=1&X-Amz-Credential=x", "X-Amz-Credential"),
        ("x-amz-date=20200131T100233Z", "x-amz-date"),
        ("X%2DAmz-Expires=300", "X-Amz-Expires"),
        ("X-AMZ-SIGNEDHEADERS=host", "X-AMZ-SIGNEDHEADERS"),
        ("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm"),
        ("X-Amz-Security-Token", "X-Amz-Security-Token"),
    ] {
        let err = presign(&format!("wss://h.example/dev?{query}")).unwrap_err();
        assert_eq!(err, Error::ReservedParameter { name: name.to_owned() }, "{query}");
        says(
            &err,
            &[
                &format!("{name:?}"),
                "sign it without X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, \
                 -Signature and -Security-Token",
            ],
        );
    }
    // A presigned URL cannot be presigned again.
    let presigned = presign(API).unwrap();
    assert!(matches!(presign(presigned.as_str()), Err(Error::ReservedParameter { .. })));
    // Other X-Amz- names are the URL's own business (Kinesis Video's X-Amz-ChannelARN).
    for query in ["X-Amz-Foo=1", "X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo", "X-Amz-Signatures=1"]
    {
        assert!(presign(&format!("wss://h.example/dev?{query}")).is_ok(), "{query}");
    }
}

// ---------------------------------------------------------------------------------------------
// Region, service, credentials.
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_region() {
    let long = "a".repeat(65);
    for region in ["", "US-EAST-1", "us east", "us_east_1", "é", &long] {
        let err = Scope::new(region, "execute-api").unwrap_err();
        // At most 64 characters of it are shown.
        let shown: String = region.chars().take(64).collect();
        assert_eq!(err, Error::InvalidRegion { region: shown });
        says(&err, &["expected 1 to 64 of a-z, 0-9 and -", "us-east-1"]);
    }
    assert!(Scope::new(&"a".repeat(64), "execute-api").is_ok());
}

#[test]
fn invalid_service() {
    let long = "s".repeat(65);
    for service in ["", "Execute-Api", "execute api", "ß", &long] {
        let err = Scope::new("us-east-1", service).unwrap_err();
        let shown: String = service.chars().take(64).collect();
        assert_eq!(err, Error::InvalidService { service: shown });
        says(&err, &["expected 1 to 64 of a-z, 0-9 and -", "execute-api"]);
    }
    assert!(Scope::new("us-east-1", &"s".repeat(64)).is_ok());
}

#[test]
fn unknown_endpoint() {
    for (url, host) in [
        ("wss://chat.example.com/", "chat.example.com"),
        ("wss://s3.amazonaws.com/", "s3.amazonaws.com"),
        ("wss://127.0.0.1:8182/gremlin", "127.0.0.1"),
    ] {
        let err = Scope::from_url(url).unwrap_err();
        assert_eq!(err, Error::UnknownEndpoint { host: host.to_owned() });
        says(&err, &[host, "give them explicitly"]);
    }
    // A URL that does not parse gets the URL's error instead.
    assert_eq!(Scope::from_url("/dev").unwrap_err(), Error::RelativeUrl);
}

#[test]
fn invalid_access_key_id() {
    let long = "A".repeat(129);
    for (id, reason) in [
        ("", "empty"),
        ("AKID\n", "whitespace"),
        ("AKID/1", "other than ASCII letters"),
        ("AKÎD", "other than ASCII letters"),
        (&long, "longer than 128"),
    ] {
        let err = Credentials::new(id, SECRET, None).unwrap_err();
        assert!(matches!(err, Error::InvalidAccessKeyId { .. }), "{id:?}: {err:?}");
        says(&err, &[reason, "expected 1 to 128 ASCII letters, digits or _"]);
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
        ("del\u{7f}", "control"),
    ] {
        let err = Credentials::new("AKIDEXAMPLE", bad, None).unwrap_err();
        assert!(matches!(err, Error::InvalidSecretAccessKey { .. }), "{bad:?}: {err:?}");
        says(&err, &["secret access key", reason, "printable ASCII without whitespace"]);

        let err = Credentials::new("AKIDEXAMPLE", SECRET, Some(bad)).unwrap_err();
        assert!(matches!(err, Error::InvalidSessionToken { .. }), "{bad:?}: {err:?}");
        says(&err, &["session token", reason, "printable ASCII without whitespace"]);
    }
}

/// The environment variables `Credentials::from_env` reads.
const ENV_VARS: [&str; 3] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
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
        command.args(["--exact", "missing_env_var", "--nocapture", "--test-threads=1"]);
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
    assert_eq!(run(&[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")]), missing("AWS_SECRET_ACCESS_KEY"));
    assert_eq!(
        run(&[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "")]),
        missing("AWS_SECRET_ACCESS_KEY")
    );
    // An empty session token means none; a set one is used; a bad one is an error.
    let both = [("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", SECRET)];
    assert_eq!(run(&[both[0], both[1], ("AWS_SESSION_TOKEN", "")]), "ok token=false");
    assert_eq!(run(&[both[0], both[1], ("AWS_SESSION_TOKEN", "abc")]), "ok token=true");
    assert!(
        run(&[both[0], both[1], ("AWS_SESSION_TOKEN", "a b")]).starts_with("InvalidSessionToken")
    );
    // A bad secret from the environment is reported, not shown.
    let shown = run(&[both[0], ("AWS_SECRET_ACCESS_KEY", "SecretFromEnv\u{1}")]);
    assert!(shown.starts_with("InvalidSecretAccessKey"), "{shown}");
    assert!(!shown.contains("SecretFromEnv"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Expiry, time, length.
// ---------------------------------------------------------------------------------------------

#[test]
fn expires_out_of_range() {
    for (service, seconds, max) in [
        ("execute-api", 0, 604_800),
        ("execute-api", 604_801, 604_800),
        ("execute-api", u64::from(u32::MAX) + 1, 604_800),
        ("execute-api", u64::MAX, 604_800),
        ("transcribe", 301, 300),
        ("transcribe", 0, 300),
    ] {
        let err = presign_for(API, service, TIME, Duration::from_secs(seconds)).unwrap_err();
        assert_eq!(err, Error::ExpiresOutOfRange { seconds, max, service: service.to_owned() });
        says(
            &err,
            &[&format!("{seconds} seconds"), &format!("{service} allows 1 to {max} seconds")],
        );
    }
    // The limits themselves are fine.
    assert!(presign_for(API, "execute-api", TIME, Duration::from_secs(604_800)).is_ok());
    assert!(presign_for(API, "transcribe", TIME, Duration::from_secs(300)).is_ok());
    assert!(presign_for(API, "execute-api", TIME, Duration::from_secs(1)).is_ok());
}

#[test]
fn expires_not_whole_seconds() {
    for expires in [Duration::from_millis(1500), Duration::from_nanos(1), Duration::new(300, 1)] {
        let err = presign_for(API, "execute-api", TIME, expires).unwrap_err();
        assert_eq!(err, Error::ExpiresNotWholeSeconds { expires });
        says(&err, &["not a whole number of seconds", "as X-Amz-Expires needs"]);
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
        let err = presign_for(API, "execute-api", time, FIVE_MINUTES).unwrap_err();
        assert_eq!(err, Error::TimeOutOfRange { year }, "{time}");
        says(&err, &[&format!("year {year}"), "UTC times from 1970 to 9999"]);
        // The header signer too.
        let request = CanonicalRequest::new("GET", "/").unwrap();
        assert_eq!(
            sign_request(&request, &credentials(), &scope(), time).unwrap_err(),
            Error::TimeOutOfRange { year }
        );
    }
    // The first and the last signing time whose URL expires by the end of 9999.
    for time in [datetime!(1970-01-01 00:00:00 UTC), datetime!(9999-12-31 23:54:59 UTC)] {
        let url = presign_for(API, "execute-api", time, FIVE_MINUTES).unwrap();
        assert_eq!(url.expires_at(), time + FIVE_MINUTES);
    }
    let request = CanonicalRequest::new("GET", "/").unwrap();
    let last = datetime!(9999-12-31 23:59:59 UTC);
    assert!(sign_request(&request, &credentials(), &scope(), last).is_ok());
}

/// Times and durations whose sum passes the end of year 9999 (the largest time the `time`
/// crate holds) are an error or fine, never a panic: a URL signed in the last minutes of 9999
/// for 5 minutes, a verifier's `now` in them, a clock skew or maximum age of `Duration::MAX`
/// ("no limit").
#[test]
fn no_time_near_the_end_of_9999_panics() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let last = datetime!(9999-12-31 23:59:59 UTC);
    let mut panicked = Vec::new();
    let mut run = |what: &str, f: &mut dyn FnMut()| {
        if catch_unwind(AssertUnwindSafe(f)).is_err() {
            panicked.push(what.to_owned());
        }
    };
    run("presign_url at 9999-12-31 23:59:59 for 300 s", &mut || {
        let result = presign_for(API, "execute-api", last, FIVE_MINUTES);
        // Signing then is allowed; the expiry passes the end of 9999.
        assert!(matches!(result, Ok(_) | Err(Error::TimeOutOfRange { year: 10000 })), "{result:?}");
    });
    run("Presigner::presign_request at 9999-12-31 23:59:59 for 7 days", &mut || {
        let request = CanonicalRequest::from_url("GET", API).unwrap();
        let presigner = Presigner::new(credentials(), scope());
        let result = presigner.presign_request(&request, last, Duration::from_secs(604_800));
        assert!(matches!(result, Ok(_) | Err(Error::TimeOutOfRange { year: 10000 })));
    });
    // A URL signed at 23:58:00 for 300 s is valid at 23:59:59.
    let url = presign_for(API, "execute-api", datetime!(9999-12-31 23:54:00 UTC), FIVE_MINUTES)
        .unwrap()
        .into_string()
        .replace("99991231T235400Z", "99991231T235800Z");
    run("Verifier::verify_url at 9999-12-31 23:59:59", &mut || {
        // The signature no longer matches (the date was edited), but the time checks come
        // first and must not overflow.
        let result = Verifier::new(credentials(), &scope()).verify_url(&url, last);
        assert_eq!(result.unwrap_err(), Error::SignatureMismatch);
    });
    let target = presign(API).unwrap().into_string();
    let target = target[target.find("/dev").unwrap()..].to_owned();
    for (what, verifier) in [
        (
            "clock_skew(Duration::MAX)",
            Verifier::new(credentials(), &scope()).clock_skew(Duration::MAX),
        ),
        ("max_age(Duration::MAX)", Verifier::new(credentials(), &scope()).max_age(Duration::MAX)),
    ] {
        run(what, &mut || {
            let result = verifier.verify_request("GET", &target, &[("Host", HOST)], TIME);
            assert!(result.is_ok(), "{result:?}");
        });
    }
    assert!(panicked.is_empty(), "panicked: {panicked:#?}");
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
        Error::UrlTooLong { length: 4097, max: 4096, service: "execute-api".to_owned() }
    );
    says(&err, &["4097 characters", "4096-character limit of execute-api", "shorten it"]);
    // One character less fits.
    let fits = presign(&long[..long.len() - 1]).unwrap();
    assert_eq!(fits.as_str().len(), 4096);
    // The limit is API Gateway's WebSocket one: not for https, nor for other services.
    assert!(presign(&long.replacen("wss", "https", 1)).is_ok());
    assert!(presign_for(&long, "iotdevicegateway", TIME, FIVE_MINUTES).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Requests given as parts, and the signers of such requests.
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_method_header_name_and_value() {
    for method in ["", "GET /", "G\u{e9}T", "GET\n", "(GET)"] {
        let err = CanonicalRequest::new(method, "/").unwrap_err();
        assert_eq!(err, Error::InvalidMethod { method: method.to_owned() });
        says(&err, &["expected a token such as GET or POST"]);
        assert!(matches!(
            CanonicalRequest::from_url(method, API),
            Err(Error::InvalidMethod { .. })
        ));
    }
    for method in ["GET", "POST", "M-SEARCH", "x!#$%&'*+.^_`|~"] {
        assert!(CanonicalRequest::new(method, "/").is_ok(), "{method}");
    }
    let request = || CanonicalRequest::new("GET", "/").unwrap();
    for name in ["", "bad name", "x:y", "é", "a\u{0}"] {
        let err = request().with_header(name, "v").unwrap_err();
        assert_eq!(err, Error::InvalidHeaderName { name: name.to_owned() });
        says(&err, &["expected a token such as content-type"]);
    }
    for value in ["a\u{0}b", "\u{1}", "x\u{7f}"] {
        let err = request().with_header("X-Value", value).unwrap_err();
        assert_eq!(err, Error::InvalidHeaderValue { name: "x-value".to_owned() });
        says(&err, &["no control characters but tab, CR and LF"]);
    }
    // Tab, CR and LF are folded whitespace, not errors.
    assert!(request().with_header("X-Value", "a\tb\r\n c").is_ok());
}

#[test]
fn reserved_header() {
    let base = CanonicalRequest::from_url(
        "POST",
        "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/abc=",
    )
    .unwrap();
    for (header, name) in [
        ("Authorization", "authorization"),
        ("X-Amz-Date", "x-amz-date"),
        ("x-amz-security-token", "x-amz-security-token"),
    ] {
        let request = base.clone().with_header(header, "x").unwrap();
        let err = sign_request(&request, &credentials(), &scope(), TIME).unwrap_err();
        assert_eq!(err, Error::ReservedHeader { name: name.to_owned() });
        says(&err, &[name, "the signer adds it"]);
    }
    // Other headers are signed.
    let request = base.with_header("X-Amz-Target", "x").unwrap();
    assert!(sign_request(&request, &credentials(), &scope(), TIME).is_ok());
}

/// Every signing entry point refuses a query with one of the seven authentication parameters,
/// in any letter case, and only those.
#[test]
fn reserved_parameter_for_every_signer() {
    let presigner = Presigner::new(credentials(), scope());
    for query in ["X-Amz-Signature=abc", "x-amz-credential=x", "X-AMZ-SECURITY-TOKEN=t"] {
        let name = query.split('=').next().unwrap().to_owned();
        let want = Error::ReservedParameter { name };
        let request = CanonicalRequest::new("GET", "/")
            .unwrap()
            .with_query(query)
            .with_header("host", HOST)
            .unwrap();
        assert_eq!(sign_request(&request, &credentials(), &scope(), TIME).unwrap_err(), want);
        assert_eq!(presigner.presign_request(&request, TIME, FIVE_MINUTES).unwrap_err(), want);
        assert_eq!(
            presigner.presign(&format!("wss://{HOST}/?{query}"), TIME, FIVE_MINUTES).unwrap_err(),
            want
        );
    }
    let request = CanonicalRequest::new("GET", "/")
        .unwrap()
        .with_query_param("X-Amz-ChannelARN", "arn:aws:kinesisvideo:x")
        .with_header("host", HOST)
        .unwrap();
    assert!(sign_request(&request, &credentials(), &scope(), TIME).is_ok());
    assert!(presigner.presign_request(&request, TIME, FIVE_MINUTES).is_ok());
    // presign_request checks the expiry as presign does.
    assert!(matches!(
        presigner.presign_request(&request, TIME, Duration::ZERO),
        Err(Error::ExpiresOutOfRange { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// The verifier: one example of each refusal (the verify tests take them in depth).
// ---------------------------------------------------------------------------------------------

/// The main case presigned, as the request target a server receives.
fn signed_target(credentials: &Credentials, scope: &Scope) -> String {
    let url = presign_url(API, credentials, scope, TIME, FIVE_MINUTES).unwrap().into_string();
    url[url.find("/dev").unwrap()..].to_owned()
}

fn verify(target: &str) -> Result<sigv4_wss::Verified, Error> {
    Verifier::new(credentials(), &scope()).verify_request("GET", target, &[("Host", HOST)], TIME)
}

/// One example of each error, with what its message must say. The verifier's examples start
/// from a correctly signed request and change one thing.
fn examples() -> Vec<(Error, Vec<&'static str>)> {
    let target = signed_target(&credentials(), &scope());
    assert!(verify(&target).is_ok());
    let edited = |from: &str, to: &str| {
        assert!(target.contains(from), "{from}");
        verify(&target.replacen(from, to, 1)).unwrap_err()
    };
    let verifier = Verifier::new(credentials(), &scope());
    let headers = [("Host", HOST)];
    let at = |now: OffsetDateTime| verifier.verify_request("GET", &target, &headers, now);
    let with_token = Credentials::new("AKIDEXAMPLE", SECRET, Some("TOKEN")).unwrap();
    let eu = Scope::new("eu-west-1", "execute-api").unwrap();
    let iot = Scope::new("us-east-1", "iotdevicegateway").unwrap();
    let signed = sign_request(
        &CanonicalRequest::from_url("GET", &format!("https://{HOST}/dev")).unwrap(),
        &credentials(),
        &scope(),
        TIME,
    )
    .unwrap();
    let request = CanonicalRequest::new("GET", "/").unwrap();
    vec![
        (presign("wss://exa mple.com/").unwrap_err(), vec!["expected an absolute URL"]),
        (presign("/dev").unwrap_err(), vec!["needs a scheme and host"]),
        (presign("ftp://h/").unwrap_err(), vec!["expected wss, ws, https or http"]),
        (presign("wss://").unwrap_err(), vec!["expected a host"]),
        (
            presign("wss://user:pw@h.example/").unwrap_err(),
            vec!["user name or password", "remove them"],
        ),
        (
            presign("wss://h.example/?X-Amz-Date=1").unwrap_err(),
            vec!["sign it without X-Amz-Algorithm"],
        ),
        (
            sign_request(
                &request.clone().with_header("Authorization", "x").unwrap(),
                &credentials(),
                &scope(),
                TIME,
            )
            .unwrap_err(),
            vec!["authorization header", "the signer adds it"],
        ),
        (Scope::new("US", "execute-api").unwrap_err(), vec!["expected 1 to 64 of a-z, 0-9 and -"]),
        (Scope::new("us-east-1", "S").unwrap_err(), vec!["expected 1 to 64 of a-z, 0-9 and -"]),
        (Scope::from_url("wss://chat.example.com/").unwrap_err(), vec!["give them explicitly"]),
        (
            Credentials::new("AKID/1", SECRET, None).unwrap_err(),
            vec!["expected 1 to 128 ASCII letters, digits or _"],
        ),
        (
            Credentials::new("AKID", "a b", None).unwrap_err(),
            vec!["expected printable ASCII without whitespace"],
        ),
        (
            Credentials::new("AKID", SECRET, Some("")).unwrap_err(),
            vec!["expected printable ASCII without whitespace"],
        ),
        // Produced by `Credentials::from_env` in `missing_env_var`.
        (Error::MissingEnvVar { name: "AWS_ACCESS_KEY_ID" }, vec!["AWS_ACCESS_KEY_ID is not set"]),
        (
            presign_for(API, "transcribe", TIME, Duration::from_secs(301)).unwrap_err(),
            vec!["transcribe allows 1 to 300 seconds"],
        ),
        (
            presign_for(API, "execute-api", TIME, Duration::from_millis(1500)).unwrap_err(),
            vec!["not a whole number of seconds"],
        ),
        (
            presign_for(API, "execute-api", datetime!(1969-12-31 0:00 UTC), FIVE_MINUTES)
                .unwrap_err(),
            vec!["UTC times from 1970 to 9999"],
        ),
        (
            presign(&format!("{API}&pad={}", "a".repeat(4000))).unwrap_err(),
            vec!["over the 4096-character limit of execute-api", "shorten it"],
        ),
        (
            CanonicalRequest::new("GET /", "/").unwrap_err(),
            vec!["expected a token such as GET or POST"],
        ),
        (
            request.clone().with_header("a b", "x").unwrap_err(),
            vec!["expected a token such as content-type"],
        ),
        (
            request.with_header("x", "\u{0}").unwrap_err(),
            vec!["no control characters but tab, CR and LF"],
        ),
        (verify(&target.replacen("/dev", "dev", 1)).unwrap_err(), vec!["it must start with '/'"]),
        (edited("room=lobby", "room=a+b"), vec!["signers send %2B"]),
        (
            edited("X-Amz-Algorithm=AWS4-HMAC-SHA256&", ""),
            vec!["no X-Amz-Algorithm parameter", "which SigV4 query authentication requires"],
        ),
        (
            edited("X-Amz-Expires=300", "X-Amz-Expires=300&X-Amz-Expires=300"),
            vec!["X-Amz-Expires", "each is allowed once"],
        ),
        (
            edited("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
            vec!["the only algorithm is AWS4-HMAC-SHA256"],
        ),
        (
            edited("%2Faws4_request", "%2Faws5_request"),
            vec!["{access key id}/{YYYYMMDD}/{region}/{service}/aws4_request"],
        ),
        (
            Verifier::new(Credentials::new("AKIDOTHER", SECRET, None).unwrap(), &scope())
                .verify_request("GET", &target, &headers, TIME)
                .unwrap_err(),
            vec!["\"AKIDEXAMPLE\"", "the verifier has no secret key for it"],
        ),
        (
            verify(&signed_target(&credentials(), &eu)).unwrap_err(),
            vec!["\"eu-west-1\"", "this verifier accepts only \"us-east-1\""],
        ),
        (
            verify(&signed_target(&credentials(), &iot)).unwrap_err(),
            vec!["\"iotdevicegateway\"", "this verifier accepts \"execute-api\""],
        ),
        (
            Verifier::new(credentials(), &scope())
                .expect_host("a.example")
                .expect_host("b.example")
                .verify_request("GET", &target, &headers, TIME)
                .unwrap_err(),
            vec![HOST, "answers only for a.example, b.example"],
        ),
        (
            at(TIME + Duration::from_secs(301)).unwrap_err(),
            vec!["valid for 300 s", "sign a new URL just before connecting"],
        ),
        (
            Verifier::new(credentials(), &scope())
                .max_age(Duration::from_secs(60))
                .verify_request("GET", &target, &headers, TIME + Duration::from_secs(61))
                .unwrap_err(),
            vec!["more than 60 s before now", "sign a new URL just before connecting"],
        ),
        (
            at(TIME - Duration::from_secs(301)).unwrap_err(),
            vec!["more than 300 s after now", "check the signer's clock"],
        ),
        (
            verifier.verify_request("GET", &target, &[], TIME).unwrap_err(),
            vec!["\"host\"", "which is signed"],
        ),
        (edited("room=lobby", "room=kitchen"), vec!["compare sigv4_wss::inspect"]),
        (
            Verifier::new(with_token, &scope())
                .verify_request("GET", &target, &headers, TIME)
                .unwrap_err(),
            vec!["no X-Amz-Security-Token; the access key needs one"],
        ),
        (
            verifier
                .verify_headers(
                    "GET",
                    "/dev",
                    &[
                        ("Host", HOST),
                        ("X-Amz-Date", signed.x_amz_date()),
                        ("Authorization", "Basic dXNlcjpwdw=="),
                    ],
                    b"",
                    TIME,
                )
                .unwrap_err(),
            vec!["expected AWS4-HMAC-SHA256 Credential="],
        ),
        (
            verifier
                .verify_headers(
                    "GET",
                    &target,
                    &[
                        ("Host", HOST),
                        ("X-Amz-Date", signed.x_amz_date()),
                        ("Authorization", signed.authorization()),
                    ],
                    b"",
                    TIME,
                )
                .unwrap_err(),
            vec!["with an Authorization header and in its query; use one"],
        ),
    ]
}

#[test]
fn every_error_has_an_example_that_says_what_is_allowed() {
    let mut seen = BTreeSet::new();
    for (error, parts) in examples() {
        says(&error, &parts);
        assert!(seen.insert(variant(&error)), "two examples of {error:?}");
    }
    // The variants declared in src/error.rs: lines of the enum indented by one level.
    let declared: BTreeSet<String> = include_str!("../src/error.rs")
        .lines()
        .filter_map(|line| line.strip_prefix("    "))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|rest| rest.split([' ', ',', '{']).next().unwrap_or_default().to_owned())
        .collect();
    assert!(declared.len() > 30, "{declared:?}");
    assert_eq!(seen, declared);
}

#[test]
fn the_verifier_refuses_targets_a_client_never_sends() {
    let target = signed_target(&credentials(), &scope());
    for (bad, reason) in [
        (target.replacen("/dev", "dev", 1), "must start with '/'"),
        (target.replacen("/dev", "https://h/dev", 1), "must start with '/'"),
        (format!("{target}#f"), "'#'"),
        (target.replacen("/dev", "/x/../dev", 1), "'..' segment"),
        (target.replacen("/dev", "/./dev", 1), "'..' segment"),
        (target.replacen("/dev", "/x/%2E%2e/dev", 1), "'..' segment"),
        (target.replacen("/dev", "/%2e/dev", 1), "'..' segment"),
    ] {
        let err = verify(&bad).unwrap_err();
        assert!(matches!(err, Error::InvalidRequestTarget { .. }), "{bad}: {err:?}");
        says(&err, &["invalid request target", reason]);
    }
    for (from, to, says_what) in [
        ("room=lobby", "room=a+b", "%2B"),
        ("room=lobby", "room=a;b", "%3B"),
        ("room=lobby", "room=%FF", "not UTF-8"),
    ] {
        let err = verify(&target.replacen(from, to, 1)).unwrap_err();
        assert!(matches!(err, Error::AmbiguousQuery { .. }), "{to}: {err:?}");
        says(&err, &["ambiguous query", says_what]);
    }
    // A name in another letter case is malformed, not an own parameter.
    let err = verify(&target.replacen("X-Amz-Signature=", "x-amz-signature=", 1)).unwrap_err();
    assert!(matches!(err, Error::MalformedParameter { name: "X-Amz-Signature", .. }), "{err:?}");
    says(&err, &["case-sensitive", "X-Amz-Signature"]);
    // The verifier's own `now` must be in SigV4's range too.
    let early = presign_url(
        "wss://h.example/",
        &credentials(),
        &scope(),
        datetime!(1970-01-01 00:05:00 UTC),
        FIVE_MINUTES,
    )
    .unwrap();
    assert_eq!(
        Verifier::new(credentials(), &scope())
            .verify_url(early.as_str(), datetime!(1969-12-31 23:59:00 UTC)),
        Err(Error::TimeOutOfRange { year: 1969 })
    );
}

// ---------------------------------------------------------------------------------------------
// The example prints the library's message: `presign: {error}`.
// ---------------------------------------------------------------------------------------------

/// The `presign` example as built by `cargo test` (which builds the examples before running
/// the tests) or `cargo build --example presign`, next to this test's own binary.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(std::path::Path::parent).unwrap();
    let example = dir.join("examples").join(format!("presign{}", std::env::consts::EXE_SUFFIX));
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
    (output.status.code().unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn the_example_prints_the_same_message() {
    let time = ["--time", "2020-01-31T10:02:33Z"];
    let scope = ["--region", "us-east-1", "--service", "execute-api"];
    let cases: [(Vec<&str>, Error); 6] = [
        ([&scope[..], &["ftp://host/"]].concat(), presign("ftp://host/").unwrap_err()),
        (
            [&scope[..], &["wss://exa mple.com/"]].concat(),
            presign("wss://exa mple.com/").unwrap_err(),
        ),
        (
            [&scope[..], &["wss://user:pw@h.example/"]].concat(),
            presign("wss://user:pw@h.example/").unwrap_err(),
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
            presign_for(API, "execute-api", datetime!(1969-12-31 23:59:59 UTC), FIVE_MINUTES)
                .unwrap_err(),
        ),
    ];
    for (args, error) in cases {
        assert_eq!(run_example(&args), (1, format!("presign: {error}\n")), "{args:?}");
    }
    // With neither --region nor --service, a custom domain's error adds what to do.
    let (code, stderr) = run_example(&[&time[..], &["wss://chat.example.com/"]].concat());
    let error = Scope::from_url("wss://chat.example.com/").unwrap_err();
    assert_eq!((code, stderr), (1, format!("presign: {error}: use --region and --service\n")));
}

#[test]
fn the_example_reports_missing_credentials() {
    let output = Command::new(example())
        .arg(API)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    let error = Error::MissingEnvVar { name: "AWS_ACCESS_KEY_ID" };
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), format!("presign: {error}\n"));
}
