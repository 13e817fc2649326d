//! The URL to presign, split into the parts SigV4 needs, exactly as a client will send them.
//!
//! Browsers and WebSocket clients parse a URL with the WHATWG URL standard before connecting:
//! they lowercase the host, drop a default port, percent-encode spaces and non-ASCII
//! characters, resolve `.` and `..` segments and strip the fragment. The signature must cover
//! the request *as sent*, so every URL goes through the same parser (`url`, which implements
//! that standard) and the presigned URL is built from its serialization, with `[`, `]`, `^`
//! and `|` in the path encoded as well (clients disagree about those).
//!
//! URLs that are already in serialized form (lowercase `ws`/`wss`/`http`/`https` scheme,
//! lowercase DNS host, optional non-default port, a path and query that the parser would leave
//! alone) skip the parser: [`Target::parse`] checks that form byte by byte and borrows the
//! parts from the input. That fast path is an optimization only; a property test checks that
//! it agrees with the parser on every input it accepts.

use url::{Position, Url};

use crate::error::Error;

/// A URL scheme that can be presigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    Ws,
    Wss,
    Http,
    Https,
}

impl Scheme {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "ws" => Some(Self::Ws),
            "wss" => Some(Self::Wss),
            "http" => Some(Self::Http),
            "https" => Some(Self::Https),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Ws => "ws",
            Self::Wss => "wss",
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    pub(crate) fn is_websocket(self) -> bool {
        matches!(self, Self::Ws | Self::Wss)
    }

    fn default_port(self) -> &'static str {
        match self {
            Self::Ws | Self::Http => "80",
            Self::Wss | Self::Https => "443",
        }
    }
}

/// The parts of a URL that are signed and sent, borrowed from the input or from a parsed
/// [`Url`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    pub(crate) scheme: Scheme,
    /// What follows `scheme://` up to the path: `[userinfo@]host[:port]`.
    pub(crate) authority: &'a str,
    /// The `Host` header the client sends: lowercase host, `:port` unless it is the default.
    pub(crate) host: &'a str,
    /// The path as sent (at least `/`).
    pub(crate) path: &'a str,
    /// The query as sent, without the `?`; `None` when there is no `?`.
    pub(crate) query: Option<&'a str>,
}

/// Holds the parsed [`Url`] when the fast path does not apply.
pub(crate) type UrlStorage = Option<Url>;

impl<'a> Target<'a> {
    /// Parses `input`, borrowing from it when it is already in serialized form and from
    /// `storage` otherwise.
    pub(crate) fn parse_with(input: &'a str, storage: &'a mut UrlStorage) -> Result<Self, Error> {
        if let Some(target) = Self::parse_serialized(input) {
            return Ok(target);
        }
        let url = storage.insert(parse_url(input)?);
        Self::from_url(url)
    }

    /// Parses `input` with the URL parser (no fast path); used where speed does not matter.
    pub(crate) fn parse(input: &str) -> Result<OwnedTarget, Error> {
        Ok(OwnedTarget(parse_url(input)?))
    }

    fn from_url(url: &'a Url) -> Result<Self, Error> {
        let scheme = Scheme::from_name(url.scheme()).ok_or_else(|| Error::UnsupportedScheme {
            scheme: url.scheme().chars().take(32).collect(),
        })?;
        let host_name = url.host_str().unwrap_or_default();
        if host_name.is_empty() {
            return Err(Error::MissingHost);
        }
        Ok(Self {
            scheme,
            authority: &url[Position::BeforeUsername..Position::AfterPort],
            host: &url[Position::BeforeHost..Position::AfterPort],
            path: url.path(),
            query: url.query(),
        })
    }

