//! The functions of the npm package `sigv4-wss` (in `js/`): `presignUrl` and `inspect`,
//! exported to JavaScript with wasm-bindgen. The signing is the library's own code; this crate
//! only reads JavaScript arguments and turns errors into JavaScript `Error`s.
//!
//! Every failure is thrown as an `Error` whose `message` is the library's message and whose
//! `code` is the name of the [`sigv4_wss::Error`] variant (`InvalidUrl`, `UnknownEndpoint`,
//! `ExpiresOutOfRange`, ...), or `InvalidArgument` when an argument has the wrong JavaScript
//! type. Nothing here panics on any input, and no message shows a secret.

use core::time::Duration;

use js_sys::{Date, Object, Reflect};
use sigv4_wss::{Credentials, Error, Presigner, Scope, SessionTokenMode};
use time::OffsetDateTime;
use wasm_bindgen::prelude::*;

/// `X-Amz-Expires` when the options give none, as the command-line tools default to.
const DEFAULT_EXPIRES_SECS: u64 = 300;

/// Presigns `url`; see `js/index.d.ts` for the arguments.
///
/// # Errors
///
/// A JavaScript `Error` with a `code`, for bad arguments and every error of
/// [`sigv4_wss::presign_url`], [`Scope`] and [`Credentials::new`].
#[wasm_bindgen(js_name = presignUrl)]
pub fn presign_url(
    url: &JsValue, credentials: &JsValue, options: &JsValue,
) -> Result<String, JsValue> {
    let url = url.as_string().ok_or_else(|| invalid("url must be a string"))?;
    if !credentials.is_object() {
        return Err(invalid(
            "credentials must be an object { accessKeyId, secretAccessKey, sessionToken? }",
        ));
    }
    let string = |name: &str| -> Result<String, JsValue> {
        get(credentials, name)?
            .as_string()
            .ok_or_else(|| invalid(&format!("credentials.{name} must be a string")))
    };
    let session_token = optional_string(credentials, "sessionToken", "credentials")?;
    let credentials = Credentials::new(
        &string("accessKeyId")?,
        &string("secretAccessKey")?,
        session_token.as_deref(),
    )
    .map_err(|e| thrown(&e))?;

    if !(options.is_undefined() || options.is_null() || options.is_object()) {
        return Err(invalid("options must be an object"));
    }
    let option = |name: &str| -> Result<JsValue, JsValue> {
        if options.is_object() { get(options, name) } else { Ok(JsValue::UNDEFINED) }
    };
    let region = optional_string(options, "region", "options")?;
    let service = optional_string(options, "service", "options")?;
    let scope = match (region, service) {
        (Some(region), Some(service)) => Scope::new(&region, &service),
        (region, service) => Scope::from_url(&url).and_then(|inferred| {
            Scope::new(
                region.as_deref().unwrap_or(inferred.region()),
                service.as_deref().unwrap_or(inferred.service()),
            )
        }),
    }
    .map_err(|e| thrown(&e))?;
    let expires = expires(&option("expires")?)?;
    let time = signing_time(&option("time")?)?;
    let mode = option("sessionTokenMode")?;
    let mode = match mode.as_string().as_deref() {
        _ if mode.is_undefined() => SessionTokenMode::ServiceDefault,
        Some("serviceDefault") => SessionTokenMode::ServiceDefault,
        Some("signed") => SessionTokenMode::Signed,
        Some("unsigned") => SessionTokenMode::Unsigned,
        _ => {
            return Err(invalid(
                "options.sessionTokenMode must be \"serviceDefault\", \"signed\" or \"unsigned\"",
            ));
        }
    };
    Presigner::new(credentials, scope)
        .session_token(mode)
        .presign(&url, time, expires)
        .map(sigv4_wss::PresignedUrl::into_string)
        .map_err(|e| thrown(&e))
}

