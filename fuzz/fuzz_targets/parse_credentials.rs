//! `Credentials::new`, `Scope::new`, `Scope::from_url`, `uri_encode` and `append_query` on
//! arbitrary strings.
//!
//! Checks that nothing panics and that each accepts exactly what its documentation allows:
//! the credential rules (access key id 1 to 128 of `A-Z a-z 0-9 _`; secret and token
//! non-empty printable ASCII), the scope names (1 to 64 of `a-z 0-9 -`), the endpoint table of
//! `Scope::from_url` (modelled here from its documentation, over the URL as the `url` crate
//! parses it), RFC 3986 encoding for `uri_encode`, and for `append_query` the URL up to its
//! first `#`, then `?` or `&` as needed, the encoded pairs and the fragment. `Debug` of
//! credentials does not depend on the secret's or the token's value (so cannot show them),
//! and no error is empty.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{decode, encode};
use libfuzzer_sys::fuzz_target;
use sigv4_wss::{Credentials, Error, Scope, append_query, uri_encode};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    access_key_id: &'a str,
    secret: &'a str,
    token: Option<&'a str>,
    region: &'a str,
    service: &'a str,
    url: &'a str,
    pairs: Vec<(&'a str, &'a str)>,
}

fn printable(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

fn scope_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What `Scope::from_url` documents: `Err(None)` for a URL that cannot be presigned (not
/// absolute, not ws/wss/http/https, no host, user info, `//` in the path), `Err(Some(host))`
/// for a host outside its table, else region and service.
fn documented_scope(url: &str) -> Result<(String, &'static str), Option<String>> {
    let parsed = url::Url::parse(url).map_err(|_| None)?;
    let host = parsed.host_str().unwrap_or("");
    if !matches!(parsed.scheme(), "ws" | "wss" | "http" | "https")
        || host.is_empty()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        // An empty path segment, which SigV4 signs as none (refused since 7b4c8bd).
        || parsed.path().contains("//")
    {
        return Err(None);
    }
    let unknown = || Err(Some(host.to_owned()));
    let suffixes = [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"];
    let Some(rest) = suffixes.into_iter().find_map(|suffix| host.strip_suffix(suffix)) else {
        return unknown();
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let (region, service) = match labels[..] {
        [id, "execute-api", region] if !id.is_empty() => (region, "execute-api"),
        // `{prefix}.iot`, `{prefix}.iot-fips`, `{prefix}.ats.iot`: any non-empty prefix.
        [prefix, "iot" | "iot-fips", region] | [prefix, "ats", "iot", region]
            if !prefix.is_empty() =>
        {
            (region, "iotdevicegateway")
        }
        ["transcribestreaming" | "transcribestreaming-fips", region] => (region, "transcribe"),
        [name, cluster, region, "neptune"] if !name.is_empty() && !cluster.is_empty() => {
            (region, "neptune-db")
        }
        _ => return unknown(),
    };
    if scope_name(region) { Ok((region.to_owned(), service)) } else { unknown() }
}

fuzz_target!(|input: Input<'_>| {
    let akid_ok = (1..=128).contains(&input.access_key_id.len())
        && input.access_key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match Credentials::new(input.access_key_id, input.secret, input.token) {
        Ok(credentials) => {
            assert!(akid_ok && printable(input.secret));
            assert!(input.token.is_none_or(printable));
            assert_eq!(credentials.access_key_id(), input.access_key_id);
            assert_eq!(credentials.has_session_token(), input.token.is_some());
            // Debug depends on the access key id and on whether there is a token, never on
            // the secret's or the token's value.
            let other = Credentials::new(input.access_key_id, "S", input.token.map(|_| "T"))
                .expect("valid");
            assert_eq!(format!("{credentials:?}"), format!("{other:?}"));
            assert_eq!(format!("{credentials:#?}"), format!("{other:#?}"));
        }
        Err(e) => {
            match &e {
                Error::InvalidAccessKeyId { .. } => assert!(!akid_ok),
                Error::InvalidSecretAccessKey { .. } => {
                    assert!(akid_ok && !printable(input.secret));
                }
                Error::InvalidSessionToken { .. } => {
                    assert!(akid_ok && printable(input.secret));
                    assert!(!input.token.is_none_or(printable));
                }
                other => panic!("unexpected error {other:?}"),
            }
            // Their reasons are static strings, so these errors cannot hold the values.
            assert!(!e.to_string().is_empty());
        }
    }

    match Scope::new(input.region, input.service) {
        Ok(scope) => {
            assert!(scope_name(input.region) && scope_name(input.service));
            assert_eq!((scope.region(), scope.service()), (input.region, input.service));
        }
        Err(Error::InvalidRegion { region }) => {
            assert!(!scope_name(input.region));
            assert!(input.region.starts_with(&region) && region.chars().count() <= 64);
        }
        Err(Error::InvalidService { service }) => {
            assert!(scope_name(input.region) && !scope_name(input.service));
            assert!(input.service.starts_with(&service) && service.chars().count() <= 64);
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }

    match (Scope::from_url(input.url), documented_scope(input.url)) {
        (Ok(scope), Ok((region, service))) => {
            assert_eq!((scope.region(), scope.service()), (region.as_str(), service));
        }
        (Err(Error::UnknownEndpoint { host }), Err(Some(documented))) => {
            assert_eq!(host, documented);
        }
        (
            Err(
                Error::InvalidUrl { .. }
                | Error::RelativeUrl
                | Error::UnsupportedScheme { .. }
                | Error::MissingHost
                | Error::UserInfoInUrl,
            ),
            Err(None),
        ) => {}
        (got, documented) => panic!("Scope::from_url: {got:?}, documented {documented:?}"),
    }

    // uri_encode: RFC 3986's unreserved characters kept, every other byte %XX.
    for (key, value) in &input.pairs {
        assert_eq!(uri_encode(key), encode(key));
        assert_eq!(uri_encode(value), encode(value));
    }

    // append_query: the URL up to its first '#', a separator, the encoded pairs, the fragment.
    let pairs = &input.pairs;
    let appended = append_query(input.url, pairs);
    let (head, fragment) = input.url.split_at(input.url.find('#').unwrap_or(input.url.len()));
    let items: Vec<String> =
        pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    // No separator after an empty query (`?` at its start) or a trailing `&`; a query that
    // ends in any other byte (a `?` inside it included) gets `&`, else the first pair would
    // join its last item.
    let separator = match head.find('?') {
        _ if pairs.is_empty() => "",
        None => "?",
        Some(at) if at + 1 == head.len() || head.ends_with('&') => "",
        Some(_) => "&",
    };
    assert_eq!(appended, format!("{head}{separator}{}{fragment}", items.join("&")));
    for item in &items {
        let (k, v) = item.split_once('=').expect("written with '='");
        assert!(!k.contains(['&', '=', '#', '+']) && !v.contains(['&', '=', '#', '+']));
    }
    // A URL of the crate's schemes in the URL parser's serialized form stays valid, and its
    // query ends with the pairs, read back exactly. (Other URLs can change meaning when
    // something follows: the parser trims spaces and controls at the end, `i://@` parses but
    // `i://@?k=` does not.)
    if let Ok(before) = url::Url::parse(input.url)
        && before.as_str() == input.url
        && matches!(before.scheme(), "ws" | "wss" | "http" | "https")
    {
        let after = url::Url::parse(&appended).expect("appending keeps a URL valid");
        assert_eq!(after.fragment(), before.fragment());
        let query = after.query().unwrap_or("");
        let read: Vec<(Vec<u8>, Vec<u8>)> =
            common::split_query(query).iter().map(|(k, v)| (decode(k), decode(v))).collect();
        let want: Vec<(Vec<u8>, Vec<u8>)> =
            pairs.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec())).collect();
        assert!(read.ends_with(&want), "{appended}: {read:?}");
    }
});
