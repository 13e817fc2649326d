//! The contestants of the side-by-side benchmark, each presigning the main case of the
//! project's peer measurements: `sigv4-wss` warm and cold,
//! `aws-sigv4` doing the whole job a caller must do to get the URL string, and the floor that
//! the cryptography sets, written here with `sha2` and `hmac` directly.
//!
//! The bench (`benches/presign.rs`) times these functions; the test (`tests/agree.rs`) checks
//! that they all produce the same signature. Everything that a real caller would build once
//! (credentials, presigner, identity) is built in a `*::new` outside the timed call.

use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::macros::datetime;

/// The URL of the main case.
pub const URL: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby";
/// Its host, as signed.
pub const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
/// Region.
pub const REGION: &str = "us-east-1";
/// Signing name of API Gateway.
pub const SERVICE: &str = "execute-api";
/// The access key id of the AWS examples.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The secret access key of the AWS examples.
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// `X-Amz-Expires`.
pub const EXPIRES: Duration = Duration::from_secs(300);
/// The 800-character session token of the project's peer measurements (13 `+`, 21 `/`, `==`).
pub const TOKEN: &str = concat!(
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5c",
    "O81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTav",
    "NpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+s",
    "zpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb3",
    "9EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/",
    "dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKF",
    "VFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98Up",
    "QWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPOR",
    "bp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqE",
    "gJXc/OfNMqYLtaN==",
);

/// The signing time, 2020-01-31T10:02:33Z.
#[must_use]
pub fn time() -> OffsetDateTime {
    datetime!(2020-01-31 10:02:33 UTC)
}

/// The two cases: with and without the session token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Temporary credentials: the 800-character token is signed and sent.
    Token,
    /// Long-term credentials.
    NoToken,
}

impl Case {
    /// Both cases.
    pub const ALL: [Case; 2] = [Case::Token, Case::NoToken];

    /// The criterion parameter.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Case::Token => "token",
            Case::NoToken => "no-token",
        }
    }

    /// The session token, if any.
    #[must_use]
    pub fn token(self) -> Option<&'static str> {
        match self {
            Case::Token => Some(TOKEN),
            Case::NoToken => None,
        }
    }
}

/// `sigv4-wss-warm`: a `Presigner` whose signing key is already cached.
#[derive(Debug)]
pub struct SigV4WssWarm {
    presigner: sigv4_wss::Presigner,
}

impl SigV4WssWarm {
    /// Builds the presigner and presigns once, so that the key of the day is cached.
    ///
    /// # Panics
    ///
    /// If the constants are refused.
    #[must_use]
    pub fn new(case: Case) -> Self {
        let credentials =
            sigv4_wss::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, case.token()).unwrap();
        let scope = sigv4_wss::Scope::new(REGION, SERVICE).unwrap();
        let presigner = sigv4_wss::Presigner::new(credentials, scope);
        presigner.presign(URL, time(), EXPIRES).unwrap();
        Self { presigner }
    }

    /// Presigns the main case.
    ///
    /// # Panics
    ///
    /// If signing fails (it does not on this input).
    #[must_use]
    pub fn presign(&self, url: &str, time: OffsetDateTime) -> String {
        self.presigner.presign(url, time, EXPIRES).unwrap().into_string()
    }
}

/// `sigv4-wss-verify`: a `Verifier` (its signing key cached by a first check) checking the
/// warm presigner's URL as a server receives it: the request target and the `Host` header.
#[derive(Debug)]
pub struct SigV4WssVerify {
    verifier: sigv4_wss::Verifier<sigv4_wss::Credentials>,
    target: String,
}

