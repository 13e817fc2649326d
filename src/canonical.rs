//! The canonical request, SigV4's first step. Every signer and checker in the crate builds
//! one of these and hashes it with [`CanonicalRequest::sha256`]:
//!
//! ```text
//! METHOD\n
//! canonical URI\n
//! canonical query\n
//! canonical headers (one "name:value\n" each)\n
//! signed headers\n
//! payload hash
//! ```

use core::{fmt, mem};
use std::borrow::Cow;

use percent_encoding::percent_encode;
use sha2::digest::Update;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroize as _;

use crate::encode::{PATH, encode, reencode, split_query};
use crate::error::Error;
use crate::target::Target;

/// SHA-256 of the empty payload, the payload hash of every presigned `GET`.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The query parameters of SigV4 query authentication, in canonical (sorted) order.
pub(crate) const AUTH_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    SECURITY_TOKEN,
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
];

/// The session token's query parameter and, lowercased, its header.
pub(crate) const SECURITY_TOKEN: &str = "X-Amz-Security-Token";

/// What a redacted canonical request shows in place of the session token.
const REDACTED: &str = "<redacted>";

/// A canonical request built from its parts, for any method, query, headers and payload.
///
/// Keys, values and names are kept in canonical form from the start: query keys and values
/// percent-decoded and encoded again with the unreserved set, sorted by key, then value;
/// header names lowercased, values trimmed with inner whitespace runs made one space, a
/// repeated name's values joined by `,`, sorted by name. Parts given as `&str` are borrowed
/// when they are already canonical.
///
/// `Display` writes the canonical request with its secrets (the `X-Amz-Security-Token`
/// parameter or header, a signature, an `Authorization` value) shown as `<redacted>`;
/// [`CanonicalRequest::unredacted`] gives the exact bytes that are hashed. Copies of those
/// secrets that it owns are zeroized on drop.
///
/// ```
/// use sigv4_wss::CanonicalRequest;
///
/// let request = CanonicalRequest::new("GET", "/dev/a b")?
///     .with_query("room=lobby&a=x+y")
///     .with_header("Host", "example.com")?;
/// assert_eq!(
///     request.to_string(),
///     "GET\n/dev/a%20b\na=x%2By&room=lobby\nhost:example.com\n\nhost\n\
///      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest<'a> {
    method: Cow<'a, str>,
    path: Cow<'a, str>,
    normalize_path: bool,
    query: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    payload_hash: Cow<'a, str>,
}

impl<'a> CanonicalRequest<'a> {
    /// Starts a canonical request for `method` and `path` (the path as it is sent, without
    /// the query), with no query, no headers, path normalization on and the empty payload's
    /// hash.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMethod`] unless `method` is an RFC 9110 token.
    pub fn new(method: &'a str, path: &'a str) -> Result<Self, Error> {
        if !is_token(method) {
            return Err(Error::InvalidMethod { method: method.chars().take(64).collect() });
        }
        Ok(Self::with_capacity(method, path, 0))
    }

    /// A request for `method` and `path` (a checked method) with room for `params` query
    /// parameters.
    pub(crate) fn with_capacity(method: &'a str, path: &'a str, params: usize) -> Self {
        Self {
            method: Cow::Borrowed(method),
            path: Cow::Borrowed(path),
            normalize_path: true,
            query: Vec::with_capacity(params),
            headers: Vec::with_capacity(1),
            payload_hash: Cow::Borrowed(EMPTY_PAYLOAD_SHA256),
        }
    }

