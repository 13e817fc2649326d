//! Reading a request as a server receives it, for the verifier and `inspect`: its target
//! split into path and canonical query parameters, and what its authentication parameters
//! (or `Authorization` header) claim.

use std::borrow::Cow;

use crate::canonical::normalize_header_value;
use crate::canonical::{AUTH_PARAMS, CanonicalRequest, is_auth_param, is_token};
use crate::credentials::check_access_key_id;
use crate::date::AmzDate;
use crate::encode::{decode, reencode, split_query};
use crate::error::Error;
use crate::scope::Scope;
use crate::service::Rules;
use crate::string_to_sign::ALGORITHM;
use zeroize::Zeroize as _;

/// A received request: method, path as received, and query parameters in canonical form.
pub(crate) struct Received<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    /// The request's own parameters (not the authentication ones), in the order received.
    own: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The authentication parameters' values, by their place in [`AUTH_PARAMS`].
    pub(crate) auth: [Option<Cow<'a, str>>; 7],
}

// Places in `AUTH_PARAMS`.
const ALGORITHM_AT: usize = 0;
const CREDENTIAL_AT: usize = 1;
const DATE_AT: usize = 2;
const EXPIRES_AT: usize = 3;
const TOKEN_AT: usize = 4;
const SIGNATURE_AT: usize = 5;
const SIGNED_HEADERS_AT: usize = 6;

const DATE_FORMAT: &str = "expected a UTC time from 1970 to 9999 as YYYYMMDD'T'HHMMSS'Z'";

