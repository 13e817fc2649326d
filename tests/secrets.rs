//! No `Debug`, `Display` or error message of any public type shows a secret: every type and
//! every error the signers and the verifier return is formatted for inputs built from a
//! known secret access key and session token, and none of these appears, nor the signing key
//! (or kDate, kRegion, kService) in hex, nor any signature or `Authorization` value produced.
//!
//! Everything is done twice, with two sets of secrets of the same shape: what does not
//! depend on a secret by design (all but the string to sign, which ends with a hash of the
//! canonical request, token included) must come out the same, so that no transformed form of
//! a secret can slip through either.
//!
//! The documented exceptions hold secrets on purpose and are checked too: the presigned URL
//! itself, `PresignedRequest::query`, `SignedRequest::headers` and `authorization`, and
//! `CanonicalRequest::unredacted`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    missing_docs
)]

use std::fmt::{Debug, Display};
use std::time::Duration;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use sigv4_wss::{
    AmzDate, CanonicalRequest, CredentialScope, Credentials, Error, Presigner, Scope,
    SessionTokenMode, SigningKey, StringToSign, Verifier, inspect, inspect_request, presign_url,
    sign_request, uri_encode,
};
use time::OffsetDateTime;
use time::macros::datetime;

const TIME: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
const CONNECTION: &str =
    "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=";
const FIVE_MINUTES: Duration = Duration::from_secs(300);

/// The secrets of one run: the credentials' and those that replace them.
#[derive(Clone, Copy)]
struct Secrets {
    secret: &'static str,
    /// Shaped like an STS token: base64 with `/`, `+` and `=`, which the URL encodes.
    token: &'static str,
    rotated_secret: &'static str,
    rotated_token: &'static str,
}

const RUNS: [Secrets; 2] = [
    Secrets {
        secret: "qS3cr3tAcc3ssK3y/Alpha+0123456789abcdefgh",
        token: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDyg+jzms46f5cO81VNm0Vyhu855==",
        rotated_secret: "RotatedSecretKey/Alpha+9876543210zyxwvu",
        rotated_token: "FwoGZXIvYXdzEBYaDRotatedTokenAlpha/+Mn0pQrStUvWxYz0123456789abcdefgh==",
    },
    // The first run's values with letters rotated by 13 and digits by 5: the same shape and
    // encoded length.
    Secrets {
        secret: "dF8pe8gNpp8ffX8l/Nycun+5678901234nopqrstu",
        token: "VDbWo8WcM7yhK7IwRWe//////////jRnPKImYJIup8DgZFWUZRHPVDQKW17ZHJxguq80vWb5X/PQlt+wmzf91s0pB36IAz5Iluh300==",
        rotated_secret: "EbgngrqFrpergXrl/Nycun+4321098765mlkjih",
        rotated_token: "SjbTMKViLKqmROLnQEbgngrqGbxraNycun/+Za5cDeFgHiJkLm5678901234nopqrstu==",
    },
];

/// `value` with the case of its first letter swapped: another value of the same length.
fn changed(value: &str) -> String {
    let at = value.find(|c: char| c.is_ascii_alphabetic()).unwrap();
    let mut out = value.to_owned();
    let c = out.remove(at);
    let swapped =
        if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() };
    out.insert(at, swapped);
    out
}

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

/// The scopes every run signs for.
const SCOPES: [(&str, &str); 2] = [("us-east-1", "execute-api"), ("us-east-1", "iotdevicegateway")];

/// Collects formatted output, the forms secrets take, and checks it all at the end.
struct Shown {
    /// Every form a secret could take: the secrets and tokens raw and percent-encoded, a
    /// distinctive middle part of each, the derived keys in hex, and every signature (whole,
    /// uppercase, and its first 16 digits) and `Authorization` value produced.
    forms: Vec<String>,
    /// (what, output, whether it must be the same in every run).
    outputs: Vec<(String, String, bool)>,
}

