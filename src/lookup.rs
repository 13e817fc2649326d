//! Where a [`Verifier`](crate::Verifier) finds the credentials of an access key id.

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

use crate::credentials::Credentials;

/// Where a [`Verifier`](crate::Verifier) finds the credentials of an access key id.
///
/// Implemented for one [`Credentials`] (which knows only its own access key id), for maps
/// from access key id (`String` or `&str`) to [`Credentials`] (`HashMap`, `BTreeMap`), for
/// references and `Arc`s of those, and for closures wrapped in [`lookup_fn`]. The
/// lookup is asked on every verification, so a revoked key is refused at once.
///
/// When the credentials returned have a session token, a request must carry exactly that
/// token; when they have none, it must carry none.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a credentials lookup",
    label = "expected Credentials, a map from access key id to Credentials, or lookup_fn(closure)",
    note = "wrap a closure in sigv4_wss::lookup_fn(|access_key_id| ...); maps may be passed by reference or in an Arc"
)]
pub trait CredentialsLookup {
    /// The credentials of `access_key_id`, or `None` if it is unknown.
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>>;
}

/// A closure as a [`CredentialsLookup`]: `lookup_fn(|access_key_id| …)` needs no type
/// annotation.
///
/// ```
/// use sigv4_wss::{Credentials, Scope, Verifier, lookup_fn};
///
/// let keys = vec![Credentials::new("AKIDEXAMPLE", "secret", None)?];
/// let verifier = Verifier::new(
///     lookup_fn(|id| keys.iter().find(|c| c.access_key_id() == id).cloned()),
///     &Scope::new("us-east-1", "execute-api")?,
/// );
/// # let _ = verifier;
/// # Ok::<(), sigv4_wss::Error>(())
/// ```
pub fn lookup_fn<F: Fn(&str) -> Option<Credentials>>(lookup: F) -> LookupFn<F> {
    LookupFn(lookup)
}

/// A closure made a [`CredentialsLookup`] by [`lookup_fn`].
#[derive(Clone, Copy, Debug)]
pub struct LookupFn<F>(F);

impl<F: Fn(&str) -> Option<Credentials>> CredentialsLookup for LookupFn<F> {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        (self.0)(access_key_id).map(Cow::Owned)
    }
}

impl CredentialsLookup for Credentials {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        (self.access_key_id() == access_key_id).then_some(Cow::Borrowed(self))
    }
}

impl<K: Borrow<str> + Hash + Eq, S: BuildHasher> CredentialsLookup for HashMap<K, Credentials, S> {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.get(access_key_id).map(Cow::Borrowed)
    }
}

impl<K: Borrow<str> + Ord> CredentialsLookup for BTreeMap<K, Credentials> {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.get(access_key_id).map(Cow::Borrowed)
    }
}

impl<L: CredentialsLookup + ?Sized> CredentialsLookup for &L {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        (**self).credentials(access_key_id)
    }
}

impl<L: CredentialsLookup + ?Sized> CredentialsLookup for Arc<L> {
    fn credentials(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        (**self).credentials(access_key_id)
    }
}
