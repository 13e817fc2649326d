//! The canonical request: the first step of SigV4.
//!
//! ```text
//! METHOD\n
//! canonical URI\n
//! canonical query\n
//! canonical headers (one "name:value\n" each)\n
//! signed headers\n
//! payload hash
//! ```

use core::fmt;

use sha2::{Digest as _, Sha256};

use crate::credentials::Redacted;
use crate::encode::{Keep, encode_into, reencode_query_component, uri_encode};
use crate::error::Error;
use crate::sink::{FmtSink, Hex64, Sink};

/// SHA-256 of the empty payload, the payload hash of every presigned `GET`.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Name of the session token's query parameter and, lowercased, of its header.
pub(crate) const SECURITY_TOKEN: &str = "X-Amz-Security-Token";

/// Writes the canonical URI for `path`: with `normalize`, `.` and `..` segments are resolved
/// and empty segments (`//`) dropped, keeping a trailing `/`; then every byte but the
/// unreserved set and `/` is percent-encoded, **without decoding first**. A path as sent on the
/// wire is thus encoded a second time (`%3D` becomes `%253D`), which is what every AWS service
/// but S3 expects. An empty path is `/`.
pub(crate) fn write_canonical_uri(sink: &mut impl Sink, path: &str, normalize: bool) {
    if path.is_empty() {
        sink.put("/");
        return;
    }
    if !normalize || is_normalized(path) {
        encode_into(sink, path, Keep::UnreservedAndSlash);
        return;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    for segment in &segments {
        sink.put("/");
        encode_into(sink, segment, Keep::Unreserved);
    }
    if segments.is_empty() || path.ends_with('/') {
        sink.put("/");
    }
}

/// Whether normalizing `path` would leave it as it is: it starts with `/` and no segment is
/// empty, `.` or `..` (an empty last segment, a trailing `/`, is fine).
fn is_normalized(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest).as_bytes();
    let mut segment_start = 0;
    for i in 0..=rest.len() {
        if rest.get(i).is_none_or(|&b| b == b'/') {
            let segment = rest.get(segment_start..i).unwrap_or_default();
            if matches!(segment, b"" | b"." | b"..") {
                return false;
            }
            segment_start = i + 1;
        }
    }
    true
}

/// Writes a whole canonical request. `query` must be encoded and sorted, `headers` lowercase,
/// normalized, merged and sorted; every canonical request in the crate goes through here.
pub(crate) fn write_canonical_request<'q, S, N, H>(
    sink: &mut S,
    method: &str,
    path: &str,
    normalize_path: bool,
    query: impl IntoIterator<Item = (&'q str, &'q str)>,
    headers: &[(N, H)],
    payload_hash: &str,
) where
    S: Sink,
    N: AsRef<str>,
    H: AsRef<str>,
{
    write_canonical_request_with(
        sink,
        method,
        path,
        normalize_path,
        |sink| {
            for (i, (key, value)) in query.into_iter().enumerate() {
                if i > 0 {
                    sink.put("&");
                }
                sink.put(key);
                sink.put("=");
                sink.put(value);
            }
        },
        headers,
        payload_hash,
    );
}

/// [`write_canonical_request`] with the canonical query written by `write_query` (which
/// writes the parameters, encoded, sorted and joined by `&`, and nothing else).
pub(crate) fn write_canonical_request_with<S, N, H>(
    sink: &mut S,
    method: &str,
    path: &str,
    normalize_path: bool,
    write_query: impl FnOnce(&mut S),
    headers: &[(N, H)],
    payload_hash: &str,
) where
    S: Sink,
    N: AsRef<str>,
    H: AsRef<str>,
{
    sink.put(method);
    sink.put("\n");
    write_canonical_uri(sink, path, normalize_path);
    sink.put("\n");
    write_query(sink);
    sink.put("\n");
    for (name, value) in headers {
        sink.put(name.as_ref());
        sink.put(":");
        sink.put(value.as_ref());
        sink.put("\n");
    }
    sink.put("\n");
    write_signed_headers(sink, headers, ";");
    sink.put("\n");
    sink.put(payload_hash);
}