impl Shown {
    fn new(s: Secrets) -> Self {
        let mut forms = Vec::new();
        for value in [s.secret, s.token, s.rotated_secret, s.rotated_token] {
            forms.push(value.to_owned());
            forms.push(uri_encode(value));
            forms.push(value[value.len() / 3..value.len() / 3 + 16].to_owned());
        }
        for secret in [s.secret, s.rotated_secret] {
            for (region, service) in SCOPES {
                let k_date = hmac(format!("AWS4{secret}").as_bytes(), "20200131");
                let k_region = hmac(&k_date, region);
                let k_service = hmac(&k_region, service);
                let k_signing = hmac(&k_service, "aws4_request");
                let derived = SigningKey::derive(secret, "20200131", region, service);
                assert_eq!(derived.as_bytes().as_slice(), k_signing.as_slice());
                for key in [k_date, k_region, k_service, k_signing] {
                    forms.push(hex(&key));
                    forms.push(hex(&key).to_uppercase());
                }
            }
        }
        Self { forms, outputs: Vec::new() }
    }

    /// A signature produced in this run: a secret from now on.
    fn signature(&mut self, hex: &str) {
        assert_eq!(hex.len(), 64, "{hex}");
        self.forms.push(hex.to_owned());
        self.forms.push(hex.to_uppercase());
        self.forms.push(hex[..16].to_owned());
    }

    /// The signature of a presigned URL (the value of `X-Amz-Signature`).
    fn url_signature(&mut self, url: &str) {
        let signature = url.split("X-Amz-Signature=").nth(1).unwrap();
        self.signature(&signature[..64]);
    }

    fn push(&mut self, what: String, output: String, invariant: bool) {
        self.outputs.push((what, output, invariant));
    }

    fn debug(&mut self, what: &str, value: &impl Debug) {
        self.push(format!("{what} {{:?}}"), format!("{value:?}"), true);
        self.push(format!("{what} {{:#?}}"), format!("{value:#?}"), true);
    }

    fn both(&mut self, what: &str, value: &(impl Debug + Display)) {
        self.debug(what, value);
        self.push(format!("{what} {{}}"), format!("{value}"), true);
    }

    /// Output that holds no secret but depends on one (a hash of the canonical request).
    fn varying(&mut self, what: &str, output: String) {
        self.push(what.to_owned(), output, false);
    }

    /// The error of `result`, whose variant `what` names.
    fn error<T: Debug>(&mut self, what: &str, result: Result<T, Error>) -> Error {
        let error = result.expect_err(what);
        let debug = format!("{error:?}");
        let variant = debug.split([' ', '{']).next().unwrap();
        assert!(what.contains(variant), "{what}: {debug}");
        self.both(what, &error);
        error
    }

    /// No output shows a form of a secret.
    fn check(&self) {
        assert!(self.outputs.len() > 150, "only {} outputs", self.outputs.len());
        for (what, output, _) in &self.outputs {
            assert!(!output.is_empty(), "{what} is empty");
            for form in &self.forms {
                assert!(!output.contains(form.as_str()), "{what} shows {form}: {output}");
            }
        }
    }
}

