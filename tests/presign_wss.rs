//! `presign_url` and `Presigner::presign` on `wss://` URLs, against signatures that
//! independent implementations agree on: the main case of the project's peer measurements, which
//! aws-sigv4, botocore, @smithy/signature-v4, aws-c-auth and aws4 all sign identically, its
//! edge cases where the oracles agree, and URLs built with `append_query` (signed by botocore
//! 1.44.5 and by a SigV4 written with Python's `hmac`). Also `PresignedUrl::expires_at` and
//! the redacted forms of a presigned URL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Duration;

use sigv4_wss::{
    Credentials, Error, PresignedUrl, Presigner, Scope, Verifier, append_query, presign_url,
};
use time::OffsetDateTime;
use time::macros::datetime;

const HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The 800-character session token of the project's peer measurements.
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K/CDygjzms46f5cO81VNm0Vyhu855/I5mq04eplbna3CYiuWvE4+m6YoSX+OzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj+Us6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe+szpOnompHhgtUFnpQ8U1H1MCm18M6kS/RsFjVObI6iujnXCx/BgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA+ahFixOGm7o/MnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo/k0uz8Rx7xzPVybRojfmiciZ/dvQeCRkWiNGtFnrmYLu+4b7+rbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN/NIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd+egySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6+6T+KH2yEl++BMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j/UPORbp3kj8fLLT6ROvX2aGWkAzeyl/kuEQxc7HNgTIZjg7uFIsvetkiI2+3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc/OfNMqYLtaN==";

/// The main case's signature without a token; also that of every URL that sends the same
/// request (default port written out, uppercase host, a fragment).
const MAIN_SIG: &str = "dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6";

const T0: OffsetDateTime = datetime!(2020-01-31 10:02:33 UTC);
const FIVE_MINUTES: Duration = Duration::from_secs(300);

fn creds(token: Option<&str>) -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, token).unwrap()
}

fn scope() -> Scope {
    Scope::new("us-east-1", "execute-api").unwrap()
}

fn try_presign(url: &str, token: Option<&str>) -> Result<PresignedUrl, Error> {
    presign_url(url, &creds(token), &scope(), T0, FIVE_MINUTES)
}

fn presign(url: &str, token: Option<&str>) -> String {
    try_presign(url, token).unwrap().into_string()
}

fn signature(url: &str) -> &str {
    url.rsplit_once("X-Amz-Signature=").unwrap().1.split('&').next().unwrap()
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
    // Copied verbatim from the project's peer measurements, where five implementations agree on it.
    const EXPECTED: &str = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D";
    let url = presign(&format!("wss://{HOST}/dev?room=lobby"), Some(TOKEN));
    assert_eq!(url, EXPECTED);
    assert_eq!(url.len(), 1227);
    // Strict encoding: only A-Z a-z 0-9 - . _ ~ stay raw; the token's / + = are escaped.
    let token = url.rsplit_once("X-Amz-Security-Token=").unwrap().1;
    assert!(!token.contains(['/', '+', '=']));
}

#[test]
fn presigner_gives_the_same_urls_as_presign_url() {
    let presigner = Presigner::new(creds(Some(TOKEN)), scope());
    assert_eq!(presigner.scope(), &scope());
    let time = T0;
    for url in [
        format!("wss://{HOST}/dev?room=lobby"),
        format!("wss://{HOST}/dev?a=x+y&k=2&k=1&flag"),
        format!("wss://{HOST}:8443/other/a b"),
    ] {
        // Twice: the second call uses the cached key of the day.
        for _ in 0..2 {
            assert_eq!(
                presigner.presign(&url, time, FIVE_MINUTES).unwrap().into_string(),
                presign(&url, Some(TOKEN)),
                "{url}"
            );
        }
    }
    // The next day derives another key; still what presign_url gives.
    let next_day = time + Duration::from_secs(86_400);
    let url = format!("wss://{HOST}/dev?room=lobby");
    let ours = presigner.presign(&url, next_day, FIVE_MINUTES).unwrap();
    let theirs = presign_url(&url, &creds(Some(TOKEN)), &scope(), next_day, FIVE_MINUTES).unwrap();
    assert_eq!(ours.as_str(), theirs.as_str());
    assert!(ours.as_str().contains("%2F20200201%2F"), "{}", ours.as_str());
}

