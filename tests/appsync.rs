//! AppSync with IAM (feature `appsync`): the header JSON of the GraphQL real-time URL, of the
//! Events subprotocol and of a message's `authorization` against botocore's `SigV4Auth`.
//!
//! `tests/data/appsync.json` holds, for each case, the headers botocore 1.44.5 gives the request
//! the AWS AppSync guides describe (`POST {GraphQL endpoint}/connect` with the body `{}` for a
//! GraphQL connection, `POST {Events endpoint}` with `{}` for an Events connection, the
//! message's body for a message), built by `tests/oracles/appsync_oracle.py` from the rules and
//! not from the crate; `appsync_oracle.py --check` (CI) re-runs botocore on every case. Here
//! the crate's JSON, decoded from the URL or subprotocol it emits, must carry the same
//! `Authorization` (signature and signed headers), `X-Amz-Date`, token and other headers, and
//! `host` must be the endpoint's.
#![cfg(feature = "appsync")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};
use sigv4_wss::appsync::{self, EVENTS_SUBPROTOCOL};
use sigv4_wss::{Credentials, Error, Scope};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const FIXTURE: &str = include_str!("data/appsync.json");

struct Case {
    name: String,
    kind: String,
    input: Value,
    botocore: Map<String, Value>,
}

impl Case {
    fn input(&self, key: &str) -> &str {
        self.input[key].as_str().unwrap_or_else(|| panic!("case {}: no {key}", self.name))
    }

    fn credentials(&self) -> Credentials {
        let token = self.input.get("session_token").and_then(Value::as_str);
        Credentials::new(self.input("access_key"), self.input("secret_key"), token).unwrap()
    }

    fn scope(&self) -> Scope {
        Scope::new(self.input("region"), "appsync").unwrap()
    }

    fn time(&self) -> OffsetDateTime {
        OffsetDateTime::parse(self.input("timestamp"), &Rfc3339).unwrap()
    }

    /// The host of the endpoint, as the crate must sign and report it.
    fn host(&self) -> &str {
        let rest = self.input("endpoint").split_once("://").unwrap().1;
        rest.split('/').next().unwrap()
    }

    /// The header JSON the crate emits for this case, decoded from where AppSync reads it.
    fn crate_json(&self) -> Map<String, Value> {
        let (endpoint, creds, scope, time) =
            (self.input("endpoint"), self.credentials(), self.scope(), self.time());
        let text = match self.kind.as_str() {
            "graphql" => {
                let url = appsync::graphql_realtime_url(endpoint, &creds, &scope, time).unwrap();
                let query = url.as_str().split_once('?').unwrap().1;
                let header = query.strip_prefix("header=").unwrap().strip_suffix("&payload=e30=");
                let decoded = STANDARD.decode(header.unwrap()).unwrap();
                assert_eq!(decoded, url.authorization().json().as_bytes(), "case {}", self.name);
                decoded
            }
            "events" => {
                let connection =
                    appsync::events_connection(endpoint, &creds, &scope, time).unwrap();
                let [protocol, header] = connection.subprotocols();
                assert_eq!(protocol, EVENTS_SUBPROTOCOL);
                URL_SAFE_NO_PAD.decode(header.strip_prefix("header-").unwrap()).unwrap()
            }
            "message" => {
                let body = self.input("body");
                let auth = appsync::authorization(endpoint, body, &creds, &scope, time).unwrap();
                auth.json().as_bytes().to_vec()
            }
            other => panic!("case {}: unknown kind {other}", self.name),
        };
        match serde_json::from_slice(&text).unwrap() {
            Value::Object(map) => map,
            other => panic!("case {}: not a JSON object: {other}", self.name),
        }
    }
}

fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().unwrap().to_owned(),
            kind: case["kind"].as_str().unwrap().to_owned(),
            input: case["input"].clone(),
            botocore: case["botocore"].as_object().cloned().unwrap_or_default(),
        })
        .collect()
}

/// What the crate's JSON should be: botocore's headers (names as the AppSync guide writes them:
/// `x-amz-date` lowercase, `X-Amz-Security-Token` and `Authorization` capitalized) plus `host`.
fn expected(case: &Case) -> Map<String, Value> {
    let mut want = Map::new();
    for (name, value) in &case.botocore {
        let name = if name == "X-Amz-Date" { "x-amz-date" } else { name.as_str() };
        want.insert(name.to_owned(), value.clone());
    }
    want.insert("host".to_owned(), Value::String(case.host().to_owned()));
    want
}