/// Formats everything for one set of secrets.
fn run(s: Secrets) -> Shown {
    let mut shown = Shown::new(s);
    let akid = "AKIDEXAMPLE";
    let credentials = Credentials::new(akid, s.secret, Some(s.token)).unwrap();
    let long_term = Credentials::new(akid, s.secret, None).unwrap();
    let rotated = Credentials::new("ASIAROTATED", s.rotated_secret, Some(s.rotated_token)).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let iot = Scope::new("us-east-1", "iotdevicegateway").unwrap();
    shown.debug("Credentials", &credentials);
    shown.debug("Credentials (long-term)", &long_term);
    shown.debug("Credentials (rotated)", &rotated);
    shown.debug("Scope", &scope);

    // The building blocks.
    let date = AmzDate::new(TIME).unwrap();
    shown.both("AmzDate", &date);
    let credential_scope = CredentialScope::new(&date, &scope);
    shown.both("CredentialScope", &credential_scope);
    for (region, service) in SCOPES {
        let key = SigningKey::derive(s.secret, date.date(), region, service);
        shown.debug("SigningKey", &key);
        let sts = StringToSign::new(&date, credential_scope, &[7; 32]);
        let signature = key.sign(&sts);
        shown.signature(&signature.to_hex());
        shown.debug("Signature (of SigningKey::sign)", &signature);
    }

    // presign_url and Presigner: new, after use (key cached), after set_credentials.
    for scope in [&scope, &iot] {
        for mode in
            [SessionTokenMode::ServiceDefault, SessionTokenMode::Signed, SessionTokenMode::Unsigned]
        {
            let presigner = Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
            shown.debug("Presigner (new)", &presigner);
            let url = presigner.presign(URL, TIME, FIVE_MINUTES).unwrap();
            shown.url_signature(url.as_str());
            // The documented exception: the URL itself carries the token.
            assert!(url.as_str().contains(&uri_encode(s.token)));
            shown.debug("PresignedUrl", &url);
            shown.both("RedactedUrl", &url.redacted());
            shown.debug("Presigner (key cached)", &presigner);
            presigner.set_credentials(rotated.clone());
            shown.debug("Presigner (set_credentials)", &presigner);
            let url = presigner.presign(URL, TIME, FIVE_MINUTES).unwrap();
            shown.url_signature(url.as_str());
            assert!(url.as_str().contains(&uri_encode(s.rotated_token)));
            shown.debug("PresignedUrl (rotated)", &url);
            shown.both("RedactedUrl (rotated)", &url.redacted());
            shown.debug("Presigner (rotated, key cached)", &presigner);
        }
        let cold = presign_url(URL, &credentials, scope, TIME, FIVE_MINUTES).unwrap();
        shown.url_signature(cold.as_str());
        shown.debug("PresignedUrl (presign_url)", &cold);

        // inspect: the token is redacted, the signature left out.
        let inspection = inspect(cold.as_str()).unwrap();
        shown.varying("Inspection {:?}", format!("{inspection:?}"));
        shown.varying("Inspection {}", inspection.to_string());
        shown.varying("Inspection::string_to_sign", inspection.string_to_sign().to_owned());
        shown.push(
            "Inspection::canonical_request".to_owned(),
            inspection.canonical_request().to_owned(),
            true,
        );
        let target = &cold.as_str()[cold.as_str().find("/dev").unwrap()..];
        let received = inspect_request(target, HOST).unwrap();
        shown.varying("Inspection (inspect_request) {}", received.to_string());
    }

    // sign_request (headers) and presign_request (query): every intermediate step.
    let request = CanonicalRequest::from_url("POST", CONNECTION)
        .unwrap()
        .with_header("Content-Type", "application/json")
        .unwrap()
        .with_payload(b"{\"message\":\"hello\"}");
    shown.both("CanonicalRequest (no token)", &request);
    for mode in
        [SessionTokenMode::ServiceDefault, SessionTokenMode::Signed, SessionTokenMode::Unsigned]
    {
        let presigner = Presigner::new(credentials.clone(), scope.clone()).session_token(mode);
        let signed = presigner.sign_request(&request, TIME).unwrap();
        shown.signature(&signed.signature().to_hex());
        shown.forms.push(signed.authorization().to_owned());
        shown.debug("SignedRequest", &signed);
        shown.both("SignedRequest::canonical_request", signed.canonical_request());
        shown.debug("SignedRequest::signature", signed.signature());
        shown.varying("SignedRequest::string_to_sign", signed.string_to_sign().to_owned());
        // The documented exceptions: the headers to send, and the exact bytes.
        assert!(signed.headers().any(|(_, v)| v == s.token));
        assert!(signed.authorization().contains(&signed.signature().to_hex()));
        let signs_token = mode != SessionTokenMode::Unsigned;
        assert_eq!(signed.canonical_request().unredacted().contains(s.token), signs_token);

        let query_signed = presigner.presign_request(&request, TIME, FIVE_MINUTES).unwrap();
        shown.signature(&query_signed.signature().to_hex());
        shown.debug("PresignedRequest", &query_signed);
        shown.both("PresignedRequest::canonical_request", query_signed.canonical_request());
        shown.debug("PresignedRequest::signature", query_signed.signature());
        shown.varying("PresignedRequest::string_to_sign", query_signed.string_to_sign().to_owned());
        assert!(query_signed.query().contains(&uri_encode(s.token)));
        assert!(query_signed.query().contains(&query_signed.signature().to_hex()));
        assert_eq!(
            query_signed.canonical_request().unredacted().contains(&uri_encode(s.token)),
            signs_token
        );
        // The module-level function too.
        let signed = sign_request(&request, &credentials, &scope, TIME).unwrap();
        shown.signature(&signed.signature().to_hex());
        shown.debug("SignedRequest (sign_request)", &signed);
    }
    // A token given by the caller as a header or parameter is redacted as well.
    let with_token = CanonicalRequest::new("GET", "/")
        .unwrap()
        .with_query_param("X-Amz-Security-Token", s.token)
        .with_header("X-Amz-Security-Token", s.token)
        .unwrap();
    assert!(with_token.unredacted().contains(s.token));
    assert!(with_token.unredacted().contains(&uri_encode(s.token)));
    shown.both("CanonicalRequest (caller's token)", &with_token);
    shown.both("CanonicalRequest (caller's token, owned)", &with_token.clone().into_owned());

    verifier_outputs(&mut shown, s, &credentials, &scope, &iot);
    error_outputs(&mut shown, s, &credentials, &scope);
    shown
}