    /// The request a client sends for `url`, parsed as
    /// [`presign_url`](crate::presign_url) parses it (as browsers do): its path, its query,
    /// and its `Host` (the lowercase host, plus `:port` when it is not the scheme's default).
    ///
    /// The canonical path is the path as sent, percent-encoded once more, as every AWS
    /// service but S3 expects: `/prod/@connections/abc=` signs as
    /// `/prod/%40connections/abc%3D`. Send the request to the URL as this reads it: with
    /// `[`, `]`, `^` and `|` in the path percent-encoded, and query values percent-encoded
    /// ([`append_query`](crate::append_query) writes them so; a raw `+` is read as a plus).
    ///
    /// ```
    /// use sigv4_wss::CanonicalRequest;
    ///
    /// let request = CanonicalRequest::from_url("POST", "https://EXAMPLE.com:443/prod/@connections/abc=")?;
    /// assert!(request.to_string().starts_with("POST\n/prod/%40connections/abc%3D\n\nhost:example.com\n"));
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMethod`], and the URL errors of [`presign_url`](crate::presign_url).
    pub fn from_url(method: &str, url: &str) -> Result<CanonicalRequest<'static>, Error> {
        let target = Target::parse(url)?;
        let request = CanonicalRequest::new(method, target.path())?
            .with_query(target.query())
            .with_header("host", target.host())?;
        Ok(request.into_owned())
    }

    /// Whether `.`/`..` segments are resolved and empty segments (`//`) dropped in the
    /// canonical URI (default: yes, as every service but S3 expects).
    #[must_use]
    pub fn with_path_normalization(mut self, normalize: bool) -> Self {
        self.normalize_path = normalize;
        self
    }

    /// Adds every parameter of a raw query string (as it appears after `?`): each item is
    /// split at `&` and its first `=`, percent-decoded (a `+` stays a plus) and encoded again.
    #[must_use]
    pub fn with_query(mut self, query: &'a str) -> Self {
        self.query.extend(split_query(query).map(|(key, value)| (reencode(key), reencode(value))));
        self.sort_query();
        self
    }

    /// Adds one query parameter given unencoded (it is encoded here).
    #[must_use]
    pub fn with_query_param(mut self, key: &'a str, value: &'a str) -> Self {
        self.query.push((encode(key), encode(value)));
        self.sort_query();
        self
    }

    /// Adds a header. The name is lowercased; the value is trimmed and each run of
    /// whitespace (line folds included) becomes one space; a repeated name gets its values
    /// joined by `,` in the order added.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeaderName`] unless the name is an RFC 9110 token, and
    /// [`Error::InvalidHeaderValue`] if the value has control characters other than tab, CR
    /// and LF.
    pub fn with_header(mut self, name: &'a str, value: &'a str) -> Result<Self, Error> {
        if !is_token(name) {
            return Err(Error::InvalidHeaderName { name: name.chars().take(64).collect() });
        }
        let lower = !name.bytes().any(|b| b.is_ascii_uppercase());
        let name = if lower { Cow::Borrowed(name) } else { Cow::Owned(name.to_ascii_lowercase()) };
        if value.bytes().any(|b| b.is_ascii_control() && !matches!(b, b'\t' | b'\r' | b'\n')) {
            return Err(Error::InvalidHeaderValue { name: name.into_owned() });
        }
        self.push_header(name, normalize_header_value(value));
        Ok(self)
    }

    /// Sets the payload hash: lowercase hex SHA-256 of the body, or a literal such as
    /// `UNSIGNED-PAYLOAD` for services that accept one.
    #[must_use]
    pub fn with_payload_hash(mut self, payload_hash: &'a str) -> Self {
        self.payload_hash = Cow::Borrowed(payload_hash);
        self
    }

    /// Sets the payload hash to SHA-256 of `body`.
    #[must_use]
    pub fn with_payload(mut self, body: &[u8]) -> Self {
        self.payload_hash = Cow::Owned(hex::encode(Sha256::digest(body)));
        self
    }

    /// The canonical URI (normalized if enabled, and encoded).
    pub fn canonical_uri(&self) -> String {
        let mut s = String::new();
        // Writing to a `String` cannot fail.
        let _ = write_canonical_uri(&mut s, &self.path, self.normalize_path);
        s
    }