impl SigV4WssVerify {
    /// Presigns the main case and verifies it once, so that the key is cached.
    ///
    /// # Panics
    ///
    /// If the constants are refused or the URL does not verify.
    #[must_use]
    pub fn new(case: Case) -> Self {
        let credentials =
            sigv4_wss::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, case.token()).unwrap();
        let scope = sigv4_wss::Scope::new(REGION, SERVICE).unwrap();
        let url = SigV4WssWarm::new(case).presign(URL, time());
        let target = url.strip_prefix(&format!("wss://{HOST}")).unwrap().to_owned();
        let verifier = sigv4_wss::Verifier::new(credentials, &scope).expect_host(HOST);
        let verify = Self { verifier, target };
        verify.verify(&verify.target, time()).unwrap();
        verify
    }

    /// The request target to verify.
    #[must_use]
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Verifies `target` with the main case's `Host` at `now`.
    ///
    /// # Errors
    ///
    /// If the request does not verify.
    pub fn verify(
        &self, target: &str, now: OffsetDateTime,
    ) -> Result<sigv4_wss::Verified, sigv4_wss::Error> {
        self.verifier.verify_request("GET", target, &[("host", HOST)], now)
    }
}

/// `sigv4-wss-cold`: `presign_url`, which derives everything on the call.
#[derive(Debug)]
pub struct SigV4WssCold {
    credentials: sigv4_wss::Credentials,
    scope: sigv4_wss::Scope,
}

impl SigV4WssCold {
    /// Builds the credentials and scope (as a caller would, once).
    ///
    /// # Panics
    ///
    /// If the constants are refused.
    #[must_use]
    pub fn new(case: Case) -> Self {
        Self {
            credentials: sigv4_wss::Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                case.token(),
            )
            .unwrap(),
            scope: sigv4_wss::Scope::new(REGION, SERVICE).unwrap(),
        }
    }

    /// Presigns the main case.
    ///
    /// # Panics
    ///
    /// If signing fails (it does not on this input).
    #[must_use]
    pub fn presign(&self, url: &str, time: OffsetDateTime) -> String {
        sigv4_wss::presign_url(url, &self.credentials, &self.scope, time, EXPIRES)
            .unwrap()
            .into_string()
    }
}

/// `aws-sigv4`: the whole job a caller must do to get a presigned URL string out of
/// aws-sigv4 1.6: settings, signing params (they hold the time, so they are built per call),
/// `SignableRequest`, `sign()`, then an `http::Request` to `apply_to_request_http1x` to, and
/// its URI back as a string.
#[derive(Debug)]
pub struct AwsSigV4 {
    identity: aws_smithy_runtime_api::client::identity::Identity,
}

impl AwsSigV4 {
    /// Builds the identity from the credentials (once, outside the timed call).
    #[must_use]
    pub fn new(case: Case) -> Self {
        let credentials = aws_credential_types::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            case.token().map(str::to_owned),
            None,
            "peer-bench",
        );
        Self { identity: credentials.into() }
    }

    /// Presigns the main case.
    ///
    /// # Panics
    ///
    /// If signing fails (it does not on this input).
    #[must_use]
    pub fn presign(&self, url: &str, time: SystemTime) -> String {
        use aws_sigv4::http_request::{
            SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
        };
        let mut settings = SigningSettings::default();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(EXPIRES);
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&self.identity)
            .region(REGION)
            .name(SERVICE)
            .time(time)
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let request =
            SignableRequest::new("GET", url, std::iter::empty(), SignableBody::Bytes(&[])).unwrap();
        let (instructions, _signature) = sign(request, &params).unwrap().into_parts();
        let mut request = http::Request::builder().uri(url).body(()).unwrap();
        instructions.apply_to_request_http1x(&mut request);
        request.uri().to_string()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// kSigning, derived with four HMACs (the AWS recipe) of the `hmac` crate: the derivation