    /// The fast path: accepts only input that the WHATWG parser would serialize unchanged
    /// (apart from dropping a fragment), so that borrowing it is the same as parsing it.
    fn parse_serialized(input: &'a str) -> Option<Self> {
        let (scheme_name, rest) = input.split_once("://")?;
        let scheme = Scheme::from_name(scheme_name)?;
        // The parser drops tabs and newlines anywhere, trims C0 controls and spaces, and
        // percent-encodes `"`, `'`, `<` and `>` in a query (the path check refuses them too).
        if input.bytes().any(|b| {
            b <= b' ' || b == 0x7f || !b.is_ascii() || matches!(b, b'"' | b'\'' | b'<' | b'>')
        }) {
            return None;
        }
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_and_query) = rest.split_at_checked(authority_end)?;
        let (host_name, port) = match authority.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (authority, None),
        };
        if !is_plain_dns_name(host_name) {
            return None;
        }
        if let Some(port) = port {
            // Non-empty digits, no leading zero, at most 65535, not the scheme's default.
            if port.is_empty()
                || port.len() > 5
                || port.starts_with('0')
                || !port.bytes().all(|b| b.is_ascii_digit())
                || port.parse::<u32>().ok()? > 65_535
                || port == scheme.default_port()
            {
                return None;
            }
        }
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        if !is_serialized_path(path) {
            return None;
        }
        Some(Self {
            scheme,
            authority,
            host: authority,
            path,
            query,
        })
    }
}

/// A [`Target`] whose storage is a parsed [`Url`] it owns.
pub(crate) struct OwnedTarget(Url);

impl OwnedTarget {
    pub(crate) fn host_name(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }
}

fn parse_url(input: &str) -> Result<Url, Error> {
    let mut url = Url::parse(input).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => Error::RelativeUrl,
        url::ParseError::EmptyHost => Error::MissingHost,
        other => Error::InvalidUrl {
            reason: other.to_string(),
        },
    })?;
    if Scheme::from_name(url.scheme()).is_none() {
        return Err(Error::UnsupportedScheme {
            scheme: url.scheme().chars().take(32).collect(),
        });
    }
    encode_ambiguous_path_chars(&mut url);
    Ok(url)
}

/// Whether clients disagree about sending `byte` raw in a path: the WHATWG parser (and so the
/// `url` crate) leaves `[`, `]`, `^` and `|` as they are, but they are not allowed in an RFC
/// 3986 path, the current WHATWG standard encodes `^`, and strict clients encode all four.
fn is_ambiguous_in_path(byte: u8) -> bool {
    matches!(byte, b'[' | b']' | b'^' | b'|')
}

/// Percent-encodes `[`, `]`, `^` and `|` in the path, so that every client sends the path
/// exactly as it is signed. (Any client leaves `%5B` as it is; the server decodes it to `[`.)
fn encode_ambiguous_path_chars(url: &mut Url) {
    if !url.path().bytes().any(is_ambiguous_in_path) {
        return;
    }
    let mut path = String::with_capacity(url.path().len() + 8);
    for c in url.path().chars() {
        match u8::try_from(c) {
            Ok(b) if is_ambiguous_in_path(b) => {
                path.push_str(percent_encoding::percent_encode_byte(b));
            }
            _ => path.push(c),
        }
    }
    url.set_path(&path);
}

/// A lowercase ASCII DNS name that the WHATWG host parser returns unchanged: labels of
/// `a-z 0-9 -`, none empty, none starting with `xn--` (those go through IDNA checks), and a
/// last label starting with a letter (so it cannot be read as an IPv4 address).
fn is_plain_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with("xn--")
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && name
            .rsplit('.')
            .next()
            .and_then(|last| last.bytes().next())
            .is_some_and(|b| b.is_ascii_lowercase())
}

