//! The URL to presign, parsed as a client will send it.
//!
//! Browsers and WebSocket clients parse a URL with the WHATWG URL standard before connecting:
//! they lowercase the host, drop a default port, percent-encode spaces and non-ASCII
//! characters, resolve `.` and `..` segments and strip the fragment. The signature must cover
//! the request as sent, so every URL goes through `url`, which implements that standard.

use url::{Position, Url};

use crate::error::Error;

/// A parsed URL that can be presigned: `ws`, `wss`, `http` or `https`, with a host and no
/// user name or password, fragment removed.
#[derive(Debug)]
pub(crate) struct Target(Url);

impl Target {
    /// Parses `input` as a browser would before sending it.
    ///
    /// One step goes further than the standard: `[`, `]`, `^` and `|`, which it leaves raw
    /// in a path although RFC 3986 forbids them there, are percent-encoded. Clients disagree
    /// about sending them raw (browsers do; Python's `websockets` encodes `|` and `^`), and a
    /// server then canonicalizes one form or the other: encoded, they are sent byte for byte
    /// by every client, and the signature covers exactly that.
    pub(crate) fn parse(input: &str) -> Result<Self, Error> {
        let mut url = Url::parse(input).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => Error::RelativeUrl,
            url::ParseError::EmptyHost => Error::MissingHost,
            other => Error::InvalidUrl { reason: other.to_string() },
        })?;
        if !matches!(url.scheme(), "ws" | "wss" | "http" | "https") {
            let scheme = url.scheme().chars().take(32).collect();
            return Err(Error::UnsupportedScheme { scheme });
        } else if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::MissingHost);
        } else if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::UserInfoInUrl);
        } else if url.path().contains("//") {
            let reason = "an empty path segment (//), which SigV4 signs as none; remove it".into();
            return Err(Error::InvalidUrl { reason });
        }
        url.set_fragment(None);
        if url.path().contains(['[', ']', '^', '|']) {
            let path = url.path().replace('[', "%5B").replace(']', "%5D");
            url.set_path(&path.replace('^', "%5E").replace('|', "%7C"));
        }
        Ok(Self(url))
    }

    /// Whether the scheme is `ws` or `wss`.
    pub(crate) fn is_websocket(&self) -> bool {
        matches!(self.0.scheme(), "ws" | "wss")
    }

    /// The host name, without the port.
    pub(crate) fn host_name(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// The `Host` header a client sends: the lowercase host, and `:port` unless it is the
    /// scheme's default.
    pub(crate) fn host(&self) -> &str {
        &self.0[Position::BeforeHost..Position::AfterPort]
    }

    /// Everything before the query: `scheme://host[:port]/path`.
    pub(crate) fn head(&self) -> &str {
        &self.0[..Position::AfterPath]
    }

    /// The path as sent (at least `/`).
    pub(crate) fn path(&self) -> &str {
        self.0.path()
    }

    /// The query as sent, without the `?` (empty when there is none).
    pub(crate) fn query(&self) -> &str {
        self.0.query().unwrap_or_default()
    }

    /// The request target of the request line: path and query.
    pub(crate) fn request_target(&self) -> &str {
        &self.0[Position::BeforePath..Position::AfterQuery]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_what_a_browser_sends() {
        let t = Target::parse("WSS://Abc.Example.COM:443/a/../b c/%7C|?x=1#frag").unwrap();
        assert_eq!(t.head(), "wss://abc.example.com/b%20c/%7C%7C");
        assert_eq!((t.host(), t.host_name()), ("abc.example.com", "abc.example.com"));
        assert_eq!((t.path(), t.query()), ("/b%20c/%7C%7C", "x=1"));
        assert_eq!(t.request_target(), "/b%20c/%7C%7C?x=1");
        let t = Target::parse("ws://[::1]:8080").unwrap();
        assert_eq!((t.host(), t.path(), t.is_websocket()), ("[::1]:8080", "/", true));
    }

    #[test]
    fn refusals() {
        for (url, want) in [
            ("/dev", Error::RelativeUrl),
            ("wss://", Error::MissingHost),
            ("wss://user:pw@example.com/", Error::UserInfoInUrl),
            ("wss://user@example.com/", Error::UserInfoInUrl),
            ("wss://:pw@example.com/", Error::UserInfoInUrl),
        ] {
            assert_eq!(Target::parse(url).unwrap_err(), want, "{url}");
        }
        assert!(matches!(
            Target::parse("ftp://example.com/"),
            Err(Error::UnsupportedScheme { .. })
        ));
        assert!(matches!(Target::parse("wss://exa mple.com/"), Err(Error::InvalidUrl { .. })));
    }
}