/// `floor-cold` does, also timed alone (group `derive`) beside the crate's. For the main
/// case only: the region and service are those of the main case.
///
/// # Panics
///
/// If the secret is not 40 bytes long, as AWS secret access keys are.
#[must_use]
pub fn derive_signing_key(secret: &str, date: &str) -> [u8; 32] {
    let mut k_secret = [0u8; 44];
    k_secret[..4].copy_from_slice(b"AWS4");
    k_secret[4..].copy_from_slice(secret.as_bytes());
    let k_date = hmac(&k_secret, date.as_bytes());
    let k_region = hmac(&k_date, REGION.as_bytes());
    let k_service = hmac(&k_region, SERVICE.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// Lowercase hex of 32 bytes.
fn hex_into(out: &mut [u8], bytes: &[u8; 32]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
}

/// Percent-encodes with the RFC 3986 unreserved set (a second, independent encoder, so that
/// the floor's canonical request does not come from the crate under test).
fn strict_encode(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The first three lines of the string to sign, before the canonical request's hash.
const STRING_TO_SIGN_HEAD: &str =
    "AWS4-HMAC-SHA256\n20200131T100233Z\n20200131/us-east-1/execute-api/aws4_request\n";

/// `floor` and `floor-cold`: only the cryptography and the hex encodings that every SigV4
/// presign must do. The canonical request's bytes are given (built once, in `new`); the
/// timed part hashes them, writes the string to sign, HMACs it and hex-encodes the result.
#[derive(Clone, Debug)]
pub struct Floor {
    canonical_request: Vec<u8>,
    signing_key: [u8; 32],
}

impl Floor {
    /// Builds the exact canonical request of the main case and caches kSigning.
    #[must_use]
    pub fn new(case: Case) -> Self {
        Self {
            canonical_request: Self::canonical_request(case).into_bytes(),
            signing_key: derive_signing_key(SECRET_ACCESS_KEY, "20200131"),
        }
    }

    /// The canonical request of the main case, as the project's peer measurements spell it out.
    #[must_use]
    pub fn canonical_request(case: Case) -> String {
        let credential = strict_encode("AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request");
        let mut query = format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}\
             &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300"
        );
        if let Some(token) = case.token() {
            query.push_str("&X-Amz-Security-Token=");
            query.push_str(&strict_encode(token));
        }
        query.push_str("&X-Amz-SignedHeaders=host&room=lobby");
        format!(
            "GET\n/dev\n{query}\nhost:{HOST}\n\nhost\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }

    /// The floor with kSigning cached: SHA-256 of the canonical request, the string to sign,
    /// one HMAC keyed with the 32-byte key, and the signature's hex.
    #[must_use]
    pub fn sign(&self, canonical_request: &[u8]) -> [u8; 64] {
        sign_with_key(&self.signing_key, canonical_request)
    }

    /// The floor with the key derived on the call (`floor-cold`): four more HMACs.
    #[must_use]
    pub fn sign_cold(&self, secret: &str, date: &str, canonical_request: &[u8]) -> [u8; 64] {
        sign_with_key(&derive_signing_key(secret, date), canonical_request)
    }

    /// The canonical request's bytes (for the timed calls, through `black_box`).
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        &self.canonical_request
    }
}

fn sign_with_key(key: &[u8; 32], canonical_request: &[u8]) -> [u8; 64] {
    let hash: [u8; 32] = Sha256::digest(canonical_request).into();
    let mut string_to_sign = [0u8; STRING_TO_SIGN_HEAD.len() + 64];
    string_to_sign[..STRING_TO_SIGN_HEAD.len()].copy_from_slice(STRING_TO_SIGN_HEAD.as_bytes());
    hex_into(&mut string_to_sign[STRING_TO_SIGN_HEAD.len()..], &hash);
    let signature = hmac(key, &string_to_sign);
    let mut out = [0u8; 64];
    hex_into(&mut out, &signature);
    out
}

/// The value of `X-Amz-Signature` in a presigned URL.
#[must_use]
pub fn signature_of(url: &str) -> Option<&str> {
    url.split(['?', '&']).find_map(|item| item.strip_prefix("X-Amz-Signature="))
}