/// What a server rebuilds from a presigned URL (see [`sigv4_wss::inspect`]), as an object
/// `{ accessKeyId, credentialScope, region, service, signedAt, expires, signedHeaders,
/// canonicalRequest, stringToSign, text }`; `text` is the library's `Display` of it.
///
/// # Errors
///
/// A JavaScript `Error` with a `code`, for a `url` that is not a string and every error of
/// [`sigv4_wss::inspect`].
#[wasm_bindgen]
pub fn inspect(url: &JsValue) -> Result<Object, JsValue> {
    let url = url.as_string().ok_or_else(|| invalid("url must be a string"))?;
    let inspection = sigv4_wss::inspect(&url).map_err(|e| thrown(&e))?;
    let object = Object::new();
    let expires = inspection.expires_secs().map_or(JsValue::UNDEFINED, JsValue::from);
    for (name, value) in [
        ("accessKeyId", inspection.access_key_id().into()),
        ("credentialScope", inspection.credential_scope().into()),
        ("region", inspection.scope().region().into()),
        ("service", inspection.scope().service().into()),
        ("signedAt", inspection.signed_at().date_time().into()),
        ("expires", expires),
        ("signedHeaders", inspection.signed_headers().into()),
        ("canonicalRequest", inspection.canonical_request().into()),
        ("stringToSign", inspection.string_to_sign().into()),
        ("text", inspection.to_string().into()),
    ] {
        Reflect::set(&object, &name.into(), &value)?;
    }
    Ok(object)
}

/// `options.expires`: a number of seconds, 300 when undefined. The library checks the range
/// and that it is whole.
fn expires(value: &JsValue) -> Result<Duration, JsValue> {
    if value.is_undefined() {
        return Ok(Duration::from_secs(DEFAULT_EXPIRES_SECS));
    }
    value
        .as_f64()
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| invalid("options.expires must be a number of seconds, 1 to 604800"))
}

/// `options.time`: a `Date` or milliseconds since 1970 (as `Date.now()` gives), now when
/// undefined. The fraction of a second is dropped, as SigV4 times have none.
fn signing_time(value: &JsValue) -> Result<OffsetDateTime, JsValue> {
    let millis = if value.is_undefined() {
        Date::now()
    } else if let Some(date) = value.dyn_ref::<Date>() {
        date.get_time()
    } else {
        value.as_f64().unwrap_or(f64::NAN)
    };
    // JavaScript's own dates span ±8.64e15 ms: in seconds, well within i64.
    let seconds = (millis / 1000.0).floor();
    if !seconds.is_finite() || seconds.abs() > 8.64e12 {
        return Err(invalid(
            "options.time must be a valid Date or a number of milliseconds since 1970",
        ));
    }
    #[allow(clippy::cast_possible_truncation, reason = "whole and within ±8.64e12")]
    OffsetDateTime::from_unix_timestamp(seconds as i64).map_err(|_| {
        // Beyond the years ±9999: the library's error, with the year JavaScript reads. js-sys
        // hands getUTCFullYear over as a u32; JavaScript's years (±275760) fit an i32.
        #[allow(clippy::cast_possible_wrap, reason = "a year before 0 comes back negative")]
        let year = Date::new(&millis.into()).get_utc_full_year() as i32;
        thrown(&Error::TimeOutOfRange { year: year.into() })
    })
}

/// `object[name]` as a string, or `None` when undefined or null.
fn optional_string(object: &JsValue, name: &str, what: &str) -> Result<Option<String>, JsValue> {
    if !object.is_object() {
        return Ok(None);
    }
    let value = get(object, name)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| invalid(&format!("{what}.{name} must be a string")))
}

/// `object[name]`; a throwing getter's exception is passed on.
fn get(object: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(object, &JsValue::from_str(name))
}

/// A library error as a JavaScript `Error`, with the variant's name as its code.
fn thrown(error: &Error) -> JsValue {
    macro_rules! code {
        ($($variant:ident)*) => {
            match error {
                $(Error::$variant { .. } => stringify!($variant),)*
                _ => "Error",
            }
        };
    }
    let code = code!(
        InvalidUrl RelativeUrl UnsupportedScheme MissingHost UserInfoInUrl ReservedParameter
        ReservedHeader InvalidRegion InvalidService UnknownEndpoint InvalidAccessKeyId
        InvalidSecretAccessKey InvalidSessionToken MissingEnvVar ExpiresOutOfRange
        ExpiresNotWholeSeconds TimeOutOfRange UrlTooLong InvalidMethod InvalidHeaderName
        InvalidHeaderValue InvalidRequestTarget AmbiguousQuery MissingParameter RepeatedParameter
        MalformedParameter MalformedCredential UnknownAccessKey WrongRegion WrongService WrongHost
        Expired SignedTooLongAgo NotYetValid MissingHeader SignatureMismatch SessionTokenMismatch
        MalformedAuthorization MixedAuthentication
    );
    js_error(code, &error.to_string())
}

/// An argument of the wrong JavaScript type.
fn invalid(message: &str) -> JsValue {
    js_error("InvalidArgument", message)
}

fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a new Error cannot fail.
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}