/// Writes the canonical request of a presigned `GET`, whose only signed header is `host` and
/// whose payload is empty: `GET\n{canonical URI}\n{query}\nhost:{host}\n\nhost\n{empty
/// payload's hash}`, with the canonical query written by `write_query`. `path_is_canonical`
/// says that `path` is its own canonical URI.
///
/// The same bytes as [`write_canonical_request_with`] (a test checks it), in fewer pieces:
/// around the query, only the path and the host vary.
pub(crate) fn write_presigned_get<S: Sink>(
    sink: &mut S,
    path: &str,
    path_is_canonical: bool,
    host: &str,
    write_query: impl FnOnce(&mut S),
) {
    write_presigned_get_head(sink, path, path_is_canonical);
    write_query(sink);
    write_presigned_get_tail(sink, host);
}

/// The part of [`write_presigned_get`] before the query: `GET\n{canonical path}\n`.
pub(crate) fn write_presigned_get_head(sink: &mut impl Sink, path: &str, path_is_canonical: bool) {
    sink.put("GET\n");
    if path_is_canonical {
        sink.put(path);
    } else {
        write_canonical_uri(sink, path, true);
    }
    sink.put("\n");
}

/// The part of [`write_presigned_get`] after the query: `\nhost:{host}\n\nhost\n{empty
/// payload's hash}`.
pub(crate) fn write_presigned_get_tail(sink: &mut impl Sink, host: &str) {
    sink.put("\nhost:");
    sink.put(host);
    sink.put(PRESIGNED_GET_TAIL);
}

/// The end of every presigned `GET`'s canonical request, after the host: the blank line that
/// ends the headers, the signed headers and the empty payload's hash.
const PRESIGNED_GET_TAIL: &str =
    "\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Writes the header names joined by `separator` (`;`, or `%3B` in a URL).
pub(crate) fn write_signed_headers<N: AsRef<str>, H>(
    sink: &mut impl Sink,
    headers: &[(N, H)],
    separator: &str,
) {
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            sink.put(separator);
        }
        sink.put(name.as_ref());
    }
}

/// Splits a raw query string into `(key, value)` items: `&` separates items (empty ones are
/// skipped), the first `=` separates key from value, and a bare key has an empty value.
pub(crate) fn split_query(query: &str) -> QueryItems<'_> {
    QueryItems { rest: query }
}

/// The iterator of [`split_query`].
pub(crate) struct QueryItems<'a> {
    rest: &'a str,
}

impl<'a> Iterator for QueryItems<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let bytes = self.rest.as_bytes();
            let end = bytes.iter().position(|&b| b == b'&').unwrap_or(bytes.len());
            // `&` and `=` are ASCII, so every split below is at a character boundary.
            let item = self.rest.get(..end).unwrap_or_default();
            self.rest = self.rest.get(end + 1..).unwrap_or_default();
            if item.is_empty() {
                continue;
            }
            return Some(match item.as_bytes().iter().position(|&b| b == b'=') {
                Some(eq) => (
                    item.get(..eq).unwrap_or_default(),
                    item.get(eq + 1..).unwrap_or_default(),
                ),
                None => (item, ""),
            });
        }
    }
}

/// A canonical request built from its parts, for any method, headers and payload.
///
/// [`presign_url`](crate::presign_url) builds its canonical request on the fly without this
/// type (it never allocates one); this type is for signing requests given as parts, for
/// inspecting what was signed, and for tests. Both go through the same writer, so they give
/// the same bytes.
///
/// `Display` writes the exact bytes that are hashed, **including a signed session token**;
/// log [`CanonicalRequest::redacted`] instead. `Debug` redacts it too.
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
pub struct CanonicalRequest {
    method: String,
    path: String,
    normalize_path: bool,
    /// Encoded and sorted.
    query: Vec<(String, String)>,
    /// Lowercase names, normalized values, one entry per name, sorted.
    headers: Vec<(String, String)>,
    payload_hash: String,
}

