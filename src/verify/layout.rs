//! The verifier's fast path: a URL in the layout this crate's presigner writes, signed with
//! the credentials, on the date and for the scope of the verifier's cached key.
//!
//! When the URL's own query is simple ([`is_simple_query`]: plain text, sorted, every key
//! sorting after the `X-Amz-*` ones, such as `room=lobby`), the presigner writes
//!
//! ```text
//! {head}?{query}&X-Amz-Algorithm=AWS4-HMAC-SHA256
//!     &X-Amz-Credential={access key id}%2F{YYYYMMDD}%2F{region}%2F{service}%2Faws4_request
//!     &X-Amz-Date={YYYYMMDD}T{HHMMSS}Z&X-Amz-Expires={seconds}&X-Amz-SignedHeaders=host
//!     &X-Amz-Signature={64 lowercase hex digits}[&X-Amz-Security-Token={token}]
//! ```
//!
//! (on one line, and without `{query}&` when the query is empty). Other signers write the
//! same parameters in other orders, and the fast path takes those too, as long as
//! `X-Amz-Algorithm`, `X-Amz-Credential` and `X-Amz-Date` come first, in that order, and the
//! URL's own query is before or after all of them: after `X-Amz-Date`, `X-Amz-Expires`,
//! `X-Amz-SignedHeaders`, `X-Amz-Signature` and the session token may come in any order, each
//! once. botocore puts the token before the signature, a signer writing canonical order
//! before the signed headers; the AWS SDK for JavaScript v3 sorts every key (the signature
//! before the signed headers, the URL's own query last); aws-amplify's `Signer.signUrl`
//! writes the signed headers before the expiry (v5) or the token right after the date (v4).
//! A server sees one of these layouts again and again, signed with the same credentials on
//! the same date as the URL before.
//! Then all of it but the time of day, the expiry and the signature is known text, and the
//! canonical query is a few slices of the URL:
//! `X-Amz-Algorithm=…&X-Amz-Expires={seconds}[&X-Amz-Security-Token={token}]&X-Amz-SignedHeaders=host[&{query}]`
//! (with the token only when it is signed). Comparing the URL with the layout takes the
//! place of the general path's scan of the query, its check of every component's encoding,
//! the sort and the merge.
//!
//! The fast path only ever accepts: it returns the [`Verified`] that the general path returns
//! for the same input. At any difference from the layout, and at any check that fails, it
//! gives up, and the general path decides and reports the error. A property test compares a
//! verifier that takes it with one that cannot, on presigned URLs and edits of them.

use core::time::Duration;
use std::borrow::Cow;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use super::{
    AuthParams, CachedKey, CredentialsLookup, Headers, MAX_QUERY_LEN, ScopeNames, TokenUse,
    Verified, Verifier, check_signature, is_cached_token, parse_amz_date, parse_expires_for,
    signs_hash, signs_token, split_head,
};
use crate::amz_date::AmzDate;
use crate::canonical::{write_presigned_get, write_presigned_get_tail};
use crate::credentials::Credentials;
use crate::presign::is_simple_query;
use crate::presign::{MAX_KEPT_PATH, stable_prefix_state, write_auth_head};
use crate::scope::Scope;
use crate::sink::Sink;
use crate::target::{Target, UrlStorage};

/// The pieces of the layout, as the presigner writes them.
use crate::presign::{
    EXPIRES_PARAM_PREFIX as EXPIRES_KEY, SIGNATURE_PARAM_PREFIX as SIGNATURE_KEY,
    SIGNED_HEADERS_PARAM as SIGNED_HEADERS, TOKEN_PARAM_PREFIX as TOKEN_KEY,
};
/// `HHMMSSZ`: `X-Amz-Date` after its date.
const TIME_LEN: usize = 7;

/// The lookup's answer for an access key id, when the fast path asked for it before giving
/// up: the general path takes it instead of asking again, so that a verification calls the
/// lookup once whichever path decides.
pub(super) struct LookedUp<'a> {
    pub(super) access_key_id: &'a str,
    pub(super) credentials: Option<Cow<'a, Credentials>>,
}

/// Why the fast path gave up: `None` before it called the lookup, the lookup's answer after.
pub(super) type GiveUp<'a> = Option<LookedUp<'a>>;