#[test]
fn header_json_matches_botocore() {
    let cases = cases();
    assert_eq!(cases.len(), 7);
    let mut failures = String::new();
    for case in &cases {
        let (ours, want) = (case.crate_json(), expected(case));
        if ours != want {
            write!(failures, "\ncase {}:\n  crate:    {ours:?}\n  botocore: {want:?}\n", case.name)
                .unwrap();
        }
    }
    assert!(failures.is_empty(), "the crate disagrees with botocore:{failures}");
    // Both token forms are covered, and botocore signed the token where there is one.
    for case in &cases {
        let auth = case.botocore["Authorization"].as_str().unwrap();
        let has_token = case.input.get("session_token").is_some();
        assert_eq!(auth.contains(";x-amz-security-token,"), has_token, "case {}", case.name);
        assert!(
            auth.contains("SignedHeaders=accept;content-encoding;content-type;host;x-amz-date")
        );
    }
    assert!(cases.iter().any(|c| c.kind == "graphql" && c.input.get("session_token").is_none()));
    assert!(cases.iter().any(|c| c.kind == "events" && c.input.get("session_token").is_some()));
}

/// The comparison can fail: a case signed one second later, or for another region, does not
/// give botocore's JSON.
#[test]
fn another_time_or_region_does_not_match() {
    let case = cases().into_iter().find(|c| c.name == "graphql").unwrap();
    let later = OffsetDateTime::parse("2020-01-31T10:02:34Z", &Rfc3339).unwrap();
    let mut input = case.input.clone();
    input["timestamp"] = Value::String(later.format(&Rfc3339).unwrap());
    let moved = Case { input, ..case };
    assert_ne!(moved.crate_json(), expected(&moved));
    let case = cases().into_iter().find(|c| c.name == "graphql").unwrap();
    let mut input = case.input.clone();
    input["region"] = Value::String("us-west-2".to_owned());
    let elsewhere = Case { input, ..case };
    assert_ne!(elsewhere.crate_json()["Authorization"], expected(&elsewhere)["Authorization"]);
}

const CREDS: (&str, &str) = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

fn graphql_url() -> &'static str {
    "https://api.example.com/graphql"
}

fn t0() -> OffsetDateTime {
    OffsetDateTime::parse("2020-01-31T10:02:33Z", &Rfc3339).unwrap()
}

/// The real-time endpoints, as the AppSync guides give them: AppSync's own host maps
/// `appsync-api` to `appsync-realtime-api` (GraphQL keeps its path, Events adds `/realtime`);
/// a custom domain keeps its host and adds `/realtime`; `http` gives `ws`.
#[test]
fn real_time_endpoints() {
    let creds = Credentials::new(CREDS.0, CREDS.1, None).unwrap();
    let scope = Scope::new("us-east-1", "appsync").unwrap();
    let graphql = |url: &str| {
        let url = appsync::graphql_realtime_url(url, &creds, &scope, t0()).unwrap().into_string();
        url.split_once("?header=").unwrap().0.to_owned()
    };
    let events =
        |url: &str| appsync::events_connection(url, &creds, &scope, t0()).unwrap().url().to_owned();
    for (endpoint, want) in [
        (
            "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/graphql",
            "wss://example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com/graphql",
        ),
        (
            "https://ABCDEFGHIJKLMNOPQRSTUVWXYZ.APPSYNC-API.CN-NORTH-1.AMAZONAWS.COM.CN/graphql",
            "wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.cn-north-1.amazonaws.com.cn/graphql",
        ),
        ("https://api.example.com/graphql", "wss://api.example.com/graphql/realtime"),
        ("https://api.example.com/graphql/", "wss://api.example.com/graphql/realtime"),
        ("http://localhost:20002/graphql", "ws://localhost:20002/graphql/realtime"),
        // A look-alike is a custom domain: no mapping.
        (
            "https://x.appsync-api.us-east-1.amazonaws.com.example.com/graphql",
            "wss://x.appsync-api.us-east-1.amazonaws.com.example.com/graphql/realtime",
        ),
    ] {
        assert_eq!(graphql(endpoint), want, "{endpoint}");
    }
    for (endpoint, want) in [
        (
            "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/event",
            "wss://example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime",
        ),
        ("https://events.example.com/event", "wss://events.example.com/event/realtime"),
    ] {
        assert_eq!(events(endpoint), want, "{endpoint}");
    }
    let url =
        appsync::graphql_realtime_url("https://api.example.com/graphql", &creds, &scope, t0())
            .unwrap();
    assert!(url.as_str().ends_with("&payload=e30="));
    assert_eq!(STANDARD.decode("e30=").unwrap(), b"{}");
}

