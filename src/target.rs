//! The URL to presign, split into the parts SigV4 needs, exactly as a client will send them.
//!
//! Browsers and WebSocket clients parse a URL with the WHATWG URL standard before connecting:
//! they lowercase the host, drop a default port, percent-encode spaces and non-ASCII
//! characters, resolve `.` and `..` segments and strip the fragment. The signature must cover
//! the request *as sent*, so every URL goes through the same parser (`url`, which implements
//! that standard) and the presigned URL is built from its serialization. One step goes
//! further than the standard: `[`, `]`, `^` and `|`, which it leaves raw in a path although
//! RFC 3986 forbids them there, are percent-encoded too, because clients disagree on how to
//! send them raw (see `escape_path_chars_rfc3986_forbids`).
//!
//! URLs that are already in serialized form (lowercase `ws`/`wss`/`http`/`https` scheme,
//! lowercase DNS host, optional non-default port, a path and query that the parser would leave
//! alone) skip the parser: [`Target::parse`] checks that form byte by byte and borrows the
//! parts from the input. That fast path is an optimization only; a property test checks that
//! it agrees with the parser on every input it accepts.

use url::{Position, Url};

use crate::encode::is_unreserved;
use crate::error::Error;
use crate::scan::visit_special;
use crate::sink::ByteTable;

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
    /// What comes before the query: `scheme://[userinfo@]host[:port]/path`.
    pub(crate) head: &'a str,
    pub(crate) scheme: Scheme,
    /// The `Host` header the client sends: lowercase host, `:port` unless it is the default.
    pub(crate) host: &'a str,
    /// The path as sent (at least `/`).
    pub(crate) path: &'a str,
    /// The query as sent, without the `?`; `None` when there is no `?`.
    pub(crate) query: Option<&'a str>,
    /// Whether `path` is its own canonical URI: normalized (no empty, `.` or `..` segment but
    /// a trailing one) and of unreserved characters and `/` only. Known on the fast path only
    /// (`false` otherwise).
    pub(crate) path_is_canonical: bool,
    /// Whether the query is *simple*: empty, or items `key=value` of unreserved characters
    /// only, each key starting with a byte that sorts after `X` other than `x`, in canonical
    /// order (by key, then value); the presigner then signs it as it is. Known on the fast path
    /// for a query of at most one item, or with an item that is not of that form; `None`
    /// otherwise (see `presign::is_simple_query`).
    pub(crate) simple_query: Option<bool>,
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
        let mut url = parse_url(input)?;
        escape_path_chars_rfc3986_forbids(&mut url);
        Self::from_url(storage.insert(url))
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
            head: &url[..Position::AfterPath],
            scheme,
            host: &url[Position::BeforeHost..Position::AfterPort],
            path: url.path(),
            query: url.query(),
            path_is_canonical: false,
            simple_query: None,
        })
    }

    /// The fast path: accepts only input that the WHATWG parser would serialize unchanged
    /// (apart from dropping a fragment), so that borrowing it is the same as parsing it.
    ///
    /// One pass over the bytes after the scheme, looking only at those that are not a
    /// lowercase letter, digit or `-` (see [`Scanner`]): every byte must be printable ASCII
    /// (the parser drops tabs and newlines and trims spaces and controls), the host a plain
    /// lowercase DNS name, the port canonical and not the default, the path one the parser
    /// leaves alone.
    fn parse_serialized(input: &'a str) -> Option<Self> {
        let bytes = input.as_bytes();
        let (scheme, after_scheme) = if bytes.starts_with(b"wss://") {
            (Scheme::Wss, 6)
        } else if bytes.starts_with(b"ws://") {
            (Scheme::Ws, 5)
        } else if bytes.starts_with(b"https://") {
            (Scheme::Https, 8)
        } else if bytes.starts_with(b"http://") {
            (Scheme::Http, 7)
        } else {
            return None;
        };
        let rest = bytes.get(after_scheme..)?;
        let mut scanner = Scanner::new(rest);
        if !visit_special(rest, is_special, |i| scanner.visit(i)) {
            return None;
        }
        let parts = scanner.finish()?;
        let at = |n: usize| after_scheme + n;
        let authority = input.get(after_scheme..at(parts.authority_end))?;
        if let Some(colon) = parts.colon
            && !is_canonical_port(authority.get(colon + 1..)?, scheme)
        {
            return None;
        }
        Some(Self {
            head: input.get(..at(parts.path_end))?,
            scheme,
            host: authority,
            path: input.get(at(parts.authority_end)..at(parts.path_end))?,
            query: match parts.query {
                Some((start, end)) => Some(input.get(at(start)..at(end))?),
                None => None,
            },
            path_is_canonical: parts.path_is_canonical,
            simple_query: parts.simple_query,
        })
    }
}

