//! Differential tests: `presign_url` against independent SigV4 implementations (the oracles),
//! and the crate's `Verifier` on every URL the crate presigns for the same inputs.
//!
//! `tests/data/differential.json` holds the cases. Each has the input (URL, region, service,
//! credentials, time, expiry, optionally a session-token mode), the oracle that signed it
//! (`botocore`, `smithy` = @smithy/signature-v4 of the AWS SDK for JavaScript v3, `crt` =
//! aws-c-auth through awscrt) and the URL that oracle printed. `tests/oracles/run_oracles.py
//! --check` re-runs every oracle and fails if any URL in the file is not what the oracle prints
//! today, so the file cannot drift from the oracles. This test only reads the file: it stays
//! offline and fast.
//!
//! What is compared, for each case:
//! - `X-Amz-Signature` must be equal: the same canonical request, scope and key;
//! - the query parameters, percent-decoded (`+` is a plus, as in RFC 3986), must be equal as a
//!   multiset. Their order is not compared (every implementation writes them in its own order,
//!   and a server reads them by name), nor their raw encoding (`%7E` versus `~`).
//!
//! The path and host are not compared as text: the crate writes the path the way a browser
//! sends it (`.`/`..` resolved, spaces and UTF-8 percent-encoded), some oracles leave it as
//! written, and the signature already covers the canonical path and the signed host.
//!
//! Each case's `note` says why its oracle was chosen (botocore by default; @smithy or
//! aws-c-auth where botocore signs something other than what a client sends; aws-c-auth for
//! AWS IoT and for a session-token mode). Cases with a `session_token_mode` are presigned with
//! a `Presigner` set to that mode, the others with `presign_url`.
//!
//! Three inputs the crate refuses by design: a URL with a user name and password
//! (`Error::UserInfoInUrl`, WebSocket clients would send them as an `Authorization` header)
//! and two paths with an empty segment (`//`, which SigV4 signs as none, so a signature cannot
//! tell which path was meant). For those the oracle's URL is compared with the crate's URL for
//! the input without the user information, or with `//` as `/`: the request the oracle signed.
//!
//! With `SIGV4_WSS_DIFFERENTIAL_OUT=<file>` the crate's URL for every case (or `error: …` where
//! it refuses the input) is also written to `<file>` (a JSON object, case name to URL) so that
//! `run_oracles.py --check` can verify them with the strict server model in
//! `tests/oracles/sigv4_check.py`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_in_result,
    missing_docs
)]

