//! Differential tests: `presign_url` against independent SigV4 implementations (the oracles).
//!
//! `tests/data/differential.json` holds the cases. Each has the input (URL, region, service,
//! credentials, time, expiry), the oracle that signed it (`botocore`, `smithy` =
//! @smithy/signature-v4 of the AWS SDK for JavaScript v3, `crt` = aws-c-auth through awscrt)
//! and the URL that oracle printed. The URLs were produced by `tests/oracles/run_oracles.py
//! --write`, and `run_oracles.py --check` (run by CI) re-runs every oracle and fails if any
//! URL in the file is not what the oracle prints today, so the file cannot drift from the
//! oracles. This test only reads the file: it stays offline and fast.
//!
//! What is compared, for each case:
//! - `X-Amz-Signature` must be equal: the same canonical request, scope and key;
//! - the query parameters, percent-decoded (`+` is a plus, as in RFC 3986), must be equal as a
//!   multiset. Their *order* is not compared: every implementation writes them in its own
//!   order (botocore and this crate keep the URL's own parameters first, @smithy sorts all of
//!   them, aws-c-auth appends its own in yet another order), and a server reads them by name.
//!   The raw encoding is not compared either (`%7E` versus `~`): decoding first makes the
//!   comparison about what the server reads.
//!
//! The path and host are not compared as text: the crate writes the path the way a browser
//! sends it (`.`/`..` resolved, spaces and UTF-8 percent-encoded), some oracles leave it as
//! written, and the signature already covers the canonical path and the signed host.
//!
//! Which oracle for which case: botocore by default, but not where it signs something other
//! than what a client sends and a server reads (`research/users.md` P5, `peer-bench.md` edge
//! cases, and `run_oracles.py --survey`): it reads a `+` in the query as a space (and signs
//! and emits `%20`, another request), keeps one value of a repeated key, signs a raw space or
//! UTF-8 character in the path without the encoding a client adds, writes the signature after
//! a `#fragment`, and cannot leave the session token unsigned. Those cases use
//! @smithy/signature-v4 or aws-c-auth where that one follows the documented rule (each has
//! its own quirks, listed in `tests/oracles/README.md`); every case's `note` says why its
//! oracle was chosen. AWS IoT cases use aws-c-auth, which leaves the token out of the
//! signature for `iotdevicegateway` exactly like the crate's default (and like the AWS IoT
//! Device SDKs, which are built on it).
//!
//! With `SIGV4_WSS_DIFFERENTIAL_OUT=<file>` the crate's URL for every case is also written to
//! `<file>` (a JSON object, case name to URL) so that `run_oracles.py --check` can verify them
//! with the strict server model in `tests/oracles/sigv4_check.py`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_in_result,
    missing_docs
)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde_json::Value;
use sigv4_wss::{
    Credentials, Scope, SessionTokenMode, SigningOptions, presign_url, presign_url_with_options,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const FIXTURE: &str = include_str!("data/differential.json");

/// One case of the fixture.
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

    /// The crate's presigned URL for this case's input.
    fn presign(&self) -> String {
        self.try_presign()
            .unwrap_or_else(|e| panic!("case {}: presign_url failed: {e}", self.name))
    }

    fn try_presign(&self) -> Result<String, sigv4_wss::Error> {
        let token = self.input.get("session_token").and_then(Value::as_str);
        let creds = Credentials::new(
            self.input_str("access_key"),
            self.input_str("secret_key"),
            token,
        )?;
        let scope = Scope::new(self.input_str("region"), self.service())?;
        let time = OffsetDateTime::parse(self.input_str("timestamp"), &Rfc3339).unwrap();
        let expires = Duration::from_secs(self.input["expires"].as_u64().unwrap());
        let url = self.input_str("url");
        let result = match self.input.get("session_token_mode").and_then(Value::as_str) {
            None => presign_url(url, &creds, &scope, time, expires),
            Some(mode) => {
                let mode = match mode {
                    "signed" => SessionTokenMode::Signed,
                    "unsigned" => SessionTokenMode::Unsigned,
                    other => panic!("case {}: unknown session_token_mode {other}", self.name),
                };
                let options = SigningOptions::default().session_token(mode);
                presign_url_with_options(url, &creds, &scope, time, expires, &options)
            }
        };
        result.map(sigv4_wss::PresignedUrl::into_string)
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

/// The query parameters of `url`, percent-decoded, sorted (the multiset, as a sorted list).
fn decoded_params(url: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    let query = without_fragment
        .split_once('?')
        .map_or("", |(_, query)| query);
    let mut params: Vec<_> = query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (key, value) = item.split_once('=').unwrap_or((item, ""));
            (
                percent_decode_str(key).collect::<Vec<u8>>(),
                percent_decode_str(value).collect::<Vec<u8>>(),
            )
        })
        .collect();
    params.sort();
    params
}