    /// The signed headers line: the header names joined by `;`.
    pub fn signed_headers(&self) -> String {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| &**name).collect();
        names.join(";")
    }

    /// The payload hash line.
    pub fn payload_hash(&self) -> &str {
        &self.payload_hash
    }

    /// SHA-256 of the canonical request, the last line of the string to sign.
    pub fn sha256(&self) -> [u8; 32] {
        let mut hasher = Updater(Sha256::new());
        let _ = self.write(&mut hasher, false);
        hasher.0.finalize().into()
    }

    /// The exact bytes that are hashed, session token included: keep them out of logs.
    pub fn unredacted(&self) -> String {
        let mut s = String::new();
        let _ = self.write(&mut s, false);
        s
    }

    /// The same request, owning all its parts.
    #[must_use]
    pub fn into_owned(mut self) -> CanonicalRequest<'static> {
        let owned = |part: &mut Cow<'_, str>| Cow::Owned(mem::take(part).into_owned());
        let pairs = |pairs: &mut Vec<_>| mem::take(pairs).into_iter().map(owned_pair).collect();
        CanonicalRequest {
            method: owned(&mut self.method),
            path: owned(&mut self.path),
            normalize_path: self.normalize_path,
            query: pairs(&mut self.query),
            headers: pairs(&mut self.headers),
            payload_hash: owned(&mut self.payload_hash),
        }
    }

    /// The value of header `name` (lowercase), if the request has it.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, value)| &**value)
    }

    /// Adds a query parameter already in canonical form; [`CanonicalRequest::sort_query`]
    /// puts the parameters in canonical order before the request is written.
    pub(crate) fn push_query(&mut self, key: Cow<'a, str>, value: Cow<'a, str>) {
        self.query.push((key, value));
    }

    /// Sorts the query parameters by key, then value: once per request, in O(n log n).
    pub(crate) fn sort_query(&mut self) {
        self.query.sort_unstable();
    }

    /// Adds a header whose name is lowercase and value normalized, merging a repeated name.
    pub(crate) fn push_header(&mut self, name: Cow<'a, str>, value: Cow<'a, str>) {
        match self.headers.binary_search_by(|(n, _)| (**n).cmp(&name)) {
            Ok(i) => {
                if let Some((_, existing)) = self.headers.get_mut(i) {
                    let existing = existing.to_mut();
                    existing.push(',');
                    existing.push_str(&value);
                }
            }
            Err(i) => self.headers.insert(i, (name, value)),
        }
    }

    /// Refuses a query that already has a SigV4 authentication parameter, in any letter case.
    pub(crate) fn check_no_auth_params(&self) -> Result<(), Error> {
        let reserved = self.query.iter().find(|(key, _)| is_auth_param(key));
        reserved.map_or(Ok(()), |(key, _)| Err(Error::ReservedParameter { name: key.to_string() }))
    }

    fn write(&self, w: &mut impl fmt::Write, redact: bool) -> fmt::Result {
        put(w, &[&self.method, "\n"])?;
        write_canonical_uri(w, &self.path, self.normalize_path)?;
        w.write_str("\n")?;
        // The one writer of canonical queries: `key=value` pairs, in their (sorted) order.
        let shown = |name, value| if redact && is_secret(name) { REDACTED } else { value };
        for (i, (key, value)) in self.query.iter().enumerate() {
            put(w, &[if i == 0 { "" } else { "&" }, key, "=", shown(key, value)])?;
        }
        w.write_str("\n")?;
        for (name, value) in &self.headers {
            put(w, &[name, ":", shown(name, value), "\n"])?;
        }
        w.write_str("\n")?;
        for (i, (name, _)) in self.headers.iter().enumerate() {
            put(w, &[if i == 0 { "" } else { ";" }, name])?;
        }
        put(w, &["\n", &self.payload_hash])
    }
}

