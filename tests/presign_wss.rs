//! `presign_url` on `wss://` URLs, against the signatures in the project's peer measurements
//! (`research/peer-bench.md`): the main case, which aws-sigv4, botocore, @smithy/signature-v4,
//! aws-c-auth and aws4 all sign identically, and the edge cases where those implementations
//! agree with each other (or, where aws-sigv4 is wrong for `wss`, with the strict server model).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use sigv4_wss::{Credentials, Error, Presigner, Scope, presign_url};
use time::macros::datetime;

const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of peer-bench.md.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";

/// The main case's signature without a token; also that of every URL that sends the same
/// request (default port written out, uppercase host, a fragment).
const MAIN_SIG: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";

fn presign(url: &str, token: Option<&str>) -> String {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    presign_url(
        url,
        &creds,
        &scope,
        datetime!(2020-01-31 10:02:33 UTC),
        Duration::from_secs(300),
    )
    .unwrap()
    .into_string()
}

fn signature(url: &str) -> &str {
    url.rsplit_once("X-Amz-Signature=")
        .unwrap()
        .1
        .split('&')
        .next()
        .unwrap()
}

#[test]
fn main_case_without_token_is_byte_identical_to_the_reference() {
    let url = presign(&format!("wss://{HOST}/dev?room=lobby"), None);
    assert_eq!(
        url,
        format!(
            "wss://{HOST}/dev?room=lobby&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
             &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
             &X-Amz-Signature={MAIN_SIG}"
        )
    );
    assert_eq!(url.len(), 333);
}

#[test]
fn main_case_with_token_is_byte_identical_to_the_reference() {
    // Copied verbatim from peer-bench.md, where five implementations agree on it.
    const EXPECTED: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D";
    let url = presign(&format!("wss://{HOST}/dev?room=lobby"), Some(TOKEN));
    assert_eq!(url, EXPECTED);
    assert_eq!(url.len(), 1227);
    // Strict encoding: only A-Z a-z 0-9 - . _ ~ stay raw; the token's / + = are escaped.
    let token = url.rsplit_once("X-Amz-Security-Token=").unwrap().1;
    assert!(!token.contains(['/', '+', '=']));
}

#[test]
fn presigner_gives_the_same_urls() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN)).unwrap();
    let presigner = Presigner::new(creds, Scope::new("us-east-1", "execute-api").unwrap());
    let url = format!("wss://{HOST}/dev?room=lobby");
    let time = datetime!(2020-01-31 10:02:33 UTC);
    let expires = Duration::from_secs(300);
    for _ in 0..2 {
        assert_eq!(
            presigner
                .presign(&url, time, expires)
                .unwrap()
                .into_string(),
            presign(&url, Some(TOKEN))
        );
    }
}

/// Edge cases from peer-bench.md where botocore, @smithy/signature-v4, aws-c-auth and aws4
/// agree (the aws-sigv4 value is listed there too when it is right).
#[test]
fn edge_cases_agree_with_the_reference_implementations() {
    for (url, expected) in [
        // A non-default port is part of the signed Host (all four agree).
        (
            format!("wss://{HOST}:8443/dev?room=lobby"),
            "13fa847472d36b825705ae744c5ccf708d8cd276d8b5ade1087d2580dc6ac073",
        ),
        // wss:443 and ws:80 are default ports: Host has no port (the four oracles; aws-sigv4
        // signs `:443` and fails the server model).
        (format!("wss://{HOST}:443/dev?room=lobby"), MAIN_SIG),
        (format!("ws://{HOST}:80/dev?room=lobby"), MAIN_SIG),
        // The host is lowercased (the four oracles; aws-sigv4 does not).
        (
            format!("wss://{}/dev?room=lobby", HOST.to_uppercase()),
            MAIN_SIG,
        ),
        // A fragment is never sent.
        (format!("wss://{HOST}/dev?room=lobby#frag"), MAIN_SIG),
        // A pre-encoded path is encoded again (all four agree).
        (
            format!("wss://{HOST}/dev/a%20b/%C3%BC"),
            "83c685e21bd1beba216834ec69956e333e22e9c2b5c5a73d11c1e839fc270d12",
        ),
        // The same path written raw is sent encoded, so it signs the same.
        (
            format!("wss://{HOST}/dev/a b/ü"),
            "83c685e21bd1beba216834ec69956e333e22e9c2b5c5a73d11c1e839fc270d12",
        ),
        // `//` and `.` are normalized for signing (all four agree).
        (
            format!("wss://{HOST}/dev//a/./b"),
            "2c81b9eac38ba7ef1e6a7d024dc1e72f6b8b61bffd7ba1f6b10baaf79792d3a7",
        ),
        (
            format!("wss://{HOST}/dev/x/../b"),
            "205b71b302bae908c5527b2f0a0fe8fe652a72319cfa0ea6ecc2fcbb43265bb4",
        ),
        // Repeated keys sort by value, a bare key has an empty value (= aws-c-auth and aws4).
        (
            format!("wss://{HOST}/dev?k=2&k=1&flag"),
            "ce8a4594f7f3823ae1eb62be0da660cb030cb23481b8324878f25722365c951e",
        ),
        // No path is `/`; an empty query is no query (all agree).
        (
            format!("wss://{HOST}"),
            "ab8da9e7a2634e2ef10b4c75d6ba4d4c5bd9695e07cf45258d9cae8215c91374",
        ),
        (
            format!("wss://{HOST}/dev?"),
            "fd85141da6e6a89e499e28b27c49e348746703b911be9c8a806f4bf777685dfe",
        ),
    ] {
        assert_eq!(signature(&presign(&url, None)), expected, "{url}");
    }
}

