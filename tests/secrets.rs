//! No secret in any `Debug` or `Display`: every public type and every error is formatted for
//! inputs that hold a known secret access key and session token, and neither appears, nor
//! does the signing key (or the intermediate keys kDate, kRegion, kService) in hex.
//!
//! The documented exceptions write exact bytes on purpose: `CanonicalRequest`'s `Display`
//! (which includes a signed session token) and `PresignedUrl::as_str()` (the URL itself, a
//! bearer credential); their `redacted()` forms hide the token.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    missing_docs
)]

use std::time::Duration;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use sigv4_wss::{
    AmzDate, CanonicalRequest, CredentialScope, Credentials, Error, Presigner, Scope,
    SessionTokenMode, SigningKey, SigningOptions, StringToSign, presign_request, presign_url,
    presign_url_with_options, sign_headers, uri_encode,
};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// A token shaped like an STS one: base64 with `/`, `+` and `=`, which the URL encodes.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDyg+jzms46f5cO81VNm0Vyhu855==";
const TIME: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").unwrap();
        s
    })
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Every form a secret could take in output: the secret key, the token raw and
/// percent-encoded, and the four derived keys of the signing date and each scope used here,
/// in lowercase and uppercase hex.
fn secret_forms() -> Vec<String> {
    let mut forms = vec![SECRET.to_owned(), TOKEN.to_owned(), uri_encode(TOKEN)];
    // The token's and secret's distinctive middle parts too, in case something truncates.
    forms.push(TOKEN[20..60].to_owned());
    forms.push(SECRET[8..32].to_owned());
    for (region, service) in [
        ("us-east-1", "execute-api"),
        ("eu-west-1", "iotdevicegateway"),
        ("us-east-1", "transcribe"),
    ] {
        let k_date = hmac(format!("AWS4{SECRET}").as_bytes(), "20200131");
        let k_region = hmac(&k_date, region);
        let k_service = hmac(&k_region, service);
        let k_signing = hmac(&k_service, "aws4_request");
        let derived = SigningKey::derive(SECRET, "20200131", region, service);
        assert_eq!(derived.as_bytes().as_slice(), k_signing.as_slice());
        for key in [k_date, k_region, k_service, k_signing] {
            forms.push(hex(&key));
            forms.push(hex(&key).to_uppercase());
        }
    }
    forms
}

/// Collects formatted output and checks all of it at the end.
struct Shown {
    forms: Vec<String>,
    outputs: Vec<(String, String)>,
}

impl Shown {
    fn new() -> Self {
        Self {
            forms: secret_forms(),
            outputs: Vec::new(),
        }
    }

    fn debug(&mut self, what: &str, value: &impl std::fmt::Debug) {
        self.outputs
            .push((format!("{what} {{:?}}"), format!("{value:?}")));
        self.outputs
            .push((format!("{what} {{:#?}}"), format!("{value:#?}")));
    }

    fn both(&mut self, what: &str, value: &(impl std::fmt::Debug + std::fmt::Display)) {
        self.debug(what, value);
        self.outputs
            .push((format!("{what} {{}}"), format!("{value}")));
    }

    fn error<T: std::fmt::Debug>(&mut self, what: &str, result: Result<T, Error>) -> Error {
        let error = result.expect_err(what);
        self.both(what, &error);
        error
    }

    fn check(self) {
        assert!(
            self.outputs.len() > 50,
            "only {} outputs",
            self.outputs.len()
        );
        for (what, output) in &self.outputs {
            assert!(!output.is_empty(), "{what} is empty");
            for form in &self.forms {
                assert!(
                    !output.contains(form.as_str()),
                    "{what} shows {form}: {output}"
                );
            }
        }
    }
}

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN)).unwrap()
}

