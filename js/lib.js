// The package's functions, over the module that wasm-bindgen generates. node.js and
// browser.js instantiate the WebAssembly module, then export these.
import * as wasm from "./dist/sigv4_wss_wasm.js";

// The WebAssembly module keeps international domain names out to stay small (its `url`
// crate is built without Unicode host support), so a URL with non-ASCII characters is first
// normalized by the platform's own WHATWG URL parser, which writes such a host in punycode
// (`xn--…`). That parser and the crate's follow the same standard, so the result is the URL
// the crate would have read; an ASCII URL is passed on unchanged.
function withAsciiHost(url) {
  if (typeof url !== "string" || !/[^\x00-\x7f]/.test(url)) return url;
  try {
    return new URL(url).href;
  } catch {
    return url; // the crate reports what is wrong with it
  }
}

export function presignUrl(url, credentials, options) {
  return wasm.presignUrl(withAsciiHost(url), credentials, options);
}

export function inspect(url) {
  return wasm.inspect(withAsciiHost(url));
}