/// The SHA-256 state after the part of a canonical request that every `GET` in the layout
/// for one path shares on one date: `GET\n{canonical path}\n` and the cached key's
/// [`layout_head`] (which ends with `X-Amz-Date`'s date; the time of day follows). For a
/// path such as `/dev` that is over 128 bytes: two SHA-256 blocks a verification does not
/// compress again. The presigner keeps the same state ([`Presigner`](crate::Presigner)).
///
/// A cache entry keeps it for the path of the request that filled it (the presigner keeps
/// the last path it signed), if that path is at most [`MAX_KEPT_PATH`] bytes long: the entry
/// is filled before the signature is checked, so the path is anyone's.
pub(crate) struct KeptPrefix {
    /// The path as the request gave it.
    pub(super) path: String,
    pub(super) state: Sha256,
}

impl KeptPrefix {
    /// The state for `path`, written as a path that may not be canonical (normalized and
    /// encoded, as [`Verifier::verify_request`] writes any path), or `None` for a path too
    /// long to keep.
    ///
    /// A URL's path that the URL parser flags canonical is written as it is by the general
    /// path; the bytes are the same because the parser sets that flag only when encoding
    /// changes nothing (`fast_path_agrees_with_the_parser_wherever_it_applies` in
    /// `target.rs` checks it). The fast path relies on that rule: if a flagged path were
    /// not its own canonical URI, the fast path would hash another canonical request than
    /// the general path for that path.
    pub(super) fn new(path: &str, layout_head: &str) -> Option<Self> {
        (path.len() <= MAX_KEPT_PATH).then(|| Self {
            path: path.to_owned(),
            state: stable_prefix_state(path, false, layout_head),
        })
    }
}

/// Builds [`CachedKey::layout_head`]: the start of the authentication parameters of every URL
/// in the layout signed with `access_key_id` on `date`'s day for `scope`,
/// `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={id}%2F{YYYYMMDD}%2F…&X-Amz-Date={YYYYMMDD}T`,
/// as the presigner writes it, so that one comparison checks them all.
pub(super) fn layout_head(access_key_id: &str, date: &AmzDate, scope: &Scope) -> String {
    let mut head = String::new();
    write_auth_head(&mut head, access_key_id, scope, date);
    head
}

/// A query in the layout, matched against a cached key: the pieces that vary, as slices of it,
/// and where the signed authentication parameters are in it.
#[derive(Clone, Copy)]
struct Layout<'q> {
    /// The URL's own query, which [`is_simple_query`] (without the `&` after it; empty if it
    /// has none).
    own: &'q str,
    /// The authentication parameters, from `X-Amz-Algorithm` on (the ranges below are in it).
    auth: &'q str,
    /// Where `X-Amz-Date` ends: `X-Amz-Algorithm`, `X-Amz-Credential` and `X-Amz-Date` come
    /// first, in that order (the cached key's [`layout_head`] and the time of day).
    dated_end: usize,
    /// `&X-Amz-Expires={seconds}` and `&X-Amz-SignedHeaders=host`, wherever they are after it.
    expires_param: (usize, usize),
    signed_headers_at: usize,
    /// The session token parameter (with the `&` in front) and its value, if there is one.
    token: Option<((usize, usize), &'q str)>,
    /// The values of `X-Amz-Date`, `X-Amz-Expires` and `X-Amz-Signature`, not checked yet.
    date: &'q str,
    expires: &'q str,
    signature: &'q str,
}