/// What the fast path does not skip: anything but `a-z`, `0-9` and `-`.
#[inline]
fn is_special(b: u8) -> bool {
    !(b.wrapping_sub(b'a') < 26 || b.wrapping_sub(b'0') < 10 || b == b'-')
}

/// Which part of the URL the [`Scanner`] is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Authority,
    Path,
    Query,
    Fragment,
}

/// Where [`Scanner::finish`] found the parts, as offsets after `scheme://`.
struct Parts {
    authority_end: usize,
    colon: Option<usize>,
    path_end: usize,
    query: Option<(usize, usize)>,
    path_is_canonical: bool,
    simple_query: Option<bool>,
}

/// The fast path's check of what follows `scheme://`, visited at the [special](is_special)
/// bytes only (in order): the ordinary ones are valid everywhere, except that after a `:` in
/// the authority the port is checked as a whole.
struct Scanner<'r> {
    rest: &'r [u8],
    section: Section,
    /// The start of the current host label (authority) or path segment (path).
    part_start: usize,
    colon: Option<usize>,
    authority_end: usize,
    path_end: usize,
    query_end: usize,
    /// See [`Target::path_is_canonical`].
    path_is_canonical: bool,
    /// The query's items so far, whether the current one has its `=`, and whether all so far
    /// are of the form of a [simple](Target::simple_query) query (order aside).
    query_items: u32,
    query_item_has_eq: bool,
    query_items_simple: bool,
}

impl<'r> Scanner<'r> {
    fn new(rest: &'r [u8]) -> Self {
        Self {
            rest,
            section: Section::Authority,
            part_start: 0,
            colon: None,
            authority_end: 0,
            path_end: 0,
            query_end: 0,
            path_is_canonical: true,
            query_items: 0,
            query_item_has_eq: false,
            query_items_simple: true,
        }
    }

    /// Checks the special byte at `i`; `false` if the fast path must decline.
    #[inline]
    fn visit(&mut self, i: usize) -> bool {
        let Some(&b) = self.rest.get(i) else {
            return false;
        };
        match self.section {
            // Host labels of `a-z 0-9 -` separated by `.`, then an optional `:port`, up to
            // the `/` that starts the path (the parser would add a missing one).
            Section::Authority => match b {
                b'.' if self.colon.is_none() => {
                    let ok = self
                        .rest
                        .get(self.part_start..i)
                        .is_some_and(is_plain_label);
                    self.part_start = i + 1;
                    ok
                }
                b':' if self.colon.is_none() => {
                    self.colon = Some(i);
                    true
                }
                b'/' => {
                    self.authority_end = i;
                    self.section = Section::Path;
                    self.check_host() && self.start_segment(i + 1)
                }
                _ => false,
            },
            Section::Path => match b {
                b'/' => {
                    // An empty segment (`//`) is dropped from the canonical URI.
                    self.path_is_canonical &= self.part_start < i;
                    self.end_segment(i) && self.start_segment(i + 1)
                }
                b'?' | b'#' => {
                    self.path_end = i;
                    self.section = if b == b'?' {
                        self.start_query_item(i + 1);
                        Section::Query
                    } else {
                        self.query_end = i;
                        Section::Fragment
                    };
                    self.end_segment(i)
                }
                b'%' => {
                    // The canonical URI encodes the `%` once more (`%3D` becomes `%253D`).
                    self.path_is_canonical = false;
                    match (self.rest.get(i + 1), self.rest.get(i + 2)) {
                        // `%2E` could spell a dot segment.
                        (Some(h), Some(l)) => {
                            h.is_ascii_hexdigit()
                                && l.is_ascii_hexdigit()
                                && !(*h == b'2' && l.eq_ignore_ascii_case(&b'e'))
                        }
                        _ => false,
                    }
                }
                _ => {
                    // Kept in a path, but encoded in the canonical URI?
                    self.path_is_canonical &= is_unreserved(b);
                    PATH_KEEPS.get(b)
                }
            },
            // The parser percent-encodes `"`, `'`, `<` and `>` in a query.
            Section::Query => match b {
                b'#' => {
                    self.end_query_item();
                    self.query_end = i;
                    self.section = Section::Fragment;
                    true
                }
                b'&' => {
                    self.end_query_item();
                    self.start_query_item(i + 1);
                    true
                }
                b'=' => {
                    self.query_items_simple &= !self.query_item_has_eq;
                    self.query_item_has_eq = true;
                    true
                }
                b'"' | b'\'' | b'<' | b'>' => false,
                _ => {
                    self.query_items_simple &= is_unreserved(b);
                    is_printable(b)
                }
            },
            Section::Fragment => is_printable(b),
        }
    }

