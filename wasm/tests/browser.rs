//! The library in a real browser: headless Chromium runs these tests through
//! `wasm-bindgen-test-runner` (`tests/browser/run` at the repository root sets everything up).
//!
//! - The main case with and without its 800-character session token, every case of the AWS
//!   SigV4 test suite that a URL can express, and every differential case presign to what the
//!   native tests expect, read from the same files (`tests/data`): nothing is recomputed here.
//! - A `web_sys::WebSocket` opened with a presigned URL reaches the verifying server that
//!   `tests/browser/run` starts on 127.0.0.1 (`examples/local_gateway`, whose address is
//!   compiled in from `SIGV4_WSS_GATEWAY`) and gets its message echoed; a tampered URL is
//!   refused, which the page sees as an error and a close; the README's browser example
//!   connects the same way.
//!
//! This crate's lockfile pins `idna_adapter` to 1.0.0, so URLs with a non-ASCII host are
//! refused here (`InvalidUrl`), as the README's "Build time" section says.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_in_result,
    missing_docs
)]

#[path = "../../tests/support/query.rs"]
mod query;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::Promise;
use serde_json::Value;
use sigv4_wss::{Credentials, Error, Presigner, Scope, SessionTokenMode, presign_url};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::query::decoded_params;

wasm_bindgen_test_configure!(run_in_browser);

const DIFFERENTIAL: &str = include_str!("../../tests/data/differential.json");
const URL_SIGNATURES: &str = include_str!("../../tests/data/url-signatures.txt");
include!(concat!(env!("OUT_DIR"), "/suite.rs"));

/// The README's example (section "In the browser"), compiled and run here.
#[allow(unreachable_pub, reason = "the README's function is `pub`, as in an application")]
mod readme {
    include!(concat!(env!("OUT_DIR"), "/readme_browser.rs"));
}

/// A case of `tests/data/differential.json`: its input and its oracle's URL.
struct Case {
    name: String,
    input: Value,
    oracle_url: String,
}

impl Case {
    fn str(&self, key: &str) -> &str {
        self.input[key].as_str().unwrap_or_else(|| panic!("{}: no {key}", self.name))
    }

    fn credentials(&self) -> Credentials {
        let token = self.input.get("session_token").and_then(Value::as_str);
        Credentials::new(self.str("access_key"), self.str("secret_key"), token).unwrap()
    }

    fn presign(&self) -> Result<String, Error> {
        let scope = Scope::new(self.str("region"), self.str("service")).unwrap();
        let mode = match self.input.get("session_token_mode").and_then(Value::as_str) {
            None => SessionTokenMode::ServiceDefault,
            Some("signed") => SessionTokenMode::Signed,
            Some("unsigned") => SessionTokenMode::Unsigned,
            Some(other) => panic!("{}: session_token_mode {other}", self.name),
        };
        let time = OffsetDateTime::parse(self.str("timestamp"), &Rfc3339).unwrap();
        let expires = Duration::from_secs(self.input["expires"].as_u64().unwrap());
        Presigner::new(self.credentials(), scope)
            .session_token(mode)
            .presign(self.str("url"), time, expires)
            .map(sigv4_wss::PresignedUrl::into_string)
    }
}

fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(DIFFERENTIAL).unwrap();
    fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().unwrap().to_owned(),
            input: case["input"].clone(),
            oracle_url: case["oracle_url"].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn case(name: &str) -> Case {
    cases().into_iter().find(|c| c.name == name).unwrap()
}

fn signature(url: &str) -> &str {
    url.split(['?', '&']).find_map(|p| p.strip_prefix("X-Amz-Signature=")).unwrap()
}

#[wasm_bindgen_test]
fn main_case_without_token_is_the_reference_url() {
    let case = case("main-case");
    assert_eq!(case.presign().unwrap(), case.oracle_url);
    assert!(case.oracle_url.ends_with(
        "&X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"
    ));
}