impl<'q> Layout<'q> {
    /// Matches `query` against the layout, with the access key id, date and scope of `key`.
    fn of(query: &'q str, key: &CachedKey) -> Option<Self> {
        if query.len() > MAX_QUERY_LEN {
            return None;
        }
        let (own, auth) = split_own_query(query)?;
        let head = key.layout_head.as_str();
        let after_head = auth.strip_prefix(head)?;
        // `X-Amz-Date`'s value: the date at the end of the head, then the time of day.
        let date_start = head.len().checked_sub("YYYYMMDDT".len())?;
        let date = auth.get(date_start..head.len() + TIME_LEN)?;
        let mut rest = after_head.get(TIME_LEN..)?;
        let at = |rest: &str| auth.len() - rest.len();
        let dated_end = at(rest);
        // The other four, the token optional, in any order: this crate writes `X-Amz-Expires`,
        // `X-Amz-SignedHeaders`, `X-Amz-Signature`, then the token; botocore puts the token
        // before the signature, a signer writing canonical order before the signed headers;
        // the AWS SDK for JavaScript v3 sorts every key (the signature before the signed
        // headers, the URL's own parameters last); Amplify's `Signer.signUrl` writes the
        // signed headers before the expiry (v5) or the token right after the date (v4).
        // Each once: a second one is left over, and the general path reports it.
        let hint = key.encoded_token.as_deref().map(str::len);
        let (mut expires, mut signed_headers_at, mut signature, mut token) =
            (None, None, None, None);
        loop {
            let start = at(rest);
            if expires.is_none()
                && let Some(after) = rest.strip_prefix(EXPIRES_KEY)
            {
                // A few digits: a plain loop beats a search.
                let len = after.bytes().position(|b| b == b'&').unwrap_or(after.len());
                let (value, after) = after.split_at_checked(len)?;
                expires = Some(((start, at(after)), value));
                rest = after;
            } else if signed_headers_at.is_none()
                && let Some(after) = rest.strip_prefix(SIGNED_HEADERS)
            {
                signed_headers_at = Some(start);
                rest = after;
            } else if signature.is_none()
                && let Some(after) = rest.strip_prefix(SIGNATURE_KEY)
            {
                let (value, after) = after.split_at_checked(64)?;
                signature = Some(value);
                rest = after;
            } else if token.is_none()
                && let (Some(value), after) = take_token(rest, hint)
            {
                token = Some(((start, at(after)), value));
                rest = after;
            } else {
                break;
            }
        }
        let (expires_param, expires) = expires?;
        // The URL's own query: before the authentication parameters or after them, not both.
        let own = match rest.strip_prefix('&') {
            Some(last) if own.is_empty() => last,
            None if rest.is_empty() => own,
            _ => return None,
        };
        is_simple_query(own).then_some(Self {
            own,
            auth,
            dated_end,
            expires_param,
            signed_headers_at: signed_headers_at?,
            token,
            date,
            expires,
            signature: signature?,
        })
    }

    /// Writes the canonical query: the signed authentication parameters in canonical order,
    /// the token among them if `sign_token`, then the URL's own query; all but its first
    /// `skip` bytes (at most the cached key's [`layout_head`], with which `auth` starts).
    /// Parameters that follow each other in the URL as in canonical order (as they do in this
    /// crate's layout) are written as one piece.
    fn write_canonical_query(&self, sink: &mut impl Sink, sign_token: bool, skip: usize) {
        let token = self.token.filter(|_| sign_token).map(|(param, _)| param);
        let mut piece = (skip.min(self.dated_end), self.dated_end);
        for (start, end) in [Some(self.expires_param), token].into_iter().flatten() {
            if start == piece.1 {
                piece.1 = end;
            } else {
                sink.put(self.auth.get(piece.0..piece.1).unwrap_or_default());
                piece = (start, end);
            }
        }
        if self.signed_headers_at == piece.1 {
            piece.1 += SIGNED_HEADERS.len();
            sink.put(self.auth.get(piece.0..piece.1).unwrap_or_default());
        } else {
            sink.put(self.auth.get(piece.0..piece.1).unwrap_or_default());
            // The constant: its length is known where it is copied.
            sink.put(SIGNED_HEADERS);
        }
        if !self.own.is_empty() {
            sink.put("&");
            sink.put(self.own);
        }
    }
}

/// The session token parameter at the start of `rest`, if it is there (with its `&`, and its
/// value up to the next `&`): its value, and what follows it. `hint` is the cached token's
/// length: when the value ends there, the value (some 800 bytes) is not searched for its end.
/// Without a cached token nothing is taken: a URL with a token cannot match then, and the
/// token left in `rest` makes the layout fail.
#[inline]
fn take_token(rest: &str, hint: Option<usize>) -> (Option<&str>, &str) {
    let Some(hint) = hint else {
        return (None, rest);
    };
    // What else can come here starts with `&X-Amz-S` too (`SignedHeaders`, `Signature`):
    // the ninth byte tells them apart before a comparison of the whole key.
    let Some(value) = (rest.as_bytes().get(8) == Some(&b'e'))
        .then(|| rest.strip_prefix(TOKEN_KEY))
        .flatten()
    else {
        return (None, rest);
    };
    let ends_at_hint = value
        .as_bytes()
        .get(hint)
        .map_or(value.len() == hint, |&b| b == b'&');
    let value_len = if ends_at_hint {
        hint
    } else {
        value.find('&').unwrap_or(value.len())
    };
    match value.split_at_checked(value_len) {
        Some((value, after)) => (Some(value), after),
        None => (None, rest),
    }
}