/// Refreshed credentials take effect on the next call (the cached key of the day is dropped).
#[test]
fn presigner_signs_with_replaced_credentials() {
    let presigner = Presigner::new(creds(Some(TOKEN)), scope());
    let url = format!("wss://{HOST}/dev?room=lobby");
    let before = presigner.presign(&url, T0, FIVE_MINUTES).unwrap();
    assert_eq!(
        signature(before.as_str()),
        "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b"
    );
    presigner.set_credentials(creds(None));
    let after = presigner.presign(&url, T0, FIVE_MINUTES).unwrap();
    assert_eq!(signature(after.as_str()), MAIN_SIG);
    assert!(!after.as_str().contains("X-Amz-Security-Token"));
}

/// Edge cases from the project's peer measurements where botocore, @smithy/signature-v4, aws-c-auth and aws4
/// agree (the aws-sigv4 value is listed there too when it is right).
#[test]
fn edge_cases_agree_with_the_reference_implementations() {
    for (url, expected) in [
        // A non-default port is part of the signed Host (all four agree).
        (
            format!("wss://{HOST}:8443/dev?room=lobby"),
            "13fa847472d36b825705ae744c5ccf708d8cd276d8b5ade1087d2580dc6ac073",
        ),
        // wss:443 and ws:80 are default ports: Host has no port.
        (format!("wss://{HOST}:443/dev?room=lobby"), MAIN_SIG),
        (format!("ws://{HOST}:80/dev?room=lobby"), MAIN_SIG),
        // The host is lowercased.
        (format!("wss://{}/dev?room=lobby", HOST.to_uppercase()), MAIN_SIG),
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
        // `.` is resolved (all four agree, and sign `/dev//a/./b` the same: they collapse `//`,
        // which the crate refuses below).
        (
            format!("wss://{HOST}/dev/a/./b"),
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
    // An empty path segment is signed as none, so a signature cannot tell `/dev//a` from
    // `/dev/a`: the crate refuses to sign one.
    let creds = creds(None);
    let result = presign_url(&format!("wss://{HOST}/dev//a"), &creds, &scope(), T0, FIVE_MINUTES);
    assert!(matches!(result, Err(Error::InvalidUrl { .. })), "{result:?}");
}

#[test]
fn the_url_is_written_as_it_was_signed() {
    // Default port, uppercase, raw space and UTF-8, fragment: the emitted URL is what a
    // browser would send, so nothing changes between signing and sending.
    let url = presign(&format!("WSS://{}:443/dev/a b/ü?q=x y#frag", HOST.to_uppercase()), None);
    assert!(
        url.starts_with(&format!("wss://{HOST}/dev/a%20b/%C3%BC?q=x%20y&X-Amz-Algorithm=")),
        "{url}"
    );
    assert!(!url.contains('#'));
    // `+` is a plus and is sent as %2B, `=` in a value is kept, `~` stays raw, a bare key
    // gets `=`.
    let url = presign(&format!("wss://{HOST}/dev?a=x+y&b=c=d&c=%2F&d=~&e=%7E&flag"), None);
    assert!(url.contains("/dev?a=x%2By&b=c%3Dd&c=%2F&d=~&e=~&flag=&X-Amz-Algorithm="), "{url}");
}

#[test]
fn the_emitted_query_keeps_the_original_order_and_appends_auth_parameters() {
    let url = presign(&format!("wss://{HOST}/dev?z=1&a=2&a=1"), Some("TOKEN"));
    let keys: Vec<&str> =
        url.split_once('?').unwrap().1.split('&').map(|p| p.split_once('=').unwrap().0).collect();
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
    assert_eq!(
        try_presign(&signed, None).unwrap_err(),
        Error::ReservedParameter { name: "X-Amz-Algorithm".into() }
    );
    for name in [
        "x-amz-signature",
        "X-AMZ-SECURITY-TOKEN",
        "X-Amz-%44ate",
        "x-amz-credential",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
    ] {
        let err = try_presign(&format!("wss://{HOST}/dev?{name}=1"), None).unwrap_err();
        assert!(matches!(err, Error::ReservedParameter { .. }), "{name}: {err:?}");
    }
}

/// Only the seven authentication names are reserved: Kinesis Video's signaling URL carries
/// `X-Amz-ChannelARN` and `X-Amz-ClientId` as its own parameters. botocore 1.44.5,
/// @smithy/signature-v4 5.7.5 and aws-c-auth (awscrt 0.38.1) all sign it `c8c306e7…`, and
/// botocore's URL is this one byte for byte.
#[test]
fn other_x_amz_parameters_are_the_urls_own() {
    let url = "wss://m-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-west-2%3A123456789012%3Achannel%2Fdemo%2F1234567890123&X-Amz-ClientId=viewer1";
    let scope = Scope::new("us-west-2", "kinesisvideo").unwrap();
    let signed = presign_url(url, &creds(None), &scope, T0, FIVE_MINUTES).unwrap();
    assert_eq!(
        signed.as_str(),
        format!(
            "{url}&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-west-2%2Fkinesisvideo%2Faws4_request\
             &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=c8c306e7843f4e82c34bd830da9b4c33ec1db6b598ef142dcfaafb60512e0cb9"
        )
    );
    let verified = Verifier::new(creds(None), &scope).verify_url(signed.as_str(), T0).unwrap();
    assert_eq!(
        verified.query(),
        [
            (
                "X-Amz-ChannelARN".to_owned(),
                "arn:aws:kinesisvideo:us-west-2:123456789012:channel/demo/1234567890123".to_owned()
            ),
            ("X-Amz-ClientId".to_owned(), "viewer1".to_owned()),
        ]
    );
}

#[test]
fn urls_with_a_user_name_or_password_are_refused() {
    for url in [
        format!("wss://user:pass@{HOST}/dev"),
        format!("wss://user@{HOST}/dev"),
        format!("wss://:pass@{HOST}:8443/dev"),
    ] {
        assert_eq!(try_presign(&url, None).unwrap_err(), Error::UserInfoInUrl, "{url}");
    }
}

#[test]
fn debug_and_redacted_output_hide_signature_and_token() {
    let url = try_presign(&format!("wss://{HOST}/dev?room=lobby"), Some(TOKEN)).unwrap();
    let shown = format!("{url:?} {} {:?}", url.redacted(), url.redacted());
    assert!(!shown.contains("IQoJb3JpZ2luX2VjEJr"), "{shown}");
    assert!(!shown.contains("4fc3689a4477c18d6e19bf81d8f3b724"), "{shown}");
    assert_eq!(
        url.redacted().to_string(),
        format!(
            "wss://{HOST}/dev?room=lobby&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
             &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>"
        )
    );
    assert!(shown.starts_with("PresignedUrl(wss://"), "{shown}");
    // A parameter named Authorization is a credential by its name, in any letter case.
    let url = try_presign(&format!("wss://{HOST}/dev?AUTHORIZATION=bearer&a"), None).unwrap();
    let shown = url.redacted().to_string();
    assert!(
        shown.starts_with(&format!("wss://{HOST}/dev?AUTHORIZATION=<redacted>&a=&")),
        "{shown}"
    );
    // `as_str` and `into_string` give the same URL.
    let text = url.as_str().to_owned();
    assert_eq!(url.into_string(), text);
}

// ---- append_query ---------------------------------------------------------------------------

#[test]
fn append_query_encodes_with_the_sigv4_encoder() {
    for (url, pairs, expected) in [
        // A space is %20 (not `+`), `+` is %2B, `&` %26, `=` %3D, `;` %3B, `#` %23, `%` %25,
        // `/` %2F, UTF-8 byte by byte; `-._~` and alphanumerics stay.
        (
            "wss://h/dev",
            &[("room", "a b&c"), ("k", "+"), ("e", "x=y;z#w%"), ("p", "a/b~-._")][..],
            "wss://h/dev?room=a%20b%26c&k=%2B&e=x%3Dy%3Bz%23w%25&p=a%2Fb~-._",
        ),
        (
            "wss://h/dev",
            &[("city", "Zürich"), ("emoji", "🙂")],
            "wss://h/dev?city=Z%C3%BCrich&emoji=%F0%9F%99%82",
        ),
        // Keys are encoded too; an empty value keeps its `=`.
        ("wss://h/dev", &[("my key", ""), ("a[b]", "1")], "wss://h/dev?my%20key=&a%5Bb%5D=1"),
        // Joined to an existing query with `&`, to a bare `?` or a trailing `&` with nothing.
        ("wss://h/dev?v=1", &[("a", "1")], "wss://h/dev?v=1&a=1"),
        ("wss://h/dev?", &[("a", "1"), ("b", "2")], "wss://h/dev?a=1&b=2"),
        ("wss://h/dev?v=1&", &[("a", "1")], "wss://h/dev?v=1&a=1"),
        // Before a fragment, which is kept.
        ("wss://h/dev#top", &[("a", "1")], "wss://h/dev?a=1#top"),
        ("wss://h/dev?v=1#top", &[("a", "#")], "wss://h/dev?v=1&a=%23#top"),
        // Nothing to append: unchanged.
        ("wss://h/dev?v=1", &[], "wss://h/dev?v=1"),
    ] {
        assert_eq!(append_query(url, pairs), expected, "{url} {pairs:?}");
    }
}

/// A URL built with `append_query` presigns to botocore's URL byte for byte (botocore 1.44.5
/// on `…/dev?room=a%20b%26c&k=%2B&name=Z%C3%BCrich%3Bx%3D1`; a SigV4 written with Python's
/// `hmac` and `hashlib` gives the same signature), verifies, and the verifier gives back the
/// pairs as they were before encoding.
#[test]
fn append_query_urls_presign_like_botocore_and_verify() {
    let pairs = [("room", "a b&c"), ("k", "+"), ("name", "Zürich;x=1")];
    let url = append_query(&format!("wss://{HOST}/dev"), &pairs);
    let signed = presign(&url, None);
    assert_eq!(
        signed,
        format!(
            "wss://{HOST}/dev?room=a%20b%26c&k=%2B&name=Z%C3%BCrich%3Bx%3D1\
             &X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request\
             &X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=a93a8993d547a60e73137142bbcfc390dd763a670c59542422af13aaa7d7e0ca"
        )
    );
    let verified = Verifier::new(creds(None), &scope()).verify_url(&signed, T0).unwrap();
    let expected = canonical_order(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    assert_eq!(verified.query(), expected);
}

/// The pairs in canonical order, as `Verified::query` lists them: by encoded key, then value.
fn canonical_order(pairs: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = pairs.collect();
    pairs.sort_by_key(|(k, v)| (sigv4_wss::uri_encode(k), sigv4_wss::uri_encode(v)));
    pairs
}

/// Any pairs round-trip: what `append_query` encodes, the presigned URL carries and the
/// verifier decodes to the same pairs, in canonical order (repeated keys, empty keys and
/// values, characters that are separators elsewhere, a fragment in the base URL).
#[test]
fn append_query_pairs_round_trip_through_presign_and_verify() {
    let awkward: &[&[(&str, &str)]] = &[
        &[("a", "1"), ("a", "0"), ("a", "1")],
        &[("", "empty key"), ("empty value", ""), ("", "")],
        &[("q", "1+1=2 & 3;4"), ("path", "/a/../b?c#d"), ("pct", "%41%zz%")],
        &[("tab\tnl\n", "cr\r"), ("quote\"'<>", "`{}|\\^"), ("x", "~!*()'")],
        &[("ключ", "значение"), ("日本", "語")],
    ];
    let server = Verifier::new(creds(Some(TOKEN)), &scope());
    for pairs in awkward {
        for base in [format!("wss://{HOST}/dev"), format!("wss://{HOST}/dev?v=1#frag")] {
            let url = append_query(&base, pairs);
            let signed = presign(&url, Some(TOKEN));
            let verified = server.verify_url(&signed, T0).unwrap_or_else(|e| panic!("{url}: {e}"));
            let mut expected: Vec<(String, String)> = Vec::new();
            if base.contains("v=1") {
                expected.push(("v".to_owned(), "1".to_owned()));
            }
            expected.extend(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
            assert_eq!(verified.query(), canonical_order(expected.into_iter()), "{url}");
            // The encoded pairs are written unchanged into the presigned URL.
            let appended = url.split_once('#').map_or(url.as_str(), |(u, _)| u);
            assert!(signed.starts_with(&format!("{appended}&X-Amz-Algorithm=")), "{signed}");
        }
    }
}

// ---- expires_at -----------------------------------------------------------------------------

#[test]
fn expires_at_is_the_signing_time_plus_the_expiry_in_utc() {
    let url = format!("wss://{HOST}/dev?room=lobby");
    let at = |time: OffsetDateTime, secs: u64| {
        presign_url(&url, &creds(None), &scope(), time, Duration::from_secs(secs))
            .unwrap()
            .expires_at()
    };
    assert_eq!(at(T0, 300), datetime!(2020-01-31 10:07:33 UTC));
    assert_eq!(at(T0, 1), datetime!(2020-01-31 10:02:34 UTC));
    // Across a leap day, 7 days.
    assert_eq!(at(datetime!(2024-02-29 23:59:59 UTC), 604_800), datetime!(2024-03-07 23:59:59 UTC));
    // Given in another offset: the same instant, returned in UTC.
    let local = at(datetime!(2020-01-31 11:02:33 +01:00), 300);
    assert_eq!(local, datetime!(2020-01-31 10:07:33 UTC));
    assert_eq!(local.offset(), time::UtcOffset::UTC);
    // The Presigner's is the same.
    let presigner = Presigner::new(creds(None), scope());
    assert_eq!(
        presigner.presign(&url, T0, Duration::from_secs(3600)).unwrap().expires_at(),
        datetime!(2020-01-31 11:02:33 UTC)
    );
}

/// Fractions of a second are not signed (`X-Amz-Date` has whole seconds), so the URL
/// expires `X-Amz-Expires` after the whole second: exactly when a server stops taking it.
#[test]
fn expires_at_is_when_the_verifier_stops_accepting_the_url() {
    let time = datetime!(2020-01-31 10:02:33.999 UTC);
    let url = format!("wss://{HOST}/dev?room=lobby");
    let whole = presign(&url, None);
    let signed = presign_url(&url, &creds(None), &scope(), time, FIVE_MINUTES).unwrap();
    assert_eq!(signed.as_str(), whole);
    assert_eq!(signed.expires_at(), datetime!(2020-01-31 10:07:33 UTC));
    let verifier = Verifier::new(creds(None), &scope()).clock_skew(Duration::ZERO);
    let end = signed.expires_at();
    assert!(verifier.verify_url(signed.as_str(), end).is_ok());
    assert!(matches!(
        verifier.verify_url(signed.as_str(), end + Duration::from_secs(1)),
        Err(Error::Expired { valid_secs: 300, .. })
    ));
}