/// A path that the WHATWG path parser leaves as it is: starts with `/`, only characters it does
/// not encode, `%` only as `%XX` and never `%2E` (which could spell a dot segment), and no `.`
/// or `..` segment.
fn is_serialized_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    let chars_ok = bytes.iter().enumerate().all(|(i, &b)| match b {
        b'A'..=b'Z'
        | b'a'..=b'z'
        | b'0'..=b'9'
        | b'-'
        | b'.'
        | b'_'
        | b'~'
        | b'!'
        | b'$'
        | b'&'
        | b'\''
        | b'('
        | b')'
        | b'*'
        | b'+'
        | b','
        | b';'
        | b'='
        | b':'
        | b'@'
        | b'/' => true,
        b'%' => match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(h), Some(l)) => {
                h.is_ascii_hexdigit()
                    && l.is_ascii_hexdigit()
                    && !(*h == b'2' && l.eq_ignore_ascii_case(&b'e'))
            }
            _ => false,
        },
        _ => false,
    });
    chars_ok && !path.split('/').any(|seg| seg == "." || seg == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(input: &str) -> Option<(Scheme, String, String, String, Option<String>)> {
        let url = parse_url(input).ok()?;
        let t = Target::from_url(&url).ok()?;
        Some((
            t.scheme,
            t.authority.to_owned(),
            t.host.to_owned(),
            t.path.to_owned(),
            t.query.map(str::to_owned),
        ))
    }

    fn fast(input: &str) -> Option<(Scheme, String, String, String, Option<String>)> {
        let t = Target::parse_serialized(input)?;
        Some((
            t.scheme,
            t.authority.to_owned(),
            t.host.to_owned(),
            t.path.to_owned(),
            t.query.map(str::to_owned),
        ))
    }

    #[test]
    fn fast_path_takes_serialized_urls() {
        for url in [
            "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby",
            "wss://h.example.com:8443/a/b%3D/@c?x=1&y&z=%20#frag",
            "ws://h.example/",
            "https://h.example/p?",
        ] {
            let f = fast(url);
            assert!(f.is_some(), "{url}");
            assert_eq!(f, slow(url), "{url}");
        }
    }

    #[test]
    fn fast_path_declines_what_the_parser_would_change() {
        for url in [
            "wss://H.example/",
            "wss://h.example:443/",
            "ws://h.example:80/",
            "wss://h.example:08443/",
            "wss://h.example",
            "wss://h.example?x",
            "wss://user@h.example/",
            "wss://h.example/a/../b",
            "wss://h.example/a/%2e%2E/b",
            "wss://h.example/a b",
            "wss://h.example/é",
            "wss://h.example/a\\b",
            "wss://127.0.0.1/",
            "wss://[::1]/",
            "wss://xn--bcher-kva.example/",
            "wss://h.example/\t",
            " wss://h.example/",
            "WSS://h.example/",
            "wss://h..example/",
            "wss://h.example/%zz",
        ] {
            assert!(fast(url).is_none(), "{url}");
        }
    }

    #[test]
    fn parser_normalizes_like_a_browser() {
        let (scheme, authority, host, path, query) =
            slow("WSS://User@EXAMPLE.com:443/a/./b/../c d/é?q=a b#f").unwrap();
        assert_eq!(scheme, Scheme::Wss);
        assert_eq!(authority, "User@example.com");
        assert_eq!(host, "example.com");
        assert_eq!(path, "/a/c%20d/%C3%A9");
        assert_eq!(query.as_deref(), Some("q=a%20b"));
        let (_, _, host, path, query) = slow("ws://[::1]:8080").unwrap();
        assert_eq!(
            (host.as_str(), path.as_str(), query),
            ("[::1]:8080", "/", None)
        );
    }

    #[test]
    fn characters_clients_disagree_about_are_encoded_in_the_path() {
        let (_, _, _, path, query) = slow("wss://h.example/a[b]^c|d/%5E?x=[^|]").unwrap();
        assert_eq!(path, "/a%5Bb%5D%5Ec%7Cd/%5E");
        // The query is decoded and encoded again by the signer anyway.
        assert_eq!(query.as_deref(), Some("x=[^|]"));
    }

    #[test]
    fn errors() {
        assert_eq!(parse_url("/dev?x").unwrap_err(), Error::RelativeUrl);
        assert_eq!(parse_url("wss://").unwrap_err(), Error::MissingHost);
        assert_eq!(
            parse_url("wss://:8443/dev").unwrap_err(),
            Error::MissingHost
        );
        assert!(matches!(
            parse_url("ftp://h.example/").unwrap_err(),
            Error::UnsupportedScheme { scheme } if scheme == "ftp"
        ));
        assert!(matches!(
            parse_url("mailto:a@b.example").unwrap_err(),
            Error::UnsupportedScheme { .. }
        ));
        assert!(matches!(
            parse_url("wss://h.example:99999/").unwrap_err(),
            Error::InvalidUrl { .. }
        ));
    }
}