/// Splits `query` where `X-Amz-Algorithm` starts: at its start, or after the first `&X`,
/// which a query that [`is_simple_query`] never has (each of its keys starts with a byte
/// greater than `X`). `None` for a query that starts with `&X`.
fn split_own_query(query: &str) -> Option<(&str, &str)> {
    if query.starts_with('X') {
        return Some(("", query));
    }
    let at = query.as_bytes().windows(2).position(|pair| pair == b"&X")?;
    Some((
        query.get(..at).filter(|own| !own.is_empty())?,
        query.get(at + 1..)?,
    ))
}

/// A `GET` request whose query is in the layout, with what is signed besides the query.
struct KnownRequest<'a> {
    path: &'a str,
    /// Whether `path` is its own canonical URI (see [`write_presigned_get`]).
    path_is_canonical: bool,
    host: Cow<'a, str>,
    query: Layout<'a>,
}

impl<'a> KnownRequest<'a> {
    /// The request for `url`, read as [`QueryRequest::from_url_with_hint`] reads it when its
    /// query is plain (as a query in the layout is): the head as the cached key's
    /// [`KnownHead`](super::KnownHead) says, or else parsed on its own.
    ///
    /// [`QueryRequest::from_url_with_hint`]: super::QueryRequest::from_url_with_hint
    fn of_url(
        key: &CachedKey,
        method: &str,
        url: &'a str,
        storage: &'a mut UrlStorage,
    ) -> Option<Self> {
        if method != "GET" {
            return None;
        }
        // The known head is what `split_head` found in another URL: it has no `?` or `#`,
        // so a URL that starts with it and a `?` splits there too.
        if let Some(known) = &key.head
            && let Some(query) = url
                .strip_prefix(known.head.as_str())
                .and_then(|rest| rest.strip_prefix('?'))
        {
            let query = Layout::of(query, key)?;
            let (host, path) = known.parts.apply(url.get(..known.head.len())?)?;
            return Some(Self {
                path,
                path_is_canonical: known.parts.path_is_canonical,
                host: Cow::Borrowed(host),
                query,
            });
        }
        let (head, query) = split_head(url)?;
        let query = Layout::of(query, key)?;
        let target = Target::parse_with(head, storage).ok()?;
        Some(Self {
            path: target.path,
            path_is_canonical: target.path_is_canonical,
            host: Cow::Borrowed(target.host),
            query,
        })
    }