impl<'a> Received<'a> {
    /// Reads a request target in origin form (`/path?query`), refusing what a client never
    /// sends for a signed URL and what the application could read otherwise than signed.
    pub(crate) fn read(method: &'a str, target: &'a str) -> Result<Self, Error> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let invalid = |reason| Err(Error::InvalidRequestTarget { reason });
        if !target.starts_with('/') {
            return invalid("it must start with '/' (the origin form: /path?query)");
        } else if target.contains('#') {
            return invalid("it has a '#', which clients never send");
        } else if path.split('/').any(|segment| matches!(&*decode(segment), b"." | b"..")) {
            return invalid("it has a '.' or '..' segment, which clients resolve before sending");
        } else if path.contains("//") {
            return invalid("it has an empty segment ('//'), which the signature does not cover");
        }
        let ambiguous = |reason| Err(Error::AmbiguousQuery { reason });
        if query.contains('+') {
            return ambiguous("a raw '+' reads as a space to form decoders; signers send %2B");
        } else if query.contains(';') {
            return ambiguous("a raw ';' splits parameters for some parsers; signers send %3B");
        }
        let mut received = Self { method, path, own: Vec::new(), auth: Default::default() };
        for (key, value) in split_query(query) {
            let (key, value) = (reencode(key), reencode(value));
            let Some(at) = AUTH_PARAMS.iter().position(|name| *name == key) else {
                if is_auth_param(&key) {
                    let at = AUTH_PARAMS.iter().position(|n| n.eq_ignore_ascii_case(&key));
                    let reason = "SigV4 parameter names are case-sensitive (X-Amz-Signature, …)";
                    return Err(Error::MalformedParameter { name: auth_name(at), reason });
                }
                received.own.push((key, value));
                continue;
            };
            match received.auth.get_mut(at) {
                Some(slot @ None) => *slot = Some(value),
                _ => return Err(Error::RepeatedParameter { name: auth_name(Some(at)) }),
            }
        }
        // In canonical order: a repeated key's values are signed as a sorted set.
        received.own.sort_unstable();
        Ok(received)
    }

    /// The session token's value, in canonical form.
    pub(crate) fn query_token(&self) -> Option<&str> {
        self.value(TOKEN_AT)
    }

    /// What the authentication parameters claim, checked for form.
    pub(crate) fn query_claim(&self) -> Result<Claim, Error> {
        let name = |at| auth_name(Some(at));
        let required = |at| self.value(at).ok_or(Error::MissingParameter { name: name(at) });
        let malformed = |at, reason| Error::MalformedParameter { name: name(at), reason };
        if required(ALGORITHM_AT)? != ALGORITHM {
            return Err(malformed(ALGORITHM_AT, "the only algorithm is AWS4-HMAC-SHA256"));
        }
        let credential = decode(required(CREDENTIAL_AT)?);
        let date = AmzDate::parse(required(DATE_AT)?).ok_or(malformed(DATE_AT, DATE_FORMAT))?;
        let signed_headers = decode(required(SIGNED_HEADERS_AT)?);
        let signed_headers =
            signed_header_names(&signed_headers, "host", |r| malformed(SIGNED_HEADERS_AT, r))?;
        let signature = required(SIGNATURE_AT)?;
        if !is_signature_hex(signature) {
            return Err(malformed(SIGNATURE_AT, "expected 64 lowercase hexadecimal digits"));
        }
        let (access_key_id, scope) =
            parse_credential(&String::from_utf8_lossy(&credential), &date)?;
        let expires = match self.value(EXPIRES_AT) {
            None => None,
            Some(v) if (1..=10).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) => {
                let seconds = v.parse().unwrap_or(u64::MAX);
                Some(Rules::of(scope.service()).check_expires(seconds, scope.service())?)
            }
            Some(_) => return Err(malformed(EXPIRES_AT, "expected whole seconds, such as 300")),
        };
        let signature = signature.to_owned();
        Ok(Claim { access_key_id, scope, date, expires, signed_headers, signature })
    }

    /// The canonical request this request was signed with, if the claim is true: its own
    /// parameters and the signed authentication parameters (the session token when
    /// `sign_token`), the signed headers from `received_headers`, and `payload_hash`.
    pub(crate) fn canonical_request(
        &'a self, claim: &'a Claim, sign_token: bool, received_headers: &'a [(&'a str, &'a str)],
        payload_hash: &'a str,
    ) -> Result<CanonicalRequest<'a>, Error> {
        let mut request =
            CanonicalRequest::new(self.method, self.path)?.with_payload_hash(payload_hash);
        let signed = |&(at, _): &(usize, _)| at != SIGNATURE_AT && (at != TOKEN_AT || sign_token);
        let auth = self.auth.iter().enumerate().filter(signed);
        for (at, value) in auth.filter_map(|(at, value)| Some((at, value.as_ref()?))) {
            request.push_query(Cow::Borrowed(auth_name(Some(at))), Cow::Borrowed(value));
        }
        for (key, value) in &self.own {
            request.push_query(Cow::Borrowed(key), Cow::Borrowed(value));
        }
        request.sort_query();
        for name in &claim.signed_headers {
            let mut values = received_headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
            let first = values.next().ok_or(Error::MissingHeader { name: name.clone() })?;
            for (_, value) in [first].into_iter().chain(values) {
                request = request.with_header(name, value)?;
            }
        }
        Ok(request)
    }

    /// The request's own parameters, percent-decoded.
    pub(crate) fn decoded_query(&self) -> Result<Vec<(String, String)>, Error> {
        let text = |encoded: &str| {
            String::from_utf8(decode(encoded).into_owned()).map_err(|_| Error::AmbiguousQuery {
                reason: "a parameter decodes to bytes that are not UTF-8",
            })
        };
        self.own.iter().map(|(key, value)| Ok((text(key)?, text(value)?))).collect()
    }

    fn value(&self, at: usize) -> Option<&str> {
        self.auth.get(at)?.as_deref()
    }
}

impl Drop for Received<'_> {
    /// Zeroizes its copy of the session token.
    fn drop(&mut self) {
        if let Some(Some(Cow::Owned(token))) = self.auth.get_mut(TOKEN_AT) {
            token.zeroize();
        }
    }
}

fn auth_name(at: Option<usize>) -> &'static str {
    at.and_then(|at| AUTH_PARAMS.get(at)).copied().unwrap_or("X-Amz-*")
}