/// The fast path against the parser, on URLs that are mostly in serialized form already (the
/// parser's own output) so that the fast path is taken often; the test checks that it is.
#[cfg(test)]
mod fast_path_property {
    use core::cell::Cell;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    use super::*;

    fn input() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(&["wss", "ws", "https", "http", "WSS"][..]);
        let host = prop_oneof![
            4 => "([a-z0-9-]{1,8}\\.){0,3}[a-z][a-z0-9-]{0,5}",
            1 => "[a-zA-Z0-9.-]{1,12}",
            1 => prop::sample::select(&[
                "127.0.0.1", "1.2.3", "[::1]", "xn--bcher-kva.example", "bücher.example",
                "a.b.c.1", "a.b.0x1", "h.example.", "_a.example", "a_b.example",
            ][..]).prop_map(String::from),
        ];
        let port = prop_oneof![
            4 => Just(String::new()),
            1 => prop::sample::select(&[":", ":0", ":80", ":443", ":8443", ":08443", ":65535", ":65536", ":99999"][..])
                .prop_map(String::from),
            1 => (0u32..70_000).prop_map(|p| format!(":{p}")),
        ];
        let segment = prop_oneof![
            4 => "[a-zA-Z0-9._~!$&()*+,;=:@-]{0,6}",
            1 => prop::sample::select(&[
                "'", ".", "..", "%2e", "%2E", ".%2e", "%2e.", "%41", "%zz", "%", "%4", "a b", "é",
                "[x]", "^", "|", "\\", "\"", "{}", "`", "<>", "%2F", "%25", "%2E%2E",
            ][..]).prop_map(String::from),
        ];
        let path = prop::collection::vec(segment, 0..5).prop_map(|s| {
            if s.is_empty() {
                String::new()
            } else {
                format!("/{}", s.join("/"))
            }
        });
        let query = prop_oneof![
            1 => Just(String::new()),
            3 => "\\?[a-zA-Z0-9._~!$&()*+,;=:@/?%-]{0,12}",
            1 => "\\?[ -~]{0,12}",
        ];
        let fragment = prop_oneof![3 => Just(String::new()), 1 => "#[ -~]{0,6}"];
        let userinfo = prop_oneof![6 => Just(""), 1 => Just("user@"), 1 => Just("@")];
        (scheme, userinfo, host, port, path, query, fragment).prop_map(
            |(scheme, userinfo, host, port, path, query, fragment)| {
                format!("{scheme}://{userinfo}{host}{port}{path}{query}{fragment}")
            },
        )
    }

    #[test]
    fn fast_path_agrees_with_the_parser_wherever_it_applies() {
        let taken = Cell::new(0u32);
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::default()
        });
        let cases = runner.config().cases;
        runner
            .run(&input(), |raw| {
                // The parser's serialization of the input, when it has one, is the form the
                // fast path is for; try both.
                let serialized = Url::parse(&raw).map(String::from).ok();
                for input in core::iter::once(&raw).chain(serialized.as_ref()) {
                    let Some(fast) = Target::parse_serialized(input) else {
                        continue;
                    };
                    taken.set(taken.get() + 1);
                    let url = Url::parse(input).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    let slow =
                        Target::from_url(&url).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(fast.scheme, slow.scheme, "{}", input);
                    prop_assert_eq!(fast.authority, slow.authority, "{}", input);
                    prop_assert_eq!(fast.host, slow.host, "{}", input);
                    prop_assert_eq!(fast.path, slow.path, "{}", input);
                    prop_assert_eq!(fast.query, slow.query, "{}", input);
                    // And the input needs no fix-up of `[ ] ^ |` (the fast path declines those).
                    let mut fixed = url.clone();
                    encode_ambiguous_path_chars(&mut fixed);
                    prop_assert_eq!(fixed.path(), fast.path, "{}", input);
                }
                Ok(())
            })
            .unwrap();
        // The property is only worth something if the fast path is actually taken.
        assert!(
            taken.get() >= cases / 2,
            "fast path taken {} times",
            taken.get()
        );
    }
}