#[path = "support/query.rs"]
mod query;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;
use sigv4_wss::{
    Credentials, Error, PresignedUrl, Presigner, Scope, SessionTokenMode, Verifier, presign_url,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::query::{Param, decoded_params};

const FIXTURE: &str = include_str!("data/differential.json");

/// A case whose input the crate refuses: its name, the error, and the edit of the URL (text to
/// replace, replacement) that gives the request the oracle signed.
type Refused = (&'static str, fn(&Error) -> bool, &'static str, &'static str);

/// The cases whose input the crate refuses.
const REFUSED: [Refused; 3] = [
    ("path-double-slash-and-dot", |e| matches!(e, Error::InvalidUrl { .. }), "//", "/"),
    ("path-trailing-double-slash", |e| matches!(e, Error::InvalidUrl { .. }), "//", "/"),
    ("userinfo", |e| *e == Error::UserInfoInUrl, "user:pass@", ""),
];

/// One case of the fixture.
#[derive(Clone)]
struct Case {
    name: String,
    input: Value,
    oracle: String,
    oracle_url: String,
    note: String,
}

impl Case {
    fn input_str(&self, key: &str) -> &str {
        self.input[key]
            .as_str()
            .unwrap_or_else(|| panic!("case {}: input.{key} is not a string", self.name))
    }

    fn service(&self) -> &str {
        self.input_str("service")
    }

    fn url(&self) -> &str {
        self.input_str("url")
    }

    fn token(&self) -> Option<&str> {
        self.input.get("session_token").and_then(Value::as_str)
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(self.input_str("access_key"), self.input_str("secret_key"), self.token())
            .unwrap_or_else(|e| panic!("case {}: credentials: {e}", self.name))
    }

    fn scope(&self) -> Scope {
        Scope::new(self.input_str("region"), self.service())
            .unwrap_or_else(|e| panic!("case {}: scope: {e}", self.name))
    }

    fn time(&self) -> OffsetDateTime {
        OffsetDateTime::parse(self.input_str("timestamp"), &Rfc3339).unwrap()
    }

    fn expires(&self) -> Duration {
        Duration::from_secs(self.input["expires"].as_u64().unwrap())
    }

    /// The case's `session_token_mode`, if it sets one.
    fn mode(&self) -> Option<SessionTokenMode> {
        let mode = self.input.get("session_token_mode").and_then(Value::as_str)?;
        Some(match mode {
            "signed" => SessionTokenMode::Signed,
            "unsigned" => SessionTokenMode::Unsigned,
            other => panic!("case {}: unknown session_token_mode {other}", self.name),
        })
    }

    /// Whether the case's token is left out of the signature: AWS IoT by default, or the
    /// case's mode.
    fn token_unsigned(&self) -> bool {
        match self.mode() {
            Some(mode) => mode == SessionTokenMode::Unsigned,
            None => self.service() == "iotdevicegateway",
        }
    }

    /// The crate's presigned URL for this case's input (with `url` in place of the case's).
    fn try_presign_url(&self, url: &str) -> Result<PresignedUrl, Error> {
        let (creds, scope) = (self.credentials(), self.scope());
        match self.mode() {
            None => presign_url(url, &creds, &scope, self.time(), self.expires()),
            Some(mode) => Presigner::new(creds, scope).session_token(mode).presign(
                url,
                self.time(),
                self.expires(),
            ),
        }
    }

    fn try_presign(&self) -> Result<String, Error> {
        self.try_presign_url(self.url()).map(PresignedUrl::into_string)
    }

    /// The crate's URL for the request the oracle signed: the case's input, or for a case
    /// the crate refuses, that input edited as [`REFUSED`] says (after checking the refusal).
    fn presign(&self) -> String {
        let url = match REFUSED.iter().find(|(name, ..)| *name == self.name) {
            Some((_, refusal, from, to)) => {
                let result = self.try_presign();
                assert!(result.as_ref().is_err_and(refusal), "case {}: {result:?}", self.name);
                // After the scheme's own `//`.
                let (scheme, rest) = self.url().split_once("://").unwrap();
                assert!(rest.contains(from), "case {}", self.name);
                format!("{scheme}://{}", rest.replacen(from, to, 1))
            }
            None => self.url().to_owned(),
        };
        self.try_presign_url(&url)
            .unwrap_or_else(|e| panic!("case {}: presign failed: {e}", self.name))
            .into_string()
    }

    /// The verifier for this case: its credentials, its scope, its token mode.
    fn verifier(&self) -> Verifier<Credentials> {
        let verifier = Verifier::new(self.credentials(), &self.scope());
        match self.mode() {
            Some(mode) => verifier.session_token(mode),
            None => verifier,
        }
    }
}

fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let field = |case: &Value, key: &str| -> String {
        case[key]
            .as_str()
            .unwrap_or_else(|| panic!("a case has no string field {key}: {case}"))
            .to_owned()
    };
    fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            name: field(case, "name"),
            input: case["input"].clone(),
            oracle: field(case, "oracle"),
            // Missing only while a new case waits for `run_oracles.py --write`.
            oracle_url: case["oracle_url"].as_str().unwrap_or_default().to_owned(),
            note: field(case, "note"),
        })
        .collect()
}

fn signature(params: &[Param]) -> Option<&[u8]> {
    params.iter().find(|(key, _)| key == b"X-Amz-Signature").map(|(_, value)| value.as_slice())
}

/// `Ok` when `ours` and `theirs` carry the same signature and the same decoded parameters;
/// otherwise what differs, one line each.
fn compare(ours: &str, theirs: &str) -> Result<(), String> {
    let (a, b) = (decoded_params(ours), decoded_params(theirs));
    let show =
        |(k, v): &Param| format!("{}={}", String::from_utf8_lossy(k), String::from_utf8_lossy(v));
    let mut why = Vec::new();
    let (sig_a, sig_b) = (signature(&a), signature(&b));
    if sig_a.is_none() || sig_a != sig_b {
        let (x, y) = (sig_a.map(String::from_utf8_lossy), sig_b.map(String::from_utf8_lossy));
        why.push(format!("  X-Amz-Signature: crate {x:?}, oracle {y:?}"));
    }
    if a != b {
        // The signature was reported above.
        let other = |p: &&Param| p.0 != b"X-Amz-Signature";
        let only_a: Vec<_> = a.iter().filter(|p| !b.contains(p)).filter(other).collect();
        let only_b: Vec<_> = b.iter().filter(|p| !a.contains(p)).filter(other).collect();
        for p in &only_a {
            why.push(format!("  only in the crate's URL:  {}", show(p)));
        }
        for p in &only_b {
            why.push(format!("  only in the oracle's URL: {}", show(p)));
        }
        if only_a.is_empty() && only_b.is_empty() && sig_a == sig_b {
            why.push("  the same parameters, repeated a different number of times".to_owned());
        }
    }
    if why.is_empty() { Ok(()) } else { Err(why.join("\n") + "\n") }
}