/// The verifier, what it returns, and its errors for requests built from the secrets.
fn verifier_outputs(
    shown: &mut Shown, s: Secrets, credentials: &Credentials, scope: &Scope, iot: &Scope,
) {
    let url = presign_url(URL, credentials, scope, TIME, FIVE_MINUTES).unwrap().into_string();
    let iot_url = presign_url(URL, credentials, iot, TIME, FIVE_MINUTES).unwrap().into_string();
    shown.url_signature(&url);
    shown.url_signature(&iot_url);
    let verifier = Verifier::any_scope(credentials.clone()).expect_host(HOST);
    shown.debug("Verifier (new)", &verifier);
    let accepted = verifier.verify_url(&url, TIME).unwrap();
    shown.debug("Verified", &accepted);
    shown.debug("Verified (IoT)", &verifier.verify_url(&iot_url, TIME).unwrap());
    shown.debug("Verifier (signer cached)", &verifier);

    let target = &url[url.find("/dev").unwrap()..];
    let host = [("Host", HOST)];
    let check = |target: &str| verifier.verify_request("GET", target, &host, TIME);
    let token = uri_encode(s.token);
    // One changed character of the token (same length).
    let other_token = changed(&token);
    assert_ne!(token, other_token);

    shown.error("SignatureMismatch", check(&target.replacen("lobby", "kitchen", 1)));
    shown.error(
        "SignatureMismatch (token changed)",
        check(&target.replacen(&token, &other_token, 1)),
    );
    shown.error(
        "SessionTokenMismatch (IoT, token changed)",
        verifier.verify_url(&iot_url.replacen(&token, &other_token, 1), TIME),
    );
    shown.error(
        "SessionTokenMismatch (long-term key)",
        Verifier::new(Credentials::new("AKIDEXAMPLE", s.secret, None).unwrap(), scope)
            .verify_url(&url, TIME),
    );
    let signature = &url[url.find("X-Amz-Signature=").unwrap() + 16..][..64];
    shown.error(
        "MalformedParameter (65 digits)",
        check(&target.replacen(signature, &format!("{signature}0"), 1)),
    );
    shown.error(
        "MalformedParameter (uppercase)",
        check(&target.replacen(signature, &signature.to_uppercase(), 1)),
    );
    shown.error(
        "RepeatedParameter (signature)",
        check(&format!("{target}&X-Amz-Signature={signature}")),
    );
    shown.error(
        "RepeatedParameter (token)",
        check(&format!("{target}&X-Amz-Security-Token={token}")),
    );
    shown.error(
        "MalformedParameter (token name)",
        check(&target.replacen("X-Amz-Security-Token=", "x-amz-security-token=", 1)),
    );
    // The token as a client that forgot to encode it sends it: `+` and `/` raw.
    shown.error("AmbiguousQuery (raw token)", check(&target.replacen(&token, s.token, 1)));
    shown.error(
        "UnknownAccessKey",
        Verifier::new(Credentials::new("AKIDOTHER", s.secret, Some(s.token)).unwrap(), scope)
            .verify_url(&url, TIME),
    );
    shown.error("Expired", verifier.verify_url(&url, TIME + Duration::from_secs(301)));
    shown.error("NotYetValid", verifier.verify_url(&url, TIME - Duration::from_secs(301)));
    shown.error(
        "WrongHost",
        Verifier::new(credentials.clone(), scope)
            .expect_host("other.example")
            .verify_url(&url, TIME),
    );
    shown.error(
        "inspect (RepeatedParameter)",
        inspect(&format!("{url}&X-Amz-Security-Token={token}")),
    );
    shown.error("inspect (MalformedParameter)", inspect(&url.replacen(signature, "0", 1)));

    // Requests signed with headers.
    let body = b"{\"message\":\"hello\"}";
    let request = CanonicalRequest::from_url("POST", CONNECTION).unwrap().with_payload(body);
    let signed = sign_request(&request, credentials, scope, TIME).unwrap();
    shown.signature(&signed.signature().to_hex());
    shown.forms.push(signed.authorization().to_owned());
    let path = "/prod/@connections/R0oXAdfD0kwCH6w=";
    let authorization = signed.authorization();
    let check_headers = |headers: &[(&str, &str)], body: &[u8]| {
        verifier.verify_headers("POST", path, headers, body, TIME)
    };
    shown.debug(
        "Verified (headers)",
        &check_headers(&headers(authorization, s.token), body).unwrap(),
    );
    shown.error(
        "SignatureMismatch (headers)",
        check_headers(&headers(authorization, s.token), b"{}"),
    );
    let other_token = changed(s.token);
    shown.error(
        "SignatureMismatch (header token)",
        check_headers(&headers(authorization, &other_token), body),
    );
    let token_unsigned = Presigner::new(credentials.clone(), scope.clone())
        .session_token(SessionTokenMode::Unsigned)
        .sign_request(&request, TIME)
        .unwrap();
    shown.signature(&token_unsigned.signature().to_hex());
    shown.forms.push(token_unsigned.authorization().to_owned());
    shown.error(
        "SessionTokenMismatch (header token)",
        check_headers(&headers(token_unsigned.authorization(), &other_token), body),
    );
    shown
        .error("MissingHeader (token)", check_headers(&headers(authorization, s.token)[..3], body));
    for (what, edited) in [
        ("MalformedAuthorization (extra field)", format!("{authorization}, Extra=1")),
        ("MalformedAuthorization (65 digits)", format!("{authorization}0")),
        (
            "MalformedAuthorization (repeated)",
            format!("{authorization}, Signature={}", signed.signature().to_hex()),
        ),
        (
            "MalformedAuthorization (no algorithm)",
            authorization.replacen("AWS4-HMAC-SHA256 ", "", 1),
        ),
        ("MalformedAuthorization (lowercase)", authorization.to_lowercase()),
    ] {
        shown.error(what, check_headers(&headers(&edited, s.token), body));
    }
    let mut twice = headers(authorization, s.token).to_vec();
    twice.push(("authorization", authorization));
    shown.error("MalformedAuthorization (two headers)", check_headers(&twice, body));
    let mut twice = headers(authorization, s.token).to_vec();
    twice.push(("x-amz-security-token", s.token));
    shown.error("MalformedAuthorization (two tokens)", check_headers(&twice, body));
    shown.error(
        "MixedAuthentication",
        verifier.verify_headers("GET", target, &headers(authorization, s.token), b"", TIME),
    );
    shown.debug("Verifier (after all)", &verifier);
}