impl CanonicalRequest {
    /// Starts a canonical request for `method` and `path` (the path as it is sent, without
    /// the query), with no query, no headers, path normalization on, and the empty payload's
    /// hash.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMethod`] unless `method` is an RFC 9110 token.
    pub fn new(method: &str, path: &str) -> Result<Self, Error> {
        if !is_token(method) {
            return Err(Error::InvalidMethod {
                method: method.chars().take(64).collect(),
            });
        }
        Ok(Self {
            method: method.to_owned(),
            path: path.to_owned(),
            normalize_path: true,
            query: Vec::new(),
            headers: Vec::new(),
            payload_hash: EMPTY_PAYLOAD_SHA256.to_owned(),
        })
    }

    /// Whether `.`/`..` segments are resolved and `//` collapsed in the canonical URI
    /// (default: yes, as every service but S3 expects).
    #[must_use]
    pub fn with_path_normalization(mut self, normalize: bool) -> Self {
        self.normalize_path = normalize;
        self
    }

    /// Adds every parameter of a raw query string (as it appears after `?`): each key and
    /// value is percent-decoded (`+` stays a plus) and encoded again with the unreserved set.
    #[must_use]
    pub fn with_query(mut self, query: &str) -> Self {
        for (key, value) in split_query(query) {
            let mut k = String::new();
            let mut v = String::new();
            reencode_query_component(&mut k, key);
            reencode_query_component(&mut v, value);
            self.insert_query(k, v);
        }
        self
    }

    /// Adds one query parameter given unencoded (it is encoded here).
    #[must_use]
    pub fn with_query_param(mut self, key: &str, value: &str) -> Self {
        self.insert_query(uri_encode(key), uri_encode(value));
        self
    }

    fn insert_query(&mut self, key: String, value: String) {
        let at = self
            .query
            .partition_point(|(k, v)| (k.as_str(), v.as_str()) <= (key.as_str(), value.as_str()));
        self.query.insert(at, (key, value));
    }

    /// Adds a header. Names are lowercased; values are trimmed and each run of whitespace
    /// (line folds included) becomes one space; a repeated name gets its values joined by `,`
    /// in the order added.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeaderName`] unless the name is an RFC 9110 token, and
    /// [`Error::InvalidHeaderValue`] if the value has control characters other than tab, CR
    /// and LF.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        if !is_token(name) {
            return Err(Error::InvalidHeaderName {
                name: name.chars().take(64).collect(),
            });
        }
        let name = name.to_ascii_lowercase();
        if value
            .bytes()
            .any(|b| b.is_ascii_control() && !matches!(b, b'\t' | b'\r' | b'\n'))
        {
            return Err(Error::InvalidHeaderValue { name });
        }
        let value = normalize_header_value(value);
        match self
            .headers
            .binary_search_by(|(n, _)| n.as_str().cmp(&name))
        {
            Ok(i) => {
                if let Some((_, existing)) = self.headers.get_mut(i) {
                    existing.push(',');
                    existing.push_str(&value);
                }
            }
            Err(i) => self.headers.insert(i, (name, value)),
        }
        Ok(self)
    }

    /// Sets the payload hash: lowercase hex SHA-256 of the body, or a literal such as
    /// `UNSIGNED-PAYLOAD` for services that accept one.
    #[must_use]
    pub fn with_payload_hash(mut self, payload_hash: &str) -> Self {
        payload_hash.clone_into(&mut self.payload_hash);
        self
    }

    /// Sets the payload hash to SHA-256 of `body`.
    #[must_use]
    pub fn with_payload(self, body: &[u8]) -> Self {
        let hash = Hex64::new(&Sha256::digest(body).into());
        self.with_payload_hash(hash.as_str())
    }

    /// The method.
    #[must_use]
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The canonical URI (normalized if enabled, encoded).
    #[must_use]
    pub fn canonical_uri(&self) -> String {
        let mut s = String::new();
        write_canonical_uri(&mut s, &self.path, self.normalize_path);
        s
    }

    /// The canonical query string.
    #[must_use]
    pub fn canonical_query(&self) -> String {
        let mut s = String::new();
        for (i, (k, v)) in self.query.iter().enumerate() {
            if i > 0 {
                s.push('&');
            }
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        s
    }

    /// The encoded, sorted query parameters.
    #[must_use]
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The canonical headers: lowercase names, normalized values, sorted by name.
    #[must_use]
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The signed headers line: the header names joined by `;`.
    #[must_use]
    pub fn signed_headers(&self) -> String {
        let mut s = String::new();
        write_signed_headers(&mut s, &self.headers, ";");
        s
    }

    /// The payload hash line.
    #[must_use]
    pub fn payload_hash(&self) -> &str {
        &self.payload_hash
    }

    /// SHA-256 of the canonical request, the last line of the string to sign.
    #[must_use]
    pub fn sha256(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        self.write(&mut hasher);
        hasher.finalize().into()
    }

    /// The canonical request with the session token's value (the `X-Amz-Security-Token`
    /// parameter or `x-amz-security-token` header) replaced by `<redacted>`, for logs.
    #[must_use]
    pub fn redacted(&self) -> RedactedCanonicalRequest<'_> {
        RedactedCanonicalRequest(self)
    }

    fn write(&self, sink: &mut impl Sink) {
        write_canonical_request(
            sink,
            &self.method,
            &self.path,
            self.normalize_path,
            self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &self.headers,
            &self.payload_hash,
        );
    }

    fn redacted_parts(&self) -> (Pairs<'_>, Pairs<'_>) {
        (redact_token(&self.query), redact_token(&self.headers))
    }
}