/// The oracle (botocore) writes the token before the signature; the crate writes it last,
/// so the expected URL is the oracle's with that one parameter moved to the end.
#[wasm_bindgen_test]
fn main_case_with_token_is_the_reference_url() {
    let case = case("main-case-bench-token");
    let (head, query) = case.oracle_url.split_once('?').unwrap();
    let (token, rest): (Vec<&str>, Vec<&str>) =
        query.split('&').partition(|p| p.starts_with("X-Amz-Security-Token="));
    let expected = format!("{head}?{}&{}", rest.join("&"), token.join("&"));
    assert_eq!(case.str("session_token").len(), 800);
    assert_eq!(case.presign().unwrap(), expected);
    assert_eq!(
        signature(&expected),
        "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b"
    );
    // presign_url and a warm Presigner give the same bytes.
    let scope = Scope::from_url(case.str("url")).unwrap();
    let time = OffsetDateTime::parse(case.str("timestamp"), &Rfc3339).unwrap();
    let once = presign_url(case.str("url"), &case.credentials(), &scope, time, FIVE_MINUTES);
    assert_eq!(once.unwrap().as_str(), expected);
    let presigner = Presigner::new(case.credentials(), scope);
    for _ in 0..2 {
        assert_eq!(
            presigner.presign(case.str("url"), time, FIVE_MINUTES).unwrap().as_str(),
            expected
        );
    }
}

const FIVE_MINUTES: Duration = Duration::from_secs(300);

/// The suite's cases that a URL expresses (a `GET` with only `Host`, path normalized), as
/// `tests/aws_suite.rs` selects them: the suite's query signature, or for two paths sent
/// encoded the one in `tests/data/url-signatures.txt`; the two with an empty path segment
/// are refused.
#[wasm_bindgen_test]
fn aws_suite_url_cases_sign_as_the_native_tests_expect() {
    let (mut signed, mut refused) = (Vec::new(), Vec::new());
    for (name, request, context, query_signature) in SUITE {
        let request = request.replace("\r\n", "\n");
        let head = request.split("\n\n").next().unwrap();
        let mut lines = head.lines();
        let (method, target) = lines.next().unwrap().split_once(' ').unwrap();
        let target = target.strip_suffix(" HTTP/1.1").unwrap();
        // Header lines, continuation lines of multi-line values included.
        let headers: Vec<&str> = lines.collect();
        let context: Value = serde_json::from_str(context).unwrap();
        let host = match headers[..] {
            [line] => line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("host")),
            _ => None,
        };
        let Some((_, host)) = host else { continue };
        if method != "GET" || !context["normalize"].as_bool().unwrap() {
            continue;
        }
        let creds = &context["credentials"];
        let credentials = Credentials::new(
            creds["access_key_id"].as_str().unwrap(),
            creds["secret_access_key"].as_str().unwrap(),
            creds["token"].as_str(),
        )
        .unwrap();
        let scope =
            Scope::new(context["region"].as_str().unwrap(), context["service"].as_str().unwrap())
                .unwrap();
        let time = OffsetDateTime::parse(context["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
        let expires = Duration::from_secs(context["expiration_in_seconds"].as_u64().unwrap());
        let url = format!("https://{host}{target}");
        match presign_url(&url, &credentials, &scope, time, expires) {
            Err(Error::InvalidUrl { .. }) if target.contains("//") => refused.push(name),
            Err(e) => panic!("{name}: {e}"),
            Ok(presigned) => {
                let expected = URL_SIGNATURES
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{name} ")))
                    .map_or(query_signature.trim_end(), |rest| rest.rsplit(' ').next().unwrap());
                assert_eq!(signature(presigned.as_str()), expected, "{name}");
                signed.push(name);
            }
        }
    }
    assert_eq!((signed.len(), refused.len()), (15, 2), "signed {signed:?}, refused {refused:?}");
}

/// Every case of `tests/data/differential.json` (71 URLs: ports, encodings, services, tokens)
/// carries the oracle's signature and parameters, as in `tests/differential.rs`. Refused: the
/// three inputs the crate refuses by design, and the non-ASCII host (see the file's docs).
#[wasm_bindgen_test]
fn differential_cases_match_the_oracles() {
    let mut refused = Vec::new();
    let all = cases();
    for case in &all {
        match case.presign() {
            Ok(ours) => {
                assert_eq!(signature(&ours), signature(&case.oracle_url), "{}", case.name);
                assert_eq!(
                    decoded_params(&ours),
                    decoded_params(&case.oracle_url),
                    "{}",
                    case.name
                );
            }
            Err(e) => refused.push((case.name.as_str(), e)),
        }
    }
    let names: Vec<&str> = refused.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        ["path-double-slash-and-dot", "userinfo", "path-trailing-double-slash", "idn-host"],
        "{refused:?}"
    );
    assert!(all.len() >= 70, "{} cases", all.len());
}

