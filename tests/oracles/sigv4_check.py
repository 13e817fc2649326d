#!/usr/bin/env python3
# Copied unchanged from the sigv4-wss project's shared oracle set (shared/oracles/sigv4_check.py,
# read-only reference material that came with the project); only these lines were added.
# Test tooling for tests/differential.rs: see tests/oracles/README.md.
"""Model of the SERVER side: recompute a presigned URL's signature from the
URL alone (plus the secret key), the way a strict SigV4 verifier for a
non-S3 service would, and say whether the embedded X-Amz-Signature matches.

This is not an oracle (it is a ~80-line re-implementation written here), but
it tells whether an oracle's URL is *self-consistent*: whether what it signed
is what a client would actually send. Stdlib only.

Model (assumptions spelled out):
  * the client sends the path percent-encoded: raw bytes that are not allowed
    in a URI path (space, non-ASCII, ", <, >, `, {, }, ^, |, \\) are
    UTF-8 percent-encoded first (what WHATWG URL / websocket clients do);
  * canonical path: remove '.' and '..' segments, collapse empty segments
    ('//'), keep a trailing '/', then percent-encode every byte except
    A-Z a-z 0-9 - _ . ~ and '/', so an existing %XX becomes %25XX
    (double encoding, all services except S3);
  * canonical query: split on '&', each item on its FIRST '=', percent-decode
    name and value (plus_as_space decides whether '+' means ' ' or '+'),
    re-encode both strictly, a name without '=' gets an empty value, sort by
    name then value, drop X-Amz-Signature, and drop X-Amz-Security-Token
    when token_unsigned (the AWS IoT convention);
  * host header: lowercased host, port kept unless it is the scheme default
    (wss/https 443, ws/http 80); payload hash sha256("");
  * date, region, service, access key come from X-Amz-Date/X-Amz-Credential.
"""
import hashlib
import hmac
from urllib.parse import quote, unquote_to_bytes

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_PATH_SAFE_ON_WIRE = "/%!$&'()*+,;=:@-._~"


def _split(url):
    scheme, _, rest = url.partition("://")
    rest = rest.partition("#")[0]
    end = len(rest)
    for ch in "/?":
        i = rest.find(ch)
        if i != -1:
            end = min(end, i)
    authority, pq = rest[:end], rest[end:]
    path, q, query = pq.partition("?")
    return scheme.lower(), authority, path or "/", query if q else None


def _host_header(scheme, authority):
    host = authority.rsplit("@", 1)[-1].lower()
    if ":" in host and not host.endswith("]"):
        h, _, port = host.rpartition(":")
        if port == DEFAULT_PORTS.get(scheme):
            return h
    return host


def _canonical_path(path):
    wire = quote(path, safe=_PATH_SAFE_ON_WIRE)  # what a client really sends
    segs = []
    for s in wire.split("/"):
        if s in ("", "."):
            continue
        if s == "..":
            if segs:
                segs.pop()
            continue
        segs.append(s)
    norm = "/" + "/".join(segs)
    if segs and wire.endswith("/"):
        norm += "/"
    return quote(norm, safe="/-_.~")


def _decode(s, plus_as_space):
    if plus_as_space:
        s = s.replace("+", " ")
    return unquote_to_bytes(s)


def _canonical_query(query, plus_as_space, token_unsigned):
    pairs = []
    params = {}
    if query:
        for item in query.split("&"):
            if item == "":
                continue
            k, _, v = item.partition("=")
            kb, vb = _decode(k, plus_as_space), _decode(v, plus_as_space)
            params.setdefault(kb.decode("utf-8", "replace"), vb.decode("utf-8", "replace"))
            if kb == b"X-Amz-Signature":
                continue
            if token_unsigned and kb == b"X-Amz-Security-Token":
                continue
            pairs.append((quote(kb, safe="-_.~"), quote(vb, safe="-_.~")))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs), params


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def check(url, secret_key, method="GET", plus_as_space=False, token_unsigned=False):
    """Return (ok, expected_signature, canonical_request)."""
    scheme, authority, path, query = _split(url)
    cq, params = _canonical_query(query, plus_as_space, token_unsigned)
    host = _host_header(scheme, authority)
    canonical = "\n".join(
        [method.upper(), _canonical_path(path), cq, f"host:{host}\n", "host", EMPTY_SHA256]
    )
    cred = params.get("X-Amz-Credential", "")
    amz_date = params.get("X-Amz-Date", "")
    try:
        _ak, date, region, service, _term = cred.split("/")
    except ValueError:
        return False, None, canonical
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    k = _hmac(("AWS4" + secret_key).encode(), date)
    for part in (region, service, "aws4_request"):
        k = _hmac(k, part)
    expected = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return expected == params.get("X-Amz-Signature"), expected, canonical


def verdicts(url, case):
    """Short labels for compare.py: which server models accept the URL."""
    method = case.get("method") or "GET"
    sk = case["secret_key"]
    out = []
    for label, kw in (
        ("rfc", dict(plus_as_space=False)),
        ("form", dict(plus_as_space=True)),
    ):
        ok, _, _ = check(url, sk, method, **kw)
        ok_iot, _, _ = check(url, sk, method, token_unsigned=True, **kw)
        if ok:
            out.append(label)
        elif ok_iot and "X-Amz-Security-Token" in url:
            out.append(label + "+token-unsigned")
    return out