/// The pairs with the session token's value (parameter or header) replaced by `<redacted>`.
fn redact_token(pairs: &[(String, String)]) -> Pairs<'_> {
    pairs
        .iter()
        .map(|(name, value)| {
            if name.eq_ignore_ascii_case(SECURITY_TOKEN) {
                (name.as_str(), "<redacted>")
            } else {
                (name.as_str(), value.as_str())
            }
        })
        .collect()
}

/// Borrowed name/value pairs.
type Pairs<'a> = Vec<(&'a str, &'a str)>;

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = FmtSink::new(f);
        self.write(&mut sink);
        sink.finish()
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (query, headers) = self.redacted_parts();
        f.debug_struct("CanonicalRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("normalize_path", &self.normalize_path)
            .field("query", &query)
            .field("headers", &headers)
            .field("payload_hash", &self.payload_hash)
            .finish()
    }
}

/// A [`CanonicalRequest`] shown with its session token replaced by `<redacted>`.
#[derive(Clone, Copy)]
pub struct RedactedCanonicalRequest<'a>(&'a CanonicalRequest);

impl fmt::Display for RedactedCanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        let (query, headers) = r.redacted_parts();
        let mut sink = FmtSink::new(f);
        write_canonical_request(
            &mut sink,
            &r.method,
            &r.path,
            r.normalize_path,
            query,
            &headers,
            &r.payload_hash,
        );
        sink.finish()
    }
}

impl fmt::Debug for RedactedCanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedactedCanonicalRequest")
            .field(&Redacted)
            .finish()
    }
}