/// Presigns every case that `select` picks and compares it with its oracle's URL; fails with
/// every mismatch at once. Returns how many cases were compared.
fn check(select: impl Fn(&Case) -> bool) -> usize {
    let mut failures = String::new();
    let mut n = 0;
    for case in cases().iter().filter(|c| select(c)) {
        n += 1;
        let ours = case.presign();
        if let Err(why) = compare(&ours, &case.oracle_url) {
            write!(
                failures,
                "\ncase {} (oracle {}: {})\n  crate:  {ours}\n  oracle: {}\n{why}",
                case.name, case.oracle, case.note, case.oracle_url
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "the crate disagrees with the oracle:{failures}");
    n
}

#[test]
fn execute_api_matches_the_oracles() {
    let n = check(|c| c.service() == "execute-api");
    assert!(n >= 20, "only {n} execute-api cases");
}

/// AWS IoT: the session token is appended after signing by default; aws-c-auth does the same
/// for `iotdevicegateway` (`omit_session_token`), as the AWS IoT Device SDKs use it.
#[test]
fn iot_matches_aws_c_auth() {
    assert!(check(|c| c.service() == "iotdevicegateway" && c.oracle == "crt") >= 2);
}

#[test]
fn transcribe_matches_the_oracles() {
    assert!(check(|c| c.service() == "transcribe") >= 2);
}

#[test]
fn neptune_matches_the_oracles() {
    assert!(check(|c| c.service() == "neptune-db") >= 2);
}

/// Kinesis Video Streams WebRTC signaling: `X-Amz-ChannelARN` and `X-Amz-ClientId` are signed
/// like any parameter, the session token too; the region and service come from the host.
#[test]
fn kinesis_video_signaling_matches_botocore() {
    let kinesis = |c: &Case| c.service() == "kinesisvideo";
    assert_eq!(check(|c| kinesis(c) && c.oracle == "botocore"), 3);
    for case in cases().iter().filter(|c| kinesis(c)) {
        assert_eq!(Scope::from_url(case.url()), Ok(case.scope()), "case {}", case.name);
    }
}

/// Both session-token modes set on a `Presigner` (the default overridden either way).
#[test]
fn session_token_modes_match_aws_c_auth() {
    let names: BTreeSet<String> =
        cases().iter().filter(|c| c.mode().is_some()).map(|c| c.name.clone()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["iot-token-signed-on-request".into(), "token-unsigned-on-request".into()])
    );
    assert_eq!(check(|c| c.mode().is_some()), 2);
}

/// The refused inputs are exactly those of [`REFUSED`], and for each the request the oracle
/// signed (user information dropped, `//` as `/`) matches.
#[test]
fn refused_inputs_are_refused_and_the_requests_the_oracles_signed_match() {
    let cases = cases();
    for (name, ..) in REFUSED {
        assert_eq!(check(|c| c.name == name), 1, "{name}");
    }
    let mut refused: Vec<&str> =
        cases.iter().filter(|c| c.try_presign().is_err()).map(|c| c.name.as_str()).collect();
    refused.sort_unstable();
    assert_eq!(refused, REFUSED.map(|(name, ..)| name));
}

/// The query parameters of `url` that are not `X-Amz-*` authentication ones (which are all
/// spelled `X-Amz-` followed by an uppercase letter in the crate's and the oracles' URLs;
/// IoT's own `x-amz-customauthorizer-name` is lowercase), decoded, sorted.
fn own_params(url: &str) -> Vec<Param> {
    const AUTH: [&[u8]; 7] = [
        b"X-Amz-Algorithm",
        b"X-Amz-Credential",
        b"X-Amz-Date",
        b"X-Amz-Expires",
        b"X-Amz-SignedHeaders",
        b"X-Amz-Signature",
        b"X-Amz-Security-Token",
    ];
    decoded_params(url).into_iter().filter(|(k, _)| !AUTH.contains(&k.as_slice())).collect()
}

/// The cases whose crate URL the verifier refuses by design, with the error: an own query
/// parameter that decodes to bytes that are not UTF-8 (`%FF`) could be read by the
/// application otherwise than it was signed.
fn refused_by_the_verifier(name: &str) -> Option<fn(&Error) -> bool> {
    match name {
        "query-invalid-utf8" => Some(|e| matches!(e, Error::AmbiguousQuery { .. })),
        _ => None,
    }
}

/// Every URL the crate presigns for the fixture's inputs verifies with a verifier for the
/// case's credentials and scope (and token mode), at the signing time and at its last valid
/// second; `Verified` reports what was signed, and its decoded query is the oracle's.
#[test]
fn every_crate_url_verifies() {
    let mut failures = String::new();
    let (mut verified_count, mut refused) = (0, Vec::new());
    for case in cases() {
        let url = case.presign();
        let server = case.verifier();
        let signed_at = case.time();
        if let Some(expected_error) = refused_by_the_verifier(&case.name) {
            let result = server.verify_url(&url, signed_at);
            match &result {
                Err(e) if expected_error(e) => refused.push(case.name.clone()),
                other => {
                    writeln!(failures, "case {}: expected a refusal, got {other:?}", case.name)
                        .unwrap();
                }
            }
            continue;
        }
        let verified = match server.verify_url(&url, signed_at) {
            Ok(v) => v,
            Err(e) => {
                writeln!(failures, "case {}: {e:?}\n  url: {url}", case.name).unwrap();
                continue;
            }
        };
        verified_count += 1;
        let last_second = signed_at + case.expires();
        if let Err(e) = server.verify_url(&url, last_second) {
            writeln!(failures, "case {}: at the last valid second: {e:?}", case.name).unwrap();
        }
        let expected_date = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            signed_at.year(),
            u8::from(signed_at.month()),
            signed_at.day(),
            signed_at.hour(),
            signed_at.minute(),
            signed_at.second()
        );
        let query: Vec<Param> = {
            let mut q: Vec<Param> = verified
                .query()
                .iter()
                .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect();
            q.sort();
            q
        };
        let facts = [
            ("access key id", verified.access_key_id() == case.input_str("access_key")),
            ("scope", *verified.scope() == case.scope()),
            ("signed at", verified.signed_at().date_time() == expected_date),
            ("expires", verified.expires() == Some(case.expires())),
            ("has token", verified.has_session_token() == case.token().is_some()),
            (
                "token signed",
                verified.session_token_signed()
                    == (case.token().is_some() && !case.token_unsigned()),
            ),
            ("query = the oracle's own parameters", query == own_params(&case.oracle_url)),
            ("path = the URL's", url.contains(&format!("{}?", verified.path()))),
        ];
        for (what, ok) in facts {
            if !ok {
                writeln!(failures, "case {}: wrong {what}: {verified:?}\n  url: {url}", case.name)
                    .unwrap();
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
    assert_eq!(refused, ["query-invalid-utf8"]);
    assert_eq!(verified_count + refused.len(), cases().len());
    assert!(verified_count >= 70, "only {verified_count} verified");
}

/// The verifier's checks bite on the fixture's URLs: one second after expiry, another secret,
/// another token mode (for cases with a token), another region.
#[test]
fn fixture_urls_fail_to_verify_when_something_is_off() {
    for case in cases().iter().filter(|c| refused_by_the_verifier(&c.name).is_none()) {
        let url = case.presign();
        let after = case.time() + case.expires() + Duration::from_secs(1);
        assert!(
            matches!(case.verifier().verify_url(&url, after), Err(Error::Expired { .. })),
            "case {}",
            case.name
        );
        let other_secret =
            Credentials::new(case.input_str("access_key"), "another-secret", case.token()).unwrap();
        let result = Verifier::new(other_secret, &case.scope())
            .session_token(case.mode().unwrap_or_default())
            .verify_url(&url, case.time());
        assert_eq!(result, Err(Error::SignatureMismatch), "case {}", case.name);
        if case.token().is_some() {
            let flipped = if case.token_unsigned() {
                SessionTokenMode::Signed
            } else {
                SessionTokenMode::Unsigned
            };
            let result = case.verifier().session_token(flipped).verify_url(&url, case.time());
            assert_eq!(result, Err(Error::SignatureMismatch), "case {}", case.name);
        }
        let elsewhere = Scope::new("ap-northeast-3", case.service()).unwrap();
        let result = Verifier::new(case.credentials(), &elsewhere).verify_url(&url, case.time());
        assert!(matches!(result, Err(Error::WrongRegion { .. })), "case {}", case.name);
    }
}

/// The oracles' own URLs verify too (the verifier reads the parameters by name, in any order,
/// and parses the URL as a client sends it), with the same one refusal.
#[test]
fn every_oracle_url_verifies() {
    let mut failures = String::new();
    for case in cases() {
        let result = case.verifier().verify_url(&case.oracle_url, case.time());
        // An oracle URL with `//` in its path is refused as the crate's input was.
        let refusal = match case.name.as_str() {
            "path-double-slash-and-dot" | "path-trailing-double-slash" => {
                Some((|e| matches!(e, Error::InvalidUrl { .. })) as fn(&Error) -> bool)
            }
            name => refused_by_the_verifier(name),
        };
        match (refusal, result) {
            (None, Ok(verified)) => {
                let mut query: Vec<Param> = verified
                    .query()
                    .iter()
                    .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
                    .collect();
                query.sort();
                if query != own_params(&case.oracle_url) {
                    writeln!(failures, "case {}: query {:?}", case.name, verified.query()).unwrap();
                }
            }
            (Some(expected_error), Err(e)) if expected_error(&e) => {}
            (_, result) => writeln!(
                failures,
                "case {} [{}]: {result:?}\n  url: {}",
                case.name, case.oracle, case.oracle_url
            )
            .unwrap(),
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn fixture_is_well_formed() {
    let cases = cases();
    let mut names = BTreeSet::new();
    for case in &cases {
        assert!(names.insert(case.name.as_str()), "duplicate case name {}", case.name);
        assert!(
            matches!(case.oracle.as_str(), "botocore" | "smithy" | "crt"),
            "case {}: unknown oracle {}",
            case.name,
            case.oracle
        );
        assert!(!case.note.is_empty(), "case {}: no note", case.name);
        // So that every case is compared by one of the tests above.
        assert!(
            matches!(
                case.service(),
                "execute-api" | "iotdevicegateway" | "transcribe" | "neptune-db" | "kinesisvideo"
            ),
            "case {}: no test compares service {}",
            case.name,
            case.service()
        );
        assert!(
            case.oracle_url.contains("X-Amz-Signature="),
            "case {}: the oracle URL has no signature",
            case.name
        );
        if case.mode().is_some() {
            assert_eq!(case.oracle, "crt", "case {}: only crt takes a token mode", case.name);
        }
    }
    let botocore = cases.iter().filter(|c| c.oracle == "botocore").count();
    assert!(botocore >= 20, "only {botocore} cases against botocore");
    let iot_on_other_oracle =
        cases.iter().filter(|c| c.service() == "iotdevicegateway" && c.oracle != "crt").count();
    assert_eq!(iot_on_other_oracle, 0, "IoT cases must use aws-c-auth (crt)");
}

/// The fixture's oracles agree with the signatures published in the project's peer measurements
/// (main case and edge cases), which five implementations produced independently.
#[test]
fn fixture_agrees_with_peer_bench() {
    const MAIN: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";
    let published = [
        ("main-case", MAIN),
        (
            "main-case-bench-token",
            "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b",
        ),
        ("port-8443", "13fa847472d36b825705ae744c5ccf708d8cd276d8b5ade1087d2580dc6ac073"),
        ("wss-default-port-443", MAIN),
        ("ws-default-port-80", MAIN),
        ("uppercase-host", MAIN),
        ("fragment", MAIN),
        // The token is not signed, so the signature is the one without a token.
        ("token-unsigned-on-request", MAIN),
        (
            "path-double-slash-and-dot",
            "2c81b9eac38ba7ef1e6a7d024dc1e72f6b8b61bffd7ba1f6b10baaf79792d3a7",
        ),
        ("path-dot-dot", "205b71b302bae908c5527b2f0a0fe8fe652a72319cfa0ea6ecc2fcbb43265bb4"),
        (
            "path-space-utf8-encoded",
            "83c685e21bd1beba216834ec69956e333e22e9c2b5c5a73d11c1e839fc270d12",
        ),
        ("path-space-utf8-raw", "83c685e21bd1beba216834ec69956e333e22e9c2b5c5a73d11c1e839fc270d12"),
        (
            "query-repeated-and-bare-keys",
            "ce8a4594f7f3823ae1eb62be0da660cb030cb23481b8324878f25722365c951e",
        ),
        ("no-path", "ab8da9e7a2634e2ef10b4c75d6ba4d4c5bd9695e07cf45258d9cae8215c91374"),
        ("empty-query", "fd85141da6e6a89e499e28b27c49e348746703b911be9c8a806f4bf777685dfe"),
    ];
    let cases = cases();
    for (name, expected) in published {
        let case = cases.iter().find(|c| c.name == name).unwrap();
        let params = decoded_params(&case.oracle_url);
        assert_eq!(signature(&params), Some(expected.as_bytes()), "case {name}");
    }
}

/// `|`, `^`, `[` and `]` written raw in a path are sent (and signed) percent-encoded: the URL
/// is the one of the case that has them escaped, which the oracles sign. (No oracle signs the
/// raw form that way: botocore, @smithy and aws-c-auth all keep these characters raw in their
/// URL and sign them once-encoded, which only works with a client that sends them raw.)
#[test]
fn path_chars_rfc3986_forbids_are_sent_escaped() {
    let cases = cases();
    let escaped = cases.iter().find(|c| c.name == "path-rfc3986-forbidden-escaped").unwrap();
    let mut raw = Case { name: "path-rfc3986-forbidden-raw".to_owned(), ..escaped.clone() };
    let url = escaped.url().replace("%7C", "|").replace("%5E", "^");
    let url = url.replace("%5B", "[").replace("%5D", "]");
    assert!(url.ends_with("/dev/a|b^c[d]"), "{url}");
    raw.input["url"] = Value::String(url);
    assert_eq!(raw.presign(), escaped.presign());
    assert_eq!(compare(&raw.presign(), &escaped.oracle_url), Ok(()));
}

/// The comparison itself can fail: a changed value, a dropped parameter and a different
/// signature are each caught, and a reordered, differently encoded URL is not.
#[test]
fn comparison_catches_differences() {
    let url = "wss://h.example/p?a=%7E&b=x%20y&X-Amz-Signature=abc&X-Amz-Date=1";
    assert_eq!(
        compare(url, "wss://h.example/p?X-Amz-Date=1&b=x%20y&a=~&X-Amz-Signature=abc"),
        Ok(())
    );
    for other in [
        "wss://h.example/p?a=%7E&b=x+y&X-Amz-Signature=abc&X-Amz-Date=1",
        "wss://h.example/p?a=%7E&X-Amz-Signature=abc&X-Amz-Date=1",
        "wss://h.example/p?a=%7E&b=x%20y&X-Amz-Signature=abd&X-Amz-Date=1",
        "wss://h.example/p?a=%7E&a=%7E&b=x%20y&X-Amz-Signature=abc&X-Amz-Date=1",
    ] {
        assert!(compare(url, other).is_err(), "{other}");
    }
    assert_eq!(
        own_params(
            "wss://h/p?X-Amz-Date=1&b=x%20y&x-amz-customauthorizer-name=n&X-Amz-Security-Token=t"
        ),
        [
            (b"b".to_vec(), b"x y".to_vec()),
            (b"x-amz-customauthorizer-name".to_vec(), b"n".to_vec())
        ]
    );
}

/// Not a check: writes the crate's URL for every case when `SIGV4_WSS_DIFFERENTIAL_OUT`
/// names a file, for `tests/oracles/run_oracles.py --check` (see the top of this file).
#[test]
fn write_crate_urls_when_asked() {
    let Some(path) = std::env::var_os("SIGV4_WSS_DIFFERENTIAL_OUT") else {
        return;
    };
    let urls: serde_json::Map<String, Value> = cases()
        .iter()
        .map(|case| {
            let url = case.try_presign().unwrap_or_else(|e| format!("error: {e}"));
            (case.name.clone(), Value::String(url))
        })
        .collect();
    let json = serde_json::to_string_pretty(&Value::Object(urls)).unwrap();
    std::fs::write(&path, json + "\n").unwrap();
}
