//! Verifying requests signed with SigV4 headers (`Authorization`), such as calls to the
//! `@connections` API made with [`sign_request`](crate::sign_request).

use core::time::Duration;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::error::Error;
use crate::scope::CredentialScope;
use crate::sink::Hex64;
use crate::string_to_sign::{ALGORITHM, StringToSign};
use crate::verify::{
    AuthParams, CredentialsLookup, Headers, QueryRequest, TokenUse, Verified, Verifier,
    check_signature, constant_time_eq, parse_amz_date, parse_credential_parts, signature_matches,
};

/// The parts of an `Authorization` header.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<L: CredentialsLookup> Verifier<L> {
    /// Verifies a request signed with SigV4 headers, as API Gateway's `@connections` API and
    /// other AWS HTTP APIs check one: its method, request target (path and query as received),
    /// headers (`Host`, `X-Amz-Date`, `Authorization` and every signed header) and body, at
    /// time `now`.
    ///
    /// The canonical request is rebuilt with the crate's canonical writer: the path as
    /// received, encoded once more; every query parameter re-encoded and sorted; the headers
    /// listed in `SignedHeaders`; SHA-256 of `body`. The signing time (`X-Amz-Date`) must be
    /// within the allowed clock skew of `now`, on either side. A session token, in
    /// `X-Amz-Security-Token`, must be the lookup's. The expected region and service apply.
    ///
    /// ```
    /// use sigv4_wss::{Credentials, Scope, Verifier, sign_request};
    /// use std::time::Duration;
    /// use time::macros::datetime;
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
    /// let scope = Scope::new("us-east-1", "execute-api")?;
    /// let at = datetime!(2020-01-31 10:02:33 UTC);
    /// let url = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w=";
    /// let signed = sign_request("POST", url, &[], b"hello", &creds, &scope, at)?;
    ///
    /// // What the server receives:
    /// let mut headers = vec![("Host", "abc123defg.execute-api.us-east-1.amazonaws.com")];
    /// headers.extend(signed.additions().iter().map(|(n, v)| (*n, v.as_str())));
    /// let verifier = Verifier::new(creds).expect_scope(&scope);
    /// let target = "/prod/@connections/R0oXAdfD0kwCH6w=";
    /// assert!(verifier.verify_headers("POST", target, &headers, b"hello", at).is_ok());
    /// assert!(verifier.verify_headers("POST", target, &headers, b"hellp", at).is_err());
    /// # Ok::<(), sigv4_wss::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidMethod`]; [`Error::InvalidUrl`] if the target does not start with `/`;
    /// - [`Error::MissingHeader`] without `Authorization`, `X-Amz-Date` or a signed header;
    /// - [`Error::MalformedAuthorization`], [`Error::MalformedCredential`],
    ///   [`Error::MalformedParameter`] (`X-Amz-Date`, the signed header list);
    /// - [`Error::MixedAuthentication`] if the query also carries `X-Amz-*` authentication;
    /// - [`Error::WrongRegion`], [`Error::WrongService`], [`Error::NotYetValid`],
    ///   [`Error::Expired`], [`Error::UnknownAccessKey`], [`Error::SignatureMismatch`],
    ///   [`Error::SessionTokenMismatch`], as for presigned URLs.
    pub fn verify_headers(
        &self,
        method: &str,
        request_target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Verified, Error> {
        let request = QueryRequest::parse_target(method, request_target)?;
        if request.has_query_authentication() {
            return Err(Error::MixedAuthentication);
        }
        let authorization = parse_authorization(single_header(headers, "authorization")?)?;
        let date = parse_amz_date(single_header(headers, "x-amz-date")?.trim())?;
        let (access_key_id, scope) =
            parse_credential_parts(authorization.credential.split('/'), &date)?;
        check_signature(authorization.signature).map_err(|_| Error::MalformedAuthorization {
            reason: "Signature is not 64 lowercase hexadecimal digits",
        })?;
        let names = authorization.signed_headers.split(';');
        if !names.clone().any(|name| name == "x-amz-date") {
            return Err(Error::MalformedAuthorization {
                reason: "x-amz-date is not among the SignedHeaders",
            });
        }
        let auth = AuthParams {
            access_key_id,
            scope,
            date,
            expires: None,
            signed_headers: authorization.signed_headers,
            signature: authorization.signature,
        };
        self.check_scope(auth.scope)?;
        // Without X-Amz-Expires, the signing time must be within the skew of `now`.
        self.check_time(&auth, now)?;
        let canonical_headers = Headers::List(headers).canonical_names(names, "SignedHeaders")?;
        let credentials = self.credentials(auth.access_key_id)?;

        let payload_hash = Hex64::new(&Sha256::digest(body).into());
        let mut hasher = Sha256::new();
        request.write_canonical_with_payload(
            &mut hasher,
            None,
            &canonical_headers,
            payload_hash.as_str(),
        );
        let hash: [u8; 32] = hasher.finalize().into();
        let (key, mut mac, ()) = self.keyed_mac(
            self.cached_key().as_ref(),
            &credentials,
            &auth,
            None,
            None,
            |_| (),
        )?;
        StringToSign::new(
            &auth.date,
            CredentialScope::new(&auth.date, &key.scope),
            &hash,
        )
        .write(&mut mac);
        if !signature_matches(mac, auth.signature) {
            return Err(Error::SignatureMismatch);
        }

        let token = match single_header(headers, "x-amz-security-token") {
            Ok(token) => Some(token.trim()),
            Err(Error::MissingHeader { .. }) => None,
            Err(other) => return Err(other),
        };
        check_header_token(token, credentials.session_token())?;
        let token_signed = canonical_headers
            .iter()
            .any(|(name, _)| *name == "x-amz-security-token");
        Ok(Verified {
            access_key_id: Arc::from(auth.access_key_id),
            scope: Arc::clone(&key.scope),
            signed_at: auth.date,
            expires: None::<Duration>,
            session_token: match token {
                None => TokenUse::None,
                Some(_) if token_signed => TokenUse::Signed,
                Some(_) => TokenUse::Unsigned,
            },
        })
    }
}