/// `Scope::from_url` reads the region of an AppSync endpoint, and only of AppSync's own hosts.
#[test]
fn scope_from_appsync_hosts() {
    for (url, region) in [
        ("https://example1234567890000.appsync-api.us-east-1.amazonaws.com/graphql", "us-east-1"),
        (
            "https://abcdefghijklmnopqrstuvwxyz.appsync-api.cn-north-1.amazonaws.com.cn/event",
            "cn-north-1",
        ),
        (
            "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-gov-west-1.amazonaws.com/graphql",
            "us-gov-west-1",
        ),
    ] {
        assert_eq!(Scope::from_url(url), Ok(Scope::new(region, "appsync").unwrap()), "{url}");
    }
    for url in [
        "https://api.example.com/graphql",
        "https://appsync-api.us-east-1.amazonaws.com/graphql",
        "wss://x.appsync-realtime-api.us-east-1.amazonaws.com/graphql",
    ] {
        assert!(matches!(Scope::from_url(url), Err(Error::UnknownEndpoint { .. })), "{url}");
    }
}

/// Bad URLs give the crate's URL errors, and nothing panics.
#[test]
fn bad_urls_are_refused() {
    let creds = Credentials::new(CREDS.0, CREDS.1, None).unwrap();
    let scope = Scope::new("us-east-1", "appsync").unwrap();
    for (url, check) in [
        ("/graphql", (|e| *e == Error::RelativeUrl) as fn(&Error) -> bool),
        ("ftp://api.example.com/graphql", |e| matches!(e, Error::UnsupportedScheme { .. })),
        ("https://user:pw@api.example.com/graphql", |e| *e == Error::UserInfoInUrl),
        ("https://api.example.com//graphql", |e| matches!(e, Error::InvalidUrl { .. })),
    ] {
        let graphql = appsync::graphql_realtime_url(url, &creds, &scope, t0());
        assert!(graphql.as_ref().is_err_and(check), "{url}: {graphql:?}");
        let events = appsync::events_connection(url, &creds, &scope, t0());
        assert!(events.as_ref().is_err_and(check), "{url}: {events:?}");
        let auth = appsync::authorization(url, "{}", &creds, &scope, t0());
        assert!(auth.as_ref().is_err_and(check), "{url}: {auth:?}");
    }
    let before_1970 = OffsetDateTime::parse("1969-12-31T23:59:59Z", &Rfc3339).unwrap();
    let late = appsync::graphql_realtime_url(graphql_url(), &creds, &scope, before_1970);
    assert!(matches!(late, Err(Error::TimeOutOfRange { year: 1969 })), "{late:?}");
}

/// No secret in any `Debug` or redacted form: not the secret key, the token, the signature, the
/// `Authorization` value or the encoded header.
#[test]
fn debug_and_redacted_show_no_secret() {
    let token = "FwoGZXIvYXdzEXAMPLETOKEN";
    let creds = Credentials::new(CREDS.0, CREDS.1, Some(token)).unwrap();
    let scope = Scope::new("us-east-1", "appsync").unwrap();
    let graphql = "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/graphql";
    let url = appsync::graphql_realtime_url(graphql, &creds, &scope, t0()).unwrap();
    let events = "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/event";
    let connection = appsync::events_connection(events, &creds, &scope, t0()).unwrap();
    let auth = appsync::authorization(events, "{}", &creds, &scope, t0()).unwrap();
    let json: Value = serde_json::from_str(auth.json()).unwrap();
    let signature = json["Authorization"].as_str().unwrap().rsplit('=').next().unwrap().to_owned();
    assert_eq!(signature.len(), 64);
    let header = url.as_str().split_once("header=").unwrap().1.split('&').next().unwrap();
    let shown = format!(
        "{url:?} {} {connection:?} {auth:?} {:?} {:?}",
        url.redacted(),
        url.authorization(),
        connection.authorization()
    );
    for secret in [CREDS.1, token, &signature, header, connection.subprotocols()[1]] {
        assert!(!shown.contains(secret), "{shown} shows {secret}");
    }
    assert!(shown.contains("/graphql?header=<redacted>&payload=e30="), "{shown}");
    assert!(shown.contains("header-<redacted>"), "{shown}");
    assert!(shown.contains(
        "wss://example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime"
    ));
}