#[test]
fn the_url_is_written_as_it_was_signed() {
    // Default port, uppercase, raw space and UTF-8, fragment: the emitted URL is what a
    // browser would send, so nothing changes between signing and sending.
    let url = presign(
        &format!("WSS://{}:443/dev/a b/ü?q=x y#frag", HOST.to_uppercase()),
        None,
    );
    assert!(
        url.starts_with(&format!(
            "wss://{HOST}/dev/a%20b/%C3%BC?q=x%20y&X-Amz-Algorithm="
        )),
        "{url}"
    );
    assert!(!url.contains('#'));
    // `+` is a plus and is sent as %2B, `=` in a value is kept, `~` stays raw, a bare key
    // gets `=`.
    let url = presign(
        &format!("wss://{HOST}/dev?a=x+y&b=c=d&c=%2F&d=~&e=%7E&flag"),
        None,
    );
    assert!(
        url.contains("/dev?a=x%2By&b=c%3Dd&c=%2F&d=~&e=~&flag=&X-Amz-Algorithm="),
        "{url}"
    );
}

#[test]
fn the_emitted_query_keeps_the_original_order_and_appends_auth_parameters() {
    let url = presign(&format!("wss://{HOST}/dev?z=1&a=2&a=1"), Some("TOKEN"));
    let keys: Vec<&str> = url
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|p| p.split_once('=').unwrap().0)
        .collect();
    assert_eq!(
        keys,
        [
            "z",
            "a",
            "a",
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
            "X-Amz-Security-Token",
        ]
    );
}

#[test]
fn already_presigned_urls_are_refused() {
    let signed = presign(&format!("wss://{HOST}/dev?room=lobby"), None);
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let err = presign_url(
        &signed,
        &creds,
        &scope,
        datetime!(2020-01-31 10:02:33 UTC),
        Duration::from_secs(300),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::ReservedParameter {
            name: "X-Amz-Algorithm".into()
        }
    );
    for name in ["x-amz-signature", "X-AMZ-SECURITY-TOKEN", "X-Amz-%44ate"] {
        let err = presign_url(
            &format!("wss://{HOST}/dev?{name}=1"),
            &creds,
            &scope,
            datetime!(2020-01-31 10:02:33 UTC),
            Duration::from_secs(300),
        )
        .unwrap_err();
        assert!(matches!(err, Error::ReservedParameter { .. }), "{name}");
    }
}

#[test]
fn debug_output_hides_signature_and_token() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN)).unwrap();
    let scope = Scope::new("us-east-1", "execute-api").unwrap();
    let url = presign_url(
        &format!("wss://{HOST}/dev?room=lobby"),
        &creds,
        &scope,
        datetime!(2020-01-31 10:02:33 UTC),
        Duration::from_secs(300),
    )
    .unwrap();
    let shown = format!("{url:?} {}", url.redacted());
    assert!(!shown.contains("IQoJb3JpZ2luX2VjEJr"), "{shown}");
    assert!(
        !shown.contains("4fc3689a4477c18d6e19bf81d8f3b724"),
        "{shown}"
    );
    assert!(shown.contains("X-Amz-Security-Token=<redacted>"));
    assert!(shown.contains("room=lobby"));
}