fn signature(params: &[(Vec<u8>, Vec<u8>)]) -> Option<&[u8]> {
    params
        .iter()
        .find(|(key, _)| key == b"X-Amz-Signature")
        .map(|(_, value)| value.as_slice())
}

/// `Ok` when `ours` and `theirs` carry the same signature and the same decoded parameters;
/// otherwise what differs, one line each.
fn compare(ours: &str, theirs: &str) -> Result<(), String> {
    let (a, b) = (decoded_params(ours), decoded_params(theirs));
    let show = |(k, v): &(Vec<u8>, Vec<u8>)| {
        format!(
            "{}={}",
            String::from_utf8_lossy(k),
            String::from_utf8_lossy(v)
        )
    };
    let mut why = Vec::new();
    let (sig_a, sig_b) = (signature(&a), signature(&b));
    if sig_a.is_none() || sig_a != sig_b {
        let (x, y) = (
            sig_a.map(String::from_utf8_lossy),
            sig_b.map(String::from_utf8_lossy),
        );
        why.push(format!("  X-Amz-Signature: crate {x:?}, oracle {y:?}"));
    }
    if a != b {
        // The signature was reported above.
        let other = |p: &&(Vec<u8>, Vec<u8>)| p.0 != b"X-Amz-Signature";
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
    if why.is_empty() {
        Ok(())
    } else {
        Err(why.join("\n") + "\n")
    }
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
    assert!(
        failures.is_empty(),
        "the crate disagrees with the oracle:{failures}"
    );
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

#[test]
fn fixture_is_well_formed() {
    let cases = cases();
    let mut names = BTreeSet::new();
    for case in &cases {
        assert!(
            names.insert(case.name.as_str()),
            "duplicate case name {}",
            case.name
        );
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
                "execute-api" | "iotdevicegateway" | "transcribe" | "neptune-db"
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
    }
    let botocore = cases.iter().filter(|c| c.oracle == "botocore").count();
    assert!(botocore >= 20, "only {botocore} cases against botocore");
    let iot_on_other_oracle = cases
        .iter()
        .filter(|c| c.service() == "iotdevicegateway" && c.oracle != "crt")
        .count();
    assert_eq!(
        iot_on_other_oracle, 0,
        "IoT cases must use aws-c-auth (crt)"
    );
}

/// The fixture's oracles agree with the signatures published in `research/peer-bench.md`
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
        (
            "port-8443",
            "13fa847472d36b825705ae744c5ccf708d8cd276d8b5ade1087d2580dc6ac073",
        ),
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
        (
            "path-dot-dot",
            "205b71b302bae908c5527b2f0a0fe8fe652a72319cfa0ea6ecc2fcbb43265bb4",
        ),
        (
            "path-space-utf8-encoded",
            "83c685e21bd1beba216834ec69956e333e22e9c2b5c5a73d11c1e839fc270d12",
        ),
        (
            "path-space-utf8-raw",
            "83c685e21bd1beba216834ec69956e333e22e9c2b5c5a73d11c1e839fc270d12",
        ),
        (
            "query-repeated-and-bare-keys",
            "ce8a4594f7f3823ae1eb62be0da660cb030cb23481b8324878f25722365c951e",
        ),
        (
            "no-path",
            "ab8da9e7a2634e2ef10b4c75d6ba4d4c5bd9695e07cf45258d9cae8215c91374",
        ),
        (
            "empty-query",
            "fd85141da6e6a89e499e28b27c49e348746703b911be9c8a806f4bf777685dfe",
        ),
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
/// URL and sign them once-encoded, which only works with a client that sends them raw; the
/// strict server model, like most HTTP libraries, escapes them first.)
#[test]
fn path_chars_rfc3986_forbids_are_sent_escaped() {
    let cases = cases();
    let escaped = cases
        .iter()
        .find(|c| c.name == "path-rfc3986-forbidden-escaped")
        .unwrap();
    let mut raw = Case {
        name: "path-rfc3986-forbidden-raw".to_owned(),
        input: escaped.input.clone(),
        oracle: String::new(),
        oracle_url: String::new(),
        note: String::new(),
    };
    let url = escaped
        .input_str("url")
        .replace("%7C", "|")
        .replace("%5E", "^");
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
        compare(
            url,
            "wss://h.example/p?X-Amz-Date=1&b=x%20y&a=~&X-Amz-Signature=abc"
        ),
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