impl Drop for CanonicalRequest<'_> {
    /// Zeroizes the copies of secrets (a session token, a signature) it owns.
    fn drop(&mut self) {
        for (_, value) in self.query.iter_mut().chain(&mut self.headers).filter(|p| is_secret(&p.0))
        {
            if let Cow::Owned(value) = value {
                value.zeroize();
            }
        }
    }
}

/// Whether a parameter or header with this name holds a secret: the session token, a
/// signature or an `Authorization` value.
pub(crate) fn is_secret(name: &str) -> bool {
    [SECURITY_TOKEN, "X-Amz-Signature", "Authorization"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name))
}

impl fmt::Display for CanonicalRequest<'_> {
    /// The canonical request with secrets (the session token, a signature, an
    /// `Authorization` value) shown as `<redacted>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, true)
    }
}

impl fmt::Debug for CanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CanonicalRequest").field(&self.to_string()).finish()
    }
}

fn owned_pair((a, b): (Cow<'_, str>, Cow<'_, str>)) -> (Cow<'static, str>, Cow<'static, str>) {
    (Cow::Owned(a.into_owned()), Cow::Owned(b.into_owned()))
}

/// Writes `pieces` in turn.
pub(crate) fn put(w: &mut impl fmt::Write, pieces: &[&str]) -> fmt::Result {
    pieces.iter().try_for_each(|piece| w.write_str(piece))
}

/// Feeds what is written to a hash or MAC.
pub(crate) struct Updater<D>(pub(crate) D);

impl<D: Update> fmt::Write for Updater<D> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Writes the canonical URI: the path normalized (if asked), then every byte but the
/// unreserved characters and `/` percent-encoded, **without decoding first**: a path as sent
/// on the wire is encoded a second time (`%3D` becomes `%253D`), which every AWS service but
/// S3 expects. An empty path is `/`.
fn write_canonical_uri(w: &mut impl fmt::Write, path: &str, normalize: bool) -> fmt::Result {
    let path = if normalize { normalize_path(path) } else { Cow::Borrowed(path) };
    if path.is_empty() {
        return w.write_str("/");
    }
    percent_encode(path.as_bytes(), PATH).try_for_each(|piece| w.write_str(piece))
}

/// `path` with `.` and `..` segments resolved and empty segments dropped, starting with `/`
/// and ending with `/` when it did or when nothing is left; borrowed when that changes nothing.
fn normalize_path(path: &str) -> Cow<'_, str> {
    let mut segments = path.split('/').peekable();
    let starts_with_slash = segments.next() == Some("");
    let mut normal = starts_with_slash;
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        normal &= !matches!(segment, "." | "..") && (!segment.is_empty() || last);
    }
    if normal {
        return Cow::Borrowed(path);
    }
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => drop(kept.pop()),
            _ => kept.push(segment),
        }
    }
    let mut out: String = kept.iter().flat_map(|segment| ["/", segment]).collect();
    if kept.is_empty() || path.ends_with('/') {
        out.push('/');
    }
    Cow::Owned(out)
}