    /// A query item starts at `at`: its key's first byte must sort after `X` (and not be `x`)
    /// for the query to be simple.
    fn start_query_item(&mut self, at: usize) {
        self.query_items += 1;
        self.query_item_has_eq = false;
        self.query_items_simple &= self.rest.get(at).is_some_and(|&b| b > b'X' && b != b'x');
    }

    fn end_query_item(&mut self) {
        self.query_items_simple &= self.query_item_has_eq;
    }

    fn start_segment(&mut self, at: usize) -> bool {
        self.part_start = at;
        true
    }

    /// Whether the path segment ending at `end` is not `.` or `..`.
    fn end_segment(&self, end: usize) -> bool {
        self.rest
            .get(self.part_start..end)
            .is_some_and(|segment| !is_dot_segment(segment))
    }

    /// The host (up to the `:` or the end of the authority) is a plain DNS name: one that the
    /// WHATWG host parser returns unchanged, of lowercase ASCII labels of `a-z 0-9 -`, none
    /// empty, none starting with `xn--` (those go through IDNA checks), and a last label
    /// starting with a letter (so it cannot be read as an IPv4 address).
    fn check_host(&self) -> bool {
        let host_end = self.colon.unwrap_or(self.authority_end);
        host_end <= 253
            && self
                .rest
                .get(self.part_start..host_end)
                .is_some_and(|last| {
                    is_plain_label(last) && last.first().is_some_and(u8::is_ascii_lowercase)
                })
    }

    /// The parts, once every special byte was visited.
    fn finish(mut self) -> Option<Parts> {
        let end = self.rest.len();
        match self.section {
            // No path: the parser would add `/`.
            Section::Authority => return None,
            Section::Path => {
                self.path_end = end;
                if !self.end_segment(end) {
                    return None;
                }
            }
            Section::Query => {
                self.end_query_item();
                self.query_end = end;
            }
            Section::Fragment => {}
        }
        let query = (self.query_end > self.path_end).then_some((self.path_end + 1, self.query_end));
        let simple_query = match query {
            None => Some(true),
            Some((start, end)) if start == end => Some(true),
            _ if !self.query_items_simple => Some(false),
            // One item in canonical form is in canonical order.
            _ if self.query_items == 1 => Some(true),
            _ => None,
        };
        Some(Parts {
            authority_end: self.authority_end,
            colon: self.colon,
            path_is_canonical: self.path_is_canonical,
            path_end: self.path_end,
            query,
            simple_query,
        })
    }
}

/// Printable ASCII: what the fast path accepts anywhere in a URL. The parser drops tabs and
/// newlines, trims spaces and controls, and percent-encodes DEL and non-ASCII.
#[inline]
const fn is_printable(b: u8) -> bool {
    b > b' ' && b < 0x7f
}

/// Non-empty digits, no leading zero, at most 65535, and not the scheme's default port.
fn is_canonical_port(port: &str, scheme: Scheme) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && !port.starts_with('0')
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
        && port != scheme.default_port()
}

/// A [`Target`] whose storage is a parsed [`Url`] it owns.
pub(crate) struct OwnedTarget(Url);

impl OwnedTarget {
    pub(crate) fn host_name(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }
}