/// The headers of a request signed with headers, as a server receives them.
fn headers<'a>(authorization: &'a str, token: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("Host", HOST),
        ("X-Amz-Date", "20200131T100233Z"),
        ("Authorization", authorization),
        ("X-Amz-Security-Token", token),
    ]
}

/// The errors of the constructors and signers, for values that hold the secrets.
fn error_outputs(shown: &mut Shown, s: Secrets, credentials: &Credentials, scope: &Scope) {
    let presign = |url: &str, time, expires| presign_url(url, credentials, scope, time, expires);
    shown.error("InvalidUrl", presign("wss://exa mple.com/", TIME, FIVE_MINUTES));
    shown.error("RelativeUrl", presign("/dev", TIME, FIVE_MINUTES));
    shown.error("UnsupportedScheme", presign("ftp://h/", TIME, FIVE_MINUTES));
    shown.error("MissingHost", presign("wss://", TIME, FIVE_MINUTES));
    shown.error(
        "UserInfoInUrl",
        presign("wss://AKIDEXAMPLE:password@h.example/", TIME, FIVE_MINUTES),
    );
    // A URL that was presigned already, token included: the error names the parameter only.
    let already = presign(URL, TIME, FIVE_MINUTES).unwrap();
    shown.url_signature(already.as_str());
    let e = shown.error("ReservedParameter", presign(already.as_str(), TIME, FIVE_MINUTES));
    assert!(matches!(e, Error::ReservedParameter { .. }));
    let token_only = format!("{URL}&x-amz-security-token={}", uri_encode(s.token));
    shown.error("ReservedParameter (token)", presign(&token_only, TIME, FIVE_MINUTES));
    shown.error("ExpiresOutOfRange", presign(URL, TIME, Duration::ZERO));
    shown.error("ExpiresNotWholeSeconds", presign(URL, TIME, Duration::from_millis(1500)));
    shown.error("TimeOutOfRange", presign(URL, datetime!(1969-12-31 0:00 UTC), FIVE_MINUTES));
    let long = format!("{URL}&pad={}", "a".repeat(4000));
    let e = shown.error("UrlTooLong", presign(&long, TIME, FIVE_MINUTES));
    assert!(matches!(e, Error::UrlTooLong { .. }));

    // The credential errors, for values that hold the secret or the token.
    shown.error(
        "InvalidSecretAccessKey",
        Credentials::new("AKIDEXAMPLE", &format!("{}\n", s.secret), None),
    );
    shown.error(
        "InvalidSecretAccessKey (non-ASCII)",
        Credentials::new("AKIDEXAMPLE", &format!("{}é", s.secret), None),
    );
    shown.error(
        "InvalidSessionToken",
        Credentials::new("AKIDEXAMPLE", s.secret, Some(&format!(" {}", s.token))),
    );
    shown.error(
        "InvalidSessionToken (control)",
        Credentials::new("AKIDEXAMPLE", s.secret, Some(&format!("{}\u{7f}", s.token))),
    );
    shown.error(
        "InvalidAccessKeyId (the secret pasted as the id)",
        Credentials::new(s.secret, s.secret, Some(s.token)),
    );
    shown.error(
        "InvalidAccessKeyId (the token pasted as the id)",
        Credentials::new(s.token, s.secret, Some(s.token)),
    );
    shown.both("MissingEnvVar", &Error::MissingEnvVar { name: "AWS_SECRET_ACCESS_KEY" });

    // The request builders' and signers' errors, with the token where a caller might put it.
    let request = CanonicalRequest::new("GET", "/").unwrap();
    shown.error(
        "InvalidHeaderValue (token with a control character)",
        request.clone().with_header("X-Amz-Security-Token", &format!("{}\u{1}", s.token)),
    );
    shown.error(
        "InvalidHeaderValue (secret)",
        request.clone().with_header("x-secret", &format!("{}\u{0}", s.secret)),
    );
    shown.error("InvalidHeaderName", request.clone().with_header("bad name", s.token));
    let with_auth = request
        .clone()
        .with_header("Host", HOST)
        .unwrap()
        .with_header("X-Amz-Security-Token", s.token)
        .unwrap();
    shown.error("ReservedHeader", sign_request(&with_auth, credentials, scope, TIME));
    let with_param = request.with_query_param("X-Amz-Security-Token", s.token);
    let presigner = Presigner::new(credentials.clone(), scope.clone());
    shown.error(
        "ReservedParameter (presign_request)",
        presigner.presign_request(&with_param, TIME, FIVE_MINUTES),
    );
    shown.error(
        "ReservedParameter (sign_request)",
        sign_request(&with_param, credentials, scope, TIME),
    );
    shown.error(
        "TimeOutOfRange (sign_request)",
        sign_request(&with_auth, credentials, scope, datetime!(1969-12-31 0:00 UTC)),
    );
}