/// A header value as it enters the canonical headers: trimmed, each run of whitespace (line
/// folds included) replaced by one space.
pub(crate) fn normalize_header_value(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if !trimmed.contains(['\t', '\r', '\n', '\x0c']) && !trimmed.contains("  ") {
        return Cow::Borrowed(trimmed);
    }
    Cow::Owned(trimmed.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether `key` is one of the [`AUTH_PARAMS`] in any letter case: the one rule for which
/// query parameters a signer refuses and a verifier treats specially.
pub(crate) fn is_auth_param(key: &str) -> bool {
    AUTH_PARAMS.iter().any(|name| name.eq_ignore_ascii_case(key))
}

/// An RFC 9110 token: one or more letters, digits and ``! # $ % & ' * + - . ^ _ ` | ~``.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_as_the_suite_does() {
        for (path, want) in [
            ("/", "/"),
            ("/dev", "/dev"),
            ("/dev/", "/dev/"),
            ("//example//", "/example/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/a/b/../c", "/a/c"),
            ("/a/b/..", "/a"),
            ("a/b", "/a/b"),
        ] {
            assert_eq!(normalize_path(path), want, "{path:?}");
        }
        assert!(matches!(normalize_path("/dev/x/"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_uri_is_encoded_once_more() {
        let request = CanonicalRequest::new("GET", "/prod/@connections/abc%3D d").unwrap();
        assert_eq!(request.canonical_uri(), "/prod/%40connections/abc%253D%20d");
        assert_eq!(CanonicalRequest::new("GET", "").unwrap().canonical_uri(), "/");
        let raw = CanonicalRequest::new("GET", "//a/./b").unwrap().with_path_normalization(false);
        assert_eq!(raw.canonical_uri(), "//a/./b");
    }

    #[test]
    fn header_values_are_normalized() {
        for (value, want) in
            [("plain", "plain"), ("  a  b\t c \n", "a b c"), ("a\n  b", "a b"), ("", "")]
        {
            assert_eq!(normalize_header_value(value), want, "{value:?}");
        }
        let request = CanonicalRequest::new("GET", "/")
            .unwrap()
            .with_header("X-B", "2")
            .unwrap()
            .with_header("x-a", " 1 ")
            .unwrap()
            .with_header("X-B", "3")
            .unwrap();
        assert_eq!(request.signed_headers(), "x-a;x-b");
        assert!(request.to_string().contains("\nx-a:1\nx-b:2,3\n\nx-a;x-b\n"));
    }

    #[test]
    fn secrets_are_redacted_unless_asked() {
        let request = CanonicalRequest::new("GET", "/")
            .unwrap()
            .with_query_param("X-Amz-Security-Token", "SECRET/TOKEN")
            .with_query("x-amz-signature=SECRETSIG&a=1")
            .with_header("X-Amz-Security-Token", "SECRET/TOKEN")
            .unwrap()
            .with_header("Authorization", "AWS4-HMAC-SHA256 Signature=SECRETSIG")
            .unwrap();
        let shown = format!("{request} {request:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(shown.matches(REDACTED).count(), 8);
        assert!(shown.contains("&a=1&"), "{shown}");
        assert!(request.unredacted().contains("X-Amz-Security-Token=SECRET%2FTOKEN&"));
        assert!(request.unredacted().contains("x-amz-security-token:SECRET/TOKEN\n"));
        assert!(request.unredacted().contains("x-amz-signature=SECRETSIG"));
        assert_eq!(request.sha256(), <[u8; 32]>::from(Sha256::digest(request.unredacted())));
    }

    #[test]
    fn sorting_is_once_and_canonical() {
        let descending: Vec<String> = (0..2000).rev().map(|i| format!("k={i:04}")).collect();
        let query = descending.join("&");
        let request = CanonicalRequest::new("GET", "/").unwrap().with_query(&query);
        let canonical = request.to_string();
        let ascending: Vec<String> = (0..2000).map(|i| format!("k={i:04}")).collect();
        assert!(canonical.contains(&ascending.join("&")));
    }

    #[test]
    fn the_reserved_rule_ignores_case_only() {
        for key in ["X-Amz-Signature", "x-amz-signature", "X-AMZ-DATE", "X%2DAmz-Expires"] {
            let request = CanonicalRequest::new("GET", "/").unwrap().with_query(key);
            assert!(
                matches!(request.check_no_auth_params(), Err(Error::ReservedParameter { .. })),
                "{key}"
            );
        }
        for key in ["X-Amz-ChannelARN", "X-Amz-ClientId", "X-Amz-Signatures"] {
            let request = CanonicalRequest::new("GET", "/").unwrap().with_query(key);
            assert!(request.check_no_auth_params().is_ok(), "{key}");
        }
    }
}