/// A header value as it enters the canonical headers: trimmed, each run of whitespace (line
/// folds included) replaced by one space.
pub(crate) fn normalize_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, word) in value.split_ascii_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// An RFC 9110 token: one or more letters, digits and ``! # $ % & ' * + - . ^ _ ` | ~``.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presigned_gets_are_the_general_writers() {
        for (path, canonical, host) in [
            ("/dev", true, "h.example"),
            ("/", true, "h.example:8443"),
            ("//a/b/", false, "h.example"),
            ("/a%3Db/@c", false, "h.example"),
            ("/a/../b c", false, "h.example"),
        ] {
            let query = |sink: &mut String| sink.push_str("a=1&b=2");
            let mut fast = String::new();
            write_presigned_get(&mut fast, path, canonical, host, query);
            let mut general = String::new();
            write_canonical_request_with(
                &mut general,
                "GET",
                path,
                true,
                query,
                &[("host", host)],
                EMPTY_PAYLOAD_SHA256,
            );
            assert_eq!(fast, general, "{path}");
        }
    }

    fn uri(path: &str, normalize: bool) -> String {
        let mut s = String::new();
        write_canonical_uri(&mut s, path, normalize);
        s
    }

    #[test]
    fn canonical_uri_normalizes_like_the_suite() {
        for (path, want) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/./b/../c/", "/a/c/"),
            ("/dev//a/./b", "/dev/a/b"),
            ("/example space/", "/example%20space/"),
            ("/ሴ", "/%E1%88%B4"),
        ] {
            assert_eq!(uri(path, true), want, "{path:?}");
        }
    }

    #[test]
    fn canonical_uri_without_normalization_only_encodes() {
        assert_eq!(uri("//example//", false), "//example//");
        assert_eq!(uri("/./example", false), "/./example");
        assert_eq!(uri("/example space/", false), "/example%20space/");
    }

    #[test]
    fn wire_paths_are_encoded_a_second_time() {
        assert_eq!(
            uri("/test/@connections/JBDvjfGEIAMCERw%3D", true),
            "/test/%40connections/JBDvjfGEIAMCERw%253D"
        );
        assert_eq!(
            uri("/prod/%40connections/abc%3D", true),
            "/prod/%2540connections/abc%253D"
        );
    }

    #[test]
    fn split_query_skips_empty_items_and_splits_at_the_first_equals() {
        let items: Vec<_> = split_query("&a=1&&b&c==d&=e&").collect();
        assert_eq!(items, [("a", "1"), ("b", ""), ("c", "=d"), ("", "e")]);
        assert_eq!(split_query("").count(), 0);
        assert_eq!(split_query("&&").count(), 0);
        assert_eq!(
            split_query("é=ü&x").collect::<Vec<_>>(),
            [("é", "ü"), ("x", "")]
        );
    }

    #[test]
    fn query_is_sorted_by_key_then_value() {
        let r = CanonicalRequest::new("GET", "/")
            .unwrap()
            .with_query("Param-3=Value3&Param=Value2&Param=Value1&b&a=");
        assert_eq!(
            r.canonical_query(),
            "Param=Value1&Param=Value2&Param-3=Value3&a=&b="
        );
    }

    #[test]
    fn headers_are_trimmed_merged_and_sorted() {
        let r = CanonicalRequest::new("GET", "/")
            .unwrap()
            .with_header("My-Header1", "value2")
            .unwrap()
            .with_header("Host", "example.amazonaws.com")
            .unwrap()
            .with_header("my-header1", " a   b \n  c ")
            .unwrap();
        assert_eq!(
            r.to_string(),
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,a b c\n\nhost;my-header1\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn bad_method_and_headers_are_errors() {
        assert!(matches!(
            CanonicalRequest::new("GET /", "/"),
            Err(Error::InvalidMethod { .. })
        ));
        assert!(matches!(
            CanonicalRequest::new("", "/"),
            Err(Error::InvalidMethod { .. })
        ));
        let r = CanonicalRequest::new("GET", "/").unwrap();
        assert!(matches!(
            r.clone().with_header("bad name", "x"),
            Err(Error::InvalidHeaderName { .. })
        ));
        assert!(matches!(
            r.with_header("x", "a\u{0}b"),
            Err(Error::InvalidHeaderValue { .. })
        ));
    }

    #[test]
    fn redaction_hides_the_token_only() {
        let r = CanonicalRequest::new("GET", "/")
            .unwrap()
            .with_query_param("X-Amz-Security-Token", "TOPSECRET")
            .with_query_param("room", "lobby")
            .with_header("X-Amz-Security-Token", "TOPSECRET")
            .unwrap();
        assert!(r.to_string().contains("TOPSECRET"));
        let shown = format!("{} {:?} {r:?}", r.redacted(), r.redacted());
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        assert!(shown.contains("room=lobby"));
    }
}