#[test]
fn nothing_shows_a_secret() {
    let [a, b] = RUNS.map(run);
    a.check();
    b.check();
    // What does not depend on a secret by design is the same in both runs.
    assert_eq!(a.outputs.len(), b.outputs.len());
    let mut compared = 0;
    for ((what, one, invariant), (_, other, _)) in a.outputs.iter().zip(&b.outputs) {
        if *invariant {
            assert_eq!(one, other, "{what} depends on the secrets");
            compared += 1;
        }
    }
    assert!(compared > 150, "{compared}");
}

/// The check above can fail: the exceptions do show the secrets it searches for.
#[test]
fn the_search_finds_what_the_exceptions_show() {
    let s = RUNS[0];
    let mut shown = Shown::new(s);
    let credentials = Credentials::new("AKIDEXAMPLE", s.secret, Some(s.token)).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let url = presign_url(URL, &credentials, &scope, TIME, FIVE_MINUTES).unwrap();
    shown.url_signature(url.as_str());
    let signed =
        sign_request(&CanonicalRequest::from_url("GET", URL).unwrap(), &credentials, &scope, TIME)
            .unwrap();
    shown.signature(&signed.signature().to_hex());
    let key = SigningKey::derive(s.secret, "20200131", "us-east-1", "execute-api");
    for exception in [
        url.as_str().to_owned(),
        signed.authorization().to_owned(),
        signed.canonical_request().unredacted(),
        hex(key.as_bytes()),
    ] {
        assert!(shown.forms.iter().any(|form| exception.contains(form.as_str())), "{exception}");
    }
}
