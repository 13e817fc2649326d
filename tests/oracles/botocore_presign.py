#!/usr/bin/env python3
# Copied unchanged from the sigv4-wss project's shared oracle set (botocore_presign.py,
# read-only reference material that came with the project); only these lines were added.
# Test tooling for tests/differential.rs: see tests/oracles/README.md.
"""SigV4 query-string presigning oracle backed by botocore.

Reads ONE JSON object on stdin:
    {"url": "wss://...", "region": "...", "service": "...",
     "access_key": "...", "secret_key": "...",
     "session_token": "..." (optional), "timestamp": "2020-01-31T10:02:33Z",
     "expires": 300 (optional, botocore default 3600), "method": "GET" (default)}
and prints the presigned URL on stdout.

It calls botocore.auth.SigV4QueryAuth.add_auth() on a botocore AWSRequest,
exactly as botocore's own generate_presigned_url machinery does for non-S3
services (S3 would use S3SigV4QueryAuth instead, which neither normalizes nor
double-encodes the path and uses UNSIGNED-PAYLOAD).

Clock: frozen the way botocore's own unit tests do it
(tests/unit/auth/test_signers.py, TestSigV4Presign.setUp):
    mock.patch.object(botocore.auth.datetime, 'datetime',
                      mock.Mock(wraps=datetime.datetime))
with .now (botocore >= 1.40: compat.get_current_datetime() calls
datetime.datetime.now(timezone.utc)) and .utcnow (older botocore) returning
the requested instant.

ws:// and wss:// are not known to botocore: _host_from_url() only strips the
default port for http/https. So wss:// is signed as https:// (and ws:// as
http://) with the same netloc/path/query, then the scheme is swapped back.
For https the payload hash is sha256("") (e3b0c442...) because the request has
no body; botocore would also use it for http.

Set ORACLE_DEBUG=1 to get botocore's canonical request / string to sign on
stderr.
"""
import datetime
import json
import logging
import os
import sys
from unittest import mock

import botocore.auth
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SCHEME_MAP = {"wss": "https", "ws": "http", "https": "https", "http": "http"}


def parse_timestamp(ts):
    # "2020-01-31T10:02:33Z" (also accepts +00:00 offsets / fractions)
    dt = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc).replace(microsecond=0)


def presign(case):
    url = case["url"]
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not an absolute URL: {url!r}")
    lscheme = scheme.lower()
    if lscheme not in SCHEME_MAP:
        raise ValueError(f"unsupported scheme {scheme!r}")
    http_url = f"{SCHEME_MAP[lscheme]}://{rest}"

    token = case.get("session_token")
    creds = Credentials(case["access_key"], case["secret_key"], token)
    kwargs = {}
    if case.get("expires") is not None:
        kwargs["expires"] = int(case["expires"])
    auth = SigV4QueryAuth(creds, case["service"], case["region"], **kwargs)

    request = AWSRequest(method=case.get("method") or "GET", url=http_url)

    when = parse_timestamp(case["timestamp"])
    patcher = mock.patch.object(
        botocore.auth.datetime, "datetime", mock.Mock(wraps=datetime.datetime)
    )
    mocked = patcher.start()
    try:
        mocked.now.return_value = when
        mocked.utcnow.return_value = when.replace(tzinfo=None)
        auth.add_auth(request)
    finally:
        patcher.stop()

    signed = request.url
    # botocore rebuilt the URL with urlunsplit(), which lowercases nothing but
    # the scheme; put the caller's scheme back (wss/ws).
    prefix = SCHEME_MAP[lscheme] + "://"
    assert signed.startswith(prefix), signed
    return lscheme + "://" + signed[len(prefix):]


def main():
    if os.environ.get("ORACLE_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        logging.getLogger("botocore").setLevel(logging.DEBUG)
    case = json.load(sys.stdin)
    print(presign(case))


if __name__ == "__main__":
    main()