#[test]
fn no_public_type_shows_a_secret() {
    let mut shown = Shown::new();
    let credentials = credentials();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    shown.debug("Credentials", &credentials);
    shown.debug("Scope", &scope);

    let date = AmzDate::new(TIME).unwrap();
    shown.both("AmzDate", &date);
    let credential_scope = CredentialScope::new(&date, &scope);
    shown.both("CredentialScope", &credential_scope);
    shown.debug(
        "SigningKey",
        &SigningKey::derive(SECRET, date.date(), "us-east-1", "execute-api"),
    );
    for mode in [
        SessionTokenMode::ServiceDefault,
        SessionTokenMode::Signed,
        SessionTokenMode::Unsigned,
    ] {
        let options = SigningOptions::default().session_token(mode);
        shown.debug("SessionTokenMode", &mode);
        shown.debug("SigningOptions", &options);

        // presign_url and a Presigner (after use, when its signing key is cached).
        for (region, service) in [
            ("us-east-1", "execute-api"),
            ("eu-west-1", "iotdevicegateway"),
        ] {
            let scope = Scope::new(region, service).unwrap();
            let url = presign_url_with_options(
                URL,
                &credentials,
                &scope,
                TIME,
                Duration::from_secs(300),
                &options,
            )
            .unwrap();
            // The documented exception: the URL itself carries the token.
            assert!(url.as_str().contains(&uri_encode(TOKEN)));
            shown.debug("PresignedUrl", &url);
            shown.both("RedactedUrl", &url.redacted());
            let presigner = Presigner::with_options(credentials.clone(), scope, options.clone());
            shown.debug("Presigner (new)", &presigner);
            let again = presigner
                .presign(URL, TIME, Duration::from_secs(300))
                .unwrap();
            assert_eq!(again, url);
            shown.debug("Presigner (key cached)", &presigner);
        }

        // presign_request and sign_headers: every intermediate step.
        let request = CanonicalRequest::new("GET", "/dev")
            .unwrap()
            .with_query("room=lobby")
            .with_header("Host", "abc123defg.execute-api.us-east-1.amazonaws.com")
            .unwrap();
        shown.both("CanonicalRequest (no token)", &request);
        for signed in [
            presign_request(
                &request,
                &credentials,
                &scope,
                TIME,
                Duration::from_secs(300),
                &options,
            )
            .unwrap(),
            sign_headers(&request, &credentials, &scope, TIME, &options).unwrap(),
        ] {
            shown.debug("Signed", &signed);
            let canonical = signed.canonical_request();
            shown.debug("CanonicalRequest", canonical);
            shown.both("RedactedCanonicalRequest", &canonical.redacted());
            shown.both("Signature", &signed.signature());
            let sts = StringToSign::new(&date, credential_scope, &canonical.sha256());
            shown.both("StringToSign", &sts);
            assert_eq!(signed.string_to_sign(), sts.to_string());
            shown.outputs.push((
                "Signed::string_to_sign".to_owned(),
                signed.string_to_sign().to_owned(),
            ));
            // The documented exception: Display writes the exact bytes, a signed token too.
            let signs_token = mode != SessionTokenMode::Unsigned;
            assert_eq!(
                canonical.to_string().contains(&uri_encode(TOKEN))
                    || canonical.to_string().contains(TOKEN),
                signs_token,
                "{mode:?}"
            );
            // The token is in `additions` (to be sent), never in Debug.
            assert!(signed.additions().iter().any(|(_, v)| v == TOKEN));
        }
    }
    // A token given by the caller as a header or parameter is redacted as well.
    let with_token = CanonicalRequest::new("GET", "/")
        .unwrap()
        .with_query_param("X-Amz-Security-Token", TOKEN)
        .with_header("X-Amz-Security-Token", TOKEN)
        .unwrap();
    assert!(with_token.to_string().contains(TOKEN));
    shown.debug("CanonicalRequest (caller's token)", &with_token);
    shown.both(
        "RedactedCanonicalRequest (caller's token)",
        &with_token.redacted(),
    );
    shown.check();
}

