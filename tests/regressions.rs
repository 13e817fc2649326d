//! Inputs that property tests, the secrets test or fuzzing once found handled wrongly, each
//! pinned by the exact input found (or its shortest form) with the right behaviour. Expected
//! signatures come from the project's strict server model, `tests/oracles/sigv4_check.py`,
//! run on the URL (`check()` returns the signature it expects).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_in_result,
    missing_docs
)]

use std::time::Duration;

use sigv4_wss::{Credentials, Error, Scope, Verifier, presign_url};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TIME: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const AUTH: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256\
    &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
    &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host";

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn presign(url: &str, token: Option<&str>) -> Result<String, Error> {
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
    presign_url(url, &credentials, &scope(), TIME, Duration::from_secs(300))
        .map(sigv4_wss::PresignedUrl::into_string)
}

fn verifier() -> Verifier<Credentials> {
    Verifier::new(Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap(), &scope())
}

/// Property tests, shortest input `wss://0.aa/|^`: `[`, `]`, `^` and `|` were left raw in the
/// path (as the url crate does), and signed as such; a client that encodes them (the WHATWG
/// standard does for `^`, RFC 3986-strict clients for all four) sends another path, and the
/// server model rejected the URL. They are sent encoded.
#[test]
fn brackets_caret_and_pipe_in_the_path_are_sent_encoded() {
    let url = presign("wss://h.example/a|b^c[d]", None).unwrap();
    assert_eq!(
        url,
        format!(
            "wss://h.example/a%7Cb%5Ec%5Bd%5D?{AUTH}\
             &X-Amz-Signature=272c0bb2dce8e4aae6cf5c643270251d08252c0dad2fc780cf544d09b1cd749a"
        )
    );
    // The shortest form found, and the encoded input, give the same path.
    assert!(presign("wss://0.aa/|^", None).unwrap().starts_with("wss://0.aa/%7C%5E?"));
    assert_eq!(presign("wss://h.example/a%7Cb%5Ec%5Bd%5D", None).unwrap(), url);
    // The signed URL verifies as sent.
    assert!(verifier().verify_url(&url, TIME).is_ok());
}

/// Property tests, shortest input `wss://a/?'`: a query with `'` (and `"`, `<`, `>`), which
/// the URL parser encodes, must give one URL whether it is written raw, padded with spaces
/// (which the parser strips) or already encoded.
#[test]
fn quotes_in_the_query_give_the_same_url_either_way() {
    let url = presign("wss://h.example/dev?it's=<\"q\">", None).unwrap();
    assert_eq!(
        url,
        format!(
            "wss://h.example/dev?it%27s=%3C%22q%22%3E&{AUTH}\
             &X-Amz-Signature=71a73fe4fa947c90e52798fe74c7e4e4a30b9f3009e7998f16a36121cf4d377e"
        )
    );
    assert_eq!(presign(" wss://h.example/dev?it's=<\"q\"> ", None).unwrap(), url);
    assert_eq!(presign("wss://h.example/dev?it%27s=%3C%22q%22%3E", None).unwrap(), url);
    assert!(presign("wss://a/?'", None).unwrap().starts_with("wss://a/?%27=&"));
    let verified = verifier().verify_url(&url, TIME).unwrap();
    assert_eq!(verified.query(), [("it's".to_owned(), "<\"q\">".to_owned())]);
}

/// Secrets test: `RedactedUrl`'s derived `Debug` printed the whole URL, token and signature
/// included.
#[test]
fn redacted_url_debug_hides_the_token_and_signature() {
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, Some("SECRETTOKEN")).unwrap();
    let url =
        presign_url("wss://h.example/", &credentials, &scope(), TIME, Duration::from_secs(300))
            .unwrap();
    let signature = url.as_str().split("X-Amz-Signature=").nth(1).unwrap()[..64].to_owned();
    let debug = format!("{:?}", url.redacted());
    assert!(debug.starts_with("RedactedUrl(wss://h.example/?X-Amz-Algorithm="), "{debug}");
    assert!(!debug.contains("SECRETTOKEN") && !debug.contains(&signature), "{debug}");
}

/// Bad-input test: 9999-12-31 23:00 at -02:00 is year 10000 in UTC, which `time` cannot hold,
/// and the error named the local year, 9999, which is in range.
#[test]
fn a_time_beyond_9999_in_utc_names_year_10000() {
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let err = presign_url(
        "wss://h.example/",
        &credentials,
        &scope(),
        datetime!(9999-12-31 23:00:00 -02:00),
        Duration::from_secs(300),
    )
    .unwrap_err();
    assert_eq!(err, Error::TimeOutOfRange { year: 10000 });
    assert!(err.to_string().contains("year 10000"), "{err}");
}

/// Fuzzing (`verify`): the verifier matched authentication parameter names ignoring case, so
/// a presigned URL whose `X-Amz-Signature` was renamed `X-Amz-SignAture` still verified: a
/// URL the signer never wrote. A name in another letter case is refused.
#[test]
fn the_verifier_matches_parameter_names_exactly() {
    let url = presign("wss://h.example/dev?room=lobby", None).unwrap();
    let verifier = verifier();
    assert!(verifier.verify_url(&url, TIME).is_ok());
    for (from, to, name) in [
        ("X-Amz-Signature=", "X-Amz-SignAture=", "X-Amz-Signature"),
        ("X-Amz-Date=", "x-amz-date=", "X-Amz-Date"),
    ] {
        let renamed = url.replace(from, to);
        let err = verifier.verify_url(&renamed, TIME).unwrap_err();
        assert!(
            matches!(err, Error::MalformedParameter { name: n, .. } if n == name),
            "{renamed}: {err:?}"
        );
    }
}

/// Fuzzing (`verify`), after 657,897 executions: a space inserted before the `?` of a
/// presigned `ws://0.0.0.1/?…` still verified, the path `/ ` read as `/`; in the whole URL the
/// space is inside it and the path is `/%20`, another request.
#[test]
fn a_space_before_the_query_is_part_of_the_path() {
    let verifier = verifier();
    for url in ["ws://0.0.0.1/?a=1", "wss://h.example/dev?room=lobby"] {
        let presigned = presign(url, None).unwrap();
        assert!(verifier.verify_url(&presigned, TIME).is_ok());
        for inserted in [" ", "\u{1}", "\u{1f}"] {
            let edited = presigned.replacen('?', &format!("{inserted}?"), 1);
            assert_eq!(
                verifier.verify_url(&edited, TIME),
                Err(Error::SignatureMismatch),
                "{edited:?}"
            );
        }
    }
    // Spaces the parser trims from the whole URL, at its ends, change nothing.
    let presigned = presign("wss://h.example/dev?room=lobby", None).unwrap();
    assert!(verifier.verify_url(&format!(" {presigned} "), TIME).is_ok());
}