/// What a request's authentication claims: who signed it, for what scope, when, and which
/// headers; checked for form, not yet for truth.
pub(crate) struct Claim {
    pub(crate) access_key_id: String,
    pub(crate) scope: Scope,
    pub(crate) date: AmzDate,
    pub(crate) expires: Option<u32>,
    /// Lowercase, sorted, each once.
    pub(crate) signed_headers: Vec<String>,
    /// 64 lowercase hex digits.
    pub(crate) signature: String,
}

impl Claim {
    /// What an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
    /// header and the `X-Amz-Date` header claim.
    pub(crate) fn from_headers(authorization: &str, x_amz_date: &str) -> Result<Self, Error> {
        let malformed = |reason| Error::MalformedAuthorization { reason };
        let rest = authorization.trim().strip_prefix(ALGORITHM).filter(|r| r.starts_with(' '));
        let rest = rest.ok_or(malformed("it does not start with AWS4-HMAC-SHA256"))?;
        let mut fields = [("Credential", None), ("SignedHeaders", None), ("Signature", None)];
        for field in rest.split(',') {
            let (name, value) =
                field.trim().split_once('=').ok_or(malformed("a field is not name=value"))?;
            match fields.iter_mut().find(|(n, _)| *n == name) {
                Some((_, slot @ None)) => *slot = Some(value),
                Some(_) => return Err(malformed("a field appears more than once")),
                None => {
                    return Err(malformed("its fields are Credential, SignedHeaders, Signature"));
                }
            }
        }
        let [(_, Some(credential)), (_, Some(signed_headers)), (_, Some(signature))] = fields
        else {
            return Err(malformed("it lacks Credential, SignedHeaders or Signature"));
        };
        let date = AmzDate::parse(&normalize_header_value(x_amz_date))
            .ok_or(Error::MalformedParameter { name: "X-Amz-Date", reason: DATE_FORMAT })?;
        let (access_key_id, scope) = parse_credential(credential, &date)?;
        let signed_headers =
            signed_header_names(signed_headers.as_bytes(), "x-amz-date", malformed)?;
        if !is_signature_hex(signature) {
            return Err(malformed("Signature is not 64 lowercase hexadecimal digits"));
        }
        let signature = signature.to_owned();
        Ok(Self { access_key_id, scope, date, expires: None, signed_headers, signature })
    }
}

/// Splits `{access key id}/{YYYYMMDD}/{region}/{service}/aws4_request`, checking each part.
fn parse_credential(value: &str, date: &AmzDate) -> Result<(String, Scope), Error> {
    let malformed = |reason| Err(Error::MalformedCredential { reason });
    let parts: Vec<&str> = value.split('/').collect();
    let [access_key_id, day, region, service, terminator] = parts[..] else {
        return malformed("it does not have five parts separated by '/'");
    };
    if check_access_key_id(access_key_id).is_err() {
        return malformed("the access key id is not 1 to 128 ASCII letters, digits or underscores");
    } else if day != date.date() {
        return malformed("its date is not the date of X-Amz-Date");
    } else if terminator != "aws4_request" {
        return malformed("it does not end with aws4_request");
    }
    match Scope::new(region, service) {
        Ok(scope) => Ok((access_key_id.to_owned(), scope)),
        Err(_) => malformed("the region or service is not a valid AWS name"),
    }
}

/// The `;`-separated list of signed header names: lowercase tokens, sorted, each once,
/// `host` and `required` among them.
fn signed_header_names(
    list: &[u8], required: &str, malformed: impl Fn(&'static str) -> Error,
) -> Result<Vec<String>, Error> {
    let names: Vec<&str> = core::str::from_utf8(list).unwrap_or("\0").split(';').collect();
    if names.iter().any(|n| !is_token(n) || n.bytes().any(|b| b.is_ascii_uppercase())) {
        Err(malformed("expected lowercase header names separated by ';', such as host"))
    } else if names.windows(2).any(|pair| matches!(pair, [a, b] if a >= b)) {
        Err(malformed("the header names must be sorted and listed once each"))
    } else if !names.contains(&"host") || !names.contains(&required) {
        Err(malformed("host (and for an Authorization header x-amz-date) must be signed"))
    } else {
        Ok(names.into_iter().map(str::to_owned).collect())
    }
}

fn is_signature_hex(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