    /// The request for a request target and its headers, read as
    /// [`QueryRequest::parse_target`](super::QueryRequest::parse_target) and
    /// [`Headers::canonical`] read them for the signed headers `host`.
    fn of_target(
        key: &CachedKey,
        method: &str,
        request_target: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Option<Self> {
        if method != "GET" || !request_target.starts_with('/') {
            return None;
        }
        // Split at the first `?`, as `parse_target` does (a short path: a plain loop).
        let at = request_target.bytes().position(|b| b == b'?')?;
        let (path, query) = (request_target.get(..at)?, request_target.get(at + 1..)?);
        let query = Layout::of(query, key)?;
        let host = Headers::List(headers).value("host").ok()?;
        Some(Self {
            path,
            path_is_canonical: false,
            host,
            query,
        })
    }
}

impl<L: CredentialsLookup> Verifier<L> {
    /// [`Verifier::verify_url_with_method`]'s fast path, with the cached key `key`: the
    /// general path's result if it is a success (see the module's docs).
    ///
    /// # Errors
    ///
    /// When it gives up, and then the lookup's answer if it asked (see [`LookedUp`]).
    pub(super) fn verify_url_layout<'a>(
        &'a self,
        key: &'a CachedKey,
        method: &str,
        url: &str,
        now: OffsetDateTime,
    ) -> Result<Verified, GiveUp<'a>> {
        let mut storage: UrlStorage = None;
        match KnownRequest::of_url(key, method, url, &mut storage) {
            Some(request) => self.verify_layout(key, &request, now),
            None => Err(None),
        }
    }

    /// [`Verifier::verify_request`]'s fast path, as [`Verifier::verify_url_layout`].
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify_url_layout`].
    pub(super) fn verify_request_layout<'a>(
        &'a self,
        key: &'a CachedKey,
        method: &str,
        request_target: &str,
        headers: &[(&str, &str)],
        now: OffsetDateTime,
    ) -> Result<Verified, GiveUp<'a>> {
        match KnownRequest::of_target(key, method, request_target, headers) {
            Some(request) => self.verify_layout(key, &request, now),
            None => Err(None),
        }
    }

    /// Checks a request in the layout as [`Verifier::verify`] does, in its order: the
    /// authentication parameters, scope and time; the lookup; the cached key and token; the
    /// signature.
    fn verify_layout<'a>(
        &'a self,
        key: &'a CachedKey,
        request: &KnownRequest<'_>,
        now: OffsetDateTime,
    ) -> Result<Verified, GiveUp<'a>> {
        let layout = &request.query;
        let Some(auth) = self.layout_auth(key, layout, now) else {
            return Err(None);
        };
        // The lookup is asked every time (a revoked key is refused at once), and the cached
        // key serves only the credentials it was derived from, as in `keyed_mac`.
        let found = self.lookup.credentials(&key.access_key_id);
        let usable = found.as_deref().is_some_and(|c| key.credentials == *c)
            & token_is_cached(
                layout.token.map(|(_, value)| value),
                key.encoded_token.as_deref(),
            );
        let give_up = |found| {
            Err(Some(LookedUp {
                access_key_id: &key.access_key_id,
                credentials: found,
            }))
        };
        if !usable {
            return give_up(found);
        }

        let sign_token = signs_token(self.session_token, auth.scope.service());
        let hasher = if let Some(kept) = key.prefix.as_ref().filter(|k| k.path == request.path) {
            let mut hasher = kept.state.clone();
            layout.write_canonical_query(&mut hasher, sign_token, key.layout_head.len());
            write_presigned_get_tail(&mut hasher, &request.host);
            hasher
        } else {
            let mut hasher = Sha256::new();
            write_presigned_get(
                &mut hasher,
                request.path,
                request.path_is_canonical,
                &request.host,
                |sink| layout.write_canonical_query(sink, sign_token, 0),
            );
            hasher
        };
        let hash: [u8; 32] = hasher.finalize().into();
        if !signs_hash(key.mac.clone(), key, &auth.date, &hash, auth.signature) {
            return give_up(found);
        }
        Ok(Verified {
            access_key_id: Arc::clone(&key.access_key_id),
            scope: Arc::clone(&key.scope),
            signed_at: auth.date,
            expires: auth.expires.map(|s| Duration::from_secs(u64::from(s))),
            session_token: match layout.token {
                None => TokenUse::None,
                Some(_) if sign_token => TokenUse::Signed,
                Some(_) => TokenUse::Unsigned,
            },
        })
    }

    /// The authentication parameters of a query in the layout, if the general path finds
    /// them well formed ([`QueryRequest::auth_with_hint`](super::QueryRequest::auth_with_hint))
    /// and its scope and time checks pass.
    fn layout_auth<'a>(
        &self,
        key: &'a CachedKey,
        layout: &Layout<'a>,
        now: OffsetDateTime,
    ) -> Option<AuthParams<'a>> {
        let date = parse_amz_date(layout.date).ok()?;
        let signature = check_signature(layout.signature).ok()?;
        // The credential is the cached key's: its scope is the key's.
        let scope = ScopeNames {
            region: key.scope.region(),
            service: key.scope.service(),
        };
        let expires = parse_expires_for(layout.expires, scope.service).ok()?;
        let auth = AuthParams {
            access_key_id: &key.access_key_id,
            scope,
            date,
            expires: Some(expires),
            signed_headers: "host",
            signature,
        };
        self.check_scope(scope).ok()?;
        self.check_time(&auth, now).ok()?;
        Some(auth)
    }
}

/// Whether the URL's session token (its value, if any) is exactly the cached one (in
/// canonical encoding, if any), compared as [`is_cached_token`] compares.
fn token_is_cached(token: Option<&str>, cached: Option<&str>) -> bool {
    match (token, cached) {
        (None, None) => true,
        (Some(value), Some(cached)) => {
            is_cached_token(value.as_bytes(), cached, value.len() == cached.len())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