/// The verifying server's address, from `tests/browser/run`.
fn gateway() -> &'static str {
    match option_env!("SIGV4_WSS_GATEWAY") {
        Some(gateway) => gateway,
        None => {
            panic!("SIGV4_WSS_GATEWAY is not set: run tests/browser/run, which starts the server")
        }
    }
}

/// The credentials the server accepts (`tests/browser/run` starts it with these).
fn gateway_credentials() -> Credentials {
    case("main-case-bench-token").credentials()
}

/// The server's scope: the defaults of `examples/local_gateway`.
fn gateway_scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn presign_now(url: &str) -> String {
    presign_url(
        url,
        &gateway_credentials(),
        &gateway_scope(),
        OffsetDateTime::now_utc(),
        FIVE_MINUTES,
    )
    .unwrap()
    .into_string()
}

/// Sends `message` on `socket` once it opens and waits: `Ok` with the first message
/// received, or `Err` with what the page saw instead (`error, close 1006`).
async fn exchange(socket: &WebSocket, message: &str) -> Result<String, String> {
    let errored = Rc::new(Cell::new(false));
    let outcome = Promise::new(&mut |resolve, reject| {
        let (open_socket, message) = (socket.clone(), message.to_owned());
        let on_open = Closure::once_into_js(move || open_socket.send_with_str(&message));
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            resolve.call1(&JsValue::NULL, &event.data())
        });
        let flag = Rc::clone(&errored);
        let on_error = Closure::once_into_js(move |_: Event| flag.set(true));
        let flag = Rc::clone(&errored);
        let on_close = Closure::once_into_js(move |event: CloseEvent| {
            let seen = format!("{}close {}", if flag.get() { "error, " } else { "" }, event.code());
            reject.call1(&JsValue::NULL, &seen.into())
        });
        socket.set_onopen(Some(on_open.unchecked_ref()));
        socket.set_onmessage(Some(on_message.unchecked_ref()));
        socket.set_onerror(Some(on_error.unchecked_ref()));
        socket.set_onclose(Some(on_close.unchecked_ref()));
    });
    let result = JsFuture::from(outcome).await;
    socket.set_onclose(None);
    socket.close().ok();
    result.map(|v| v.as_string().unwrap()).map_err(|v| v.as_string().unwrap())
}

#[wasm_bindgen_test]
async fn a_presigned_url_connects_and_gets_its_echo() {
    let url = presign_now(&format!("{}/dev?room=lobby", gateway()));
    assert!(url.ends_with(&format!(
        "&X-Amz-Security-Token={}",
        sigv4_wss::uri_encode(case("main-case-bench-token").str("session_token"))
    )));
    let socket = WebSocket::new(&url).unwrap();
    assert_eq!(exchange(&socket, "hello over sigv4").await, Ok("hello over sigv4".to_owned()));
}

#[wasm_bindgen_test]
async fn a_tampered_url_is_refused() {
    let url = presign_now(&format!("{}/dev?room=lobby", gateway()));
    let tampered = url.replace("room=lobby", "room=lobbz");
    assert_ne!(tampered, url);
    let socket = WebSocket::new(&tampered).unwrap();
    assert_eq!(exchange(&socket, "let me in").await, Err("error, close 1006".to_owned()));
}

#[wasm_bindgen_test]
async fn the_readme_example_connects() {
    let url = format!("{}/dev?room=readme", gateway());
    let socket = readme::connect(&url, &gateway_credentials(), &gateway_scope()).unwrap();
    assert_eq!(exchange(&socket, "from the README").await, Ok("from the README".to_owned()));
}