fn parse_url(input: &str) -> Result<Url, Error> {
    let url = Url::parse(input).map_err(|e| match e {
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
    Ok(url)
}

/// The characters that the WHATWG parser leaves raw in a path although RFC 3986 does not allow
/// them there.
const PATH_CHARS_TO_ESCAPE: [(char, &str); 4] =
    [('[', "%5B"), (']', "%5D"), ('^', "%5E"), ('|', "%7C")];

/// Percent-encodes the [`PATH_CHARS_TO_ESCAPE`] in `url`'s path.
///
/// Clients disagree about those characters: a browser sends them raw, most HTTP and WebSocket
/// libraries percent-encode them first (Python's requests and websockets do so for `|` and
/// `^`), and some refuse them. A server then canonicalizes either `%7C` (double-encoded:
/// `%257C`) or `|` (`%7C`), so a signature over the raw form only works with some clients.
/// Written percent-encoded, the URL is sent byte for byte by every client, and the signature
/// covers exactly that.
fn escape_path_chars_rfc3986_forbids(url: &mut Url) {
    if !url.path().contains(['[', ']', '^', '|']) {
        return;
    }
    let mut path = String::with_capacity(url.path().len() + 16);
    for c in url.path().chars() {
        match PATH_CHARS_TO_ESCAPE.iter().find(|(raw, _)| *raw == c) {
            Some((_, escaped)) => path.push_str(escaped),
            None => path.push(c),
        }
    }
    url.set_path(&path);
}

/// A DNS label (its characters already checked) that is not empty, at most 63 bytes, and not
/// an IDNA `xn--` label.
fn is_plain_label(label: &[u8]) -> bool {
    !label.is_empty() && label.len() <= 63 && !label.starts_with(b"xn--")
}

/// What the WHATWG path parser leaves as it is, in a path: the unreserved characters, the
/// sub-delimiters, `:`, `@` and `/` (`%` is checked separately).
#[allow(clippy::indexing_slicing, reason = "b < 256")]
const PATH_KEEPS: ByteTable<bool> = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "b < 256")]
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
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
                    | b'/'
            );
        b += 1;
    }
    ByteTable(table)
};

fn is_dot_segment(segment: &[u8]) -> bool {
    segment == b"." || segment == b".."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(input: &str) -> Option<(Scheme, String, String, String, Option<String>)> {
        let url = parse_url(input).ok()?;
        let t = Target::from_url(&url).ok()?;
        Some((
            t.scheme,
            t.head.to_owned(),
            t.host.to_owned(),
            t.path.to_owned(),
            t.query.map(str::to_owned),
        ))
    }

    fn fast(input: &str) -> Option<(Scheme, String, String, String, Option<String>)> {
        let t = Target::parse_serialized(input)?;
        Some((
            t.scheme,
            t.head.to_owned(),
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
        let (scheme, head, host, path, query) =
            slow("WSS://User@EXAMPLE.com:443/a/./b/../c d/é?q=a b#f").unwrap();
        assert_eq!(scheme, Scheme::Wss);
        assert_eq!(head, "wss://User@example.com/a/c%20d/%C3%A9");
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
    fn path_chars_that_rfc3986_forbids_are_sent_escaped() {
        let mut storage = None;
        let t = Target::parse_with("wss://h.example/a|b^c[d]e/%7C?q=|^[]", &mut storage).unwrap();
        assert_eq!(t.path, "/a%7Cb%5Ec%5Bd%5De/%7C");
        // The query is re-encoded by the signer, not here.
        assert_eq!(t.query, Some("q=|^[]"));
        assert!(fast("wss://h.example/a|b").is_none());
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
    use crate::presign::is_simple_query;

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
                    prop_assert_eq!(fast.head, slow.head, "{}", input);
                    prop_assert_eq!(fast.host, slow.host, "{}", input);
                    prop_assert_eq!(fast.path, slow.path, "{}", input);
                    prop_assert_eq!(fast.query, slow.query, "{}", input);
                    let mut canonical_uri = String::new();
                    crate::canonical::write_canonical_uri(&mut canonical_uri, fast.path, true);
                    prop_assert_eq!(
                        fast.path_is_canonical,
                        canonical_uri == fast.path,
                        "{}",
                        input
                    );
                    if let Some(simple) = fast.simple_query {
                        let query = fast.query.unwrap_or_default();
                        prop_assert_eq!(simple, is_simple_query(query), "{}", input);
                    }
                    // And the input needs no fix-up of `[ ] ^ |` (the fast path declines those).
                    let mut fixed = url.clone();
                    escape_path_chars_rfc3986_forbids(&mut fixed);
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