/// The value of the header `name` (lowercase), which must appear once.
fn single_header<'a>(headers: &[(&str, &'a str)], name: &str) -> Result<&'a str, Error> {
    let mut found = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v);
    match (found.next(), found.next()) {
        (Some(value), None) => Ok(value),
        (None, _) => Err(Error::MissingHeader {
            name: name.to_owned(),
        }),
        (Some(_), Some(_)) => Err(Error::MalformedAuthorization {
            reason: "an authentication header (Authorization, X-Amz-Date or \
                     X-Amz-Security-Token) appears more than once",
        }),
    }
}

/// Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
fn parse_authorization(value: &str) -> Result<Authorization<'_>, Error> {
    let malformed = |reason| Error::MalformedAuthorization { reason };
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or(malformed("it does not start with AWS4-HMAC-SHA256"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let (name, value) = field
            .trim()
            .split_once('=')
            .ok_or(malformed("a field is not name=value"))?;
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => {
                return Err(malformed(
                    "it has a field other than Credential, SignedHeaders and Signature",
                ));
            }
        };
        if slot.replace(value).is_some() {
            return Err(malformed("a field appears more than once"));
        }
    }
    Ok(Authorization {
        credential: credential.ok_or(malformed("it has no Credential"))?,
        signed_headers: signed_headers.ok_or(malformed("it has no SignedHeaders"))?,
        signature: signature.ok_or(malformed("it has no Signature"))?,
    })
}

/// Checks the `X-Amz-Security-Token` header against the credentials' token.
fn check_header_token(given: Option<&str>, expected: Option<&str>) -> Result<(), Error> {
    let reason = match (given, expected) {
        (None, None) => return Ok(()),
        (Some(given), Some(expected))
            if constant_time_eq(given.as_bytes(), expected.as_bytes()) =>
        {
            return Ok(());
        }
        (None, Some(_)) => {
            "the request has no X-Amz-Security-Token, but the access key is temporary and needs \
             its session token"
        }
        (Some(_), None) => {
            "the request has an X-Amz-Security-Token, but the access key is long-term and has none"
        }
        (Some(_), Some(_)) => "X-Amz-Security-Token is not the access key's session token",
    };
    Err(Error::SessionTokenMismatch { reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_headers() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20200131/us-east-1/execute-api/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(
            a.credential,
            "AKID/20200131/us-east-1/execute-api/aws4_request"
        );
        assert_eq!(a.signed_headers, "host;x-amz-date");
        assert_eq!(a.signature, "abc");
        for bad in [
            "",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256Credential=a, SignedHeaders=b, Signature=c",
            "AWS4-HMAC-SHA512 Credential=a, SignedHeaders=b, Signature=c",
            "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=b",
            "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=b, Signature=c, Signature=c",
            "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=b, Signature=c, Extra=d",
            "AWS4-HMAC-SHA256 Credential=a SignedHeaders=b Signature=c",
        ] {
            assert!(
                matches!(
                    parse_authorization(bad),
                    Err(Error::MalformedAuthorization { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn header_tokens() {
        assert!(check_header_token(None, None).is_ok());
        assert!(check_header_token(Some("t"), Some("t")).is_ok());
        for (given, expected) in [(None, Some("t")), (Some("t"), None), (Some("t"), Some("u"))] {
            assert!(matches!(
                check_header_token(given, expected),
                Err(Error::SessionTokenMismatch { .. })
            ));
        }
    }
}