#[test]
fn no_error_shows_a_secret() {
    let mut shown = Shown::new();
    let credentials = credentials();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let presign = |url: &str, time, expires| presign_url(url, &credentials, &scope, time, expires);
    let five_minutes = Duration::from_secs(300);

    // Every variant presign_url can return, with token-bearing credentials.
    shown.error(
        "InvalidUrl",
        presign("wss://exa mple.com/", TIME, five_minutes),
    );
    shown.error("RelativeUrl", presign("/dev", TIME, five_minutes));
    shown.error("UnsupportedScheme", presign("ftp://h/", TIME, five_minutes));
    shown.error("MissingHost", presign("wss://", TIME, five_minutes));
    // A URL that was presigned already, token included: the error names the parameter only.
    let presigned = presign(URL, TIME, five_minutes).unwrap();
    let e = shown.error(
        "ReservedParameter",
        presign(presigned.as_str(), TIME, five_minutes),
    );
    assert!(matches!(e, Error::ReservedParameter { .. }));
    let token_only = format!("{URL}&X-Amz-Security-Token={}", uri_encode(TOKEN));
    shown.error(
        "ReservedParameter (token)",
        presign(&token_only, TIME, five_minutes),
    );
    shown.error("ExpiresOutOfRange", presign(URL, TIME, Duration::ZERO));
    shown.error(
        "ExpiresNotWholeSeconds",
        presign(URL, TIME, Duration::from_millis(1500)),
    );
    shown.error(
        "TimeOutOfRange",
        presign(URL, datetime!(1969-12-31 0:00 UTC), five_minutes),
    );
    let long = format!("{URL}&pad={}", "a".repeat(4000));
    let e = shown.error("UrlTooLong", presign(&long, TIME, five_minutes));
    assert!(matches!(e, Error::UrlTooLong { .. }));

    // The credential errors, for values that hold the secret or the token.
    shown.error(
        "InvalidSecretAccessKey",
        Credentials::new("AKIDEXAMPLE", &format!("{SECRET}\n"), None),
    );
    shown.error(
        "InvalidSecretAccessKey (non-ASCII)",
        Credentials::new("AKIDEXAMPLE", &format!("{SECRET}é"), None),
    );
    shown.error(
        "InvalidSessionToken",
        Credentials::new("AKIDEXAMPLE", SECRET, Some(&format!(" {TOKEN}"))),
    );
    shown.error(
        "InvalidAccessKeyId (the secret pasted as the id)",
        Credentials::new(SECRET, SECRET, Some(TOKEN)),
    );
    shown.error(
        "InvalidAccessKeyId (the token pasted as the id)",
        Credentials::new(TOKEN, SECRET, Some(TOKEN)),
    );
    shown.debug(
        "MissingEnvVar",
        &Error::MissingEnvVar {
            name: "AWS_SECRET_ACCESS_KEY",
        },
    );
    shown.both(
        "MissingEnvVar",
        &Error::MissingEnvVar {
            name: "AWS_SECRET_ACCESS_KEY",
        },
    );
    shown.error("InvalidRegion", Scope::new("US", "execute-api"));
    shown.error("InvalidService", Scope::new("us-east-1", "S"));
    shown.error(
        "UnknownEndpoint",
        Scope::from_url("wss://chat.example.com/"),
    );

    // The request builders' and signers' errors, with the token where a caller might put it.
    shown.error("InvalidMethod", CanonicalRequest::new("GET /", "/"));
    let request = CanonicalRequest::new("GET", "/").unwrap();
    shown.error(
        "InvalidHeaderValue (token with a control character)",
        request
            .clone()
            .with_header("X-Amz-Security-Token", &format!("{TOKEN}\u{1}")),
    );
    shown.error(
        "InvalidHeaderValue (secret)",
        request
            .clone()
            .with_header("x-secret", &format!("{SECRET}\u{0}")),
    );
    shown.error(
        "InvalidHeaderName",
        request.clone().with_header("bad name", TOKEN),
    );
    let with_auth = request
        .clone()
        .with_header("Host", "h")
        .unwrap()
        .with_header("X-Amz-Security-Token", TOKEN)
        .unwrap();
    shown.error(
        "ReservedHeader",
        sign_headers(
            &with_auth,
            &credentials,
            &scope,
            TIME,
            &SigningOptions::default(),
        ),
    );
    let with_param = request.with_query_param("X-Amz-Security-Token", TOKEN);
    shown.error(
        "ReservedParameter (presign_request)",
        presign_request(
            &with_param,
            &credentials,
            &scope,
            TIME,
            five_minutes,
            &SigningOptions::default(),
        ),
    );
    shown.check();
}
