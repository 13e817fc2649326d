//! Reading a URL's query back, for the tests that compare presigned URLs
//! (`tests/differential.rs`, `wasm/tests/browser.rs`).

use percent_encoding::percent_decode_str;

/// A query parameter, percent-decoded: key and value.
pub(crate) type Param = (Vec<u8>, Vec<u8>);

/// The query parameters of `url`, percent-decoded, sorted (the multiset, as a sorted list).
pub(crate) fn decoded_params(url: &str) -> Vec<Param> {
    let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    let query = without_fragment.split_once('?').map_or("", |(_, query)| query);
    let mut params: Vec<_> = query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (key, value) = item.split_once('=').unwrap_or((item, ""));
            (percent_decode_str(key).collect(), percent_decode_str(value).collect())
        })
        .collect();
    params.sort();
    params
}
